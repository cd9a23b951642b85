"""The 2-D GAN game, one move at a time (GAN Lab's views), for teaching equilibrium.

:class:`ToyGame` moves a real Trainer on a 2-D toy by D steps, G steps and training steps;
:func:`toy_game_figure` and friends draw its states; :class:`EquilibriumLab` (needs ipywidgets)
puts buttons and sliders on it in a notebook.
"""

from ganlens.toy.game import ACTIONS, SETTINGS, TOY_PRESETS, GameState, ToyGame, generator_pull
from ganlens.toy.plots import (
    compare_games,
    decision_surface,
    game_curves,
    samples_panel,
    toy_game_figure,
)


def __getattr__(name: str) -> object:
    if name == "EquilibriumLab":  # ipywidgets is an optional dependency: import on first use
        from ganlens.toy.widget import EquilibriumLab

        return EquilibriumLab
    raise AttributeError(f"module 'ganlens.toy' has no attribute {name!r}")


__all__ = [
    "ACTIONS",
    "SETTINGS",
    "TOY_PRESETS",
    "EquilibriumLab",
    "GameState",
    "ToyGame",
    "compare_games",
    "decision_surface",
    "game_curves",
    "generator_pull",
    "samples_panel",
    "toy_game_figure",
]
