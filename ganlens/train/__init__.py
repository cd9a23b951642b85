"""Training: pure losses, the plain-game Method, phases, the step a loss sees, the trainer, fit."""

from ganlens.train.callbacks import Callback, StepState
from ganlens.train.config import LOSS_NAMES, OptimConfig
from ganlens.train.loop import fit, run, state_of
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
from ganlens.train.method import Method, MethodConfig
from ganlens.train.phase import Phase
from ganlens.train.step import Outputs, Step, frozen
from ganlens.train.trainer import Trainer, TrainingDiverged, check_compatible, resolve_device

__all__ = [
    "LOSSES",
    "LOSS_NAMES",
    "Callback",
    "Method",
    "MethodConfig",
    "OptimConfig",
    "Outputs",
    "Phase",
    "Step",
    "StepState",
    "Trainer",
    "TrainingDiverged",
    "check_compatible",
    "fit",
    "frozen",
    "get_losses",
    "gradient_penalty",
    "hinge_d",
    "hinge_g",
    "lsgan_d",
    "lsgan_g",
    "ns_d",
    "ns_g",
    "r1_penalty",
    "resolve_device",
    "run",
    "state_of",
    "wgan_d",
    "wgan_g",
]
