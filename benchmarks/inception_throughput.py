"""Inception feature-extraction throughput (images/s) and the wall time of an FID-10k.

Measures ``inception_features`` on 32 x 32 uint8 images (resized to 299 x 299 inside) on the CPU
(with 1 and with torch's default number of threads) and on CUDA when available, after one warm-up
batch; then the FID computation itself (torchmetrics, float64) on 10k x 2048 random features.
FID-10k wall time = 10k generated images through Inception + the FID computation (the reference
features come from the cache; a fresh reference adds its own n images). Prints a Markdown table
to paste into benchmarks/RESULTS.md.

    python benchmarks/inception_throughput.py [--images 64] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import torch

from ganlens.metrics import fid, inception_features, load_extractor


def extraction(device: str, threads: int, batch: int, images: int) -> dict[str, object]:
    """Images/s of feature extraction with ``threads`` CPU threads on ``device``."""
    torch.set_num_threads(threads)
    ext = load_extractor(device=device)
    x = torch.randint(
        0, 256, (images, 3, 32, 32), dtype=torch.uint8, generator=torch.Generator().manual_seed(0)
    )
    inception_features(x[:batch], batch, extractor=ext, progress=False)  # warm-up
    if device == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    inception_features(x, batch, extractor=ext, progress=False)
    if device == "cuda":
        torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    return {
        "device": device,
        "threads": threads,
        "batch": batch,
        "images": images,
        "img_per_s": images / wall,
        "extractor_sha256": ext.sha256[:12],
    }


def fid_compute_s(n: int = 10_000, threads: int | None = None) -> float:
    """Seconds of fid() on two (n, 2048) feature sets (covariances + eigenvalues, float64)."""
    if threads:
        torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand(n, 2048, generator=g) ** 3, torch.rand(n, 2048, generator=g) ** 3
    t0 = time.perf_counter()
    fid(a, b)
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--images", type=int, default=64, help="images timed per CPU case")
    p.add_argument("--json", help="also write the rows here")
    args = p.parse_args()
    default_threads = torch.get_num_threads()
    rows = [extraction("cpu", t, 32, args.images) for t in sorted({1, default_threads})]
    if torch.cuda.is_available():
        rows += [extraction("cuda", default_threads, b, 20 * b) for b in (64, 256)]
    fid_s = fid_compute_s(threads=1)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__}, load average {os.getloadavg()}"
    )
    print("| device | threads | batch | images timed | img/s | FID-10k estimate |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        r["fid10k_estimate_s"] = 10_000 / r["img_per_s"] + fid_s
        print(
            f"| {r['device']} | {r['threads']} | {r['batch']} | {r['images']} | "
            f"{r['img_per_s']:.1f} | {r['fid10k_estimate_s'] / 60:.1f} min |"
        )
    print(f"fid() on 10k x 2048 features (1 thread): {fid_s:.1f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "fid_compute_10k_s": fid_s}, f, indent=2)


if __name__ == "__main__":
    main()
