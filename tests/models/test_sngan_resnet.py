"""SNGAN-ResNet: shapes, hook points, parameter counts against a hand count, the LGA 4x4 map."""

from __future__ import annotations

import pytest
import torch

from ganlens import models
from ganlens.hooks import hook_point_names
from ganlens.models.sngan_resnet import DBlock, SNGANResNetConfig


def _n(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _conv(c_in: int, c_out: int, k: int) -> int:
    return c_in * c_out * k * k + c_out


def test_parameter_counts_match_a_hand_count_of_table_4():
    G, D = models.build("sngan-resnet", seed=0)  # the paper's widths: G 256, D 128, 32 px RGB
    g_block = 2 * 256 + _conv(256, 256, 3) + 2 * 256 + _conv(256, 256, 3) + _conv(256, 256, 1)
    g = (128 * 16 * 256 + 16 * 256) + 3 * g_block + 2 * 256 + _conv(256, 3, 3)
    d = _conv(3, 128, 3) + _conv(128, 128, 3) + _conv(3, 128, 1)  # optimised block
    d += 2 * _conv(128, 128, 3) + _conv(128, 128, 1)  # down block
    d += 2 * (2 * _conv(128, 128, 3))  # two plain blocks, identity shortcuts
    d += 128 + 1  # the linear head
    assert (_n(G), _n(D)) == (g, d) == (4_276_739, 1_053_825)


def test_shapes_and_hook_points_at_32_px():
    G, D = models.build("sngan-resnet", g_width=16, d_width=8, seed=0)
    assert [(s.name, s.channels, s.size) for s in G.stages] == [
        ("stem", 16, 4),
        ("blocks.0", 16, 8),
        ("blocks.1", 16, 16),
        ("blocks.2", 16, 32),
    ]
    x = G(G.sample_latent(2, torch.Generator().manual_seed(0)))
    assert x.shape == (2, 3, 32, 32) and x.abs().max() <= 1
    sides = []
    hooks = [
        D.blocks[i].register_forward_hook(lambda m, i, o: sides.append(o.shape[-1]))
        for i in range(4)
    ]
    D(x)
    for h in hooks:
        h.remove()
    assert sides == [16, 8, 8, 8]
    assert {"blocks.0", "blocks.3", "features", "logit_map"} <= set(hook_point_names(D))
    assert isinstance(D.blocks[0].inner, DBlock) and D.blocks[0].inner.optimised


def test_lga_4x4_map_scores_like_the_global_sum_with_the_same_weights():
    for n_classes in (0, 3):
        _, Dg = models.build("sngan-resnet", g_width=8, d_width=8, n_classes=n_classes, seed=1)
        _, D4 = models.build(
            "sngan-resnet", g_width=8, d_width=8, n_classes=n_classes, logit_map="4x4", seed=1
        )
        x = torch.rand(4, 3, 32, 32, generator=torch.Generator().manual_seed(2)) * 2 - 1
        y = torch.tensor([0, 1, 2, 0]) if n_classes else None
        kept: dict[str, torch.Tensor] = {}
        D4.logit_map.register_forward_hook(lambda m, i, o, kept=kept: kept.update(map=o))
        Dg.eval(), D4.eval()  # no spectral-norm power iteration: the same weights in both
        torch.testing.assert_close(D4(x, y), Dg(x, y), rtol=1e-5, atol=1e-5)
        assert kept["map"].shape == (4, 1, 4, 4)
        assert kept["map"].flatten(1).std(dim=1).min() > 0  # a map, not one value repeated


def test_bad_options_say_what_is_allowed():
    with pytest.raises(ValueError, match=r"logit_map must be one of \('global', '4x4'\)"):
        SNGANResNetConfig(logit_map="8x8")
    with pytest.raises(ValueError, match="power of two >= 16"):
        models.build("sngan-resnet", resolution=8)
    with pytest.raises(ValueError, match="takes no keyword width"):
        models.build("sngan-resnet", width=16)
