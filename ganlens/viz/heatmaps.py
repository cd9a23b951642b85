"""Figures of EqGAN-SA's heatmap editing: the sweep (Fig. 5), the swap grid (Fig. 6), and whether
the image follows the heatmap. Levels carry the paper's names: level 0 is the 4x4 heatmap with
one centre, level 1 the 8x8 with two, level 2 the 16x16 with four (the code's levels 1-3)."""

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

PAPER_LEVELS = ("level 0 (4×4)", "level 1 (8×8)", "level 2 (16×16)")


def _show_image(ax: Axes, image: np.ndarray) -> None:
    """Draw one uint8 (C, H, W) image, grey for one channel."""
    img = image.transpose(1, 2, 0)
    ax.imshow(
        img[..., 0] if img.shape[-1] == 1 else img, cmap="gray" if img.shape[-1] == 1 else None
    )


def _bare(axes: np.ndarray) -> None:
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)


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
                _show_image(axes[r + 1, p], pix[r])
        _bare(axes)
        axes[0, 0].set_ylabel(f"{PAPER_LEVELS[0]}\nheatmap", fontsize="x-small")
        for r in range(rows):
            axes[r + 1, 0].set_ylabel(f"latent z{r}", fontsize="x-small")
        fig.suptitle(title or f"Moving the {PAPER_LEVELS[0]} heatmap, latents fixed")
        fig.tight_layout()
    return fig


def swap_grid_figure(
    grid: torch.Tensor, heatmaps: torch.Tensor, n_latents: int, title: str | None = None
) -> Figure:
    """Fig. 6: each row's heatmap as a thumbnail, then its images; a column shares a latent.

    Args:
        grid: (R * n_latents, C, H, W) in [-1, 1] from
            :func:`ganlens.methods.eqgan_sa.editing.swap_grid`.
        heatmaps: (R, 7, H, W) from :func:`~ganlens.methods.eqgan_sa.editing.swap_grid_heatmaps`;
            the thumbnail is the maximum over all seven centres (levels 0-2).
        n_latents: images per row.
        title: figure title.
    """
    n_rows = heatmaps.shape[0]
    if grid.shape[0] != n_rows * n_latents:
        raise ValueError(
            f"grid has {grid.shape[0]} images; {n_rows} heatmaps x {n_latents} latents need "
            f"{n_rows * n_latents}"
        )
    pix = _to_uint8(grid)
    with style():
        fig = new_figure((1.3 * (n_latents + 1), 1.3 * n_rows + 0.8), layout=None)
        axes = fig.subplots(n_rows, n_latents + 1, squeeze=False)
        for r in range(n_rows):
            thumb = heatmaps[r].amax(dim=0).numpy()
            axes[r, 0].imshow(thumb, cmap="magma", vmin=0, vmax=max(float(thumb.max()), 1e-6))
            axes[r, 0].set_ylabel(f"heatmap {r}", fontsize="x-small")
            for c in range(n_latents):
                _show_image(axes[r, c + 1], pix[r * n_latents + c])
        axes[0, 0].set_title("its heatmap\n(levels 0-2)", fontsize="x-small")
        for c in range(n_latents):
            axes[0, c + 1].set_title(f"latent z{c}", fontsize="x-small")
        _bare(axes)
        fig.suptitle(title or "Rows share a heatmap, columns share a latent")
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
        ax.set_xlabel(f"{PAPER_LEVELS[0]} heatmap centre (moved coordinate)")
        ax.set_ylabel("centroid (same coordinate)")
        ax.set_title(title or "Does the image follow the heatmap?")
        ax.legend(fontsize="small", loc="upper left")
    return fig
