"""Checks for probes: layers that make one image's map depend on the rest of its batch."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

from torch import nn

# Layers that mix examples of a batch when they are in train mode (or always, for minibatch-std).
_CROSS_SAMPLE_NAMES = ("minibatchstd", "mbstd", "minibatch_std", "minibatchdiscrimination")


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


def warn_cross_sample(models: Mapping[str, nn.Module]) -> None:
    """Warn when a probe's maps would depend on which other images share the batch.

    Args:
        models: the probed players by name, e.g. ``{"D": lens.D}``.
    """
    for side, model in models.items():
        found = cross_sample_layers(model)
        if found:
            warnings.warn(
                f"{side} has layers that mix examples of a batch even in eval mode "
                f"({', '.join(found[:3])}); probe maps will depend on the batch. Probe one image "
                "at a time or remove those layers.",
                stacklevel=3,
            )
