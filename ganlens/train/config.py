"""OptimConfig: how a run is optimised (loss, schedule, Adam, EMA, penalties)."""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any

from ganlens.fieldtypes import check_fields
from ganlens.train.augment import AUGMENTS, KINDS
from ganlens.train.precision import PRECISIONS

LOSS_NAMES = ("ns", "hinge", "wgan", "wgan-gp", "lsgan")
# |phase loss| beyond which a run counts as diverging, by loss: the saturating losses are O(1)
# in a sane run (a D saturating a sigmoid has logits of about +-20); a critic's are larger
DIVERGE_AT = {"ns": 100.0, "hinge": 100.0, "lsgan": 100.0, "wgan": 1e4, "wgan-gp": 1e4}


@dataclass(frozen=True)
class OptimConfig:
    """The optimisation settings of a run (the ``optim`` section of an experiment config).

    Attributes:
        loss: adversarial loss, one of ``LOSS_NAMES``.
        steps: number of training iterations (G updates).
        batch_size: images per D and per G step.
        n_dis: D updates per G update.
        lr_g, lr_d, betas: Adam settings of G and D.
        ema_beta: decay of an exponential moving average of G's weights (``None``: no EMA).
        r1_gamma: weight of the R1 penalty on real images (0 disables it).
        r1_every: lazy regularisation (StyleGAN2 Sec. 3.1): R1 only on every k-th iteration
            (all ``n_dis`` D updates of it), weighted by k; 1 = every iteration.
        gp_lambda: gradient-penalty weight of ``wgan-gp``.
        clip: weight clipping bound of ``wgan``.
        diverge_at: a phase loss whose magnitude stays above this for ``diverge_patience``
            iterations in a row stops training as diverged (NaN or inf stops it at once);
            ``None``: 100 for the ns, hinge and lsgan losses (O(1) in a sane run), 1e4 for the
            WGAN critics (:data:`DIVERGE_AT`).
        diverge_patience: iterations beyond ``diverge_at`` before stopping.
        precision: ``"fp32"``; ``"bf16"``: the players' forward passes under bfloat16
            autocast (convolutions and matmuls in bf16; parameters, optimiser state, logits,
            losses, GradCAM maps and every measurement stay float32); ``"auto"``: bf16 where
            the device computes bf16 natively, else fp32 (:mod:`ganlens.train.precision`:
            emulated bf16 on a CPU without AVX-512 BF16 is about 10x slower than fp32).
        channels_last: keep the players' convolution weights in channels-last memory format
            (faster convolutions on CPU with bf16; the numbers are the same up to rounding);
            ``"auto"``: on when the precision resolves to bf16.
        augment: augment every image D sees in training (:mod:`ganlens.train.augment`):
            ``"none"``; ``"fixed"`` (probability ``augment_p``); ``"ada"`` (StyleGAN2-ADA:
            p starts at ``augment_p`` and follows r_t towards ``ada_target``).
        augment_p: the (initial) probability of each augmentation, in [0, 1].
        augment_kinds: the augmentations, a subset of ``("xflip", "translate", "cutout",
            "color")``.
        ada_target, ada_kimg, ada_interval: ADA's target r_t (0.6), the thousands of real
            images over which p can move by 1 (500) and the iterations between adjustments (4).
    """

    loss: str = "hinge"
    steps: int = 1000
    batch_size: int = 64
    n_dis: int = 1
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    ema_beta: float | None = None
    r1_gamma: float = 0.0
    r1_every: int = 1
    gp_lambda: float = 10.0
    clip: float = 0.01
    diverge_at: float | None = None
    diverge_patience: int = 10
    precision: str = "fp32"
    channels_last: bool | str = False
    augment: str = "none"
    augment_p: float = 0.0
    augment_kinds: tuple[str, ...] = KINDS
    ada_target: float = 0.6
    ada_kimg: float = 500.0
    ada_interval: int = 4

    def __post_init__(self) -> None:
        check_fields(self, "optim")
        if self.precision not in PRECISIONS:
            raise ValueError(f"optim.precision must be one of {PRECISIONS}, got {self.precision!r}")
        if isinstance(self.channels_last, str) and self.channels_last != "auto":
            raise ValueError(
                f"optim.channels_last must be true, false or 'auto', got {self.channels_last!r}"
            )
        self._check_augment()
        if self.loss not in LOSS_NAMES:
            raise ValueError(f"unknown loss {self.loss!r}; choose one of {LOSS_NAMES}")
        for name in ("steps", "batch_size", "n_dis", "diverge_patience", "r1_every"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        for name, player in (("lr_g", "G"), ("lr_d", "D")):
            if getattr(self, name) < 0:
                raise ValueError(f"optim.{name} must be >= 0, got {getattr(self, name)!r}")
            if getattr(self, name) == 0:
                warnings.warn(f"optim.{name} = 0: {player} will not learn", stacklevel=3)
        if self.diverge_at is not None and not self.diverge_at > 0:
            raise ValueError(
                f"optim.diverge_at must be a positive number or None, got {self.diverge_at!r}"
            )
        for name in ("r1_gamma", "gp_lambda", "clip"):
            if getattr(self, name) < 0:
                raise ValueError(f"optim.{name} must be >= 0, got {getattr(self, name)!r}")
        if self.ema_beta is not None and not 0.0 < self.ema_beta < 1.0:
            raise ValueError(f"optim.ema_beta must be in (0, 1) or None, got {self.ema_beta}")
        if len(tuple(self.betas)) != 2:
            raise ValueError(f"betas must be two numbers (beta1, beta2), got {self.betas!r}")
        object.__setattr__(self, "betas", tuple(float(b) for b in self.betas))

    def _check_augment(self) -> None:
        if self.augment not in AUGMENTS:
            raise ValueError(f"optim.augment must be one of {AUGMENTS}, got {self.augment!r}")
        if not 0.0 <= self.augment_p <= 1.0:
            raise ValueError(f"optim.augment_p must be in [0, 1], got {self.augment_p!r}")
        bad = [k for k in self.augment_kinds if k not in KINDS]
        if bad or not self.augment_kinds:
            raise ValueError(
                f"optim.augment_kinds must be a non-empty subset of {KINDS}, got {self.augment_kinds!r}"
            )
        if self.ada_kimg <= 0 or isinstance(self.ada_interval, bool) or self.ada_interval < 1:
            raise ValueError(
                f"optim.ada_kimg must be > 0 and optim.ada_interval >= 1, got {self.ada_kimg!r} "
                f"and {self.ada_interval!r}"
            )
        object.__setattr__(self, "augment_kinds", tuple(self.augment_kinds))

    @property
    def divergence_bound(self) -> float:
        """``diverge_at``, or the loss's default (:data:`DIVERGE_AT`)."""
        return self.diverge_at if self.diverge_at is not None else DIVERGE_AT[self.loss]

    def replace(self, **changes: Any) -> OptimConfig:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)
