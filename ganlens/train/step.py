"""Step: what a method's loss sees in one phase of one iteration, and ``frozen``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import torch
from torch import nn

from ganlens.capture import Capture
from ganlens.data.batch import Batch
from ganlens.modes import out_of_place
from ganlens.tasks import GInputs, Task
from ganlens.train.losses import get_losses

if TYPE_CHECKING:
    from ganlens.lens import GANLens
    from ganlens.train.augment import Augment
    from ganlens.train.config import OptimConfig


@contextlib.contextmanager
def frozen(*modules: nn.Module) -> Iterator[None]:
    """Temporarily stop gradients into the modules' parameters (they still flow through them)."""
    params = [p for module in modules for p in module.parameters()]
    flags = [p.requires_grad for p in params]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(params, flags):
            p.requires_grad_(flag)


@dataclass
class Outputs:
    """What the base losses computed in a phase, for a subclass that adds terms after ``super()``.

    Attributes:
        real, fake: the images D scored (``fake`` attached to G's graph in a G phase).
        real_logits, fake_logits: D's logits (N,) on them.
        real_cache, fake_cache: outputs of the modules the method's ``capture(phase)`` named,
            from those same D forwards (attached to the graph).
    """

    real: torch.Tensor | None = None
    real_logits: torch.Tensor | None = None
    real_cache: dict[str, torch.Tensor] = field(default_factory=dict)
    fake: torch.Tensor | None = None
    fake_logits: torch.Tensor | None = None
    fake_cache: dict[str, torch.Tensor] = field(default_factory=dict)


class Step:
    """One phase of one iteration, as a method's loss sees it.

    ``real`` and ``g_inputs`` are drawn on first use, from the run's generator, in the order a
    loss reads them (the plain D loss reads ``real`` then ``g_inputs``; the plain G loss reads
    ``g_inputs`` only), so a method that needs the reals in the G phase (CLR-GAN) gets them
    without changing the draws of a method that does not.

    Attributes:
        phase: the phase name (``"D"``, ``"G"``, ...).
        index: iterations completed before this one.
        lens: the players; task: what a batch is; optim: the run's optimisation settings.
        generator: the run's CPU generator (use it for any randomness, so runs reproduce).
        device: where the players are.
        augment: the run's augmentation of D's inputs (``None``: none); :meth:`run_D` applies it.
        out: what the base losses computed (see :class:`Outputs`).
    """

    def __init__(
        self,
        phase: str,
        index: int,
        lens: GANLens,
        task: Task,
        optim: OptimConfig,
        generator: torch.Generator,
        device: torch.device,
        augment: Augment | None = None,
    ) -> None:
        self.phase, self.index, self.lens, self.task = phase, index, lens, task
        self.augment = augment
        self.optim, self.generator, self.device = optim, generator, device
        self.out = Outputs()
        self.d_adv, self.g_adv = get_losses(optim.loss)
        self._real: Batch | None = None
        self._inputs: GInputs | None = None

    @property
    def batch_size(self) -> int:
        """Examples per draw."""
        return self.optim.batch_size

    @property
    def real(self) -> Batch:
        """This phase's real batch with its dataset indices (drawn on first use)."""
        if self._real is None:
            self._real = self.draw_real()
        return self._real

    @property
    def g_inputs(self) -> GInputs:
        """This phase's G inputs (drawn on first use; paired translation uses ``real``)."""
        if self._inputs is None:
            self._inputs = self.draw_inputs(real=self.real if self.task.inputs_need_real else None)
        return self._inputs

    def draw_real(self, n: int | None = None) -> Batch:
        """A further real batch (``n`` defaults to the batch size)."""
        return self.task.real(n or self.batch_size, self.generator, self.device)

    def draw_inputs(self, n: int | None = None, real: Batch | None = None) -> GInputs:
        """Further G inputs (``n`` defaults to the batch size)."""
        return self.task.inputs(n or self.batch_size, self.generator, self.device, real)

    def run_G(self, inputs: GInputs | None = None, player: str | None = None) -> torch.Tensor:
        """G's images of ``inputs`` (default: this phase's ``g_inputs``), attached to the graph.

        Float32 even under bf16 autocast, so what a loss compares with them is exact.
        """
        inputs = inputs if inputs is not None else self.g_inputs
        return inputs.run(self.lens.player(player or self.lens.primary[0])).float()

    def run_D(
        self,
        x: torch.Tensor,
        y: torch.Tensor | None = None,
        capture: Sequence[str] = (),
        player: str | None = None,
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """D's logits (N,) on ``x`` and the outputs of the ``capture`` names in that forward.

        With ``optim.augment`` on, ``x`` is augmented first (differentiably), as StyleGAN2-ADA
        augments every image D sees in training.

        The logits are float32 even under bf16 autocast (the losses are computed on them); the
        captured outputs keep the forward's dtype, since gradients are taken with respect to
        them (:func:`ganlens.probes.gradcam.cam_from` casts its maps to float32).
        """
        D = self.lens.player(player or self.lens.primary[1])
        if self.augment is not None:
            x = self.augment(x, self.generator)
        kept = Capture(capture)
        with self.lens.hooks(kept.hooks()), out_of_place(*([D] if capture else [])):
            logits = self.lens.score(x, y, D=D)
        return logits.float(), kept.check()

    def frozen(self, *players: str) -> contextlib.AbstractContextManager[None]:
        """Freeze the named players inside a ``with`` block (gradients pass through them)."""
        return frozen(*(self.lens.player(p) for p in players))
