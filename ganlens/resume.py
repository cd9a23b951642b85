"""What a resumed run may do: where it continues from, what its history must hold, what may change.

- :func:`resume_point`: the newest readable checkpoint (a corrupt newest one is skipped, with a
  warning); a run with history but no checkpoint is refused, never restarted over its history.
- :func:`check_history`: the history kept for a resumed run has no gap (a cut or deleted
  ``history.csv`` is refused, with what is missing).
- :func:`config_changes` / :func:`allowed_changes`: a resumed run may grow ``optim.steps``
  (extending a finished run) and, with ``override=True`` (``--resume --override``), change its
  learning rates and logging; every change is recorded in ``changes.json`` with its step.
  Anything else is another run and is refused.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

from ganlens.checkpoints import atomic_write_text, load_checkpoint
from ganlens.config import ExperimentConfig
from ganlens.runs import Run

START = "start.pt"  # the checkpoint of a fresh run before its first step
GROWS = ("optim.steps",)  # may grow on any resume
OVERRIDE = (
    "optim.lr_g",
    "optim.lr_d",
    "track.log_every",
    "track.sample_every",
    "track.ckpt_every",
    "track.keep_checkpoints",
    "track.fid_every",
    "track.track_pool",
)
IGNORED = ("device",)  # where a run trains is not part of what it is


def resume_point(run: Run) -> tuple[dict[str, Any] | None, Path | None]:
    """The newest readable checkpoint of ``run`` (state, path), or ``(None, None)`` for a fresh run.

    Raises:
        ValueError: the run has history beyond step 0 but no readable checkpoint at all (they
            were deleted): restarting would overwrite that history, so ganlens refuses.
    """
    candidates = [*reversed(run.checkpoints()), run.checkpoint_dir / START]
    for path in (p for p in candidates if p.is_file()):
        try:
            return load_checkpoint(path), path
        except ValueError as exc:
            warnings.warn(f"skipping unreadable checkpoint {path}: {exc}", stacklevel=2)
    history = run.read_history()
    if len(history) and "step" in history and float(history["step"].max()) > 0:
        raise ValueError(
            f"{run.path} has history up to step {int(history['step'].max())} but no readable "
            f"checkpoint in {run.checkpoint_dir}; resuming would restart at step 0 and overwrite "
            "history.csv. Restore the checkpoints, or move the directory away to start afresh"
        )
    return None, None


def check_history(run: Run, step: int, log_every: int) -> None:
    """Refuse to resume at ``step`` when ``history.csv`` lacks rows up to there.

    Without recorded changes of ``log_every``, every multiple of it up to ``step`` (and step 0)
    must have its row; with them, at least the rows at 0 and at ``step``.
    """
    history = run.read_history()
    if history.empty or "step" not in history:
        raise ValueError(
            f"{run.history_path} is missing or empty, but the run is at step {step} "
            f"(checkpoint); restore it, or move {run.path} away to start afresh"
        )
    have = set(history["step"].astype(int))
    want = {0, step} if changes_of(run) else {0, *range(log_every, step + 1, log_every)}
    missing = sorted(want - have)
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (" ..." if len(missing) > 5 else "")
        raise ValueError(
            f"{run.history_path} has no rows for steps {shown} (the checkpoint is at "
            f"step {step}): resuming would leave a gap; restore the file or start afresh"
        )


def _flat(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def config_changes(
    stored: ExperimentConfig, wanted: ExperimentConfig
) -> dict[str, tuple[Any, Any]]:
    """``{dotted path: (stored value, wanted value)}`` of every difference (``device`` ignored)."""
    a, b = _flat(stored.to_dict()), _flat(wanted.to_dict())
    keys = [k for k in dict.fromkeys([*b, *a]) if k not in IGNORED]
    return {k: (a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)}


def allowed_changes(
    run: Run, changes: dict[str, tuple[Any, Any]], override: bool, step: int
) -> None:
    """Refuse changes a resumed run cannot take (naming them, and what could change instead)."""
    other = [k for k in changes if k not in GROWS + OVERRIDE]
    if other:
        pairs = ", ".join(f"{k}: {changes[k][0]!r} -> {changes[k][1]!r}" for k in other[:5])
        raise ValueError(
            f"{run.path} already holds a run with a different config ({pairs}); a resumed run "
            f"may only extend optim.steps and, with --override, change {', '.join(OVERRIDE)}; "
            "choose another output directory for another run"
        )
    steps = changes.get("optim.steps")
    if steps is not None and steps[1] < step:
        raise ValueError(
            f"{run.path} is at step {step} already; optim.steps={steps[1]} would end "
            "it before that: choose steps >= the current step"
        )
    needs = [k for k in changes if k in OVERRIDE]
    if needs and not override:
        pairs = ", ".join(f"{k}: {changes[k][0]!r} -> {changes[k][1]!r}" for k in needs)
        raise ValueError(
            f"{run.path} holds this run with other settings ({pairs}); pass "
            "--resume --override (override=True) to continue it with the new ones "
            "(recorded in changes.json), or choose another output directory"
        )


def changes_of(run: Run) -> list[dict[str, Any]]:
    """The recorded changes of a run (``changes.json``), oldest first."""
    path = run.path / "changes.json"
    return json.loads(path.read_text()) if path.is_file() else []


def record_changes(run: Run, changes: dict[str, tuple[Any, Any]], step: int) -> None:
    """Append ``changes`` (made when resuming at ``step``) to ``changes.json``."""
    entry = {
        "step": step,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "changes": {k: list(v) for k, v in changes.items()},
    }
    atomic_write_text(
        run.path / "changes.json", json.dumps([*changes_of(run), entry], indent=2) + "\n"
    )
