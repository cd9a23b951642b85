"""Colours and the plotting style every ganlens figure shares.

Real data is always :data:`REAL_COLOR` and generated data always :data:`FAKE_COLOR`, in every
figure of the library, so a reader learns the code once. The palette is Okabe-Ito, which stays
distinguishable under the common colour-vision deficiencies.

Figure functions draw inside :func:`style`, a context manager, so the style never leaks into the
caller's matplotlib settings.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

import matplotlib as mpl
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase

from ganlens.viz.figure import new_figure

REAL_COLOR = "#0072B2"  # blue: real images, D(real), statistics of real scores
FAKE_COLOR = "#D55E00"  # vermillion: generated images, D(fake)
DI_COLOR = "#009E73"  # bluish green: the Disequilibrium Indicator
D_COLOR = "#4D4D4D"  # dark grey: the discriminator's own quantities (its loss)
G_COLOR = "#CC79A7"  # reddish purple: the generator's own quantities (its loss)
REF_COLOR = "#8C8C8C"  # reference lines (zero, targets)


def style_rc() -> dict[str, Any]:
    """The rcParams ganlens figures are drawn with.

    Seaborn's ``whitegrid`` axes with its ``talk`` context scaled down, so that text stays
    readable in a notebook without crowding a 2x2 dashboard.

    Returns:
        A fresh dict of rcParams, suitable for :func:`matplotlib.rc_context`.
    """
    rc: dict[str, Any] = dict(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("talk", font_scale=0.62))
    rc.update(
        {
            "axes.titleweight": "bold",
            "legend.frameon": True,
            "legend.framealpha": 0.85,
            "legend.edgecolor": "0.85",
            "figure.dpi": 100,
            "savefig.dpi": 150,
        }
    )
    return rc


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Temporarily apply the ganlens style; the previous rcParams come back on exit.

    Every ganlens figure function draws inside this context. Use it around your own plotting code
    to match the library's figures.

    Yields:
        Nothing; matplotlib's rcParams carry the style inside the ``with`` block.
    """
    with mpl.rc_context(style_rc()):
        yield


def apply_style() -> None:
    """Make the ganlens style the session default (an explicit opt-in for notebooks).

    This is the one ganlens function that changes global state: it updates
    ``matplotlib.rcParams`` until the session ends or you call ``matplotlib.rcdefaults()``.
    Nothing inside ganlens calls it; figure functions use :func:`style` instead.
    """
    mpl.rcParams.update(style_rc())


def root_figure(ax: Axes) -> Figure:
    """The top-level :class:`~matplotlib.figure.Figure` that holds ``ax`` (through subfigures)."""
    fig: FigureBase | None = ax.figure
    while fig is not None and not isinstance(fig, Figure):
        fig = fig.figure
    if fig is None:
        raise ValueError("ax is not attached to a figure; pass an Axes created by a Figure")
    return fig


def axes_or_new(ax: Axes | None, figsize: tuple[float, float] = (8.0, 5.0)) -> tuple[Figure, Axes]:
    """Return ``(figure, ax)`` for a given Axes, or a new single-Axes figure when ``ax`` is None.

    New figures are :class:`~ganlens.viz.figure.LensFigure` objects, not pyplot-managed, so they
    never pile up in ``plt.get_fignums()``; a notebook shows them (once) when they are returned
    or displayed, and ``fig.savefig`` writes them. Call inside :func:`style` so a new figure gets the house style.

    Args:
        ax: the Axes to draw into, or None for a new figure.
        figsize: size in inches of a new figure.

    Returns:
        The root figure and the Axes to draw into.
    """
    if ax is not None:
        return root_figure(ax), ax
    fig = new_figure(figsize)
    return fig, fig.add_subplot()


def figure_png(fig: Figure, dpi: int = 72) -> bytes:
    """The PNG bytes of ``fig`` (deterministic for the same figure)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
