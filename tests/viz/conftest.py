"""Shared fixtures for the viz tests: a headless backend and a small synthetic history."""

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere in these tests

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

_Z = {"q10": -1.2816, "q25": -0.6745, "q50": 0.0, "q75": 0.6745, "q90": 1.2816}


def synthetic_history(n: int = 50, di_every: int = 5, seed: int = 0) -> pd.DataFrame:
    """Real and fake scores that start apart and converge; DI on every ``di_every``-th row."""
    rng = np.random.default_rng(seed)
    step = np.arange(n) * 100
    t = np.linspace(0.0, 1.0, n)
    rows: dict[str, np.ndarray] = {"step": step, "kimg": step * 64 / 1000.0}
    for side, start, end in (("real", 4.0, 0.6), ("fake", -4.0, -0.4)):
        mean = start + (end - start) * (1 - np.exp(-4 * t)) + rng.normal(0, 0.15, n)
        std = 1.2 - 0.5 * t
        rows[f"{side}_mean"], rows[f"{side}_std"] = mean, std
        rows[f"{side}_min"], rows[f"{side}_max"] = mean - 2.4 * std, mean + 2.4 * std
        for name, z in _Z.items():
            rows[f"{side}_{name}"] = mean + z * std
    rows["loss_d"] = 0.2 + 1.1 * t + rng.normal(0, 0.08, n)
    rows["loss_g"] = 3.0 - 2.0 * t + rng.normal(0, 0.15, n)
    rows["r_t"] = np.clip(0.95 - 0.6 * t + rng.normal(0, 0.05, n), -1, 1)
    gap = rows["real_min"] - rows["fake_max"]
    rows["gap"] = gap
    di = np.full(n, np.nan)
    di[::di_every] = gap[::di_every] + 0.8
    rows["di_mean"], rows["di_std"] = di, np.where(np.isnan(di), np.nan, 0.3)
    rows["elapsed_s"] = step * 0.01
    return pd.DataFrame(rows)


@pytest.fixture
def history() -> pd.DataFrame:
    return synthetic_history()


@pytest.fixture
def user_ax():
    """An Axes in a pyplot figure, as a user would make it; closed afterwards."""
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(autouse=True)
def _no_leftover_figures():
    plt.close("all")
    yield
    plt.close("all")
