"""SEL_norm, SEL_concat, the heatmap projection and the SpatialGenerator built from them."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from ganlens import GANLens, count_hooks, models, probes
from ganlens.methods.eqgan_sa import encoding as enc
from ganlens.methods.eqgan_sa.generator import SpatialGenerator, flat_size, flatten_heatmaps
from ganlens.methods.eqgan_sa.heatmaps import HeatmapSampler


def _heatmaps(n=4, res=32, seed=0):
    return HeatmapSampler("hierarchical", res).sample(n, torch.Generator().manual_seed(seed))


def test_sel_norm_with_zero_heatmap_features_is_the_unmodulated_residual():
    torch.manual_seed(0)
    sel = enc.SELNorm(8, 32)
    x = torch.randn(3, 8, 8, 8)
    out = sel(x, torch.zeros(3, 32, 32, 32))
    # zero features and zero-initialised biases: gamma = beta = 0, so no modulation at all
    expected = x + 0.1 * sel.out(F.leaky_relu(F.instance_norm(x), 0.2))
    assert torch.allclose(out, expected, atol=1e-6)
    with torch.no_grad():
        sel.out.weight.zero_()
    assert torch.equal(sel(x, torch.zeros(3, 32, 32, 32)), x)  # the identity path


def test_sel_norm_modulation_is_one_channel_broadcast_over_channels():
    torch.manual_seed(0)
    sel = enc.SELNorm(4, 32)
    with torch.no_grad():
        sel.modulation.bias.copy_(torch.tensor([1.0, 0.5]))  # gamma = 1, beta = 0.5 everywhere
        sel.modulation.weight.zero_()
    x = torch.randn(2, 4, 4, 4)
    out = sel(x, torch.randn(2, 32, 32, 32))
    expected = x + 0.1 * sel.out(F.leaky_relu(F.instance_norm(x) * 2.0 + 0.5, 0.2))
    assert torch.allclose(out, expected, atol=1e-6)


def test_sel_concat_shapes_and_dependence_on_the_heatmap():
    torch.manual_seed(0)
    sel = enc.SELConcat(6, 96)
    x = torch.randn(2, 6, 32, 32)
    a, b = sel(x, torch.randn(2, 96, 32, 32)), sel(x, torch.randn(2, 96, 32, 32))
    assert a.shape == x.shape and not torch.allclose(a, b)
    assert sel.out.in_channels == 6 + enc.EMBED


def test_projection_and_the_official_resolution_lookup():
    feats = enc.HeatmapProjection()(_heatmaps(2))
    assert [tuple(f.shape) for f in feats] == [(2, 32, 32, 32)] * 3
    assert enc.features_for(feats, 4) is feats[0] and enc.features_for(feats, 8) is feats[1]
    assert enc.features_for(feats, 16) is feats[2] and enc.features_for(feats, 32).shape[1] == 96
    assert [enc.feature_channels(r) for r in (4, 8, 16, 32)] == [32, 32, 32, 96]


@pytest.fixture
def spatial():
    G, D = models.build("sn-dcgan", width=4, seed=0)
    return GANLens(SpatialGenerator(G, "sel_norm"), D)


def test_spatial_generator_places_a_sel_after_every_stage(spatial):
    names = spatial.hook_names()
    assert [n for n in names if n.startswith("G.sel")] == [f"G.sel.{i}" for i in range(4)]
    assert {"G.stem", "G.blocks.0", "G.out"} <= set(names)
    sels = [spatial.module(f"G.sel.{i}").inner for i in range(4)]
    assert [s.embed.in_channels for s in sels] == [32, 32, 32, 96]
    assert [s.out.in_channels for s in sels] == [32, 16, 8, 4]  # 8w, 4w, 2w, w at width 4
    assert spatial.G.spec["eqgan_sa"] == {"encoding": "sel_norm", "heatmaps": "hierarchical"}


def test_spatial_generator_follows_the_given_heatmaps(spatial):
    z = spatial.sample_latent(4, torch.Generator().manual_seed(0))
    h = _heatmaps(4)
    a, b = spatial.G(z, heatmaps=h), spatial.G(z, heatmaps=h)
    assert a.shape == (4, 3, 32, 32) and torch.equal(a, b)
    assert not torch.allclose(a, spatial.G(z, heatmaps=_heatmaps(4, seed=1)))
    with pytest.raises(ValueError, match="heatmaps must be a float tensor"):
        spatial.G(z, heatmaps=torch.zeros(4, 7, 16, 16))


def test_seeded_sampling_draws_heatmaps_from_the_generator(spatial):
    one = spatial.generate(4, generator=torch.Generator().manual_seed(3))
    two = spatial.generate(4, generator=torch.Generator().manual_seed(3))
    assert torch.equal(one, two)
    g = torch.Generator().manual_seed(3)
    z = spatial.sample_latent(4, g)
    explicit = spatial.G(z, heatmaps=spatial.G.sample_inputs(4, g)["heatmaps"])
    assert torch.equal(one, explicit)
    inputs = spatial.sample_inputs(4, torch.Generator().manual_seed(3))  # z, then heatmaps
    assert torch.equal(inputs.z, z) and torch.equal(spatial.generate(inputs), one)


def test_gradcam_reaches_sel_layers_and_leaves_no_hooks(spatial):
    inputs = spatial.sample_inputs(3, torch.Generator().manual_seed(0))
    maps = probes.gradcam(spatial, inputs, ["G.sel.1", "D.blocks.1"], convention="eqgan-sa")
    assert maps["G.sel.1"].shape == (3, 8, 8) and count_hooks(spatial) == 0


def test_flatten_encoding_puts_the_heatmaps_into_the_latent():
    G, _ = models.build("sn-dcgan", width=4, seed=0)
    base_w = G.stem.inner.linear.weight.detach().clone()
    flat = SpatialGenerator(G, "flatten")
    assert flat_size(32) == 16 + 2 * 64 + 4 * 256 == flatten_heatmaps(_heatmaps(2)).shape[1]
    assert flat.stem.inner.linear.in_features == 128 + 1168
    assert torch.equal(flat.stem.inner.linear.weight[:, :128], base_w)
    assert not hasattr(flat, "sel")
    z = torch.randn(2, 128)
    assert not torch.allclose(
        flat(z, heatmaps=_heatmaps(2)), flat(z, heatmaps=_heatmaps(2, seed=1))
    )


def test_conditional_base_and_bad_encodings():
    G, _ = models.build("sn-dcgan", width=4, n_classes=10, seed=0)
    spatial = SpatialGenerator(G, "sel_concat", "independent")
    y = torch.tensor([1, 7])
    assert spatial(torch.randn(2, 128), y, heatmaps=_heatmaps(2)).shape == (2, 3, 32, 32)
    with pytest.raises(ValueError, match="needs labels"):
        spatial(torch.randn(2, 128))
    with pytest.raises(ValueError, match="unknown encoding"):
        SpatialGenerator(models.build("sn-dcgan", width=4)[0], "spade")
    with pytest.raises(ValueError, match="ConvGenerator"):
        SpatialGenerator(models.build("mlp")[0])
