"""as_dataset: a user's plain image tensor as an ImageDataset, so every API takes it as real data."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from ganlens.data.images import ImageDataset, to_uint8


def as_dataset(data: Any, labels: Tensor | None = None, name: str = "tensor") -> Any:
    """``data`` if it is already a ganlens dataset, else an :class:`ImageDataset` of the tensor.

    Args:
        data: a ganlens dataset (returned as is), or images (N, C, H, W): uint8 in [0, 255] or
            float in [-1, 1] (ganlens's convention; floats in [0, 1] are refused, since they
            would be read as mostly-black images).
        labels: (N,) class indices (default: all 0, one class).
        name: the dataset's name in messages and reports.

    Raises:
        ValueError: not a 4-D image tensor, or floats outside [-1, 1] or inside [0, 1] only.
    """
    if not isinstance(data, Tensor):
        return data
    if data.ndim != 4:
        raise ValueError(
            f"real images must be a tensor (N, C, H, W), got shape {tuple(data.shape)}"
        )
    if data.dtype != torch.uint8:
        data = _float_to_uint8(data)
    labels = torch.zeros(len(data), dtype=torch.long) if labels is None else labels.long().cpu()
    names = tuple(str(i) for i in range(int(labels.max()) + 1)) if len(labels) else ("0",)
    return ImageDataset(data.cpu(), labels, names, name, "a tensor passed by the caller")


def _float_to_uint8(x: Tensor) -> Tensor:
    if not x.is_floating_point():
        raise ValueError(f"real images must be uint8 or float, got dtype {x.dtype}")
    lo, hi = float(x.min()), float(x.max())
    if lo < -1.0 - 1e-4 or hi > 1.0 + 1e-4:
        raise ValueError(
            f"float images must lie in [-1, 1] (ganlens's convention); got values "
            f"from {lo:.3g} to {hi:.3g}"
        )
    if lo >= 0.0 and hi <= 1.0:
        raise ValueError(
            "these float images lie in [0, 1]; ganlens reads floats as [-1, 1]: pass "
            "x * 2 - 1 (or the uint8 images)"
        )
    return to_uint8(x)
