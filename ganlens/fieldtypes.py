"""check_fields: a frozen config's values against its annotations, one clear line per mistake.

``OptimConfig(lr_d="fast")`` must fail where it is made, naming the field, the value and what
is allowed, not 15 frames deep in Adam after a run directory was written.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Union


def _describe(tp: Any) -> str:
    if tp is type(None):
        return "None"
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(tp))
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"a list of {_describe(args[0])}"
        return f"a list of {len(args)} ({', '.join(_describe(a) for a in args)})"
    return {int: "an integer", float: "a number", str: "a string", bool: "true or false"}.get(
        tp, getattr(tp, "__name__", str(tp))
    )


def matches(value: Any, tp: Any) -> bool:
    """Whether ``value`` fits the annotation ``tp`` (ints count as floats, bools as neither)."""
    if tp is Any:
        return True
    if tp is type(None):
        return value is None
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return any(matches(value, a) for a in typing.get_args(tp))
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, (tuple, list)):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(matches(v, args[0]) for v in value)
        return len(value) == len(args) and all(matches(v, a) for v, a in zip(value, args))
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, tp) if isinstance(tp, type) else True


def check_fields(obj: Any, section: str) -> None:
    """Raise ``ValueError`` for the first field of dataclass ``obj`` whose value misfits its type.

    Args:
        obj: a dataclass instance (called from its ``__post_init__``).
        section: how the config names it, e.g. ``"optim"`` (``optim.lr_d must be ...``).
    """
    hints = typing.get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if not matches(value, hints[f.name]):
            raise ValueError(
                f"{section}.{f.name} must be {_describe(hints[f.name])}, got {value!r}"
            )
