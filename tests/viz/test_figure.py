"""Figures ganlens returns show themselves in a notebook: PNG by default, SVG when asked, once."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
import torch

from ganlens import viz
from ganlens.viz.figure import LensFigure, new_figure

HISTORY = pd.DataFrame({"step": [0, 10, 20], "di_mean": [0.5, 0.2, -0.1], "di_std": [0.1] * 3})


def _figures():
    images = torch.rand(4, 3, 8, 8) * 2 - 1
    yield viz.di_curve(HISTORY)
    yield viz.sample_grid(images, title="t")
    yield viz.overlay_grid(images[:2], {"D.blocks.0": torch.rand(2, 4, 4)})
    yield viz.score_histogram(torch.randn(32), torch.randn(32))


@pytest.mark.parametrize(
    "fig", list(_figures()), ids=["di_curve", "sample_grid", "overlay", "scores"]
)
def test_every_figure_has_a_png_repr_and_is_not_pyplots(fig):
    assert isinstance(fig, LensFigure)
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    assert plt.get_fignums() == []  # not pyplot's: no backend will flush it a second time


def test_svg_when_the_notebook_asks_for_it(monkeypatch):
    inline = pytest.importorskip("matplotlib_inline.config")
    backend = inline.InlineBackend.instance()
    monkeypatch.setattr(backend, "figure_formats", {"svg"})
    fig = new_figure((3, 2))
    fig.add_subplot().plot([0, 1])
    assert fig._repr_svg_().lstrip().startswith("<?xml") and fig._repr_png_() is None
    monkeypatch.setattr(backend, "figure_formats", {"png"})
    assert fig._repr_svg_() is None and fig._repr_png_() is not None


def test_ipython_formats_it_as_one_image():
    formatter = pytest.importorskip("IPython.core.formatters")
    fig = viz.di_curve(HISTORY)
    data, _ = formatter.DisplayFormatter().format(fig)
    assert "image/png" in data and "LensFigure size" in data["text/plain"]
    assert plt.get_fignums() == []  # nothing left for a backend to flush a second time
