"""EqGAN-SA training overhead: baseline vs +SEL vs +SEL+L_align, same batch, same device.

The paper reports about +30% training time for the method (StyleGAN2, 8 GPUs). Cases, each the
bare training step of ``benchmarks/train_throughput.py`` (n_dis D updates + one G update):

- baseline SN-DCGAN; +SEL (SEL_norm, hierarchical heatmaps, no alignment);
- +SEL+L_align with the CAM from the G step's own D forward (``cam_pass="shared"``, default);
- +SEL+L_align with an extra eval-mode D forward per G step (``cam_pass="probe"``);
- +SEL+L_align differentiated through the GradCAM weights (``second_order=True``);
- the Flatten baseline of Table 4.

    python benchmarks/eqgan_sa_throughput.py [--width 64 16] [--batch 64] [--steps 10] [--device cpu]
"""

from __future__ import annotations

import argparse
import platform

import torch
from train_throughput import measure

import ganlens as gl

CASES = [
    ("baseline", gl.MethodConfig()),
    ("+SEL", gl.EqGANSAConfig(align=False)),
    ("+SEL+L_align (shared pass)", gl.EqGANSAConfig()),
    ("+SEL+L_align (extra D pass)", gl.EqGANSAConfig(cam_pass="probe")),
    ("+SEL+L_align (second order)", gl.EqGANSAConfig(second_order=True)),
    ("Flatten+L_align", gl.EqGANSAConfig(encoding="flatten")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, nargs="+", default=[64, 16])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    base = gl.get_preset("eqgan-sa-cifar10-cat", "cpu").replace(
        batch_size=args.batch, device=args.device
    )
    machine = (
        f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads, "
        f"torch {torch.__version__}"
        + (f", {torch.cuda.get_device_name()}" if args.device == "cuda" else "")
    )
    print(f"machine: {machine}\n")
    print("| width | case | device | batch | steps | s/step | vs baseline | peak memory |")
    print("|---|---|---|---|---|---|---|---|")
    for width in args.width:
        ref = None
        for label, method in CASES:
            cfg = base.replace(width=width, method=method)
            r = measure(label, cfg, args.steps, args.warmup)
            ref = ref or r["s_per_step"]
            print(
                f"| {width} | {label} | {r['device']} | {r['batch']} | {r['steps']} | "
                f"{r['s_per_step']:.3f} | {100 * (r['s_per_step'] / ref - 1):+.0f}% | "
                f"{r['peak_mem_mib']:.0f} MiB ({r['peak_mem_kind']}) |",
                flush=True,
            )


if __name__ == "__main__":
    main()
