import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import same_color
from matplotlib.figure import Figure

from ganlens.track.smoothing import ema
from ganlens.viz import (
    DI_COLOR,
    FAKE_COLOR,
    REAL_COLOR,
    di_curve,
    loss_curves,
    realness_curves,
    rt_curve,
    training_dashboard,
)


def _by_gid(ax, gid):
    found = [a for a in (*ax.get_lines(), *ax.collections) if a.get_gid() == gid]
    assert len(found) == 1, f"expected one artist with gid {gid!r}, found {len(found)}"
    return found[0]


def _legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _renders(fig):
    fig.savefig(io.BytesIO(), format="png")  # draw-time errors (legend handlers, layout) show here


LINES = {
    "real_min": ("-", REAL_COLOR),
    "fake_max": ("-", FAKE_COLOR),
    "real_mean": ("--", REAL_COLOR),
    "fake_mean": ("--", FAKE_COLOR),
}


def test_realness_curves_draw_the_columns_exactly(history):
    fig = realness_curves(history)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    for col, (ls, color) in LINES.items():
        line = _by_gid(ax, col)
        np.testing.assert_array_equal(line.get_xdata(), history["step"].to_numpy(float))
        np.testing.assert_array_equal(line.get_ydata(), history[col].to_numpy(float))
        assert line.get_linestyle() == ls
        assert same_color(line.get_color(), color)
    assert ax.get_title() == "Realness curves"
    assert ax.get_xlabel() == "generator step"
    assert ax.get_ylabel() == "D score (logit)"
    assert _legend_labels(ax) == [
        "min D(real)",
        "max D(fake)",
        "mean D(real)",
        "mean D(fake)",
        "q25–q75",
        "q10–q90",
    ]
    _renders(fig)


def test_realness_bands_span_the_quantiles(history):
    ax = realness_curves(history).axes[0]
    for side, color in (("real", REAL_COLOR), ("fake", FAKE_COLOR)):
        for lo, hi in ((10, 90), (25, 75)):
            band = _by_gid(ax, f"{side}_q{lo}:{side}_q{hi}")
            assert isinstance(band, PolyCollection)
            assert same_color(band.get_facecolor()[0][:3], color)
            ys = band.get_paths()[0].vertices[:, 1]
            assert ys.min() == pytest.approx(history[f"{side}_q{lo}"].min())
            assert ys.max() == pytest.approx(history[f"{side}_q{hi}"].max())


def test_realness_without_bands_needs_no_quantiles(history):
    slim = history.drop(columns=[c for c in history.columns if "_q" in c])
    ax = realness_curves(slim, bands=False).axes[0]
    assert not ax.collections
    assert len(_legend_labels(ax)) == 4
    with pytest.raises(ValueError, match="real_q10"):
        realness_curves(slim)


def test_realness_ema_smooths_every_line(history):
    fig = realness_curves(history, ema_beta=0.8)
    ax = fig.axes[0]
    for col in LINES:
        np.testing.assert_array_equal(_by_gid(ax, col).get_ydata(), ema(history[col], beta=0.8))
    assert "EMA β=0.8" in ax.get_title()
    band = _by_gid(ax, "real_q25:real_q75")
    top = band.get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(ema(history["real_q75"], 0.8).max())
    _renders(fig)


def test_realness_kimg_axis(history):
    ax = realness_curves(history, x="kimg").axes[0]
    assert ax.get_xlabel() == "kimg"
    np.testing.assert_array_equal(_by_gid(ax, "real_min").get_xdata(), history["kimg"])


def test_realness_skips_nan_rows_per_line(history):
    history.loc[[3, 7], "fake_max"] = np.nan
    ax = realness_curves(history).axes[0]
    keep = history["fake_max"].notna()
    np.testing.assert_array_equal(_by_gid(ax, "fake_max").get_xdata(), history["step"][keep])
    assert len(_by_gid(ax, "real_min").get_xdata()) == len(history)


def test_di_curve_skips_nan_rows(history):
    fig = di_curve(history)
    ax = fig.axes[0]
    keep = history["di_mean"].notna()
    assert 0 < keep.sum() < len(history)
    line = _by_gid(ax, "di_mean")
    np.testing.assert_array_equal(line.get_xdata(), history["step"][keep])
    np.testing.assert_array_equal(line.get_ydata(), history["di_mean"][keep])
    assert same_color(line.get_color(), DI_COLOR)
    band = _by_gid(ax, "di_band").get_paths()[0].vertices[:, 1]
    lo, hi = history["di_mean"] - history["di_std"], history["di_mean"] + history["di_std"]
    assert band.min() == pytest.approx(lo.min()) and band.max() == pytest.approx(hi.max())
    assert _by_gid(ax, "zero").get_ydata()[0] == 0.0
    assert ax.get_ylabel() == "DI = min D(real) − max D(fake) (logit)"
    assert any("lower = closer to equilibrium" in t.get_text() for t in ax.texts)
    assert "DI (mean over draws)" in _legend_labels(ax)
    _renders(fig)


def test_di_curve_without_any_di_says_so(history):
    history["di_mean"] = np.nan
    fig = di_curve(history)
    assert any("no finite DI" in t.get_text() for t in fig.axes[0].texts)
    _renders(fig)


def test_loss_curves_raw_and_ema(history):
    ax = loss_curves(history).axes[0]
    for col in ("loss_d", "loss_g"):
        np.testing.assert_array_equal(_by_gid(ax, col).get_ydata(), history[col])
    assert _legend_labels(ax) == ["D loss", "G loss"]
    assert ax.get_ylabel() == "loss" and ax.get_xlabel() == "generator step"
    ax = loss_curves(history, ema_beta=0.9).axes[0]
    for col in ("loss_d", "loss_g"):
        np.testing.assert_array_equal(_by_gid(ax, col).get_ydata(), ema(history[col], 0.9))
        np.testing.assert_array_equal(_by_gid(ax, f"{col}_raw").get_ydata(), history[col])
    assert _legend_labels(ax) == ["D loss", "G loss"]
    assert "EMA" in ax.get_title()


def test_rt_curve_reference_lines(history):
    ax = rt_curve(history).axes[0]
    np.testing.assert_array_equal(_by_gid(ax, "r_t").get_ydata(), history["r_t"])
    assert _by_gid(ax, "zero").get_ydata()[0] == 0.0
    target = _by_gid(ax, "target")
    assert target.get_ydata()[0] == 0.6 and target.get_linestyle() == ":"
    assert "ADA target 0.6" in _legend_labels(ax)
    assert ax.get_ylim() == (-1.05, 1.05)
    no_target = rt_curve(history, target=None).axes[0]
    assert not any(a.get_gid() == "target" for a in no_target.get_lines())
    ax = rt_curve(history, ema_beta=0.9).axes[0]
    np.testing.assert_array_equal(_by_gid(ax, "r_t").get_ydata(), ema(history["r_t"], 0.9))
    np.testing.assert_array_equal(_by_gid(ax, "r_t_raw").get_ydata(), history["r_t"])


def test_dashboard_has_four_titled_panels(history):
    fig = training_dashboard(history, ema_beta=0.9)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "Realness curves (EMA β=0.9)",
        "Disequilibrium Indicator",
        "Losses (EMA β=0.9)",
        "D overfitting heuristic $r_t$ (EMA β=0.9)",
    ]
    _renders(fig)


CURVES = [realness_curves, di_curve, loss_curves, rt_curve]


@pytest.mark.parametrize("fn", CURVES)
def test_draws_into_given_ax_without_new_figures(fn, history, user_ax):
    before = plt.get_fignums()
    fig = fn(history, ax=user_ax)
    assert fig is user_ax.figure
    assert user_ax.get_lines()
    assert plt.get_fignums() == before


def test_ax_in_a_subfigure_returns_the_root_figure(history):
    fig = Figure()
    ax = fig.subfigures(1, 2)[1].add_subplot()
    assert realness_curves(history, ax=ax) is fig


@pytest.mark.parametrize("fn", CURVES)
def test_new_figures_are_not_left_open_in_pyplot(fn, history):
    fig = fn(history)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert plt.get_fignums() == []


@pytest.mark.parametrize("fn", [*CURVES, training_dashboard])
def test_no_global_style_change(fn, history):
    before = dict(mpl.rcParams)
    fn(history)
    assert dict(mpl.rcParams) == before


@pytest.mark.parametrize("fn", CURVES)
def test_missing_column_is_named(fn, history):
    with pytest.raises(ValueError, match="'nope'"):
        fn(history, x="nope")


def test_bad_ema_beta_raises(history):
    with pytest.raises(ValueError, match="beta"):
        realness_curves(history, ema_beta=1.0)
