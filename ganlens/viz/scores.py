"""D-score histograms: the picture behind DI (min D(real) − max D(fake))."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ganlens.viz.grids import _to_numpy
from ganlens.viz.style import DI_COLOR, FAKE_COLOR, REAL_COLOR, axes_or_new, style


def _scores(x: object, what: str) -> np.ndarray:
    arr = np.asarray(_to_numpy(x), dtype=np.float64)
    if arr.ndim != 1 or len(arr) == 0 or not np.isfinite(arr).all():
        raise ValueError(
            f"{what} scores must be finite D logits of shape (N,), got shape {arr.shape}"
        )
    return arr


def score_histogram(
    real_scores: object,
    fake_scores: object,
    ax: Axes | None = None,
    title: str | None = None,
    bins: int = 40,
    legend_outside: bool = True,
) -> Figure:
    """Histograms of D's scores on real and on generated examples, with the gap between them.

    Dashed lines mark the worst-scored real example (min D(real)) and the best-scored fake one
    (max D(fake)). When min D(real) > max D(fake) the band between them is shaded: D separates
    the two pools perfectly and the gap is positive (DI, averaged over draws of 64 + 64, is then
    positive too). When they overlap, the band is hatched and the gap is negative.

    Args:
        real_scores: (N,) D logits of real examples; a torch tensor or a numpy array.
        fake_scores: (M,) D logits of generated examples.
        ax: Axes to draw into; None makes a new figure.
        title: the title; None uses ``"D scores on real and generated data"``.
        bins: number of shared bins.
        legend_outside: put the legend right of the Axes (else inside, where it fits best).

    Returns:
        The figure holding the plot (``ax``'s figure when ``ax`` is given).

    Raises:
        ValueError: scores that are not finite and of shape (N,).
    """
    real, fake = _scores(real_scores, "real"), _scores(fake_scores, "fake")
    lo, hi = min(real.min(), fake.min()), max(real.max(), fake.max())
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    gap = float(real.min() - fake.max())
    with style():
        fig, ax = axes_or_new(ax, figsize=(7.0, 4.5))
        for arr, color, side in ((real, REAL_COLOR, "real"), (fake, FAKE_COLOR, "fake")):
            ax.hist(
                arr,
                bins=edges,
                color=color,
                alpha=0.55,
                label=f"D({side}), n={len(arr)}",
                gid=f"hist_{side}",
            )
        ax.axvline(
            real.min(), color=REAL_COLOR, ls="--", lw=1.8, label="min D(real)", gid="real_min"
        )
        ax.axvline(
            fake.max(), color=FAKE_COLOR, ls="--", lw=1.8, label="max D(fake)", gid="fake_max"
        )
        a, b = sorted((float(real.min()), float(fake.max())))
        if gap > 0:
            ax.axvspan(
                a,
                b,
                color=DI_COLOR,
                alpha=0.18,
                lw=0,
                gid="gap",
                label=f"gap = {gap:+.3g}: D separates all",
            )
        else:
            ax.axvspan(
                a,
                b,
                facecolor="none",
                edgecolor="0.4",
                hatch="//",
                lw=0,
                gid="gap",
                label=f"gap = {gap:+.3g}: pools overlap",
            )
        if legend_outside:
            ax.legend(
                fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0
            )
        else:
            ax.legend(fontsize="x-small", loc="best")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
        ax.set_xlabel("D score (logit; > 0: D says real)")
        ax.set_ylabel("count (examples)")
        ax.set_title("D scores on real and generated data" if title is None else title)
    return fig
