"""Run directories: config.json, history.csv, checkpoints/, samples/, report.md; load_or_train().

A run directory is everything a finished or interrupted run leaves behind. Every file is written
atomically, so an interrupted run never leaves a half-written file; ``load_or_train`` resumes from
the last checkpoint, and on CPU the resumed history equals the uninterrupted one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import torch

from ganlens.checkpoints import (
    atomic_write_text,
    check_architecture,
    load_checkpoint,
    save_checkpoint,
)
from ganlens.config import TrainConfig

__all__ = ["Run", "load_checkpoint", "save_checkpoint"]

_CKPT = re.compile(r"step_(\d+)\.pt$")


class Run:
    """A run directory on disk.

    Layout: ``config.json``, ``history.csv`` (one row per logging step), ``fid.csv`` (when FID is
    tracked), ``summary.json`` (final
    DI and timings), ``checkpoints/step_NNNNNNN.pt``, ``samples/step_NNNNNNN.png``,
    ``figures/*.png`` and ``report.md``.
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

    def exists(self) -> bool:
        """Whether a run was started here (its config.json exists)."""
        return self.config_path.is_file()

    def read_config(self) -> TrainConfig:
        """The run's configuration."""
        if not self.exists():
            raise FileNotFoundError(f"{self.path} is not a ganlens run directory (no config.json)")
        return TrainConfig.from_dict(json.loads(self.config_path.read_text()))

    def write_config(self, config: TrainConfig) -> None:
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

    def write_history(self, history: pd.DataFrame) -> None:
        """Rewrite history.csv atomically."""
        self.write_table("history.csv", history)

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


def check_same_config(run: Run, config: TrainConfig, ignore: Sequence[str] = ("device",)) -> None:
    """Refuse to continue a run directory that holds a run with another configuration."""
    stored = run.read_config().to_dict()
    wanted = config.to_dict()
    diff = [k for k in wanted if k not in ignore and stored.get(k) != wanted[k]]
    if diff:
        pairs = ", ".join(f"{k}: {stored.get(k)!r} -> {wanted[k]!r}" for k in diff[:5])
        raise ValueError(
            f"{run.path} already holds a run with a different config ({pairs}); "
            "choose another output directory or delete that one"
        )


def load_models_into(lens: torch.nn.Module, state: dict[str, Any], path: Path) -> None:
    """Check that a checkpoint fits ``lens`` (architecture and shapes) and load G, D."""
    check_architecture(lens.G, state["G"], state.get("G_spec"), f"{path} (G)")
    check_architecture(lens.D, state["D"], state.get("D_spec"), f"{path} (D)")
    lens.G.load_state_dict(state["G"])
    lens.D.load_state_dict(state["D"])


@dataclass
class RunResult:
    """What :func:`ganlens.experiment.load_or_train` returns."""

    run: Run
    config: TrainConfig
    lens: Any
    history: pd.DataFrame
    summary: dict[str, Any]
    G_ema: torch.nn.Module | None = None
