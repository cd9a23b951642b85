"""Phase: one kind of update of a training iteration: which players, which loss, which optimiser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from ganlens.train.step import Step


@dataclass(frozen=True)
class Phase:
    """An update of some players by one loss, as StyleGAN2-ADA's training phases.

    Every iteration runs each phase whose ``interval`` divides the iteration index, ``repeats``
    times in a row, in list order. During a phase every other player is frozen (no gradient
    reaches its parameters; gradients still flow through it).

    Attributes:
        name: ``"D"``, ``"G"``, ...; names the logged loss columns (``loss_d``, ``loss_d_r1``).
        players: the players it updates (``("D",)``; ``("G_AB", "G_BA")``; a method's extra
            modules join the phase that trains them).
        loss: ``loss(step) -> {term: scalar tensor}``; the terms are summed.
        lr, betas: Adam settings of the phase's optimiser.
        repeats: updates per iteration (``n_dis`` for D).
        interval: run every ``interval`` iterations (lazy regularisation).
        optimizer: name of the optimiser (default: the phase name); phases with one optimiser
            name share it (it is built from the first of them).
        counts_images: the phase's updates count towards the images shown to D (``kimg``).
        after: called with the step after each update (e.g. WGAN weight clipping).
    """

    name: str
    players: tuple[str, ...]
    loss: Callable[[Step], dict[str, torch.Tensor]]
    lr: float
    betas: tuple[float, float] = (0.5, 0.999)
    repeats: int = 1
    interval: int = 1
    optimizer: str = ""
    counts_images: bool = False
    after: Callable[[Step], None] | None = None

    def __post_init__(self) -> None:
        if not self.players:
            raise ValueError(f"phase {self.name!r} updates no player")
        if self.repeats < 1 or self.interval < 1:
            raise ValueError(
                f"phase {self.name!r}: repeats and interval must be >= 1, got "
                f"{self.repeats} and {self.interval}"
            )
        object.__setattr__(self, "players", tuple(self.players))

    @property
    def optimizer_name(self) -> str:
        """The optimiser this phase steps."""
        return self.optimizer or self.name
