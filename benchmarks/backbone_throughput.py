"""Training step time of each backbone family beside SN-DCGAN, at batch 64 on CPU, side by side.

One hinge step (1 D + 1 G update, batch 64, MNIST-5k threes) per family, at 16 and 32 px; the
families run interleaved round after round in one process, so load from other processes hits
them alike. The table gives the median step time and its ratio to SN-DCGAN width 16 at the same
resolution and precision. bf16 rows run only where the CPU has native bf16 (``--bf16`` forces
them; emulated bf16 is ~10x slower, benchmarks/RESULTS.md). Prints Markdown with the machine.

    python benchmarks/backbone_throughput.py [--rounds 3] [--steps 3] [--threads 1] [--paper]
"""

from __future__ import annotations

import argparse
import statistics

import torch
from _timing import interleaved, machine_line, seeded_trainer

import ganlens as gl
from ganlens.models import DCGANConfig, SNGANResNetConfig, StyleGANLiteConfig
from ganlens.train import Trainer
from ganlens.train.precision import native_bf16

FAMILIES = {
    "sn-dcgan w16": DCGANConfig("sn-dcgan", width=16),
    "dcgan w16": DCGANConfig("dcgan", width=16),
    "sngan-resnet G32/D32": SNGANResNetConfig(g_width=32, d_width=32),
    # the stylegan-lite-digit3 cpu preset's widths: 64 at every side up to 16 px, 32 at 32 px
    "stylegan-lite w<=64": StyleGANLiteConfig(mapping_layers=2, channel_base=1024, channel_max=64),
}
PAPER = {
    "sngan-resnet G256/D128 (paper)": SNGANResNetConfig(),
    "stylegan-lite w512 z/w 512 (ADA CIFAR widths)": StyleGANLiteConfig(
        z_dim=512, w_dim=512, mapping_layers=2, channel_base=32768, channel_max=512
    ),
}


def trainer(model: object, resolution: int, precision: str) -> Trainer:
    """A seeded trainer of ``model`` on the limited-digit3 data at ``resolution``."""
    config = gl.get_preset("limited-digit3", "cpu").replace(
        model=model,
        loss="hinge",
        precision=precision,
        channels_last=precision == "bf16",
        device="cpu",
        **{"data.resolution": resolution},
    )
    return seeded_trainer(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--resolutions", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--bf16", action="store_true", help="bf16 rows even where emulated")
    parser.add_argument(
        "--paper", action="store_true", help="also the paper-width ResNet and StyleGAN2 widths"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    families = {**FAMILIES, **(PAPER if args.paper else {})}
    native = native_bf16(torch.device("cpu"))
    precisions = ["fp32", *(["bf16"] if native or args.bf16 else [])]
    rows = []
    for res in args.resolutions:
        for precision in precisions:
            ts = {name: trainer(m, res, precision) for name, m in families.items()}
            times = interleaved(ts, args.rounds, args.steps)
            base = statistics.median(times["sn-dcgan w16"])
            for name, tt in times.items():
                med = statistics.median(tt)
                params = sum(
                    p.numel() for m in ts[name].lens.players.values() for p in m.parameters()
                )
                rows.append((res, precision, name, params, med, min(tt), max(tt), med / base))
    print(machine_line(args.threads, args.rounds, args.steps) + "\n")
    print(
        "| px | precision | family | parameters (G+D) | median s/step (min-max) | vs SN-DCGAN w16 |"
    )
    print("|---|---|---|---|---|---|")
    for res, precision, name, params, med, lo, hi, ratio in rows:
        print(
            f"| {res} | {precision} | {name} | {params:,} | {med:.3f} ({lo:.3f}-{hi:.3f}) | "
            f"{ratio:.1f}x |"
        )
    if not native and not args.bf16:
        print(
            "\nbf16 rows skipped: this CPU has no native bf16 (pass --bf16 to time the emulation)."
        )


if __name__ == "__main__":
    main()
