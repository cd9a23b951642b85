"""Named hook points and temporary hooks (the TransformerLens idea, for GANs).

A :class:`HookPoint` marks a tensor worth naming: it either wraps a block (its output is the
named tensor) or is an identity placed inside a forward pass. :func:`hook_point_names` finds them
by dotted name and :func:`temporary_hooks` attaches forward hooks that are removed when the
context exits, so a model never carries a hook after a probe or a cached run
(:class:`ganlens.GANLens` addresses them as ``"<player>.<path>"``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence

import torch
from torch import nn

HookFn = Callable[[nn.Module, tuple, torch.Tensor], torch.Tensor | None]


class HookPoint(nn.Module):
    """A named place in a model whose output tensor can be read or edited by hooks.

    Args:
        inner: the block whose output this point names; ``None`` makes the point an identity.
    """

    def __init__(self, inner: nn.Module | None = None) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor, *args: object, **kwargs: object) -> torch.Tensor:
        """Run the wrapped block (or pass ``x`` through) so hooks see the result."""
        if self.inner is None:
            return x
        return self.inner(x, *args, **kwargs)


def hook_point_names(model: nn.Module) -> list[str]:
    """Dotted names of every :class:`HookPoint` inside ``model``, in registration order."""
    return [name for name, mod in model.named_modules() if isinstance(mod, HookPoint) and name]


def count_hooks(model: nn.Module) -> int:
    """Total number of forward, forward-pre and backward hooks on all modules of ``model``."""
    total = 0
    for mod in model.modules():
        total += len(mod._forward_hooks) + len(mod._forward_pre_hooks)
        total += len(mod._backward_hooks) + len(getattr(mod, "_backward_pre_hooks", {}))
    return total


@contextlib.contextmanager
def temporary_hooks(pairs: Sequence[tuple[nn.Module, HookFn]]) -> Iterator[None]:
    """Register forward hooks for the duration of a ``with`` block; always removes them.

    Args:
        pairs: ``(module, fn)`` pairs; ``fn(module, inputs, output)`` may return a replacement output.
    """
    handles = [mod.register_forward_hook(fn) for mod, fn in pairs]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
