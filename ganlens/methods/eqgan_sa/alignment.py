"""EqGAN-SA's alignment loss: D's GradCAM of G's images against the heatmaps G was given.

Pure functions of tensors (official-code-notes.md 1c):

- targets: level 1 is the raw heatmap (values in (0.01, 1.01], NOT renormalised); levels 2 and 3
  are averaged over their centre channels, then min-max normalised per sample (detached);
- per level, ``d = |cam - target|`` elementwise (non-finite entries dropped), and the loss is the
  mean of the entries with ``d > tau`` (tau = 0.25) when more than one entry passes, else the
  mean of all of ``d``; the mean runs over every pixel of the batch, not per sample;
- ``L_align = L_level1 + L_level2 + L_level3``, each with weight 1 (the released code removed
  the extra factor in commit d7eb511), added to G's loss.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from ganlens.methods.eqgan_sa.heatmaps import split_levels
from ganlens.probes.attention import minmax_normalize

TAU = 0.25


def level_targets(heatmaps: Tensor) -> list[Tensor]:
    """The three alignment targets (N, R, R) of a heatmap batch (N, 7, R, R), detached."""
    targets = []
    for level, maps in enumerate(split_levels(heatmaps.detach())):
        target = maps.mean(dim=1)
        targets.append(target if level == 0 else minmax_normalize(target))
    return targets


def truncated_l1(cam: Tensor, target: Tensor, tau: float = TAU) -> Tensor:
    """Mean of ``|cam - target|`` over the entries above ``tau`` (all entries if at most one is).

    Shapes:
        cam, target: (N, R, R) -> a scalar.
    """
    if cam.shape != target.shape:
        raise ValueError(
            f"cam {tuple(cam.shape)} and target {tuple(target.shape)} must match; "
            "upsample the cam to the heatmap resolution"
        )
    d = (cam - target).abs()
    d = d[torch.isfinite(d)]
    if d.numel() == 0:
        return cam.sum() * 0.0
    above = d > tau
    return d[above].mean() if int(above.sum()) > 1 else d.mean()


def alignment_loss(cams: Sequence[Tensor], heatmaps: Tensor, tau: float = TAU) -> list[Tensor]:
    """Per-level alignment losses (level 1, 2, 3) of D's maps against the heatmaps' targets.

    Args:
        cams: three maps (N, R, R) in [0, 1] (``eqgan-sa`` GradCAM at the 4x4, 8x8, 16x16 D layers,
            upsampled to the image resolution), attached to G's graph.
        heatmaps: the heatmaps (N, 7, R, R) G was given.
        tau: the truncation threshold.

    Returns:
        ``[L_1, L_2, L_3]``; their sum is L_align.
    """
    targets = level_targets(heatmaps)
    if len(cams) != len(targets):
        raise ValueError(f"alignment needs {len(targets)} maps (4x4, 8x8, 16x16), got {len(cams)}")
    return [truncated_l1(cam, target, tau) for cam, target in zip(cams, targets)]
