"""Per-seed statistics: exact t quantiles, Welch and paired intervals, TOST, MDE, collapses."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from ganlens import stats

# two-sided 95% t quantiles: closed forms for df 1 and 2, printed tables (9 digits) for 4, 10,
# 19 (the old study.py used 2.1 for 11..30 and 1.96 above)
T975 = {
    1: math.tan(math.pi * 0.475),
    2: 0.95 / math.sqrt(2 * 0.975 * 0.025),
    4: 2.776445105,
    10: 2.228138852,
    19: 2.093024054,
}


@pytest.mark.parametrize("dof", sorted(T975))
def test_t_quantiles_are_exact(dof):
    assert stats.t_quantile(0.975, dof) == pytest.approx(T975[dof], rel=1e-9)


def test_t_quantile_fractional_and_bad_dof():
    assert T975[4] > stats.t_quantile(0.975, 4.5) > T975[10]
    with pytest.raises(ValueError, match="degrees of freedom"):
        stats.t_quantile(0.975, 0)


def test_ci95_hand_computed():
    # mean 2, sd 1, n 3 -> t(2) / sqrt(3); n = 20 uses t(19) = 2.093, not the old 2.1
    assert stats.ci95([1.0, 2.0, 3.0]) == pytest.approx(T975[2] / math.sqrt(3))
    values = list(range(20))
    sd = float(np.std(values, ddof=1))
    assert stats.ci95(values) == pytest.approx(T975[19] * sd / math.sqrt(20))
    assert math.isnan(stats.ci95([1.0])) and math.isnan(stats.ci95([]))


def test_welch_hand_computed_and_against_scipy():
    # var 2 (n 2) and 2.5 (n 5): se^2 = 1 + 0.5, dof = 1.5^2 / (1^2 / 1 + 0.5^2 / 4)
    a, b = [1.0, 3.0], [1.0, 2.0, 3.0, 4.0, 5.0]
    diff, se, dof = stats.welch(a, b)
    assert (diff, se, dof) == pytest.approx((-1.0, math.sqrt(1.5), 2.25 / 1.0625))
    out = stats.compare(a, b)
    ref = sps.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert (out["diff"] - out["ci95"], out["diff"] + out["ci95"]) == pytest.approx(tuple(ref))
    assert out["test"] == "welch" and out["seeds"] == (2, 5)


def test_equal_rows_welch_dof():
    low, high = [1.0, 1.1, 0.9], [3.0, 3.1, 2.9]
    out = stats.compare(low, high)
    assert out["dof"] == pytest.approx(4.0)
    assert out["ci95"] == pytest.approx(T975[4] * math.sqrt(0.02 / 3))
    assert out["verdict"] == "reproduced"
    assert stats.compare(high, low)["verdict"] == "not reproduced: significantly higher"


def test_paired_against_scipy():
    a, b = [1.0, 2.0, 3.0, 4.0], [0.9, 2.1, 2.8, 3.7]
    out = stats.compare(a, b, paired_seeds=True)
    ref = sps.ttest_rel(a, b).confidence_interval(0.95)
    assert out["diff"] == pytest.approx(0.125)
    assert (out["diff"] - out["ci95"], out["diff"] + out["ci95"]) == pytest.approx(tuple(ref))
    assert out["dof"] == 3.0 and out["test"] == "paired"
    with pytest.raises(ValueError, match="one value per seed"):
        stats.paired([1.0, 2.0], [1.0])


def test_pairing_removes_shared_seed_noise():
    # seeds share a large offset: Welch cannot see the +0.1 shift, the paired test can
    offsets = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
    b = [o + 1.0 for o in offsets]
    a = [o + 1.1 + 0.01 * (-1) ** i for i, o in enumerate(offsets)]
    assert stats.compare(a, b, "lower")["verdict"].startswith("inconclusive")
    assert stats.compare(b, a, "lower", paired_seeds=True)["verdict"] == "reproduced"


def test_mde_formula_and_planning():
    # sd 1, 6 seeds per row: se = sqrt(2/6), dof 10, (t.975 + t.80) * se
    t80 = 0.8790578285165887
    assert stats.planned_mde(1.0, 6) == pytest.approx((T975[10] + t80) * math.sqrt(2 / 6))
    assert stats.seeds_for(1.0, stats.planned_mde(1.0, 6)) == 6
    assert stats.seeds_for(1.0, stats.planned_mde(1.0, 6) - 1e-9) == 7
    with pytest.raises(ValueError, match="more than 100 seeds"):
        stats.seeds_for(1.0, 0.01)


def test_mde_has_the_power_it_claims():
    # simulate Welch tests with a true difference equal to the planned MDE: ~80% reject
    rng = np.random.default_rng(0)
    n, sd = 6, 1.0
    effect = stats.planned_mde(sd, n)
    a = rng.normal(0.0, sd, (4000, n))
    b = rng.normal(effect, sd, (4000, n))
    res = sps.ttest_ind(a, b, axis=1, equal_var=False)
    assert 0.74 < float(np.mean(res.pvalue < 0.05)) < 0.84
    null = sps.ttest_ind(a, rng.normal(0.0, sd, (4000, n)), axis=1, equal_var=False)
    assert float(np.mean(null.pvalue < 0.05)) < 0.07


def test_tost_equivalence_verdicts():
    a, b = [10.0, 10.2, 9.8], [10.1, 9.9, 10.0]
    _, se, dof = stats.welch(a, b)
    hw90 = sps.t.ppf(0.95, dof) * se
    out = stats.compare(a, b, "not lower", margin=1.0)
    assert out["test"] == "tost-welch"
    assert out["verdict"].startswith("reproduced: equivalent within ±1")
    tight = stats.compare(a, b, "not lower", margin=0.9 * hw90)
    assert tight["verdict"].startswith("inconclusive: equivalence")
    assert (
        stats.compare([1.0, 1.1, 0.9], [3.0, 3.1, 2.9], "not lower", margin=0.5)["verdict"]
        == "not reproduced: significantly lower"
    )


def test_weak_test_no_longer_passes_a_no_gain_claim():
    # the old rule ("reproduced unless significantly lower") passed this noisy pair
    out = stats.compare([1.0, 3.0, 2.0], [1.5, 2.5, 2.0], "not lower", margin=0.2)
    assert out["verdict"].startswith("inconclusive")
    with pytest.raises(ValueError, match="margin"):
        stats.compare([1.0, 2.0], [1.0, 2.0], "not lower")
    with pytest.raises(ValueError, match="claim"):
        stats.compare([1.0, 2.0], [1.0, 2.0], "higher")


def test_collapses_are_named_when_they_drive_the_verdict():
    a, b = [1.0, 1.1, 0.9, 1.0, 9.0], [2.0, 2.1, 1.9, 2.0, 2.05]
    flags = [False, False, False, False, True]
    out = stats.compare(a, b, collapsed_a=flags)
    assert out["collapsed"] == (1, 0)
    assert out["verdict"].startswith("inconclusive")
    assert (
        "driven by collapses (1/5 and 0/5 seeds collapsed); without them: reproduced"
        in out["verdict"]
    )
    same = stats.compare(
        [1.0, 1.1, 0.9, 1.2], [2.0, 2.1, 1.9, 2.0], collapsed_b=[True] + [False] * 3
    )
    assert same["verdict"] == "reproduced; 0/4 and 1/4 seeds collapsed, same verdict without them"
    with pytest.raises(ValueError, match="collapsed_a has 1 flags for 2 seeds"):
        stats.compare([1.0, 2.0], [1.0, 2.0], collapsed_a=[True])


def test_too_few_seeds_is_inconclusive():
    out = stats.compare([1.0], [2.0])
    assert out["verdict"].startswith("inconclusive: Welch's test needs >= 2 values per row")
    assert out["diff"] == -1.0 and math.isnan(out["ci95"]) and math.isnan(out["mde"])


def test_premise_absent():
    assert stats.premise_absent([0.5, 0.2, 0.1]) is None
    assert stats.premise_absent([-1.0, 0.5]).startswith(
        "premise absent: the baseline's DI is -0.25"
    )
    assert stats.premise_absent([]) == "premise absent: no baseline DI"
