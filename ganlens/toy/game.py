"""The 2-D GAN game one move at a time: what GAN Lab shows, computed from a real Trainer.

:class:`ToyGame` wraps :class:`ganlens.train.Trainer` on a 2-D toy (``ring8``, ``grid25``).
Each move is a D step, a G step or a training step (n_dis D steps then one G step), done by the
Trainer's phases with the losses of :mod:`ganlens.train.losses`. After each move the game
takes a :class:`GameState`: D's scores on fixed pools of real and generated points, D's
decision surface on a grid, the pull of G's loss on each generated point, and the DI of the
pools (:func:`ganlens.track.disequilibrium_indicator`). The same seed and the same moves give the
same states, so a fixed schedule reproduces the figures an interactive session shows.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch

from ganlens.config import ExperimentConfig
from ganlens.experiment import build, load_data
from ganlens.modes import mode
from ganlens.presets import get_preset
from ganlens.track.equilibrium import DIResult, disequilibrium_indicator, realness_stats
from ganlens.train.losses import GLoss, get_losses
from ganlens.train.trainer import Trainer

TOY_PRESETS = {"ring8": "toy-ring8", "grid25": "toy-grid25"}
SETTINGS = ("loss", "lr_d", "lr_g", "n_dis")  # what a student may change mid-game
ACTIONS = ("d", "g", "train")


@dataclass(frozen=True)
class GameState:
    """The game after some moves; every array is numpy on the CPU.

    Attributes:
        d_steps, g_steps: D and G updates made so far.
        settings: the current ``loss``, ``lr_d``, ``lr_g`` and ``n_dis``.
        toy: the toy's name; centers: (K, 2) its mode centres; extent: half-width of the view.
        real: (P, 2) the fixed pool of real points; fake: (P, 2) G's images of fixed latents.
        real_scores, fake_scores: (P,) D logits of the two pools.
        pull: (A, 2) minus the gradient of G's loss at the first A fake points: where G's next
            step pushes them.
        grid: (R,) coordinates of the surface grid (the same on both axes).
        surface: (R, R) D logits on the grid, ``surface[i, j]`` at ``(grid[j], grid[i])``.
        di: the Disequilibrium Indicator of the pools (64 + 64 per draw).
        gap: ``min(real_scores) - max(fake_scores)`` over the whole pools.
        modes_covered: modes with at least one fake point within 3 std of their centre.
    """

    d_steps: int
    g_steps: int
    settings: dict[str, Any]
    toy: str
    centers: np.ndarray
    extent: float
    real: np.ndarray
    fake: np.ndarray
    real_scores: np.ndarray
    fake_scores: np.ndarray
    pull: np.ndarray
    grid: np.ndarray
    surface: np.ndarray
    di: DIResult = field(repr=False)
    gap: float
    modes_covered: int

    @property
    def n_modes(self) -> int:
        """Number of modes of the toy."""
        return len(self.centers)


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one intra-op thread, then restore the previous count.

    The toy MLPs are tiny: on one thread a D step takes milliseconds, while several OpenMP
    threads on a busy 2-core machine spin-wait and make it 50 times slower (measured).
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def generator_pull(score: Any, g_loss: GLoss, points: torch.Tensor) -> torch.Tensor:
    """Minus the gradient of G's loss with respect to each generated point.

    G's losses are batch means of per-point terms, so the gradient of ``N * g_loss`` at point i
    is the gradient of point i's own term: the direction G's next update moves that point.

    Args:
        score: maps points (N, 2) to D logits (N,), e.g. ``lens.score``.
        g_loss: a G loss of :mod:`ganlens.train.losses`.
        points: (N, 2) generated points.

    Returns:
        (N, 2) the pull on each point (not normalised).
    """
    x = points.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(g_loss(score(x)) * len(x), x)
    return -grad


def modes_covered(fake: np.ndarray, centers: np.ndarray, radius: float) -> int:
    """Modes with at least one point of ``fake`` (N, 2) within ``radius`` of their centre."""
    dist = np.linalg.norm(fake[:, None, :] - centers[None, :, :], axis=2)
    return int((dist <= radius).any(axis=0).sum())


class ToyGame:
    """A GAN on a 2-D toy, moved by hand: D steps, G steps, training steps, setting changes.

    Args:
        config: a 2-D toy configuration (e.g. ``get_preset("toy-ring8", "smoke")``); its
            ``steps`` and logging fields are unused, its seed fixes models, data and pools.
        pool: real and fake points per state (DI draws 64 + 64 of them, 200 times).
        arrows: fake points that get a pull arrow.
        resolution: grid points per axis of the decision surface.
    """

    def __init__(
        self, config: ExperimentConfig, pool: int = 512, arrows: int = 64, resolution: int = 80
    ) -> None:
        if pool < 64:
            raise ValueError(f"pool must hold at least 64 points for DI, got {pool}")
        self.base_config = config
        self._config = config
        self.pool, self.arrows, self.resolution = pool, min(arrows, pool), resolution
        self.lock = threading.RLock()  # a running widget loop and button presses take turns
        self.reset()

    @classmethod
    def from_preset(
        cls,
        toy: str = "ring8",
        scale: str = "smoke",
        seed: int = 0,
        device: str | None = None,
        **kw: Any,
    ) -> ToyGame:
        """A game on ``toy`` (``"ring8"`` or ``"grid25"``) with that toy's preset at ``scale``."""
        if toy not in TOY_PRESETS:
            raise ValueError(f"unknown toy {toy!r}; choose one of {sorted(TOY_PRESETS)}")
        config = get_preset(TOY_PRESETS[toy], scale).replace(seed=seed)
        return cls(config.replace(device=device) if device else config, **kw)

    def reset(self) -> GameState:
        """Fresh models from the seed (the current settings are kept); returns the first state."""
        with self.lock, single_thread():
            config = self._config
            data = load_data(config)
            lens, method = build(config, data)
            self.trainer = Trainer(
                lens, lens.task(data), config.optim, method, seed=config.seed, device=config.device
            )
            pools = torch.Generator().manual_seed(config.seed + 7_919)
            self._real = data.sample(self.pool, pools)[0]
            self._z = self.trainer.lens.sample_latent(self.pool, pools, "cpu")
            centers = data.centers.numpy().astype(np.float64)
            self._toy = (data.name, centers, 1.5 * float(np.abs(centers).max()), 3.0 * data.std)
            self.d_steps = self.g_steps = 0
            self.rows: list[dict[str, Any]] = []
            return self._record()

    @property
    def config(self) -> ExperimentConfig:
        """The configuration in force now (the base one plus the settings changed since)."""
        return self._config

    @property
    def settings(self) -> dict[str, Any]:
        """The current loss, learning rates and n_dis."""
        return {k: getattr(self.config.optim, k) for k in SETTINGS}

    def configure(self, **changes: Any) -> None:
        """Change ``loss``, ``lr_d``, ``lr_g`` or ``n_dis`` mid-game; models and Adam state stay."""
        unknown = sorted(set(changes) - set(SETTINGS))
        if unknown:
            raise ValueError(f"cannot change {unknown} mid-game; only {list(SETTINGS)}")
        with self.lock:
            self._config = self._config.replace(**{f"optim.{k}": v for k, v in changes.items()})
            self.trainer.reconfigure(self._config.optim)  # validated; Adam states kept
            with single_thread():
                self._state = self._snapshot()  # the pull arrows depend on the loss

    def step_d(self, n: int = 1) -> GameState:
        """``n`` D updates (G unchanged); returns the new state."""
        with self.lock, single_thread():
            for _ in range(n):
                self.trainer.run_phase("D")
                self.d_steps += 1
            return self._record()

    def step_g(self, n: int = 1) -> GameState:
        """``n`` G updates through a frozen D; returns the new state."""
        with self.lock, single_thread():
            for _ in range(n):
                self.trainer.run_phase("G")
                self.g_steps += 1
            return self._record()

    def train(self, n: int = 1) -> GameState:
        """``n`` training steps, each n_dis D updates then one G update; returns the new state."""
        with self.lock, single_thread():
            for _ in range(n):
                self.trainer.train_step()
                self.d_steps += self.config.optim.n_dis
                self.g_steps += 1
            return self._record()

    def play(self, schedule: Sequence[tuple[str, int]]) -> GameState:
        """Apply ``(action, n)`` moves in order, action in ``"d"``, ``"g"``, ``"train"``."""
        moves = {"d": self.step_d, "g": self.step_g, "train": self.train}
        for action, n in schedule:
            if action not in moves:
                raise ValueError(f"unknown action {action!r}; choose one of {ACTIONS}")
            moves[action](int(n))
        return self.state

    @property
    def state(self) -> GameState:
        """The state after the last move."""
        return self._state

    @property
    def history(self) -> pd.DataFrame:
        """One row per move: counts, settings, DI, gap, realness statistics, modes covered."""
        return pd.DataFrame(self.rows)

    def _record(self) -> GameState:
        self._state = state = self._snapshot()
        row: dict[str, Any] = {
            "updates": self.d_steps + self.g_steps,
            "d_steps": self.d_steps,
            "g_steps": self.g_steps,
            **self.settings,
        }
        row.update(realness_stats(state.real_scores, state.fake_scores))
        row.update(di_mean=state.di.mean, di_std=state.di.std, modes_covered=state.modes_covered)
        self.rows.append(row)
        return state

    def _snapshot(self) -> GameState:
        lens = self.trainer.lens
        device = lens._device()
        name, centers, extent, radius = self._toy
        grid = np.linspace(-extent, extent, self.resolution)
        xy = torch.cartesian_prod(torch.as_tensor(grid), torch.as_tensor(grid)).float()[:, [1, 0]]
        with (
            mode(lens.D, train=False, keep_buffers=True),
            mode(lens.G, train=True, keep_buffers=True),
        ):
            with torch.no_grad():
                fake = lens.G(self._z.to(device))
                real_s, fake_s = lens.score(self._real.to(device)), lens.score(fake)
                surface = lens.score(xy.to(device)).reshape(self.resolution, self.resolution)
            g_loss = get_losses(self.config.optim.loss)[1]
            pull = generator_pull(lens.score, g_loss, fake[: self.arrows])
        cpu = {
            k: v.detach().cpu().double().numpy()
            for k, v in {
                "fake": fake,
                "real_s": real_s,
                "fake_s": fake_s,
                "surface": surface,
                "pull": pull,
            }.items()
        }
        di = disequilibrium_indicator(
            cpu["real_s"], cpu["fake_s"], 64, 64, repeats=200, seed=self.config.seed
        )
        return GameState(
            d_steps=self.d_steps,
            g_steps=self.g_steps,
            settings=self.settings,
            toy=name,
            centers=centers,
            extent=extent,
            real=self._real.double().numpy(),
            fake=cpu["fake"],
            real_scores=cpu["real_s"],
            fake_scores=cpu["fake_s"],
            pull=cpu["pull"],
            grid=grid,
            surface=cpu["surface"],
            di=di,
            gap=float(cpu["real_s"].min() - cpu["fake_s"].max()),
            modes_covered=modes_covered(cpu["fake"], centers, radius),
        )
