"""Capturing layer outputs for probes: eval mode, batch-independence checks, in-place detection."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence

import torch
from torch import nn

from ganlens.lens import GANLens

# Layers that mix examples of a batch when they are in train mode (or always, for minibatch-std).
_CROSS_SAMPLE_NAMES = ("minibatchstd", "mbstd", "minibatch_std", "minibatchdiscrimination")


class InPlaceError(RuntimeError):
    """A captured activation was modified in place after it was captured."""


def cross_sample_layers(model: nn.Module) -> list[str]:
    """Names of modules that make one example's output depend on the rest of the batch.

    BatchNorm in train mode (or without running statistics) and minibatch-standard-deviation
    layers (found by class name) are reported.
    """
    found = []
    for name, mod in model.named_modules():
        if isinstance(mod, nn.modules.batchnorm._BatchNorm):
            if mod.training or not mod.track_running_stats:
                found.append(name)
        elif type(mod).__name__.lower().replace("_", "") in _CROSS_SAMPLE_NAMES:
            found.append(name)
    return found


@contextlib.contextmanager
def eval_mode(*models: nn.Module) -> Iterator[None]:
    """Put models in eval mode for a probe and restore every module's mode afterwards."""
    modes = [{m: m.training for m in model.modules()} for model in models]
    for model in models:
        model.eval()
    try:
        yield
    finally:
        for saved in modes:
            for mod, mode in saved.items():
                mod.training = mode


def warn_cross_sample(lens: GANLens, sides: Sequence[str]) -> None:
    """Warn when a probe's maps would depend on which other images share the batch."""
    for side in sides:
        found = cross_sample_layers(getattr(lens, side))
        if found:
            warnings.warn(
                f"{side} has layers that mix examples of a batch even in eval mode "
                f"({', '.join(found[:3])}); probe maps will depend on the batch. Probe one image "
                "at a time or remove those layers.",
                stacklevel=3,
            )


class Capture:
    """Forward hooks that keep named outputs and record their version counters."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self.acts: dict[str, torch.Tensor] = {}
        self._versions: dict[str, int] = {}

    def hook(self, name: str):
        """The forward hook for ``name``."""

        def fn(_mod: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
            if not isinstance(out, torch.Tensor) or out.ndim != 4:
                shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
                raise ValueError(
                    f"probes need a spatial layer output (N, C, H, W); {name!r} gives {shape}"
                )
            self.acts[name] = out
            self._versions[name] = out._version

        return fn

    def check(self) -> None:
        """Raise if a layer never ran or its output was changed in place after capture."""
        missing = [n for n in self.names if n not in self.acts]
        if missing:
            raise ValueError(f"layers {missing} did not run in this forward pass")
        for name, act in self.acts.items():
            if act._version != self._versions[name]:
                raise InPlaceError(
                    f"the output of {name!r} was modified in place after it was captured (an "
                    "in-place op such as LeakyReLU(inplace=True) or `x += ...` follows it); "
                    "use out-of-place operations in the probed model"
                )
