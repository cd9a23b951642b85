"""``fit``: the alternating training loop, with a progress bar and callbacks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tqdm.auto import tqdm

from ganlens.config import TrainConfig
from ganlens.lens import GANLens
from ganlens.methods.base import Method
from ganlens.train.callbacks import Callback, StepState
from ganlens.train.trainer import Sampler, Trainer


def _method_tag(config: TrainConfig) -> str:
    return "" if config.method == "none" else f" + {config.method}"


def fit(
    lens: GANLens,
    data: Sampler,
    config: TrainConfig,
    callbacks: Sequence[Callback] = (),
    *,
    method: Method | None = None,
    resume_state: dict[str, Any] | None = None,
    progress: bool = True,
) -> Trainer:
    """Train ``lens`` on ``data`` for ``config.steps`` G updates.

    Args:
        lens: the models to train (moved to the config's device).
        data: real examples (an ImageDataset or a 2-D toy).
        config: the run configuration.
        callbacks: trackers and writers, called with a frozen :class:`StepState` after each step.
        method: the training method (default: the plain game).
        resume_state: a checkpoint's trainer state to continue from.
        progress: show a tqdm progress bar.

    Returns:
        The :class:`Trainer`, holding the trained models, optimisers and EMA.

    Raises:
        TrainingDiverged: a loss became NaN/inf; the bad update was not applied.
    """
    trainer = Trainer(lens, data, config, method)
    if resume_state is not None:
        trainer.load_state_dict(resume_state)
    for cb in callbacks:
        cb.on_start(trainer)
    bar = tqdm(total=config.steps, initial=trainer.step, disable=not progress,
               desc=f"{config.model}{_method_tag(config)} on {config.data}", unit="step",
               dynamic_ncols=True)
    with bar:
        while trainer.step < config.steps:
            losses = trainer.train_step()
            state = StepState(trainer.step, trainer.images_seen / 1000.0, losses, trainer)
            for cb in callbacks:
                cb.on_step(state)
            bar.update(1)
            bar.set_postfix(loss_d=f"{losses['loss_d']:.3f}", loss_g=f"{losses['loss_g']:.3f}")
    for cb in callbacks:
        cb.on_end(trainer)
    return trainer
