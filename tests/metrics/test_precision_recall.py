"""Improved precision/recall on point clouds whose k-NN balls are worked out by hand."""

from __future__ import annotations

import pytest
import torch

from ganlens.metrics import precision_recall
from ganlens.metrics.precision_recall import knn_radii


def on_a_line(xs: list[float]) -> torch.Tensor:
    return torch.tensor([[x, 0.0] for x in xs], dtype=torch.float64)


REAL = on_a_line([float(i) for i in range(10)])  # 0, 1, ..., 9
# 4 fakes between real points and 4 far away
FAKE = on_a_line([0.5, 1.5, 2.5, 3.5, 50.0, 51.0, 52.0, 53.0])


def test_knn_radii_by_hand():
    # k = 3: the ends see neighbours at 1, 2, 3; inner points at 1, 1, 2.
    assert knn_radii(REAL, 3).tolist() == [3.0] + [2.0] * 8 + [3.0]
    assert knn_radii(REAL, 1).tolist() == [1.0] * 10
    assert torch.equal(knn_radii(REAL, 3, block=3), knn_radii(REAL, 3))


def test_precision_and_recall_by_hand():
    # Precision: the 4 in-between fakes lie 0.5 from a real point; the far 4 are 41+ away
    # from the nearest ball (x = 9, radius 3). -> 4/8.
    # Recall: fake balls (radius 3, 2, 2, 3 around 0.5, 1.5, 2.5, 3.5) cover x in [-2.5, 6.5]:
    # real points 0..6. The far balls cover none. -> 7/10.
    pr = precision_recall(REAL, FAKE, k=3, dtype=torch.float64)
    assert pr == (0.5, 0.7)
    assert pr.precision == 0.5 and pr.recall == 0.7


def test_identical_and_disjoint_sets():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(100, 16, generator=g)
    assert precision_recall(x, x) == (1.0, 1.0)
    assert precision_recall(x, x + 1000.0) == (0.0, 0.0)


def test_a_subset_has_full_precision():
    g = torch.Generator().manual_seed(1)
    real = torch.randn(200, 8, generator=g)
    pr = precision_recall(real, real[:50])
    assert pr.precision == 1.0 and pr.recall < 1.0


def test_too_few_points_for_k():
    with pytest.raises(ValueError, match="at least 4"):
        precision_recall(REAL[:3], FAKE, k=3)
    with pytest.raises(ValueError, match="k must be"):
        precision_recall(REAL, FAKE, k=0)
