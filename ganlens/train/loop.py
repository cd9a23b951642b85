"""``fit``: the training loop, with a progress bar and callbacks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from ganlens.train.callbacks import Callback, StepState
from ganlens.train.config import OptimConfig
from ganlens.train.method import Method
from ganlens.train.trainer import Trainer

if TYPE_CHECKING:
    import torch

    from ganlens.lens import GANLens


def state_of(trainer: Trainer, losses: dict[str, float] | None = None) -> StepState:
    """The :class:`StepState` callbacks see for ``trainer`` now."""
    return StepState(
        step=trainer.step,
        steps=trainer.optim.steps,
        kimg=trainer.images_seen / 1000.0,
        lens=trainer.lens,
        task=trainer.task,
        sampling_G=trainer.sampling_G,
        device=trainer.device,
        training_state=trainer.state_dict,
        losses=dict(losses or {}),
    )


def fit(
    lens: GANLens,
    data: Any,
    optim: OptimConfig,
    callbacks: Sequence[Callback] = (),
    *,
    method: Method | None = None,
    seed: int = 0,
    device: str | torch.device = "cpu",
    resume_state: dict[str, Any] | None = None,
    progress: bool = True,
    desc: str = "training",
) -> Trainer:
    """Train ``lens`` on ``data`` for ``optim.steps`` iterations.

    Args:
        lens: the players, extended by ``method.build`` when the method adds modules.
        data: real examples (an ImageDataset, a 2-D toy, paired or unpaired images).
        optim: the optimisation settings.
        callbacks: trackers and writers, called with a :class:`StepState`.
        method: the training method (default: the plain game).
        seed: seed of the run's generator.
        device: where to train.
        resume_state: a checkpoint's training state to continue from.
        progress: show a tqdm progress bar.
        desc: the progress bar's label.

    Returns:
        The :class:`Trainer`, holding the trained players, optimisers and EMA.

    Raises:
        TrainingDiverged: a loss became NaN/inf; the bad update was not applied.
    """
    trainer = Trainer(lens, lens.task(data), optim, method, seed=seed, device=device)
    return run(trainer, callbacks, resume_state=resume_state, progress=progress, desc=desc)


def run(
    trainer: Trainer,
    callbacks: Sequence[Callback] = (),
    *,
    resume_state: dict[str, Any] | None = None,
    progress: bool = True,
    desc: str = "training",
) -> Trainer:
    """Train an existing :class:`Trainer` to ``trainer.optim.steps`` (what :func:`fit` runs)."""
    if resume_state is not None:
        trainer.load_state_dict(resume_state)
    for cb in callbacks:
        cb.on_start(state_of(trainer))
    steps = trainer.optim.steps
    bar = tqdm(
        total=steps,
        initial=trainer.step,
        disable=not progress,
        desc=desc,
        unit="step",
        dynamic_ncols=True,
    )
    with bar:
        while trainer.step < steps:
            losses = trainer.train_step()
            state = state_of(trainer, losses)
            for cb in callbacks:
                cb.on_step(state)
            bar.update(1)
            bar.set_postfix({k: f"{v:.3f}" for k, v in losses.items() if k.count("_") == 1})
    for cb in callbacks:
        cb.on_end(state_of(trainer))
    return trainer
