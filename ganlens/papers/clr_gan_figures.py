"""CLR-GAN's figures from per-seed rows: one claim figure per table and metric, and Fig. 4.

Notebook 20 and ``results/clr_gan/cpu_regime/run.py`` draw them with these functions, so a
figure regenerated from committed runs is the one the notebook shows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
from matplotlib.figure import Figure

from ganlens.papers.clr_gan import PAPER, PAPER_METRIC, TABLES, rows_of
from ganlens.runs import Run
from ganlens.viz.curves import realness_compare
from ganlens.viz.tables import claim_figure, seeds_label

NO_PAPER_VALUE = {
    "di_mean": "DI (the paper reports none)",
    "probe_error": "98.8% of a fine-tuned D\n(not a linear probe; not drawn)",
}


def claim_figures(
    per_seed: pd.DataFrame, table: str, metrics: dict[str, str], scale: str, note: str = ""
) -> Iterator[tuple[str, Figure]]:
    """``(metric column, figure)`` per metric: every seed, the paper's value, the effects.

    Args:
        per_seed: rows with ``table``, ``column``, ``row``, ``seed``, the metric columns and
            optionally a boolean ``collapsed``.
        table: ``"table3"`` or ``"fig4"``.
        metrics: our label -> column, e.g. ``{"FD-LeNet-10k": "fd_lenet", "DI": "di_mean"}``.
        scale: the preset the rows ran at (which rows the table has there).
        note: appended to each title (the regime, the seeds).
    """
    part = per_seed[per_seed.table == table]
    rows = [r for r in rows_of(table, scale) if r in set(part.row)]
    if "baseline" not in rows:
        return
    seeds = seeds_label(part)
    for label, metric in metrics.items():
        if metric not in part or part[metric].isna().all():
            continue
        distance = metric not in ("di_mean", "probe_error")  # the paper has FIDs only
        paper = {
            r: PAPER.get((table, "digit3", r), float("nan")) if distance else float("nan")
            for r in rows
        }
        fig = claim_figure(
            part,
            metric,
            paper,
            rows,
            label=label,
            paper_label=PAPER_METRIC if distance else NO_PAPER_VALUE.get(metric, "(none)"),
            title=f"{TABLES[table]['title']}\n{label}, {seeds} seed(s) per row{note}",
        )
        yield metric, fig


def realness_figure(per_seed: pd.DataFrame, scale: str, note: str = "") -> Figure | None:
    """Fig. 4: min D(real) and max D(fake) over training per row of ``fig4``, over its seeds."""
    part = per_seed[per_seed.table == "fig4"]
    histories = {
        row: [Run(r).read_history() for r in part[part.row == row].run]
        for row in rows_of("fig4", scale)
        if row in set(part.row)
    }
    if len(histories) < 2:
        return None
    fig = realness_compare(histories, ema_beta=0.6)
    fig.axes[0].set_title(
        f"CLR-GAN Fig. 4 (ours): min D(real) / max D(fake), mean and 95% band over "
        f"{part.seed.nunique()} seed(s), EMA beta 0.6{note}\npaper (StyleGAN2, LSUN Church): "
        "CLR's gap much smaller than the baseline's, ADA's about the baseline's"
    )
    return fig
