"""GInputs: everything one batch of G's forward passes takes, with its kind stated, never guessed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import torch
from torch import Tensor, nn

LATENT, IMAGE = "latent", "image"
KINDS = (LATENT, IMAGE)


@dataclass(frozen=True)
class GInputs:
    """The inputs of one batch of G.

    Attributes:
        kind: ``"latent"`` (generation: ``x`` are latents) or ``"image"`` (translation: ``x``
            are source images). Probes and the lens read the kind from here, never from a
            tensor's shape.
        x: latents (N, z_dim) or source images (N, C, H, W) float in [-1, 1].
        y: class labels (N,) int64 of a class-conditional G, else ``None``.
        extras: further keyword inputs G declares (EqGAN-SA ``heatmaps`` (N, 7, R, R), an ASGIT
            attention map), each with N rows.
        index: dataset indices (N,) of source images (translation), else ``None``.
    """

    kind: str
    x: Tensor
    y: Tensor | None = None
    extras: Mapping[str, Tensor] = field(default_factory=dict)
    index: Tensor | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"GInputs kind must be one of {KINDS}, got {self.kind!r}")
        if not isinstance(self.x, Tensor):
            raise ValueError(f"GInputs.x must be a tensor, got {type(self.x).__name__}")
        n = len(self.x)
        sized = {"y": self.y, "index": self.index, **dict(self.extras)}
        bad = {k: len(v) for k, v in sized.items() if v is not None and len(v) != n}
        if bad:
            raise ValueError(f"GInputs of {n} rows got inputs with other row counts: {bad}")
        object.__setattr__(self, "extras", dict(self.extras))

    @classmethod
    def latent(cls, z: Tensor, y: Tensor | None = None, **extras: Tensor) -> GInputs:
        """Inputs of a generating G: latents ``z`` (N, z_dim), labels, extra keyword inputs."""
        return cls(LATENT, z, y, extras)

    @classmethod
    def images(cls, x: Tensor, index: Tensor | None = None, **extras: Tensor) -> GInputs:
        """Inputs of a translating G: source images ``x`` (N, C, H, W) in [-1, 1]."""
        return cls(IMAGE, x, None, extras, index)

    @property
    def z(self) -> Tensor:
        """The latents (generation only)."""
        if self.kind != LATENT:
            raise ValueError("these G inputs are source images (kind 'image'), not latents")
        return self.x

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, rows: slice | Tensor) -> GInputs:
        """The same inputs for a subset of rows (a slice or an index tensor)."""
        pick = lambda t: t[rows] if t is not None else None  # noqa: E731
        return GInputs(
            self.kind,
            self.x[rows],
            pick(self.y),
            {k: v[rows] for k, v in self.extras.items()},
            pick(self.index),
        )

    def to(self, device: torch.device | str) -> GInputs:
        """The inputs on ``device``."""
        move = lambda t: t.to(device) if t is not None else None  # noqa: E731
        return GInputs(
            self.kind,
            self.x.to(device),
            move(self.y),
            {k: v.to(device) for k, v in self.extras.items()},
            move(self.index),
        )

    def with_extras(self, **extras: Tensor) -> GInputs:
        """A copy with more (or replaced) extra keyword inputs."""
        return replace(self, extras={**self.extras, **extras})

    def run(self, G: nn.Module) -> Tensor:
        """``G(x, y, **extras)`` (``G(x, **extras)`` when there are no labels)."""
        if self.y is not None:
            return G(self.x, self.y, **self.extras)
        return G(self.x, **self.extras)
