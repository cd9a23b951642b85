"""Shared fixtures: tiny hand-made models and data so tests run in seconds on a CPU."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from torch import nn

from ganlens import DataConfig, ExperimentConfig, OptimConfig, TrackConfig
from ganlens.data import ImageDataset
from ganlens.hooks import HookPoint
from ganlens.models import DCGANConfig
from ganlens.train import Callback

# A run of seconds: SN-DCGAN width 4 on MNIST-5k at 8 px, 6 steps of batch 8, a row and a
# checkpoint every 2 steps.
TINY = ExperimentConfig(
    data=DataConfig("mnist5k", resolution=8),
    model=DCGANConfig("sn-dcgan", width=4),
    optim=OptimConfig(loss="hinge", steps=6, batch_size=8),
    track=TrackConfig(
        log_every=2,
        ckpt_every=2,
        sample_every=2,
        track_pool=64,
        di_repeats=10,
        final_pool=64,
        keep_checkpoints=10,
    ),
    seed=1,
)


class TinyG(nn.Module):
    """z (N, 4) -> images (N, 1, 8, 8) in [-1, 1], with two hook points."""

    def __init__(self) -> None:
        super().__init__()
        self.z_dim, self.n_classes, self.channels, self.resolution = 4, 0, 1, 8
        self.blocks = nn.ModuleList([HookPoint(nn.Linear(4, 32)), HookPoint(nn.Linear(32, 64))])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.blocks[0](z))
        return torch.tanh(self.blocks[1](h)).view(-1, 1, 8, 8)


class TinyD(nn.Module):
    """images (N, 1, 8, 8) -> logits (N,), with two conv hook points."""

    def __init__(self) -> None:
        super().__init__()
        self.channels, self.resolution, self.n_classes = 1, 8, 0
        self.blocks = nn.ModuleList(
            [
                HookPoint(nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.LeakyReLU(0.2))),
                HookPoint(
                    nn.Sequential(nn.Conv2d(4, 4, 4, stride=2, padding=1), nn.LeakyReLU(0.2))
                ),
            ]
        )
        self.head = nn.Linear(4 * 4 * 4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.blocks[1](self.blocks[0](x))
        return self.head(h.flatten(1)).squeeze(1)


@pytest.fixture
def tiny_models() -> tuple[nn.Module, nn.Module]:
    torch.manual_seed(0)
    return TinyG(), TinyD()


@pytest.fixture
def tiny_images() -> ImageDataset:
    """64 random 1x8x8 uint8 images with labels 0..3."""
    gen = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (64, 1, 8, 8), generator=gen, dtype=torch.uint8)
    labels = torch.arange(64) % 4
    return ImageDataset(
        images=images,
        labels=labels,
        class_names=("a", "b", "c", "d"),
        name="tiny",
        source="generated in tests",
    )


class StopAt(Callback):
    """Interrupts a run (KeyboardInterrupt) after G update ``step``."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_step(self, state):
        if state.step == self.step:
            raise KeyboardInterrupt


def trained_and_resumed(config: ExperimentConfig, root, stop: int = 3):
    """``config`` trained straight to the end under ``root/full``, and interrupted after step
    ``stop`` then resumed under ``root/cut``; asserts the two histories are identical (but
    for wall time) and returns the uninterrupted run's result."""
    from ganlens import load_or_train

    full = load_or_train(config, root / "full", progress=False, report=False)
    with pytest.raises(KeyboardInterrupt):
        load_or_train(config, root / "cut", callbacks=[StopAt(stop)], progress=False, report=False)
    resumed = load_or_train(config, root / "cut", progress=False, report=False)
    cols = [c for c in full.history.columns if c != "elapsed_s"]
    assert full.history[cols].equals(resumed.history[cols])
    return full


@pytest.fixture
def stop_at() -> type[StopAt]:
    """The :class:`StopAt` callback class, to interrupt runs in resume tests."""
    return StopAt


@pytest.fixture
def tiny_config() -> ExperimentConfig:
    """:data:`TINY`: a seconds-long SN-DCGAN run on MNIST-5k at 8 px."""
    return TINY
