"""The Method base class: the plain game, whose phase losses a paper's method extends or replaces.

A method owns its phases and their losses (StyleGAN2-ADA's ``accumulate_gradients(phase)``
idea). The base class is the plain game: a D phase (``n_dis`` updates with the adversarial D
loss, plus R1 (lazily, every ``r1_every`` iterations) and the WGAN-GP penalty when configured,
then WGAN weight clipping) and a G phase (the adversarial G loss). A subclass calls
``super().d_loss(step)`` / ``super().g_loss(step)`` and adds terms (EqGAN-SA's alignment,
CLR-GAN's latent regression), or writes its own terms (LGA's spatial hinge replaces ``"adv"``);
what the base computed is in ``step.out``. One method object serves one run: :meth:`build` adds
its modules once, before the optimisers exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import torch

from ganlens.naming import ComparedByFields
from ganlens.train.losses import gradient_penalty, r1_penalty
from ganlens.train.phase import Phase

if TYPE_CHECKING:
    from ganlens.lens import GANLens
    from ganlens.train.config import OptimConfig
    from ganlens.train.step import Step


@dataclass(frozen=True, eq=False)
class MethodConfig(ComparedByFields):
    """Base of every method's typed, frozen settings; the plain game has none.

    Subclasses are ``@dataclass(frozen=True, eq=False)`` dataclasses whose ``name`` (a class
    variable) is the method's registry name; ``to_dict`` writes it first. Configs are equal when
    their class and fields are; comparing one with a string is a ``TypeError`` (compare
    ``.name``).
    """

    name: ClassVar[str] = "none"
    section: ClassVar[str] = "method"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary, ``{"name": ..., **fields}``."""
        return {"name": self.name, **dataclasses.asdict(self)}

    def replace(self, **changes: Any) -> MethodConfig:
        """A copy with ``changes`` applied (unknown fields are refused)."""
        known = [f.name for f in dataclasses.fields(self)]
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ValueError(
                f"method {self.name!r} has no option {', '.join(unknown)}; its "
                f"options are {', '.join(known) or '(none)'}"
            )
        return dataclasses.replace(self, **changes)


class Method:
    """The plain game. Subclass and override what a paper changes.

    Args:
        config: the method's settings (default: ``Config()``).
    """

    name: ClassVar[str] = "none"
    Config: ClassVar[type[MethodConfig]] = MethodConfig

    def __init__(self, config: MethodConfig | None = None) -> None:
        config = config if config is not None else self.Config()
        if type(config) is not self.Config:
            raise ValueError(
                f"method {self.name!r} takes a {self.Config.__name__}, got {type(config).__name__}"
            )
        self.config = config

    def build(self, lens: GANLens, seed: int) -> None:
        """Add the method's modules to ``lens`` (called once per run, before the optimisers).

        Args:
            lens: the players to extend (replace a player with ``lens.set_player``, add one with
                ``lens.add_player``).
            seed: the run's seed; new modules should be initialised from it.
        """

    def supports(self, lens: GANLens) -> str | None:
        """``None`` if the method can train ``lens``, else why not (one line)."""
        return None

    def phases(self, optim: OptimConfig) -> list[Phase]:
        """The updates of one iteration: ``n_dis`` D updates, then one G update."""
        after_d = self._clip if optim.loss == "wgan" else None
        return [
            Phase(
                "D",
                ("D",),
                self.d_loss,
                optim.lr_d,
                optim.betas,
                repeats=optim.n_dis,
                counts_images=True,
                after=after_d,
            ),
            Phase("G", ("G",), self.g_loss, optim.lr_g, optim.betas),
        ]

    def capture(self, phase: str) -> Sequence[str]:
        """Module names kept from the phase's D forwards into ``step.out`` (default: none)."""
        return ()

    def d_loss(self, step: Step) -> dict[str, torch.Tensor]:
        """The adversarial D loss on a real batch and G's detached images, plus R1 / WGAN-GP."""
        optim, real, inputs = step.optim, step.real, step.g_inputs
        with torch.no_grad():
            fake = step.run_G(inputs)
        r1_due = optim.r1_gamma > 0 and step.index % optim.r1_every == 0
        x = real.x.requires_grad_(r1_due)
        names = self.capture(step.phase)
        real_logits, real_cache = step.run_D(x, real.y, capture=names)
        fake_logits, fake_cache = step.run_D(fake, inputs.y, capture=names)
        step.out.real, step.out.real_logits, step.out.real_cache = x, real_logits, real_cache
        step.out.fake, step.out.fake_logits, step.out.fake_cache = fake, fake_logits, fake_cache
        terms = {"adv": step.d_adv(real_logits, fake_logits)}
        if r1_due:  # lazy R1: weighted by the interval, so its mean over steps is unchanged
            terms["r1"] = 0.5 * optim.r1_gamma * optim.r1_every * r1_penalty(real_logits, x)
        elif optim.r1_gamma > 0:  # skipped: 0, so loss_d_r1 stays a column of every row
            terms["r1"] = real_logits.new_zeros(())
        if optim.loss == "wgan-gp":
            gp = gradient_penalty(lambda v: step.run_D(v, real.y)[0], x, fake, step.generator)
            terms["gp"] = optim.gp_lambda * gp
        return terms

    def g_loss(self, step: Step) -> dict[str, torch.Tensor]:
        """The adversarial G loss of G's images of fresh inputs, through a frozen D."""
        inputs = step.g_inputs
        fake = step.run_G(inputs)
        logits, cache = step.run_D(fake, inputs.y, capture=self.capture(step.phase))
        step.out.fake, step.out.fake_logits, step.out.fake_cache = fake, logits, cache
        return {"adv": step.g_adv(logits)}

    def _clip(self, step: Step) -> None:
        """WGAN weight clipping of the D phase's players."""
        with torch.no_grad():
            for p in step.lens.D.parameters():
                p.clamp_(-step.optim.clip, step.optim.clip)

    def state_dict(self) -> dict[str, Any]:
        """State to checkpoint beyond module parameters (default: none)."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
