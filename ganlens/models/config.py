"""ModelConfig: the base of every model family's typed, frozen configuration."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from ganlens.naming import ComparedByFields


@dataclass(frozen=True, eq=False)
class ModelConfig(ComparedByFields):
    """A model family's settings; ``name`` picks the family member (``"sn-dcgan"``).

    Fields left ``None`` (image channels and resolution, a toy's dimension) are taken from the
    data by :meth:`resolved` when a run builds its models. Configs are equal when their class
    and fields are; comparing one with a string is a ``TypeError`` (compare ``.name``).
    Subclasses are ``@dataclass(frozen=True, eq=False)`` so they keep this equality.
    """

    section: ClassVar[str] = "model"
    name: str

    def resolved(self, **from_data: Any) -> ModelConfig:
        """A copy with the ``None`` fields named in ``from_data`` filled in."""
        fill = {
            k: v
            for k, v in from_data.items()
            if k in self.field_names() and getattr(self, k) is None
        }
        return dataclasses.replace(self, **fill) if fill else self

    def kwargs(self) -> dict[str, Any]:
        """The model keywords: every field but ``name``, with ``None`` fields left out."""
        return {
            f: getattr(self, f)
            for f in self.field_names()
            if f != "name" and getattr(self, f) is not None
        }

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of the fields, in order."""
        return [f.name for f in dataclasses.fields(cls)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (``name`` first)."""
        return {f: getattr(self, f) for f in self.field_names()}


@dataclass(frozen=True, eq=False)
class UserModelConfig(ModelConfig):
    """The config of a model registered with :func:`ganlens.models.register` without its own
    config class: the builder's keyword options, plus the data's image shape.

    Attributes:
        name: the registered name.
        channels, resolution: the data's (filled in when a run builds the players); passed to
            the builder only if it takes them.
        options: the builder's other keywords, as sorted ``(key, value)`` pairs (JSON values).
    """

    name: str = "user"
    channels: int | None = None
    resolution: int | None = None
    options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(sorted(dict(self.options).items())))

    def kwargs(self) -> dict[str, Any]:
        """The builder's keywords: the options, and channels/resolution when set."""
        shape = {
            k: getattr(self, k) for k in ("channels", "resolution") if getattr(self, k) is not None
        }
        return {**shape, **dict(self.options)}

    def to_dict(self) -> dict[str, Any]:
        """``{"name": ..., "channels": ..., "resolution": ..., **options}``."""
        return {
            "name": self.name,
            "channels": self.channels,
            "resolution": self.resolution,
            **dict(self.options),
        }
