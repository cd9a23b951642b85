"""EqGAN-SA heatmaps: the official sampler's statistics, shapes, overrides and the ablations."""

from __future__ import annotations

import math

import pytest
import torch

from ganlens.methods.eqgan_sa import heatmaps as hm


@pytest.fixture(scope="module")
def many() -> hm.HeatmapParams:
    return hm.sample_params(20000, torch.Generator().manual_seed(0))


def test_shapes_and_channels_per_level():
    maps = hm.HeatmapSampler("hierarchical", 32).sample(5, torch.Generator().manual_seed(1))
    assert maps.shape == (5, 7, 32, 32) and maps.dtype == torch.float32
    assert [t.shape[1] for t in hm.split_levels(maps)] == [1, 2, 4]
    params = hm.sample_params(5, torch.Generator().manual_seed(1))
    assert [tuple(c.shape) for c in params.centers] == [(5, 1, 2), (5, 2, 2), (5, 4, 2)]
    assert [tuple(w.shape) for w in params.widths] == [(5, 1), (5, 2), (5, 4)]


def test_level1_centre_distribution(many):
    c0 = many.centers[0][:, 0]
    assert c0.abs().max() <= hm.CENTER_CLAMP
    # N(0, 0.33^2) clamped at +-0.75 (2.27 sd): std slightly below 0.33, a few % at the clamp
    assert abs(c0.mean().item()) < 0.01
    assert 0.31 < c0.std().item() < 0.33
    at_clamp = (c0.abs() == hm.CENTER_CLAMP).float().mean().item()
    assert 0.01 < at_clamp < 0.04


def test_level1_width_is_one_value_per_minibatch_in_half_to_one():
    for seed in range(20):
        w = hm.sample_params(16, torch.Generator().manual_seed(seed)).widths[0]
        assert torch.all(w == w[0, 0]) and 0.5 <= w[0, 0].item() < 1.0


def test_an_evaluation_pool_has_one_level1_width_per_chunk():
    # a DI / FID pool drawn in one call used to share a single s1 (0.642 in every FID-500)
    pool = hm.sample_params(1000, torch.Generator().manual_seed(0)).widths[0][:, 0]
    chunks = pool.split(hm.S1_CHUNK)
    assert len(chunks) == 16 and all(torch.all(c == c[0]) for c in chunks)
    assert len(set(pool.tolist())) == 16 and float(pool.std()) > 0.05
    assert bool(((pool >= 0.5) & (pool < 1.0)).all())


def test_sub_centres_are_uniform_offsets_of_the_level1_centre(many):
    c0 = many.centers[0]
    for level, half in ((1, 0.4), (2, 0.8)):
        delta = many.centers[level] - c0
        assert delta.abs().max() <= half
        assert abs(delta.mean().item()) < 0.01
        assert delta.std().item() == pytest.approx(2 * half / math.sqrt(12), rel=0.02)


def test_level_widths_follow_the_official_formulas(many):
    w2, w3 = many.widths[1], many.widths[2]
    assert w2.min() >= 0.1 / 1.4 and w2.max() < 1.1 / 1.4
    assert w3.min() >= 0.05 and w3.max() < 0.55
    assert w2.mean().item() == pytest.approx(0.6 / 1.4, rel=0.02)
    assert w3.mean().item() == pytest.approx(0.3, rel=0.02)
    assert w2.std(dim=0).min() > 0  # per sample, not per batch


def test_render_exact_values_and_floor():
    params = hm.sample_params(
        1, torch.Generator().manual_seed(0), center=(0.0, 0.0), widths=(0.5, 0.2, 0.1)
    )
    maps = params.render(5)  # grid -1, -0.5, 0, 0.5, 1
    assert maps[0, 0, 2, 2].item() == pytest.approx(1.0 + 0.01)
    assert maps[0, 0, 2, 3].item() == pytest.approx(math.exp(-0.25 / 0.5) + 0.01)
    assert maps[0, 0, 0, 0].item() == pytest.approx(math.exp(-2.0 / 0.5) + 0.01)
    big = hm.HeatmapSampler().sample(64, torch.Generator().manual_seed(3))
    assert big.min() >= 0.01 and big.max() <= 1.01 + 1e-6


def test_centre_override_moves_every_level_exactly():
    g = lambda: torch.Generator().manual_seed(7)
    free = hm.sample_params(4, g())
    fixed = hm.sample_params(4, g(), center=(0.5, -0.25))
    assert torch.equal(fixed.centers[0], torch.tensor([0.5, -0.25]).expand(4, 1, 2))
    for level in (1, 2):  # the same offsets, now around the new centre
        assert torch.allclose(
            fixed.centers[level] - fixed.centers[0], free.centers[level] - free.centers[0]
        )
    assert all(torch.equal(a, b) for a, b in zip(fixed.widths, free.widths))
    maps = fixed.render(9)  # grid step 0.25: y 0.5 is row 6, x -0.25 is column 3
    peak = maps[0, 0].flatten().argmax().item()
    assert divmod(peak, 9) == (6, 3)


def test_offsets_and_widths_overrides_and_moved():
    offsets = [torch.tensor([[0.1, 0.0], [-0.1, 0.0]]), torch.zeros(4, 2)]
    p = hm.sample_params(
        3,
        torch.Generator().manual_seed(0),
        center=(0.0, 0.0),
        offsets=offsets,
        widths=(None, 0.3, None),
    )
    assert torch.allclose(p.centers[1], offsets[0].expand(3, 2, 2))
    assert torch.equal(p.centers[2], torch.zeros(3, 4, 2))
    assert torch.all(p.widths[1] == 0.3)
    moved = p.moved((0.2, -0.1))
    for a, b in zip(moved.centers, p.centers):
        assert torch.allclose(a - b, torch.tensor([0.2, -0.1]))
    only2 = p.moved((0.2, 0.0), levels=(1,))
    assert torch.equal(only2.centers[0], p.centers[0]) and torch.equal(
        only2.centers[2], p.centers[2]
    )


def test_independent_levels_do_not_share_the_level1_centre(many):
    indep = hm.sample_params(20000, torch.Generator().manual_seed(0), "independent")
    for level in (1, 2):
        hier_corr = torch.corrcoef(
            torch.stack([many.centers[0][:, 0, 1], many.centers[level][:, 0, 1]])
        )[0, 1]
        ind_corr = torch.corrcoef(
            torch.stack([indep.centers[0][:, 0, 1], indep.centers[level][:, 0, 1]])
        )[0, 1]
        assert hier_corr > 0.4 and abs(ind_corr) < 0.03


def test_noise_maps_range_and_sampler_determinism():
    s = hm.HeatmapSampler("noise", 16)
    a, b = (
        s.sample(3, torch.Generator().manual_seed(5)),
        s.sample(3, torch.Generator().manual_seed(5)),
    )
    assert torch.equal(a, b) and a.shape == (3, 7, 16, 16)
    flat = a.flatten(2)
    assert torch.allclose(flat.amin(-1), torch.full((3, 7), 0.01))
    assert torch.allclose(flat.amax(-1), torch.full((3, 7), 1.01))
    with pytest.raises(ValueError, match="no centres"):
        s.params(2)


def test_bad_requests_are_clear():
    with pytest.raises(ValueError, match="unknown heatmap kind"):
        hm.HeatmapSampler("gaussian")
    with pytest.raises(ValueError, match=r"\(N, 7, R, R\)"):
        hm.split_levels(torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match=r"\(2, 7, 32, 32\)"):
        hm.check_heatmaps(torch.zeros(2, 7, 16, 16), n=2, resolution=32)
