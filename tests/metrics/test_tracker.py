"""FIDTracker: rows and labels, no side effects on training, identical rows after a resume."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
import torch

from ganlens import GANLens, OptimConfig, fit
from ganlens.metrics import FIDTracker
from ganlens.train import Callback

pytest.importorskip("torchmetrics")

CONFIG = OptimConfig(steps=6, batch_size=8)


class StopAt(Callback):
    """Keeps a copy of the trainer state at ``keep`` and interrupts the run at ``stop``."""

    def __init__(self, keep: int, stop: int) -> None:
        self.keep, self.stop, self.state = keep, stop, None

    def on_step(self, state):
        if state.step == self.keep:
            self.state = copy.deepcopy(state.training_state())
        if state.step == self.stop:
            raise KeyboardInterrupt


def test_rows_every_k_steps_with_n_in_the_label(tiny_models, tiny_images, tiny_extractor, tmp_path):
    tracker = FIDTracker(n=24, every=4, extractor=tiny_extractor, cache_dir=tmp_path)
    fit(GANLens(*tiny_models), tiny_images, CONFIG, [tracker], progress=False, seed=1)
    h = tracker.history
    assert list(h.columns) == ["step", "kimg", "fid_24", "fid_s", "elapsed_s"]
    assert h["step"].tolist() == [0, 4, 6] and (h["fid_24"] > 0).all()
    assert tracker.info["n"] == 24 and tracker.info["n_ref"] == 24
    assert tracker.info["extractor_sha256"] == "0" * 64
    assert FIDTracker(n=2000).column == "fid_2k"


def test_resumed_run_logs_the_same_fids(tiny_models, tiny_images, tiny_extractor, tmp_path):
    lenses = [GANLens(*copy.deepcopy(tiny_models)) for _ in range(3)]
    full = FIDTracker(n=16, every=2, extractor=tiny_extractor, cache_dir=tmp_path)
    fit(lenses[0], tiny_images, CONFIG, [full], progress=False, seed=1)
    cut = FIDTracker(n=16, every=2, extractor=tiny_extractor, cache_dir=tmp_path)
    stop = StopAt(keep=2, stop=3)
    with pytest.raises(KeyboardInterrupt):
        fit(lenses[1], tiny_images, CONFIG, [cut, stop], progress=False, seed=1)
    resumed = FIDTracker(n=16, every=2, extractor=tiny_extractor, cache_dir=tmp_path)
    resumed.restore(cut.history, step=2)
    fit(lenses[2], tiny_images, CONFIG, [resumed], resume_state=stop.state, progress=False, seed=1)
    cols = ["step", "kimg", "fid_16"]
    assert full.history["step"].tolist() == [0, 2, 4, 6]
    pd.testing.assert_frame_equal(full.history[cols], resumed.history[cols])


def test_measuring_leaves_the_models_and_the_rng_alone(
    tiny_models, tiny_images, tiny_extractor, tmp_path
):
    lens = GANLens(*tiny_models)
    tracker = FIDTracker(n=20, every=1, extractor=tiny_extractor, cache_dir=tmp_path)
    tracker.prepare(tiny_images)
    before = {k: v.clone() for k, v in lens.state_dict().items()}
    rng = torch.get_rng_state()
    first = tracker.log(lens, step=5)
    assert torch.equal(torch.get_rng_state(), rng)
    assert all(torch.equal(before[k], v) for k, v in lens.state_dict().items())
    assert tracker.measure(lens, 5) == first["fid_20"]
    assert tracker.measure(lens, 6) != first["fid_20"]  # another step, other samples


def test_standalone_use_needs_prepare(tiny_models, tiny_extractor, tmp_path):
    tracker = FIDTracker(n=8, extractor=tiny_extractor, cache_dir=tmp_path)
    with pytest.raises(RuntimeError, match="prepare"):
        tracker.log(GANLens(*tiny_models), step=0)
    with pytest.raises(ValueError, match="n >= 2"):
        FIDTracker(n=1)
