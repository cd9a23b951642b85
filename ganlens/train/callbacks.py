"""Callbacks: how trackers, run writers and notebooks watch the training loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from torch import nn

if TYPE_CHECKING:
    import torch

    from ganlens.lens import GANLens
    from ganlens.tasks import Task


@dataclass(frozen=True)
class StepState:
    """What callbacks receive: at the start, after each iteration, and at the end.

    Attributes:
        step: iterations done so far (0 before the first; 1 after the first).
        steps: iterations the run is planned for.
        kimg: thousands of real images shown to D so far.
        losses: this iteration's loss terms as floats (``loss_d``, ``loss_g`` and named extras;
            empty at the start and the end).
        lens: the players being trained.
        task: what a batch is; ``task.data`` is the real data.
        sampling_G: the G to sample from (the EMA copy when the run keeps one).
        device: where the players are.
        training_state: a function returning the full training state (players, optimisers,
            EMA, RNG, method state) for checkpoint writers.
    """

    step: int
    steps: int
    kimg: float
    lens: GANLens
    task: Task
    sampling_G: nn.Module
    device: torch.device
    training_state: Callable[[], dict[str, Any]] = field(repr=False)
    losses: dict[str, float] = field(default_factory=dict)

    @property
    def data(self) -> Any:
        """The real data."""
        return self.task.data

    @property
    def last(self) -> bool:
        """Whether this is the run's final iteration."""
        return self.step == self.steps


class Callback:
    """Base class; override the hooks you need. All default to doing nothing."""

    def on_start(self, state: StepState) -> None:
        """Called once before the first iteration (also when resuming)."""

    def on_step(self, state: StepState) -> None:
        """Called after every iteration."""

    def on_end(self, state: StepState) -> None:
        """Called once after the last iteration (not when training fails)."""
