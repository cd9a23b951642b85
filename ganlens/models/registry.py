"""The model families by name: their config dataclasses and builders (one builder per family).

``build_players(config)`` is the one way to make a family's players (``{"G": G, "D": D}``);
``build(name, **kw)`` is the short form that returns ``(G, D)``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch import nn

from ganlens.models import dcgan, mlp
from ganlens.models.config import ModelConfig
from ganlens.naming import unknown

# name -> (config class, builder). A fixed table, never mutated.
_FAMILIES: dict[str, tuple[type[ModelConfig], Callable[[Any], dict[str, nn.Module]]]] = {
    "mlp": (mlp.MLPConfig, mlp.build_players),
    "dcgan": (dcgan.DCGANConfig, dcgan.build_players),
    "sn-dcgan": (dcgan.DCGANConfig, dcgan.build_players),
}

MODELS: tuple[str, ...] = tuple(_FAMILIES)


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


def _family(name: str) -> tuple[type[ModelConfig], Callable[[Any], dict[str, nn.Module]]]:
    if name in _FAMILIES:
        return _FAMILIES[name]
    raise unknown("model", name, MODELS)


def model_config(name: str, **kw: Any) -> ModelConfig:
    """The config of model ``name`` with keywords ``kw`` (unknown keywords are refused)."""
    cls = _family(name)[0]
    fields = [f for f in cls.field_names() if f != "name"]
    unknown = sorted(set(kw) - set(fields))
    if unknown:
        raise ValueError(f"model {name!r} takes no keyword {', '.join(unknown)}; its keywords "
                         f"are {', '.join(fields)} (and seed)")
    return cls(name=name, **kw)


def config_from_dict(values: dict[str, Any]) -> ModelConfig:
    """Inverse of ``config.to_dict()``: ``{"name": "sn-dcgan", "width": 16, ...}``."""
    values = dict(values)
    if "name" not in values:
        raise ValueError(f"a model config needs a 'name' (one of {', '.join(MODELS)}); got {values}")
    return model_config(values.pop("name"), **values)


def build_players(config: ModelConfig, seed: int | None = None) -> dict[str, nn.Module]:
    """The players of ``config``'s family, ``{"G": G, "D": D}``, each carrying its ``spec``.

    Args:
        config: a family config (:class:`~ganlens.models.dcgan.DCGANConfig`,
            :class:`~ganlens.models.mlp.MLPConfig`).
        seed: if given, parameter initialisation is deterministic; the global RNG state is left
            as it was. ``None`` draws from the global RNG.
    """
    if not isinstance(config, ModelConfig):
        raise ValueError(f"build_players takes a model config, got {type(config).__name__}; "  # noqa: TRY004
                         "use models.model_config(name, **kw)")
    cls, builder = _family(config.name)
    if not isinstance(config, cls):
        raise ValueError(f"model {config.name!r} needs a {cls.__name__}, got {type(config).__name__}")  # noqa: TRY004
    with seeded(seed):
        return builder(config)


def build(name: str, *, seed: int | None = None, **kw: Any) -> tuple[nn.Module, nn.Module]:
    """Build a generator and a discriminator by model name: ``G, D = build("sn-dcgan", width=16)``.

    Both modules carry ``spec`` = ``{"name": name, **resolved keywords}`` (JSON-serialisable), so
    ``build(**G.spec)`` rebuilds the same architecture.

    Args:
        name: one of :data:`MODELS`: ``"mlp"``, ``"dcgan"``, ``"sn-dcgan"``.
        seed: if given, parameter initialisation is deterministic (global RNG untouched).
        **kw: the fields of the family's config. Image models: ``channels`` (3), ``resolution``
            (32, a power of two >= 8), ``z_dim`` (128), ``width`` (64), ``n_classes`` (0 =
            unconditional). ``mlp``: ``dim`` (2), ``z_dim`` (8), ``hidden`` (128), ``depth`` (3).

    Returns:
        ``(G, D)``: ``G(z, y=None)`` maps (N, z_dim) latents to (N, C, H, W) images in [-1, 1]
        (or (N, dim) points); ``D(x, y=None)`` returns (N,) raw logits.

    Raises:
        ValueError: unknown name or keyword, or a bad keyword value (e.g. resolution=28).
    """
    players = build_players(model_config(name, **kw), seed=seed)
    return players["G"], players["D"]


def replace_config(config: ModelConfig, **changes: Any) -> ModelConfig:
    """``dataclasses.replace`` with the family's own error for unknown fields."""
    return config_from_dict({**config.to_dict(), **changes}) if changes else config


__all__ = ["MODELS", "build", "build_players", "config_from_dict", "model_config", "seeded"]

