"""Figures of EqGAN-SA's heatmap editing: the sweep (Fig. 5), and whether the image follows it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ganlens.viz.figure import new_figure
from ganlens.viz.grids import _to_uint8
from ganlens.viz.style import FAKE_COLOR, REAL_COLOR, REF_COLOR, axes_or_new, style


def heatmap_sweep(
    images: torch.Tensor,
    heatmaps: torch.Tensor,
    positions: Sequence[Sequence[float]],
    n_show: int = 4,
    title: str | None = None,
) -> Figure:
    """Fig. 5: the level-1 heatmap on the top row, then the same latents under each position.

    Args:
        images: (P, N, C, H, W) in [-1, 1] from :func:`ganlens.methods.eqgan_sa.editing.sweep`.
        heatmaps: (P, N, 7, H, W); channel 0 (level 1) of sample 0 is drawn.
        positions: the P level-1 centres (y, x), used as column titles.
        n_show: samples (rows under the heatmap row).
        title: figure title.
    """
    n_pos, n = images.shape[:2]
    rows = min(n_show, n)
    with style():
        fig = new_figure((1.5 * n_pos, 1.5 * (rows + 1)), layout=None)
        axes = fig.subplots(rows + 1, n_pos, squeeze=False)
        for p in range(n_pos):
            axes[0, p].imshow(heatmaps[p, 0, 0].numpy(), cmap="magma", vmin=0, vmax=1.01)
            axes[0, p].set_title(
                f"centre (y, x)\n({positions[p][0]:+.2f}, {positions[p][1]:+.2f})",
                fontsize="x-small",
            )
            pix = _to_uint8(images[p, :rows])
            for r in range(rows):
                img = pix[r].transpose(1, 2, 0)
                axes[r + 1, p].imshow(
                    img[..., 0] if img.shape[-1] == 1 else img,
                    cmap="gray" if img.shape[-1] == 1 else None,
                )
        for ax in axes.flat:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
        axes[0, 0].set_ylabel("level-1\nheatmap", fontsize="x-small")
        for r in range(rows):
            axes[r + 1, 0].set_ylabel(f"z{r}", fontsize="x-small")
        fig.suptitle(title or "Moving the level-1 heatmap, latents fixed")
        fig.tight_layout()
    return fig


def following_plot(df: pd.DataFrame, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Centroids of the image change and of D's attention against the heatmap centre.

    Args:
        df: rows of :func:`ganlens.methods.eqgan_sa.editing.following` (``axis, target, change,
            attention``); both axes are pooled.
        ax: Axes to draw into; None makes a new figure.
        title: the title.
    """
    with style():
        fig, ax = axes_or_new(ax, figsize=(5.5, 5.0))
        for what, color, label in (
            ("change", FAKE_COLOR, "image-change centroid"),
            ("attention", REAL_COLOR, "D-attention centroid (4x4 GradCAM)"),
        ):
            means = df.groupby("target")[what].agg(["mean", "std"])
            jitter = 0.01 if what == "change" else -0.01
            ax.scatter(df["target"] + jitter * 2, df[what], s=6, alpha=0.25, color=color)
            ax.errorbar(
                means.index + jitter * 2,
                means["mean"],
                yerr=means["std"],
                color=color,
                marker="o",
                capsize=3,
                label=label,
            )
        lim = float(np.abs(df[["target", "change", "attention"]].to_numpy()).max()) * 1.1
        ax.plot([-lim, lim], [-lim, lim], ls=":", color=REF_COLOR, label="follows exactly")
        ax.set_xlabel("level-1 heatmap centre (moved coordinate)")
        ax.set_ylabel("centroid (same coordinate)")
        ax.set_title(title or "Does the image follow the heatmap?")
        ax.legend(fontsize="small", loc="upper left")
    return fig
