"""Editing with EqGAN-SA heatmaps (Fig. 5, Fig. 6): move a heatmap, see (and measure) what moves.

- :func:`sweep` renders one latent batch under heatmaps whose level-1 centre is moved to given
  positions (all levels move with it, the paper's edit of the level-0 heatmap);
- :func:`swap_grid` is Fig. 6: rows share a heatmap, columns share a latent
  (:func:`swap_grid_heatmaps`: the rows' heatmaps, for the figure's thumbnails);
- :func:`following` measures whether the image follows the heatmap: for every sample and
  position, the centroid of the image change (|image - the sample's mean image over positions|)
  and the centroid of D's ``eqgan-sa`` GradCAM at its 4x4 alignment layer, against the
  level-1 centre; :func:`following_summary` gives their Pearson correlations per axis.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from ganlens.lens import GANLens
from ganlens.methods.eqgan_sa.heatmaps import HeatmapParams, grid, sample_params
from ganlens.methods.eqgan_sa.style_generator import SPATIAL
from ganlens.modes import mode
from ganlens.probes.gradcam import gradcam


def _spatial(lens: GANLens) -> nn.Module:
    if not isinstance(lens.G, SPATIAL):
        raise ValueError(
            "heatmap editing needs an EqGAN-SA generator (ExperimentConfig(method=EqGANSAConfig()))"
        )
    if lens.G.sampler.kind == "noise":
        raise ValueError("this G was trained on noise maps: they have no centre to move")
    return lens.G


def centroid(maps: Tensor) -> Tensor:
    """Centre of mass (N, 2) as (y, x) in [-1, 1] of non-negative maps (N, H, W); uniform -> 0."""
    weights = maps.clamp_min(0).flatten(1)
    total = weights.sum(dim=1, keepdim=True)
    coords = grid(maps.shape[-1], maps.device).flatten(0, 1)  # (H*W, 2)
    out = weights @ coords / total.clamp_min(1e-12)
    return torch.where(total > 0, out, torch.zeros_like(out))


def params_at(base: HeatmapParams, position: Sequence[float]) -> HeatmapParams:
    """``base`` moved so that every sample's level-1 centre is at ``position`` (y, x)."""
    target = torch.as_tensor(position, dtype=torch.float32)
    return HeatmapParams(
        tuple(c - base.centers[0] + target for c in base.centers),
        base.widths,  # type: ignore[arg-type]
    )


@torch.no_grad()
def generate_with(
    lens: GANLens, z: Tensor, params: HeatmapParams, y: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """Images (N, C, H, W) and heatmaps (N, 7, H, W), on the CPU, of latents ``z`` under ``params``.

    G runs as when sampling during training (batch statistics, buffers restored).
    """
    G = _spatial(lens)
    h = params.render(G.resolution).to(z.device)
    with mode(G, train=True, keep_buffers=True):
        return G(z, y, heatmaps=h).cpu(), h.cpu()


def sweep(
    lens: GANLens,
    z: Tensor,
    positions: Sequence[Sequence[float]],
    base: HeatmapParams,
    y: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """Images and heatmaps of latents ``z`` with the level-1 centre moved to each position.

    Returns:
        images (P, N, C, H, W) and heatmaps (P, N, 7, H, W) on the CPU.
    """
    out = [generate_with(lens, z, params_at(base, pos), y) for pos in positions]
    return torch.stack([o[0] for o in out]), torch.stack([o[1] for o in out])


@torch.no_grad()
def _swap_inputs(
    lens: GANLens, n_heatmaps: int, n_latents: int, seed: int
) -> tuple[Tensor, Tensor | None, Tensor]:
    """The latents, labels and heatmaps of :func:`swap_grid`, drawn in that order from ``seed``."""
    G = _spatial(lens)
    g = torch.Generator().manual_seed(seed)
    z = lens.sample_latent(n_latents, g)
    y = lens.sample_labels(n_latents, g)
    return z, y, G.sampler.sample(n_heatmaps, g, z.device)


def swap_grid(lens: GANLens, n_heatmaps: int, n_latents: int, seed: int = 0) -> Tensor:
    """Fig. 6: images (n_heatmaps * n_latents, C, H, W), row r = heatmap r, column c = latent c."""
    G = _spatial(lens)
    z, y, heat = _swap_inputs(lens, n_heatmaps, n_latents, seed)
    with mode(G, train=True, keep_buffers=True):
        rows = [
            G(z, y, heatmaps=heat[r : r + 1].expand(n_latents, -1, -1, -1))
            for r in range(n_heatmaps)
        ]
    return torch.cat(rows).cpu()


def swap_grid_heatmaps(lens: GANLens, n_heatmaps: int, n_latents: int, seed: int = 0) -> Tensor:
    """The heatmaps (n_heatmaps, 7, R, R) of the rows of ``swap_grid`` with the same arguments."""
    return _swap_inputs(lens, n_heatmaps, n_latents, seed)[2].cpu()


def grid_spread(grid: Tensor, n_heatmaps: int, n_latents: int) -> dict[str, float]:
    """How much a :func:`swap_grid`'s images change along each axis (mean pixel std).

    ``latent``: the std over the latents of a row (same heatmap), averaged over rows and pixels;
    ``heatmap``: the std over the heatmaps of a column (same latent). ``latent_share`` =
    latent / (latent + heatmap); near 0 means G ignores z (every row is one image repeated, a
    collapse of the latent), near 1 that G ignores the heatmaps.
    """
    x = grid.float().reshape(n_heatmaps, n_latents, -1)
    latent = float(x.std(dim=1).mean())
    heatmap = float(x.std(dim=0).mean())
    total = latent + heatmap
    return {"latent": latent, "heatmap": heatmap, "latent_share": latent / total if total else 0.0}


def following(
    lens: GANLens,
    n: int = 16,
    offsets: Sequence[float] = (-0.5, -0.25, 0.0, 0.25, 0.5),
    seed: int = 0,
    layer: str | None = None,
) -> pd.DataFrame:
    """Does the image follow the level-1 heatmap? Centroids per sample and position.

    Two sweeps of the level-1 centre (all levels follow): along x (y = 0) and along y (x = 0),
    over ``offsets``. Per image: the centroid of the change map (sum over channels of
    |image - the sample's mean image over the sweep|) and of D's attention (``eqgan-sa``
    GradCAM at ``layer``, default the first D layer with a 4x4 output, upsampled).

    Returns:
        Rows ``axis, sample, target, change, attention``: the moved coordinate of the centre and
        the same coordinate of the two centroids (in [-1, 1] image units).
    """
    from ganlens.methods.eqgan_sa.method import alignment_layers

    G = _spatial(lens)
    layer = layer or alignment_layers(lens)[0]
    g = torch.Generator().manual_seed(seed)
    z, y = lens.sample_latent(n, g), lens.sample_labels(n, g)
    base = sample_params(n, g, G.sampler.kind)
    rows = []
    for axis, k in (("x", 1), ("y", 0)):
        positions = [(0.0, o) if axis == "x" else (o, 0.0) for o in offsets]
        images, _ = sweep(lens, z, positions, base, y)
        change = (images - images.mean(dim=0, keepdim=True)).abs().sum(dim=2)
        for p, pos in enumerate(positions):
            att = gradcam(
                lens, images[p].to(z.device), [layer], "eqgan-sa", size=G.resolution, y=y
            )[layer]
            c_change, c_att = centroid(change[p]), centroid(att.cpu())
            rows += [
                {
                    "axis": axis,
                    "sample": i,
                    "target": pos[k],
                    "change": float(c_change[i, k]),
                    "attention": float(c_att[i, k]),
                }
                for i in range(n)
            ]
    return pd.DataFrame(rows)


def following_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Pearson r (and least-squares slope) of each centroid against the centre, per axis."""
    out = []
    for axis, part in df.groupby("axis", sort=False):
        for what in ("change", "attention"):
            t, v = part["target"].to_numpy(), part[what].to_numpy()
            r = float(np.corrcoef(t, v)[0, 1]) if np.std(v) > 0 else float("nan")
            slope = float(np.polyfit(t, v, 1)[0])
            out.append(
                {"axis": axis, "centroid": what, "pearson_r": r, "slope": slope, "pairs": len(part)}
            )
    return pd.DataFrame(out)
