"""report.md for a run directory: figures of the game (realness curves, DI, losses, r_t) and samples."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from ganlens.checkpoints import atomic_write_bytes, atomic_write_text
from ganlens.resume import changes_of
from ganlens.runs import Run
from ganlens.viz import di_curve, loss_curves, realness_curves, rt_curve, save_grid, toy_scatter

FIGURES = {
    "realness": ("Realness curves (EqGAN-SA Fig. 1 view)", realness_curves),
    "di": ("Disequilibrium Indicator over training", di_curve),
    "losses": ("Losses", loss_curves),
    "r_t": ("ADA overfitting heuristic r_t", rt_curve),
}


def save_figure(fig: Figure, path: str | Path, dpi: int = 120) -> Path:
    """Save ``fig`` as PNG atomically and close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)  # a pyplot figure of a user's is released; ganlens figures are not pyplot's
    return atomic_write_bytes(path, buf.getvalue())


def save_samples(fake: torch.Tensor, data: Any, path: str | Path, title: str = "") -> Path:
    """An image grid for image models, a real-vs-fake scatter for 2-D toys."""
    if fake.ndim == 4:
        return save_grid(fake, path, nrow=8)
    real, _ = data.sample(len(fake), torch.Generator().manual_seed(0))
    return save_figure(toy_scatter(real, fake, title=title), path)


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.4f}" if isinstance(value, float) and math.isfinite(value) else str(value)


def _summary_lines(run: Run) -> list[str]:
    cfg = run.read_config()
    summary = run.read_summary()
    opt = cfg.optim
    lines = [
        f"# ganlens run: {cfg.model.name} on {cfg.data.name}",
        "",
        f"Loss `{opt.loss}`, method `{cfg.method.name}`, {opt.steps} G steps of batch "
        f"{opt.batch_size}, n_dis {opt.n_dis}, Adam lr G/D {opt.lr_g}/{opt.lr_d} betas "
        f"{tuple(opt.betas)}, seed {cfg.seed}. "
        "Full settings: `config.json`; one row per logging step: `history.csv`.",
        "",
    ]
    if summary:
        pools = summary["final_di_pools"]
        lines += [
            f"**Final DI = {summary['final_di_mean']:.3f} ± {summary['final_di_std']:.3f}** "
            f"(std over {summary['final_di_repeats']} draws of {summary['final_di_draw'][0]} real + "
            f"{summary['final_di_draw'][1]} fake from pools of {pools[0]} + {pools[1]}; D logits; "
            f"samples from {summary['final_di_G']}). DI = min D(real) − max D(fake): lower is closer "
            "to equilibrium; positive means D ranks every real image above every fake one, negative "
            "that some fake images score above some real ones.",
            "",
            f"Training time {summary['train_elapsed_s']:.0f} s on {summary['device']} "
            f"({summary['threads']} threads, torch {summary['torch']}).",
            "",
        ]
    else:
        lines += ["*The run has not finished; figures show the history so far.*", ""]
    return lines


def _last_row_table(run: Run) -> list[str]:
    history = run.read_history()
    if history.empty:
        return []
    last = history.iloc[-1]
    keys = [
        "step",
        "real_min",
        "fake_max",
        "gap",
        "real_mean",
        "fake_mean",
        "r_t",
        "di_mean",
        "di_std",
    ]
    return [
        "| " + " | ".join(keys) + " |",
        "|" + "---|" * len(keys),
        "| " + " | ".join(_fmt(last[k]) for k in keys) + " |",
        "",
    ]


def _changes_lines(run: Run) -> list[str]:
    """The settings a resumed run was given, with the step they took effect (``changes.json``)."""
    changes = changes_of(run)
    if not changes:
        return []
    lines = ["## Settings changed on resume", ""]
    for entry in changes:
        what = ", ".join(f"`{k}` {old} → {new}" for k, (old, new) in entry["changes"].items())
        lines.append(f"- from step {entry['step']} ({entry['when']}): {what}")
    return [*lines, ""]


def write_report(run: Run | str | Path) -> Path:
    """(Re)build ``figures/*.png`` and ``report.md`` from the files of a run directory."""
    run = run if isinstance(run, Run) else Run(run)
    history = run.read_history()
    if history.empty:
        raise ValueError(f"{run.path} has no history.csv rows yet; nothing to report")
    lines = [
        *_summary_lines(run),
        *_changes_lines(run),
        "## Last logged step",
        "",
        *_last_row_table(run),
    ]
    for name, (title, plot) in FIGURES.items():
        path = save_figure(plot(history), run.figures_dir / f"{name}.png")
        lines += [f"## {title}", "", f"![{title}]({path.relative_to(run.path).as_posix()})", ""]
    samples = run.samples()
    if samples:
        lines += ["## Samples (fixed latents)", ""]
        for path in [samples[0], samples[-1]] if len(samples) > 1 else samples:
            rel = path.relative_to(run.path).as_posix()
            lines += [f"![{path.stem}]({rel})", f"*{path.stem.replace('_', ' ')}*", ""]
    ckpts = run.checkpoints()
    if ckpts:
        lines += ["## Checkpoints", ""] + [
            f"- `{p.relative_to(run.path).as_posix()}`" for p in ckpts
        ]
    return atomic_write_text(run.report_path, "\n".join(lines) + "\n")
