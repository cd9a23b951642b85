"""Differentiable augmentation of every image D sees, with ADA's adaptive probability.

StyleGAN2-ADA (Karras et al., NeurIPS 2020) augments the real and the generated images before
D, in every phase (D, G, R1), with each augmentation applied with probability p, and adjusts p
during training from the overfitting heuristic r_t = E[sign(D(x_real))] on D's training batches:
every ``interval`` iterations, ``p += sign(r_t - target) * images / (ada_kimg * 1000)`` where
``images`` is the real images D saw in those iterations, clamped to [0, 1]. A D that is too sure
of the reals (r_t above the target 0.6) gets more augmentation.

The augmentations (``KINDS``) are a small subset of ADA's pipeline, each differentiable with
respect to the image (so G learns through them) and drawn per image from the run's generator:

- ``xflip``: mirror left-right;
- ``translate``: an integer shift of up to 1/8 of the side in x and y, reflect-padded;
- ``cutout``: a zeroed square of half the side at a uniform centre (DeVries & Taylor; ADA's
  cutout, DiffAugment's);
- ``color``: brightness (+ N(0, 0.2)), contrast (x lognormal(0, 0.5 ln 2) about the image mean)
  and, for 3 channels, saturation (x lognormal(0, ln 2) about the grey value), each with
  probability p.

A method that reads D's spatial maps of G's images sees the augmented images' maps: with
EqGAN-SA's ``L_align`` a flip or shift moves D's attention away from the sample's heatmap, so
pair it with ``augment_kinds=("color",)`` (or cutout) there.

Differences from ADA: no integer 90-degree rotations, no arbitrary rotations, scaling,
anisotropy or fractional translation (ADA's 'bgc' pipeline has them, with a wavelet-filtered
upsampling), no hue rotation, no luma flip and no image-space filtering or noise; ADA's
brightness/contrast/saturation strengths are the ones above.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor

if TYPE_CHECKING:
    from ganlens.train.config import OptimConfig

KINDS = ("xflip", "translate", "cutout", "color")
AUGMENTS = ("none", "fixed", "ada")


def augment(
    x: Tensor, p: float, generator: torch.Generator, kinds: Sequence[str] = KINDS
) -> Tensor:
    """``x`` (N, C, H, W) with each of ``kinds`` applied to each image with probability ``p``.

    The random draws come from ``generator`` (a CPU generator; every kind draws its numbers
    whatever ``p``, so a run's later draws do not depend on p). Differentiable in ``x``.
    """
    for kind in kinds:
        x = _APPLY[kind](x, p, generator)
    return x


def _chosen(n: int, p: float, generator: torch.Generator, device: torch.device) -> Tensor:
    """(n,) booleans, each True with probability p."""
    return (torch.rand(n, generator=generator) < p).to(device)


def _xflip(x: Tensor, p: float, generator: torch.Generator) -> Tensor:
    keep = _chosen(len(x), p, generator, x.device)[:, None, None, None]
    return torch.where(keep, x.flip(-1), x)


def _translate(x: Tensor, p: float, generator: torch.Generator) -> Tensor:
    n, _, h, w = x.shape
    on = _chosen(n, p, generator, x.device)
    m = max(1, round(min(h, w) / 8))
    shift = torch.randint(-m, m + 1, (n, 2), generator=generator).to(x.device) * on[:, None]
    padded = torch.nn.functional.pad(x, (m, m, m, m), mode="reflect")
    rows = torch.arange(h, device=x.device)[None, :] + m - shift[:, :1]  # (n, h)
    cols = torch.arange(w, device=x.device)[None, :] + m - shift[:, 1:]  # (n, w)
    batch = torch.arange(n, device=x.device)[:, None, None]
    out = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]  # (n, h, w, C)
    return out.permute(0, 3, 1, 2)


def _cutout(x: Tensor, p: float, generator: torch.Generator) -> Tensor:
    n, _, h, w = x.shape
    on = _chosen(n, p, generator, x.device)
    centre = torch.rand(n, 2, generator=generator).to(x.device)
    ys = (torch.arange(h, device=x.device) + 0.5) / h
    xs = (torch.arange(w, device=x.device) + 0.5) / w
    inside_y = (ys[None, :] - centre[:, :1]).abs() < 0.25  # (n, h): a square of half the side
    inside_x = (xs[None, :] - centre[:, 1:]).abs() < 0.25
    cut = inside_y[:, :, None] & inside_x[:, None, :] & on[:, None, None]
    return x * (~cut)[:, None].to(x.dtype)


def _color(x: Tensor, p: float, generator: torch.Generator) -> Tensor:
    n, c = x.shape[:2]
    dev = x.device

    def factor(std: float) -> Tensor:  # lognormal(0, std) where chosen, else 1; (n, 1, 1, 1)
        on = _chosen(n, p, generator, dev)
        value = torch.exp(torch.randn(n, generator=generator) * std).to(dev)
        return torch.where(on, value, torch.ones_like(value))[:, None, None, None]

    on = _chosen(n, p, generator, dev)
    shift = torch.randn(n, generator=generator).to(dev) * 0.2
    x = x + torch.where(on, shift, torch.zeros_like(shift))[:, None, None, None]
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - mean) * factor(0.5 * math.log(2)) + mean
    saturation = factor(math.log(2))
    if c == 3:
        grey = x.mean(dim=1, keepdim=True)
        x = (x - grey) * saturation + grey
    return x


_APPLY = {"xflip": _xflip, "translate": _translate, "cutout": _cutout, "color": _color}


class Augment:
    """The augmentation of one run: its probability ``p`` and, for ``"ada"``, its adjustment.

    Args:
        mode: ``"fixed"`` (p stays ``p``) or ``"ada"`` (p starts at ``p`` and adapts).
        p: the (initial) probability.
        kinds: the augmentations, a subset of :data:`KINDS`, applied in that order.
        target: ADA's target r_t (0.6).
        kimg: thousands of real images over which p can move from 0 to 1 (ADA: 500).
        interval: iterations between adjustments (ADA: 4).
    """

    def __init__(
        self,
        mode: str,
        p: float,
        kinds: Sequence[str] = KINDS,
        target: float = 0.6,
        kimg: float = 500.0,
        interval: int = 4,
    ) -> None:
        self.mode, self.p, self.kinds = mode, float(p), tuple(kinds)
        self.target, self.kimg, self.interval = target, kimg, interval
        self._signs, self._count, self._iterations = 0.0, 0, 0

    def __call__(self, x: Tensor, generator: torch.Generator) -> Tensor:
        """``x`` augmented at the current ``p``."""
        return augment(x, self.p, generator, self.kinds)

    def observe(self, real_logits: Tensor) -> None:
        """Add a D training batch's logits on reals to the r_t of the current interval."""
        self._signs += float(torch.sign(real_logits.detach().float()).sum())
        self._count += len(real_logits)

    def end_iteration(self) -> None:
        """Count an iteration; at the end of each interval, move p (``"ada"`` only)."""
        self._iterations += 1
        if self.mode != "ada" or self._iterations % self.interval or not self._count:
            return
        r_t = self._signs / self._count
        step = (r_t > self.target) - (r_t < self.target)  # ADA: sign(r_t - target)
        self.p = min(1.0, max(0.0, self.p + step * self._count / (self.kimg * 1000)))
        self._signs, self._count = 0.0, 0

    def state_dict(self) -> dict[str, Any]:
        """p and the partial interval, for an exact resume."""
        return {"p": self.p, "signs": self._signs, "count": self._count, "it": self._iterations}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
        self.p, self._signs = float(state["p"]), float(state["signs"])
        self._count, self._iterations = int(state["count"]), int(state["it"])


def make_augment(optim: OptimConfig) -> Augment | None:
    """The run's :class:`Augment` from ``optim.augment`` and its settings; ``None`` for "none"."""
    if optim.augment == "none":
        return None
    return Augment(
        optim.augment,
        optim.augment_p,
        optim.augment_kinds,
        optim.ada_target,
        optim.ada_kimg,
        optim.ada_interval,
    )
