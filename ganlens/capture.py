"""Capture: keep the outputs of named modules during a forward pass, and check nothing changed them.

The one activation keeper of ganlens: :meth:`ganlens.GANLens.run_with_cache`, the training
step's ``run_D(..., capture=[...])`` and every probe use it. A kept output is the live tensor
(attached to the graph), so a loss on it trains the model upstream; its version counter is
recorded so that an in-place op later in the forward (``LeakyReLU(inplace=True)``, ``x += ...``)
is reported instead of silently corrupting the capture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

HookFn = Callable[[nn.Module, tuple, torch.Tensor], None]


class InPlaceError(RuntimeError):
    """A captured activation was modified in place after it was captured."""


class Capture:
    """Forward hooks that keep named outputs and record their version counters.

    Args:
        names: dotted module names (``"D.blocks.2"``) to keep.
        spatial: refuse outputs that are not (N, C, H, W) maps (what probes need).

    Use with :meth:`ganlens.GANLens.hooks`::

        capture = Capture(["D.blocks.1"])
        with lens.hooks(capture.hooks()):
            lens.score(x)
        capture.check()
        capture.acts["D.blocks.1"]
    """

    def __init__(self, names: Sequence[str], spatial: bool = False) -> None:
        if isinstance(names, str):
            raise ValueError(
                f"capture takes a list of names, got the string {names!r}; write [{names!r}]"
            )
        self.names = list(dict.fromkeys(names))
        self.spatial = spatial
        self.acts: dict[str, torch.Tensor] = {}
        self._versions: dict[str, int] = {}

    def hook(self, name: str) -> HookFn:
        """The forward hook that keeps the output of ``name``."""

        def fn(_mod: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
            if not isinstance(out, torch.Tensor):
                raise ValueError(
                    f"{name!r} returned {type(out).__name__}, not a tensor; "
                    "capture a module that returns one tensor"
                )
            if self.spatial and out.ndim != 4:
                raise ValueError(
                    f"probes need a spatial layer output (N, C, H, W); {name!r} gives "
                    f"{tuple(out.shape)}"
                )
            self.acts[name] = out
            self._versions[name] = out._version

        return fn

    def hooks(self) -> list[tuple[str, HookFn]]:
        """``(name, hook)`` pairs for :meth:`ganlens.GANLens.hooks`."""
        return [(name, self.hook(name)) for name in self.names]

    def check(self) -> dict[str, torch.Tensor]:
        """Raise if a layer never ran or its output changed in place; return the kept outputs."""
        missing = [n for n in self.names if n not in self.acts]
        if missing:
            raise ValueError(f"layers {missing} did not run in this forward pass")
        for name, act in self.acts.items():
            if act._version != self._versions[name]:
                raise InPlaceError(
                    f"the output of {name!r} was modified in place after it was captured (an "
                    "in-place op in forward such as `x += ...` or `x.relu_()` follows it; "
                    "modules with inplace=True are switched off by ganlens); use out-of-place "
                    "operations there"
                )
        return dict(self.acts)
