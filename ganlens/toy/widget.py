"""GAN Lab for Jupyter: buttons and sliders that move a 2-D GAN game, and its four views, live.

:class:`EquilibriumLab` is widget glue around :class:`ganlens.toy.ToyGame` (the game and its
measurements) and :func:`ganlens.toy.toy_game_figure` (the picture). Press
"step D" and only D's surface moves; press "step G" and the fake points follow their arrows; run
the game and watch DI; change the loss, the learning rates or n_dis and see what narrows the gap.
Needs ``ipywidgets`` (``pip install "ganlens[notebooks]"``).
"""

from __future__ import annotations

import functools
import html
import threading
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
from matplotlib.figure import Figure

from ganlens.toy.game import TOY_PRESETS, GameState, ToyGame
from ganlens.toy.plots import toy_game_figure
from ganlens.train.config import LOSS_NAMES
from ganlens.viz.style import figure_png

LOSS_LABELS = {
    "ns": "non-saturating (DCGAN)",
    "hinge": "hinge",
    "wgan": "WGAN (weight clipping)",
    "wgan-gp": "WGAN-GP",
    "lsgan": "least squares (LSGAN)",
}


def status_html(state: GameState) -> str:
    """One line for students: counts, DI, the gap, modes covered, and who is winning."""
    verdict = (
        "<b>D dominates</b>: every real point scores above every fake one"
        if state.gap > 0
        else "the pools overlap: D cannot separate every real point from every fake one"
    )
    return (
        f"D steps <b>{state.d_steps}</b> &middot; G steps <b>{state.g_steps}</b> &middot; "
        f"DI <b>{state.di.mean:+.2f}</b> &plusmn; {state.di.std:.2f} &middot; gap "
        f"{state.gap:+.2f} &middot; modes covered {state.modes_covered}/{state.n_modes}"
        f"<br><i>{verdict}</i>"
    )


def _log_slider(value: float, label: str) -> w.FloatLogSlider:
    return w.FloatLogSlider(
        value=value,
        base=10,
        min=-5,
        max=-1,
        step=0.25,
        description=label,
        readout_format=".1e",
        continuous_update=False,
    )


class EquilibriumLab:
    """Buttons, sliders and the live figure of a :class:`ToyGame` (display it in a notebook).

    Args:
        game: the game to drive; None makes one from ``toy``, ``scale`` and ``seed``.
        toy: ``"ring8"`` or ``"grid25"`` (when ``game`` is None; also the toy menu's start).
        scale: preset scale of the toy (``"smoke"``, ``"cpu"``, ``"gpu"``).
        seed: seed of new games (the toy menu and "reset" rebuild from it).
        run_chunk: training steps between two frames while running.
        dpi: resolution of the live figure.

    Attributes:
        game: the current game. step_d_button, step_g_button, train_button, reset_button,
        run_button, per_click, loss, lr_d, lr_g, n_dis, toy, status, image: the widgets.
        error: the last error raised by a control (also shown in ``status``), or None.
    """

    def __init__(
        self,
        game: ToyGame | None = None,
        *,
        toy: str = "ring8",
        scale: str = "smoke",
        seed: int = 0,
        run_chunk: int = 5,
        dpi: int = 72,
    ) -> None:
        self.game = game if game is not None else ToyGame.from_preset(toy, scale, seed)
        self.scale, self.seed, self.run_chunk, self.dpi = scale, seed, run_chunk, dpi
        self.error: Exception | None = None
        self.renders = 0
        self._stop, self._thread = threading.Event(), None
        self._build(self.game.settings)
        self.refresh()

    # ----- layout -----------------------------------------------------------------------------
    def _build(self, s: dict[str, Any]) -> None:
        self.step_d_button = w.Button(description="step D", tooltip="D updates (G unchanged)")
        self.step_g_button = w.Button(description="step G", tooltip="G updates through a frozen D")
        self.train_button = w.Button(
            description="train step", tooltip="n_dis D steps, then 1 G step"
        )
        self.run_button = w.ToggleButton(description="run", icon="play", tooltip="run / pause")
        self.reset_button = w.Button(description="reset", tooltip="fresh models from the seed")
        self.per_click = w.IntSlider(value=1, min=1, max=50, description="per click")
        self.loss = w.Dropdown(
            options=[(LOSS_LABELS[k], k) for k in LOSS_NAMES], value=s["loss"], description="loss"
        )
        self.toy = w.Dropdown(
            options=sorted(TOY_PRESETS), value=self.game.state.toy, description="toy"
        )
        self.lr_d, self.lr_g = _log_slider(s["lr_d"], "lr D"), _log_slider(s["lr_g"], "lr G")
        self.n_dis = w.IntSlider(
            value=s["n_dis"], min=1, max=10, description="n_dis", continuous_update=False
        )
        self.status = w.HTML()
        self.image = w.Image(format="png")
        self.image.add_class("ganlens-lab-figure")
        self.status.add_class("ganlens-lab-status")
        buttons = [
            self.step_d_button,
            self.step_g_button,
            self.train_button,
            self.run_button,
            self.reset_button,
        ]
        self.widget = w.VBox(
            [
                w.HBox(buttons),
                w.HBox([self.per_click, self.loss, self.toy]),
                w.HBox([self.lr_d, self.lr_g, self.n_dis]),
                self.status,
                self.image,
            ]
        )
        self.widget.add_class("ganlens-lab")
        self._wire()

    def _wire(self) -> None:
        clicks = self.per_click
        self.step_d_button.on_click(self._safely(lambda _: self.game.step_d(clicks.value)))
        self.step_g_button.on_click(self._safely(lambda _: self.game.step_g(clicks.value)))
        self.train_button.on_click(self._safely(lambda _: self.game.train(clicks.value)))
        self.reset_button.on_click(self._safely(lambda _: self.game.reset()))
        for control in (self.loss, self.lr_d, self.lr_g, self.n_dis):
            control.observe(self._safely(lambda _: self.game.configure(**self.settings())), "value")
        self.toy.observe(self._safely(lambda change: self._new_game(change["new"])), "value")
        self.run_button.observe(self._on_run, "value")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ----- actions ----------------------------------------------------------------------------
    def _safely(self, action: Callable[[Any], Any]) -> Callable[[Any], None]:
        """Run a control's action, then redraw; an error goes to ``status``, not a lost log."""

        @functools.wraps(action)
        def handler(arg: Any) -> None:
            try:
                action(arg)
                self.error = None
                self.refresh()
            except Exception as exc:
                self._report(exc)

        return handler

    def _report(self, exc: Exception) -> None:
        self.error = exc
        message = html.escape(str(exc))
        self.status.value = (
            f"<span style='color:#b00'><b>{type(exc).__name__}</b>: {message}</span>"
            "<br>Change a setting and press <i>reset</i> to start again."
        )

    def settings(self) -> dict[str, Any]:
        """The settings the controls show: loss, lr_d, lr_g, n_dis."""
        return {
            "loss": self.loss.value,
            "lr_d": float(self.lr_d.value),
            "lr_g": float(self.lr_g.value),
            "n_dis": int(self.n_dis.value),
        }

    def _new_game(self, toy: str) -> None:
        self.pause()
        game = ToyGame.from_preset(toy, self.scale, self.seed, device=self.game.config.device)
        game.configure(**self.settings())
        self.game = game

    def apply(self, schedule: Sequence[tuple[str, int]]) -> GameState:
        """Play ``(action, n)`` moves (``"d"``, ``"g"``, ``"train"``) and redraw once."""
        state = self.game.play(schedule)
        self.refresh()
        return state

    def figure(self) -> Figure:
        """The figure the widget shows now (drawn by the last refresh; save or display it)."""
        return self._figure

    def refresh(self) -> None:
        """Redraw the live figure and the status line from the game's current state."""
        with self.game.lock:
            state, history = self.game.state, self.game.history
        fig = toy_game_figure(state, history)
        self.image.value = figure_png(fig, self.dpi)
        self.status.value = status_html(state)
        self._figure = fig
        self.renders += 1

    # ----- run / pause ------------------------------------------------------------------------
    def _on_run(self, change: dict[str, Any]) -> None:
        if change["new"] and (self._thread is None or not self._thread.is_alive()):
            self._stop.clear()
            self.run_button.description, self.run_button.icon = "pause", "pause"
            self._thread = threading.Thread(target=self._run_loop, daemon=True, name="ganlens-lab")
            self._thread.start()
        elif not change["new"]:
            self._stop.set()

    def _run_loop(self) -> None:
        try:
            while not self._stop.is_set():
                self.game.train(self.run_chunk)
                self.refresh()
        except Exception as exc:
            self._report(exc)
        finally:
            self.run_button.description, self.run_button.icon = "run", "play"
            self.run_button.value = False

    @property
    def running(self) -> bool:
        """Whether the run loop is going."""
        return self._thread is not None and self._thread.is_alive()

    def pause(self, timeout: float = 30.0) -> None:
        """Stop the run loop (if any) and wait for it to finish its current chunk."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
