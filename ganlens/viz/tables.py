"""A paper table beside ours: each row's change relative to the baseline, ours with a 95% CI."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ganlens.viz.style import FAKE_COLOR, REF_COLOR, axes_or_new, style

PAPER_COLOR = "#999999"


def relative_change(
    summary: pd.DataFrame,
    metric: str,
    paper: dict[str, float],
    rows: Sequence[str],
    baseline: str = "baseline",
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Bars of (row - baseline) / baseline in %, the paper's grey, ours coloured with a 95% CI.

    Our CI is the half-width of the row's CI divided by the baseline mean (the baseline's own
    uncertainty is ignored: the bars show the direction and rough size of each effect, which is
    what can be compared across scales; absolute FIDs cannot).

    Args:
        summary: rows of :func:`ganlens.study.summarize` for one table column, with ``row``,
            ``<metric>_mean`` and ``<metric>_ci95``.
        metric: e.g. ``"fid_500"`` or ``"di_mean"``.
        paper: the paper's value per row name.
        rows: the rows to draw (the baseline is the zero line).
        baseline: the reference row.
        ax: Axes to draw into; None makes a new figure.
        title: the title.
    """
    ours = summary.set_index("row")
    base = float(ours.loc[baseline, f"{metric}_mean"])
    shown = [r for r in rows if r != baseline]
    x = np.arange(len(shown))
    with style():
        fig, ax = axes_or_new(ax, figsize=(1.6 + 1.5 * len(shown), 4.2))
        paper_rel = [100 * (paper[r] - paper[baseline]) / abs(paper[baseline]) for r in shown]
        ours_rel = [100 * (float(ours.loc[r, f"{metric}_mean"]) - base) / abs(base) for r in shown]
        ours_ci = [100 * float(ours.loc[r, f"{metric}_ci95"]) / abs(base) for r in shown]
        ax.bar(x - 0.2, paper_rel, 0.38, color=PAPER_COLOR, label="paper")
        ax.bar(
            x + 0.2,
            ours_rel,
            0.38,
            color=FAKE_COLOR,
            label="ours (95% CI)",
            yerr=np.nan_to_num(ours_ci),
            capsize=4,
        )
        ax.axhline(0, color=REF_COLOR, lw=0.8)
        ax.set_xticks(x, shown)
        ax.set_ylabel(f"change vs {baseline} (%), lower is better")
        ax.set_title(title or f"{metric}: change relative to the {baseline}")
        ax.legend(fontsize="small")
    return fig
