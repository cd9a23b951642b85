"""RealnessTracker: a training callback that logs D-score statistics, r_t and DI to a DataFrame."""

from __future__ import annotations

import math
import time
from collections import defaultdict

import pandas as pd
import torch

from ganlens.track.equilibrium import disequilibrium_indicator, realness_stats
from ganlens.track.scoring import score_pools
from ganlens.train.callbacks import Callback, StepState


def row_seed(seed: int, step: int) -> int:
    """Seed of the measurement at ``step``: depends only on (seed, step), so resumed runs agree."""
    return (seed * 1_000_003 + step) % (2**63)


class RealnessTracker(Callback):
    """Every ``every`` steps, score a fresh pool of real and fake images and append one row.

    Row columns: ``step``, ``kimg``, ``loss_d``/``loss_g`` (means over the steps since the last
    row, plus any named loss terms), ``{real,fake}_{mean,std,min,max,q10..q90}``, ``r_t``, ``gap``,
    ``di_mean``, ``di_std``, ``elapsed_s`` (wall time; the only column that differs between an
    interrupted-and-resumed run and an uninterrupted one).

    Args:
        every: steps between rows (a row is also written at step 0 and at the last step).
        pool: real and fake images scored per row.
        repeats: DI draws per row (64 + 64 images per draw, or ``pool`` if smaller).
        seed: base seed of the measurements (independent of the training RNG).
    """

    def __init__(self, every: int = 50, pool: int = 256, repeats: int = 200, seed: int = 0) -> None:
        self.every, self.pool, self.repeats, self.seed = every, pool, repeats, seed
        self.rows: list[dict[str, float]] = []
        self._sums: dict[str, float] = defaultdict(float)
        self._count = 0
        self._t0 = time.perf_counter()
        self._elapsed0 = 0.0

    @property
    def history(self) -> pd.DataFrame:
        """All rows so far, one per logging step."""
        return pd.DataFrame(self.rows)

    def restore(self, history: pd.DataFrame, step: int) -> None:
        """Continue a resumed run: keep the rows up to ``step`` and the wall-clock offset."""
        kept = history[history["step"] <= step]
        self.rows = kept.to_dict("records")
        self._elapsed0 = float(kept["elapsed_s"].iloc[-1]) if len(kept) else 0.0

    def on_start(self, state: StepState) -> None:
        self._t0 = time.perf_counter()
        self._sums.clear()
        self._count = 0
        if state.step == 0 and not self.rows:
            self._log(state, 0, 0.0)

    def on_step(self, state: StepState) -> None:
        for key, value in state.losses.items():
            self._sums[key] += value
        self._count += 1
        if state.step % self.every == 0 or state.last:
            self._log(state, state.step, state.kimg)

    def _log(self, state: StepState, step: int, kimg: float) -> None:
        generator = torch.Generator().manual_seed(row_seed(self.seed, step))
        real, fake = score_pools(state.lens, state.data, self.pool, generator)
        n = min(64, self.pool)
        di = disequilibrium_indicator(
            real, fake, n, n, self.repeats, seed=row_seed(self.seed, step)
        )
        losses = {k: v / self._count for k, v in self._sums.items()} if self._count else {}
        row: dict[str, float] = {"step": step, "kimg": kimg}
        row.update({"loss_d": math.nan, "loss_g": math.nan, **losses})
        row.update(realness_stats(real, fake))
        row.update(di_mean=di.mean, di_std=di.std)
        row["elapsed_s"] = self._elapsed0 + time.perf_counter() - self._t0
        self.rows.append(row)
        self._sums.clear()
        self._count = 0
