"""Heatmap editing: centroids, moving centres, sweeps, the Fig. 6 grid, the following measure."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from ganlens import GANLens, models
from ganlens.methods.eqgan_sa import SpatialGenerator, editing, sample_params
from ganlens.modes import mode


@pytest.fixture(scope="module")
def lens():
    G, D = models.build("sn-dcgan", width=4, seed=0)
    return GANLens(SpatialGenerator(G), D).eval()


def test_centroid_of_a_single_pixel_uniform_and_empty_maps():
    maps = torch.zeros(3, 5, 5)
    maps[0, 1, 4] = 2.0  # row 1 -> y = -0.5, column 4 -> x = 1
    maps[1] = 1.0
    out = editing.centroid(maps)
    assert torch.allclose(out[0], torch.tensor([-0.5, 1.0]))
    assert torch.allclose(out[1], torch.zeros(2), atol=1e-6) and torch.equal(out[2], torch.zeros(2))


def test_params_at_moves_level1_to_the_target_and_keeps_offsets():
    base = sample_params(4, torch.Generator().manual_seed(0))
    moved = editing.params_at(base, (0.3, -0.2))
    assert torch.allclose(moved.centers[0], torch.tensor([0.3, -0.2]).expand(4, 1, 2))
    for a, b in zip(moved.centers[1:], base.centers[1:]):
        assert torch.allclose(a - moved.centers[0], b - base.centers[0])


def test_sweep_and_swap_grid(lens):
    z = lens.sample_latent(3, torch.Generator().manual_seed(0))
    base = sample_params(3, torch.Generator().manual_seed(1))
    images, maps = editing.sweep(lens, z, [(0.0, -0.5), (0.0, 0.5)], base)
    assert images.shape == (2, 3, 3, 32, 32) and maps.shape == (2, 3, 7, 32, 32)
    assert not torch.allclose(images[0], images[1])
    assert maps[1, 0, 0].flatten().argmax() % 32 > maps[0, 0, 0].flatten().argmax() % 32
    grid = editing.swap_grid(lens, 2, 3, seed=0)
    assert grid.shape == (6, 3, 32, 32) and torch.equal(grid, editing.swap_grid(lens, 2, 3, seed=0))
    heat = editing.swap_grid_heatmaps(lens, 2, 3, seed=0)
    assert heat.shape == (2, 7, 32, 32) and not torch.equal(heat[0], heat[1])
    g = torch.Generator().manual_seed(0)
    z, y = lens.sample_latent(3, g), lens.sample_labels(3, g)
    with mode(lens.G, train=True, keep_buffers=True):
        row1 = lens.G(z, y, heatmaps=heat[1:2].expand(3, -1, -1, -1))
    assert torch.allclose(row1, grid[3:6], atol=1e-6)  # the thumbnails are the rows' heatmaps


def test_following_rows_and_summary(lens):
    df = editing.following(lens, n=3, offsets=(-0.5, 0.0, 0.5))
    assert len(df) == 2 * 3 * 3 and set(df.axis) == {"x", "y"}
    assert df[["change", "attention"]].abs().max().max() <= 1.0
    summary = editing.following_summary(df)
    assert len(summary) == 4 and summary.pearson_r.between(-1, 1).all()


def test_following_summary_exact_on_a_perfect_follower():
    t = [-0.5, 0.0, 0.5] * 2
    df = pd.DataFrame(
        {"axis": ["x"] * 6, "target": t, "change": [2 * v for v in t], "attention": [-v for v in t]}
    )
    s = editing.following_summary(df).set_index("centroid")
    assert s.loc["change", "pearson_r"] == pytest.approx(1.0) and s.loc[
        "change", "slope"
    ] == pytest.approx(2.0)
    assert s.loc["attention", "pearson_r"] == pytest.approx(-1.0)


def test_editing_needs_a_spatial_g_with_centres():
    G, D = models.build("sn-dcgan", width=4, seed=0)
    with pytest.raises(ValueError, match="EqGAN-SA generator"):
        editing.swap_grid(GANLens(G, D), 1, 1)
    G, D = models.build("sn-dcgan", width=4, seed=0)
    with pytest.raises(ValueError, match="noise maps"):
        editing.swap_grid(GANLens(SpatialGenerator(G, heatmaps="noise"), D), 1, 1)


def test_grid_spread_detects_a_g_that_ignores_z():
    from ganlens.methods.eqgan_sa.editing import grid_spread

    rows = torch.rand(4, 1, 1, 8, 8)  # 4 heatmaps, one image each ...
    ignores_z = rows.expand(4, 6, 1, 8, 8).reshape(24, 1, 8, 8)  # ... repeated over 6 latents
    out = grid_spread(ignores_z, 4, 6)
    assert out["latent"] == 0.0 and out["heatmap"] > 0 and out["latent_share"] == 0.0
    cols = torch.rand(1, 6, 1, 8, 8).expand(4, 6, 1, 8, 8).reshape(24, 1, 8, 8)
    assert grid_spread(cols, 4, 6)["latent_share"] == 1.0  # ignores the heatmaps instead
