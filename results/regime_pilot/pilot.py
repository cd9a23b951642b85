"""The regime pilot of issue 14: which small CPU setting gives a healthy GAN whose D dominates?

Trains a grid of candidate baselines on MNIST-5k at 32 px (SN-DCGAN / DCGAN width 16, hinge /
non-saturating loss, 500 images of one digit or all 5,000) with two parallel one-thread workers,
then measures every run the same way and writes ``pilot.csv`` (one row per run) next to this
file. Endpoints, fixed before the runs:

- ``di_late``: mean tracker DI over the second half of training, ``di_late_pos``: the share of
  its rows with DI > 0; ``rt_late``: mean r_t over the second half;
- ``di_final``: DI of the final G (EMA if any) on 1,024 + 1,024 images, 200 draws of 64 + 64;
- ``fd_lenet``: FD-LeNet of 10k samples against the run's training images (LeNet trained by
  ganlens on all of MNIST-5k, its held-out accuracy in ``lenet_acc``);
- ``collapsed``: fake-feature spread tr(cov) below 25% of the real's, or kNN precision (k = 3,
  2,000 + 2,000 LeNet features) below 0.05.

    python results/regime_pilot/pilot.py [--out runs/pilot] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import torch

HERE = Path(__file__).resolve().parent


def candidates() -> dict[str, dict]:
    """Name -> overrides of the demo cpu preset (what each pilot arm changes)."""
    fast = {"precision": "bf16", "channels_last": True}
    digit3 = {"data.classes": ("3",)}
    return {
        "A sn-dcgan hinge 500": {**digit3, "model.name": "sn-dcgan", "loss": "hinge", **fast},
        "B dcgan hinge 500": {**digit3, "model.name": "dcgan", "loss": "hinge", **fast},
        "C dcgan ns 500": {**digit3, "model.name": "dcgan", "loss": "ns", **fast},
        "C dcgan ns 500 fp32": {**digit3, "model.name": "dcgan", "loss": "ns"},
        "D dcgan ns 5000": {"model.name": "dcgan", "loss": "ns", **fast},
        # wave 2, after wave 1 showed C's DI rising through 0 only in its last 600 steps
        "E dcgan ns 500 6000 steps": {
            **digit3,
            "model.name": "dcgan",
            "loss": "ns",
            **fast,
            "steps": 6000,
        },
        "H dcgan ns 200": {
            **digit3,
            "model.name": "dcgan",
            "loss": "ns",
            **fast,
            "per_class": 200,
        },
        "T dcgan ns 500 ttur": {
            **digit3,
            "model.name": "dcgan",
            "loss": "ns",
            **fast,
            "lr_d": 4e-4,
            "lr_g": 1e-4,
        },
    }


WAVES = {
    1: {
        "A sn-dcgan hinge 500": (0, 1),
        "B dcgan hinge 500": (0, 1),
        "C dcgan ns 500": (0, 1, 2),
        "C dcgan ns 500 fp32": (0, 1, 2),
        "D dcgan ns 5000": (0, 1),
    },
    2: {"E dcgan ns 500 6000 steps": (0,), "H dcgan ns 200": (0, 1), "T dcgan ns 500 ttur": (0, 1)},
}
STEPS = 3000


def config(arm: str, seed: int):
    import ganlens as gl

    return gl.get_preset("demo", "cpu").replace(
        **{"steps": STEPS, **candidates()[arm]},
        seed=seed,
        device="cpu",
        log_every=100,
        ckpt_every=1000,
        sample_every=1500,
    )


def _init() -> None:
    torch.set_num_threads(1)


def job(arm: str, seed: int, root: str) -> dict:
    """Train (or load) one run and measure it."""
    import ganlens as gl
    from ganlens.metrics.classifier import evaluate_features, load_or_train_classifier
    from ganlens.study import run_name
    from ganlens.track.scoring import evaluate_di

    cfg = config(arm, seed)
    t0 = time.perf_counter()
    result = gl.load_or_train(cfg, Path(root) / run_name(cfg), progress=False, report=False)
    wall = time.perf_counter() - t0
    hist = result.run.read_history()
    late = hist[hist.step >= cfg.optim.steps // 2]
    data = gl.load_data(cfg)
    net = load_or_train_classifier(gl.data.load("mnist5k", resolution=32))
    G = result.G_ema
    feats = evaluate_features(result.lens, data, net, n=10_000, seed=0, G=G)
    di = evaluate_di(result.lens, data, pool=1024, seed=0, G=G)
    return {
        "arm": arm,
        "seed": seed,
        "images": len(data),
        "di_late": float(late.di_mean.mean()),
        "di_late_pos": float((late.di_mean > 0).mean()),
        "rt_late": float(late.r_t.mean()),
        "di_final": di.mean,
        "di_final_std": di.std,
        **feats,
        "train_s": result.summary.get("train_elapsed_s"),
        "job_wall_s": wall,
        "run": str(result.run.path),
    }


def summarize(table: pd.DataFrame) -> str:
    """pilot.md: each arm's endpoints (mean ± 95% CI), fp32/bf16 parity, and seed planning."""
    from ganlens import stats

    cols = [
        "di_late",
        "di_late_pos",
        "rt_late",
        "di_final",
        "fd_lenet",
        "fd_lenet_spread",
        "fd_lenet_precision",
        "fd_lenet_recall",
        "train_s",
    ]
    lines = [
        "| arm | seeds | collapsed | " + " | ".join(cols) + " |",
        "|---" * (len(cols) + 3) + "|",
    ]
    for arm, part in table.groupby("arm", sort=False):
        cells = []
        for c in cols:
            v = part[c].astype(float).tolist()
            ci = stats.ci95(v)
            cells.append(f"{sum(v) / len(v):.3g}" + (f" ± {ci:.2g}" if ci == ci else ""))
        collapsed = int(part.fd_lenet_collapsed.sum())
        lines.append(f"| {arm} | {len(part)} | {collapsed} | " + " | ".join(cells) + " |")
    out = ["## Arms (mean ± 95% t CI over seeds)", "", *lines, ""]
    a = table[table.arm == "C dcgan ns 500"].sort_values("seed")
    b = table[table.arm == "C dcgan ns 500 fp32"].sort_values("seed")
    if len(a) >= 2 and len(b) >= 2:
        out += ["## Parity: bf16 + channels-last against fp32 (arm C, same seeds)", ""]
        for metric in ("fd_lenet", "di_final", "di_late"):
            res = stats.compare(a[metric].tolist(), b[metric].tolist())
            contains = abs(res["diff"]) <= res["ci95"]
            out.append(
                f"- {metric}: bf16 − fp32 = {res['diff']:.3g} ± {res['ci95']:.3g} (Welch 95%, "
                f"{res['seeds']} seeds; MDE {res['mde']:.3g}); the CI "
                f"{'contains' if contains else 'does not contain'} 0"
            )
        ratio = b.train_s.mean() / a.train_s.mean()
        out += [f"- training time: fp32 / bf16 = {ratio:.2f}x (same workers, same load)", ""]
    out += ["## Seeds for an MDE of 15% of the baseline FD-LeNet (Welch, 5%, 80% power)", ""]
    for arm, part in table.groupby("arm", sort=False):
        fd = part.fd_lenet.astype(float)
        if len(fd) >= 2:
            target = 0.15 * fd.mean()
            try:
                n = stats.seeds_for(float(fd.std(ddof=1)), target)
            except ValueError:
                n = "> 100"
            out.append(f"- {arm}: sd {fd.std(ddof=1):.3g}, mean {fd.mean():.3g} -> {n} seeds")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="runs/pilot")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--summarize", action="store_true", help="only rewrite pilot.md")
    parser.add_argument("--wave", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if args.summarize:
        (HERE / "pilot.md").write_text(summarize(pd.read_csv(HERE / "pilot.csv")))
        return
    import ganlens as gl
    from ganlens.metrics.classifier import load_or_train_classifier

    load_or_train_classifier(gl.data.load("mnist5k", resolution=32))  # once, before the workers
    jobs = [(arm, s) for w in args.wave for arm, seeds in WAVES[w].items() for s in seeds]
    # the slow arms first, so the two workers finish together
    jobs.sort(key=lambda j: not ("fp32" in j[0] or "6000" in j[0]))
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers, initializer=_init) as pool:
        rows = list(pool.map(job, *zip(*jobs), [args.out] * len(jobs)))
    table = pd.DataFrame(rows)
    old = HERE / "pilot.csv"
    if old.is_file():  # keep the rows of other waves (runs are cached by config anyway)
        kept = pd.read_csv(old)
        kept = kept[
            ~kept.set_index(["arm", "seed"]).index.isin(table.set_index(["arm", "seed"]).index)
        ]
        table = pd.concat([kept, table], ignore_index=True)
    table.to_csv(old, index=False)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    with (HERE / "machine.txt").open("a") as fh:
        fh.write(
            f"commit {commit}; {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"{args.workers} one-thread workers, torch {torch.__version__}; "
            f"wall {time.perf_counter() - t0:.0f} s for {len(jobs)} runs\n"
        )
    (HERE / "pilot.md").write_text(summarize(table))
    print(table.drop(columns="run").round(3).to_string())


if __name__ == "__main__":
    main()
