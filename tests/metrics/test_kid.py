"""KID against a direct numpy implementation of the unbiased polynomial-kernel MMD^2."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganlens.metrics import kid

pytest.importorskip("torchmetrics")


def mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased MMD^2 with k(a, b) = (a.b / D + 1)^3, written out term by term."""
    m, d = x.shape
    k = lambda a, b: (a @ b.T / d + 1.0) ** 3
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    within = (kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (m * (m - 1))
    return float(within - 2 * kxy.sum() / (m * m))


def features(seed: int, n: int, d: int, shift: float = 0.0) -> torch.Tensor:
    return torch.rand(n, d, generator=torch.Generator().manual_seed(seed)) + shift


def test_full_sets_equal_the_numpy_estimator():
    a, b = features(0, 40, 16), features(1, 40, 16, shift=0.3)
    result = kid(a, b, subsets=3, subset_size=40)  # every subset is the whole set
    expected = mmd2_unbiased(a.double().numpy(), b.double().numpy())
    assert result.mean == pytest.approx(expected, rel=1e-10)
    assert result.std == pytest.approx(0.0, abs=1e-15)


def test_subsets_equal_the_numpy_estimator_on_the_same_draws():
    a, b = features(2, 60, 8), features(3, 50, 8, shift=0.2)
    result = kid(a, b, subsets=5, subset_size=20, seed=7)
    g = torch.Generator().manual_seed(7)  # the documented draw order: a's subset, then b's
    values = []
    for _ in range(5):
        ia, ib = torch.randperm(60, generator=g)[:20], torch.randperm(50, generator=g)[:20]
        values.append(mmd2_unbiased(a[ia].double().numpy(), b[ib].double().numpy()))
    assert result.mean == pytest.approx(np.mean(values), rel=1e-10)
    assert result.std == pytest.approx(np.std(values), rel=1e-8)


def test_kid_is_seeded_and_near_zero_for_one_distribution():
    a, b = features(4, 200, 8), features(5, 200, 8)

    def run(seed: int):
        return kid(a, b, subsets=10, subset_size=100, seed=seed)

    assert run(1) == run(1) and run(1) != run(2)
    same = kid(a, b, subsets=20, subset_size=100)
    shifted = kid(a, features(5, 200, 8, shift=0.5), subsets=20, subset_size=100)
    assert abs(same.mean) < 3 * same.std + 1e-3 and shifted.mean > 10 * abs(same.mean)


def test_errors():
    a = features(0, 30, 4)
    with pytest.raises(ValueError, match="subset_size <= 30"):
        kid(a, a, subset_size=1000)
    with pytest.raises(ValueError, match="at least 2"):
        kid(a[:1], a, subset_size=1)
    with pytest.raises(ValueError, match="feature sizes differ"):
        kid(a, features(0, 30, 5), subset_size=10)
