"""``build(name, ...)``: the one way to make a (G, D) pair of a ganlens model by name."""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterator

import torch
from torch import nn

from ganlens.models import dcgan, mlp

# name -> (G class, D class, keyword defaults). A fixed table, never mutated.
_TABLE: dict[str, tuple[type[nn.Module], type[nn.Module], dict]] = {
    "mlp": (mlp.MLPGenerator, mlp.MLPDiscriminator, mlp.DEFAULTS),
    "dcgan": (dcgan.DCGANGenerator, dcgan.DCGANDiscriminator, dcgan.DEFAULTS),
    "sn-dcgan": (dcgan.SNDCGANGenerator, dcgan.SNDCGANDiscriminator, dcgan.DEFAULTS),
}

MODELS: tuple[str, ...] = tuple(_TABLE)


@contextlib.contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Seed the CPU RNG inside the block and restore the caller's RNG state afterwards."""
    if seed is None:
        yield
        return
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an int or None, got {seed!r}")  # noqa: TRY004
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def _lookup(name: str) -> tuple[type[nn.Module], type[nn.Module], dict]:
    if name in _TABLE:
        return _TABLE[name]
    close = difflib.get_close_matches(str(name), MODELS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown model {name!r}{hint}; valid names are {', '.join(MODELS)}")


def build(name: str, *, seed: int | None = None, **kw: object) -> tuple[nn.Module, nn.Module]:
    """Build a generator and a discriminator by model name.

    Both modules carry ``spec`` = ``{"name": name, **resolved keywords}`` (JSON-serialisable), so
    ``build(**G.spec)`` rebuilds the same architecture.

    Args:
        name: one of :data:`MODELS`: ``"mlp"``, ``"dcgan"``, ``"sn-dcgan"``.
        seed: if given, parameter initialisation is deterministic; the global RNG state is left
            as it was. ``None`` draws from the global RNG.
        **kw: model keywords. Image models: ``channels`` (3), ``resolution`` (32, a power of
            two >= 8), ``z_dim`` (128), ``width`` (64), ``n_classes`` (0 = unconditional).
            ``mlp``: ``dim`` (2), ``z_dim`` (8), ``hidden`` (128), ``depth`` (3).

    Returns:
        ``(G, D)``: ``G(z, y=None)`` maps (N, z_dim) latents to (N, C, H, W) images in [-1, 1]
        (or (N, dim) points); ``D(x, y=None)`` returns (N,) raw logits.

    Raises:
        ValueError: unknown name or keyword, or a bad keyword value (e.g. resolution=28).
    """
    g_cls, d_cls, defaults = _lookup(name)
    unknown = sorted(set(kw) - set(defaults))
    if unknown:
        raise ValueError(
            f"model {name!r} takes no keyword {', '.join(unknown)}; its keywords are "
            f"{', '.join(defaults)} (and seed)"
        )
    resolved = {**defaults, **kw}
    with seeded(seed):
        G = g_cls(**resolved)
        D = d_cls(**resolved)
    return G, D
