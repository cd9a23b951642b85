"""Improved precision and recall (Kynkäänniemi et al., NeurIPS 2019) on precomputed features.

Written here because no maintained library without torchvision ships it (torchmetrics has no
generative precision/recall). Each set's manifold is the union of balls around its points with
radius = distance to the point's k-th nearest neighbour in the same set (itself excluded,
k = 3 as in the paper). Precision = share of generated points inside the real manifold;
recall = share of real points inside the generated manifold. Distances are Euclidean, computed
in blocks so memory stays O(block x N); a point exactly on a ball's boundary counts as inside.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor

from ganlens.metrics.fid import ArrayLike, _same_dim, check_features

_BLOCK = 1024


class PrecisionRecall(NamedTuple):
    """Improved precision and recall, each in [0, 1]."""

    precision: float
    recall: float


def knn_radii(feats: Tensor, k: int, block: int = _BLOCK) -> Tensor:
    """Distance of each point (N, D) to its k-th nearest other point, shape (N,)."""
    radii = torch.empty(len(feats), dtype=feats.dtype)
    for start in range(0, len(feats), block):
        d = torch.cdist(feats[start : start + block], feats)
        rows = torch.arange(len(d))
        d[rows, rows + start] = float("inf")  # a point is not its own neighbour
        radii[start : start + block] = d.kthvalue(k, dim=1).values
    return radii


def manifold_coverage(points: Tensor, centres: Tensor, radii: Tensor, block: int = _BLOCK) -> float:
    """Share of ``points`` inside at least one ball (``centres``, ``radii``)."""
    inside = 0
    for start in range(0, len(points), block):
        d = torch.cdist(points[start : start + block], centres)
        inside += int((d <= radii).any(dim=1).sum())
    return inside / len(points)


def precision_recall(
    feats_real: ArrayLike, feats_fake: ArrayLike, k: int = 3, dtype: torch.dtype = torch.float32
) -> PrecisionRecall:
    """Improved precision and recall of generated features against real ones.

    Args:
        feats_real: (N_r, D) real features.
        feats_fake: (N_f, D) generated features.
        k: neighbourhood size (3 in the paper). Both sets need more than k points.
        dtype: distance precision; float32 (default) is what GPUs make fast, float64 is exact
            enough for hand-built tests with points on ball boundaries.

    Returns:
        ``PrecisionRecall(precision, recall)``. Both depend on N and k: report them.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    why = f"the {k}-th nearest other point must exist"
    real = check_features(feats_real, "feats_real", k + 1, why).to(dtype)
    fake = check_features(feats_fake, "feats_fake", k + 1, why).to(dtype)
    _same_dim(real, fake)
    precision = manifold_coverage(fake, real, knn_radii(real, k))
    recall = manifold_coverage(real, fake, knn_radii(fake, k))
    return PrecisionRecall(precision, recall)
