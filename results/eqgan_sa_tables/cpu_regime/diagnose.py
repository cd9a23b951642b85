"""Why does EqGAN-SA collapse in the cpu regime? Single-seed diagnostics beside Table 2's runs.

Table 2 in this regime (``PREREGISTRATION.md``, ``per_seed.csv``) ran at bf16 on an Intel Xeon;
4 of its 6 ``+SEL+L_align`` seeds collapsed. This script trains, on the same cells at fp32:

- ``fp32``: the full method (``+SEL+L_align``) at fp32 — does bf16 cause the collapse?
- ``sel-only``: ``+SEL`` (``align=False``) at fp32 — does the collapse need ``L_align``?

Run on 2026-12-02 (AMD EPYC, 1 thread per arm, two arms in parallel): seed 0 only, 5300-5400 s each;
on 2026-12-03 the ``fp32`` arm again on an Intel Xeon (the machine of the bf16 runs) to separate the
precision from the machine. The recorded rows are in ``diagnose.csv``; each row's label names its
precision and machine (``+SEL+L_align [fp32, Xeon]``).

Each arm is a study cell (run directory under ``--root``), evaluated exactly as Table 2
(FD-LeNet-10k against the 200 training threes, final DI on 1,024 + 1,024, the collapse flag).
Exploratory: these arms were not pre-registered and have one or two seeds each.

    python results/eqgan_sa_tables/cpu_regime/diagnose.py --arm fp32 --seeds 0
    python results/eqgan_sa_tables/cpu_regime/diagnose.py --arm sel-only --seeds 0 1
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import time
from pathlib import Path

import pandas as pd
import torch

import ganlens as gl
from ganlens import study
from ganlens.metrics.classifier import load_or_train_classifier
from ganlens.papers import eqgan_sa as tables

CSV = Path(__file__).resolve().parent / "diagnose.csv"
LABELS = {
    "fp32": "+SEL+L_align",
    "sel-only": "+SEL",
}  # the arm's row in figures, + [precision, machine]
ARMS = {
    "fp32": {"precision": "fp32", "channels_last": False},
    "sel-only": {"precision": "fp32", "channels_last": False, "align": False},
}


def arm_cell(arm: str, seed: int) -> study.Cell:
    """Table 2's ``+SEL+L_align`` cell at cpu for ``seed``, with ``arm``'s changes."""
    (cell,) = [c for c in tables.cells("table2", "cpu", seeds=[seed]) if c.row == "+SEL+L_align"]
    label = f"{LABELS[arm]} [{ARMS[arm]['precision']}, {machine()}]"
    return dataclasses.replace(cell, row=label, config=cell.config.replace(**ARMS[arm]))


def machine() -> str:
    """A short name of this CPU's vendor line ("Xeon", "EPYC", ...) from /proc/cpuinfo."""
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").is_file() else ""
    model = next(
        (ln.split(":", 1)[1] for ln in info.splitlines() if ln.startswith("model name")), ""
    )
    return next((k for k in ("Xeon", "EPYC", "Ryzen", "Core") if k in model), platform.machine())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--arm", choices=sorted(ARMS), required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--root", default="runs/diagnose/eqgan_sa-cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)
    lenet = load_or_train_classifier(gl.data.load("mnist5k", resolution=32))
    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        t0 = time.perf_counter()
        cell = arm_cell(args.arm, seed)
        row = study.run_table([cell], root, 0, di_pool=tables.DI_POOL["cpu"], fd=lenet).iloc[0]
        line = (
            f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {cell.row} seed {seed}: "
            f"{time.perf_counter() - t0:.0f} s, FD-LeNet {row['fd_lenet']:.2f}, "
            f"DI {row['di_mean']:.3f}, collapsed {row.get('fd_lenet_collapsed')}, "
            f"spread {row.get('fd_lenet_spread', float('nan')):.3f}"
        )
        with (root / "diagnose.log").open("a") as fh:
            fh.write(line + "\n")
        print(line, flush=True)
        _record(cell, row)


def _record(cell: study.Cell, row: pd.Series) -> None:
    """Add or replace this arm and seed in ``diagnose.csv`` (per_seed.csv's columns + precision)."""
    new = {
        "row": cell.row,
        "seed": cell.seed,
        "fd_lenet": row["fd_lenet"],
        "di_mean": row["di_mean"],
        "collapsed": bool(row["fd_lenet_collapsed"]),
        "spread": row["fd_lenet_spread"],
        "precision": cell.config.optim.precision,
        "machine": machine(),
        "run": study.run_name(cell.config),
    }
    old = pd.read_csv(CSV) if CSV.is_file() else pd.DataFrame(columns=list(new))
    keep = old[~((old.row == new["row"]) & (old.seed == new["seed"]))]
    pd.concat([keep, pd.DataFrame([new])], ignore_index=True).to_csv(CSV, index=False)


if __name__ == "__main__":
    main()
