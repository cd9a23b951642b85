"""ToyGame (the 2-D game, move by move) and its figures: exact values on hand-set inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.collections import PathCollection
from matplotlib.quiver import Quiver

from ganlens.toy import (
    ToyGame,
    compare_games,
    decision_surface,
    game_curves,
    generator_pull,
    samples_panel,
    toy_game_figure,
)
from ganlens.toy.game import modes_covered, single_thread
from ganlens.train.losses import hinge_g, lsgan_g, ns_g
from ganlens.viz import DI_COLOR, FAKE_COLOR, REAL_COLOR, score_histogram


@pytest.fixture(scope="module")
def game() -> ToyGame:
    g = ToyGame.from_preset("ring8", "smoke", 0, pool=128, arrows=16, resolution=24)
    g.play([("d", 3), ("g", 2)])
    g.configure(n_dis=2)
    g.play([("train", 2)])
    return g


def test_generator_pull_is_minus_the_per_point_gradient_of_g_loss():
    w = torch.tensor([2.0, -1.0])
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0], [-3.0, 0.5]])

    def score(p):  # D(x) = w.x: its gradient is w everywhere
        return p @ w

    assert torch.allclose(generator_pull(score, hinge_g, x), w.expand(3, 2))  # -d(-D)/dx = w
    weight = torch.sigmoid(-(x @ w))[:, None]  # ns: -d softplus(-D)/dx = sigmoid(-D) w
    assert torch.allclose(generator_pull(score, ns_g, x), weight * w)
    assert torch.allclose(generator_pull(score, lsgan_g, x), (1 - x @ w)[:, None] * w)
    assert not x.requires_grad


def test_modes_covered_counts_modes_with_a_point_within_the_radius():
    centers = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    fake = np.array([[0.05, 0.0], [0.0, 0.04], [1.0, 1.0], [2.2, 0.0]])
    assert modes_covered(fake, centers, 0.06) == 1
    assert modes_covered(fake, centers, 0.25) == 2


def test_moves_are_counted_and_recorded(game):
    h = game.history
    assert (game.d_steps, game.g_steps) == (3 + 4, 2 + 2)
    assert list(h["d_steps"]) == [0, 3, 3, 7] and list(h["g_steps"]) == [0, 0, 2, 4]
    assert list(h["n_dis"]) == [1, 1, 1, 2]
    assert list(h["updates"]) == list(h["d_steps"] + h["g_steps"])
    s = game.state
    assert s.gap == pytest.approx(s.real_scores.min() - s.fake_scores.max())
    assert h.iloc[-1]["gap"] == pytest.approx(s.gap) and h.iloc[-1]["di_mean"] == s.di.mean
    assert s.di.pool_real == s.di.pool_fake == 128 and s.di.n_real == 64


def test_state_matches_the_models(game):
    s, lens = game.state, game.trainer.lens
    with torch.no_grad():
        assert np.allclose(s.fake, lens.G(game._z).double().numpy(), atol=1e-6)
        assert np.allclose(s.real_scores, lens.score(game._real).double().numpy(), atol=1e-6)
        x, y = s.grid[3], s.grid[17]
        d = lens.score(torch.tensor([[x, y]], dtype=torch.float32)).item()
    assert s.surface[17, 3] == pytest.approx(d, abs=1e-5)  # surface[i, j] is at (grid[j], grid[i])
    assert s.extent == pytest.approx(3.0) and s.n_modes == 8 and s.pull.shape == (16, 2)


def test_configure_refuses_other_settings_and_bad_values(game):
    with pytest.raises(ValueError, match="batch_size"):
        game.configure(batch_size=4)
    with pytest.raises(ValueError, match="unknown loss"):
        game.configure(loss="nope")
    with pytest.raises(ValueError, match="unknown action 'x'"):
        game.play([("x", 1)])
    with pytest.raises(ValueError, match="unknown toy"):
        ToyGame.from_preset("ring9")


def test_single_thread_restores_the_thread_count():
    before = torch.get_num_threads()
    with single_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_samples_panel_draws_the_state(game):
    fig = samples_panel(game.state)
    ax = fig.axes[0]
    real, fake = (c for c in ax.collections if isinstance(c, PathCollection))
    assert np.allclose(real.get_offsets(), game.state.real) and real.get_gid() == "real"
    assert np.allclose(fake.get_offsets(), game.state.fake)
    assert np.allclose(real.get_facecolor()[0][:3], _rgb(REAL_COLOR))
    assert np.allclose(fake.get_facecolor()[0][:3], _rgb(FAKE_COLOR))
    (quiver,) = [c for c in ax.collections if isinstance(c, Quiver)]
    assert np.allclose(quiver.U, game.state.pull[:, 0]) and quiver.get_gid() == "pull"
    assert ax.get_xlabel() == "$x_1$ (toy units)" and ax.get_title()


def test_decision_surface_shows_d_everywhere(game):
    fig = decision_surface(game.state)
    (image,) = fig.axes[0].get_images()
    assert np.allclose(image.get_array(), game.state.surface)
    assert image.norm.vcenter == 0.0 and fig.axes[1].get_ylabel().startswith("D score (logit)")


def test_score_histogram_marks_the_extremes_and_the_gap():
    real, fake = np.array([1.0, 2.0, 3.0]), np.array([-1.0, 0.5])
    ax = score_histogram(real, fake).axes[0]
    lines = {line.get_gid(): line.get_xdata()[0] for line in ax.lines}
    assert lines == {"real_min": 1.0, "fake_max": 0.5}
    (gap,) = [p for p in ax.patches if p.get_gid() == "gap"]
    assert np.allclose(gap.get_facecolor()[:3], _rgb(DI_COLOR))
    assert "+0.5" in ax.get_legend().get_texts()[-1].get_text()
    overlap = score_histogram(fake, real).axes[0]
    assert "overlap" in overlap.get_legend().get_texts()[-1].get_text()
    with pytest.raises(ValueError, match="shape"):
        score_histogram(np.zeros((2, 2)), fake)


def test_game_curves_and_setting_changes(game):
    ax = game_curves(game.history).axes[0]
    di = next(line for line in ax.lines if line.get_gid() == "di_mean")
    assert np.allclose(di.get_ydata(), game.history["di_mean"])
    changes = [line for line in ax.lines if line.get_gid() == "setting_change"]
    assert len(changes) == 1 and changes[0].get_xdata()[0] == game.history["updates"].iloc[2]
    assert any("n_dis=2" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="di_mean"):
        game_curves(pd.DataFrame({"updates": [0]}))


def test_toy_game_figure_and_compare(game):
    fig = toy_game_figure(game.state, game.history)
    assert len(fig.axes) == 5  # four panels and the surface's colour bar
    assert "7 D steps, 4 G steps" in fig._suptitle.get_text()
    ax = compare_games({"a": game.history, "b": game.history.assign(di_mean=0.0)}).axes[0]
    assert [line.get_gid() for line in ax.lines if line.get_gid()] == ["a", "b"]
    colours = [line.get_color() for line in ax.lines if line.get_gid()]
    assert REAL_COLOR not in colours and FAKE_COLOR not in colours


def _rgb(hex_color: str) -> tuple[float, ...]:
    return tuple(int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
