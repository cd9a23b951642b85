"""Callbacks: how trackers, run writers and notebooks watch the training loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ganlens.train.trainer import Trainer


@dataclass(frozen=True)
class StepState:
    """What callbacks receive after each G update.

    Attributes:
        step: G updates done so far (1 after the first update).
        kimg: thousands of real images shown to D so far.
        losses: this step's loss terms as floats (``loss_d``, ``loss_g`` and named extras).
        trainer: the trainer, for callbacks that read models or write checkpoints.
    """

    step: int
    kimg: float
    losses: dict[str, float]
    trainer: Trainer


class Callback:
    """Base class; override the hooks you need. All default to doing nothing."""

    def on_start(self, trainer: Trainer) -> None:
        """Called once before the first step (also when resuming)."""

    def on_step(self, state: StepState) -> None:
        """Called after every G update."""

    def on_end(self, trainer: Trainer) -> None:
        """Called once after the last step (not when training fails)."""
