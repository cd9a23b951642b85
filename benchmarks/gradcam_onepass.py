"""One-pass multi-layer GradCAM (ganlens.probes.gradcam) vs Captum's LayerGradCam once per layer.

For 3 and 4 layers of the SN-DCGAN D (width 64, 32 px) at batch 64 and 256: median wall time of
each way and their ratio, and peak memory. Each measurement runs in a fresh subprocess so its
peak RSS (CPU) or CUDA max_memory_allocated is its own.

    python benchmarks/gradcam_onepass.py [--repeats 5] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time

LAYERS = ["D.blocks.0", "D.blocks.1", "D.blocks.2", "D.blocks.3"]


def _one(way: str, n_layers: int, batch: int, repeats: int, device: str) -> dict[str, float]:
    import torch
    from captum.attr import LayerGradCam

    import ganlens as gl
    from ganlens import probes

    lens = gl.GANLens(*gl.models.build("sn-dcgan", width=64, seed=0)).to(device).eval()
    x = (torch.rand(batch, 3, 32, 32, generator=torch.Generator().manual_seed(0)) * 2 - 1).to(
        device
    )
    layers = LAYERS[:n_layers]

    def run() -> None:
        if way == "onepass":
            probes.gradcam(lens, x, layers)
        else:
            for layer in layers:
                LayerGradCam(lens.score, lens.module(layer)).attribute(x, relu_attributions=True)

    run()  # warm-up
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        if device == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    peak = (
        torch.cuda.max_memory_allocated() / 2**20
        if device == "cuda"
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    return {"median_s": statistics.median(times), "peak_mib": peak, "rss_before_mib": base_rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        way, n, b, dev = args.child
        print(json.dumps(_one(way, int(n), int(b), args.repeats, dev)))
        return
    import torch

    print(
        f"machine: {platform.machine()}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"device {args.device}"
        + (f" ({torch.cuda.get_device_name()})" if args.device == "cuda" else "")
    )
    print(
        "| layers | batch | one pass (s) | Captum per layer (s) | speed-up | peak MiB one pass | peak MiB Captum |"
    )
    print("|---|---|---|---|---|---|---|")
    for n_layers in (3, 4):
        for batch in (64, 256):
            res = {}
            for way in ("onepass", "captum"):
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--repeats",
                        str(args.repeats),
                        "--child",
                        way,
                        str(n_layers),
                        str(batch),
                        args.device,
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                res[way] = json.loads(out.stdout.strip().splitlines()[-1])
            o, c = res["onepass"], res["captum"]
            print(
                f"| {n_layers} | {batch} | {o['median_s']:.3f} | {c['median_s']:.3f} | "
                f"{c['median_s'] / o['median_s']:.2f}x | {o['peak_mib']:.0f} | {c['peak_mib']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
