"""Train and evaluate the cells of EqGAN-SA Tables 1-4 outside a notebook, seed by seed.

The runs land where ``notebooks/11_eqgan_sa_tables.ipynb`` looks for them (``--root``, default
``runs/notebooks/eqgan_sa-<scale>``), so executing the notebook afterwards only loads them. All
tables are done for the first seed before the next seed starts, so an interrupted job still
leaves every table with some seeds; rerunning continues (finished runs load, interrupted runs
resume from their last checkpoint). Run one worker per seed to use several cores (never two
workers on the same seed: they would train the same run directories).

    python results/eqgan_sa_tables/run_cells.py --scale cpu --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ganlens import study
from ganlens.methods.eqgan_sa import tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="cpu")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--tables", nargs="+", default=["table2", "table3", "table4", "table1"])
    parser.add_argument("--root", default=None)
    parser.add_argument("--fid-n", type=int, default=None)
    parser.add_argument("--device", default=None)
    args = parser.parse_args()
    root = Path(args.root or f"runs/notebooks/eqgan_sa-{args.scale}")
    fid_n = args.fid_n if args.fid_n is not None else tables.FID_N[args.scale]
    log = root / "run_cells.log"  # appended line by line: several workers (one per seed) may share it
    root.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        for table in args.tables:
            for cell in tables.cells(table, args.scale, seeds=[seed], device=args.device):
                t0 = time.perf_counter()
                row = study.run_table([cell], root, fid_n).iloc[0]
                line = (f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {table} {cell.column} {cell.row} "
                        f"seed {seed}: {time.perf_counter() - t0:.0f} s, "
                        f"FID-{fid_n} {row.get(f'fid_{fid_n}', float('nan')):.2f}, "
                        f"DI {row['di_mean']:.3f}")
                with log.open("a") as fh:
                    fh.write(line + "\n")
                print(line, flush=True)


if __name__ == "__main__":
    main()
