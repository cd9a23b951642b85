"""Loss functions against hand-computed values."""

from __future__ import annotations

import math

import pytest
import torch

from ganlens.train import losses as L

REAL = torch.tensor([2.0, -1.0])
FAKE = torch.tensor([0.5, -3.0])


def sp(x: float) -> float:
    return math.log1p(math.exp(x))


def test_non_saturating():
    assert L.ns_d(REAL, FAKE).item() == pytest.approx((sp(-2) + sp(1)) / 2 + (sp(0.5) + sp(-3)) / 2)
    assert L.ns_g(FAKE).item() == pytest.approx((sp(-0.5) + sp(3)) / 2)


def test_hinge():
    # relu(1-2)=0, relu(1+1)=2 -> 1 ; relu(1+0.5)=1.5, relu(1-3)=0 -> 0.75
    assert L.hinge_d(REAL, FAKE).item() == pytest.approx(1.75)
    assert L.hinge_g(FAKE).item() == pytest.approx(1.25)


def test_wgan_and_lsgan():
    assert L.wgan_d(REAL, FAKE).item() == pytest.approx(-1.25 - 0.5)
    assert L.wgan_g(FAKE).item() == pytest.approx(1.25)
    assert L.lsgan_d(REAL, FAKE).item() == pytest.approx(0.5 * (1 + 4) / 2 + 0.5 * (0.25 + 9) / 2)
    assert L.lsgan_g(FAKE).item() == pytest.approx(0.5 * (0.25 + 16) / 2)


def test_penalties_on_a_linear_critic():
    w = torch.tensor([3.0, 4.0])  # ||w|| = 5

    def score(x):
        return x @ w

    real = torch.randn(6, 2, requires_grad=True)
    fake = torch.randn(6, 2)
    assert L.r1_penalty(score(real), real).item() == pytest.approx(25.0)
    gp = L.gradient_penalty(score, real.detach(), fake, torch.Generator().manual_seed(0))
    assert gp.item() == pytest.approx(16.0)


def test_gradient_penalty_reaches_critic_parameters():
    lin = torch.nn.Linear(3, 1)
    gp = L.gradient_penalty(lambda x: lin(x)[:, 0], torch.randn(4, 3), torch.randn(4, 3))
    gp.backward()
    assert lin.weight.grad is not None and lin.weight.grad.abs().sum() > 0


def test_registry():
    assert set(L.LOSSES) == {"ns", "hinge", "wgan", "wgan-gp", "lsgan"}
    with pytest.raises(ValueError, match="unknown loss 'bce'"):
        L.get_losses("bce")
