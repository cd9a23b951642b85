"""CLR-GAN's Table 3 and Fig. 4 in the cpu regime: train the pre-registered cells, then report.

``PREREGISTRATION.md`` fixes the rows, seeds, endpoints and claims. Training (one worker per core,
each with its own seeds; finished runs load, interrupted ones resume)::

    python results/clr_gan/cpu_regime/run.py --seeds 0 2 4 --threads 1 &
    python results/clr_gan/cpu_regime/run.py --seeds 1 3 5 --threads 1

Reporting (no training: the finished runs only) writes ``per_seed.csv``, ``verdicts.csv`` and the
figures next to this file::

    python results/clr_gan/cpu_regime/run.py --report
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import torch

import ganlens as gl
from ganlens import study
from ganlens.metrics.classifier import load_or_train_classifier
from ganlens.papers import clr_gan
from ganlens.papers.clr_gan_figures import claim_figures, realness_figure

HERE = Path(__file__).resolve().parent
TABLES = ("table3", "fig4", "table4")  # Table 4 probes the Ds of Table 3's runs: no extra training
REGIME = {
    "cpu": "cpu regime: 200 MNIST-5k threes, DCGAN w16, ns, 3,000 steps",
    "smoke": "smoke (meaningless: seconds of training)",
    "gpu": "gpu: 200 MNIST-5k threes, DCGAN w64, ns, 20,000 steps",
}


def all_cells(seeds: list[int], scale: str = "cpu") -> list[study.Cell]:
    """Every pre-registered cell, seed by seed (all rows of a seed before the next)."""
    return [c for s in seeds for t in TABLES for c in clr_gan.cells(t, scale, seeds=[s])]


def train(seeds: list[int], root: Path, lenet: object, scale: str) -> None:
    """Train and evaluate the cells of ``seeds`` (shared cells once), logging each to run.log."""
    done: set[str] = set()
    for cell in all_cells(seeds, scale):
        name = study.run_name(cell.config)
        if name in done:
            continue
        t0 = time.perf_counter()
        row = study.run_table([cell], root, 0, di_pool=clr_gan.DI_POOL[scale], fd=lenet).iloc[0]
        done.add(name)
        with (root / "run.log").open("a") as fh:
            fh.write(
                f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {cell.row} seed {cell.seed}: "
                f"{time.perf_counter() - t0:.0f} s, FD-LeNet {row['fd_lenet']:.2f}, "
                f"DI {row['di_mean']:.3f}, collapsed {row.get('fd_lenet_collapsed')}\n"
            )


def report(root: Path, lenet: object, scale: str, out: Path) -> None:
    """per_seed.csv, verdicts.csv and the figures (in ``out``) from the finished cells."""
    cells = all_cells(list(clr_gan.SEEDS[scale]), scale)
    cells = [c for c, ok in zip(cells, study.finished(cells, root)) if ok]
    per_seed = clr_gan.run_tables(cells, root, lenet, scale)
    per_seed.to_csv(out / "per_seed.csv", index=False)
    verdicts = []
    for table in TABLES:
        part = per_seed[per_seed.table == table]
        metrics = clr_gan.metrics_of(table)
        found = study.claim_verdicts(part, clr_gan.CLAIMS[table], metrics)
        verdicts.append(found.assign(table=table))
        for metric, fig in claim_figures(per_seed, table, metrics, scale, f"; {REGIME[scale]}"):
            fig.savefig(out / f"{table}_{metric}.png", dpi=110, bbox_inches="tight")
    pd.concat(verdicts).to_csv(out / "verdicts.csv", index=False)
    fig = realness_figure(per_seed, scale, f"\n{REGIME[scale]}")
    if fig is not None:
        fig.savefig(out / "fig4_realness.png", dpi=110, bbox_inches="tight")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(clr_gan.SEEDS["cpu"]))
    parser.add_argument("--root", default="runs/clr_gan-cpu")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--scale", default="cpu", choices=sorted(REGIME))
    parser.add_argument("--out", default=None, help="report folder (default: here, at cpu)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    lenet = load_or_train_classifier(gl.data.load("mnist5k", resolution=32))
    if args.report:
        out = Path(args.out) if args.out else HERE if args.scale == "cpu" else root
        report(root, lenet, args.scale, out)
    else:
        train(args.seeds, root, lenet, args.scale)


if __name__ == "__main__":
    main()
