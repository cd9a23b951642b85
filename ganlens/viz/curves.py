"""Training curves from a history DataFrame: realness, DI, losses, r_t, and a dashboard of all four.

The history has one row per logging step (columns ``step``, ``kimg``, ``loss_d``, ``loss_g``,
``real_min`` ... ``real_q90``, the same with ``fake_``, ``r_t``, ``di_mean``, ``di_std``, ...).
D scores are raw logits (design.md Sec. 3). A column may be NaN on rows where it was not computed
(DI every k logs); each line is drawn through the rows where its own values are finite, so the
x/y data of a line are exactly the finite entries of its column (or of their EMA).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ganlens.track.smoothing import ema
from ganlens.viz.figure import new_figure
from ganlens.viz.style import (
    D_COLOR,
    DI_COLOR,
    FAKE_COLOR,
    G_COLOR,
    REAL_COLOR,
    REF_COLOR,
    axes_or_new,
    style,
)

_X_LABELS = {"step": "generator step", "kimg": "kimg", "elapsed_s": "elapsed (s)"}
_QUANTILE_COLUMNS = [f"{side}_q{q}" for side in ("real", "fake") for q in (10, 25, 75, 90)]
# (column, colour, linestyle, width, label): solid = the extremes of EqGAN-SA Fig. 1, dashed = means
_REALNESS_LINES = [
    ("real_min", REAL_COLOR, "-", 2.2, "min D(real)"),
    ("fake_max", FAKE_COLOR, "-", 2.2, "max D(fake)"),
    ("real_mean", REAL_COLOR, "--", 1.4, "mean D(real)"),
    ("fake_mean", FAKE_COLOR, "--", 1.4, "mean D(fake)"),
]
# ((low q, high q), band alpha, legend swatch alpha); the wide band is drawn first, underneath
_REALNESS_BANDS = [((10, 90), 0.12, 0.16), ((25, 75), 0.28, 0.40)]


def _check(history: pd.DataFrame, columns: Sequence[str], x: str, who: str) -> None:
    missing = [c for c in (x, *columns) if c not in history.columns]
    if missing:
        raise ValueError(
            f"{who} needs history columns {missing}, which are missing; the history has "
            f"{list(history.columns)}. x must name a column such as 'step' or 'kimg'."
        )


def _column(history: pd.DataFrame, col: str, ema_beta: float | None) -> np.ndarray:
    values = history[col].to_numpy(dtype=np.float64)
    return values if ema_beta is None else ema(values, ema_beta)


def _line(
    ax: Axes, history: pd.DataFrame, col: str, x: str, ema_beta: float | None, **kw
) -> Line2D:
    """Plot one column against ``x`` through its finite rows; the line's gid is the column name."""
    xs, ys = history[x].to_numpy(dtype=np.float64), _column(history, col, ema_beta)
    keep = np.isfinite(xs) & np.isfinite(ys)
    kw.setdefault("gid", col)
    (line,) = ax.plot(xs[keep], ys[keep], **kw)
    return line


def _band(
    ax: Axes, history: pd.DataFrame, lo: str, hi: str, x: str, ema_beta: float | None, **kw
) -> PolyCollection:
    """Shade between two columns where both are finite; the gid is ``"lo:hi"``."""
    xs = history[x].to_numpy(dtype=np.float64)
    ylo, yhi = _column(history, lo, ema_beta), _column(history, hi, ema_beta)
    keep = np.isfinite(xs) & np.isfinite(ylo) & np.isfinite(yhi)
    return ax.fill_between(xs[keep], ylo[keep], yhi[keep], gid=f"{lo}:{hi}", linewidth=0, **kw)


def _ema_note(ema_beta: float | None) -> str:
    return "" if ema_beta is None else f" (EMA β={ema_beta:g})"


def _label(ax: Axes, title: str, x: str, ylabel: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(_X_LABELS.get(x, x))
    ax.set_ylabel(ylabel)


def _note_if_empty(ax: Axes, lines: Sequence[Line2D], what: str) -> None:
    if all(len(line.get_xdata()) == 0 for line in lines):
        ax.text(
            0.5,
            0.5,
            f"no finite {what} values in this history",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=REF_COLOR,
            gid="empty_note",
        )


def realness_curves(
    history: pd.DataFrame,
    ax: Axes | None = None,
    ema_beta: float | None = None,
    bands: bool = True,
    x: str = "step",
) -> Figure:
    """EqGAN-SA Fig. 1: the worst-scored real image against the best-scored fake, over training.

    Solid lines: min D score on the real batch (real colour) and max D score on the fake batch
    (fake colour); while the solid real line sits above the solid fake one, D separates the two
    batches perfectly. Dashed lines: the mean scores. Shaded bands: q25-q75 (darker) and q10-q90
    (lighter) of each side's scores. The legend sits outside the Axes, on its right (a new
    figure leaves room for it; in your own figure use a constrained layout or
    ``savefig(bbox_inches="tight")``).

    Args:
        history: the training history; needs ``x``, ``real_min``, ``fake_max``, ``real_mean``,
            ``fake_mean`` and, with ``bands``, ``{real,fake}_q{10,25,75,90}``.
        ax: Axes to draw into; None makes a new figure.
        ema_beta: smooth every line and band edge with :func:`ganlens.track.smoothing.ema`
            at this beta (CLR-GAN Fig. 4 view); None draws the raw values. The title says so.
        bands: draw the quantile bands.
        x: the x column, ``"step"`` (generator steps) or ``"kimg"``.

    Returns:
        The figure holding the plot (``ax``'s figure when ``ax`` is given).

    Raises:
        ValueError: a needed column is missing, or ``ema_beta`` is outside [0, 1).
    """
    _check(
        history,
        [c for c, *_ in _REALNESS_LINES] + (_QUANTILE_COLUMNS if bands else []),
        x,
        "realness_curves",
    )
    with style():
        fig, ax = axes_or_new(ax, figsize=(9.5, 5.0))
        shown_bands = _REALNESS_BANDS if bands else []
        for side, color in (("real", REAL_COLOR), ("fake", FAKE_COLOR)):
            for (lo, hi), alpha, _ in shown_bands:
                _band(
                    ax,
                    history,
                    f"{side}_q{lo}",
                    f"{side}_q{hi}",
                    x,
                    ema_beta,
                    color=color,
                    alpha=alpha,
                )
        ax.axhline(0.0, color=REF_COLOR, linewidth=0.8, zorder=1, gid="zero")
        lines = [
            _line(ax, history, col, x, ema_beta, color=color, ls=ls, lw=lw, label=label)
            for col, color, ls, lw, label in _REALNESS_LINES
        ]
        handles: list = list(lines)
        labels = [line.get_label() for line in lines]
        for (lo, hi), _, swatch_alpha in shown_bands[::-1]:
            # one two-coloured swatch per band kind: the band is drawn for each side
            handles.append(
                (
                    Patch(color=REAL_COLOR, alpha=swatch_alpha),
                    Patch(color=FAKE_COLOR, alpha=swatch_alpha),
                )
            )
            labels.append(f"q{lo}–q{hi}")
        # Outside on the right: the bands fill the plot, so no inside corner stays free.
        ax.legend(
            handles,
            labels,
            fontsize="small",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0)},
        )
        _note_if_empty(ax, lines, "D-score")
        _label(ax, "Realness curves" + _ema_note(ema_beta), x, "D score (logit)")
    return fig


def over_seeds(
    histories: Sequence[pd.DataFrame], cols: Sequence[str], x: str = "step"
) -> pd.DataFrame:
    """Mean and 95% t interval over seeds of ``cols`` at every ``x`` all histories have.

    Returns ``x``, ``<col>`` (the mean), ``<col>_lo``, ``<col>_hi`` and ``seeds``.
    """
    from ganlens.stats import t_quantile

    steps = sorted(set.intersection(*(set(h[x].tolist()) for h in histories)))
    out = pd.DataFrame({x: steps})
    n = len(histories)
    for col in cols:
        stack = np.stack([h.set_index(x).loc[steps, col].to_numpy(float) for h in histories])
        mean = stack.mean(axis=0)
        half = (
            t_quantile(0.975, n - 1) * stack.std(axis=0, ddof=1) / np.sqrt(n)
            if n > 1
            else np.zeros_like(mean)
        )
        out[col], out[f"{col}_lo"], out[f"{col}_hi"] = mean, mean - half, mean + half
    out["seeds"] = n
    return out


def realness_compare(
    histories: dict[str, pd.DataFrame | Sequence[pd.DataFrame]],
    ax: Axes | None = None,
    ema_beta: float | None = None,
    x: str = "step",
) -> Figure:
    """EqGAN-SA Fig. 1 for several runs: min D(real) and max D(fake) of each, on one plot.

    Each run gets one colour (the first the real colour, the second the fake colour, then the
    seaborn palette); solid = min D(real), dashed = max D(fake). The gap between a run's two
    lines is its batch-level disequilibrium.

    Args:
        histories: ``{label: history}`` with ``x``, ``real_min`` and ``fake_max`` columns, or
            ``{label: [history of each seed]}``: then the lines are the means over seeds with a
            band of their 95% t interval (:func:`over_seeds`).
        ax: Axes to draw into; None makes a new figure.
        ema_beta: EMA smoothing of the lines (None: raw).
        x: the x column.
    """
    import seaborn as sns

    palette = sns.color_palette("colorblind", 10)  # without its blue and vermillion (real, fake)
    others = [palette[i] for i in (2, 4, 7, 8, 9, 5, 6)]
    colors = [REAL_COLOR, FAKE_COLOR, *(others * (1 + len(histories) // len(others)))]
    with style():
        fig, ax = axes_or_new(ax, figsize=(9.0, 5.0))
        ax.axhline(0.0, color=REF_COLOR, linewidth=0.8, zorder=1, gid="zero")
        lines = []
        for (label, history), color in zip(histories.items(), colors):
            legend = label
            if not isinstance(history, pd.DataFrame):
                for h in history:
                    _check(h, ["real_min", "fake_max"], x, "realness_compare")
                history = over_seeds(list(history), ["real_min", "fake_max"], x)
                seeds = int(history.seeds.iloc[0])
                for col in ("real_min", "fake_max"):
                    _band(
                        ax, history, f"{col}_lo", f"{col}_hi", x, ema_beta, color=color, alpha=0.15
                    )
                legend = f"{label} ({seeds} seeds, mean, 95% CI)"
            _check(history, ["real_min", "fake_max"], x, "realness_compare")
            lines.append(
                _line(
                    ax,
                    history,
                    "real_min",
                    x,
                    ema_beta,
                    color=color,
                    lw=2.0,
                    label=f"{legend}: min D(real)",
                    gid=f"{label}:real_min",
                )
            )
            lines.append(
                _line(
                    ax,
                    history,
                    "fake_max",
                    x,
                    ema_beta,
                    color=color,
                    lw=2.0,
                    ls="--",
                    label=f"{legend}: max D(fake)",
                    gid=f"{label}:fake_max",
                )
            )
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        _note_if_empty(ax, lines, "D-score")
        _label(
            ax, "Realness: min D(real) vs max D(fake)" + _ema_note(ema_beta), x, "D score (logit)"
        )
    return fig


def di_curve(history: pd.DataFrame, ax: Axes | None = None, x: str = "step") -> Figure:
    """The Disequilibrium Indicator over training, with a ±1 std band over its random draws.

    DI = min D(real) − max D(fake) on 64 real and 64 fake images, averaged over random draws
    (EqGAN-SA Sec. 4.1); lower is closer to equilibrium. Rows where DI was not computed (NaN)
    are skipped; the band is drawn where ``di_std`` is finite too.

    Args:
        history: the training history; needs ``x``, ``di_mean`` and ``di_std``.
        ax: Axes to draw into; None makes a new figure.
        x: the x column, ``"step"`` or ``"kimg"``.

    Returns:
        The figure holding the plot (``ax``'s figure when ``ax`` is given).

    Raises:
        ValueError: a needed column is missing.
    """
    _check(history, ["di_mean", "di_std"], x, "di_curve")
    xs = history[x].to_numpy(dtype=np.float64)
    mean, std = _column(history, "di_mean", None), _column(history, "di_std", None)
    keep = np.isfinite(xs) & np.isfinite(mean)
    with style():
        fig, ax = axes_or_new(ax)
        ax.axhline(0.0, color=REF_COLOR, lw=1.0, ls="--", label="DI = 0", gid="zero")
        band = keep & np.isfinite(std)
        ax.fill_between(
            xs[band],
            (mean - std)[band],
            (mean + std)[band],
            color=DI_COLOR,
            alpha=0.25,
            linewidth=0,
            label="±1 std over draws",
            gid="di_band",
        )
        (line,) = ax.plot(
            xs[keep],
            mean[keep],
            color=DI_COLOR,
            lw=2.0,
            marker="o",
            ms=3.5,
            label="DI (mean over draws)",
            gid="di_mean",
        )
        ax.legend(loc="upper right", fontsize="small")
        ax.text(
            0.02,
            0.03,
            "lower = closer to equilibrium",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize="small",
            style="italic",
            color="0.3",
            gid="di_note",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 2},
        )
        _note_if_empty(ax, [line], "DI")
        _label(ax, "Disequilibrium Indicator", x, "DI = min D(real) − max D(fake) (logit)")
    return fig


def loss_curves(
    history: pd.DataFrame, ax: Axes | None = None, ema_beta: float | None = None, x: str = "step"
) -> Figure:
    """D and G losses over training, and their named terms when a history has them.

    Named terms (columns ``loss_d_<name>`` / ``loss_g_<name>``, e.g. EqGAN-SA's
    ``loss_g_align_4x4``) are thin lines in the side's colour; their sum is the side's loss.

    Args:
        history: the training history; needs ``x``, ``loss_d`` and ``loss_g``.
        ax: Axes to draw into; None makes a new figure.
        ema_beta: draw the EMA of each loss (gid ``loss_d`` / ``loss_g``) over the raw values
            in a faint line (gid ``loss_d_raw`` / ``loss_g_raw``); None draws the raw values only.
        x: the x column, ``"step"`` or ``"kimg"``.

    Returns:
        The figure holding the plot (``ax``'s figure when ``ax`` is given).

    Raises:
        ValueError: a needed column is missing, or ``ema_beta`` is outside [0, 1).
    """
    _check(history, ["loss_d", "loss_g"], x, "loss_curves")
    with style():
        fig, ax = axes_or_new(ax)
        lines = []
        for col, color, label in (("loss_d", D_COLOR, "D loss"), ("loss_g", G_COLOR, "G loss")):
            if ema_beta is not None:
                _line(
                    ax,
                    history,
                    col,
                    x,
                    None,
                    color=color,
                    lw=1.0,
                    alpha=0.25,
                    gid=f"{col}_raw",
                    label="_nolegend_",
                )
            lines.append(_line(ax, history, col, x, ema_beta, color=color, lw=2.0, label=label))
        terms = [c for c in history.columns if c.startswith(("loss_d_", "loss_g_"))]
        for col, ls in zip(terms, ["--", ":", "-.", (0, (5, 1, 1, 1))] * len(terms)):
            color = D_COLOR if col.startswith("loss_d_") else G_COLOR
            _line(
                ax,
                history,
                col,
                x,
                ema_beta,
                color=color,
                lw=1.1,
                ls=ls,
                alpha=0.8,
                label=f"{'D' if color == D_COLOR else 'G'} term {col[7:]}",
            )
        ax.legend(loc="best", fontsize="small")
        _note_if_empty(ax, lines, "loss")
        _label(ax, "Losses" + _ema_note(ema_beta), x, "loss")
    return fig


def rt_curve(
    history: pd.DataFrame,
    ax: Axes | None = None,
    x: str = "step",
    target: float | None = 0.6,
    ema_beta: float | None = None,
) -> Figure:
    """StyleGAN2-ADA's overfitting heuristic r_t = E[sign(D(real))], in [-1, 1].

    Args:
        history: the training history; needs ``x`` and ``r_t``.
        ax: Axes to draw into; None makes a new figure.
        x: the x column, ``"step"`` or ``"kimg"``.
        target: ADA's target for r_t (0.6 in the paper), drawn dotted; None leaves it out.
        ema_beta: draw the EMA of r_t over the raw values in a faint line (gid ``r_t_raw``);
            None draws the raw values only.

    Returns:
        The figure holding the plot (``ax``'s figure when ``ax`` is given).

    Raises:
        ValueError: the ``r_t`` or ``x`` column is missing, or ``ema_beta`` is outside [0, 1).
    """
    _check(history, ["r_t"], x, "rt_curve")
    with style():
        fig, ax = axes_or_new(ax)
        ax.axhline(0.0, color=REF_COLOR, lw=1.0, label="$r_t = 0$", gid="zero")
        if target is not None:
            ax.axhline(
                target, color="0.2", lw=1.4, ls=":", label=f"ADA target {target:g}", gid="target"
            )
        if ema_beta is not None:
            _line(
                ax,
                history,
                "r_t",
                x,
                None,
                color=REAL_COLOR,
                lw=1.0,
                alpha=0.25,
                gid="r_t_raw",
                label="_nolegend_",
            )
        line = _line(ax, history, "r_t", x, ema_beta, color=REAL_COLOR, lw=2.0, label="$r_t$")
        ax.set_ylim(-1.05, 1.05)
        ax.legend(loc="lower right", fontsize="small")
        _note_if_empty(ax, [line], "r_t")
        title = "D overfitting heuristic $r_t$" + _ema_note(ema_beta)
        _label(ax, title, x, "$r_t$ = E[sign D(real)]")
    return fig


def training_dashboard(
    history: pd.DataFrame, x: str = "step", ema_beta: float | None = None
) -> Figure:
    """A 2x2 overview: realness curves, DI, losses and r_t, sharing the x column.

    Args:
        history: the training history (every column the four panels need).
        x: the x column, ``"step"`` or ``"kimg"``.
        ema_beta: EMA for the realness, loss and r_t panels; None draws raw values.

    Returns:
        A new figure with four Axes.

    Raises:
        ValueError: a column one of the panels needs is missing.
    """
    with style():
        fig = new_figure((15.0, 10.0))
        axes = fig.subplots(2, 2)
        realness_curves(history, ax=axes[0, 0], ema_beta=ema_beta, x=x)
        di_curve(history, ax=axes[0, 1], x=x)
        loss_curves(history, ax=axes[1, 0], ema_beta=ema_beta, x=x)
        rt_curve(history, ax=axes[1, 1], x=x, ema_beta=ema_beta)
        fig.suptitle("Training dashboard", fontsize="x-large", fontweight="bold")
    return fig
