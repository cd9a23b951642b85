"""TrackConfig: what a run measures and writes as it trains (the ``track`` section)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ganlens.fieldtypes import check_fields


@dataclass(frozen=True)
class TrackConfig:
    """Tracking, checkpointing and sampling settings of a run.

    Attributes:
        log_every: iterations between tracker rows (realness statistics, r_t, DI).
        track_pool: real and fake images scored at each tracker row.
        di_repeats: DI draws per tracker row.
        ckpt_every: iterations between checkpoints (a multiple of ``log_every``).
        sample_every: iterations between sample grids.
        keep_checkpoints: how many step checkpoints to keep (the last one is always kept).
        final_pool: real and fake images scored for the final DI of the run.
        fid_every: iterations between FID-N rows in ``fid.csv`` (0: no FID tracking; needs the
            Inception file, see ``ganlens fetch-inception``).
        fid_n: generated (and reference) images per FID measurement, the N of FID-N.
    """

    log_every: int = 50
    track_pool: int = 256
    di_repeats: int = 200
    ckpt_every: int = 500
    sample_every: int = 500
    keep_checkpoints: int = 3
    final_pool: int = 1024
    fid_every: int = 0
    fid_n: int = 2000

    def __post_init__(self) -> None:
        check_fields(self, "track")
        for name in (
            "log_every",
            "ckpt_every",
            "sample_every",
            "track_pool",
            "di_repeats",
            "keep_checkpoints",
            "final_pool",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.fid_every < 0 or self.fid_n < 2:
            raise ValueError(
                f"fid_every must be >= 0 and fid_n >= 2, got {self.fid_every}, {self.fid_n}"
            )
        if self.ckpt_every % self.log_every:
            raise ValueError(
                f"ckpt_every ({self.ckpt_every}) must be a multiple of log_every ({self.log_every}) "
                "so that a resumed run logs exactly what an uninterrupted one does"
            )

    def replace(self, **changes: Any) -> TrackConfig:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)
