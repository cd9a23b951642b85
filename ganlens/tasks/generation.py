"""Generation: G maps latents (and labels, and extras it declares) to images; D judges images."""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import Tensor, nn

from ganlens.data.batch import Batch
from ganlens.tasks.base import Task
from ganlens.tasks.inputs import GInputs


def latents(
    n: int,
    shape: int | tuple[int, ...],
    generator: torch.Generator | None,
    device: torch.device | str,
) -> Tensor:
    """Standard normal latents (n, *shape) drawn on the CPU generator, then moved to ``device``.

    ``shape`` is ``z_dim`` (latents (n, z_dim)) or a tuple such as ``(100, 1, 1)`` for a G that
    takes (N, nz, 1, 1) latents (the PyTorch DCGAN tutorial's). A seeded CPU generator gives
    the same latents whatever device the model is on.
    """
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return torch.randn(n, *shape, generator=generator).to(device)


def labels(
    n: int, n_classes: int, generator: torch.Generator | None, device: torch.device | str
) -> Tensor | None:
    """Uniform class labels (n,) for a conditional G, ``None`` when ``n_classes`` is 0."""
    if not n_classes:
        return None
    return torch.randint(n_classes, (n,), generator=generator).to(device)


class Generation(Task):
    """Unconditional or class-conditional generation.

    G's inputs are drawn in a fixed order from one generator: latents, then labels (conditional
    G), then the extra inputs G declares with a ``sample_inputs(n, generator, device)`` method
    (EqGAN-SA's heatmaps). Real examples come from ``data.draw``; their labels are kept only for
    a conditional G.

    Args:
        G: the generator (its ``z_dim``, ``n_classes`` and ``sample_inputs`` are read).
        data: the real data (optional: a lens without data can still draw inputs).
        z_dim: latent size of a foreign G without a ``z_dim`` attribute, or the shape of one
            latent, e.g. ``(100, 1, 1)``.
    """

    kind: ClassVar[str] = "generation"

    def __init__(
        self, G: nn.Module, data: Any = None, z_dim: int | tuple[int, ...] | None = None
    ) -> None:
        super().__init__(data)
        self.G = G
        self.z_dim = z_dim if z_dim is not None else getattr(G, "z_dim", None)
        self.n_classes = int(getattr(G, "n_classes", 0) or 0)
        if self.z_dim is None:
            raise ValueError(
                f"{type(G).__name__} has no z_dim attribute; pass GANLens(G, D, "
                "z_dim=...) (or latent_shape=(nz, 1, 1)) so ganlens can draw its "
                "latents"
            )

    def real(self, n: int, generator: torch.Generator, device: torch.device | str) -> Batch:
        """``n`` real examples (labels only for a conditional G)."""
        batch = super().real(n, generator, device)
        return batch if self.n_classes else batch.without_labels()

    def inputs(
        self,
        n: int,
        generator: torch.Generator | None,
        device: torch.device | str,
        real: Batch | None = None,
    ) -> GInputs:
        """Latents, labels and G's declared extras for ``n`` samples, from ``generator`` only."""
        z = latents(n, self.z_dim, generator, device)
        y = labels(n, self.n_classes, generator, device)
        sampler = getattr(self.G, "sample_inputs", None)
        extras = sampler(n, generator, device) if sampler is not None else {}
        return GInputs.latent(z, y, **extras)

    def describe(self) -> str:
        cond = (
            f"class-conditional ({self.n_classes} classes)" if self.n_classes else "unconditional"
        )
        return f"{cond} generation from z ({self.z_dim})"
