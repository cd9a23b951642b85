"""Training throughput (images/s) and peak memory of ganlens presets.

Measures the bare training step (n_dis D updates + one G update; no tracking, no checkpoints):
the demo preset on CPU, and SN-DCGAN (width 64) on CIFAR-10-JPEG at batch 64 and 256 on CPU (a few
steps) and on CUDA when available. Prints a Markdown table to paste into benchmarks/RESULTS.md.

    python benchmarks/train_throughput.py [--steps 30] [--warmup 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time

import torch

import ganlens as gl
from ganlens.train import Trainer


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(label: str, config: gl.ExperimentConfig, steps: int, warmup: int) -> dict[str, object]:
    """Time ``steps`` training steps after ``warmup`` steps; returns one result row."""
    data = gl.load_data(config)
    lens, method = gl.build(config, data)
    trainer = Trainer(
        lens, lens.task(data), config.optim, method, seed=config.seed, device=config.device
    )
    for _ in range(warmup):
        trainer.train_step()
    cuda = trainer.device.type == "cuda"
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    for _ in range(steps):
        trainer.train_step()
    if cuda:
        torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    optim = config.optim
    return {
        "case": label,
        "device": str(trainer.device),
        "batch": optim.batch_size,
        "width": getattr(config.model, "width", None),
        "steps": steps,
        "s_per_step": wall / steps,
        "G_steps_per_s": steps / wall,
        "real_images_per_s": steps * optim.batch_size * optim.n_dis / wall,
        "peak_mem_mib": torch.cuda.max_memory_allocated() / 2**20 if cuda else _peak_rss_mib(),
        "peak_mem_kind": "CUDA max_memory_allocated" if cuda else "process max RSS",
    }


def cases(steps: int) -> list[tuple[str, gl.ExperimentConfig, int]]:
    demo = gl.get_preset("demo", "cpu")
    cifar = gl.get_preset("sn-dcgan-cifar10", "gpu").replace(**{"data.classes": ("cat",)})
    out = [
        ("demo preset (sn-dcgan w16, MNIST-5k 32px)", demo.replace(device="cpu"), steps),
        (
            "sn-dcgan w64 CIFAR-10-JPEG b64",
            cifar.replace(device="cpu", batch_size=64),
            max(3, steps // 6),
        ),
        (
            "sn-dcgan w64 CIFAR-10-JPEG b256",
            cifar.replace(device="cpu", batch_size=256),
            max(2, steps // 15),
        ),
    ]
    if torch.cuda.is_available():
        out += [
            ("sn-dcgan w64 CIFAR-10-JPEG b64", cifar.replace(batch_size=64), steps * 10),
            ("sn-dcgan w64 CIFAR-10-JPEG b256", cifar.replace(batch_size=256), steps * 5),
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--json", help="also write the rows as JSON here")
    args = parser.parse_args()
    rows = [measure(label, cfg, n, args.warmup) for label, cfg, n in cases(args.steps)]
    machine = (
        f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads, "
        f"torch {torch.__version__}"
        + (f", {torch.cuda.get_device_name()}" if torch.cuda.is_available() else "")
    )
    print(f"machine: {machine}\n")
    print("| case | device | batch | steps timed | s/step | G steps/s | real img/s | peak memory |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['case']} | {r['device']} | {r['batch']} | {r['steps']} | {r['s_per_step']:.3f} | "
            f"{r['G_steps_per_s']:.2f} | {r['real_images_per_s']:.0f} | "
            f"{r['peak_mem_mib']:.0f} MiB ({r['peak_mem_kind']}) |"
        )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": machine, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
