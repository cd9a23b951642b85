"""EqGAN-SA (Wang et al., CVPR 2022) as a ganlens Method: heatmaps into G, D's attention back.

``ExperimentConfig(method=EqGANSAConfig(...))`` turns it on. What each phase does:

- build: G becomes a :class:`SpatialGenerator` (SEL_norm / SEL_concat / flatten), or on
  stylegan-lite a :class:`StyleSpatialGenerator` (SELs before every modulated conv and ToRGB, as
  the official StyleGAN2 code); its new modules
  are initialised from the run's seed so runs are reproducible;
- every G input (D and G phases) gets fresh heatmaps: the task draws the extra inputs the
  SpatialGenerator declares (``sample_inputs``), from the run's generator;
- every G phase adds ``L_align`` (three truncated-L1 terms, one per level) to the plain G loss;
  D is frozen in the G phase, so it is not updated by it.

The CAM of the alignment loss is the ``eqgan-sa`` GradCAM of D (gradient of softplus(-logit),
ReLU per channel, bilinear align-corners upsampling to the image, per-sample min-max). D layers,
for 32-px images: the first D hook point whose output is 4x4, 8x8 and 16x16 (SN-DCGAN:
``D.blocks.2``, ``D.blocks.1``, ``D.blocks.0``), the analogue of StyleGAN2's b8/b16/b32 block
outputs; ``d_layers`` overrides it.

Two ways to get the CAM (``cam_pass``):

- ``"shared"`` (default): the activations AND the GradCAM weights come from the G step's own D
  forward on G's images (the one that gives the adversarial loss), so D runs forward once. The
  official code takes the activations from that forward too, but its weights from an extra
  forward + backward of D in eval mode on the detached images. For SN-DCGAN's D the two are
  identical (that eval pass reuses the spectral-norm vectors the training forward just updated;
  tests/methods/test_eqgan_sa_method.py checks it); for a D with BatchNorm (DCGAN) the shared
  weights come from the batch-statistics forward instead.
- ``"probe"``: :func:`ganlens.probes.gradcam` with ``keep_graph=True``: an extra D forward per G
  step in eval mode, which gives both the weights and the activations (the official code takes
  the activations from the training forward; identical for SN-DCGAN). For comparison
  (benchmarks/eqgan_sa_throughput.py).

Gradients reach G through D's activations of G's images (weights, mins, maxes and targets are
detached, as in the official code). ``second_order=True`` keeps the weights' graph
(``create_graph=True``), so L_align is also differentiated through dS/dA: a double backward
through D that the official code does not do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import torch
import torch.nn.functional as F

from ganlens.methods.eqgan_sa.alignment import alignment_loss
from ganlens.methods.eqgan_sa.config import EqGANSAConfig
from ganlens.methods.eqgan_sa.heatmaps import LEVEL_RESOLUTIONS
from ganlens.methods.eqgan_sa.style_generator import make_spatial
from ganlens.models.layers import ConvGenerator
from ganlens.models.registry import seeded
from ganlens.models.stylegan_lite import StyleGANLiteGenerator
from ganlens.modes import mode
from ganlens.probes.gradcam import cam_from, gradcam
from ganlens.train.method import Method

if TYPE_CHECKING:
    from ganlens.lens import GANLens
    from ganlens.train.step import Step

_INIT_SEED_OFFSET = (
    1_000_033  # the method's modules get their own init seed, derived from the run's
)


def alignment_layers(lens: GANLens) -> list[str]:
    """The first D hook points whose outputs are 4x4, 8x8 and 16x16 (levels 1, 2, 3)."""
    x = torch.zeros(1, lens.D.channels, lens.D.resolution, lens.D.resolution, device=lens._device())
    y = torch.zeros(1, dtype=torch.int64, device=x.device) if lens.n_classes else None
    names = [n for n in lens.hook_names() if n.startswith("D.")]
    with mode(lens.D, train=False), torch.no_grad():
        _, cache = lens.run_with_cache(x, names=names, y=y)
    sides = {n: cache[n].shape[-1] for n in names if cache[n].ndim == 4}
    chosen = []
    for res in LEVEL_RESOLUTIONS:
        match = [n for n in names if sides.get(n) == res]
        if not match:
            raise ValueError(
                f"D has no hook point with a {res}x{res} output (it has {sides}); pass "
                "EqGANSAConfig(d_layers=[4x4 layer, 8x8 layer, 16x16 layer])"
            )
        chosen.append(match[0])
    return chosen


class EqGANSA(Method):
    """EqGAN-SA: hierarchical heatmaps encoded in G and aligned with D's GradCAM attention.

    Args:
        config: an :class:`EqGANSAConfig` (default: the full method).
    """

    name: ClassVar[str] = "eqgan-sa"
    Config: ClassVar[type[EqGANSAConfig]] = EqGANSAConfig

    def __init__(self, config: EqGANSAConfig | None = None) -> None:
        super().__init__(config)
        self.layers: list[str] = []

    def supports(self, lens: GANLens) -> str | None:
        """EqGAN-SA extends a ganlens ConvGenerator and needs D layers at 4x4, 8x8 and 16x16."""
        if not isinstance(lens.G, (ConvGenerator, StyleGANLiteGenerator)):
            return (
                "EqGAN-SA extends a ganlens ConvGenerator (dcgan, sn-dcgan, sngan-resnet) or a "
                f"stylegan-lite G, not {type(lens.G).__name__}"
            )
        if isinstance(lens.G, StyleGANLiteGenerator) and self.config.encoding == "flatten":
            return (
                "EqGAN-SA on stylegan-lite takes encoding 'sel_norm' or 'sel_concat', not 'flatten'"
            )
        if self.config.d_layers is None:
            try:
                alignment_layers(lens)
            except ValueError as err:  # e.g. sngan-resnet's D: 16, 8, 8, 8 (no 4x4 map)
                return f"EqGAN-SA aligns attention at D's 4x4, 8x8 and 16x16 maps: {err}"
        return None

    def build(self, lens: GANLens, seed: int) -> None:
        """Wrap G in a SpatialGenerator and find the alignment layers of D."""
        cfg = self.config
        with seeded(seed + _INIT_SEED_OFFSET):
            lens.set_player("G", make_spatial(lens.G, cfg.encoding, cfg.heatmaps))
        self.layers = list(cfg.d_layers) if cfg.d_layers else alignment_layers(lens)
        for name in self.layers:
            lens.module(name)  # unknown names fail here, with suggestions

    def capture(self, phase: str) -> Sequence[str]:
        """The alignment layers in the G phase, when the CAM comes from its own D forward."""
        shared = self.config.align and self.config.cam_pass == "shared"
        return self.layers if phase == "G" and shared else ()

    def cams(self, step: Step) -> list[torch.Tensor]:
        """D's ``eqgan-sa`` GradCAM of G's images at levels 1-3, (N, R, R), attached to G."""
        out = step.out
        size = tuple(out.fake.shape[-2:])
        if self.config.cam_pass == "probe":
            maps = gradcam(
                step.lens,
                out.fake,
                self.layers,
                "eqgan-sa",
                size,
                y=step.g_inputs.y,
                keep_graph=True,
            )
            return [maps[n] for n in self.layers]
        acts = [out.fake_cache[n] for n in self.layers]
        second = self.config.second_order
        grads = torch.autograd.grad(
            F.softplus(-out.fake_logits).sum(), acts, retain_graph=True, create_graph=second
        )
        return [cam_from(a, g, "eqgan-sa", size, detach=not second) for a, g in zip(acts, grads)]

    def g_loss(self, step: Step) -> dict[str, torch.Tensor]:
        """The plain G loss plus ``align_4x4``, ``align_8x8``, ``align_16x16`` (their sum is
        L_align), if ``align``."""
        terms = super().g_loss(step)
        if self.config.align:
            losses = alignment_loss(
                self.cams(step), step.g_inputs.extras["heatmaps"], self.config.tau
            )
            terms.update({f"align_{r}x{r}": loss for r, loss in zip(LEVEL_RESOLUTIONS, losses)})
        return terms
