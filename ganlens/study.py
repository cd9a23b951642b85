"""Tables of runs: rows (method variants) x columns (datasets) x seeds, trained, measured, summarised.

A paper table is a list of :class:`Cell` s. :func:`run_table` trains (or loads, or resumes) every
cell's run with :func:`ganlens.load_or_train`, evaluates it once (FID-N, KID, DI; cached in the
run directory as ``eval_<N>.json``) and returns one row per seed; :func:`summarize` turns those
into mean +- 95% confidence interval per cell (Student t over seeds). Runs are named by a digest
of their config, so a cell shared by two tables (e.g. EqGAN-SA's full method in Tables 1, 3, 4)
trains once.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from ganlens.checkpoints import atomic_write_text
from ganlens.config import ExperimentConfig
from ganlens.experiment import load_data, load_or_train
from ganlens.runs import Run, RunResult
from ganlens.track.scoring import evaluate_di

# two-sided 95% Student t quantiles for 1..10 degrees of freedom; 2.1 for 11..30 (a slight
# overestimate, conservative) and the normal 1.96 above 30: tables here have 2-5 seeds
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228)


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
    digest = hashlib.sha1(json.dumps(config.to_dict(), sort_keys=True).encode()).hexdigest()[:10]
    classes = "-".join(str(c) for c in config.data.classes or ()) or "all"
    return f"{config.data.name}-{classes}-{config.method.name}-s{config.seed}-{digest}"


def ci95(values: Sequence[float]) -> float:
    """Half-width of the 95% t confidence interval of the mean (NaN for fewer than 2 values)."""
    _, var, n = _mean_var(values)
    return _t95(n - 1) * math.sqrt(var / n) if n >= 2 else math.nan


def _t95(dof: float) -> float:
    """Two-sided 95% t quantile for ``dof`` degrees of freedom (rounded down; 1.96 above 30)."""
    k = max(1, math.floor(dof))
    return _T95[k - 1] if k <= len(_T95) else (1.96 if k > 30 else 2.1)


def _mean_var(values: Sequence[float]) -> tuple[float, float, int]:
    vals = [float(v) for v in values if not math.isnan(float(v))]
    n = len(vals)
    mean = sum(vals) / n if n else math.nan
    var = sum((v - mean) ** 2 for v in vals) / (n - 1) if n > 1 else math.nan
    return mean, var, n


def compare(a: Sequence[float], b: Sequence[float], claim: str = "lower") -> dict[str, Any]:
    """Test a table claim on per-seed values: is row ``a`` lower than row ``b`` (Welch 95% CI)?

    Args:
        a, b: the metric of each seed of the two rows (lower is better for FID, KID and DI).
        claim: ``"lower"`` (the paper says a < b) or ``"not lower"`` (the paper says a brings
            no gain over b).

    Returns:
        ``diff`` (mean a - mean b), ``ci95`` (Welch half-width), ``seeds`` (n_a, n_b) and
        ``verdict``: "reproduced", "not reproduced" or "inconclusive", with the reason.
    """
    if claim not in ("lower", "not lower"):
        raise ValueError(f"claim must be 'lower' or 'not lower', got {claim!r}")
    (ma, va, na), (mb, vb, nb) = _mean_var(a), _mean_var(b)
    diff = ma - mb
    if min(na, nb) < 2:
        hw = math.nan
        verdict = f"inconclusive: {min(na, nb)} seed(s), no confidence interval"
    else:
        se2 = va / na + vb / nb
        dof = (
            se2**2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
            if se2 > 0
            else na + nb - 2
        )
        hw = _t95(dof) * math.sqrt(se2)
        lower, higher = diff + hw < 0, diff - hw > 0
        if claim == "lower":
            verdict = (
                "reproduced"
                if lower
                else "not reproduced: significantly higher"
                if higher
                else "inconclusive: the 95% CI of the difference contains 0"
            )
        else:
            verdict = (
                "not reproduced: significantly lower"
                if lower
                else "reproduced: no significant gain"
            )
    return {"diff": diff, "ci95": hw, "seeds": (na, nb), "verdict": verdict}


def evaluate_run(
    result: RunResult, fid_n: int, seed: int = 0, di_pool: int = 1024, **metric_kw: Any
) -> dict[str, Any]:
    """FID-N, KID, precision/recall and DI of a finished run, cached in its directory.

    With ``fid_n == 0`` only DI is measured (no Inception needed). The cache file
    ``eval_<N>.json`` is reused when it was written with the same seed and DI pool.
    """
    path = result.run.path / f"eval_{fid_n}.json"
    cached = _cached_eval(path, seed, di_pool)
    if cached is not None:
        return cached
    with result.run.lock():  # one process evaluates a run (RunLocked for a second one)
        cached = _cached_eval(path, seed, di_pool)
        return (
            cached
            if cached is not None
            else _evaluate(result, path, fid_n, seed, di_pool, **metric_kw)
        )


def _cached_eval(path: Path, seed: int, di_pool: int) -> dict[str, Any] | None:
    if path.is_file():
        cached = json.loads(path.read_text())
        if cached.get("eval_seed") == seed and cached.get("di_pool") == di_pool:
            return cached
    return None


def _evaluate(
    result: RunResult, path: Path, fid_n: int, seed: int, di_pool: int, **metric_kw: Any
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
    row.update(eval_seed=seed, train_elapsed_s=result.summary.get("train_elapsed_s"))
    atomic_write_text(path, json.dumps(row, indent=2, default=str) + "\n")
    return row


def run_table(
    cells: Iterable[Cell],
    root: str | Path,
    fid_n: int,
    *,
    eval_seed: int = 0,
    progress: bool = False,
    report: bool = True,
    **metric_kw: Any,
) -> pd.DataFrame:
    """Train or load every cell under ``root`` and evaluate it; one row per cell (and seed).

    ``progress`` shows a bar over the cells (and each training run's bar); ``report`` writes
    each new run's report.md; ``metric_kw`` goes to :func:`ganlens.metrics.evaluate` (e.g.
    ``di_pool``).

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
        metrics = evaluate_run(result, fid_n, eval_seed, **metric_kw)
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
