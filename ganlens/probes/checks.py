"""Checks for probes: the request, and layers that mix the examples of a batch.

- :func:`check_layers`: which players a request runs, decided by the type of ``x``, never by a
  tensor's shape.
- :func:`cross_sample_layers` / :func:`warn_cross_sample`: layers that make one image's map
  depend on the rest of its batch.

Probes also switch module flags ``inplace=True`` off for their duration
(:func:`ganlens.modes.out_of_place`), so a captured activation is not overwritten by the next
layer; in-place ops that are not module flags (``x += 1`` in a forward) are still reported by
:class:`ganlens.capture.InPlaceError`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import torch
from torch import nn

from ganlens.lens import GANLens
from ganlens.tasks import GInputs

# Layers that mix examples of a batch when they are in train mode (or always, for minibatch-std).
_CROSS_SAMPLE_NAMES = ("minibatchstd", "mbstd", "minibatch_std", "minibatchdiscrimination")


def check_layers(lens: GANLens, x: torch.Tensor | GInputs, layers: Sequence[str]) -> bool:
    """Validate the layer names of a probe; return whether the whole game runs.

    Args:
        lens: the players.
        x: images (a tensor: D only) or G's inputs (a ``GInputs``: D(G(inputs))).
        layers: module names, e.g. ``["D.blocks.1", "D.blocks.2"]``.

    Returns:
        ``True`` when ``x`` is G's inputs (G and D layers may be probed), ``False`` for images.

    Raises:
        KeyError: an unknown layer name (with suggestions). ValueError: ``layers`` is a string
        or empty, or names a G layer while ``x`` is images.
    """
    if isinstance(layers, str) or not layers:
        raise ValueError(
            "layers must be a non-empty list of names, e.g. ['D.blocks.1', 'D.blocks.2']"
        )
    for name in layers:
        lens.module(name)  # KeyError with suggestions for unknown names
    game = isinstance(x, GInputs)
    d_name = lens.primary[1]
    other = [n for n in layers if not n.startswith(f"{d_name}.")]
    if other and not game:
        raise ValueError(
            f"layers {other} do not run when D scores images; pass G's inputs "
            f"(lens.sample_inputs(n), a GInputs) so the score is D(G(inputs)); got images of shape "
            f"{tuple(x.shape)}"
        )
    return game


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
