"""CPU training step time at fp32 against bf16 autocast and channels-last, side by side.

A plain SN-DCGAN hinge step (1 D + 1 G update, batch 64, 32 px MNIST-5k) at G/D widths 16 and
64. The modes run interleaved, round after round, in one process, so load from other processes
hits them alike; the table gives the median step time per mode and its ratio to fp32 at the same
width (the speed-up). Prints Markdown with the machine and commit.

    python benchmarks/precision_throughput.py [--rounds 5] [--steps 8] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess

import torch
from _timing import seeded_trainer, step_time

import ganlens as gl
from ganlens.train import Trainer
from ganlens.train.precision import native_bf16, resolve_precision

MODES = (("fp32", False), ("fp32", True), ("bf16", False), ("bf16", True))


def trainer(width: int, precision: str, channels_last: bool) -> Trainer:
    """A seeded demo-preset trainer at ``width`` with the given precision settings."""
    config = gl.get_preset("demo", "cpu").replace(
        device="cpu", width=width, precision=precision, channels_last=channels_last
    )
    return seeded_trainer(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=8, help="steps timed per mode per round")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--widths", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--json", help="also write the rows as JSON here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for width in args.widths:
        trainers = {mode: trainer(width, *mode) for mode in MODES}
        for t in trainers.values():
            step_time(t, 2)  # warm-up
        times: dict[tuple[str, bool], list[float]] = {mode: [] for mode in MODES}
        for _ in range(args.rounds):
            for mode, t in trainers.items():
                times[mode].append(step_time(t, args.steps))
        base = statistics.median(times[("fp32", False)])
        for (precision, cl), ts in times.items():
            med = statistics.median(ts)
            rows.append(
                {
                    "width": width,
                    "precision": precision,
                    "channels_last": cl,
                    "median_s_per_step": med,
                    "min_s": min(ts),
                    "max_s": max(ts),
                    "speedup_vs_fp32": base / med,
                }
            )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    cpu = torch.device("cpu")
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"machine: {platform.processor() or platform.machine()}, {args.threads} torch threads, "
        f"torch {torch.__version__}, commit {commit}, load average {load}; "
        f"{args.rounds} rounds x {args.steps} steps per mode, interleaved; CPU capability "
        f"{torch.backends.cpu.get_cpu_capability()}, native bf16 {native_bf16(cpu)}, so "
        f"precision='auto' runs {resolve_precision('auto', 'auto', cpu)}\n"
    )
    print("| width | precision | channels_last | median s/step (min-max) | speed-up vs fp32 |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['width']} | {r['precision']} | {r['channels_last']} | "
            f"{r['median_s_per_step']:.3f} ({r['min_s']:.3f}-{r['max_s']:.3f}) | "
            f"{r['speedup_vs_fp32']:.2f}x |"
        )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"commit": commit, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
