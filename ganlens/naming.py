"""The one message for an unknown name: what was asked, the closest valid names, all valid names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def unknown(what: str, name: object, valid: Iterable[str]) -> ValueError:
    """``ValueError("unknown model 'sn-dgan' (did you mean 'sn-dcgan'?); valid names are ...")``."""
    valid = list(valid)
    close = difflib.get_close_matches(str(name), valid, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ValueError(f"unknown {what} {name!r}{hint}; valid names are {', '.join(valid)}")
