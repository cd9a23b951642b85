"""Typed, frozen run configurations and the named presets (one per experiment and scale)."""

from __future__ import annotations

import dataclasses
import difflib
import json
from dataclasses import dataclass, field
from typing import Any

SCALES = ("smoke", "cpu", "gpu")
LOSS_NAMES = ("ns", "hinge", "wgan", "wgan-gp", "lsgan")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run; written to ``config.json`` in the run directory.

    Attributes:
        data: dataset name for :func:`ganlens.data.load`.
        data_kw: keyword arguments for the loader (``resolution``, ``classes``, ``root``, ...).
        model: model name for :func:`ganlens.models.build`.
        model_kw: keyword arguments for the model (``width``, ``n_classes``, ...).
        loss: adversarial loss, one of ``LOSS_NAMES``.
        method: training method plugged into the loop (``"none"`` for the plain game).
        method_kw: keyword arguments of the method.
        steps: number of G updates.
        batch_size: images per D and per G step.
        n_dis: D updates per G update.
        lr_g, lr_d, betas: Adam settings of G and D.
        ema_beta: decay of an exponential moving average of G's weights (``None``: no EMA).
        r1_gamma: weight of the R1 penalty on real images (0 disables it).
        gp_lambda: gradient-penalty weight of ``wgan-gp``.
        clip: weight clipping bound of ``wgan``.
        seed: seed of the model init, the data order and the latents.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        log_every: steps between tracker rows (realness statistics, r_t, DI).
        track_pool: real and fake images scored at each tracker row.
        di_repeats: DI draws per tracker row.
        ckpt_every: steps between checkpoints.
        sample_every: steps between sample grids.
        keep_checkpoints: how many step checkpoints to keep (the last one is always kept).
        final_pool: real and fake images scored for the final DI of the run.
        fid_every: steps between FID-N rows in ``fid.csv`` (0: no FID tracking; needs the
            Inception file, see ``ganlens fetch-inception``).
        fid_n: generated (and reference) images per FID measurement, the N of FID-N.
    """

    data: str = "mnist5k"
    data_kw: dict[str, Any] = field(default_factory=dict)
    model: str = "sn-dcgan"
    model_kw: dict[str, Any] = field(default_factory=dict)
    loss: str = "hinge"
    method: str = "none"
    method_kw: dict[str, Any] = field(default_factory=dict)
    steps: int = 1000
    batch_size: int = 64
    n_dis: int = 1
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    ema_beta: float | None = None
    r1_gamma: float = 0.0
    gp_lambda: float = 10.0
    clip: float = 0.01
    seed: int = 0
    device: str = "cpu"
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
        if self.loss not in LOSS_NAMES:
            raise ValueError(f"unknown loss {self.loss!r}; choose one of {LOSS_NAMES}")
        for name in ("steps", "batch_size", "n_dis", "log_every", "ckpt_every", "sample_every",
                     "track_pool", "di_repeats", "keep_checkpoints", "final_pool"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)!r}")
        if self.fid_every < 0 or self.fid_n < 2:
            raise ValueError(f"fid_every must be >= 0 and fid_n >= 2, got {self.fid_every}, {self.fid_n}")
        if self.ckpt_every % self.log_every:
            raise ValueError(
                f"ckpt_every ({self.ckpt_every}) must be a multiple of log_every ({self.log_every}) "
                "so that a resumed run logs exactly what an uninterrupted one does"
            )
        if self.ema_beta is not None and not 0.0 < self.ema_beta < 1.0:
            raise ValueError(f"ema_beta must be in (0, 1) or None, got {self.ema_beta}")
        if self.device not in ("cpu", "cuda", "auto") and not self.device.startswith("cuda:"):
            raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'auto', got {self.device!r}")
        object.__setattr__(self, "betas", tuple(float(b) for b in self.betas))

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with ``changes`` applied; unknown keys raise ``ValueError``."""
        _check_keys(changes)
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dictionary."""
        return json.loads(json.dumps(dataclasses.asdict(self)))

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`; unknown keys raise ``ValueError``."""
        _check_keys(values)
        return cls(**values)


def _check_keys(values: dict[str, Any]) -> None:
    known = [f.name for f in dataclasses.fields(TrainConfig)]
    for key in values:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=3)
            hint = f" (did you mean {close}?)" if close else ""
            raise ValueError(f"unknown config key {key!r}{hint}; valid keys: {', '.join(known)}")


def parse_override(text: str, base: TrainConfig) -> tuple[str, Any]:
    """Parse ``key=value`` from the command line, typed by the current value of ``key``.

    Values are read as JSON first (``3``, ``1e-4``, ``null``, ``{"width": 32}``, ``[0.0, 0.99]``),
    else taken as a plain string.
    """
    if "=" not in text:
        raise ValueError(f"override {text!r} must look like key=value, e.g. steps=200")
    key, raw = text.split("=", 1)
    _check_keys({key: None})
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    current = getattr(base, key)
    if isinstance(current, float) and isinstance(value, int):
        value = float(value)
    return key, value
