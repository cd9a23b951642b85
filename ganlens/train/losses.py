"""Adversarial losses as pure functions of D logits (and, for penalties, of D and images).

Every D loss takes ``(real_logits, fake_logits)`` and every G loss takes ``fake_logits``; all
logits are raw D outputs of shape (N,). Losses return scalar tensors (batch means).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

DLoss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
GLoss = Callable[[torch.Tensor], torch.Tensor]


def ns_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Non-saturating / DCGAN D loss: softplus(-D(x)) + softplus(D(G(z)))."""
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def ns_g(fake: torch.Tensor) -> torch.Tensor:
    """Non-saturating G loss: softplus(-D(G(z)))."""
    return F.softplus(-fake).mean()


def hinge_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Hinge D loss: relu(1 - D(x)) + relu(1 + D(G(z)))."""
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def hinge_g(fake: torch.Tensor) -> torch.Tensor:
    """Hinge G loss: -D(G(z))."""
    return -fake.mean()


def wgan_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Wasserstein critic loss: D(G(z)) - D(x) (needs clipping or a gradient penalty)."""
    return fake.mean() - real.mean()


def wgan_g(fake: torch.Tensor) -> torch.Tensor:
    """Wasserstein G loss: -D(G(z))."""
    return -fake.mean()


def lsgan_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Least-squares D loss (a=0, b=1): 0.5 (D(x) - 1)^2 + 0.5 D(G(z))^2."""
    return 0.5 * ((real - 1.0) ** 2).mean() + 0.5 * (fake**2).mean()


def lsgan_g(fake: torch.Tensor) -> torch.Tensor:
    """Least-squares G loss (c=1): 0.5 (D(G(z)) - 1)^2."""
    return 0.5 * ((fake - 1.0) ** 2).mean()


LOSSES: dict[str, tuple[DLoss, GLoss]] = {
    "ns": (ns_d, ns_g),
    "hinge": (hinge_d, hinge_g),
    "wgan": (wgan_d, wgan_g),
    "wgan-gp": (wgan_d, wgan_g),
    "lsgan": (lsgan_d, lsgan_g),
}


def get_losses(name: str) -> tuple[DLoss, GLoss]:
    """The ``(d_loss, g_loss)`` pair called ``name``."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {tuple(LOSSES)}")
    return LOSSES[name]


def _grad_norm_sq(outputs: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
    (grad,) = torch.autograd.grad(outputs.sum(), inputs, create_graph=True)
    return grad.reshape(len(grad), -1).pow(2).sum(dim=1)


def r1_penalty(real_logits: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """R1 (Mescheder et al. 2018): E ||grad_x D(x)||^2 on real images; ``real`` needs grad.

    Returns the unweighted penalty; the loop multiplies by ``gamma / 2``.
    """
    return _grad_norm_sq(real_logits, real).mean()


def gradient_penalty(
    score: Callable[[torch.Tensor], torch.Tensor],
    real: torch.Tensor,
    fake: torch.Tensor,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """WGAN-GP (Gulrajani et al. 2017): E (||grad D(x_hat)|| - 1)^2 on random interpolates.

    Args:
        score: maps images to logits (N,), e.g. ``lambda x: lens.score(x, y)``.
        real, fake: image batches of the same shape.
        generator: CPU generator for the interpolation weights (reproducibility).
    """
    shape = (len(real),) + (1,) * (real.ndim - 1)
    eps = torch.rand(shape, generator=generator).to(real.device)
    x_hat = (eps * real + (1.0 - eps) * fake.detach()).requires_grad_(True)
    norms = _grad_norm_sq(score(x_hat), x_hat).add(1e-12).sqrt()
    return ((norms - 1.0) ** 2).mean()
