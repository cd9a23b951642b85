"""Was ``L_align`` learned? D's attention on G's images against their own and others' heatmaps.

The training log gives ``L_align`` but not its chance level: a min-max-normalised CAM and a
heatmap blob have an L1 distance of about 0.4 even when unrelated. :func:`alignment_check`
measures both on fresh samples of a trained EqGAN-SA lens:

- ``loss_<R>x<R>``: the truncated-L1 alignment loss of each level (the training objective, with
  the ``eqgan-sa`` GradCAM of D in eval mode, as in the official code's extra pass);
- ``control_<R>x<R>``: the same loss against the heatmaps of *other* samples of the batch (the
  batch rolled by one), i.e. what an attention that ignores the heatmap scores;
- ``gain_<R>x<R>`` = control - loss: above 0 when D's attention sits where the sample's own
  heatmap is; below 0 when it avoids it; ``gain``: their sum (the gain in L_align itself);
- ``r_x``, ``r_y``: Pearson r of the centroid of the 4x4 CAM against the centroid of the level-1
  target over the batch (1: the attention follows the heatmap exactly; -1: it mirrors it).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ganlens.lens import GANLens
from ganlens.methods.eqgan_sa.alignment import alignment_loss, level_targets
from ganlens.methods.eqgan_sa.editing import centroid
from ganlens.methods.eqgan_sa.heatmaps import LEVEL_RESOLUTIONS
from ganlens.methods.eqgan_sa.method import alignment_layers
from ganlens.methods.eqgan_sa.style_generator import SPATIAL
from ganlens.modes import mode
from ganlens.probes.gradcam import gradcam


def alignment_check(
    lens: GANLens, n: int = 256, seed: int = 0, layers: Sequence[str] | None = None
) -> dict[str, float]:
    """Alignment losses of ``n`` fresh samples against their own and rolled heatmaps.

    Args:
        lens: a lens whose G is an EqGAN-SA :class:`SpatialGenerator` (any encoding/heatmaps).
        n: samples (at least 3, so that the correlation and the rolled control mean something).
        seed: seed of the latents, labels and heatmaps.
        layers: D's 4x4, 8x8 and 16x16 layers (default :func:`alignment_layers`).

    Returns:
        ``loss_*``, ``control_*``, ``gain_*`` per level, ``gain`` (their sum), ``r_x``, ``r_y``
        (see the module docstring).
    """
    if not isinstance(lens.G, SPATIAL):
        raise ValueError(
            "alignment_check needs an EqGAN-SA generator (ExperimentConfig(method=EqGANSAConfig()))"
        )
    if n < 3:
        raise ValueError(f"n must be at least 3, got {n}")
    layers = list(layers) if layers is not None else alignment_layers(lens)
    g = torch.Generator().manual_seed(seed)
    inputs = lens.sample_inputs(n, g)
    heat = inputs.extras["heatmaps"]
    with mode(lens.G, train=True, keep_buffers=True), torch.no_grad():
        x = inputs.run(lens.G)
    maps = gradcam(lens, x, layers, "eqgan-sa", size=lens.G.resolution, y=inputs.y)
    cams = [maps[name].cpu() for name in layers]
    heat = heat.cpu()
    own = alignment_loss(cams, heat)
    other = alignment_loss(cams, heat.roll(1, dims=0))
    out: dict[str, float] = {}
    for res, a, b in zip(LEVEL_RESOLUTIONS, own, other):
        out |= {
            f"loss_{res}x{res}": float(a),
            f"control_{res}x{res}": float(b),
            f"gain_{res}x{res}": float(b - a),
        }
    out["gain"] = sum(out[f"gain_{res}x{res}"] for res in LEVEL_RESOLUTIONS)
    c_cam, c_heat = centroid(cams[0]), centroid(level_targets(heat)[0])
    for k, axis in ((1, "x"), (0, "y")):
        out[f"r_{axis}"] = float(torch.corrcoef(torch.stack([c_cam[:, k], c_heat[:, k]]))[0, 1])
    return out
