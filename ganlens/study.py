"""Tables of runs: rows (method variants) x columns (datasets) x seeds, trained, measured, summarised.

A paper table is a list of :class:`Cell` s. :func:`run_table` trains (or loads, or resumes) every
cell's run with :func:`ganlens.load_or_train`, evaluates it once (FID-N, KID, DI; cached in the
run directory as ``eval_<N>.json``) and returns one row per seed; :func:`summarize` turns those
into mean +- 95% confidence interval per cell (exact Student t over seeds) and
:func:`ganlens.stats.compare` tests a claim between two rows. Runs are named by a digest
of their config, so a cell shared by two tables (e.g. EqGAN-SA's full method in Tables 1, 3, 4)
trains once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm.auto import tqdm

from ganlens.checkpoints import atomic_write_text
from ganlens.config import ExperimentConfig
from ganlens.experiment import load_data, load_or_train
from ganlens.runs import Run, RunResult
from ganlens.stats import ci95, compare, mean_var, premise_absent
from ganlens.track.scoring import evaluate_di

if TYPE_CHECKING:
    from ganlens.metrics.classifier import FeatureNet


@dataclass(frozen=True)
class Cell:
    """One trained model of a table: which row, column and seed it is, and its config."""

    table: str
    row: str
    column: str
    seed: int
    config: ExperimentConfig


def run_name(config: ExperimentConfig) -> str:
    """A readable, unique run-directory name: data, classes, method, seed and a config digest."""
    classes = "-".join(str(c) for c in config.data.classes or ()) or "all"
    return f"{config.data.name}-{classes}-{config.method.name}-s{config.seed}-{config.digest()}"


def evaluate_run(
    result: RunResult,
    fid_n: int,
    seed: int = 0,
    di_pool: int = 1024,
    fd: FeatureNet | None = None,
    fd_n: int = 10_000,
    **metric_kw: Any,
) -> dict[str, Any]:
    """FID-N, KID, precision/recall, DI and a classifier FD of a finished run, cached in its
    directory.

    With ``fid_n == 0`` Inception is not used (DI only, plus the FD when asked). ``eval_<N>.json``
    is reused when it was written with the same seed and DI pool; with ``fd`` (e.g. the LeNet of
    :func:`ganlens.metrics.classifier.load_or_train_classifier`) the ``fd_<arch>*`` columns of
    :func:`ganlens.metrics.classifier.evaluate_features` on ``fd_n`` samples are added, cached in
    ``eval_fd_<arch>_<fd_n>.json`` for that classifier and seed.
    """
    row = _cached_or_measured(
        result,
        f"eval_{fid_n}.json",
        {"eval_seed": seed, "di_pool": di_pool},
        lambda: _evaluate(result, fid_n, seed, di_pool, **metric_kw),
    )
    if fd is None:
        return row
    from ganlens.metrics.classifier import evaluate_features

    data = load_data(result.config)
    features = _cached_or_measured(
        result,
        f"eval_fd_{fd.recipe.arch}_{fd_n}.json",
        {"eval_seed": seed, "classifier": fd.path.name},
        lambda: evaluate_features(result.lens, data, fd, n=fd_n, seed=seed, G=result.G_ema),
    )
    return {**row, **{k: v for k, v in features.items() if k not in ("eval_seed", "classifier")}}


def _cached_or_measured(
    result: RunResult, name: str, key: dict[str, Any], measure: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The cached measurement ``name`` of the run if its ``key`` matches, else measured now."""
    path = result.run.path / name

    def cached() -> dict[str, Any] | None:
        if path.is_file():
            found = json.loads(path.read_text())
            if all(found.get(k) == v for k, v in key.items()):
                return found
        return None

    found = cached()
    if found is not None:
        return found
    with result.run.lock():  # one process evaluates a run (RunLocked for a second one)
        found = cached()
        if found is not None:
            return found
        row = {**measure(), **key}
        atomic_write_text(path, json.dumps(row, indent=2, default=str) + "\n")
        return row


def _evaluate(
    result: RunResult, fid_n: int, seed: int, di_pool: int, **metric_kw: Any
) -> dict[str, Any]:
    data = load_data(result.config)
    if fid_n:
        from ganlens.metrics import evaluate  # needs the metrics extra and the Inception file

        row = (
            evaluate(
                result.lens, data, n=fid_n, seed=seed, G=result.G_ema, di_pool=di_pool, **metric_kw
            )
            .iloc[0]
            .to_dict()
        )
    else:
        di = evaluate_di(result.lens, data, pool=di_pool, seed=seed, G=result.G_ema)
        row = {"di_mean": di.mean, "di_std": di.std, "di_pool": di_pool}
    row.update(train_elapsed_s=result.summary.get("train_elapsed_s"))
    return row


def run_table(
    cells: Iterable[Cell],
    root: str | Path,
    fid_n: int,
    *,
    eval_seed: int = 0,
    progress: bool = False,
    report: bool = True,
    fd: FeatureNet | dict[str, FeatureNet] | None = None,
    **metric_kw: Any,
) -> pd.DataFrame:
    """Train or load every cell under ``root`` and evaluate it; one row per cell (and seed).

    ``progress`` shows a bar over the cells (and each training run's bar); ``report`` writes
    each new run's report.md; ``fd`` is a classifier for :func:`evaluate_run`'s FD, or one per
    dataset name (``{"mnist5k": lenet}``: cells of other datasets get none); ``metric_kw`` goes
    to :func:`evaluate_run` (``di_pool``, ``fd_n``) and from there to
    :func:`ganlens.metrics.evaluate`.

    Returns:
        Columns ``table, row, column, seed, run``, the metric columns of :func:`evaluate_run`
        and ``train_elapsed_s``.
    """
    rows = []
    cells = list(cells)
    bar = tqdm(cells, desc="table cells", unit="cell", disable=not progress, dynamic_ncols=True)
    for cell in bar:
        bar.set_postfix_str(f"{cell.table} {cell.row} / {cell.column} seed {cell.seed}")
        if fid_n and "extractor" not in metric_kw and not _cached(cell, root, fid_n):
            from ganlens.metrics import load_extractor  # loaded once for the whole table

            metric_kw["extractor"] = load_extractor()
        result = load_or_train(
            cell.config, Path(root) / run_name(cell.config), progress=progress, report=report
        )
        net = fd.get(cell.config.data.name) if isinstance(fd, dict) else fd
        metrics = evaluate_run(result, fid_n, eval_seed, fd=net, **metric_kw)
        # metrics carry the *evaluation* seed as "seed" too: the cell's training seed wins
        rows.append(
            {
                "table": cell.table,
                "row": cell.row,
                "column": cell.column,
                "seed": cell.seed,
                "run": str(result.run.path),
                **{k: v for k, v in metrics.items() if k not in _CELL_KEYS},
            }
        )
    return pd.DataFrame(rows)


_CELL_KEYS = ("table", "row", "column", "seed", "run")


def _cached(cell: Cell, root: str | Path, fid_n: int) -> bool:
    return (Path(root) / run_name(cell.config) / f"eval_{fid_n}.json").is_file()


def finished(cells: Iterable[Cell], root: str | Path) -> list[bool]:
    """Whether each cell's run has finished under ``root`` (its summary.json exists)."""
    return [Run(Path(root) / run_name(c.config)).summary_path.is_file() for c in cells]


def summarize(
    per_seed: pd.DataFrame, metrics: Sequence[str], by: Sequence[str] = ("table", "column", "row")
) -> pd.DataFrame:
    """Mean, 95% CI half-width and number of seeds of each metric per cell.

    Returns:
        One row per ``by`` group with ``<metric>_mean``, ``<metric>_ci95`` and ``seeds``; the
        groups keep their first-appearance order.
    """
    out = []
    for keys, group in per_seed.groupby(list(by), sort=False):
        row = dict(zip(by, keys if isinstance(keys, tuple) else (keys,)))
        for m in metrics:
            vals = group[m].astype(float).tolist()
            row[f"{m}_mean"] = sum(vals) / len(vals)
            row[f"{m}_ci95"] = ci95(vals)
        row["seeds"] = len(group)
        out.append(row)
    return pd.DataFrame(out)


def mean_ci(mean: float, ci: float, digits: int = 2) -> str:
    """``"16.93 ± 0.41"`` (or just the mean when the CI is NaN)."""
    if math.isnan(ci):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {ci:.{digits}f}"


MARGIN_REL = 0.10  # equivalence margin of a "no gain" claim: 10% of the baseline row's mean


def claim_verdicts(
    part: pd.DataFrame,
    claims: Sequence[tuple[str, str, str]],
    metrics: dict[str, str],
    *,
    margin_rel: float = MARGIN_REL,
    di_metric: str = "di_mean",
    baseline: str = "baseline",
) -> pd.DataFrame:
    """Test each claim ``(row a, row b, "lower" | "not lower")`` on each metric of one column.

    Args:
        part: per-seed rows of one table column (``row``, ``seed``, the metric columns and, when
            present, a boolean ``collapsed`` column).
        claims: the paper's claims, e.g. ``ganlens.papers.eqgan_sa.CLAIMS["table3"]``.
        metrics: label -> column, e.g. ``{"FD-LeNet": "fd_lenet", "DI": "di_mean"}``.
        margin_rel: a "not lower" claim's equivalence margin as a share of row b's |mean|.
        di_metric: the DI column; its verdict is "premise absent" when the ``baseline`` row's
            mean DI is <= 0 (no disequilibrium to reduce).

    Returns:
        One row per claim and metric: ``claim`` (in words), ``metric`` (the label), ``a``,
        ``b``, ``diff``, ``ci95``, ``mde``, ``margin``,
        ``seeds``, ``collapsed``, ``test`` and ``verdict``.
    """
    out = []
    for a, b, claim in claims:
        if not {a, b} <= set(part.row):
            continue
        rows = {r: part[part.row == r].sort_values("seed") for r in (a, b)}
        for label, column in metrics.items():
            values = {r: rows[r][column].astype(float).tolist() for r in (a, b)}
            margin = margin_rel * abs(mean_var(values[b])[0]) if claim == "not lower" else None
            flags = {
                r: rows[r]["collapsed"].astype(bool).tolist() if "collapsed" in part else None
                for r in (a, b)
            }
            if margin is not None and not margin > 0:
                raise ValueError(
                    f"no equivalence margin for {a!r} not < {b!r} on {column}: row {b!r} has "
                    f"mean {mean_var(values[b])[0]!r}; a relative margin needs a nonzero baseline"
                )
            res = compare(
                values[a],
                values[b],
                claim,
                margin=margin,
                collapsed_a=flags[a],
                collapsed_b=flags[b],
            )
            if column == di_metric:
                premise = premise_absent(part[part.row == baseline][column].astype(float).tolist())
                if premise:
                    res["verdict"] = f"{premise}; the statistics: {res['verdict']}"
            sign = "<" if claim == "lower" else "not <"
            out.append(
                {"claim": f"{label}: {a} {sign} {b}", "metric": label, "a": a, "b": b, **res}
            )
    return pd.DataFrame(out)


__all__ = [
    "MARGIN_REL",
    "Cell",
    "ci95",
    "claim_verdicts",
    "compare",
    "evaluate_run",
    "finished",
    "mean_ci",
    "run_name",
    "run_table",
    "summarize",
]
