"""Exponential moving averages for plotting noisy training curves (CLR-GAN smooths with an EMA)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def ema(values: Sequence[float] | np.ndarray, beta: float = 0.9) -> np.ndarray:
    """Bias-corrected exponential moving average of a 1-D series.

    NaN entries are skipped (the average carries over them and they stay NaN in the output), so
    columns logged at a coarser interval can be smoothed as they are.

    Args:
        values: the series, shape (T,).
        beta: weight of the past, in [0, 1). ``0`` returns the series unchanged.

    Returns:
        The smoothed series, shape (T,), float64.
    """
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"ema beta must be in [0, 1), got {beta}")
    arr = np.asarray(values, dtype=np.float64)
    out = np.full_like(arr, np.nan)
    acc, weight = 0.0, 0.0
    for i, v in enumerate(arr):
        if np.isnan(v):
            continue
        acc = beta * acc + (1.0 - beta) * v
        weight = beta * weight + (1.0 - beta)
        out[i] = acc / weight
    return out
