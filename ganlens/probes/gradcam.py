"""GradCAM of D at several layers in one forward and one backward pass.

Two conventions (design.md section 3; official-code-notes.md 1c):

- ``"textbook"``: S = D's logit; w_k = spatial mean of dS/dA_k; map = ReLU(sum_k w_k A_k). Equal to
  Captum's ``LayerGradCam(lens.score, layer).attribute(x, relu_attributions=True)``; with ``size``
  the map is upsampled bilinearly with ``align_corners=False`` (Captum's ``interpolate``).
- ``"eqgan-sa"``: the official EqGAN-SA recipe: S = G's loss softplus(-logit), so the weights are
  the textbook ones times -sigmoid(-logit) < 0 (the map highlights what *lowers* realness);
  ReLU per channel before the channel sum; bilinear upsampling with ``align_corners=True`` when
  ``size`` is given; then per-sample min-max normalisation to [0, 1] (constant maps become 0).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from ganlens.capture import Capture
from ganlens.lens import GANLens
from ganlens.modes import mode, out_of_place
from ganlens.probes.attention import minmax_normalize
from ganlens.probes.checks import check_layers, warn_cross_sample
from ganlens.tasks import GInputs

CONVENTIONS = ("textbook", "eqgan-sa")


def cam_from(
    act: torch.Tensor,
    grad: torch.Tensor,
    convention: str,
    size: tuple[int, int] | None,
    detach: bool = True,
) -> torch.Tensor:
    """One layer's map from its activations A (N, C, h, w) and dS/dA.

    The weights (spatial means of dS/dA) are detached unless ``detach=False``, which keeps a
    ``create_graph=True`` gradient's graph so a loss on the map is differentiated through the
    weights too (second order). The map is computed in float32 whatever the activations' dtype
    (bf16 training), so its normalisation is exact.
    """
    act, grad = act.float(), grad.float()
    weights = (grad.detach() if detach else grad).mean(dim=(2, 3), keepdim=True)
    if convention == "textbook":
        cam = F.relu((weights * act).sum(dim=1))
        if size is not None:
            cam = F.interpolate(cam[:, None], size=size, mode="bilinear", align_corners=False)[:, 0]
        return cam
    cam = F.relu(weights * act).sum(dim=1)
    if size is not None:
        cam = F.interpolate(cam[:, None], size=size, mode="bilinear", align_corners=True)[:, 0]
    return minmax_normalize(cam)


def gradcam(
    lens: GANLens,
    x: torch.Tensor | GInputs,
    layers: Sequence[str],
    convention: str = "textbook",
    size: int | tuple[int, int] | None = None,
    y: torch.Tensor | None = None,
    keep_graph: bool = False,
) -> dict[str, torch.Tensor]:
    """GradCAM maps of several layers from ONE forward and ONE backward pass.

    What runs depends on the kind of ``x``, stated by its type: images (a tensor) are scored by
    D, so only D layers can be probed; G's inputs (a :class:`~ganlens.tasks.GInputs`, e.g.
    ``lens.sample_inputs(8)``) run the whole game, the score is D(G(inputs)), and G and D layers
    may be mixed in one call. G and D are in eval mode during the probe (BatchNorm uses running
    statistics, spectral norm does no power iteration) and their modes are restored afterwards;
    layers that still mix examples trigger a warning. Activation modules with ``inplace=True``
    run out of place during the call (their flags are restored). Hooks live only inside the
    call, also when it raises.

    Args:
        lens: the players (the primary G and D).
        x: images (N, C, H, W) float in [-1, 1], or G's inputs.
        layers: hook or module names, e.g. ``["D.blocks.0", "D.blocks.1", "D.blocks.2"]``.
        convention: ``"textbook"`` or ``"eqgan-sa"`` (see the module docstring).
        size: upsample every map to this (h, w) (an int means square).
        y: class labels (N,) of images for conditional models (G inputs carry their own).
        keep_graph: keep the maps attached to the activations' graph (weights detached, as in
            EqGAN-SA's alignment loss), so a loss on the maps trains the model upstream.

    Returns:
        ``{name: maps}`` with maps (N, h, w) at the layer's resolution, or (N, *size).

    Raises:
        KeyError: unknown layer name. ValueError: G layers given images, unknown convention,
        non-spatial layer. InPlaceError: an in-place op that is not a module flag (``x += 1`` in a
        forward) modified a captured activation.
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown convention {convention!r}; choose one of {CONVENTIONS}")
    game = check_layers(lens, x, layers)
    size = (size, size) if isinstance(size, int) else size
    probed = {"G": lens.G, "D": lens.D} if game else {"D": lens.D}
    capture = Capture(layers, spatial=True)
    with mode(*probed.values(), train=False), out_of_place(*probed.values()):
        warn_cross_sample(probed)
        with lens.hooks(capture.hooks()):
            if game:
                inputs = dataclasses.replace(x, x=x.x.detach().requires_grad_(True))
                logits = lens.score(lens.generate(inputs), inputs.y)
            else:
                inp = x if keep_graph and x.requires_grad else x.detach().requires_grad_(True)
                logits = lens.score(inp, y)
        acts = capture.check()
        score = logits if convention == "textbook" else F.softplus(-logits)
        grads = torch.autograd.grad(score.sum(), [acts[n] for n in layers], retain_graph=keep_graph)
    maps = {n: cam_from(acts[n], g, convention, size) for n, g in zip(layers, grads)}
    return maps if keep_graph else {n: m.detach() for n, m in maps.items()}
