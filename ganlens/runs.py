"""Run directories: config.json, history.csv, checkpoints/, samples/, report.md, and one writer.

A run directory is everything a finished or interrupted run leaves behind. Every file is written
atomically (a temporary file, then ``os.replace``), so a killed run never leaves a half-written
file; ``load_or_train`` resumes from the last checkpoint, and on CPU the resumed history equals
the uninterrupted one. One process writes a run directory at a time: :meth:`Run.lock` holds an
OS file lock (released by the kernel when the process dies, even by SIGKILL), and a second
writer is refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import torch

from ganlens.checkpoints import WriteFailed, atomic_write_text, load_checkpoint, save_checkpoint
from ganlens.config import ExperimentConfig

__all__ = ["Run", "RunLocked", "RunResult", "load_checkpoint", "save_checkpoint"]

_CKPT = re.compile(r"step_(\d+)\.pt$")
_HELD: dict[Path, int] = {}  # run directories this process has locked, with the nesting depth


class RunLocked(RuntimeError):
    """Another process is writing this run directory."""


class Run:
    """A run directory on disk.

    Layout: ``config.json``, ``history.csv`` (one row per logging step), ``fid.csv`` (when FID is
    tracked), ``summary.json`` (final DI and timings), ``checkpoints/step_NNNNNNN.pt``,
    ``samples/step_NNNNNNN.png``, ``figures/*.png``, ``report.md`` and ``.lock`` (the writer's
    lock file).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    config_path = property(lambda self: self.path / "config.json")
    history_path = property(lambda self: self.path / "history.csv")
    summary_path = property(lambda self: self.path / "summary.json")
    checkpoint_dir = property(lambda self: self.path / "checkpoints")
    samples_dir = property(lambda self: self.path / "samples")
    figures_dir = property(lambda self: self.path / "figures")
    report_path = property(lambda self: self.path / "report.md")
    lock_path = property(lambda self: self.path / ".lock")

    def exists(self) -> bool:
        """Whether a run was started here (its config.json exists)."""
        return self.config_path.is_file()

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the directory's writer lock inside the block (re-entrant within one process).

        Raises:
            RunLocked: another live process holds it (its pid is named).
        """
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            key = self.path.resolve()
            if key not in _HELD:
                fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WriteFailed(
                exc.errno or 0,
                f"could not write the run directory {self.path} "
                f"({exc.strerror or exc}); choose a folder you can write to",
            ) from None
        if key in _HELD:  # this process holds it already (e.g. load_or_train inside a lock)
            _HELD[key] += 1
            try:
                yield
            finally:
                _HELD[key] -= 1
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                raise RunLocked(
                    f"{self.path} is being written by another process (pid {holder}); wait for it "
                    "to finish, stop it, or choose another output directory"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            _HELD[key] = 1
            try:
                yield
            finally:
                del _HELD[key]
        finally:
            os.close(fd)  # closing releases the lock

    def clean_partial_files(self) -> list[Path]:
        """Delete temporary files a killed writer left (``.<name>.*.tmp``); returns them."""
        found = [p for p in self.path.rglob(".*.tmp") if p.is_file()] if self.path.is_dir() else []
        for p in found:
            p.unlink(missing_ok=True)
        return found

    def read_config(self) -> ExperimentConfig:
        """The run's configuration."""
        if not self.exists():
            raise FileNotFoundError(f"{self.path} is not a ganlens run directory (no config.json)")
        try:
            return ExperimentConfig.from_dict(json.loads(self.config_path.read_text()))
        except ValueError as exc:
            raise ValueError(f"{self.config_path}: {exc}") from None

    def write_config(self, config: ExperimentConfig) -> None:
        """Write config.json (atomically)."""
        atomic_write_text(self.config_path, json.dumps(config.to_dict(), indent=2) + "\n")

    def read_table(self, name: str) -> pd.DataFrame:
        """A CSV table of the run (``history.csv``, ``fid.csv``); empty if it does not exist."""
        path = self.path / name
        return pd.read_csv(path) if path.is_file() else pd.DataFrame()

    def write_table(self, name: str, table: pd.DataFrame) -> None:
        """Rewrite a CSV table of the run atomically."""
        atomic_write_text(self.path / name, table.to_csv(index=False))

    def read_history(self) -> pd.DataFrame:
        """history.csv (one row per logging step) as a DataFrame (empty if there is none yet)."""
        return self.read_table("history.csv")

    def read_summary(self) -> dict[str, Any]:
        """summary.json (empty dict if the run has not finished)."""
        return json.loads(self.summary_path.read_text()) if self.summary_path.is_file() else {}

    def write_summary(self, summary: dict[str, Any]) -> None:
        """Write summary.json atomically."""
        atomic_write_text(self.summary_path, json.dumps(summary, indent=2) + "\n")

    def checkpoints(self) -> list[Path]:
        """Step checkpoints, oldest first."""
        found = [p for p in self.checkpoint_dir.glob("step_*.pt") if _CKPT.search(p.name)]
        return sorted(found, key=lambda p: int(_CKPT.search(p.name).group(1)))

    def step(self) -> int:
        """The step of the newest step checkpoint (from its name; 0 when there is none)."""
        newest = self.last_checkpoint()
        return int(_CKPT.search(newest.name).group(1)) if newest is not None else 0

    def last_checkpoint(self) -> Path | None:
        """The newest checkpoint, or ``None``."""
        found = self.checkpoints()
        return found[-1] if found else None

    def save_checkpoint(self, state: dict[str, Any], step: int, keep: int) -> Path:
        """Write ``checkpoints/step_NNNNNNN.pt`` and delete all but the newest ``keep``."""
        path = save_checkpoint(self.checkpoint_dir / f"step_{step:07d}.pt", state)
        for old in self.checkpoints()[:-keep]:
            old.unlink(missing_ok=True)
        return path

    def samples(self) -> list[Path]:
        """Sample grids, oldest first."""
        return sorted(self.samples_dir.glob("step_*.png"))


@dataclass
class RunResult:
    """What :func:`ganlens.experiment.load_or_train` returns."""

    run: Run
    config: ExperimentConfig
    lens: Any
    history: pd.DataFrame
    summary: dict[str, Any]
    G_ema: torch.nn.Module | None = None
