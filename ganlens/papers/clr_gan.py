"""CLR-GAN's tables and Fig. 4 as ganlens cells: rows, columns, the paper's numbers, our claims.

CLR-GAN (Zhang et al., ECCV 2024, ``../shared/papers/clr-gan.txt``). Every row of a table trains
with the same budget: the column's preset with the row's changes (a method, an augmentation).
At ``cpu`` the one column is the cpu regime of issue 14 (``limited-digit3``: 200 MNIST-5k threes,
DCGAN width 16, non-saturating loss, 3,000 steps), where D dominates the baseline (DI > 0) and
G learns. The paper's DCGAN numbers are FID-20k on CIFAR-10 at 32 px; ours are FD-LeNet-10k
against the 200 training threes: the paper's values are printed beside ours for the direction of
each effect, never its size.

Rows: ``baseline`` (lambda1 = lambda2 = 0; Table 1's "DCGAN", the ns loss), ``CLR`` (the code's lambda1 = 5, lambda2 = 0.5,
MSE), ``CLR (L1)`` (the same weights with the paper's L1), ``CLR (1, 0)`` / ``CLR (0, 1)``
(Table 3's single-term rows) and ``ADA`` (the comparator of Table 2 and Fig. 4:
:mod:`ganlens.train.augment`, target r_t 0.6; ``ada_kimg`` = 100 instead of ADA's 500, because
our runs show D 192k images, not 25M: p can then move from 0 to 1 within half the run);
Table 1's objectives ``HingeGAN``, ``LSGAN``, ``WGAN`` (weight clipping at 0.01) and ``WGAN-GP``
(lambda 10) train with the preset's Adam settings and one D step per G step, like every other
row (the paper does not give its per-objective settings); Realness GAN and AdaptiveMix are left
out (not implemented).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ganlens.data import load
from ganlens.experiment import build_lens, load_data, load_lens
from ganlens.methods.clr_gan import CLRGANConfig
from ganlens.presets import get_preset
from ganlens.probes.linear import linear_probe
from ganlens.runs import Run
from ganlens.study import Cell, run_name, run_table
from ganlens.train.method import MethodConfig

ADA = {"augment": "ada", "ada_kimg": 100.0}  # p starts at 0 (ADA's default)

# row name -> the changes to the column's preset
VARIANTS: dict[str, dict[str, Any]] = {
    "baseline": {"method": MethodConfig()},
    "CLR": {"method": CLRGANConfig()},
    "CLR (L1)": {"method": CLRGANConfig(distance="l1")},
    "CLR (1, 0)": {"method": CLRGANConfig(lambda1=1.0, lambda2=0.0)},
    "CLR (0, 1)": {"method": CLRGANConfig(lambda1=0.0, lambda2=1.0)},
    "ADA": {"method": MethodConfig(), **ADA},
    "ADA+CLR": {"method": CLRGANConfig(), **ADA},
    # Table 1's learning objectives, each on the same DCGAN, data and budget (Adam, n_dis = 1)
    "HingeGAN": {"method": MethodConfig(), "loss": "hinge"},
    "LSGAN": {"method": MethodConfig(), "loss": "lsgan"},
    "WGAN": {"method": MethodConfig(), "loss": "wgan"},
    "WGAN-GP": {"method": MethodConfig(), "loss": "wgan-gp"},
}

# column name -> (preset, what it stands in for)
COLUMNS: dict[str, tuple[str, str]] = {
    "digit3": (
        "limited-digit3",
        "CIFAR-10 32 px (Tables 1, 3) / LSUN Church (Fig. 4), in the cpu regime: 200 MNIST-5k threes",
    ),
}

TABLES: dict[str, dict[str, Any]] = {
    "table1": {
        # left out: Realness GAN (Obj. 1-3) and AdaptiveMix, methods ganlens does not implement
        "title": "CLR-GAN Table 1: learning objectives on DCGAN (baseline = DCGAN's ns loss)",
        "rows": ["baseline", "HingeGAN", "LSGAN", "WGAN", "WGAN-GP", "CLR"],
        "columns": ["digit3"],
    },
    "table3": {
        "title": "CLR-GAN Table 3: the loss weights (lambda1, lambda2), DCGAN",
        "rows": ["baseline", "CLR (1, 0)", "CLR (0, 1)", "CLR", "CLR (L1)"],
        "rows_at": {"cpu": ["baseline", "CLR (1, 0)", "CLR (0, 1)", "CLR", "CLR (L1)"]},
        "columns": ["digit3"],
    },
    "table4": {
        # the paper's 98.8% is a fine-tuned D (its text), not a linear probe: not comparable
        "title": "CLR-GAN Table 4: a linear probe of D's frozen features (MNIST-5k, 10 classes)",
        "rows": ["random D", "baseline", "CLR"],
        "columns": ["digit3"],
    },
    "fig4": {
        "title": "CLR-GAN Fig. 4: the realness gap, baseline vs ADA vs CLR",
        "rows": ["baseline", "ADA", "CLR"],
        "columns": ["digit3"],
    },
}

# (table, column, row) -> the paper's FID (Tables 1 and 3, CIFAR-10 at 32 px, DCGAN, FID-20k)
PAPER: dict[tuple[str, str, str], float] = {
    ("table1", "digit3", "baseline"): 38.56,
    ("table1", "digit3", "HingeGAN"): 42.4,
    ("table1", "digit3", "LSGAN"): 42.01,
    ("table1", "digit3", "WGAN"): 55.96,
    ("table1", "digit3", "WGAN-GP"): 41.86,
    ("table1", "digit3", "CLR"): 23.3,
    ("table3", "digit3", "baseline"): 38.56,
    ("table3", "digit3", "CLR (1, 0)"): 25.15,
    ("table3", "digit3", "CLR (0, 1)"): 26.09,
    ("table3", "digit3", "CLR"): 23.3,  # the paper's text: L1; its code: MSE
    ("table3", "digit3", "CLR (L1)"): 23.3,
}
PAPER_METRIC = "FID-20k, CIFAR-10 (DCGAN)"

# the claims tested, per table: (row a, row b, "lower" | "not lower"); lower is better
CLAIMS: dict[str, list[tuple[str, str, str]]] = {
    "table1": [
        ("CLR", row, "lower") for row in ("baseline", "HingeGAN", "LSGAN", "WGAN", "WGAN-GP")
    ],
    "table3": [
        ("CLR", "baseline", "lower"),
        ("CLR (1, 0)", "baseline", "lower"),
        ("CLR (0, 1)", "baseline", "lower"),
        ("CLR (L1)", "baseline", "lower"),
        # the paper writes L1, the code MSE: one method, so neither should be better
        ("CLR (L1)", "CLR", "not lower"),
    ],
    # Table 4 (error = 1 - accuracy): "CLR's D learns better features"
    "table4": [("CLR", "baseline", "lower"), ("baseline", "random D", "lower")],
    # Fig. 4: "the CLR gap is much smaller"; "ADA's gap is about the baseline's"
    "fig4": [("CLR", "baseline", "lower"), ("ADA", "baseline", "not lower")],
}

DI_POOL = {"smoke": 64, "cpu": 1024, "gpu": 1024}  # real and fake images scored for the final DI
SEEDS = {"smoke": (0,), "cpu": (0, 1, 2, 3, 4, 5), "gpu": (0, 1, 2, 3, 4, 5)}


def trained_rows(table: str, scale: str) -> list[str]:
    """The rows of ``table`` at ``scale`` that are trained runs (Table 4's random D is not)."""
    return [r for r in rows_of(table, scale) if r in VARIANTS]


def rows_of(table: str, scale: str) -> list[str]:
    """The rows a table runs at ``scale`` (the cpu pilot runs a subset of Table 3)."""
    spec = TABLES[table]
    return list(spec.get("rows_at", {}).get(scale, spec["rows"]))


def cells(
    table: str,
    scale: str,
    seeds: Sequence[int] | None = None,
    device: str | None = None,
    rows: Sequence[str] | None = None,
) -> list[Cell]:
    """The trained cells of one table at ``scale``: every row x column x seed (Table 4's
    ``random D`` is the untrained D of each seed's baseline config, :func:`probe_rows`).

    Args:
        table: ``"table1"``, ``"table3"``, ``"table4"`` or ``"fig4"``.
        scale: ``"smoke"``, ``"cpu"`` or ``"gpu"``.
        seeds: training seeds (default :data:`SEEDS` of the scale).
        device: overrides the preset's device.
        rows: a subset of the table's trained rows (default: :func:`trained_rows`).
    """
    known = trained_rows(table, scale)
    bad = [r for r in rows or () if r not in known]
    if bad:
        raise ValueError(f"{table} has rows {known} at {scale}, not {bad}")
    out = []
    for column in TABLES[table]["columns"]:
        base = get_preset(COLUMNS[column][0], scale)
        base = base.replace(device=device) if device else base
        for seed in seeds if seeds is not None else SEEDS[scale]:
            for row in rows or known:
                config = base.replace(**VARIANTS[row], seed=seed)
                out.append(Cell(table, row, column, seed, config))
    return out


def probe_rows(cells: Sequence[Cell], root: str | Path, data: Any, seed: int = 0) -> pd.DataFrame:
    """Table 4's per-seed rows: the linear-probe error of each finished cell's D, and of the
    untrained D of each seed's ``baseline`` config (row ``random D``).

    Args:
        cells: Table 4's cells (finished runs under ``root``).
        root: where their run directories are.
        data: the labelled images to probe (all of MNIST-5k at the runs' resolution).
        seed: seed of the probe's train/test split.
    """
    rows = []
    for cell in cells:
        run = Path(root) / run_name(cell.config)
        lenses = {cell.row: load_lens(run)}
        if cell.row == "baseline":
            lenses["random D"] = build_lens(cell.config, load_data(cell.config))
        for row, lens in lenses.items():
            probe = linear_probe(lens, data, seed=seed)
            rows.append(
                {
                    "table": "table4",
                    "column": cell.column,
                    "row": row,
                    "seed": cell.seed,
                    "run": str(run),
                    "probe_error": probe["error"],
                    "probe_accuracy": probe["accuracy"],
                }
            )
    return pd.DataFrame(rows)


METRICS = {"FD-LeNet-10k": "fd_lenet", "DI": "di_mean"}  # label -> per-seed column
PROBE_METRICS = {"probe error": "probe_error"}


def metrics_of(table: str) -> dict[str, str]:
    """The endpoints of ``table``: Table 4 the probe error, the others FD-LeNet and DI."""
    return PROBE_METRICS if table == "table4" else METRICS


def run_tables(
    cells: Sequence[Cell],
    root: str | Path,
    fd: Any,
    scale: str,
    fd_n: int = 10_000,
    report: bool = False,
) -> pd.DataFrame:
    """Train (or load) and evaluate ``cells``: one per-seed row per cell (Table 4: per seed the
    probe rows of :func:`probe_rows`), with ``collapsed`` and ADA's final ``augment_p``.

    Args:
        cells: cells of any of the tables (shared runs train once).
        root: the run directories' folder.
        fd: the FD-LeNet classifier (``ganlens.metrics.classifier``).
        scale: the preset's scale (its DI pool).
        fd_n: samples per FD-LeNet.
        report: write each run's report.md.
    """
    scored = [c for c in cells if c.table != "table4"]
    names = {run_name(c.config) for c in scored}
    extra = [c for c in cells if c.table == "table4" and run_name(c.config) not in names]
    per_seed = (
        run_table(
            [*scored, *extra],
            root,
            0,
            report=report,
            di_pool=DI_POOL[scale],
            fd={"mnist5k": fd},
            fd_n=fd_n,
        )
        .iloc[: len(scored)]
        .copy()
    )  # table 4's own runs were only trained here
    per_seed["augment_p"] = [_final_p(r) for r in per_seed.run]
    probed = [c for c in cells if c.table == "table4"]
    if probed:
        digits = load("mnist5k", resolution=probed[0].config.data.resolution)  # all 10 classes
        per_seed = pd.concat([per_seed, probe_rows(probed, root, digits)], ignore_index=True)
    collapsed = per_seed.get("fd_lenet_collapsed", False)
    per_seed["collapsed"] = pd.Series(collapsed, index=per_seed.index).fillna(False).astype(bool)
    return per_seed


def _final_p(run: str) -> float:
    """ADA's p at the end of ``run`` (NaN without augmentation)."""
    history = Run(run).read_history()
    return float(history.augment_p.iloc[-1]) if "augment_p" in history else float("nan")
