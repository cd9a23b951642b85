"""Analyses of D's attention behind EqGAN-SA Fig. 2 and Fig. 7.

(1) robustness to Gaussian noise, (2) consistency over the checkpoints of one run,
(3) hierarchy (local peaks per layer). (Whether D attends where G's heatmap is, is
:func:`ganlens.methods.eqgan_sa.alignment_check`.)
Each returns a long-format pandas DataFrame (one row per image, layer and condition) so tables and
plots are a ``groupby`` away.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import torch

from ganlens.checkpoints import load_checkpoint, load_players_into
from ganlens.lens import GANLens
from ganlens.probes.compare import count_peaks, pearson, top_overlap
from ganlens.probes.gradcam import gradcam


def _rows(
    maps: dict[str, torch.Tensor], ref: dict[str, torch.Tensor], **keys: object
) -> list[dict]:
    rows = []
    for layer, m in maps.items():
        r, o = pearson(m, ref[layer]), top_overlap(ref[layer], m, 0.2)
        for i in range(len(m)):
            rows.append(
                {
                    **keys,
                    "layer": layer,
                    "image": i,
                    "pearson": float(r[i]),
                    "top20_overlap": float(o[i]),
                }
            )
    return rows


def robustness(
    lens: GANLens,
    x: torch.Tensor,
    layers: Sequence[str],
    sigmas: Sequence[float] = (0.0, 0.05, 0.1, 0.2, 0.4, 0.8),
    convention: str = "eqgan-sa",
    seed: int = 0,
    y: torch.Tensor | None = None,
) -> pd.DataFrame:
    """Attention on images under Gaussian noise of std ``sigma`` vs the clean attention.

    Noise is added in the [-1, 1] image space and the result clamped to [-1, 1].

    Returns:
        Rows ``sigma, layer, image, pearson, top20_overlap`` (share of the clean map's top-20%
        pixels still in the noisy map's top 20%).
    """
    clean = gradcam(lens, x, layers, convention, y=y)
    gen = torch.Generator().manual_seed(seed)
    rows = []
    for sigma in sigmas:
        noise = torch.randn(x.shape, generator=gen).to(x.device)
        noisy = (x + sigma * noise).clamp(-1.0, 1.0)
        rows += _rows(gradcam(lens, noisy, layers, convention, y=y), clean, sigma=float(sigma))
    return pd.DataFrame(rows)


def consistency(
    lens: GANLens,
    checkpoints: Sequence[str | Path],
    x: torch.Tensor,
    layers: Sequence[str],
    convention: str = "eqgan-sa",
    y: torch.Tensor | None = None,
) -> pd.DataFrame:
    """Maps of fixed images ``x`` at each checkpoint of a run vs the maps at the last checkpoint.

    The lens is not modified: each checkpoint is loaded into a copy.

    Returns:
        Rows ``step, layer, image, pearson, top20_overlap`` (the last checkpoint gives 1.0).
    """
    if not checkpoints:
        raise ValueError("consistency needs at least one checkpoint (see Run.checkpoints())")
    probe = copy.deepcopy(lens)
    per_step = []
    for path in checkpoints:
        state = load_checkpoint(path)
        load_players_into(probe, state, Path(path))
        per_step.append((int(state["step"]), gradcam(probe, x, layers, convention, y=y)))
    final = per_step[-1][1]
    return pd.DataFrame([r for step, maps in per_step for r in _rows(maps, final, step=step)])


def hierarchy(maps: dict[str, torch.Tensor], min_height: float = 0.5) -> pd.DataFrame:
    """Local peaks per map for each layer (EqGAN-SA claims fewer peaks at coarser layers).

    Returns:
        Rows ``layer, resolution, image, peaks``.
    """
    rows = []
    for layer, m in maps.items():
        peaks = count_peaks(m, min_height)
        rows += [
            {
                "layer": layer,
                "resolution": f"{m.shape[-2]}x{m.shape[-1]}",
                "image": i,
                "peaks": int(p),
            }
            for i, p in enumerate(peaks)
        ]
    return pd.DataFrame(rows)
