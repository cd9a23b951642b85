"""Image datasets held as uint8 tensors, and the uint8 <-> [-1, 1] conversions at the data boundary.

Every image loader ends in :func:`build`, which selects classes, resizes and checks the result,
so those rules (and their error messages) live in one place.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from ganlens.data.batch import Batch

# Images resized per chunk: bounds the float32 copy to about chunk * C * H * W * 4 bytes.
_RESIZE_CHUNK = 512


def to_float(x: Tensor) -> Tensor:
    """Map uint8 images to float32 in [-1, 1] (``x / 127.5 - 1``).

    Args:
        x: uint8 images in [0, 255], any shape, e.g. (N, C, H, W).

    Returns:
        float32 tensor of the same shape, in [-1, 1].
    """
    if x.dtype != torch.uint8:
        raise TypeError(
            f"to_float expects uint8 images in [0, 255], got dtype {x.dtype}; "
            "float images are already in ganlens' [-1, 1] convention"
        )
    return x.float() / 127.5 - 1.0


def to_uint8(x: Tensor) -> Tensor:
    """Map float images in [-1, 1] back to uint8 in [0, 255], rounding and clamping.

    Exact inverse of :func:`to_float` on all 256 values.

    Args:
        x: float images in [-1, 1], any shape, e.g. (N, C, H, W).

    Returns:
        uint8 tensor of the same shape.
    """
    if not x.is_floating_point():
        raise TypeError(f"to_uint8 expects float images in [-1, 1], got dtype {x.dtype}")
    return ((x + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8)


def resize(images: Tensor, size: int) -> Tensor:
    """Resize uint8 images to ``size x size`` (bilinear, antialiased), chunk by chunk.

    Args:
        images: (N, C, H, W) uint8.
        size: output height and width.

    Returns:
        (N, C, size, size) uint8.
    """
    n, c = images.shape[:2]
    out = torch.empty((n, c, size, size), dtype=torch.uint8)
    for start in range(0, n, _RESIZE_CHUNK):
        chunk = images[start : start + _RESIZE_CHUNK].float()
        chunk = F.interpolate(
            chunk, size=(size, size), mode="bilinear", antialias=True, align_corners=False
        )
        out[start : start + _RESIZE_CHUNK] = chunk.round().clamp(0, 255).to(torch.uint8)
    return out


def class_indices(
    class_names: Sequence[str], classes: Sequence[str | int] | str | int
) -> list[int]:
    """Turn class names or integer indices into sorted, unique class indices.

    Args:
        class_names: every class of the dataset, in label order.
        classes: names (``"cat"``) or indices (``3``); a single name or index is accepted too.

    Returns:
        Sorted unique indices into ``class_names``.
    """
    if isinstance(classes, (str, int, np.integer)):
        classes = [classes]
    available = ", ".join(repr(c) for c in class_names)
    if len(classes) == 0:
        raise ValueError(
            f"classes=[] selects nothing; pass None for all classes or some of: {available}"
        )
    picked = set()
    for c in classes:
        picked.add(_one_class_index(class_names, c, available))
    return sorted(picked)


def _one_class_index(class_names: Sequence[str], c: object, available: str) -> int:
    if isinstance(c, str):
        if c not in class_names:
            raise ValueError(f"unknown class {c!r}; available classes: {available}")
        return list(class_names).index(c)
    if isinstance(c, (int, np.integer)) and not isinstance(c, bool):
        if not 0 <= int(c) < len(class_names):
            raise ValueError(
                f"class index {int(c)} is out of range: this dataset has {len(class_names)} "
                f"classes (0..{len(class_names) - 1}): {available}"
            )
        return int(c)
    raise TypeError(f"classes must hold class names (str) or indices (int), got {c!r}")


def draw_indices(size: int, n: int, generator: torch.Generator) -> Tensor:
    """``n`` random indices into a dataset of ``size``: without repeats when ``n <= size``.

    ``torch.randperm(size)[:n]`` when ``n <= size``, else ``torch.randint`` (with repeats); the
    generator's state alone decides them.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"sample needs a batch size n >= 1 (int), got {n!r}")
    n = int(n)
    if n <= size:
        return torch.randperm(size, generator=generator, device=generator.device)[:n]
    return torch.randint(size, (n,), generator=generator, device=generator.device)


@dataclass(eq=False)
class ImageDataset:
    """A labelled image dataset held in memory as uint8.

    Labels are the ORIGINAL class indices of the full dataset and ``class_names`` is always the full
    list, even after ``classes=`` picked a subset: CIFAR-10's cat stays label 3 of 10 classes, so a
    conditional model keeps the same ``n_classes`` whatever subset it trains on.

    Attributes:
        images: (N, C, H, W) uint8 in [0, 255], contiguous, H == W.
        labels: (N,) int64 indices into ``class_names``.
        class_names: names of every class of the source dataset.
        name: the dataset's name, e.g. ``"mnist5k"``.
        source: the file or folder it was read from (provenance).
    """

    images: Tensor
    labels: Tensor
    class_names: tuple[str, ...]
    name: str
    source: str

    def __post_init__(self) -> None:
        _check_images(self.images, self.name)
        self.images = self.images.contiguous()
        self.labels = _checked_labels(self.labels, len(self.images), len(self.class_names))
        self.class_names = tuple(self.class_names)

    def __len__(self) -> int:
        return self.images.shape[0]

    def __repr__(self) -> str:
        c, h, w = self.images.shape[1:]
        return (
            f"ImageDataset(name={self.name!r}, n={len(self)}, shape=({c}, {h}, {w}), "
            f"n_classes={self.n_classes}, source={self.source!r})"
        )

    @property
    def channels(self) -> int:
        """Number of channels C (1 for grayscale, 3 for RGB)."""
        return self.images.shape[1]

    @property
    def resolution(self) -> int:
        """Height (= width) of the images in pixels."""
        return self.images.shape[2]

    @property
    def n_classes(self) -> int:
        """Number of classes of the full dataset (``len(class_names)``)."""
        return len(self.class_names)

    def sample(
        self, n: int, generator: torch.Generator, device: str | torch.device = "cpu"
    ) -> tuple[Tensor, Tensor]:
        """Draw a random batch, deterministically given the generator's state.

        The images and labels of :meth:`draw` (same generator state, same batch).

        Returns:
            images: (n, C, H, W) float32 in [-1, 1]; labels: (n,) int64.
        """
        batch = self.draw(n, generator, device)
        return batch.x, batch.y

    def draw(self, n: int, generator: torch.Generator, device: str | torch.device = "cpu") -> Batch:
        """Draw a random :class:`~ganlens.data.batch.Batch` with its dataset indices.

        Indices come from ``torch.randperm(len(self), generator=generator)[:n]`` when ``n <= N``
        (no repeats within a batch), else from ``torch.randint``.

        Args:
            n: batch size, >= 1.
            generator: the only source of randomness; the same state gives the same batch.
            device: where the returned tensors live.

        Returns:
            A Batch: x (n, C, H, W) float32 in [-1, 1], y (n,) int64, index (n,) int64.
        """
        idx = draw_indices(len(self), n, generator)
        x, y = self.batch(idx, device=device)
        return Batch(x, y, idx.to(device))

    def batch(self, indices: Tensor, device: str | torch.device = "cpu") -> tuple[Tensor, Tensor]:
        """Images and labels at ``indices``, converted like :meth:`sample`.

        Args:
            indices: (n,) integer indices into the dataset.
            device: where the returned tensors live.

        Returns:
            images: (n, C, H, W) float32 in [-1, 1]; labels: (n,) int64.
        """
        idx = torch.as_tensor(indices, dtype=torch.long).cpu()
        # Move uint8 (4x fewer bytes than float32), convert on the device.
        return to_float(self.images[idx].to(device)), self.labels[idx].to(device)

    def subset(self, classes: Sequence[str | int] | str | int) -> ImageDataset:
        """Only the images of ``classes`` (names or indices), labels unchanged."""
        keep = torch.tensor(class_indices(self.class_names, classes))
        mask = torch.isin(self.labels, keep)
        if not bool(mask.any()):
            names = [self.class_names[i] for i in keep.tolist()]
            raise ValueError(f"{self.name} has no images of classes {names}")
        return ImageDataset(
            self.images[mask], self.labels[mask], self.class_names, self.name, self.source
        )

    def limited(self, per_class: int, seed: int = 0) -> ImageDataset:
        """At most ``per_class`` images of each class present (ADA's limited-data regime).

        Which images are kept is a seeded random choice per class (``seed``), independent of
        any training seed, so every run of a study sees the same images. Order: by class.
        """
        if isinstance(per_class, bool) or not isinstance(per_class, int) or per_class < 1:
            raise ValueError(f"per_class must be a positive integer, got {per_class!r}")
        g = torch.Generator().manual_seed(seed)
        keep = []
        for c in self.labels.unique().tolist():
            idx = (self.labels == c).nonzero()[:, 0]
            keep.append(idx[torch.randperm(len(idx), generator=g)[:per_class]].sort().values)
        idx = torch.cat(keep)
        return ImageDataset(
            self.images[idx], self.labels[idx], self.class_names, self.name, self.source
        )


def _check_images(images: Tensor, name: str) -> None:
    if not isinstance(images, Tensor) or images.dtype != torch.uint8 or images.ndim != 4:
        got = (
            f"{images.dtype} {tuple(images.shape)}" if isinstance(images, Tensor) else type(images)
        )
        raise ValueError(f"{name}: images must be a uint8 tensor (N, C, H, W), got {got}")
    n, _, h, w = images.shape
    if n == 0:
        raise ValueError(f"{name}: the dataset has no images")
    if h != w:
        raise ValueError(f"{name}: images must be square, got {h}x{w}; pass resolution= to resize")


def _checked_labels(labels: Tensor, n: int, n_classes: int) -> Tensor:
    labels = torch.as_tensor(labels)
    if labels.dtype.is_floating_point or labels.dtype == torch.bool or labels.shape != (n,):
        raise ValueError(
            f"labels must be integers of shape ({n},), got {labels.dtype} {tuple(labels.shape)}"
        )
    labels = labels.to(torch.int64).contiguous()
    lo, hi = int(labels.min()), int(labels.max())
    if lo < 0 or hi >= n_classes:
        raise ValueError(f"labels span {lo}..{hi} but there are {n_classes} class names")
    return labels


def build(
    images: Tensor,
    labels: Tensor,
    class_names: Sequence[str],
    name: str,
    source: str,
    classes: Sequence[str | int] | None = None,
    resolution: int | None = None,
) -> ImageDataset:
    """Select classes, resize, and wrap loaded arrays as an :class:`ImageDataset`.

    Args:
        images: (N, C, H, W) uint8; may be non-square when ``resolution`` is given.
        labels: (N,) integer class indices.
        class_names: all class names, in label order.
        name: dataset name.
        source: file or folder the data came from.
        classes: optional names or indices to keep (labels keep their original values).
        resolution: optional output size; images are resized when their size differs.

    Returns:
        The dataset, images (M, C, R, R) uint8.
    """
    labels = torch.as_tensor(labels).to(torch.int64)
    if classes is not None:
        keep = torch.tensor(class_indices(class_names, classes))
        mask = torch.isin(labels, keep)
        if not bool(mask.all()):
            images, labels = images[mask], labels[mask]
        if len(labels) == 0:
            picked = [class_names[i] for i in keep.tolist()]
            raise ValueError(f"{name} ({source}) has no images of classes {picked}")
    h, w = images.shape[2:]
    if resolution is not None and (h, w) != (resolution, resolution):
        images = resize(images, resolution)
    elif h != w:
        raise ValueError(
            f"{name} ({source}) has non-square {h}x{w} images; pass resolution=<int> to resize "
            "them to a square size"
        )
    return ImageDataset(images, labels, tuple(class_names), name, source)
