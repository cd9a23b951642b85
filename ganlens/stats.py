"""Statistics of per-seed results: exact t intervals, Welch / paired tests, equivalence, power.

A paper claim is tested on one number per training seed for each of two rows (a method variant
and its baseline). :func:`compare` gives the difference of means, its 95% confidence interval,
the minimum detectable effect (MDE, two-sided 5% level, 80% power) and a verdict:

- ``"lower"`` (the paper says a < b): Welch's t interval (paired t when ``paired=True``);
  reproduced when the whole interval is below 0.
- ``"not lower"`` (the paper says a brings *no* gain over b): an equivalence test (TOST, two
  one-sided 5% tests = the 90% interval inside ``±margin``); a weak test can no longer pass it.

Seeds flagged as collapsed are reported, and when the verdict changes without them the verdict
says that the difference comes from collapses. :func:`premise_absent` says when a DI claim
cannot be tested because the baseline's D does not dominate (DI <= 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from scipy import stats as _scipy_stats

ALPHA = 0.05  # two-sided level of every interval and test here
POWER = 0.80  # power at which the minimum detectable effect is quoted
CLAIMS = ("lower", "not lower")


def t_quantile(p: float, dof: float) -> float:
    """The ``p`` quantile of Student's t with ``dof`` (possibly fractional) degrees of freedom."""
    if not dof > 0:
        raise ValueError(f"degrees of freedom must be > 0, got {dof!r}")
    return float(_scipy_stats.t.ppf(p, dof))


def _clean(values: Sequence[float]) -> list[float]:
    return [float(v) for v in values if not math.isnan(float(v))]


def mean_var(values: Sequence[float]) -> tuple[float, float, int]:
    """Mean, sample variance (ddof 1) and count of the non-NaN values (NaN where undefined)."""
    vals = _clean(values)
    n = len(vals)
    mean = sum(vals) / n if n else math.nan
    var = sum((v - mean) ** 2 for v in vals) / (n - 1) if n > 1 else math.nan
    return mean, var, n


def ci95(values: Sequence[float]) -> float:
    """Half-width of the exact 95% t confidence interval of the mean (NaN below 2 values)."""
    _, var, n = mean_var(values)
    return t_quantile(1 - ALPHA / 2, n - 1) * math.sqrt(var / n) if n >= 2 else math.nan


def welch(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    """Difference of means a - b, its standard error and Welch-Satterthwaite degrees of freedom.

    With zero variance in both rows the degrees of freedom are n_a + n_b - 2 (and the standard
    error 0). Needs at least 2 values per row.
    """
    (ma, va, na), (mb, vb, nb) = mean_var(a), mean_var(b)
    if min(na, nb) < 2:
        raise ValueError(f"Welch's test needs >= 2 values per row, got {na} and {nb}")
    sa, sb = va / na, vb / nb
    se2 = sa + sb
    dof = se2**2 / (sa**2 / (na - 1) + sb**2 / (nb - 1)) if se2 > 0 else float(na + nb - 2)
    return ma - mb, math.sqrt(se2), dof


def paired(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    """Mean of the per-seed differences a_i - b_i, its standard error and n - 1 dof.

    ``a`` and ``b`` are aligned by seed (same length; a pair with a NaN is dropped).
    """
    if len(a) != len(b):
        raise ValueError(
            f"a paired test needs one value per seed in both rows, got {len(a)} and {len(b)}"
        )
    diffs = [float(x) - float(y) for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]
    mean, var, n = mean_var(diffs)
    if n < 2:
        raise ValueError(f"a paired test needs >= 2 complete pairs, got {n}")
    return mean, math.sqrt(var / n), float(n - 1)


def mde(se: float, dof: float, alpha: float = ALPHA, power: float = POWER) -> float:
    """Minimum detectable |difference| of a two-sided level-``alpha`` t test with ``power``.

    ``(t_{1-alpha/2} + t_{power}) * se`` at ``dof`` degrees of freedom: a true difference this
    large is found significant with probability ``power``.
    """
    return (t_quantile(1 - alpha / 2, dof) + t_quantile(power, dof)) * se


def planned_mde(sd: float, seeds: int, alpha: float = ALPHA, power: float = POWER) -> float:
    """The MDE of a Welch comparison of two rows of ``seeds`` seeds each with common sd ``sd``.

    For pre-registration: ``sd`` comes from a pilot; equal variances give 2 * seeds - 2 dof.
    """
    if seeds < 2:
        raise ValueError(f"need >= 2 seeds per row, got {seeds}")
    return mde(sd * math.sqrt(2 / seeds), 2 * seeds - 2, alpha, power)


def seeds_for(
    sd: float, target: float, alpha: float = ALPHA, power: float = POWER, most: int = 100
) -> int:
    """The fewest seeds per row whose :func:`planned_mde` is at most ``target`` (ValueError if
    more than ``most`` would be needed)."""
    for n in range(2, most + 1):
        if planned_mde(sd, n, alpha, power) <= target:
            return n
    raise ValueError(f"an MDE of {target:g} at sd {sd:g} needs more than {most} seeds per row")


def premise_absent(baseline_di: Sequence[float]) -> str | None:
    """Why a DI claim cannot be tested, or ``None``: the baseline's mean DI must be > 0.

    DI = min D(real) - max D(fake) > 0 means D separates every real image of the pool from every
    fake one (EqGAN-SA's disequilibrium). With DI <= 0 there is no disequilibrium to reduce and
    "lower DI" would mean more overlap, not a fairer game.
    """
    mean, _, n = mean_var(baseline_di)
    if n == 0:
        return "premise absent: no baseline DI"
    if mean <= 0:
        return f"premise absent: the baseline's DI is {mean:.3g} <= 0 (D does not dominate)"
    return None


def compare(
    a: Sequence[float],
    b: Sequence[float],
    claim: str = "lower",
    *,
    margin: float | None = None,
    paired_seeds: bool = False,
    collapsed_a: Sequence[bool] | None = None,
    collapsed_b: Sequence[bool] | None = None,
) -> dict[str, Any]:
    """Test a table claim on per-seed values of rows ``a`` and ``b`` (lower is better).

    Args:
        a, b: the metric of each seed of the two rows (NaNs are dropped).
        claim: ``"lower"`` (a < b) or ``"not lower"`` (a brings no gain over b).
        margin: the equivalence margin (same unit as the metric) of a ``"not lower"`` claim;
            required for it, and stated before the run (pre-registration).
        paired_seeds: pair a_i with b_i (same seed, same data order) instead of Welch.
        collapsed_a, collapsed_b: a per-seed collapse flag of each row.

    Returns:
        ``diff`` (a - b), ``ci95`` (half-width), ``dof``, ``mde`` (see :func:`mde`),
        ``seeds`` (n_a, n_b), ``test`` ("welch", "paired", "tost-welch", "tost-paired"),
        ``margin``, ``collapsed`` (k_a, k_b) and ``verdict`` ("reproduced...",
        "not reproduced...", or "inconclusive..." with the reason).
    """
    if claim not in CLAIMS:
        raise ValueError(f"claim must be one of {CLAIMS}, got {claim!r}")
    if claim == "not lower" and (margin is None or not margin > 0):
        raise ValueError(
            "a 'not lower' (no gain) claim is tested for equivalence: give margin > 0 in the "
            f"metric's unit (e.g. 10% of the baseline), got {margin!r}"
        )
    out = _test(a, b, claim, margin, paired_seeds)
    flags_a = list(collapsed_a) if collapsed_a is not None else [False] * len(a)
    flags_b = list(collapsed_b) if collapsed_b is not None else [False] * len(b)
    for name, flags, values in (("a", flags_a, a), ("b", flags_b, b)):
        if len(flags) != len(values):
            raise ValueError(f"collapsed_{name} has {len(flags)} flags for {len(values)} seeds")
    out["collapsed"] = (sum(map(bool, flags_a)), sum(map(bool, flags_b)))
    if any(out["collapsed"]):
        out["verdict"] += "; " + _without_collapses(
            a, b, flags_a, flags_b, out, claim, margin, paired_seeds
        )
    return out


def _test(
    a: Sequence[float], b: Sequence[float], claim: str, margin: float | None, pair: bool
) -> dict[str, Any]:
    na, nb = len(_clean(a)), len(_clean(b))
    base: dict[str, Any] = {"seeds": (na, nb), "margin": margin}
    kind = ("tost-" if claim == "not lower" else "") + ("paired" if pair else "welch")
    try:
        diff, se, dof = paired(a, b) if pair else welch(a, b)
    except ValueError as e:
        nan = math.nan
        mean_a, mean_b = mean_var(a)[0], mean_var(b)[0]
        return {
            **base,
            "diff": mean_a - mean_b,
            "ci95": nan,
            "dof": nan,
            "mde": nan,
            "test": kind,
            "verdict": f"inconclusive: {e}",
        }
    hw = t_quantile(1 - ALPHA / 2, dof) * se
    power_mde = mde(se, dof)
    row = {**base, "diff": diff, "ci95": hw, "dof": dof, "mde": power_mde, "test": kind}
    lower, higher = diff + hw < 0, diff - hw > 0
    if claim == "lower":
        row["verdict"] = (
            "reproduced"
            if lower
            else "not reproduced: significantly higher"
            if higher
            else f"inconclusive: the 95% CI of the difference contains 0 (MDE {power_mde:.3g})"
        )
        return row
    assert margin is not None
    hw90 = t_quantile(1 - ALPHA, dof) * se  # TOST at 5% each side = the 90% interval
    if -margin < diff - hw90 and diff + hw90 < margin:
        row["verdict"] = f"reproduced: equivalent within ±{margin:.3g} (TOST, 5%)"
    elif lower:
        row["verdict"] = "not reproduced: significantly lower"
    else:
        row["verdict"] = (
            f"inconclusive: equivalence within ±{margin:.3g} not shown "
            f"(90% CI {diff - hw90:.3g} to {diff + hw90:.3g})"
        )
    return row


def _without_collapses(
    a: Sequence[float],
    b: Sequence[float],
    flags_a: list[bool],
    flags_b: list[bool],
    out: dict[str, Any],
    claim: str,
    margin: float | None,
    pair: bool,
) -> str:
    k_a, k_b = out["collapsed"]
    if pair:
        keep = [not (fa or fb) for fa, fb in zip(flags_a, flags_b)]
        kept_a = [v for v, k in zip(a, keep) if k]
        kept_b = [v for v, k in zip(b, keep) if k]
    else:
        kept_a = [v for v, f in zip(a, flags_a) if not f]
        kept_b = [v for v, f in zip(b, flags_b) if not f]
    again = _test(kept_a, kept_b, claim, margin, pair)["verdict"]
    seeds = f"{k_a}/{len(a)} and {k_b}/{len(b)} seeds collapsed"
    if again.split(":")[0] == out["verdict"].split(":")[0]:
        return f"{seeds}, same verdict without them"
    return f"driven by collapses ({seeds}); without them: {again}"
