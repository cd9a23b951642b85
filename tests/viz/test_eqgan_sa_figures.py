"""Figures of the EqGAN-SA notebooks: the sweep, following plot, relative bars, Fig. 1 comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.figure import Figure

from ganlens import GANLens, models, viz
from ganlens.methods.eqgan_sa import SpatialGenerator


def test_heatmap_sweep_layout():
    images = torch.rand(3, 5, 3, 8, 8) * 2 - 1
    maps = torch.rand(3, 5, 7, 8, 8)
    fig = viz.heatmap_sweep(images, maps, [(0, -0.5), (0, 0), (0, 0.5)], n_show=2, title="t")
    assert isinstance(fig, Figure) and len(fig.axes) == 3 * 3
    assert "+0.50" in fig.axes[2].get_title() and fig._suptitle.get_text() == "t"


def test_following_plot_has_both_centroids_and_the_identity():
    df = pd.DataFrame(
        {
            "axis": ["x"] * 4,
            "target": [-0.5, -0.5, 0.5, 0.5],
            "change": [-0.4, -0.3, 0.3, 0.4],
            "attention": [0.0, 0.1, 0.0, 0.1],
        }
    )
    fig = viz.following_plot(df)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "follows exactly" in labels and any("attention" in label for label in labels)


def test_relative_change_bar_heights():
    summary = pd.DataFrame({"row": ["baseline", "a"], "m_mean": [10.0, 8.0], "m_ci95": [1.0, 0.5]})
    fig = viz.relative_change(summary, "m", {"baseline": 4.0, "a": 3.0}, ["baseline", "a"])
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights == pytest.approx([-25.0, -20.0])  # paper -25 %, ours -20 %


def test_realness_compare_draws_two_lines_per_run():
    h = pd.DataFrame({"step": [0, 1, 2], "real_min": [1.0, 0.5, 0.2], "fake_max": [0.0, 0.1, 0.3]})
    fig = viz.realness_compare({"baseline": h, "EqGAN-SA": h * 0.5})
    gids = {line.get_gid() for line in fig.axes[0].lines}
    assert {"baseline:real_min", "baseline:fake_max", "EqGAN-SA:real_min"} <= gids
    with pytest.raises(ValueError, match="fake_max"):
        viz.realness_compare({"x": h.drop(columns="fake_max")})


def test_heatmap_editor_sliders_move_the_heatmaps():
    pytest.importorskip("ipywidgets")
    from ganlens.viz.heatmap_editor import HeatmapEditor

    G, D = models.build("sn-dcgan", width=4, seed=0)
    editor = HeatmapEditor(GANLens(SpatialGenerator(G), D).eval(), n=2, dpi=20)
    first, renders = editor.image.value, editor.renders
    editor.cx.value = 0.5
    assert editor.renders == renders + 1 and editor.image.value != first
    assert torch.allclose(editor.params().centers[0], torch.tensor([0.0, 0.5]).expand(2, 1, 2))
    offsets = editor.params().centers[1] - editor.params().centers[0]
    editor.follow.value = "level 1 only"
    assert torch.equal(editor.params().centers[1], editor.base.centers[1])
    editor.follow.value = "all levels"
    editor.shift2.value = 0.2
    moved = editor.params().centers[1] - editor.params().centers[0]
    assert np.allclose((moved - offsets).numpy(), np.array([0.0, 0.2]), atol=1e-6)


def test_loss_curves_show_named_terms():
    h = pd.DataFrame(
        {
            "step": [0, 1],
            "loss_d": [1.0, 0.9],
            "loss_g": [2.0, 1.5],
            "loss_g_adv": [1.0, 0.8],
            "loss_g_align_4x4": [1.0, 0.7],
        }
    )
    fig = viz.loss_curves(h)
    gids = {line.get_gid() for line in fig.axes[0].lines}
    assert {"loss_d", "loss_g", "loss_g_adv", "loss_g_align_4x4"} <= gids
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "G term align_4x4" in labels
