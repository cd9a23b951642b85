"""CIFAR-10-JPEG: the 60k CIFAR-10 images as 32x32 JPEG files (quality 75, 4:2:0 chroma).

Layout ``cifar10jpg/{train,test}/<class>/NNNN.jpg``, read from the tarball (streamed once, only the
requested split and classes decoded) or from the extracted folder. The JPEG round trip changes the
pixels: this is not CIFAR-10, and its FIDs must never be compared with published CIFAR-10 FIDs.
Decoded arrays are cached as uint8 .npz (see :mod:`ganlens.data.cache`).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import tarfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch

from ganlens.data.cache import cache_file, read_cache, write_cache
from ganlens.data.folder import IMAGE_SUFFIXES, decode_bytes
from ganlens.data.images import ImageDataset, build, class_indices

# The standard CIFAR-10 label order (batches.meta of the python version).
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
PER_CLASS = {"train": 5000, "test": 1000}  # images of every class in each split of CIFAR-10
TARBALL = "cifar10-jpeg.tar.gz"
FOLDER = "cifar10jpg"
_LAYOUT = f"{FOLDER}/{{train,test}}/<class>/*.jpg"

Found = list[tuple[int, str, np.ndarray]]  # (label, file name, (3, 32, 32) uint8)


def load_cifar10_jpeg(
    source: Path,
    split: str,
    classes: Sequence[str | int] | None,
    resolution: int | None,
    cache_dir: Path,
    partial: bool = False,
) -> ImageDataset:
    """Load a split of CIFAR-10-JPEG, from the cache when it holds this exact source and selection.

    The tarball is read to its end (its gzip checksum is verified) and every requested class
    must have its full count (5,000 train, 1,000 test images): a truncated or corrupt archive,
    or a partial copy of the folder, is refused before anything is cached.

    Args:
        source: the tarball, the extracted ``cifar10jpg`` folder, or a folder containing either.
        split: ``"train"`` (50k images) or ``"test"`` (10k).
        classes: optional class names or indices (labels keep the CIFAR-10 indices).
        resolution: optional square output size (native 32).
        cache_dir: where decoded arrays are cached.
        partial: accept classes with fewer images than CIFAR-10 has (a deliberate subset copy).

    Returns:
        The dataset, images (N, 3, R, R) uint8, sorted by label then file name.

    Raises:
        ValueError: a corrupt archive, or a class with the wrong count (unless ``partial``).
    """
    keep = list(range(10)) if classes is None else class_indices(CIFAR10_CLASSES, classes)
    src = locate(source)
    path = _cache_path(src, split, keep, cache_dir)
    cached = _valid(read_cache(path))
    if cached is None:
        x, y = _decode_tar(src, split, keep) if src.is_file() else _decode_folder(src, split, keep)
        if not partial:
            check_counts(y, split, keep, src)
        write_cache(path, x=x, y=y)
    else:
        x, y = cached
    images, labels = torch.from_numpy(x), torch.from_numpy(y)
    return build(images, labels, CIFAR10_CLASSES, "cifar10-jpeg", str(src), None, resolution)


def check_counts(y: np.ndarray, split: str, keep: list[int], src: Path) -> None:
    """Refuse a selection whose classes do not each have CIFAR-10's count of images."""
    counts = np.bincount(y, minlength=10)
    wrong = {CIFAR10_CLASSES[i]: int(counts[i]) for i in keep if counts[i] != PER_CLASS[split]}
    if wrong:
        found = ", ".join(f"{split}/{name}: {n}" for name, n in list(wrong.items())[:4])
        raise ValueError(
            f"{src} is not a complete CIFAR-10-JPEG ({found} images; every class has "
            f"{PER_CLASS[split]} in {split}): the archive is truncated or corrupt (try gzip -t), "
            "or the folder is a partial copy. Replace it, or pass partial=True to load it as it "
            "is (or load it as an 'imagefolder')"
        )


def locate(source: Path) -> Path:
    """The tarball or extracted folder that ``source`` names (itself, or inside it)."""
    if not source.exists():
        raise FileNotFoundError(f"no such file or folder: {source}")
    if source.is_file():
        return source
    if (source / "train").is_dir() or (source / "test").is_dir():
        return source
    for inner in (source / FOLDER, source / TARBALL):
        if inner.exists():
            return inner
    raise ValueError(
        f"not a CIFAR-10-JPEG dataset: {source} holds none of {TARBALL}, {FOLDER}/ or "
        f"train/ and test/ folders (layout {_LAYOUT}); for the original CIFAR-10 python pickles "
        "use name='cifar10'"
    )


def _cache_path(src: Path, split: str, keep: list[int], cache_dir: Path) -> Path:
    tag = "all" if len(keep) == 10 else "+".join(CIFAR10_CLASSES[i] for i in keep)
    key = {"source": str(src.resolve()), "stamp": _stamp(src, split, keep)}
    key.update(split=split, classes=keep)
    return cache_file(cache_dir, f"cifar10-jpeg-{split}-{tag}", key)


def _stamp(src: Path, split: str, keep: list[int]) -> str:
    """Size and mtime of the tarball, or of every file the selection reads from a folder."""
    if src.is_file():
        st = src.stat()
        return f"{st.st_size}-{st.st_mtime_ns}"
    digest = hashlib.sha256()
    for i in keep:
        folder = src / split / CIFAR10_CLASSES[i]
        for p in sorted(folder.iterdir()) if folder.is_dir() else []:
            st = p.stat()
            digest.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()


def _valid(arrays: dict[str, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray] | None:
    if arrays is None or set(arrays) != {"x", "y"}:
        return None
    x, y = arrays["x"], arrays["y"]
    ok = x.dtype == np.uint8 and x.ndim == 4 and x.shape[1] == 3 and len(x) > 0
    return (x, y) if ok and y.dtype == np.int64 and y.shape == (len(x),) else None


def _decode_tar(path: Path, split: str, keep: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Stream the tarball once, decoding the JPEGs of ``split`` whose class is in ``keep``."""
    wanted = {CIFAR10_CLASSES[i]: i for i in keep}
    found: Found = []
    strays: set[str] = set()
    try:
        with _stream(path) as tar:
            for member in tar:
                parts = member.name.split("/")
                if not member.isfile() or len(parts) < 3 or parts[-3] != split:
                    continue
                if parts[-2] not in CIFAR10_CLASSES:
                    strays.add(parts[-2])
                elif parts[-2] in wanted and parts[-1].lower().endswith(IMAGE_SUFFIXES):
                    data = tar.extractfile(member).read()
                    image = decode_bytes(data, f"{path}:{member.name}", gray=False)
                    found.append((wanted[parts[-2]], parts[-1], image))
            while tar.fileobj.read(1 << 20):  # to the end: a gzip file checks its CRC there
                pass
    except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
        raise ValueError(
            f"{path} is corrupt or not a CIFAR-10-JPEG tarball ({type(e).__name__}: {e}); "
            f"expected a .tar.gz with layout {_LAYOUT}"
        ) from e
    return _stack(found, strays, path, split, keep)


@contextlib.contextmanager
def _stream(path: Path) -> Iterator[tarfile.TarFile]:
    """The tarball as a stream; a gzip one is read through :mod:`gzip`, which verifies the CRC
    and length in its trailer (``tarfile``'s own stream reader ignores them)."""
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    if not gzipped:
        with tarfile.open(path, mode="r|*") as tar:
            yield tar
        return
    with gzip.open(path, "rb") as gz, tarfile.open(fileobj=gz, mode="r|") as tar:
        yield tar


def _decode_folder(root: Path, split: str, keep: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Decode ``root/<split>/<class>/*.jpg`` for the classes in ``keep``."""
    base = root / split
    if not base.is_dir():
        raise ValueError(f"{root} has no {split}/ folder; expected layout {_LAYOUT}")
    strays = {d.name for d in base.iterdir() if d.is_dir()} - set(CIFAR10_CLASSES)
    found: Found = []
    for i in keep:
        folder = base / CIFAR10_CLASSES[i]
        files = sorted(folder.iterdir()) if folder.is_dir() else []
        for p in (p for p in files if p.suffix.lower() in IMAGE_SUFFIXES):
            found.append((i, p.name, decode_bytes(p.read_bytes(), str(p), gray=False)))
    return _stack(found, strays, base, split, keep)


def _stack(
    found: Found, strays: set[str], where: Path, split: str, keep: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Sort by (label, file name) and stack into x (N, 3, 32, 32) uint8, y (N,) int64."""
    if strays:
        raise ValueError(
            f"{where} has class folders {sorted(strays)} under {split}/ that are not CIFAR-10 "
            f"classes; expected {', '.join(CIFAR10_CLASSES)}"
        )
    if not found:
        names = [CIFAR10_CLASSES[i] for i in keep]
        raise ValueError(
            f"no {split} images of classes {names} in {where}; expected layout {_LAYOUT}"
        )
    found.sort(key=lambda item: item[:2])
    shapes = {item[2].shape for item in found}
    if shapes != {(3, 32, 32)}:
        raise ValueError(f"{where}: CIFAR-10-JPEG images must be 32x32 RGB, found shapes {shapes}")
    x = np.stack([item[2] for item in found])
    y = np.array([item[0] for item in found], dtype=np.int64)
    return x, y
