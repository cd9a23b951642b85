"""``get_method(name, **kw)``: the training methods by the name a TrainConfig gives."""

from __future__ import annotations

import inspect
from typing import Any

from ganlens.methods.base import Method
from ganlens.methods.eqgan_sa import EqGANSA

METHODS: dict[str, type[Method]] = {"none": Method, "eqgan-sa": EqGANSA}


def get_method(name: str, **kw: Any) -> Method:
    """Instantiate the method called ``name`` with its keyword arguments."""
    if name not in METHODS:
        raise ValueError(f"unknown method {name!r}; choose one of {tuple(METHODS)}")
    accepted = [p for p in inspect.signature(METHODS[name]).parameters if p != "self"]
    unknown = sorted(set(kw) - set(accepted))
    if unknown:
        raise ValueError(f"method {name!r} takes no keyword {', '.join(unknown)}; its keywords are "
                         f"{', '.join(accepted) or '(none)'}")
    return METHODS[name](**kw)
