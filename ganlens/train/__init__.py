"""Training: pure loss functions, the alternating loop, callbacks and the G EMA."""

from ganlens.train.callbacks import Callback, StepState
from ganlens.train.losses import (
    LOSSES,
    get_losses,
    gradient_penalty,
    hinge_d,
    hinge_g,
    lsgan_d,
    lsgan_g,
    ns_d,
    ns_g,
    r1_penalty,
    wgan_d,
    wgan_g,
)
from ganlens.train.loop import fit
from ganlens.train.trainer import Trainer, TrainingDiverged, check_compatible, resolve_device

__all__ = [
    "LOSSES", "Callback", "StepState", "Trainer", "TrainingDiverged", "check_compatible", "fit",
    "get_losses", "gradient_penalty", "hinge_d", "hinge_g", "lsgan_d", "lsgan_g", "ns_d", "ns_g",
    "r1_penalty", "resolve_device", "wgan_d", "wgan_g",
]
