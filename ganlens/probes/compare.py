"""Comparing attention maps: Pearson correlation, top-k% overlap, local peaks."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def pearson(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-sample Pearson correlation of maps (N, h, w) over pixels, shape (N,).

    A flat map has no defined correlation: its entries are NaN.
    """
    a = a.flatten(1).double()
    b = b.flatten(1).double()
    a = a - a.mean(dim=1, keepdim=True)
    b = b - b.mean(dim=1, keepdim=True)
    denom = a.norm(dim=1) * b.norm(dim=1)
    r = (a * b).sum(dim=1) / denom
    return torch.where(denom > 0, r, torch.full_like(r, float("nan"))).float()


def top_overlap(a: torch.Tensor, b: torch.Tensor, fraction: float = 0.2) -> torch.Tensor:
    """Share of the top-``fraction`` pixels of ``a`` that are also top pixels of ``b``, shape (N,).

    k = max(1, round(fraction * h * w)); ties are broken by pixel order (``torch.topk``).
    """
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    a, b = a.flatten(1), b.flatten(1)
    k = max(1, round(fraction * a.shape[1]))
    top_a = torch.zeros_like(a, dtype=torch.bool).scatter_(1, a.topk(k, dim=1).indices, True)
    top_b = torch.zeros_like(b, dtype=torch.bool).scatter_(1, b.topk(k, dim=1).indices, True)
    return (top_a & top_b).sum(dim=1).float() / k


def count_peaks(maps: torch.Tensor, min_height: float = 0.5) -> torch.Tensor:
    """Number of local peaks per map (N, h, w), shape (N,).

    A peak is a pixel that equals the maximum of its 3x3 neighbourhood (edges padded with -inf)
    and is at least ``min_height`` of the way from the map's minimum to its maximum; plateaus of
    equal neighbouring maxima count once per connected pixel, so use on continuous maps.
    """
    x = maps[:, None].float()
    lo = x.amin(dim=(2, 3), keepdim=True)
    hi = x.amax(dim=(2, 3), keepdim=True)
    pooled = F.max_pool2d(F.pad(x, (1, 1, 1, 1), value=float("-inf")), 3, stride=1)
    peaks = (x == pooled) & (x >= lo + min_height * (hi - lo)) & (hi > lo)
    return peaks.flatten(1).sum(dim=1)
