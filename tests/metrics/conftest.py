"""Fixtures of the metric tests: a tiny stand-in extractor, and the real Inception file if present.

Tests that need the real network skip with a reason when the file is absent (a developer offline
still gets a green suite); under CI (``CI`` set) they fail instead, because ``make test`` fetches
the file first and a skip there would hide that the network never ran.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from torch import nn

from ganlens.metrics import FeatureExtractor
from ganlens.metrics.inception import locate_inception


class TinyNet(nn.Module):
    """(N, 3, 16, 16) -> (N, 8): a conv, ReLU and global average pool, fixed by a seed."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.conv = nn.Conv2d(3, 8, 3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.conv(x)).mean(dim=(2, 3))


@pytest.fixture
def tiny_extractor() -> FeatureExtractor:
    return FeatureExtractor(
        TinyNet(), name="tiny test net", sha256="0" * 64, size=16, num_features=8
    )


@pytest.fixture(scope="session")
def inception_path() -> Path:
    try:
        return locate_inception()
    except FileNotFoundError:
        reason = "needs the FID Inception file (run `ganlens fetch-inception`; `make test` does it)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Inception tests: {reason}")
        pytest.skip(reason)
