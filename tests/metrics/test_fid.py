"""Fréchet distance against scipy's sqrtm closed form, torchmetrics, and exact cases."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from ganlens.metrics import fid, frechet_distance, gaussian_stats, n_label

scipy_linalg = pytest.importorskip("scipy.linalg")
pytest.importorskip("torchmetrics")


def closed_form(mu1, s1, mu2, s2) -> float:
    """|mu1 - mu2|^2 + tr(S1 + S2 - 2 sqrtm(S1 S2)), with scipy's matrix square root."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on singular products; the value is fine
        root = scipy_linalg.sqrtm(s1 @ s2)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(root).real)


def random_cov(rng: np.random.Generator, d: int, rank: int | None = None) -> np.ndarray:
    a = rng.standard_normal((d, rank or d))
    return a @ a.T / d


@pytest.mark.parametrize("d", [2, 16, 64])
def test_matches_scipy_on_random_covariances(d):
    rng = np.random.default_rng(d)
    mu1, mu2 = rng.standard_normal(d), rng.standard_normal(d)
    s1, s2 = random_cov(rng, d), random_cov(rng, d)
    expected = closed_form(mu1, s1, mu2, s2)
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("rank", [1, 5, 31])
def test_matches_scipy_on_near_singular_covariances(rank):
    rng = np.random.default_rng(rank)
    d = 32
    s1 = random_cov(rng, d, rank) + 1e-10 * np.eye(d)  # rank-deficient, as with n < D samples
    s2 = random_cov(rng, d, rank) + 1e-10 * np.eye(d)
    mu = rng.standard_normal(d)
    expected = closed_form(mu, s1, 0 * mu, s2)
    assert frechet_distance(mu, s1, 0 * mu, s2) == pytest.approx(expected, rel=1e-6, abs=1e-6)


def test_exact_value_for_commuting_singular_covariances():
    # S1, S2 share eigenvectors: tr sqrt(S1 S2) = sum sqrt(a_i b_i), exactly.
    rng = np.random.default_rng(0)
    d = 40
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    a, b = rng.uniform(0, 2, d), rng.uniform(0, 2, d)
    a[:15] = 0.0  # singular
    s1, s2 = (q * a) @ q.T, (q * b) @ q.T
    expected = a.sum() + b.sum() - 2 * np.sqrt(a * b).sum()
    # sqrt turns round-off of the zero eigenvalues (1e-16) into 1e-8 each: hence rel=1e-7
    assert frechet_distance(np.zeros(d), s1, np.zeros(d), s2) == pytest.approx(expected, rel=1e-7)


def test_one_dimensional_gaussians():
    # (m1 - m2)^2 + (s1 - s2)^2 for standard deviations s1, s2.
    assert frechet_distance([1.0], [[4.0]], [3.0], [[9.0]]) == pytest.approx(4.0 + 1.0)


def test_fid_of_a_set_with_itself_is_zero():
    feats = torch.rand(300, 64, generator=torch.Generator().manual_seed(0))
    assert abs(fid(feats, feats)) < 1e-8


def test_fid_equals_frechet_of_stats_and_torchmetrics_class():
    g = torch.Generator().manual_seed(1)
    a, b = torch.rand(200, 48, generator=g), torch.rand(150, 48, generator=g) ** 2
    ours = frechet_distance(*gaussian_stats(a), *gaussian_stats(b))
    assert fid(a, b) == pytest.approx(ours, rel=1e-9)
    mu, sigma = gaussian_stats(a)
    assert torch.allclose(sigma, torch.from_numpy(np.cov(a.double().numpy(), rowvar=False)))
    assert torch.allclose(mu, a.double().mean(0))


def test_fid_with_fewer_samples_than_features_is_finite():
    g = torch.Generator().manual_seed(2)
    a, b = torch.rand(10, 64, generator=g), torch.rand(12, 64, generator=g)
    assert np.isfinite(fid(a, b)) and fid(a, b) > 0


def test_errors_name_the_problem():
    good = torch.rand(10, 4)
    with pytest.raises(ValueError, match="at least 2"):
        fid(torch.rand(1, 4), good)
    with pytest.raises(ValueError, match=r"features \(N, D\)"):
        fid(torch.rand(10, 3, 8, 8), good)
    with pytest.raises(ValueError, match="feature sizes differ"):
        fid(good, torch.rand(10, 5))
    with pytest.raises(ValueError, match="NaN"):
        fid(torch.full((10, 4), float("nan")), good)
    with pytest.raises(ValueError, match=r"mu \(D,\) and sigma \(D, D\)"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))


def test_n_label():
    assert [n_label(n) for n in (500, 1000, 2000, 1500, 10_000, 50_000)] == [
        "500",
        "1k",
        "2k",
        "1500",
        "10k",
        "50k",
    ]
