"""Figures of the 2-D game (GAN Lab's views): samples and G's pull, D's surface, DI over moves.

Every function takes a :class:`ganlens.toy.GameState` (or a game's history) and
returns a Figure; colours follow the ganlens convention (real = blue, fake = vermillion), and
D's surface runs from the fake colour (D says fake, logit < 0) through white to the real colour.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ganlens.toy.game import SETTINGS, GameState
from ganlens.viz.figure import new_figure
from ganlens.viz.scores import score_histogram
from ganlens.viz.style import DI_COLOR, FAKE_COLOR, REAL_COLOR, REF_COLOR, axes_or_new, style

SURFACE_CMAP = LinearSegmentedColormap.from_list(
    "ganlens_realness", [FAKE_COLOR, "white", REAL_COLOR]
)
_COORD = "{} (toy units)"
_SETTING_COLORS = ["#1A1A1A", "#CC79A7", "#009E73", "#B8860B", "#8C8C8C"]
_X_LABELS = {"updates": "updates (D steps + G steps)", "g_steps": "G steps", "d_steps": "D steps"}


def _frame(ax: Axes, state: GameState, title: str) -> None:
    ax.set_xlim(-state.extent, state.extent)
    ax.set_ylim(-state.extent, state.extent)
    ax.set_aspect("equal")
    ax.set_xlabel(_COORD.format("$x_1$"))
    ax.set_ylabel(_COORD.format("$x_2$"))
    ax.set_title(title)


def _boundary(ax: Axes, state: GameState) -> bool:
    """D = 0 as a black contour; False when D has one sign everywhere on the grid."""
    s = state.surface
    if s.min() >= 0 or s.max() <= 0:
        return False
    ax.contour(state.grid, state.grid, s, levels=[0.0], colors="black", linewidths=1.2)
    return True


def _points(ax: Axes, state: GameState, size: float, alpha: float) -> None:
    for gid, pts, color, label in (
        ("real", state.real, REAL_COLOR, "real"),
        ("fake", state.fake, FAKE_COLOR, "fake = G(z)"),
    ):
        ax.scatter(
            *pts.T,
            s=size,
            color=color,
            alpha=alpha,
            edgecolors="none",
            label=f"{label} (n={len(pts)})",
            gid=gid,
        )


def samples_panel(state: GameState, ax: Axes | None = None) -> Figure:
    """G's samples over the real data, with the pull of G's loss on some of them.

    Arrows start at generated points and show minus the gradient of G's loss (where G's next
    step moves each point), scaled for display: their lengths compare within one panel only.
    The black line is D's decision boundary (D = 0).
    """
    with style():
        fig, ax = axes_or_new(ax, figsize=(6.0, 6.0))
        _points(ax, state, 9.0, 0.55)
        start, pull = state.fake[: len(state.pull)], state.pull
        lengths = np.linalg.norm(pull, axis=1)
        scale = max(float(np.quantile(lengths, 0.9)), 1e-12) / (0.12 * state.extent)
        ax.quiver(
            *start.T,
            *pull.T,
            angles="xy",
            scale_units="xy",
            scale=scale,
            color="0.15",
            width=0.004,
            gid="pull",
        )
        handles, labels = ax.get_legend_handles_labels()
        handles.append(Line2D([], [], color="0.15", marker=r"$\rightarrow$", ls="", ms=12))
        labels.append("G's pull (−∇ G loss, scaled)")
        if _boundary(ax, state):
            handles.append(Line2D([], [], color="black", lw=1.2))
            labels.append("D = 0 (decision boundary)")
        ax.legend(
            handles,
            labels,
            fontsize="x-small",
            loc="upper center",
            ncol=2,
            markerscale=1.5,
            bbox_to_anchor=(0.5, -0.13),
        )
        _frame(ax, state, "G's samples over the real data")
    return fig


def decision_surface(state: GameState, ax: Axes | None = None) -> Figure:
    """D's score everywhere on the plane as a heat map (blue: D says real; vermillion: fake)."""
    s = state.surface
    vmax = max(1.0, float(np.quantile(np.abs(s), 0.99)))
    with style():
        fig, ax = axes_or_new(ax, figsize=(6.5, 6.0))
        image = ax.imshow(
            s,
            origin="lower",
            cmap=SURFACE_CMAP,
            extent=(-state.extent, state.extent, -state.extent, state.extent),
            norm=TwoSlopeNorm(0.0, -vmax, vmax),
            interpolation="bilinear",
            gid="surface",
        )
        _boundary(ax, state)
        _points(ax, state, 3.0, 0.35)
        ax.grid(False)
        fig.colorbar(image, ax=ax, shrink=0.8, label="D score (logit), clipped")
        _frame(ax, state, "D's decision surface")
    return fig


def _changes(history: pd.DataFrame) -> list[tuple[int, str]]:
    """(row, text) where a setting differs from the row before."""
    out = []
    for i in range(1, len(history)):
        diff = [
            f"{k}={history[k].iloc[i]:g}"
            if not isinstance(history[k].iloc[i], str)
            else f"{k}={history[k].iloc[i]}"
            for k in SETTINGS
            if k in history and history[k].iloc[i] != history[k].iloc[i - 1]
        ]
        if diff:
            out.append((i, ", ".join(diff)))
    return out


def game_curves(history: pd.DataFrame, ax: Axes | None = None, x: str = "updates") -> Figure:
    """DI (mean ± std over draws of 64 + 64) and the pool gap min D(real) − max D(fake) per move.

    Above zero D separates real from generated data perfectly (it dominates the game); lower is
    closer to equilibrium. Dotted verticals mark setting changes.
    """
    missing = [c for c in (x, "di_mean", "di_std", "gap") if c not in history]
    if missing:
        raise ValueError(
            f"game_curves needs history columns {missing}; it has {list(history.columns)}"
        )
    xs = history[x].to_numpy(dtype=float)
    mean, std = history["di_mean"].to_numpy(float), history["di_std"].to_numpy(float)
    with style():
        fig, ax = axes_or_new(ax)
        ax.axhline(0.0, color=REF_COLOR, lw=1.0, gid="zero")
        ax.fill_between(
            xs,
            mean - std,
            mean + std,
            color=DI_COLOR,
            alpha=0.25,
            lw=0,
            label="±1 std over draws",
            gid="di_band",
        )
        ax.plot(
            xs,
            mean,
            color=DI_COLOR,
            lw=2.0,
            marker="o",
            ms=3,
            label="DI (64 + 64, 200 draws)",
            gid="di_mean",
        )
        ax.plot(
            xs,
            history["gap"],
            color="0.2",
            lw=1.4,
            ls="--",
            label="gap of the pools of 512",
            gid="gap",
        )
        for i, text in _changes(history):  # the change took effect after row i - 1
            ax.axvline(xs[i - 1], color=REF_COLOR, ls=":", lw=1.2, gid="setting_change")
            ax.annotate(
                text,
                (xs[i - 1], 0.98),
                xycoords=("data", "axes fraction"),
                rotation=90,
                ha="right",
                va="top",
                fontsize="x-small",
                color="0.3",
            )
        ax.legend(fontsize="x-small", loc="best")
        ax.set_xlabel(_X_LABELS.get(x, x))
        ax.set_ylabel("min D(real) − max D(fake) (logit)")
        ax.set_title(
            "Disequilibrium over the game\n(> 0: D separates all; lower = closer to equilibrium)"
        )
    return fig


def _headline(state: GameState) -> str:
    s = state.settings
    return (
        f"{state.toy}: {state.d_steps} D steps, {state.g_steps} G steps | loss {s['loss']}, "
        f"lr D {s['lr_d']:g}, lr G {s['lr_g']:g}, n_dis {s['n_dis']} | "
        f"DI {state.di.mean:+.2f}, modes covered {state.modes_covered}/{state.n_modes}"
    )


def toy_game_figure(state: GameState, history: pd.DataFrame, title: str | None = None) -> Figure:
    """The four views of GAN Lab in one 2x2 figure: samples, D's surface, scores, DI.

    A fixed grid layout (no layout engine): the live widget redraws this figure after every
    move, and a layout engine would double the drawing time.
    """
    with style():
        fig = new_figure((13.0, 11.5), layout=None)
        axes = fig.subplots(
            2,
            2,
            gridspec_kw={
                "left": 0.07,
                "right": 0.97,
                "bottom": 0.06,
                "top": 0.9,
                "wspace": 0.22,
                "hspace": 0.45,
            },
        )
        samples_panel(state, ax=axes[0, 0])
        decision_surface(state, ax=axes[0, 1])
        score_histogram(
            state.real_scores,
            state.fake_scores,
            ax=axes[1, 0],
            title="D scores on the two pools",
            legend_outside=False,
        )
        game_curves(history, ax=axes[1, 1])
        fig.suptitle(title or _headline(state), fontweight="bold")
    return fig


def compare_games(
    histories: Mapping[str, pd.DataFrame],
    column: str = "di_mean",
    x: str = "g_steps",
    ax: Axes | None = None,
) -> Figure:
    """One line per game (e.g. per setting) of ``column`` against ``x``, to compare settings."""
    # settings are neither real nor fake: colours other than those two, told apart by dashes too
    styles = list(zip(_SETTING_COLORS * 2, ["-", "--", "-.", ":", "-", "--", "-.", ":", "-", "--"]))
    labels = {"di_mean": "DI (logit)", "gap": "gap (logit)", "modes_covered": "modes covered"}
    with style():
        fig, ax = axes_or_new(ax, figsize=(8.0, 4.8))
        ax.axhline(0.0, color=REF_COLOR, lw=1.0)
        for (name, h), (color, dash) in zip(histories.items(), styles):
            ax.plot(
                h[x],
                h[column],
                marker="o",
                ms=3,
                lw=1.8,
                color=color,
                ls=dash,
                label=name,
                gid=name,
            )
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        ax.set_xlabel(_X_LABELS.get(x, x))
        ax.set_ylabel(labels.get(column, column))
        ax.set_title(f"{labels.get(column, column)} under different settings")
    return fig
