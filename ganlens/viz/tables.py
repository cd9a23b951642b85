"""A paper table's rows beside ours: absolute values with every seed, and each row's difference.

One figure per table column and metric, three panels:

1. **ours**: every seed as a point (collapsed seeds as red crosses), the mean with its 95% t
   interval;
2. **the paper**: its value per row, on its own axis (the scales differ and are never mixed);
3. **effect vs the baseline**: ours as the difference of means with the Welch 95% interval of
   that difference (:func:`ganlens.stats.compare`), the paper's difference beside it as a grey
   marker on a twin axis. Percent changes are shown only when both baselines are positive; DI
   (which is negative or crosses zero at our scale) is always an absolute difference.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ganlens.stats import ci95, compare, mean_var
from ganlens.viz.figure import LensFigure
from ganlens.viz.style import FAKE_COLOR, REF_COLOR, style

PAPER_COLOR = "#999999"
COLLAPSE_COLOR = "#CC0000"


def seeds_label(per_seed: pd.DataFrame) -> str:
    """How many seeds each row has, for a title: ``"6"``, or ``"4-6"`` when rows differ."""
    per_row = per_seed.groupby("row").seed.nunique()
    low, high = per_row.min(), per_row.max()
    return f"{low}" if low == high else f"{low}-{high}"


def claim_figure(
    per_seed: pd.DataFrame,
    metric: str,
    paper: dict[str, float],
    rows: Sequence[str],
    *,
    label: str | None = None,
    baseline: str = "baseline",
    title: str = "",
    percent: bool | None = None,
    paper_label: str | None = None,
) -> Figure:
    """Ours (per seed, mean ± 95% CI), the paper's values, and each row's effect vs ``baseline``.

    Args:
        per_seed: one table column's per-seed rows (``row``, ``seed``, ``metric`` and optionally
            a boolean ``collapsed``).
        metric: the column to draw, e.g. ``"fd_lenet"`` or ``"di_mean"``.
        paper: the paper's value per row name (NaN where it has none).
        rows: the rows in order (the baseline among them).
        label: the metric's name on the axes (default ``metric``).
        baseline: the reference row of the effects.
        title: the figure title (say which dataset and scale).
        percent: effects in % of the baseline; default: only when both baselines are > 0.
        paper_label: what the paper's numbers are, on its axis (e.g. ``"FID-50k, CIFAR-10"``
            when ours is a stand-in metric); default ``label``.

    Returns:
        A figure with three axes (ours, paper, effect).
    """
    label = label or metric
    rows = [r for r in rows if r in set(per_seed.row)]
    values = {r: per_seed[per_seed.row == r][metric].astype(float).to_numpy() for r in rows}
    flags = {
        r: per_seed[per_seed.row == r]["collapsed"].astype(bool).to_numpy()
        if "collapsed" in per_seed
        else np.zeros(len(values[r]), bool)
        for r in rows
    }
    ours_base = mean_var(values[baseline])[0] if baseline in values else np.nan
    paper_base = paper.get(baseline, np.nan)
    if percent is None:
        percent = bool(ours_base > 0 and paper_base > 0)
    with style():
        fig = LensFigure(figsize=(5.0 + 2.0 * len(rows), 4.4))
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.2, 0.8, 1.2]})
        _ours(axes[0], rows, values, flags, label)
        _paper(axes[1], rows, paper, paper_label or label)
        _effects(axes[2], rows, values, paper, baseline, percent, label)
        fig.suptitle(title)
        fig.tight_layout()
    return fig


def _ours(ax, rows, values, flags, label) -> None:
    x = np.arange(len(rows))
    jitter = np.random.default_rng(0)
    for i, r in enumerate(rows):
        v, f = values[r], flags[r]
        dx = jitter.uniform(-0.12, 0.12, len(v))
        ax.scatter(i + dx[~f], v[~f], s=16, color=FAKE_COLOR, alpha=0.6, zorder=2)
        ax.scatter(i + dx[f], v[f], s=30, color=COLLAPSE_COLOR, marker="x", zorder=3)
        ax.errorbar(
            i + 0.25,
            v.mean() if len(v) else np.nan,
            yerr=np.nan_to_num(ci95(v)),
            fmt="o",
            color="black",
            capsize=4,
            zorder=4,
        )
    ax.scatter([], [], s=16, color=FAKE_COLOR, label="one seed")
    ax.scatter([], [], s=30, color=COLLAPSE_COLOR, marker="x", label="collapsed seed")
    ax.errorbar([], [], yerr=[], fmt="o", color="black", capsize=4, label="mean ± 95% CI")
    ax.set_xticks(x, rows, rotation=20, ha="right")
    ax.set_ylabel(f"{label} (ours)")
    ax.set_title("ours: every seed")
    ax.legend(fontsize="x-small")


def _paper(ax, rows, paper, label) -> None:
    x = np.arange(len(rows))
    values = [paper.get(r, np.nan) for r in rows]
    ax.set_xticks(x, rows, rotation=20, ha="right")
    ax.set_ylabel(f"paper: {label}")
    ax.set_title("paper (one run each)")
    if not np.isfinite(values).any():  # an empty axis with ticks would look like zeros
        ax.set_yticks([])
        ax.text(
            0.5,
            0.5,
            "no number\nin the paper",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=PAPER_COLOR,
            gid="no-paper-values",
        )
        return
    ax.bar(x, values, 0.6, color=PAPER_COLOR)


def _value_label(ax, x: float, y: float, percent: bool, color: str) -> None:
    """The number beside an effect marker (a paper effect of -29% is invisible beside +5800%)."""
    if np.isfinite(y):
        text = f"{y:+.0f}%" if percent else f"{y:+.3g}"
        ax.annotate(
            text,
            (x, y),
            xytext=(5, 7),
            textcoords="offset points",
            fontsize="x-small",
            color=color,
            va="center",
            ha="left",
        )


def _effects(ax, rows, values, paper, baseline, percent, label) -> None:
    shown = [r for r in rows if r != baseline]
    x = np.arange(len(shown))
    base = mean_var(values[baseline])[0]
    scale = 100 / abs(base) if percent else 1.0
    for i, r in enumerate(shown):
        res = compare(values[r], values[baseline])
        _value_label(ax, i + 0.15, res["diff"] * scale, percent, FAKE_COLOR)
        ax.errorbar(
            i + 0.15,
            res["diff"] * scale,
            yerr=np.nan_to_num(res["ci95"] * scale),
            fmt="o",
            color=FAKE_COLOR,
            capsize=4,
            label="ours: Welch 95% CI" if i == 0 else None,
        )
    paper_base = paper.get(baseline, np.nan)
    paper_diff = [paper.get(r, np.nan) - paper_base for r in shown]
    twin = None
    if not np.isfinite(paper_diff).any():  # no paper values: no paper axis
        ax.set_ylabel(f"{label}: row − {baseline} (ours)")
    elif percent:
        for i, d in enumerate(paper_diff):
            _value_label(ax, i - 0.15, 100 * d / abs(paper_base), True, PAPER_COLOR)
        ax.scatter(
            x - 0.15,
            [100 * d / abs(paper_base) for d in paper_diff],
            marker="s",
            color=PAPER_COLOR,
            label="paper",
        )
        ax.set_ylabel(f"change vs {baseline} (% of it)")
    else:
        twin = ax.twinx()
        twin.scatter(
            x - 0.15, paper_diff, marker="s", color=PAPER_COLOR, label="paper (right axis)"
        )
        for i, d in enumerate(paper_diff):
            _value_label(twin, i - 0.15, d, False, PAPER_COLOR)
        twin.set_ylabel("paper: difference", color=PAPER_COLOR)
        for axis in (ax, twin):  # both symmetric about 0, so the zero lines coincide
            top = max(abs(v) for v in axis.get_ylim()) or 1.0
            axis.set_ylim(-1.3 * top, 1.3 * top)  # room for the legend above the markers
        ax.set_ylabel(f"{label}: row − {baseline} (ours)")
    ax.axhline(0, color=REF_COLOR, lw=0.8)
    ax.set_xticks(x, shown, rotation=20, ha="right")
    ax.set_xlim(-0.6, len(shown) - 0.4)
    ax.set_title(f"effect vs {baseline} (below 0: lower)")
    handles = ax.get_legend_handles_labels()[0]
    if twin is not None:
        handles += twin.get_legend_handles_labels()[0]
    ax.legend(handles=handles, fontsize="x-small", loc="upper left")
