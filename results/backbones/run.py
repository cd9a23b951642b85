"""Does a backbone learn in the cpu regime? Train its preset in segments and measure FD-LeNet.

The preset (default ``sngan-resnet-digit3`` at ``cpu``: 200 MNIST-5k threes) is trained to
``--every``, 2x``--every``, ... steps (one run directory, each segment resumes the last), and
after each segment FD-LeNet on ``--fd-n`` samples of G against the 200 training images is
measured with a LeNet ganlens trains on all of MNIST-5k at the run's resolution (cached), with
its feature spread and the collapse flag. Writes ``<name>_curve.csv``, ``<name>_curve.png`` (FD
over steps) and ``<name>_samples.png`` (64 samples of the final G) next to this script.

    python results/backbones/run.py --preset sngan-resnet-digit3 --every 500
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import torch

import ganlens as gl
from ganlens.metrics.classifier import evaluate_features, load_or_train_classifier
from ganlens.metrics.sampling import generate_uint8

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="sngan-resnet-digit3")
    parser.add_argument("--scale", default="cpu")
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--fd-n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--root", default="runs/backbones")
    args = parser.parse_args()
    torch.set_num_threads(1)
    config = gl.get_preset(args.preset, args.scale).replace(seed=args.seed)
    total = config.optim.steps
    data = gl.load_data(config)
    net = load_or_train_classifier(gl.data.load("mnist5k", resolution=config.data.resolution))
    run_dir = Path(args.root) / f"{args.preset}-{args.scale}-s{args.seed}"
    rows, t0 = [], time.perf_counter()
    for steps in range(args.every, total + 1, args.every):
        result = gl.load_or_train(
            config.replace(steps=steps), run_dir, progress=False, report=False
        )
        row = evaluate_features(result.lens, data, net, n=args.fd_n, seed=0, G=result.G_ema)
        rows.append({"step": steps, "wall_s": round(time.perf_counter() - t0), **row})
        print(rows[-1], flush=True)
    curve = pd.DataFrame(rows)
    name = f"{args.preset}-{args.scale}-s{args.seed}"
    curve.to_csv(HERE / f"{name}_curve.csv", index=False)
    _figures(curve, result, name, config, net.accuracy)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    (HERE / f"{name}_machine.txt").write_text(
        f"{platform.processor() or platform.machine()}, torch {torch.__version__}, 1 thread, "
        f"commit {commit}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"precision {result.summary.get('precision')}, {curve.wall_s.iloc[-1]} s in all\n"
    )


def _figures(curve: pd.DataFrame, result, name: str, config, acc: float) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    collapsed = curve.fd_lenet_collapsed.astype(bool)
    ax.plot(curve.step, curve.fd_lenet, marker="o", label="FD-LeNet (lower is better)")
    ax.scatter(
        curve.step[collapsed],
        curve.fd_lenet[collapsed],
        marker="x",
        color="red",
        s=60,
        zorder=3,
        label="collapsed (spread < 0.25 or precision < 0.05)",
    )
    ax.set_yscale("log")
    ax.set_xlabel("training step (batch 64)")
    ax.set_ylabel(f"FD-LeNet-{curve.fd_lenet_n.iloc[0]} vs the 200 threes")
    ax.set_title(
        f"{config.model.name} on 200 MNIST-5k threes, {config.data.resolution} px\n"
        f"(LeNet held-out accuracy {acc:.3f}; seed {config.seed})",
        fontsize="medium",
    )
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(HERE / f"{name}_curve.png", dpi=110)
    plt.close(fig)
    images = generate_uint8(result.lens, 64, torch.Generator().manual_seed(0), G=result.G_ema)
    grid = gl.viz.sample_grid(
        images,
        title=f"{config.model.name}: 64 samples at step {curve.step.iloc[-1]} (seed {config.seed})",
    )
    grid.savefig(HERE / f"{name}_samples.png", dpi=110, bbox_inches="tight")


if __name__ == "__main__":
    main()
