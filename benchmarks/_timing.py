"""What the step-time benchmarks share: a seeded trainer of a config, and a timed run of steps."""

from __future__ import annotations

import time

import ganlens as gl
from ganlens.config import ExperimentConfig
from ganlens.train import Trainer


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
