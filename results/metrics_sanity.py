"""Sanity numbers of ganlens.metrics on real data (writes results/metrics_sanity.json).

    python results/metrics_sanity.py [--n 1000] [--n-mnist 500] [--n-fp16 100] [--threads 1]

Pairs (images per side drawn with seed 0; CPU-sized subsets, not the full 10k/50k):
- CIFAR-10-JPEG test vs train, and train vs train (two disjoint halves of one draw);
- MNIST-5k (32 px) vs the same images shifted right by one pixel, vs itself, and vs a disjoint draw;
- fp16 copy vs fp32 file on the first n-fp16 + n-fp16 of the CIFAR test / train draws;
- nearest-class-mean accuracy of CIFAR test features against train class means (is the network
  really a trained Inception? chance is 10%).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path

import torch

from ganlens import data as gdata
from ganlens.metrics import (
    fid,
    inception_features,
    kid,
    load_extractor,
    locate_inception,
    precision_recall,
    reference_stats,
)
from ganlens.metrics.inception import write_fp16_copy
from ganlens.metrics.reference import select_images


def machine() -> dict:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
        platform.processor(),
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], check=False, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "commit": commit,
        "loadavg_start": os.getloadavg(),
    }


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    dt = time.perf_counter() - t0
    print(f"{fn.__name__}: {dt:.1f} s", flush=True)
    return out, dt


def pair(a: torch.Tensor, b: torch.Tensor, subset: int) -> dict:
    (f, t_fid) = timed(fid, a, b)
    (k, t_kid) = timed(kid, a, b, subsets=100, subset_size=subset)
    pr = precision_recall(a, b)
    return {
        "n_a": len(a),
        "n_b": len(b),
        "fid": f,
        "kid_mean": k.mean,
        "kid_std": k.std,
        "kid_subsets": 100,
        "kid_subset_size": subset,
        "precision": pr.precision,
        "recall": pr.recall,
        "fid_s": t_fid,
        "kid_s": t_kid,
    }


def shift_right(images: torch.Tensor) -> torch.Tensor:
    out = torch.zeros_like(images)
    out[..., 1:] = images[..., :-1]
    return out


def nearest_mean_accuracy(train_f, train_y, test_f, test_y) -> float:
    means = torch.stack([train_f[train_y == c].mean(0) for c in range(10)])
    pred = torch.cdist(test_f, means).argmin(1)
    return float((pred == test_y).float().mean())


def cifar(ext, n: int, n_fp16: int, res: dict) -> None:
    ref_test, t1 = timed(reference_stats, "cifar10-jpeg", "test", n=n, seed=0, extractor=ext)
    ref_train, t2 = timed(reference_stats, "cifar10-jpeg", "train", n=2 * n, seed=0, extractor=ext)
    res["extract_s"]["cifar_test"], res["extract_s"]["cifar_train"] = t1, t2
    a, b = ref_train.features[:n], ref_train.features[n:]
    res["cifar_test_vs_train"] = pair(ref_test.features, a, n // 2)
    res["cifar_train_vs_train"] = pair(a, b, n // 2)
    labels = {}
    for split, m in (("test", n), ("train", 2 * n)):
        d = gdata.load("cifar10-jpeg", split=split)
        idx = torch.randperm(len(d), generator=torch.Generator().manual_seed(0))[:m]
        labels[split] = d.labels[idx]
    res["cifar_nearest_mean_acc"] = nearest_mean_accuracy(
        ref_train.features, labels["train"], ref_test.features, labels["test"]
    )
    res["fp16_vs_fp32"] = fp16_check(ref_test.features[:n_fp16], a[:n_fp16])


def fp16_check(test32: torch.Tensor, train32: torch.Tensor) -> dict:
    """FID of the same images with an fp16 copy and with the fp32 file."""
    m = len(test32)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_fp16_copy(locate_inception(), Path(tmp) / "default_1-fp16.pt")
        ext16 = load_extractor(path, device="cpu")
    # select_images(..., m, 0) is the first m of the seed-0 draw the fp32 features came from
    test = select_images(gdata.load("cifar10-jpeg", split="test").images, m, 0)
    train = select_images(gdata.load("cifar10-jpeg", split="train").images, m, 0)
    f_test, t = timed(inception_features, test, extractor=ext16, progress=False)
    f_train = inception_features(train, extractor=ext16, progress=False)
    fid32, fid16 = fid(test32, train32), fid(f_test, f_train)
    return {
        "n": m,
        "fid_fp32": fid32,
        "fid_fp16": fid16,
        "rel_diff": abs(fid16 - fid32) / fid32,
        "max_abs_feature_diff": float((f_test - test32).abs().max()),
        "fp16_sha256": ext16.sha256,
        "fp16_img_per_s": m / t,
    }


def mnist(ext, n: int, res: dict) -> None:
    d = gdata.load("mnist5k", resolution=32)
    idx = torch.randperm(len(d), generator=torch.Generator().manual_seed(0))
    x, y = d.images[idx[:n]], d.images[idx[n : 2 * n]]
    fx, t1 = timed(inception_features, x, extractor=ext, progress=False)
    fs, t2 = timed(inception_features, shift_right(x), extractor=ext, progress=False)
    fy, t3 = timed(inception_features, y, extractor=ext, progress=False)
    res["extract_s"].update(mnist=t1, mnist_shifted=t2, mnist_other=t3)
    res["mnist_vs_shifted_1px"] = pair(fx, fs, n // 2)
    res["mnist_vs_itself"] = {"fid": fid(fx, fx)}
    res["mnist_vs_disjoint"] = pair(fx, fy, n // 2)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=1000, help="CIFAR images per side")
    p.add_argument("--n-mnist", type=int, default=500, help="MNIST images per side")
    p.add_argument("--n-fp16", type=int, default=100, help="images per side of the fp16 check")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    p.add_argument("--out", default="results/metrics_sanity.json")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    ext = load_extractor(device="cpu")
    res: dict = {
        "machine": machine(),
        "extractor": ext.describe(),
        "n": args.n,
        "n_mnist": args.n_mnist,
        "n_fp16": args.n_fp16,
        "extract_s": {},
    }
    cifar(ext, args.n, args.n_fp16, res)
    mnist(ext, args.n_mnist, res)
    res["wall_s"] = time.perf_counter() - t0
    res["machine"]["loadavg_end"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
