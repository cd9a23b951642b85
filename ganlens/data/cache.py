"""A cache of decoded datasets as uncompressed uint8 .npz files (fast to re-read, never pickled).

A cache file's name carries a hash of everything that decides its content (source path, size and
mtime, split, classes, format version), so a changed source gets a new file instead of stale data.
Files are written atomically (temporary file + ``os.replace``); an unreadable one is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

_VERSION = 1


def default_cache_dir() -> Path:
    """``$GANLENS_CACHE`` when set, else ``~/.cache/ganlens``."""
    env = os.environ.get("GANLENS_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "ganlens"


def cache_file(cache_dir: Path, stem: str, key: dict) -> Path:
    """The cache path for ``key`` (any JSON-able dict): ``<cache_dir>/<stem>-<hash>.npz``."""
    text = json.dumps({"version": _VERSION, **key}, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return cache_dir / f"{stem}-{digest}.npz"


def read_cache(path: Path) -> dict[str, np.ndarray] | None:
    """All arrays of a cache file, or ``None`` when it is missing or unreadable (with a warning)."""
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except Exception as e:
        warnings.warn(
            f"ignoring unreadable cache file {path} ({type(e).__name__}: {e}); rebuilding it",
            stacklevel=2,
        )
        return None


def write_cache(path: Path, **arrays: np.ndarray) -> None:
    """Write ``arrays`` to ``path`` atomically; warn (not fail) when the folder is not writable."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except OSError as e:
        warnings.warn(
            f"could not write the dataset cache {path} ({e}); continuing without it", stacklevel=2
        )
        if tmp is not None and os.path.exists(tmp):
            os.remove(tmp)
