"""DI and realness statistics on hand-made scores with known answers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganlens.track import ada_rt, disequilibrium_indicator, realness_stats


def test_di_equals_min_minus_max_when_pools_equal_draw_size():
    real = torch.tensor([3.0, 1.0, 2.5, 4.0])
    fake = torch.tensor([-1.0, 0.5, -2.0])
    di = disequilibrium_indicator(real, fake, n_real=4, n_fake=3, repeats=7)
    assert di.mean == 1.0 - 0.5
    assert di.std == 0.0
    assert di.values.tolist() == [0.5] * 7
    assert (di.pool_real, di.pool_fake, di.n_real, di.n_fake) == (4, 3, 4, 3)


def test_di_values_only_take_the_possible_values():
    # 65 real scores 0..64, draws of 64: min is 0 unless 0 is left out (then 1).
    real = np.arange(65, dtype=float)
    fake = np.full(64, -10.0)
    di = disequilibrium_indicator(real, fake, repeats=20000, seed=3)
    assert set(np.unique(di.values)) <= {10.0, 11.0}
    share_11 = float((di.values == 11.0).mean())
    assert abs(share_11 - 1 / 65) < 0.005  # 20000 draws: sd of the share is about 0.0009
    assert di.mean == pytest.approx(10.0 + share_11)


def test_di_draws_without_replacement_inside_a_draw():
    # With replacement, a draw of 4 from 4 distinct scores could miss the minimum.
    real = np.array([0.0, 1.0, 2.0, 3.0])
    di = disequilibrium_indicator(real, np.array([-1.0]), n_real=4, n_fake=1, repeats=500)
    assert np.all(di.values == 1.0)


def test_di_is_seeded():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(1, 1, 300), rng.normal(-1, 1, 300)
    a = disequilibrium_indicator(real, fake, seed=5)
    b = disequilibrium_indicator(real, fake, seed=5)
    c = disequilibrium_indicator(real, fake, seed=6)
    assert np.array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values)
    assert len(a.values) == 200


def test_di_sign_follows_separation():
    separated = disequilibrium_indicator(np.linspace(5, 6, 100), np.linspace(-6, -5, 100))
    overlapping = disequilibrium_indicator(np.linspace(-1, 1, 100), np.linspace(-1, 1, 100))
    assert separated.mean > 9.0
    assert overlapping.mean < 0.0


@pytest.mark.parametrize(
    "real, fake, kw, match",
    [
        (np.zeros(10), np.zeros(100), {}, "at least 64 real"),
        (np.zeros(100), np.zeros(10), {}, "at least 64 fake"),
        (np.zeros((100, 1)), np.zeros(100), {}, r"shape \(N,\)"),
        (np.array([np.nan] * 100), np.zeros(100), {}, "NaN"),
        (np.zeros(100), np.zeros(100), {"repeats": 0}, "repeats"),
    ],
)
def test_di_bad_input(real, fake, kw, match):
    with pytest.raises(ValueError, match=match):
        disequilibrium_indicator(real, fake, **kw)


def test_realness_stats_exact():
    real = torch.tensor([-1.0, 0.0, 1.0, 2.0, 3.0])
    fake = torch.tensor([-3.0, -2.0, 0.5])
    row = realness_stats(real, fake)
    assert row["real_min"] == -1.0 and row["fake_max"] == 0.5
    assert row["gap"] == -1.5
    assert row["real_mean"] == 1.0
    assert row["real_q50"] == 1.0
    assert row["real_q25"] == pytest.approx(np.quantile(real.numpy(), 0.25))
    assert row["fake_q90"] == pytest.approx(np.quantile(fake.numpy(), 0.9))
    assert row["r_t"] == pytest.approx((-1 + 0 + 1 + 1 + 1) / 5)


def test_ada_rt():
    assert ada_rt(np.array([2.0, 3.0, -1.0, -4.0])) == 0.0
    assert ada_rt(np.array([2.0, 3.0])) == 1.0
