"""From a config to a trained, persisted run: build data and players, train or resume, summarise.

``load_or_train(config, out_dir)`` makes notebooks cheap to re-run: a finished run is loaded,
an interrupted one resumes from its last readable checkpoint, a new one trains. Only one process
writes a run directory at a time (:meth:`ganlens.runs.Run.lock`).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from ganlens import data as gdata
from ganlens import models
from ganlens.checkpoints import load_checkpoint, load_players_into
from ganlens.config import ExperimentConfig
from ganlens.lens import GANLens
from ganlens.methods.registry import get_method
from ganlens.resume import (
    START,
    allowed_changes,
    check_history,
    config_changes,
    record_changes,
    resume_point,
)
from ganlens.runs import Run, RunResult
from ganlens.sampling import fixed_samples
from ganlens.track.scoring import evaluate_di
from ganlens.track.tracker import RealnessTracker
from ganlens.train.callbacks import Callback, StepState
from ganlens.train.ema import make_ema
from ganlens.train.loop import run as run_loop
from ganlens.train.method import Method
from ganlens.train.trainer import Trainer, TrainingDiverged

N_SAMPLES = 64


def load_data(config: ExperimentConfig) -> Any:
    """The dataset (or 2-D toy) a config names (``per_class`` applied to image datasets)."""
    data = gdata.load(config.data.name, **config.data.kwargs())
    if config.data.per_class is not None:
        if not isinstance(data, gdata.ImageDataset):
            raise ValueError(f"data.per_class applies to image datasets, not {config.data.name!r}")
        data = data.limited(config.data.per_class)
    return data


def _data_shape(data: Any) -> dict[str, int]:
    if isinstance(data, gdata.ToyDataset):
        return {"dim": data.dim}
    return {"channels": data.channels, "resolution": data.resolution}


def build(config: ExperimentConfig, data: Any) -> tuple[GANLens, Method]:
    """The players of ``config`` (extended by its method) and the run's one method object.

    Channels and resolution (or the toy's dim) default to the data's. Building is seeded by
    ``config.seed``, so the same config gives the same untrained players.

    Raises:
        ValueError: the method cannot train this model (e.g. EqGAN-SA on the 2-D MLP).
    """
    model = config.model.resolved(**_data_shape(data))
    players = models.build_players(model, seed=config.seed)
    lens = GANLens(players.pop("G"), players.pop("D"))
    for name, module in players.items():
        lens.add_player(name, module)
    method = get_method(config.method)
    reason = method.supports(lens)
    if reason:
        raise ValueError(f"method {method.name!r} cannot train {model.name}: {reason}")
    method.build(lens, config.seed)
    return lens, method


def build_lens(config: ExperimentConfig, data: Any) -> GANLens:
    """The untrained players of ``config`` (with the modules its method adds)."""
    return build(config, data)[0]


class RunWriter(Callback):
    """Writes tracker tables, checkpoints and sample grids of a run as training goes.

    Put it after the trackers whose rows it writes. A fresh run gets a ``start.pt`` checkpoint
    before its first step, so a run directory with history always has a checkpoint to resume.

    Args:
        run: the run directory.
        tables: ``{file name: tracker}``, e.g. ``{"history.csv": realness, "fid.csv": fid}``;
            each tracker has ``rows`` and ``history``.
        config: the run configuration.
    """

    def __init__(self, run: Run, tables: dict[str, Any], config: ExperimentConfig) -> None:
        self.run, self.tables, self.config = run, tables, config
        self._written = {name: -1 for name in tables}

    def on_start(self, state: StepState) -> None:
        self._flush_tables()
        if state.step == 0 and not (self.run.checkpoint_dir / START).is_file():
            self._save(state, self.run.checkpoint_dir / START)

    def on_step(self, state: StepState) -> None:
        track, step = self.config.track, state.step
        self._flush_tables()
        if step % track.sample_every == 0 or state.last:
            self.write_samples(state)
        if step % track.ckpt_every == 0 or state.last:
            self.write_checkpoint(state)

    def _flush_tables(self) -> None:
        for name, tracker in self.tables.items():
            if len(tracker.rows) != self._written[name]:
                self.run.write_table(name, tracker.history)
                self._written[name] = len(tracker.rows)

    def _state(self, state: StepState) -> dict[str, Any]:
        return {**state.training_state(), "config": self.config.to_dict()}

    def _save(self, state: StepState, path: Path) -> Path:
        from ganlens.checkpoints import save_checkpoint

        return save_checkpoint(path, self._state(state))

    def write_checkpoint(self, state: StepState) -> Path:
        """Checkpoint the training state with the config and every player's architecture."""
        return self.run.save_checkpoint(
            self._state(state), state.step, self.config.track.keep_checkpoints
        )

    def write_samples(self, state: StepState) -> Path:
        """Sample grid (or 2-D scatter) from fixed inputs, ``samples/step_NNNNNNN.png``."""
        from ganlens.report import save_samples

        fake = fixed_samples(
            state.lens, N_SAMPLES, self.config.seed, G=state.sampling_G, task=state.task
        )
        path = self.run.samples_dir / f"step_{state.step:07d}.png"
        return save_samples(fake, state.data, path, title=f"samples at step {state.step}")


def _trackers(config: ExperimentConfig) -> dict[str, Any]:
    """The run's trackers by the table they fill: realness always, FID when ``fid_every`` > 0."""
    track = config.track
    trackers: dict[str, Any] = {
        "history.csv": RealnessTracker(
            track.log_every, track.track_pool, track.di_repeats, config.seed
        )
    }
    if track.fid_every:
        from ganlens.metrics import FIDTracker  # needs the metrics extra and the Inception file

        trackers["fid.csv"] = FIDTracker(track.fid_n, track.fid_every, seed=config.seed)
    return trackers


def _finish(run: Run, trainer: Trainer, config: ExperimentConfig, wall_s: float) -> dict[str, Any]:
    track = config.track
    di = evaluate_di(
        trainer.lens,
        trainer.data,
        track.final_pool,
        track.di_repeats,
        seed=config.seed + 1,
        G=trainer.sampling_G,
    )
    summary = {
        "steps": trainer.step,
        "kimg": trainer.images_seen / 1000.0,
        "final_di_mean": di.mean,
        "final_di_std": di.std,
        "final_di_pools": [di.pool_real, di.pool_fake],
        "final_di_draw": [di.n_real, di.n_fake],
        "final_di_repeats": len(di.values),
        "final_di_G": "ema" if trainer.ema is not None else "G",
        "wall_s_last_session": wall_s,
        "train_elapsed_s": float(run.read_history()["elapsed_s"].iloc[-1]),
        "device": str(trainer.device),
        "precision": trainer.precision,
        "channels_last": trainer.channels_last,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }
    run.write_summary(summary)
    return summary


def load_or_train(
    config: ExperimentConfig,
    out_dir: str | Path,
    *,
    resume: bool = True,
    override: bool = False,
    callbacks: Sequence[Callback] = (),
    progress: bool = True,
    report: bool = True,
) -> RunResult:
    """Load a finished run from ``out_dir``, resume an interrupted one, or train a new one.

    A resumed run may extend ``optim.steps`` (also a finished run: it continues from its last
    checkpoint) and, with ``override=True``, change its learning rates and logging; the changes
    are recorded in ``changes.json``. Everything is built and checked before the first file is
    written, so a bad config or device leaves no directory that blocks the corrected retry.

    Args:
        config: the run configuration.
        out_dir: the run directory.
        resume: continue an existing, unfinished run in ``out_dir`` (else refuse to touch it).
        override: allow a resumed run new learning rates and logging settings.
        callbacks: extra callbacks (after the tracker and the writer).
        progress: show the tqdm bar.
        report: write ``report.md`` and its figures when the run finishes.

    Returns:
        A :class:`~ganlens.runs.RunResult` with the lens, the history and the summary.

    Raises:
        RunLocked: another process is writing ``out_dir``.
        ValueError: another config in ``out_dir``, or a run that cannot be resumed as asked.
    """
    run = Run(out_dir)
    if run.path.exists() and not run.path.is_dir():
        raise ValueError(f"{run.path} is a file; the output must be a directory (new or a run's)")
    changes: dict[str, Any] = {}
    if run.exists():
        changes = config_changes(run.read_config(), config)
        allowed_changes(run, changes, override, run.step())
        if not resume:
            raise FileExistsError(
                f"{run.path} already holds a run; pass resume=True (--resume) "
                "to continue it or choose another output directory"
            )
        if run.read_summary() and not changes:
            return _loaded(run, config, report)
    fresh = not run.path.exists()
    try:
        with run.lock():
            if run.read_summary() and not changes:  # another process finished it meanwhile
                return _loaded(run, config, report)
            return _train(run, config, changes, callbacks, progress, report)
    except BaseException:
        if fresh and not run.config_path.exists():  # failed before its first file: leave nothing
            shutil.rmtree(run.path, ignore_errors=True)
        raise


def _train(
    run: Run,
    config: ExperimentConfig,
    changes: dict[str, Any],
    callbacks: Sequence[Callback],
    progress: bool,
    report: bool,
) -> RunResult:
    run.clean_partial_files()
    state, ckpt = resume_point(run) if run.exists() else (None, None)
    data = load_data(config)
    lens, method = build(config, data)
    if state is not None:
        load_players_into(lens, state, ckpt)
        check_history(run, int(state["step"]), config.track.log_every)
    trainer = Trainer(
        lens, lens.task(data), config.optim, method, seed=config.seed, device=config.device
    )  # checks device, data and players before any write
    if changes:
        record_changes(run, changes, int(state["step"]) if state else 0)
        run.summary_path.unlink(missing_ok=True)  # an extended run is unfinished again
    run.write_config(config)
    trackers = _trackers(config)
    if state is not None:
        for name, tracker in trackers.items():
            tracker.restore(run.read_table(name), state["step"])
    writer = RunWriter(run, trackers, config)
    t0 = time.perf_counter()
    try:
        run_loop(
            trainer,
            [*trackers.values(), writer, *callbacks],
            resume_state=state,
            progress=progress,
            desc=config.describe(),
        )
    except TrainingDiverged as exc:
        raise _diverged_in(run, exc) from None
    summary = _finish(run, trainer, config, time.perf_counter() - t0)
    if report:
        from ganlens.report import write_report

        write_report(run)
    return RunResult(run, config, trainer.lens, run.read_history(), summary, trainer.ema)


def _diverged_in(run: Run, exc: TrainingDiverged) -> TrainingDiverged:
    """The divergence, with the checkpoint it leaves and how to go on from there."""
    newest = run.last_checkpoint() or (
        run.checkpoint_dir / START if (run.checkpoint_dir / START).is_file() else None
    )
    kept = (
        f"the newest checkpoint is {newest}" if newest is not None else "no checkpoint was written"
    )
    return TrainingDiverged(
        exc.step,
        exc.terms,
        exc.reason,
        (
            f"Nothing after it was written; {kept}: resume from it with lower learning rates "
            "(ganlens train ... --resume --override --set lr_d=... --set lr_g=...) or start afresh."
        ),
    )


def _loaded(run: Run, config: ExperimentConfig, report: bool = False) -> RunResult:
    if report and not run.report_path.is_file():  # killed between summary.json and report.md
        from ganlens.report import write_report

        with run.lock():
            write_report(run)
    lens, state = _lens_at(run, config, run.last_checkpoint(), None)
    lens.eval()
    g_ema = None
    if state.get("ema"):
        g_ema = make_ema(lens.G)
        g_ema.load_state_dict(state["ema"][lens.primary[0]])
    return RunResult(run, config, lens, run.read_history(), run.read_summary(), g_ema)


def _lens_at(
    run: Run, config: ExperimentConfig, path: Path | None, data: Any
) -> tuple[GANLens, dict[str, Any]]:
    if path is None:
        raise FileNotFoundError(f"{run.path} has no checkpoints yet")
    lens = build_lens(config, data if data is not None else load_data(config))
    state = load_checkpoint(path)
    load_players_into(lens, state, path)
    return lens, state


def load_lens(
    run_dir: str | Path, checkpoint: str | Path | None = None, data: Any = None
) -> GANLens:
    """The players of a run directory at one of its checkpoints (default: the last), on the CPU.

    Args:
        run_dir: a run directory (with config.json and checkpoints/).
        checkpoint: a checkpoint path; ``None`` takes the newest.
        data: the run's dataset, if already loaded (saves decoding it again).
    """
    run = Run(run_dir)
    path = Path(checkpoint) if checkpoint is not None else run.last_checkpoint()
    return _lens_at(run, run.read_config(), path, data)[0]
