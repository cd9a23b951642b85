"""Module state for the duration of a block: train/eval mode (and buffers), in-place flags.

Probes run D in eval mode; measurements during training (tracking, sampling for FID) run G with
batch statistics and must leave no trace in the run: :func:`mode` sets the mode, and with
``keep_buffers=True`` copies every buffer (BatchNorm running statistics, spectral-norm
power-iteration vectors) and writes it back afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn


@contextlib.contextmanager
def mode(*modules: nn.Module, train: bool, keep_buffers: bool = False) -> Iterator[None]:
    """Run ``modules`` in train (``train=True``) or eval mode inside the block, then restore.

    Every submodule's ``training`` flag is restored exactly (a model with some submodules in eval
    mode stays that way); with ``keep_buffers`` every buffer is restored too.
    """
    flags = [{m: m.training for m in module.modules()} for module in modules]
    saved = [
        [b.detach().clone() for b in module.buffers()] if keep_buffers else [] for module in modules
    ]
    for module in modules:
        module.train(train)
    try:
        yield
    finally:
        with torch.no_grad():
            for module, buffers in zip(modules, saved):
                for buf, old in zip(module.buffers(), buffers):
                    buf.copy_(old)
        for saved_flags in flags:
            for mod, flag in saved_flags.items():
                mod.training = flag


@contextlib.contextmanager
def out_of_place(*models: nn.Module) -> Iterator[list[nn.Module]]:
    """Set ``inplace=False`` on every submodule whose ``inplace`` flag is True, then restore it.

    An in-place activation after a probed layer (``nn.LeakyReLU(0.2, inplace=True)``) overwrites
    the captured activation, so GradCAM would read the activated tensor and Captum's gradients
    would be taken at the wrong place. Out-of-place, the forward computes the same values. Each
    flag is put back when the block exits, also when it raises.

    Args:
        models: the probed players, e.g. ``lens.G, lens.D``.

    Yields:
        The modules whose flag was switched off (each once, even if shared by two players).
    """
    flipped = list(
        {
            id(m): m
            for model in models
            for m in model.modules()
            if getattr(m, "inplace", None) is True
        }.values()
    )
    for mod in flipped:
        mod.inplace = False
    try:
        yield flipped
    finally:
        for mod in flipped:
            mod.inplace = True
