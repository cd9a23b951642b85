"""From a config to a trained, persisted run: build data and models, train or resume, summarise.

``load_or_train(config, out_dir)`` makes notebooks cheap to re-run: a finished run is loaded,
an interrupted one resumes from its last checkpoint, a new one trains.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from ganlens import data as gdata
from ganlens import models
from ganlens.config import TrainConfig
from ganlens.lens import GANLens
from ganlens.methods.registry import get_method
from ganlens.runs import Run, RunResult, check_same_config, load_checkpoint, load_models_into
from ganlens.track.scoring import evaluate_di, fixed_samples
from ganlens.track.tracker import RealnessTracker
from ganlens.train.callbacks import Callback, StepState
from ganlens.train.ema import make_ema
from ganlens.train.loop import fit
from ganlens.train.trainer import Trainer

N_SAMPLES = 64


def load_data(config: TrainConfig) -> Any:
    """The dataset (or 2-D toy) a config names."""
    return gdata.load(config.data, **config.data_kw)


def build_lens(config: TrainConfig, data: Any) -> GANLens:
    """Build G and D for ``config``, with the modules its method adds (e.g. EqGAN-SA's SELs).

    Channels and resolution (or the toy's dim) default to the data's. Building is seeded by
    ``config.seed``, so the same config gives the same untrained models.
    """
    kw = dict(config.model_kw)
    if isinstance(data, gdata.ToyDataset):
        kw.setdefault("dim", data.dim)
    else:
        kw.setdefault("channels", data.channels)
        kw.setdefault("resolution", data.resolution)
    G, D = models.build(config.model, seed=config.seed, **kw)
    lens = GANLens(G, D)
    get_method(config.method, **config.method_kw).setup(lens, config)
    return lens


class RunWriter(Callback):
    """Writes tracker tables, checkpoints and sample grids of a run as training goes.

    Put it after the trackers whose rows it writes.

    Args:
        run: the run directory.
        tables: ``{file name: tracker}``, e.g. ``{"history.csv": realness, "fid.csv": fid}``;
            each tracker has ``rows`` and ``history``.
        config: the run configuration.
    """

    def __init__(self, run: Run, tables: dict[str, Any], config: TrainConfig) -> None:
        self.run, self.tables, self.config = run, tables, config
        self._written = {name: -1 for name in tables}

    def on_start(self, trainer: Trainer) -> None:
        self._flush_tables()

    def on_step(self, state: StepState) -> None:
        cfg, step = self.config, state.step
        last = step == cfg.steps
        self._flush_tables()
        if step % cfg.sample_every == 0 or last:
            self.write_samples(state.trainer)
        if step % cfg.ckpt_every == 0 or last:
            self.write_checkpoint(state.trainer)

    def _flush_tables(self) -> None:
        for name, tracker in self.tables.items():
            if len(tracker.rows) != self._written[name]:
                self.run.write_table(name, tracker.history)
                self._written[name] = len(tracker.rows)

    def write_checkpoint(self, trainer: Trainer) -> Path:
        """Checkpoint the trainer with the config and both architecture specs."""
        state = trainer.state_dict()
        state.update(config=self.config.to_dict(), G_spec=getattr(trainer.lens.G, "spec", None),
                     D_spec=getattr(trainer.lens.D, "spec", None))
        return self.run.save_checkpoint(state, trainer.step, self.config.keep_checkpoints)

    def write_samples(self, trainer: Trainer) -> Path:
        """Sample grid (or 2-D scatter) from fixed latents, ``samples/step_NNNNNNN.png``."""
        from ganlens.report import save_samples

        fake = fixed_samples(trainer.lens, N_SAMPLES, self.config.seed, G=trainer.sampling_G)
        path = self.run.samples_dir / f"step_{trainer.step:07d}.png"
        return save_samples(fake, trainer.data, path, title=f"samples at step {trainer.step}")


def _trackers(config: TrainConfig) -> dict[str, Any]:
    """The run's trackers by the table they fill: realness always, FID when ``fid_every`` > 0."""
    trackers: dict[str, Any] = {
        "history.csv": RealnessTracker(config.log_every, config.track_pool, config.di_repeats,
                                       config.seed)
    }
    if config.fid_every:
        from ganlens.metrics import FIDTracker  # needs the metrics extra and the Inception file

        trackers["fid.csv"] = FIDTracker(config.fid_n, config.fid_every, seed=config.seed)
    return trackers


def _finish(run: Run, trainer: Trainer, config: TrainConfig, wall_s: float) -> dict[str, Any]:
    di = evaluate_di(trainer.lens, trainer.data, config.final_pool, config.di_repeats,
                     seed=config.seed + 1, G=trainer.sampling_G)
    summary = {
        "steps": trainer.step,
        "kimg": trainer.images_seen / 1000.0,
        "final_di_mean": di.mean,
        "final_di_std": di.std,
        "final_di_pools": [di.pool_real, di.pool_fake],
        "final_di_draw": [di.n_real, di.n_fake],
        "final_di_repeats": len(di.values),
        "final_di_G": "ema" if trainer.g_ema is not None else "G",
        "wall_s_last_session": wall_s,
        "train_elapsed_s": float(run.read_history()["elapsed_s"].iloc[-1]),
        "device": str(trainer.device),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }
    run.write_summary(summary)
    return summary


def load_or_train(
    config: TrainConfig,
    out_dir: str | Path,
    *,
    resume: bool = True,
    callbacks: Sequence[Callback] = (),
    progress: bool = True,
    report: bool = True,
) -> RunResult:
    """Load a finished run from ``out_dir``, resume an interrupted one, or train a new one.

    Args:
        config: the run configuration.
        out_dir: the run directory.
        resume: continue an existing, unfinished run in ``out_dir`` (else refuse to touch it).
        callbacks: extra callbacks (after the tracker and the writer).
        progress: show the tqdm bar.
        report: write ``report.md`` and its figures when the run finishes.

    Returns:
        A :class:`~ganlens.runs.RunResult` with the lens, the history and the summary.
    """
    run = Run(out_dir)
    if run.exists():
        check_same_config(run, config)
        if not resume:
            raise FileExistsError(f"{run.path} already holds a run; pass resume=True (--resume) "
                                  "to continue it or choose another output directory")
    data = load_data(config)
    lens = build_lens(config, data)
    ckpt = run.last_checkpoint() if run.exists() else None
    state = load_checkpoint(ckpt) if ckpt else None
    if state is not None:
        load_models_into(lens, state, ckpt)
    if state is not None and state["step"] >= config.steps and run.read_summary():
        return _loaded(run, config, lens, state)
    run.write_config(config)
    trackers = _trackers(config)
    if state is not None:
        for name, tracker in trackers.items():
            tracker.restore(run.read_table(name), state["step"])
    writer = RunWriter(run, trackers, config)
    method = get_method(config.method, **config.method_kw)
    t0 = time.perf_counter()
    trainer = fit(lens, data, config, [*trackers.values(), writer, *callbacks], method=method,
                  resume_state=state, progress=progress)
    summary = _finish(run, trainer, config, time.perf_counter() - t0)
    if report:
        from ganlens.report import write_report

        write_report(run)
    return RunResult(run, config, trainer.lens, run.read_history(), summary, trainer.g_ema)


def _loaded(run: Run, config: TrainConfig, lens: GANLens, state: dict[str, Any]) -> RunResult:
    lens.eval()
    g_ema = None
    if state.get("G_ema") is not None:
        g_ema = make_ema(lens.G)
        g_ema.load_state_dict(state["G_ema"])
    return RunResult(run, config, lens, run.read_history(), run.read_summary(), g_ema)


def load_lens(run_dir: str | Path, checkpoint: str | Path | None = None, data: Any = None) -> GANLens:
    """The models of a run directory at one of its checkpoints (default: the last), on the CPU.

    Args:
        run_dir: a run directory (with config.json and checkpoints/).
        checkpoint: a checkpoint path; ``None`` takes the newest.
        data: the run's dataset, if already loaded (saves decoding it again).
    """
    run = Run(run_dir)
    config = run.read_config()
    path = Path(checkpoint) if checkpoint is not None else run.last_checkpoint()
    if path is None:
        raise FileNotFoundError(f"{run.path} has no checkpoints yet")
    lens = build_lens(config, data if data is not None else load_data(config))
    load_models_into(lens, load_checkpoint(path), path)
    return lens
