"""CLR-GAN (Zhang et al., ECCV 2024) as a ganlens Method: D restores the latent, G the real image.

G and D are treated as inverse processes. phi(x) is D's penultimate feature after its activation
(the ``feature`` hook point, ``D.features`` in every ganlens D); what each phase adds:

- D phase: ``L_CLR = lambda1 * d(z, phi(G(z)))`` beside the adversarial loss (column
  ``loss_d_clr``). G(z) comes from the D phase's own no-grad pass, so G gets no gradient from it;
  phi is taken from the same D forward that scores the fakes (no extra pass).
- G phase: ``L_rec = lambda2 * d(x_real, G(phi(x_real)))`` beside the adversarial loss (column
  ``loss_g_rec``). phi(x_real) comes from a no-grad D forward (D is frozen in the G phase, and
  the official code's x_real has no gradient: phi(x_real) is a constant for G), and enters G
  where a latent does, so on a StyleGAN-like G it goes through the mapping network, as the
  code does; a class-conditional G gets the real images' labels.

``d`` is ``distance``: the mean squared error (``"mse"``, the official code, ``F.mse_loss`` with
mean reduction in both terms) or the mean absolute error (``"l1"``, the paper's equations).

Differences from the official code (StyleGAN2-ADA; official-code-notes.md section 3):

- The official phi is StyleGAN2 D's 512-d epilogue FC feature, whose size equals z_dim. Where a
  backbone's feature size differs from z_dim (DCGAN and SN-DCGAN: 128 w; SNGAN-ResNet: its D
  width), a linear map (player ``clr_phi``, trained in the D phase with D, initialised from the
  run's seed) takes the feature to z_dim: phi = clr_phi(feature). Where they agree, phi is the
  feature itself, as in the code.
- The official code has no DCGAN or SNGAN version; CLR-GAN on those backbones is ours.
- The G-phase D forward on the reals runs D in training mode (as the code's frozen D does); for a
  D with BatchNorm that updates its running statistics, for a spectrally normalised D it runs one
  more power iteration. Style mixing, where G has it, applies to the reconstruction pass too, as
  in the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from ganlens.methods.clr_gan.config import CLRGANConfig
from ganlens.models.registry import seeded
from ganlens.modes import mode
from ganlens.tasks import GInputs
from ganlens.train.method import Method

if TYPE_CHECKING:
    from ganlens.lens import GANLens
    from ganlens.train.config import OptimConfig
    from ganlens.train.phase import Phase
    from ganlens.train.step import Step

HEAD = "clr_phi"  # the player of the linear map feature -> z_dim, when their sizes differ
_INIT_SEED_OFFSET = 2_000_003  # the head's init seed, derived from the run's


def feature_size(lens: GANLens, name: str) -> int:
    """The size per example of D's ``name`` output on G's images; ``ValueError`` if not a vector."""
    device = lens._device()
    z = torch.zeros(2, *lens.latent_shape, device=device)
    y = torch.zeros(2, dtype=torch.int64, device=device) if lens.n_classes else None
    with mode(lens.G, lens.D, train=False, keep_buffers=True), torch.no_grad():
        _, cache = lens.run_with_cache(GInputs.latent(z, y), names=[name])
    shape = tuple(cache[name].shape[1:])
    if len(shape) != 1:
        raise ValueError(
            f"CLR-GAN's phi needs a feature vector per image; {name} gives {shape} per image "
            "(name D's penultimate vector with CLRGANConfig(feature=...))"
        )
    return shape[0]


def distance(a: torch.Tensor, b: torch.Tensor, kind: str) -> torch.Tensor:
    """Mean squared (``"mse"``) or mean absolute (``"l1"``) error over every element, in float32."""
    a, b = a.float(), b.float()
    return F.mse_loss(a, b) if kind == "mse" else F.l1_loss(a, b)


class CLRGAN(Method):
    """CLR-GAN: consistent latent representation (D) and reconstruction (G).

    Args:
        config: a :class:`CLRGANConfig` (default: the paper's lambda1 = 5, lambda2 = 0.5, MSE).
    """

    name: ClassVar[str] = "clr-gan"
    Config: ClassVar[type[CLRGANConfig]] = CLRGANConfig

    def __init__(self, config: CLRGANConfig | None = None) -> None:
        super().__init__(config)
        self.head: bool | None = None  # set by build: whether phi goes through ``clr_phi``

    def supports(self, lens: GANLens) -> str | None:
        """CLR-GAN needs a latent G and a D feature vector at ``feature``."""
        if lens.z_dim is None:
            return "CLR-GAN inverts a latent G (G(z)); this G translates images"
        if self.config.feature not in lens.hook_names():
            return (
                f"CLR-GAN takes phi(x) from {self.config.feature}, which D does not have; name "
                "D's penultimate feature vector with CLRGANConfig(feature=...)"
            )
        try:
            feature_size(lens, self.config.feature)
        except ValueError as err:
            return str(err)
        return None

    def build(self, lens: GANLens, seed: int) -> None:
        """Add the linear map ``clr_phi`` (feature -> z_dim) when the sizes differ."""
        size = feature_size(lens, self.config.feature)
        z_dim = int(torch.Size(lens.latent_shape).numel())
        if size != z_dim:
            with seeded(seed + _INIT_SEED_OFFSET):
                lens.add_player(HEAD, nn.Linear(size, z_dim).to(lens._device()))
        self.head = size != z_dim

    def phases(self, optim: OptimConfig) -> list[Phase]:
        """The plain phases; ``clr_phi`` (if any) is trained in the D phase, with D."""
        if self.head is None:
            raise RuntimeError("CLRGAN.phases needs build(lens, seed) first (it may add clr_phi)")
        phases = super().phases(optim)
        if not self.head:
            return phases
        return [replace(p, players=(*p.players, HEAD)) if p.name == "D" else p for p in phases]

    def capture(self, phase: str) -> Sequence[str]:
        """phi's hook point in the D phase (taken from the forward that scores the fakes)."""
        return (self.config.feature,) if phase == "D" and self.config.lambda1 > 0 else ()

    def phi(self, step: Step, feature: torch.Tensor) -> torch.Tensor:
        """phi(x) (N, z_dim) from D's feature (N, F): the feature, or ``clr_phi`` of it."""
        feature = feature.float()
        if self.head:
            return step.lens.player(HEAD)(feature)
        return feature

    def d_loss(self, step: Step) -> dict[str, torch.Tensor]:
        """The plain D loss plus ``clr``: lambda1 * d(z, phi(G(z))), G's images detached."""
        terms = super().d_loss(step)
        if self.config.lambda1 > 0:
            z = step.g_inputs.x.flatten(1)
            phi = self.phi(step, step.out.fake_cache[self.config.feature])
            terms["clr"] = self.config.lambda1 * distance(phi, z, self.config.distance)
        return terms

    def g_loss(self, step: Step) -> dict[str, torch.Tensor]:
        """The plain G loss plus ``rec``: lambda2 * d(x_real, G(phi(x_real))), phi detached."""
        terms = super().g_loss(step)
        if self.config.lambda2 > 0:
            real = step.real
            with torch.no_grad():
                _, cache = step.run_D(real.x, real.y, capture=(self.config.feature,))
                phi = self.phi(step, cache[self.config.feature])
            latent = phi.reshape(len(phi), *step.lens.latent_shape)
            rebuilt = step.run_G(GInputs.latent(latent, real.y))
            terms["rec"] = self.config.lambda2 * distance(rebuilt, real.x, self.config.distance)
        return terms
