"""The claim figures of EqGAN-SA's tables: one per table column and metric, from per-seed rows.

Notebook 11 and the committed-results scripts (``results/eqgan_sa_tables/*/``) draw them with
this one function, so a figure regenerated from a CSV is the figure the notebook shows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
from matplotlib.figure import Figure

from ganlens.papers.eqgan_sa import COLUMNS, PAPER, TABLES
from ganlens.viz.tables import claim_figure, seeds_label

PAPER_METRICS = ("FID-50k", "DI")  # what the two numbers of each PAPER entry are


def paper_metric(label: str) -> int:
    """Index into a PAPER entry for our metric ``label``: DI is DI, any distance faces FID-50k."""
    return 1 if label == "DI" else 0


def claim_figures(
    per_seed: pd.DataFrame, table: str, metrics: dict[str, str], note: str = ""
) -> Iterator[tuple[str, str, Figure]]:
    """``(column, metric column, figure)`` for each column of ``table`` in ``per_seed``.

    Args:
        per_seed: rows with ``table``, ``column``, ``row``, ``seed``, the metric columns and
            optionally a boolean ``collapsed``.
        table: e.g. ``"table2"``.
        metrics: our label -> column, e.g. ``{"FD-LeNet": "fd_lenet", "DI": "di_mean"}``.
        note: appended to each title (scale, seeds, precision).
    """
    spec = TABLES[table]
    part_of_table = per_seed[per_seed.table == table]
    for column in dict.fromkeys(part_of_table.column):
        part = part_of_table[part_of_table.column == column]
        if "baseline" not in set(part.row):
            continue
        stands_for = COLUMNS[column][1].split(" (")[0]
        seeds = seeds_label(part)
        rows = [*spec["rows"], *(r for r in dict.fromkeys(part.row) if r not in spec["rows"])]
        for label, metric in metrics.items():
            if metric not in part or part[metric].isna().all():
                continue
            index = paper_metric(label)
            paper = {r: PAPER.get((table, column, r), (float("nan"),) * 2)[index] for r in rows}
            fig = claim_figure(
                part,
                metric,
                paper,
                rows,
                label=label,
                paper_label=f"{PAPER_METRICS[index]}, {stands_for}",
                title=f"{spec['title']}\n{label} on {column} (stands in for {stands_for}), "
                f"{seeds} seed(s) per row{note}",
            )
            yield column, metric, fig
