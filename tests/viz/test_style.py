import matplotlib as mpl
from matplotlib.colors import same_color

from ganlens import viz
from ganlens.viz.style import style, style_rc


def test_real_and_fake_colours_differ():
    assert not same_color(viz.REAL_COLOR, viz.FAKE_COLOR)
    assert not same_color(viz.DI_COLOR, viz.REAL_COLOR)
    assert not same_color(viz.DI_COLOR, viz.FAKE_COLOR)


def test_style_is_temporary():
    before = dict(mpl.rcParams)
    with style():
        assert mpl.rcParams["axes.grid"] is True  # seaborn whitegrid
        assert mpl.rcParams["axes.facecolor"] == style_rc()["axes.facecolor"]
    assert dict(mpl.rcParams) == before


def test_apply_style_is_opt_in_and_global():
    before = dict(mpl.rcParams)
    try:
        viz.apply_style()
        assert mpl.rcParams["axes.grid"] is True
    finally:
        mpl.rcParams.update(before)
