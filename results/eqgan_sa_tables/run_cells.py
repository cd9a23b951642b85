"""Train and evaluate the cells of EqGAN-SA Tables 1-4 outside a notebook, seed by seed.

The runs land where ``notebooks/11_eqgan_sa_tables.ipynb`` looks for them (``--root``, default
``runs/notebooks/eqgan_sa-<scale>``), so executing the notebook afterwards only loads them. All
tables are done for the first seed before the next seed starts, so an interrupted job still
leaves every table with some seeds; rerunning continues (finished runs load, interrupted runs
resume from their last checkpoint). Several workers may run at once (one per core, e.g. with
different ``--tables`` orders): a run directory is locked while a worker trains or evaluates it
(ganlens's own writer lock, released by the kernel when the worker exits or is killed), so another
worker skips that cell (``gl.RunLocked``) and comes back to it later. Nothing is left to clean up
by hand.

    python results/eqgan_sa_tables/run_cells.py --scale cpu --seeds 0 1 2
    python results/eqgan_sa_tables/run_cells.py --scale cpu --tables table2 --columns digit3 \
        --fid-n 0 --fd lenet --threads 1 --seeds 0 2 4    # and 1 3 5 in a second worker

``--fd lenet`` adds FD-LeNet-10k (the LeNet of all of MNIST-5k, ganlens.metrics.classifier)
to every cell's evaluation; ``--fid-n 0`` skips Inception.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import ganlens as gl
from ganlens import study
from ganlens.papers import eqgan_sa as tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="cpu")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--tables", nargs="+", default=["table2", "table3", "table4", "table1"])
    parser.add_argument("--root", default=None)
    parser.add_argument("--fid-n", type=int, default=None)
    parser.add_argument("--device", default=None)
    parser.add_argument("--columns", nargs="+", default=None, help="a subset of the columns")
    parser.add_argument("--fd", choices=["lenet"], default=None, help="add FD-LeNet-10k")
    parser.add_argument("--threads", type=int, default=None, help="torch threads per worker")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    fd = None
    if args.fd == "lenet":
        from ganlens.metrics.classifier import load_or_train_classifier

        fd = load_or_train_classifier(gl.data.load("mnist5k", resolution=32))
    root = Path(args.root or f"runs/notebooks/eqgan_sa-{args.scale}")
    fid_n = args.fid_n if args.fid_n is not None else tables.FID_N[args.scale]
    log = (
        root / "run_cells.log"
    )  # appended line by line: several workers (one per seed) may share it
    root.mkdir(parents=True, exist_ok=True)
    queue = [
        (table, cell)
        for seed in args.seeds
        for table in args.tables
        for cell in tables.cells(
            table, args.scale, seeds=[seed], device=args.device, columns=args.columns
        )
    ]
    while queue:
        waiting = []
        for table, cell in queue:
            if not _run_cell(table, cell, root, fid_n, tables.DI_POOL[args.scale], log, fd):
                waiting.append((table, cell))
        if len(waiting) == len(queue):
            time.sleep(60)  # every remaining cell is being trained by another worker
        queue = waiting


def _run_cell(
    table: str, cell: study.Cell, root: Path, fid_n: int, di_pool: int, log: Path, fd=None
) -> bool:
    """Train and evaluate one cell unless another worker is writing its run; True when done.

    Training (``load_or_train``) and the evaluation (``study.evaluate_run``, which writes
    ``eval_<N>.json``) both hold the run directory's lock, so two workers never write one run.
    """
    done_before = (root / study.run_name(cell.config) / f"eval_{fid_n}.json").is_file()
    t0 = time.perf_counter()
    try:
        row = study.run_table([cell], root, fid_n, di_pool=di_pool, fd=fd).iloc[0]
    except gl.RunLocked:
        return False  # another worker is writing this run directory: come back to it later
    if done_before:
        return (
            True  # logged when it was trained and evaluated (shared cells appear in several tables)
        )
    line = (
        f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {table} {cell.column} {cell.row} "
        f"seed {cell.seed}: {time.perf_counter() - t0:.0f} s, "
        f"FID-{fid_n} {row.get(f'fid_{fid_n}', float('nan')):.2f}, "
        f"FD-LeNet {row.get('fd_lenet', float('nan')):.2f}, DI {row['di_mean']:.3f}"
    )
    with log.open("a") as fh:
        fh.write(line + "\n")
    print(line, flush=True)
    return True


if __name__ == "__main__":
    main()
