"""EquilibriumLab driven as a student would: press buttons, move sliders, watch the state."""

from __future__ import annotations

import time

import numpy as np
import pytest

pytest.importorskip("ipywidgets", reason="the lab needs ipywidgets (pip install -e '.[dev]')")

from ganlens.toy import ToyGame
from ganlens.toy.widget import EquilibriumLab
from ganlens.train.losses import get_losses, hinge_d, hinge_g


def small_game(toy: str = "ring8", seed: int = 0) -> ToyGame:
    return ToyGame.from_preset(toy, "smoke", seed, pool=128, arrows=16, resolution=24)


@pytest.fixture
def lab():
    lab = EquilibriumLab(small_game(), dpi=20, run_chunk=2)
    yield lab
    lab.pause()


def snapshot(lab: EquilibriumLab) -> dict:
    s = lab.game.state
    return {
        "fake": s.fake.copy(),
        "surface": s.surface.copy(),
        "real": s.real.copy(),
        "png": lab.image.value,
        "renders": lab.renders,
    }


def test_step_d_moves_d_only(lab):
    before = snapshot(lab)
    lab.step_d_button.click()
    after = snapshot(lab)
    assert (lab.game.d_steps, lab.game.g_steps) == (1, 0)
    assert np.array_equal(before["fake"], after["fake"])  # G did not move
    assert np.array_equal(before["real"], after["real"])  # the real pool is fixed
    assert not np.array_equal(before["surface"], after["surface"])  # D's surface did
    assert after["png"] != before["png"] and after["renders"] == before["renders"] + 1
    assert "D steps <b>1</b>" in lab.status.value and len(lab.game.history) == 2


def test_step_g_moves_g_only(lab):
    before = snapshot(lab)
    lab.step_g_button.click()
    after = snapshot(lab)
    assert (lab.game.d_steps, lab.game.g_steps) == (0, 1)
    assert np.array_equal(before["surface"], after["surface"])  # D frozen during G's step
    assert not np.array_equal(before["fake"], after["fake"])
    assert after["png"] != before["png"]


def test_d_dominates_then_g_narrows_the_gap(lab):
    lab.per_click.value = 20
    lab.step_d_button.click()
    dominated = lab.game.state
    assert dominated.gap > 0 and dominated.di.mean > 0
    assert "D dominates" in lab.status.value
    lab.step_g_button.click()
    assert lab.game.g_steps == 20
    assert lab.game.state.gap < dominated.gap
    assert lab.game.state.fake_scores.mean() > dominated.fake_scores.mean()  # G climbed D's surface


def test_n_dis_slider_sets_d_steps_per_training_step(lab):
    lab.n_dis.value = 3
    assert lab.game.config.optim.n_dis == 3
    lab.per_click.value = 2
    lab.train_button.click()
    assert (lab.game.d_steps, lab.game.g_steps) == (6, 2)
    assert lab.game.history.iloc[-1]["n_dis"] == 3


def test_learning_rate_sliders_reach_the_optimisers(lab):
    lab.lr_d.value = 1e-2
    lab.lr_g.value = 1e-4
    trainer = lab.game.trainer
    assert [g["lr"] for g in trainer.optimizers["D"].param_groups] == [pytest.approx(1e-2)]
    assert [g["lr"] for g in trainer.optimizers["G"].param_groups] == [pytest.approx(1e-4)]
    lab.step_d_button.click()
    row = lab.game.history.iloc[-1]
    assert row["lr_d"] == pytest.approx(1e-2) and row["lr_g"] == pytest.approx(1e-4)


def test_loss_menu_swaps_the_losses_and_redraws_the_arrows(lab):
    lab.per_click.value = 5
    lab.step_d_button.click()
    pull_ns, renders = lab.game.state.pull.copy(), lab.renders
    lab.loss.value = "hinge"
    assert get_losses(lab.game.trainer.optim.loss) == (hinge_d, hinge_g)
    assert lab.game.d_steps == 5  # changing a setting is not a move
    assert not np.allclose(lab.game.state.pull, pull_ns)  # hinge pulls along grad D, unweighted
    assert lab.renders == renders + 1


def test_run_and_pause(lab):
    lab.run_button.value = True
    deadline = time.monotonic() + 60
    while lab.game.g_steps < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lab.game.g_steps >= 4 and lab.run_button.description == "pause"
    lab.run_button.value = False
    lab.pause(timeout=30)
    assert not lab.running and lab.run_button.description == "run"
    steps = lab.game.g_steps
    time.sleep(0.3)
    assert lab.game.g_steps == steps and steps % lab.run_chunk == 0


def test_reset_returns_to_the_seeded_start(lab):
    lab.per_click.value = 3
    lab.train_button.click()
    lab.reset_button.click()
    fresh = small_game()
    assert (lab.game.d_steps, lab.game.g_steps, len(lab.game.history)) == (0, 0, 1)
    assert np.array_equal(lab.game.state.fake, fresh.state.fake)
    assert np.array_equal(lab.game.state.surface, fresh.state.surface)


def test_toy_menu_switches_toy_and_keeps_settings(lab):
    lab.n_dis.value = 2
    lab.toy.value = "grid25"
    assert lab.game.state.toy == "grid25" and lab.game.state.n_modes == 25
    assert lab.game.config.optim.n_dis == 2 and lab.error is None
    assert "/25" in lab.status.value


def test_an_error_is_shown_not_lost(lab, monkeypatch):
    def broken(n):
        raise RuntimeError("boom")

    monkeypatch.setattr(lab.game, "step_g", broken)
    lab.step_g_button.click()
    assert isinstance(lab.error, RuntimeError) and "boom" in lab.status.value
    lab.step_d_button.click()  # the lab keeps working
    assert lab.error is None and lab.game.d_steps == 1


def test_a_fixed_schedule_gives_the_same_figure():
    schedule = [("d", 5), ("g", 3), ("train", 4)]
    a, b = EquilibriumLab(small_game(), dpi=20), EquilibriumLab(small_game(), dpi=20)
    a.apply(schedule)
    b.apply(schedule)
    assert np.array_equal(a.game.state.fake, b.game.state.fake)
    assert np.array_equal(a.game.state.surface, b.game.state.surface)
    assert a.game.history.equals(b.game.history)
    assert a.image.value == b.image.value
    c = EquilibriumLab(small_game(seed=1), dpi=20)
    c.apply(schedule)
    assert c.image.value != a.image.value


def test_the_lab_displays_as_a_widget(lab):
    bundle = lab._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == lab.widget.model_id
