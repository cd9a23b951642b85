"""Image folders: ``root/<class>/*.png`` (or ``root/<split>/<class>/...``), decoded with PIL.

Class folders are sorted by name and give labels 0..K-1; files inside a class are sorted by name,
so the order is deterministic. A folder of images with no class subfolders is one class.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ganlens.data.images import ImageDataset, build, class_indices, resize

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")
# PIL modes that hold one gray channel (alpha, if any, is dropped on conversion).
_GRAY_MODES = {"1", "L", "LA"}


def load_imagefolder(
    root: Path,
    split: str = "train",
    classes: Sequence[str | int] | None = None,
    resolution: int | None = None,
) -> ImageDataset:
    """Load every image under ``root`` (or ``root/<split>`` when that folder exists).

    Args:
        root: the folder of class folders (or of images).
        split: ``"train"`` or ``"test"``; used only when ``root/<split>`` is a folder.
        classes: optional class (folder) names or indices to keep.
        resolution: output size; required when the images are not all the same square size.

    Returns:
        The dataset, images (N, C, R, R) uint8; C = 1 when every image is grayscale, else 3.
    """
    base = split_folder(root, split)
    class_names, files = scan(base)
    if classes is not None:
        keep = set(class_indices(class_names, classes))
        files = [(label, path) for label, path in files if label in keep]
    images = decode_files([path for _, path in files], resolution, base)
    labels = torch.tensor([label for label, _ in files], dtype=torch.int64)
    return build(images, labels, class_names, "imagefolder", str(base), None, resolution)


def split_folder(root: Path, split: str) -> Path:
    """``root/<split>`` when it is a folder, else ``root`` itself (only for the train split)."""
    if not root.exists():
        raise FileNotFoundError(f"no such image folder: {root}")
    if not root.is_dir():
        raise ValueError(
            f"{root} is not a folder; name='imagefolder' needs root=<folder of images>"
        )
    if (root / split).is_dir():
        return root / split
    if split != "train":
        raise ValueError(
            f"{root} has no '{split}' folder; put the {split} images in {root / split} or pass "
            f"root=<the {split} folder> with split='train'"
        )
    return root


def scan(base: Path) -> tuple[list[str], list[tuple[int, Path]]]:
    """Class names and (label, file) pairs under ``base``, both sorted by name."""
    loose = _image_files(base)
    class_dirs = [d for d in sorted(base.iterdir()) if d.is_dir() and _image_files(d)]
    if class_dirs and loose:
        raise ValueError(
            f"{base} holds {len(loose)} images beside class folders "
            f"{[d.name for d in class_dirs]}; move them into a class folder"
        )
    if class_dirs:
        files = [(i, f) for i, d in enumerate(class_dirs) for f in _image_files(d)]
        return [d.name for d in class_dirs], files
    if loose:
        return [base.name], [(0, f) for f in loose]
    raise ValueError(
        f"not an image dataset: no image files under {base} (looked for "
        f"{', '.join('*' + s for s in IMAGE_SUFFIXES)} in it and in its class subfolders)"
    )


def _image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def decode_files(paths: Sequence[Path], resolution: int | None, base: Path) -> torch.Tensor:
    """Decode image files into (N, C, H, W) uint8, resizing mixed sizes to ``resolution``.

    Args:
        paths: image files.
        resolution: required when the images do not all share one size.
        base: the folder they came from, for error messages.

    Returns:
        (N, C, H, W) uint8; C = 1 if every file is grayscale, else 3.
    """
    modes, sizes = zip(*(_header(p) for p in paths))
    gray = all(m in _GRAY_MODES for m in modes)
    size_counts = Counter(sizes)
    if len(size_counts) > 1 and resolution is None:
        found = ", ".join(f"{w}x{h} ({n} files)" for (w, h), n in size_counts.most_common(5))
        raise ValueError(
            f"images under {base} have mixed sizes: {found}; "
            "pass resolution=<int> to resize them all to one square size"
        )
    arrays = [decode_bytes(Path(p).read_bytes(), str(p), gray) for p in paths]
    if len(size_counts) == 1:
        return torch.from_numpy(np.stack(arrays))
    return torch.cat([_resized(torch.from_numpy(a.copy())[None], resolution) for a in arrays])


def _resized(image: torch.Tensor, size: int) -> torch.Tensor:
    return image if image.shape[2:] == (size, size) else resize(image, size)


def _header(path: Path) -> tuple[str, tuple[int, int]]:
    try:
        with Image.open(path) as im:
            return im.mode, im.size
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        raise ValueError(f"{path} is corrupt or not an image ({type(e).__name__}: {e})") from e


def decode_bytes(data: bytes, where: str, gray: bool) -> np.ndarray:
    """Decode one encoded image to (1, H, W) uint8 if ``gray`` else (3, H, W) RGB.

    Args:
        data: the encoded file (PNG, JPEG, ...).
        where: the file's name, for error messages.
        gray: convert to one gray channel instead of RGB.

    Returns:
        (C, H, W) uint8 array.
    """
    try:
        with Image.open(io.BytesIO(data)) as im:
            mode = "L" if gray else "RGB"
            arr = np.asarray(im if im.mode == mode else im.convert(mode))
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        raise ValueError(f"{where} is corrupt or not an image ({type(e).__name__}: {e})") from e
    return arr[None] if gray else arr.transpose(2, 0, 1)
