"""EqGAN-SA (Wang et al., CVPR 2022) as a ganlens Method: heatmaps into G, D's attention back.

``TrainConfig(method="eqgan-sa", method_kw={...})`` turns it on. What each step does:

- setup: G becomes a :class:`SpatialGenerator` (SEL_norm / SEL_concat / flatten); its new modules
  are initialised from ``config.seed`` so runs are reproducible;
- every G input (D and G steps) gets fresh heatmaps from the loop's generator;
- every G step adds ``L_align`` (three truncated-L1 terms, one per level) to G's loss; D is
  frozen in the G step, so it is not updated by it.

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
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

from ganlens.methods.base import Method, StepBatch
from ganlens.methods.eqgan_sa.alignment import TAU, alignment_loss
from ganlens.methods.eqgan_sa.encoding import ENCODINGS
from ganlens.methods.eqgan_sa.generator import SpatialGenerator
from ganlens.methods.eqgan_sa.heatmaps import KINDS, LEVEL_RESOLUTIONS
from ganlens.models.registry import seeded
from ganlens.probes.capture import eval_mode
from ganlens.probes.gradcam import cam_from, gradcam

if TYPE_CHECKING:
    from ganlens.config import TrainConfig
    from ganlens.lens import GANLens

CAM_PASSES = ("shared", "probe")
_INIT_SEED_OFFSET = 1_000_033  # the method's modules get their own init seed, derived from the run's


def alignment_layers(lens: GANLens) -> list[str]:
    """The first D hook points whose outputs are 4x4, 8x8 and 16x16 (levels 1, 2, 3)."""
    x = torch.zeros(1, lens.D.channels, lens.D.resolution, lens.D.resolution, device=lens._device())
    y = torch.zeros(1, dtype=torch.int64, device=x.device) if lens.n_classes else None
    names = [n for n in lens.hook_names() if n.startswith("D.")]
    with eval_mode(lens.D), torch.no_grad():
        _, cache = lens.run_with_cache(x, names=names, y=y)
    sides = {n: cache[n].shape[-1] for n in names if cache[n].ndim == 4}
    chosen = []
    for res in LEVEL_RESOLUTIONS:
        match = [n for n in names if sides.get(n) == res]
        if not match:
            raise ValueError(
                f"D has no hook point with a {res}x{res} output (it has {sides}); pass "
                "method_kw={'d_layers': [4x4 layer, 8x8 layer, 16x16 layer]}"
            )
        chosen.append(match[0])
    return chosen


class EqGANSA(Method):
    """EqGAN-SA: hierarchical heatmaps encoded in G and aligned with D's GradCAM attention.

    Args:
        encoding: ``"sel_norm"`` (official), ``"sel_concat"`` (paper-only, our design) or
            ``"flatten"`` (Table 4 baseline: heatmaps flattened into the latent).
        heatmaps: ``"hierarchical"`` (official), ``"independent"`` (Table 3 Non-Hie) or
            ``"noise"`` (Table 3 Gau. Noise).
        align: add L_align to G's loss (False: "+SEL" of Table 1).
        tau: truncation threshold of the L1 (0.25 in the paper and code).
        d_layers: D layers for levels 1, 2, 3 (4x4, 8x8, 16x16); default found automatically.
        cam_pass: ``"shared"`` or ``"probe"`` (see the module docstring).
        second_order: differentiate L_align through the GradCAM weights too (not official).
    """

    name = "eqgan-sa"

    def __init__(self, encoding: str = "sel_norm", heatmaps: str = "hierarchical", align: bool = True,
                 tau: float = TAU, d_layers: Sequence[str] | None = None, cam_pass: str = "shared",
                 second_order: bool = False) -> None:
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown encoding {encoding!r}; choose one of {ENCODINGS}")
        if heatmaps not in KINDS:
            raise ValueError(f"unknown heatmaps {heatmaps!r}; choose one of {KINDS}")
        if cam_pass not in CAM_PASSES:
            raise ValueError(f"unknown cam_pass {cam_pass!r}; choose one of {CAM_PASSES}")
        if second_order and cam_pass != "shared":
            raise ValueError("second_order=True needs cam_pass='shared'")
        if d_layers is not None and len(d_layers) != len(LEVEL_RESOLUTIONS):
            raise ValueError(f"d_layers needs 3 names (4x4, 8x8, 16x16 layers), got {list(d_layers)}")
        self.encoding, self.heatmaps, self.align, self.tau = encoding, heatmaps, bool(align), float(tau)
        self.cam_pass, self.second_order = cam_pass, bool(second_order)
        self.d_layers = list(d_layers) if d_layers is not None else None
        self.layers: list[str] = []
        self.sampler = None

    def setup(self, lens: GANLens, config: TrainConfig) -> None:
        """Wrap G in a SpatialGenerator (once) and find the alignment layers of D."""
        want = {"encoding": self.encoding, "heatmaps": self.heatmaps}
        if isinstance(lens.G, SpatialGenerator):
            if lens.G.spec["eqgan_sa"] != want:
                raise ValueError(f"G already carries EqGAN-SA {lens.G.spec['eqgan_sa']}, not {want}")
        else:
            with seeded(config.seed + _INIT_SEED_OFFSET):
                lens.G = SpatialGenerator(lens.G, self.encoding, self.heatmaps)
        self.sampler = lens.G.sampler
        self.layers = self.d_layers or alignment_layers(lens)
        for name in self.layers:
            lens.module(name)  # unknown names fail here, with suggestions

    def g_inputs(self, n: int, generator: torch.Generator, device: torch.device) -> dict[str, torch.Tensor]:
        """Fresh heatmaps for every G forward of the loop."""
        if self.sampler is None:
            raise RuntimeError("EqGANSA.setup(lens, config) must run before training")
        return {"heatmaps": self.sampler.sample(n, generator, device)}

    def g_capture(self, lens: GANLens) -> Sequence[str]:
        """The alignment layers, when the CAM comes from the G step's own D forward."""
        return self.layers if self.align and self.cam_pass == "shared" else ()

    def cams(self, batch: StepBatch) -> list[torch.Tensor]:
        """D's ``eqgan-sa`` GradCAM of G's images at levels 1-3, (N, R, R), attached to G."""
        size = tuple(batch.fake.shape[-2:])
        if self.cam_pass == "probe":
            maps = gradcam(batch.lens, batch.fake, self.layers, "eqgan-sa", size, y=batch.fake_y,
                           keep_graph=True)
            return [maps[n] for n in self.layers]
        acts = [batch.cache[n] for n in self.layers]
        grads = torch.autograd.grad(F.softplus(-batch.fake_logits).sum(), acts, retain_graph=True,
                                    create_graph=self.second_order)
        return [cam_from(a, g, "eqgan-sa", size, detach=not self.second_order)
                for a, g in zip(acts, grads)]

    def g_terms(self, batch: StepBatch) -> dict[str, torch.Tensor]:
        """``align_4x4``, ``align_8x8``, ``align_16x16`` (their sum is L_align), if ``align``."""
        if not self.align:
            return {}
        losses = alignment_loss(self.cams(batch), batch.g_inputs["heatmaps"], self.tau)
        return {f"align_{r}x{r}": loss for r, loss in zip(LEVEL_RESOLUTIONS, losses)}
