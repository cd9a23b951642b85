"""What the step-time benchmarks share: a seeded trainer of a config, and a timed run of steps."""

from __future__ import annotations

import os
import platform
import subprocess
import time

import torch

import ganlens as gl
from ganlens.config import ExperimentConfig
from ganlens.train import Trainer
from ganlens.train.precision import native_bf16


def seeded_trainer(config: ExperimentConfig) -> Trainer:
    """A Trainer of ``config``'s players, task and method, seeded with 0."""
    data = gl.load_data(config)
    lens, method = gl.build(config, data)
    return Trainer(lens, lens.task(data), config.optim, method, seed=0)


def step_time(t: Trainer, steps: int) -> float:
    """Mean seconds per training step over ``steps`` steps."""
    t0 = time.perf_counter()
    for _ in range(steps):
        t.train_step()
    return (time.perf_counter() - t0) / steps


def interleaved(
    trainers: dict[str, Trainer], rounds: int, steps: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Seconds per step of each trainer, ``rounds`` times, the trainers taking turns each round
    (so load from other processes hits them alike), after ``warmup`` steps each."""
    for t in trainers.values():
        step_time(t, warmup)
    times: dict[str, list[float]] = {name: [] for name in trainers}
    for _ in range(rounds):
        for name, t in trainers.items():
            times[name].append(step_time(t, steps))
    return times


def machine_line(threads: int, rounds: int, steps: int) -> str:
    """The machine, torch, commit and load average a benchmark ran on, as one line."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"machine: {platform.processor() or platform.machine()}, CPU capability "
        f"{torch.backends.cpu.get_cpu_capability()}, native bf16 {native_bf16(torch.device('cpu'))}, "
        f"{threads} torch threads, torch {torch.__version__}, commit {commit}, load average {load}; "
        f"{rounds} rounds x {steps} steps, interleaved"
    )
