"""Checkpoint files: atomic writes, safe loading (no code execution), architecture checks."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

FORMAT = "ganlens-checkpoint-v2"  # {player: state}, optimisers by phase, EMA, RNG, method state
_OLD_FORMATS = {"ganlens-checkpoint-v1": "ganlens 0.1 (one G and one D, before named players)"}


class WriteFailed(OSError):
    """A run file could not be written (full disk, no permission); the previous file is kept."""


def _umask_mode() -> int:
    """The mode a new file gets from the user's umask (``mkstemp`` would leave 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _failed(path: Path, exc: BaseException) -> WriteFailed:
    reason = (
        "no space left on the device"
        if getattr(exc, "errno", None) == errno.ENOSPC
        or "unexpected pos" in str(exc)
        or "No space" in str(exc)
        else f"{type(exc).__name__}: {exc}"
    )
    kept = "the previous version is kept" if path.exists() else "nothing was written there"
    return WriteFailed(
        getattr(exc, "errno", None) or errno.EIO,
        f"could not write {path} ({reason}); {kept}. Free space (or fix the "
        "permissions) and resume the run (ganlens train ... --resume)",
    )


def _atomic(path: str | os.PathLike, write: Callable[[str], None]) -> Path:
    """Write a file through ``write(tmp_path)`` into a temporary file, then ``os.replace`` it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _failed(path, exc) from None
    os.close(fd)
    try:
        os.chmod(tmp, _umask_mode())
        write(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, (OSError, RuntimeError)) and not isinstance(exc, WriteFailed):
            raise _failed(path, exc) from None
        raise
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    Raises:
        WriteFailed: the disk is full or the folder not writable (one line; the old file stays).
    """

    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    return _atomic(path, write)


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Text version of :func:`atomic_write_bytes` (UTF-8)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def save_checkpoint(path: str | os.PathLike, state: dict[str, Any]) -> Path:
    """Write a checkpoint atomically; ``state`` holds tensors and plain containers only.

    Raises:
        WriteFailed: the disk is full or the folder not writable (one line; the old file stays).
    """
    return _atomic(path, lambda tmp: torch.save({"format": FORMAT, **state}, tmp))


def load_checkpoint(
    path: str | os.PathLike, map_location: str | torch.device = "cpu"
) -> dict[str, Any]:
    """Load a ganlens checkpoint with ``weights_only=True``: no code from the file is executed.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: the file is not a readable ganlens checkpoint (corrupt, or it would need to
            execute code to load, e.g. a pickled model object).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:  # torch raises UnpicklingError, RuntimeError, EOFError, ...
        raise ValueError(
            f"{path} is not a loadable ganlens checkpoint ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}). ganlens loads with weights_only=True "
            "and refuses files that hold code or pickled objects."
        ) from None
    found = state.get("format") if isinstance(state, dict) else None
    if found in _OLD_FORMATS:
        raise ValueError(
            f"{path} was written by {_OLD_FORMATS[found]} (format {found!r}); this ganlens reads "
            f"{FORMAT!r} only and will not guess how to map it. Retrain the run (its config.json "
            "says how), or read it with the ganlens version that wrote it"
        )
    if found != FORMAT:
        raise ValueError(f"{path} is not a ganlens checkpoint (format {FORMAT!r} expected)")
    return state


def _describe(spec: dict[str, Any] | None) -> str:
    if not spec:
        return "an unnamed architecture"
    args = ", ".join(f"{k}={v}" for k, v in spec.items() if k != "name")
    return f"{spec.get('name', '?')}({args})"


def check_architecture(
    model: nn.Module, state: dict[str, torch.Tensor], spec: Any, what: str
) -> None:
    """Refuse a state dict written for another architecture, naming both architectures."""
    mine = getattr(model, "spec", None)
    if mine is not None and spec is not None and dict(mine) != dict(spec):
        raise ValueError(
            f"checkpoint {what} was written for {_describe(spec)} but this model is "
            f"{_describe(mine)}; build the model with the checkpoint's settings (see its config.json)"
        )
    current = model.state_dict()
    missing = sorted(set(current) - set(state))
    extra = sorted(set(state) - set(current))
    shapes = [k for k in current if k in state and tuple(current[k].shape) != tuple(state[k].shape)]
    if missing or extra or shapes:
        detail = (f"missing {missing[:3]}" if missing else "") + (
            f" unexpected {extra[:3]}" if extra else ""
        )
        if shapes:
            k = shapes[0]
            detail += f" shape of {k}: checkpoint {tuple(state[k].shape)} vs model {tuple(current[k].shape)}"
        raise ValueError(
            f"checkpoint {what} does not fit this model ({detail.strip()}); it was written for "
            f"{_describe(spec)}, the model is {_describe(mine)}"
        )


def load_players_into(lens: Any, state: dict[str, Any], path: Path) -> None:
    """Check that a checkpoint's players fit ``lens`` (names, architectures, shapes), then load.

    Args:
        lens: a :class:`ganlens.GANLens` (anything with ``players``).
        state: a loaded checkpoint.
        path: where it came from (named in errors).
    """
    mine, theirs = list(lens.players), list(state["players"])
    if sorted(mine) != sorted(theirs):
        raise ValueError(
            f"checkpoint {path} holds players {theirs} but this lens has {mine}; "
            "build the lens with the run's config (and method)"
        )
    specs = state.get("specs", {})
    for name, module in lens.players.items():
        check_architecture(module, state["players"][name], specs.get(name), f"{path} ({name})")
    for name, module in lens.players.items():
        module.load_state_dict(state["players"][name])
