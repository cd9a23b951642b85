"""One helper for running modules in a chosen train/eval mode and putting everything back.

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
    saved = [[b.detach().clone() for b in module.buffers()] if keep_buffers else []
             for module in modules]
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
