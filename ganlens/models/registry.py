"""The model families by name: their config dataclasses and builders (one builder per family).

``build_players(config)`` is the one way to make a family's players (``{"G": G, "D": D}``);
``build(name, **kw)`` is the short form that returns ``(G, D)``. A user's own pair joins with
:func:`register` (in the session) or a ``ganlens.models`` entry point of their package (found
by every process, the CLI included), and then trains with ``load_or_train`` like ours.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Any

import torch
from torch import nn

from ganlens.models import dcgan, mlp, sngan_resnet, stylegan_lite
from ganlens.models.config import ModelConfig, UserModelConfig
from ganlens.naming import unknown

# name -> (config class, builder). A fixed table, never mutated.
_FAMILIES: dict[str, tuple[type[ModelConfig], Callable[[Any], dict[str, nn.Module]]]] = {
    "mlp": (mlp.MLPConfig, mlp.build_players),
    "dcgan": (dcgan.DCGANConfig, dcgan.build_players),
    "sn-dcgan": (dcgan.DCGANConfig, dcgan.build_players),
    "sngan-resnet": (sngan_resnet.SNGANResNetConfig, sngan_resnet.build_players),
    "stylegan-lite": (stylegan_lite.StyleGANLiteConfig, stylegan_lite.build_players),
}

MODELS: tuple[str, ...] = tuple(_FAMILIES)
ENTRY_POINTS = "ganlens.models"
Builder = Callable[..., Any]  # (**kw) -> (G, D) or {"G": G, "D": D, ...}
_REGISTERED: dict[str, tuple[type[ModelConfig], Builder]] = {}  # filled by register() only


def register(
    name: str, build: Builder, config: type[ModelConfig] | None = None, replace: bool = False
) -> None:
    """Make a user's own pair buildable by name (configs, ``load_or_train``, reports).

    Args:
        name: the model's name (``ExperimentConfig(model=UserModelConfig("mygan", ...))`` or
            ``config.replace(model="mygan")``).
        build: ``build(**options)`` returning ``(G, D)`` or a dict of players; it also receives
            ``channels`` and ``resolution`` (the data's) if its signature takes them. G tells
            its latent size by a ``z_dim`` attribute, or ``latent_shape`` (e.g. ``(100, 1, 1)``).
        config: the model's own :class:`ModelConfig` subclass (default: a
            :class:`UserModelConfig` holding the builder's keyword options).
        replace: allow registering a name again.

    Raises:
        ValueError: a built-in name, or a name registered already (without ``replace``).
    """
    if name in _FAMILIES:
        raise ValueError(f"{name!r} is a built-in model; register yours under another name")
    if name in _REGISTERED and not replace:
        raise ValueError(f"model {name!r} is registered already; pass replace=True to change it")
    _REGISTERED[name] = (config or UserModelConfig, build)


def available() -> list[str]:
    """Every model name: built-in, registered in this session, and from installed entry points."""
    return [
        *MODELS,
        *_REGISTERED,
        *(ep.name for ep in entry_points(group=ENTRY_POINTS) if ep.name not in _REGISTERED),
    ]


def _from_entry_point(name: str) -> bool:
    """Load and register the ``ganlens.models`` entry point ``name``; whether there was one."""
    for ep in entry_points(group=ENTRY_POINTS):
        if ep.name == name:
            loaded = ep.load()
            build, config = loaded if isinstance(loaded, tuple) else (loaded, None)
            register(name, build, config, replace=True)
            return True
    return False


@contextlib.contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Seed the CPU RNG inside the block and restore the caller's RNG state afterwards."""
    if seed is None:
        yield
        return
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an int or None, got {seed!r}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def _family(name: str) -> tuple[type[ModelConfig], Callable[[Any], Any]]:
    if name in _FAMILIES:
        return _FAMILIES[name]
    if name in _REGISTERED or _from_entry_point(name):
        return _REGISTERED[name]
    raise unknown("model", name, available())


def _call_user_builder(build: Builder, config: ModelConfig) -> dict[str, nn.Module]:
    kw = config.kwargs()
    params = inspect.signature(build).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    kw = {
        k: v
        for k, v in kw.items()
        if takes_any or k in params or k not in ("channels", "resolution")
    }
    out = build(**kw)
    players = dict(out) if isinstance(out, dict) else dict(zip(("G", "D"), out))
    if set(players) < {"G", "D"} or not all(isinstance(m, nn.Module) for m in players.values()):
        raise ValueError(
            f"the builder of model {config.name!r} must return (G, D) or a dict of "
            f"modules with 'G' and 'D'; got {type(out).__name__}"
        )
    return players


def model_config(name: str, **kw: Any) -> ModelConfig:
    """The config of model ``name`` with keywords ``kw`` (unknown keywords are refused)."""
    cls = _family(name)[0]
    if cls is UserModelConfig:
        shape = {k: kw.pop(k) for k in ("channels", "resolution") if k in kw}
        return UserModelConfig(name=name, options=tuple(kw.items()), **shape)
    fields = [f for f in cls.field_names() if f != "name"]
    unknown = sorted(set(kw) - set(fields))
    if unknown:
        raise ValueError(
            f"model {name!r} takes no keyword {', '.join(unknown)}; its keywords "
            f"are {', '.join(fields)} (and seed)"
        )
    return cls(name=name, **kw)


def config_from_dict(values: dict[str, Any]) -> ModelConfig:
    """Inverse of ``config.to_dict()``: ``{"name": "sn-dcgan", "width": 16, ...}``."""
    values = dict(values)
    if "name" not in values:
        raise ValueError(
            f"a model config needs a 'name' (one of {', '.join(MODELS)}); got {values}"
        )
    name = values.pop("name")
    if name not in _FAMILIES and name not in _REGISTERED and not _from_entry_point(name):
        # a run of a user's model read where it is not registered: readable (reports), not
        # buildable; build_players says how to register it
        shape = {k: values.pop(k) for k in ("channels", "resolution") if k in values}
        return UserModelConfig(name=name, options=tuple(values.items()), **shape)
    return model_config(name, **values)


def build_players(config: ModelConfig, seed: int | None = None) -> dict[str, nn.Module]:
    """The players of ``config``'s family, ``{"G": G, "D": D}``, each carrying its ``spec``.

    Args:
        config: a family config (:class:`~ganlens.models.dcgan.DCGANConfig`,
            :class:`~ganlens.models.mlp.MLPConfig`).
        seed: if given, parameter initialisation is deterministic; the global RNG state is left
            as it was. ``None`` draws from the global RNG.
    """
    if not isinstance(config, ModelConfig):
        raise ValueError(
            f"build_players takes a model config, got {type(config).__name__}; "
            "use models.model_config(name, **kw)"
        )
    if (
        config.name not in _FAMILIES
        and config.name not in _REGISTERED
        and not _from_entry_point(config.name)
    ):
        raise ValueError(
            f"model {config.name!r} is not registered in this process: call "
            f"ganlens.models.register({config.name!r}, build) first, or install the package whose "
            f"{ENTRY_POINTS!r} entry point provides it"
        )
    cls, builder = _family(config.name)
    if not isinstance(config, cls):
        raise ValueError(
            f"model {config.name!r} needs a {cls.__name__}, got {type(config).__name__}"
        )
    with seeded(seed):
        if config.name in _FAMILIES:
            return builder(config)
        return _call_user_builder(builder, config)


def build(name: str, *, seed: int | None = None, **kw: Any) -> tuple[nn.Module, nn.Module]:
    """Build a generator and a discriminator by model name: ``G, D = build("sn-dcgan", width=16)``.

    Both modules carry ``spec`` = ``{"name": name, **resolved keywords}`` (JSON-serialisable), so
    ``build(**G.spec)`` rebuilds the same architecture.

    Args:
        name: one of :data:`MODELS`: ``"mlp"``, ``"dcgan"``, ``"sn-dcgan"``, ``"sngan-resnet"``,
            ``"stylegan-lite"``.
        seed: if given, parameter initialisation is deterministic (global RNG untouched).
        **kw: the fields of the family's config. Image models: ``channels`` (3), ``resolution``
            (32, a power of two >= 8), ``z_dim`` (128), ``width`` (64), ``n_classes`` (0 =
            unconditional). ``mlp``: ``dim`` (2), ``z_dim`` (8), ``hidden`` (128), ``depth`` (3).
            ``sngan-resnet``: ``g_width`` (256), ``d_width`` (128) instead of ``width``, a
            resolution >= 16, and ``logit_map`` (``"global"`` or LGA's ``"4x4"``).
            ``stylegan-lite``: ``w_dim``, ``mapping_layers``, ``channel_base``, ``channel_max``,
            ``style_mixing``, ... (:class:`~ganlens.models.stylegan_lite.StyleGANLiteConfig`).

    Returns:
        ``(G, D)``: ``G(z, y=None)`` maps (N, z_dim) latents to (N, C, H, W) images in [-1, 1]
        (or (N, dim) points); ``D(x, y=None)`` returns (N,) raw logits.

    Raises:
        ValueError: unknown name or keyword, or a bad keyword value (e.g. resolution=28).
    """
    players = build_players(model_config(name, **kw), seed=seed)
    return players["G"], players["D"]


__all__ = [
    "MODELS",
    "available",
    "build",
    "build_players",
    "config_from_dict",
    "model_config",
    "register",
    "seeded",
]
