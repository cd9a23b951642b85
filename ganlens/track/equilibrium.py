"""Equilibrium statistics of D scores: the Disequilibrium Indicator, realness statistics, ADA's r_t.

Scores are D's raw outputs (logits), as design.md section 3 commits to; pass sigmoid scores
explicitly if that view is wanted, never mixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)


@dataclass(frozen=True)
class DIResult:
    """The Disequilibrium Indicator over repeated draws (EqGAN-SA, Sec. 4.1).

    Attributes:
        mean: mean over draws of ``min(real draw) - max(fake draw)``; lower is closer to equilibrium.
        std: standard deviation over draws (population std, ddof=0).
        values: the per-draw values, shape (repeats,).
        n_real: real scores per draw.
        n_fake: fake scores per draw.
        pool_real: size of the real score pool the draws came from.
        pool_fake: size of the fake score pool.
    """

    mean: float
    std: float
    values: np.ndarray
    n_real: int
    n_fake: int
    pool_real: int
    pool_fake: int

    def __str__(self) -> str:
        return (
            f"DI = {self.mean:.4f} ± {self.std:.4f} ({len(self.values)} draws of "
            f"{self.n_real} real + {self.n_fake} fake from pools of "
            f"{self.pool_real} + {self.pool_fake})"
        )


def _as_1d(scores: torch.Tensor | np.ndarray, what: str) -> np.ndarray:
    arr = scores.detach().cpu().numpy() if isinstance(scores, torch.Tensor) else np.asarray(scores)
    arr = arr.astype(np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{what} scores must be one score per image, shape (N,), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{what} scores contain NaN or inf; D has probably diverged")
    return arr


def _subset_indices(rng: np.random.Generator, pool: int, n: int, repeats: int) -> np.ndarray:
    """(repeats, n) indices, each row drawn without replacement from range(pool)."""
    return np.stack([rng.permutation(pool)[:n] for _ in range(repeats)])


def disequilibrium_indicator(
    real_scores: torch.Tensor | np.ndarray,
    fake_scores: torch.Tensor | np.ndarray,
    n_real: int = 64,
    n_fake: int = 64,
    repeats: int = 200,
    seed: int = 0,
) -> DIResult:
    """DI = min over a real draw minus max over a fake draw, averaged over repeated draws.

    The scores of one pool of real and one pool of fake images are computed once by the caller;
    each draw takes ``n_real`` real and ``n_fake`` fake scores without replacement inside the draw
    (draws are independent of each other). Real indices of every draw are sampled first, then fake.

    Args:
        real_scores: D logits of the real pool, shape (P_real,), P_real >= n_real.
        fake_scores: D logits of the fake pool, shape (P_fake,), P_fake >= n_fake.
        n_real: real images per draw (paper: 64).
        n_fake: fake images per draw (paper: 64).
        repeats: number of draws (paper: 200).
        seed: seed of the draws (numpy ``default_rng``).

    Returns:
        A :class:`DIResult` with mean, std, the per-draw values and the pool sizes.
    """
    real = _as_1d(real_scores, "real")
    fake = _as_1d(fake_scores, "fake")
    for what, pool, n in (("real", real, n_real), ("fake", fake, n_fake)):
        if n < 1 or len(pool) < n:
            raise ValueError(
                f"DI needs at least {n} {what} scores per draw, got a pool of {len(pool)}; "
                f"score more {what} images or lower n_{what}"
            )
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    rng = np.random.default_rng(seed)
    real_idx = _subset_indices(rng, len(real), n_real, repeats)
    fake_idx = _subset_indices(rng, len(fake), n_fake, repeats)
    values = real[real_idx].min(axis=1) - fake[fake_idx].max(axis=1)
    return DIResult(
        mean=float(values.mean()),
        std=float(values.std()),
        values=values,
        n_real=n_real,
        n_fake=n_fake,
        pool_real=len(real),
        pool_fake=len(fake),
    )


def ada_rt(real_scores: torch.Tensor | np.ndarray) -> float:
    """StyleGAN2-ADA's overfitting heuristic r_t = E[sign(D(real))] in [-1, 1]."""
    return float(np.sign(_as_1d(real_scores, "real")).mean())


def realness_stats(
    real_scores: torch.Tensor | np.ndarray, fake_scores: torch.Tensor | np.ndarray
) -> dict[str, float]:
    """Summary statistics of real and fake D scores for one logging step.

    Returns:
        ``{real,fake}_{mean,std,min,max,q10,q25,q50,q75,q90}``, ``r_t`` and
        ``gap = real_min - fake_max`` (positive: D separates the pools perfectly).
    """
    row: dict[str, float] = {}
    for side, scores in (("real", real_scores), ("fake", fake_scores)):
        arr = _as_1d(scores, side)
        row[f"{side}_mean"] = float(arr.mean())
        row[f"{side}_std"] = float(arr.std())
        row[f"{side}_min"] = float(arr.min())
        row[f"{side}_max"] = float(arr.max())
        for q, value in zip(QUANTILES, np.quantile(arr, QUANTILES)):
            row[f"{side}_q{round(q * 100):02d}"] = float(value)
    row["r_t"] = ada_rt(real_scores)
    row["gap"] = row["real_min"] - row["fake_max"]
    return row
