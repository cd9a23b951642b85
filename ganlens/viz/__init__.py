"""Figures for the game inside a GAN: training curves, sample grids, attention maps, tables.

The interactive 2-D game and its figures are :mod:`ganlens.toy`.

Every figure function returns a :class:`matplotlib.figure.Figure`, takes ``ax=None`` (draw into
that Axes, else make a new figure), never calls ``plt.show()``, and draws in the ganlens style
(:func:`style`) with real data in :data:`REAL_COLOR` and generated data in :data:`FAKE_COLOR`.
"""

from ganlens.viz.curves import (
    di_curve,
    loss_curves,
    over_seeds,
    realness_compare,
    realness_curves,
    rt_curve,
    training_dashboard,
)
from ganlens.viz.grids import make_grid, sample_grid, save_grid, toy_scatter
from ganlens.viz.heatmaps import following_plot, heatmap_sweep, swap_grid_figure
from ganlens.viz.maps import consistency_plot, overlay_grid, robustness_plot
from ganlens.viz.scores import score_histogram
from ganlens.viz.style import (
    D_COLOR,
    DI_COLOR,
    FAKE_COLOR,
    G_COLOR,
    REAL_COLOR,
    REF_COLOR,
    apply_style,
    figure_png,
    style,
    style_rc,
)
from ganlens.viz.tables import claim_figure

__all__ = [
    "DI_COLOR",
    "D_COLOR",
    "FAKE_COLOR",
    "G_COLOR",
    "REAL_COLOR",
    "REF_COLOR",
    "apply_style",
    "claim_figure",
    "consistency_plot",
    "di_curve",
    "figure_png",
    "following_plot",
    "heatmap_sweep",
    "loss_curves",
    "make_grid",
    "over_seeds",
    "overlay_grid",
    "realness_compare",
    "realness_curves",
    "robustness_plot",
    "rt_curve",
    "sample_grid",
    "save_grid",
    "score_histogram",
    "style",
    "style_rc",
    "swap_grid_figure",
    "toy_scatter",
    "training_dashboard",
]
