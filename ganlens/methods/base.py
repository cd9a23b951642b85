"""The Method protocol: how a paper's method plugs into the common training loop.

A method may add modules to G or D (:meth:`Method.setup`, called before the optimisers are
made, so new parameters are trained), may sample extra inputs for G (:meth:`Method.g_inputs`,
e.g. EqGAN-SA heatmaps), and adds named loss terms to the D and G steps. The loop knows nothing
method-specific; the default :class:`Method` is the plain game.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from ganlens.config import TrainConfig
    from ganlens.lens import GANLens


@dataclass(frozen=True)
class StepBatch:
    """What a method sees during one D or G step.

    Attributes:
        lens: the lens being trained.
        step: number of G updates done before this one.
        real: real images (N, C, H, W) float in [-1, 1] (``None`` in a G step).
        real_y: labels of ``real`` or ``None``.
        fake: generated images, attached to G's graph in a G step, detached in a D step.
        fake_y: labels used to generate ``fake`` or ``None``.
        z: the latents of ``fake``.
        g_inputs: the extra G inputs from :meth:`Method.g_inputs`.
        real_logits: D's logits on ``real`` (``None`` in a G step).
        fake_logits: D's logits on ``fake``.
        generator: the loop's CPU generator, for any randomness the method needs.
        cache: outputs of the modules named by :meth:`Method.g_capture`, kept during the
            step's D forward on ``fake`` (G step only; attached to G's graph).
    """

    lens: GANLens
    step: int
    real: torch.Tensor | None
    real_y: torch.Tensor | None
    fake: torch.Tensor
    fake_y: torch.Tensor | None
    z: torch.Tensor
    g_inputs: dict[str, torch.Tensor]
    real_logits: torch.Tensor | None
    fake_logits: torch.Tensor
    generator: torch.Generator
    cache: dict[str, torch.Tensor] = field(default_factory=dict)


class Method:
    """The plain game: adds nothing. Subclass and override what a paper changes."""

    name = "none"

    def setup(self, lens: GANLens, config: TrainConfig) -> None:
        """Add modules to ``lens.G`` / ``lens.D`` before the optimisers are built.

        Must be idempotent: :func:`ganlens.build_lens` calls it (so a run's checkpoints load into
        the method's architecture) and the Trainer calls it again on the same lens.
        """

    def g_inputs(
        self, n: int, generator: torch.Generator, device: torch.device
    ) -> dict[str, torch.Tensor]:
        """Extra keyword inputs for G for a batch of ``n`` (default: none)."""
        return {}

    def g_capture(self, lens: GANLens) -> Sequence[str]:
        """Module names whose outputs the G step keeps in ``StepBatch.cache`` (default: none)."""
        return ()

    def d_terms(self, batch: StepBatch) -> dict[str, torch.Tensor]:
        """Named scalar loss terms added to D's loss (default: none)."""
        return {}

    def g_terms(self, batch: StepBatch) -> dict[str, torch.Tensor]:
        """Named scalar loss terms added to G's loss (default: none)."""
        return {}

    def state_dict(self) -> dict[str, Any]:
        """State to checkpoint beyond module parameters (default: none)."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
