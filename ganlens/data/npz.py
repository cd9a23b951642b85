"""Datasets stored as a .npz file of uint8 images (the embedded mnist5k, or any user file).

Arrays read (never unpickled: ``allow_pickle=False``):
    ``x`` or ``x_train`` (train split), ``x_test`` (test split): uint8 images shaped (N, H, W),
    (N, H, W, C) or (N, C, H, W) with C in {1, 3};
    ``y`` / ``y_train`` / ``y_test`` (optional): (N,) integer labels (all 0 when absent);
    ``class_names`` (optional): a string array naming the classes.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from ganlens.data.images import ImageDataset, build

_KEYS = {"train": (("x", "y"), ("x_train", "y_train")), "test": (("x_test", "y_test"),)}


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_npz(
    path: Path,
    split: str = "train",
    classes: Sequence[str | int] | None = None,
    resolution: int | None = None,
    name: str = "npz",
) -> ImageDataset:
    """Load an image dataset from a .npz file.

    Args:
        path: the .npz file.
        split: ``"train"`` reads ``x``/``y`` (or ``x_train``/``y_train``); ``"test"`` reads
            ``x_test``/``y_test``.
        classes: optional class names or indices to keep.
        resolution: optional square output size.
        name: dataset name recorded on the result.

    Returns:
        The dataset, images (N, C, R, R) uint8.
    """
    x, y, names = _read_arrays(path, split)
    images = torch.from_numpy(_to_nchw(x, path))
    labels, class_names = _labels(y, names, len(images), path)
    return build(images, labels, class_names, name, str(path), classes, resolution)


def _read_arrays(path: Path, split: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    if not path.exists():
        raise FileNotFoundError(f"no such .npz file: {path}")
    if not path.is_file():
        raise ValueError(f"{path} is not a file; name='npz' needs root= pointing at a .npz file")
    try:
        # Open the file ourselves: np.load leaks its handle when the archive is corrupt.
        with open(path, "rb") as f:
            data = np.load(f, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise _LayoutError(f"{path} is a single .npy array, not a .npz with arrays x, y")
            return _pick_arrays(data, path, split)
    except _LayoutError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
        raise ValueError(
            f"{path} is corrupt or not a .npz dataset ({type(e).__name__}: {e}); expected a "
            "numpy .npz archive with a uint8 image array 'x'"
        ) from e


class _LayoutError(ValueError):
    """A readable .npz whose arrays are not an image dataset (kept apart from corruption)."""


def _pick_arrays(data: np.lib.npyio.NpzFile, path: Path, split: str) -> tuple:
    for x_key, y_key in _KEYS[split]:
        if x_key in data.files:
            y = data[y_key] if y_key in data.files else None
            names = data["class_names"] if "class_names" in data.files else None
            return data[x_key], y, names
    wanted = " or ".join(repr(x) for x, _ in _KEYS[split])
    raise _LayoutError(
        f"{path} has no {split} images: expected an array {wanted}, found {sorted(data.files)}"
    )


def _to_nchw(x: np.ndarray, path: Path) -> np.ndarray:
    if x.dtype != np.uint8:
        raise _LayoutError(
            f"{path}: images must be uint8 in [0, 255], got {x.dtype}; convert with "
            "(x * 255).round().astype(np.uint8) for floats in [0, 1]"
        )
    if x.ndim == 3:
        return np.ascontiguousarray(x[:, None])
    if x.ndim == 4 and x.shape[3] in (1, 3):
        return np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    if x.ndim == 4 and x.shape[1] in (1, 3):
        return np.ascontiguousarray(x)
    raise _LayoutError(
        f"{path}: images have shape {x.shape}; expected (N, H, W), (N, H, W, C) or (N, C, H, W) "
        "with C = 1 (grayscale) or 3 (RGB)"
    )


def _labels(
    y: np.ndarray | None, names: np.ndarray | None, n: int, path: Path
) -> tuple[torch.Tensor, list[str]]:
    if y is None:
        labels = np.zeros(n, dtype=np.int64)
    elif y.shape != (n,) or y.dtype.kind not in "iu":
        raise _LayoutError(
            f"{path}: labels must be integers of shape ({n},), got {y.dtype} {y.shape}"
        )
    else:
        labels = y.astype(np.int64)
    if len(labels) and labels.min() < 0:
        raise _LayoutError(f"{path}: labels must be >= 0, found {labels.min()}")
    n_classes = int(labels.max()) + 1 if len(labels) else 1
    if names is None:
        return torch.from_numpy(labels), [str(i) for i in range(n_classes)]
    class_names = [str(s) for s in names.reshape(-1)]
    if len(class_names) < n_classes:
        raise _LayoutError(
            f"{path}: {len(class_names)} class_names but labels reach {n_classes - 1}"
        )
    return torch.from_numpy(labels), class_names
