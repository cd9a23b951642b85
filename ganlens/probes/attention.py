"""Activation-based attention maps (ASGIT's post-hoc attention, PHA)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ganlens.capture import Capture
from ganlens.lens import GANLens
from ganlens.modes import mode, out_of_place
from ganlens.probes.checks import warn_cross_sample

NORMALIZE = ("sample", "batch", "none")


def minmax_normalize(maps: torch.Tensor, over_batch: bool = False) -> torch.Tensor:
    """Min-max normalise maps (N, h, w) to [0, 1] per sample (or over the batch); flat -> 0.

    The min and max are detached, as in EqGAN-SA's alignment loss, so gradients flow through the
    maps only.
    """
    dims = tuple(range(maps.ndim)) if over_batch else tuple(range(1, maps.ndim))
    lo = maps.amin(dim=dims, keepdim=True).detach()
    hi = maps.amax(dim=dims, keepdim=True).detach()
    span = hi - lo
    return torch.where(span > 0, (maps - lo) / span.clamp_min(1e-12), torch.zeros_like(maps))


@torch.no_grad()
def activation_map(
    lens: GANLens,
    x: torch.Tensor,
    layer: str,
    normalize: str = "sample",
    size: int | tuple[int, int] | None = None,
    y: torch.Tensor | None = None,
) -> torch.Tensor:
    """Mean absolute activation over channels of a D layer, min-max normalised.

    ASGIT's post-hoc attention (official-code-notes.md 4a): the official code normalises with the
    min and max of the whole batch (``normalize="batch"``); ``"sample"`` normalises each map on
    its own, ``"none"`` returns the raw mean |A|. D runs in eval mode and its ``inplace=True``
    activations out of place (both restored afterwards).

    Args:
        lens: the models.
        x: images (N, C, H, W) float in [-1, 1].
        layer: a D layer name, e.g. ``"D.blocks.1"``.
        normalize: ``"sample"``, ``"batch"`` or ``"none"``.
        size: bilinear upsampling (``align_corners=False``) of the normalised maps to (h, w).
        y: labels (N,) for conditional models.

    Returns:
        Maps (N, h, w) in [0, 1] (unless ``normalize="none"``).
    """
    if normalize not in NORMALIZE:
        raise ValueError(f"unknown normalize {normalize!r}; choose one of {NORMALIZE}")
    d_name = lens.primary[1]
    if not layer.startswith(f"{d_name}."):
        raise ValueError(f"activation_map reads {d_name} layers on images; got {layer!r}")
    capture = Capture([layer], spatial=True)
    with mode(lens.D, train=False), out_of_place(lens.D):
        warn_cross_sample({d_name: lens.D})
        with lens.hooks(capture.hooks()):
            lens.score(x, y)
        acts = capture.check()
    maps = acts[layer].abs().mean(dim=1)
    if normalize != "none":
        maps = minmax_normalize(maps, over_batch=normalize == "batch")
    if size is not None:
        size = (size, size) if isinstance(size, int) else size
        maps = F.interpolate(maps[:, None], size=size, mode="bilinear", align_corners=False)[:, 0]
    return maps
