"""The training methods by name, and their typed configs (``{"name": "eqgan-sa", ...}``)."""

from __future__ import annotations

from typing import Any

from ganlens.methods.clr_gan import CLRGAN
from ganlens.methods.eqgan_sa import EqGANSA
from ganlens.naming import unknown
from ganlens.train.method import Method, MethodConfig

METHODS: dict[str, type[Method]] = {"none": Method, "eqgan-sa": EqGANSA, "clr-gan": CLRGAN}


def _method_class(name: str) -> type[Method]:
    if name in METHODS:
        return METHODS[name]
    raise unknown("method", name, METHODS)


def method_config(name: str, **options: Any) -> MethodConfig:
    """The config of method ``name`` with ``options`` (unknown options are refused)."""
    return _method_class(name).Config().replace(**options)


def config_from_dict(values: dict[str, Any]) -> MethodConfig:
    """Inverse of ``config.to_dict()``: ``{"name": "eqgan-sa", "align": false, ...}``."""
    values = dict(values)
    return method_config(values.pop("name", "none"), **values)


def get_method(config: MethodConfig | str = "none", **options: Any) -> Method:
    """The method object of a run: ``get_method(EqGANSAConfig(align=False))`` or
    ``get_method("eqgan-sa", align=False)``."""
    if isinstance(config, str):
        config = method_config(config, **options)
    elif options:
        config = config.replace(**options)
    return _method_class(config.name)(config)
