"""Figures for the game inside a GAN: training curves, sample grids, 2-D toys.

Every figure function returns a :class:`matplotlib.figure.Figure`, takes ``ax=None`` (draw into
that Axes, else make a new figure), never calls ``plt.show()``, and draws in the ganlens style
(:func:`style`) with real data in :data:`REAL_COLOR` and generated data in :data:`FAKE_COLOR`.
"""

from ganlens.viz.curves import (
    di_curve,
    loss_curves,
    realness_compare,
    realness_curves,
    rt_curve,
    training_dashboard,
)
from ganlens.viz.grids import make_grid, sample_grid, save_grid, toy_scatter
from ganlens.viz.heatmaps import following_plot, heatmap_sweep
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
    style,
    style_rc,
)
from ganlens.viz.tables import relative_change
from ganlens.viz.toy_game import GameState, ToyGame
from ganlens.viz.toy_plots import (
    compare_games,
    decision_surface,
    game_curves,
    samples_panel,
    toy_game_figure,
)

__all__ = [
    "DI_COLOR",
    "D_COLOR",
    "FAKE_COLOR",
    "G_COLOR",
    "REAL_COLOR",
    "REF_COLOR",
    "GameState",
    "ToyGame",
    "apply_style",
    "compare_games",
    "consistency_plot",
    "decision_surface",
    "di_curve",
    "following_plot",
    "game_curves",
    "heatmap_sweep",
    "loss_curves",
    "make_grid",
    "overlay_grid",
    "realness_compare",
    "realness_curves",
    "relative_change",
    "robustness_plot",
    "rt_curve",
    "sample_grid",
    "samples_panel",
    "save_grid",
    "score_histogram",
    "style",
    "style_rc",
    "toy_game_figure",
    "toy_scatter",
    "training_dashboard",
]
