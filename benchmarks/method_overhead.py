"""Step time of CLR-GAN and of ADA-style augmentation over the plain game, side by side, on CPU.

The cpu-regime preset (``limited-digit3``: DCGAN width 16, 32 px, batch 64, ns loss) with each
arm's changes (``ganlens.papers.clr_gan.VARIANTS``): baseline, CLR (an extra D forward on the
reals and an extra G forward/backward per G step, a linear phi head), CLR with L1, ADA (the
augmentation of every D input), ADA+CLR. The arms run interleaved round after round in one
process, so load from other processes hits them alike; the table gives the median step time and
its ratio to the baseline at the same precision. bf16 rows only where the CPU has native bf16
(``--bf16`` forces them). Prints Markdown with the machine.

    python benchmarks/method_overhead.py [--rounds 5] [--steps 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics

import torch
from _timing import interleaved, machine_line, seeded_trainer

import ganlens as gl
from ganlens.papers.clr_gan import VARIANTS
from ganlens.train.precision import native_bf16

ARMS = ("baseline", "CLR", "CLR (L1)", "ADA", "ADA+CLR")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--bf16", action="store_true", help="bf16 rows even where emulated")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    native = native_bf16(torch.device("cpu"))
    rows = []
    for precision in ["fp32", *(["bf16"] if native or args.bf16 else [])]:
        base = gl.get_preset("limited-digit3", "cpu").replace(
            precision=precision, channels_last=precision == "bf16", device="cpu"
        )
        ts = {arm: seeded_trainer(base.replace(**VARIANTS[arm])) for arm in ARMS}
        times = interleaved(ts, args.rounds, args.steps, warmup=2)
        ref = statistics.median(times["baseline"])
        for arm, tt in times.items():
            med = statistics.median(tt)
            rows.append((precision, arm, med, min(tt), max(tt), med / ref))
    print(machine_line(args.threads, args.rounds, args.steps) + "\n")
    print("| precision | arm | median s/step (min-max) | vs baseline |")
    print("|---|---|---|---|")
    for precision, arm, med, lo, hi, ratio in rows:
        print(f"| {precision} | {arm} | {med:.3f} ({lo:.3f}-{hi:.3f}) | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
