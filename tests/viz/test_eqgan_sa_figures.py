"""Figures of the EqGAN-SA notebooks: the sweep, following plot, claim figures, Fig. 1 comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from ganlens import GANLens, models, stats, viz
from ganlens.methods.eqgan_sa import SpatialGenerator


def test_heatmap_sweep_layout():
    images = torch.rand(3, 5, 3, 8, 8) * 2 - 1
    maps = torch.rand(3, 5, 7, 8, 8)
    fig = viz.heatmap_sweep(images, maps, [(0, -0.5), (0, 0), (0, 0.5)], n_show=2, title="t")
    assert isinstance(fig, Figure) and len(fig.axes) == 3 * 3
    assert "+0.50" in fig.axes[2].get_title() and fig._suptitle.get_text() == "t"
    assert fig.axes[0].get_ylabel().startswith("level 0 (4×4)")  # the paper's level name
    assert fig.axes[3].get_ylabel() == "latent z0"


def test_swap_grid_figure_labels_rows_columns_and_draws_thumbnails():
    grid = torch.rand(2 * 3, 3, 8, 8) * 2 - 1
    heat = torch.zeros(2, 7, 8, 8)
    heat[0, 0, 1, 1], heat[1, 3, 6, 6] = 1.0, 0.5
    fig = viz.swap_grid_figure(grid, heat, n_latents=3, title="t")
    assert len(fig.axes) == 2 * 4 and fig._suptitle.get_text() == "t"
    assert [fig.axes[c].get_title() for c in range(1, 4)] == ["latent z0", "latent z1", "latent z2"]
    assert fig.axes[0].get_ylabel() == "heatmap 0" and fig.axes[4].get_ylabel() == "heatmap 1"
    thumb = fig.axes[4].get_images()[0].get_array()
    assert thumb[6, 6] == 0.5 and thumb.sum() == 0.5  # the max over all seven centres
    with pytest.raises(ValueError, match="3 heatmaps x 3 latents need 9"):
        viz.swap_grid_figure(grid, torch.zeros(3, 7, 8, 8), n_latents=3)


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


def _claim_rows():
    return pd.DataFrame(
        {
            "row": ["baseline"] * 3 + ["a"] * 3,
            "seed": [0, 1, 2] * 2,
            "m": [10.0, 11.0, 12.0, 8.0, 8.5, 30.0],
            "collapsed": [False] * 5 + [True],
        }
    )


def test_claim_figure_shows_seeds_paper_and_welch_effect():
    df = _claim_rows()
    fig = viz.claim_figure(df, "m", {"baseline": 4.0, "a": 3.0}, ["baseline", "a"], title="t")
    ours, paper, effect = fig.axes[:3]
    dots = [c for c in ours.collections if isinstance(c, PathCollection)]
    points = np.concatenate([c.get_offsets() for c in dots if len(c.get_offsets())])
    assert sorted(points[:, 1].tolist()) == sorted(df.m.tolist())  # every seed is drawn
    crosses = [c for c in dots if c.get_offsets().shape[0] == 1]
    assert any(c.get_offsets()[0, 1] == 30.0 for c in crosses)  # the collapsed seed, alone
    assert [p.get_height() for p in paper.patches] == [4.0, 3.0]
    res = stats.compare([8.0, 8.5, 30.0], [10.0, 11.0, 12.0])
    ((_, y),) = [line.get_xydata()[0] for line in effect.lines if line.get_marker() == "o"]
    assert y == pytest.approx(100 * res["diff"] / 11.0)  # % of our positive baseline
    bars = [c for c in effect.collections if hasattr(c, "get_segments") and c.get_segments()]
    (seg,) = bars[0].get_segments()
    assert seg[1, 1] - seg[0, 1] == pytest.approx(2 * 100 * res["ci95"] / 11.0)  # Welch CI


def test_claim_figure_never_shows_a_negative_baseline_in_percent():
    df = _claim_rows().assign(m=lambda d: d.m - 20.0)  # baseline mean -9
    fig = viz.claim_figure(df, "m", {"baseline": 0.5, "a": 0.3}, ["baseline", "a"])
    effect = fig.axes[2]
    assert "%" not in effect.get_ylabel() and "row − baseline" in effect.get_ylabel()
    ((_, y),) = [line.get_xydata()[0] for line in effect.lines if line.get_marker() == "o"]
    assert y == pytest.approx(np.mean([8.0, 8.5, 30.0]) - 11.0)


def test_claim_figure_without_paper_values_says_so_instead_of_empty_axes():
    nan = float("nan")
    fig = viz.claim_figure(_claim_rows(), "m", {"baseline": nan, "a": nan}, ["baseline", "a"])
    _, paper, effect = fig.axes[:3]
    assert [t.get_gid() for t in paper.texts] == ["no-paper-values"] and not paper.patches
    assert len(fig.axes) == 3  # no empty "paper: difference" twin axis
    assert [line.get_marker() for line in effect.lines].count("o") == 1  # ours still drawn


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
    editor.follow.value = "level 0 only"
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


def test_realness_compare_over_seeds_draws_mean_and_band():
    steps = [0, 1, 2]
    seeds = [
        pd.DataFrame({"step": steps, "real_min": [1.0, 0.5, v], "fake_max": [0.0, 0.1, 0.3]})
        for v in (0.0, 0.2, 0.4)
    ]
    fig = viz.realness_compare({"baseline": seeds, "EqGAN-SA": seeds[0]})
    ax = fig.axes[0]
    (mean,) = [line for line in ax.lines if line.get_gid() == "baseline:real_min"]
    assert mean.get_ydata().tolist() == pytest.approx([1.0, 0.5, 0.2])
    bands = [c for c in ax.collections if c.get_gid() == "real_min_lo:real_min_hi"]
    assert len(bands) == 1
    half = stats.t_quantile(0.975, 2) * 0.2 / np.sqrt(3)  # sd of (0, .2, .4) is 0.2
    top = bands[0].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(1.0)  # no spread at step 0
    table = viz.over_seeds(seeds, ["real_min"])
    assert table.real_min_hi.iloc[2] - 0.2 == pytest.approx(half)
    assert any("3 seeds" in t.get_text() for t in ax.get_legend().get_texts())


def test_overlay_grid_labels_all_zero_maps():
    imgs = torch.zeros(2, 1, 8, 8)
    maps = {"D.blocks.0": torch.stack([torch.zeros(4, 4), torch.rand(4, 4) + 0.1])}
    fig = viz.overlay_grid(imgs, maps)
    zero = [t for ax in fig.axes for t in ax.texts if t.get_gid() == "zero-map"]
    assert len(zero) == 1 and "all zero" in zero[0].get_text()


def test_robustness_plot_draws_the_control_and_criterion():
    rows = [
        {"layer": layer, "sigma": s, "pearson": 0.9 - s, "top20_overlap": 0.8 - s, "image": i}
        for layer in ("D.blocks.0", "D.blocks.1")
        for s in (0.0, 0.2)
        for i in range(3)
    ]
    df = pd.DataFrame(rows)
    control = df[df.sigma == 0.2].assign(top20_overlap=0.55)
    fig = viz.robustness_plot(df, control=control, criterion=0.5)
    ax = fig.axes[0]
    dots = [c for c in ax.collections if c.get_gid() == "control"]
    assert len(dots) == 2 and all(c.get_offsets()[0, 1] == pytest.approx(0.55) for c in dots)
    assert any("criterion" in t.get_text() for t in ax.get_legend().get_texts())


def test_realness_compare_gives_every_run_its_own_colour():
    import matplotlib.colors as mcolors

    h = pd.DataFrame({"step": [0, 1, 2], "real_min": [1.0, 0.5, 0.2], "fake_max": [0.0, 0.1, 0.3]})
    runs = {
        name: h * (i + 1) for i, name in enumerate(["baseline", "ADA", "CLR", "ADA+CLR", "x", "y"])
    }
    fig = viz.realness_compare(runs)
    colour = {
        line.get_gid().split(":")[0]: mcolors.to_hex(line.get_color())
        for line in fig.axes[0].lines
        if line.get_gid() and line.get_gid().endswith(":real_min")
    }
    assert len(set(colour.values())) == len(runs)  # e.g. the third run is not the first's blue
