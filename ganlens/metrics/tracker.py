"""FIDTracker: FID-N of generated images every k training steps, as rows of a DataFrame."""

from __future__ import annotations

import os
import time
from typing import Any

import pandas as pd
import torch
from torch import nn

from ganlens.data.images import ImageDataset
from ganlens.data.tensors import as_dataset
from ganlens.lens import GANLens
from ganlens.metrics.features import FeatureExtractor, inception_features, load_extractor
from ganlens.metrics.fid import fid, n_label
from ganlens.metrics.reference import Reference, reference_stats
from ganlens.metrics.sampling import generate_uint8
from ganlens.track.tracker import row_seed
from ganlens.train.callbacks import Callback, StepState


class FIDTracker(Callback):
    """Every ``every`` steps, FID-N of ``n`` fresh samples against a real reference; one row each.

    Row columns: ``step``, ``kimg``, ``fid_<N>`` (e.g. ``fid_2k``: the label always carries N),
    ``fid_s`` (seconds the measurement took) and ``elapsed_s`` (wall-clock time since the run
    started, NOT counting FID measurements, so FID-vs-time curves show training time). The
    samples at a step come from a generator seeded by ``(seed, step)`` only, and sampling
    restores G's buffers, so a resumed run logs the same FIDs as an uninterrupted one (all
    columns but ``fid_s`` and ``elapsed_s``) and training is not disturbed.

    Use it as a callback of :func:`ganlens.train.fit`, or standalone: ``tracker.log(lens, step)``.
    Provenance (extractor sha256, resize, reference key) is in :attr:`info`.

    Args:
        n: generated samples per measurement (the N of FID-N).
        every: steps between rows (a row is also written at step 0 and at the last step).
        reference: real features; default: ``n_ref`` images of the training data, computed once
            at the start of training (and cached on disk).
        n_ref: size of that default reference (default ``n``; at most the dataset size).
        seed: base seed of the measurements (independent of the training RNG).
        extractor: a loaded feature extractor; default the FID Inception network.
        use_ema: sample the EMA generator when the trainer has one.
        batch_size: images per Inception forward pass.
        progress: tqdm bar for each measurement.
        cache_dir: folder of cached reference features (default ``<GANLENS_CACHE>/reference``).
    """

    def __init__(
        self,
        n: int = 2000,
        every: int = 1000,
        reference: Reference | None = None,
        n_ref: int | None = None,
        seed: int = 0,
        extractor: FeatureExtractor | None = None,
        use_ema: bool = True,
        batch_size: int = 64,
        progress: bool = False,
        cache_dir: str | os.PathLike | None = None,
    ) -> None:
        if n < 2 or every < 1:
            raise ValueError(f"FIDTracker needs n >= 2 and every >= 1, got n={n}, every={every}")
        self.n, self.every, self.n_ref, self.seed = n, every, n_ref, seed
        self.reference, self.extractor = reference, extractor
        self.use_ema, self.batch_size, self.progress = use_ema, batch_size, progress
        self.cache_dir = cache_dir
        self.column = f"fid_{n_label(n)}"
        self.rows: list[dict[str, float]] = []
        self._t0 = time.perf_counter()
        self._elapsed0 = 0.0
        self._measuring_s = 0.0

    @property
    def history(self) -> pd.DataFrame:
        """All rows so far, one per measured step."""
        return pd.DataFrame(self.rows, columns=["step", "kimg", self.column, "fid_s", "elapsed_s"])

    @property
    def info(self) -> dict[str, Any]:
        """What the numbers were computed with: n, reference key, extractor file and resize."""
        out: dict[str, Any] = {"n": self.n, "column": self.column, "seed": self.seed}
        if self.extractor is not None:
            out.update(self.extractor.describe())
        if self.reference is not None:
            out.update(n_ref=self.reference.n, reference=self.reference.key)
        return out

    def restore(self, history: pd.DataFrame, step: int) -> None:
        """Continue a resumed run: keep the rows up to ``step`` and the wall-clock offset."""
        kept = history[history["step"] <= step]
        self.rows = kept.to_dict("records")
        self._elapsed0 = float(kept["elapsed_s"].iloc[-1]) if len(kept) else 0.0

    def prepare(self, data: object, device: torch.device | str | None = None) -> None:
        """Load the extractor and compute the default reference (done by ``on_start``)."""
        if self.extractor is None:
            self.extractor = load_extractor(device=device)
        if self.reference is None:
            data = as_dataset(data)
            if not isinstance(data, ImageDataset):
                raise ValueError(
                    "FIDTracker needs image data (FID of 2-D toys is meaningless); "
                    f"got {type(data).__name__}"
                )
            n_ref = min(self.n_ref or self.n, len(data))
            self.reference = reference_stats(
                data,
                n=n_ref,
                seed=self.seed,
                extractor=self.extractor,
                batch_size=self.batch_size,
                progress=self.progress,
                cache_dir=self.cache_dir,
            )

    def on_start(self, state: StepState) -> None:
        self.prepare(state.data, state.device)
        self._t0, self._measuring_s = time.perf_counter(), 0.0
        if state.step == 0 and not self.rows:
            self.log(state.lens, 0, 0.0, self._sampling_G(state))

    def on_step(self, state: StepState) -> None:
        if state.step % self.every == 0 or state.last:
            self.log(state.lens, state.step, state.kimg, self._sampling_G(state))

    def _sampling_G(self, state: StepState) -> nn.Module:
        return state.sampling_G if self.use_ema else state.lens.G

    def measure(self, lens: GANLens, step: int, G: nn.Module | None = None) -> float:
        """FID-N of the samples for ``step`` (seeded by ``(seed, step)``) against the reference."""
        if self.extractor is None or self.reference is None:
            raise RuntimeError("call tracker.prepare(data) first (fit() does it in on_start)")
        generator = torch.Generator().manual_seed(row_seed(self.seed, step))
        fake = generate_uint8(lens, self.n, generator, G=G)
        feats = inception_features(
            fake, self.batch_size, extractor=self.extractor, progress=self.progress
        )
        return fid(self.reference.features, feats)

    def log(
        self, lens: GANLens, step: int, kimg: float = float("nan"), G: nn.Module | None = None
    ) -> dict[str, float]:
        """Measure at ``step`` and append the row (call it yourself outside ``fit``)."""
        start = time.perf_counter()
        value = self.measure(lens, step, G)
        spent = time.perf_counter() - start
        elapsed = self._elapsed0 + start - self._t0 - self._measuring_s
        self._measuring_s += spent
        row = {"step": step, "kimg": kimg, self.column: value, "fid_s": spent, "elapsed_s": elapsed}
        self.rows.append(row)
        return row
