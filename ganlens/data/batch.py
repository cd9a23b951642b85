"""Batch: real examples drawn from a dataset, with the dataset indices they came from."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass(frozen=True)
class Batch:
    """Real examples of one draw.

    Attributes:
        x: images (N, C, H, W) float in [-1, 1], or 2-D points (N, dim).
        y: labels (N,) int64, or ``None`` when the consumer is unconditional.
        index: (N,) int64 dataset indices of ``x`` (``None`` for infinite samplers such as the
            2-D toys): methods that remember something per image (ASGIT's attention bank) key it
            by these.
        source: the paired source images (N, C, H, W) of a paired translation dataset (``x`` is
            then the target), else ``None``.
    """

    x: Tensor
    y: Tensor | None = None
    index: Tensor | None = None
    source: Tensor | None = None

    def __len__(self) -> int:
        return len(self.x)

    def without_labels(self) -> Batch:
        """The same batch with ``y = None`` (for unconditional models)."""
        return Batch(self.x, None, self.index, self.source)

    def to(self, device: torch.device | str) -> Batch:
        """The batch on ``device``."""
        move = lambda t: t.to(device) if t is not None else None  # noqa: E731
        return Batch(self.x.to(device), move(self.y), move(self.index), move(self.source))
