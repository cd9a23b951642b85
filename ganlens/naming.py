"""The one message for an unknown name: what was asked, the closest valid names, all valid names."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from typing import Any, ClassVar


def unknown(what: str, name: object, valid: Iterable[str]) -> ValueError:
    """``ValueError("unknown model 'sn-dgan' (did you mean 'sn-dcgan'?); valid names are ...")``."""
    valid = list(valid)
    close = difflib.get_close_matches(str(name), valid, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ValueError(f"unknown {what} {name!r}{hint}; valid names are {', '.join(valid)}")


class ComparedByFields:
    """Mixin of the named configs (model, method): equal when class and ``to_dict()`` are equal.

    Comparing one with a string raises ``TypeError`` instead of quietly answering ``False``:
    ``config.method == "eqgan-sa"`` is a bug (``config.method.name == "eqgan-sa"`` is meant).
    Dataclasses using it are declared with ``eq=False`` so they keep this equality.
    """

    section: ClassVar[str] = "config"

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - provided by the dataclass
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            raise TypeError(
                f"a {self.section} config is not a string: compare "
                f"config.{self.section}.name with {other!r}"
            )
        if type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True, default=str))
