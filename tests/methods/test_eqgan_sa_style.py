"""EqGAN-SA on stylegan-lite: the official SEL placement, the base's weights and hook names kept,
the SELs really in the synthesis path, training with L_align, editing and the alignment check."""

from __future__ import annotations

import pytest
import torch

from ganlens import DataConfig, build, load_data, load_or_train
from ganlens.methods.eqgan_sa import StyleSpatialGenerator, alignment_check, editing
from ganlens.methods.eqgan_sa.encoding import feature_channels
from ganlens.models import StyleGANLiteConfig, build_players
from ganlens.models.stylegan_lite import widths

from ..conftest import TINY

MODEL = StyleGANLiteConfig(channel_base=128, channel_max=8, z_dim=8, w_dim=8, mapping_layers=2)
CFG = TINY.replace(data=DataConfig("mnist5k", resolution=32), model=MODEL, method="eqgan-sa")


def _base():
    return build_players(MODEL.resolved(channels=1, resolution=32), seed=0)["G"]


def _inputs(G, n=3, seed=0):
    return G.sample_inputs(n, torch.Generator().manual_seed(seed), "cpu")


def test_sels_sit_before_every_modulated_conv_and_torgb_with_the_blocks_level():
    base = _base()
    G = StyleSpatialGenerator(base)
    ch = widths(base.spec)
    expected = {"b4_conv1", "b4_torgb"} | {
        f"b{r}_{layer}" for r in (8, 16, 32) for layer in ("conv0", "conv1", "torgb")
    }
    assert set(G.sel) == expected
    for name, sel in G.sel.items():
        block, layer = name.split("_")
        r = int(block[1:])
        c_in = ch[r // 2] if layer == "conv0" else ch[r]  # conv0 reads the previous block's map
        assert sel.inner.out.in_channels == c_in, name
        assert sel.inner.embed.in_channels == feature_channels(r), name  # the block's level(s)
    assert G.sel["b8_conv0"].inner.embed.in_channels == 32  # b8's level, though it reads 4x4
    assert G.sel["b32_conv0"].inner.embed.in_channels == 96  # all three levels


def test_the_base_weights_and_hook_names_are_kept():
    base = _base()
    G = StyleSpatialGenerator(base)
    for name, value in base.state_dict().items():
        assert torch.equal(G.state_dict()[name], value), name
    lens, _ = build(CFG, load_data(CFG))
    names = lens.hook_names()
    assert {"G.mapping", "G.synthesis.b8.conv0", "G.sel.b8_conv0", "G.sel.b32_torgb"} <= set(names)


def test_with_silent_sels_the_images_are_the_base_gs_and_heatmaps_then_change_nothing():
    base = _base()
    G = StyleSpatialGenerator(base)
    with torch.no_grad():
        for sel in G.sel.values():  # SEL_norm: x + 0.1 * out(...); a zero ``out`` passes x on
            sel.inner.out.weight.zero_()
            sel.inner.out.bias.zero_()
    z = torch.randn(3, 8, generator=torch.Generator().manual_seed(1))
    inputs = _inputs(G)
    with torch.no_grad():
        silent = G(z, **inputs)
        torch.testing.assert_close(silent, base(z, seed=inputs.get("seed")))
        other = G(z, **{**inputs, "heatmaps": _inputs(G, seed=5)["heatmaps"]})
        torch.testing.assert_close(silent, other)


def test_the_heatmaps_shape_the_images():
    G = StyleSpatialGenerator(_base())
    z = torch.randn(3, 8, generator=torch.Generator().manual_seed(1))
    inputs = _inputs(G)
    with torch.no_grad():
        a = G(z, **inputs)
        b = G(z, **{**inputs, "heatmaps": _inputs(G, seed=5)["heatmaps"]})
    assert not torch.allclose(a, b)


def test_flatten_is_refused_on_stylegan_lite():
    with pytest.raises(ValueError, match="'sel_norm' or 'sel_concat'"):
        StyleSpatialGenerator(_base(), encoding="flatten")
    cfg = CFG.replace(**{"method.encoding": "flatten"})
    with pytest.raises(ValueError, match="cannot train"):
        build(cfg, load_data(cfg))


def test_trains_with_l_align_at_the_official_layers_and_can_be_edited(tmp_path):
    result = load_or_train(CFG.replace(steps=2), tmp_path / "run", progress=False, report=False)
    assert {"loss_g_align_4x4", "loss_g_align_8x8", "loss_g_align_16x16"} <= set(result.history)
    assert isinstance(result.lens.G, StyleSpatialGenerator)
    check = alignment_check(result.lens, n=8, seed=0)
    assert set(check) >= {"gain", "r_x", "r_y"}
    z = torch.randn(2, 8, generator=torch.Generator().manual_seed(0))
    images, heatmaps = editing.sweep(
        result.lens, z, [(0, -0.5), (0, 0.5)], editing.sample_params(2)
    )
    assert images.shape == (2, 2, 1, 32, 32) and not torch.equal(heatmaps[0], heatmaps[1])
    assert not torch.equal(images[0], images[1])  # moving the heatmap changes the images
