"""Small MLP generator and discriminator for the 2-D toy games (rings, grids)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from torch import Tensor, nn

from ganlens.fieldtypes import check_fields
from ganlens.hooks import HookPoint
from ganlens.models.config import ModelConfig
from ganlens.models.layers import Generator, Stage, check_int, check_labels, check_latent

# z_dim defaults to 8, not 2: a 2-D latent makes G a map R^2 -> R^2 that struggles to cover
# several separate modes, which would confound the equilibrium demos with a capacity limit.
DEFAULTS = {"dim": 2, "z_dim": 8, "hidden": 128, "depth": 3}


@dataclass(frozen=True, eq=False)
class MLPConfig(ModelConfig):
    """The MLP pair of the 2-D toys.

    Attributes:
        name: ``"mlp"``.
        dim: data dimension (``None``: the toy's, 2).
        z_dim: latent size (8, see ``DEFAULTS``).
        hidden: hidden width.
        depth: hidden layers.
    """

    name: str = "mlp"
    dim: int | None = None
    z_dim: int = 8
    hidden: int = 128
    depth: int = 3

    def __post_init__(self) -> None:
        if self.name != "mlp":
            raise ValueError(f"MLPConfig name must be 'mlp', got {self.name!r}")
        check_fields(self, "model")
        for key in ("z_dim", "hidden", "depth") + (("dim",) if self.dim is not None else ()):
            check_int(key, getattr(self, key), 1)


def build_players(config: MLPConfig) -> dict[str, nn.Module]:
    """``{"G": G, "D": D}`` of ``config`` (unset dim: 2)."""
    kw = {**DEFAULTS, **config.kwargs()}
    return {"G": MLPGenerator(**kw), "D": MLPDiscriminator(**kw)}


def mlp_spec(*, dim: int, z_dim: int, hidden: int, depth: int) -> dict:
    """Validate the MLP keywords and return its JSON-serialisable ``spec``."""
    for key, value in (("dim", dim), ("z_dim", z_dim), ("hidden", hidden), ("depth", depth)):
        check_int(key, value, 1)
    return {"name": "mlp", "dim": dim, "z_dim": z_dim, "hidden": hidden, "depth": depth}


def _hidden_blocks(
    n_in: int, hidden: int, depth: int, act: type[nn.Module], *args: float
) -> nn.ModuleList:
    """``depth`` HookPoint-wrapped [Linear(hidden), act] layers."""
    sizes = [n_in] + [hidden] * depth
    return nn.ModuleList(
        HookPoint(nn.Sequential(nn.Linear(a, b), act(*args))) for a, b in itertools.pairwise(sizes)
    )


class MLPGenerator(Generator):
    """MLP generator for 2-D points: z -> [Linear(hidden), ReLU] x depth -> Linear(dim).

    Hook points: ``blocks.0`` ... ``blocks.{depth-1}`` (each (N, hidden)), ``out`` ((N, dim), no
    tanh: toy data is not confined to [-1, 1]).

    Args:
        dim: data dimension (2 for the toys).
        z_dim: latent size (default 8, see ``DEFAULTS``).
        hidden: hidden width.
        depth: number of hidden layers.

    Shapes:
        z: (N, z_dim) -> (N, dim).
    """

    def __init__(self, *, dim: int = 2, z_dim: int = 8, hidden: int = 128, depth: int = 3) -> None:
        super().__init__()
        self.spec = mlp_spec(dim=dim, z_dim=z_dim, hidden=hidden, depth=depth)
        self.z_dim, self.dim, self.n_classes = z_dim, dim, 0
        self.channels, self.resolution = None, None
        self.blocks = _hidden_blocks(z_dim, hidden, depth, nn.ReLU)
        self.stages = [Stage(f"blocks.{i}", hidden, 1) for i in range(depth)]  # vectors: side 1
        self.out = HookPoint(nn.Linear(hidden, dim))

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        """Map latents (N, z_dim) to points (N, dim); ``y`` must be None (unconditional)."""
        check_latent(z, self.z_dim)
        check_labels(y, z.shape[0], 0, "G")
        h = z
        for block in self.blocks:
            h = block(h)
        return self.out(h)


class MLPDiscriminator(nn.Module):
    """MLP discriminator: x -> [Linear(hidden), LeakyReLU(0.2)] x depth -> Linear(1) -> (N,).

    Hook points: ``blocks.0`` ... ``blocks.{depth-1}`` (each (N, hidden)), ``features`` (the
    (N, hidden) vector fed to the final linear), ``logit_map`` (the (N, 1) logit before it is
    flattened to (N,)).

    Args:
        dim: data dimension (2 for the toys).
        z_dim: unused by D; recorded so G and D share one ``spec``.
        hidden: hidden width.
        depth: number of hidden layers.

    Shapes:
        x: (N, dim) float -> (N,) raw logits.
    """

    def __init__(self, *, dim: int = 2, z_dim: int = 8, hidden: int = 128, depth: int = 3) -> None:
        super().__init__()
        self.spec = mlp_spec(dim=dim, z_dim=z_dim, hidden=hidden, depth=depth)
        self.dim, self.n_classes = dim, 0
        self.channels, self.resolution = None, None
        self.blocks = _hidden_blocks(dim, hidden, depth, nn.LeakyReLU, 0.2)
        self.features = HookPoint()
        self.head = nn.Linear(hidden, 1)
        self.logit_map = HookPoint()

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """Score points (N, dim); ``y`` must be None (unconditional)."""
        if not isinstance(x, Tensor) or x.ndim != 2 or x.shape[1] != self.dim:
            got = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
            raise ValueError(
                f"D was built for {self.dim}-D points, shape (N, {self.dim}), got {got}; "
                f"build it with dim=... matching the data"
            )
        if not x.is_floating_point():
            raise ValueError(f"D takes float points, got dtype {x.dtype}")
        check_labels(y, x.shape[0], 0, "D")
        h = x
        for block in self.blocks:
            h = block(h)
        return self.logit_map(self.head(self.features(h)))[:, 0]
