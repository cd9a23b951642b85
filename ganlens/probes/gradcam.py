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

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from ganlens.hooks import temporary_hooks
from ganlens.lens import GANLens
from ganlens.probes.attention import minmax_normalize
from ganlens.probes.capture import Capture, eval_mode, warn_cross_sample

CONVENTIONS = ("textbook", "eqgan-sa")


def _is_latent(lens: GANLens, x: torch.Tensor) -> bool:
    return x.ndim == 2 and lens.z_dim is not None and x.shape[1] == lens.z_dim


def _check_request(lens: GANLens, x: torch.Tensor, layers: Sequence[str], convention: str) -> bool:
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown convention {convention!r}; choose one of {CONVENTIONS}")
    if isinstance(layers, str) or not layers:
        raise ValueError("layers must be a non-empty list of names, e.g. ['D.blocks.1', 'D.blocks.2']")
    for name in layers:
        lens.module(name)  # KeyError with suggestions for unknown names
    latent = _is_latent(lens, x)
    g_layers = [n for n in layers if n.startswith("G.")]
    if g_layers and not latent:
        raise ValueError(
            f"G layers {g_layers} need a latent batch (N, {lens.z_dim}) as input so the score is "
            f"D(G(z)); got a tensor of shape {tuple(x.shape)}"
        )
    return latent


def cam_from(act: torch.Tensor, grad: torch.Tensor, convention: str,
             size: tuple[int, int] | None, detach: bool = True) -> torch.Tensor:
    """One layer's map from its activations A (N, C, h, w) and dS/dA.

    The weights (spatial means of dS/dA) are detached unless ``detach=False``, which keeps a
    ``create_graph=True`` gradient's graph so a loss on the map is differentiated through the
    weights too (second order).
    """
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
    x: torch.Tensor,
    layers: Sequence[str],
    convention: str = "textbook",
    size: int | tuple[int, int] | None = None,
    y: torch.Tensor | None = None,
    keep_graph: bool = False,
) -> dict[str, torch.Tensor]:
    """GradCAM maps of several layers from ONE forward and ONE backward pass.

    D layers are scored on images ``x``. G layers need a latent batch ``x`` (N, z_dim): then the
    score is D(G(z)), G and D both run, and G and D layers may be mixed in one call. G and D are
    in eval mode during the probe (BatchNorm uses running statistics, spectral norm does no
    power iteration) and their modes are restored afterwards; layers that still mix examples
    trigger a warning. Hooks live only inside the call, also when it raises.

    Args:
        lens: the models.
        x: images (N, C, H, W) float in [-1, 1], or latents (N, z_dim).
        layers: hook or module names, e.g. ``["D.blocks.0", "D.blocks.1", "D.blocks.2"]``.
        convention: ``"textbook"`` or ``"eqgan-sa"`` (see the module docstring).
        size: upsample every map to this (h, w) (an int means square).
        y: class labels (N,) for conditional models.
        keep_graph: keep the maps attached to the activations' graph (weights detached, as in
            EqGAN-SA's alignment loss), so a loss on the maps trains the model upstream.

    Returns:
        ``{name: maps}`` with maps (N, h, w) at the layer's resolution, or (N, *size).

    Raises:
        KeyError: unknown layer name. ValueError: G layers without latents, unknown convention,
        non-spatial layer. InPlaceError: an in-place op modified a captured activation.
    """
    latent = _check_request(lens, x, layers, convention)
    size = (size, size) if isinstance(size, int) else size
    sides = ("G", "D") if latent else ("D",)
    capture = Capture(layers)
    with eval_mode(*(getattr(lens, s) for s in sides)):
        warn_cross_sample(lens, sides)
        inp = x if keep_graph and x.requires_grad else x.detach().requires_grad_(True)
        with temporary_hooks([(lens.module(n), capture.hook(n)) for n in layers]):
            images = lens.generate(z=inp, y=y) if latent else inp
            logits = lens.score(images, y)
        capture.check()
        score = logits if convention == "textbook" else F.softplus(-logits)
        acts = [capture.acts[n] for n in layers]
        grads = torch.autograd.grad(score.sum(), acts, retain_graph=keep_graph)
    maps = {n: cam_from(a, g, convention, size) for n, a, g in zip(layers, acts, grads)}
    return maps if keep_graph else {n: m.detach() for n, m in maps.items()}
