"""Attention-map figures: overlay grids (images x layers) and the robustness/consistency curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ganlens.viz.figure import new_figure
from ganlens.viz.grids import _to_uint8
from ganlens.viz.style import REF_COLOR, axes_or_new, style

CMAP = "inferno"


def _rgb(img: np.ndarray) -> np.ndarray:
    """(C, H, W) uint8 -> (H, W, 3) uint8."""
    return (
        np.repeat(img, 3, axis=0).transpose(1, 2, 0)
        if img.shape[0] == 1
        else img.transpose(1, 2, 0)
    )


def _upsample(m: torch.Tensor, size: tuple[int, int]) -> np.ndarray:
    m = torch.as_tensor(m, dtype=torch.float32)[None, None]
    return torch.nn.functional.interpolate(m, size=size, mode="bilinear", align_corners=False)[
        0, 0
    ].numpy()


def _normalised(m: np.ndarray) -> np.ndarray:
    span = m.max() - m.min()
    return (m - m.min()) / span if span > 0 else np.zeros_like(m)


def overlay_grid(
    images: torch.Tensor,
    maps: Mapping[str, torch.Tensor],
    row_labels: Sequence[str] | None = None,
    alpha: float = 0.55,
    title: str | None = None,
) -> Figure:
    """Rows: images; columns: the image, then each layer's map over it (EqGAN-SA Fig. 2 layout).

    Each map is upsampled bilinearly to the image size and min-max normalised per map for display,
    so colours compare locations within a map, not strengths across maps. Column titles give the
    layer and its own resolution (e.g. "D.blocks.2 (4x4)").

    Args:
        images: (N, C, H, W) float in [-1, 1] or uint8.
        maps: ``{layer: (N, h, w)}``, e.g. the output of :func:`ganlens.probes.gradcam`.
        row_labels: one label per row, e.g. ``["real", "real", "fake", "fake"]``.
        alpha: opacity of the heat map over the image.
        title: figure title.
    """
    imgs = _to_uint8(images)
    n, (h, w) = len(imgs), imgs.shape[-2:]
    for layer, m in maps.items():
        if len(m) != n:
            raise ValueError(f"maps[{layer!r}] has {len(m)} maps for {n} images")
    with style():
        fig = new_figure((1.9 * (len(maps) + 1) + 0.8, 1.9 * n + 0.6))
        axes = np.atleast_2d(fig.subplots(n, len(maps) + 1, squeeze=False))
        mappable = None
        for i in range(n):
            base = _rgb(imgs[i])
            axes[i, 0].imshow(base)
            axes[i, 0].set_ylabel(row_labels[i] if row_labels else f"image {i}")
            for j, (layer, m) in enumerate(maps.items(), start=1):
                axes[i, j].imshow(base)
                if not bool(m[i].detach().abs().amax() > 0):  # nothing to normalise: say so
                    axes[i, j].text(
                        0.5,
                        0.5,
                        "all zero\n(after ReLU)",
                        ha="center",
                        va="center",
                        transform=axes[i, j].transAxes,
                        fontsize=8,
                        color="white",
                        bbox={"facecolor": "black", "alpha": 0.6, "lw": 0},
                        gid="zero-map",
                    )
                    continue
                mappable = axes[i, j].imshow(
                    _normalised(_upsample(m[i].detach().cpu(), (h, w))),
                    cmap=CMAP,
                    alpha=alpha,
                    vmin=0,
                    vmax=1,
                )
                if i == 0:
                    axes[i, j].set_title(f"{layer}\n({m.shape[-2]}x{m.shape[-1]})", fontsize=9)
        axes[0, 0].set_title("image", fontsize=9)
        for ax in axes.flat:
            ax.set_xticks([])
            ax.set_yticks([])
        if mappable is not None:
            fig.colorbar(mappable, ax=axes, shrink=0.6, label="attention (min-max per map)")
        if title:
            fig.suptitle(title)
    return fig


def _agreement_plot(df: pd.DataFrame, x: str, xlabel: str, title: str, ax: Axes | None) -> Figure:
    for col in (x, "layer", "pearson", "top20_overlap"):
        if col not in df:
            raise ValueError(f"the table needs a {col!r} column; it has {list(df.columns)}")
    with style():
        fig, ax = axes_or_new(ax, (8.0, 4.8))
        stats = df.groupby(["layer", x]).agg(
            mean=("pearson", "mean"),
            sd=("pearson", "std"),
            n=("pearson", "size"),
            top=("top20_overlap", "mean"),
        )
        for layer, sub in stats.groupby(level=0, sort=False):
            xs = sub.index.get_level_values(x).to_numpy(dtype=float)
            ci = 1.96 * sub["sd"].fillna(0).to_numpy() / np.sqrt(sub["n"].to_numpy())
            line = ax.plot(xs, sub["mean"], marker="o", label=f"{layer}: Pearson r")[0]
            ax.fill_between(
                xs, sub["mean"] - ci, sub["mean"] + ci, color=line.get_color(), alpha=0.15
            )
            ax.plot(
                xs,
                sub["top"],
                marker="s",
                linestyle="--",
                color=line.get_color(),
                label=f"{layer}: top-20% overlap",
            )
        ax.set_xlabel(xlabel)
        ax.set_ylabel("agreement with the reference map")
        ax.set_ylim(min(-0.05, float(stats["mean"].min()) - 0.05), 1.05)
        ax.set_title(title)
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig


def robustness_plot(
    df: pd.DataFrame,
    ax: Axes | None = None,
    control: pd.DataFrame | None = None,
    criterion: float | None = None,
) -> Figure:
    """Agreement of noisy-image maps with clean ones vs noise std (EqGAN-SA Fig. 7, top).

    Args:
        df: the table from :func:`ganlens.probes.analysis.robustness`; bands are 95% CIs over images.
        control: the same table of a control D (e.g. untrained): its top-20% overlap is drawn as
            hollow markers in each layer's colour.
        criterion: a top-20% overlap threshold to draw (e.g. 0.5), labelled.
    """
    fig = _agreement_plot(
        df,
        "sigma",
        "Gaussian noise std (images in [-1, 1])",
        "Robustness of D's attention to noise",
        ax,
    )
    ax = fig.axes[0]
    with style():
        if control is not None:
            colors = {line.get_label().split(":")[0]: line.get_color() for line in ax.lines}
            means = control.groupby(["layer", "sigma"]).top20_overlap.mean()
            for (layer, sigma), value in means.items():
                ax.scatter(
                    [sigma],
                    [value],
                    s=70,
                    facecolors="none",
                    linewidths=1.6,
                    edgecolors=colors.get(layer, REF_COLOR),
                    marker="D",
                    zorder=5,
                    label=f"{layer}: untrained-D control (top-20%)",
                    gid="control",
                )
        if criterion is not None:
            ax.axhline(
                criterion,
                color=REF_COLOR,
                linestyle=":",
                linewidth=1.2,
                label=f"criterion: top-20% overlap > {criterion:g}",
            )
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig


def consistency_plot(df: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """Agreement of each checkpoint's maps with the final ones (EqGAN-SA Fig. 7, bottom).

    Args:
        df: the table from :func:`ganlens.probes.analysis.consistency`; bands are 95% CIs over images.
    """
    return _agreement_plot(
        df,
        "step",
        "generator step of the checkpoint",
        "Consistency of D's attention over training",
        ax,
    )
