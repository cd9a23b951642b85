"""The alignment loss: targets, the tau truncation, zero at a perfect match."""

from __future__ import annotations

import math

import pytest
import torch

from ganlens.methods.eqgan_sa import alignment as al
from ganlens.methods.eqgan_sa.heatmaps import HeatmapSampler


def _heatmaps(n=3, seed=0):
    return HeatmapSampler("hierarchical", 16).sample(n, torch.Generator().manual_seed(seed))


def test_targets_level1_raw_levels_2_3_averaged_and_minmax_normalised():
    h = _heatmaps()
    t1, t2, t3 = al.level_targets(h)
    assert torch.equal(t1, h[:, 0])  # not renormalised: values in (0.01, 1.01]
    assert t1.min() >= 0.01 and t1.max() > 1.0
    for t, maps in ((t2, h[:, 1:3]), (t3, h[:, 3:])):
        mean = maps.mean(dim=1)
        lo, hi = mean.amin(dim=(1, 2), keepdim=True), mean.amax(dim=(1, 2), keepdim=True)
        assert torch.allclose(t, (mean - lo) / (hi - lo))
        assert torch.allclose(t.flatten(1).amin(1), torch.zeros(3))
        assert torch.allclose(t.flatten(1).amax(1), torch.ones(3))


def test_loss_is_zero_when_d_maps_equal_the_targets():
    h = _heatmaps()
    losses = al.alignment_loss(al.level_targets(h), h)
    assert [loss.item() for loss in losses] == [0.0, 0.0, 0.0]


def test_tau_mask_hand_computed():
    cam = torch.zeros(1, 2, 2)
    two_above = torch.tensor([[[0.1, 0.3], [0.5, 0.2]]])
    assert al.truncated_l1(cam, two_above).item() == pytest.approx(0.4)  # mean of 0.3 and 0.5
    one_above = torch.tensor([[[0.1, 0.3], [0.1, 0.2]]])
    assert al.truncated_l1(cam, one_above).item() == pytest.approx(0.175)  # <= 1 above: all
    assert al.truncated_l1(cam, two_above, tau=0.05).item() == pytest.approx(0.275)
    with_nan = torch.tensor([[[math.nan, 0.3], [0.5, 0.2]]])
    assert al.truncated_l1(cam, with_nan).item() == pytest.approx(0.4)  # non-finite dropped


def test_gradient_flows_only_where_the_difference_exceeds_tau():
    cam = torch.tensor([[[0.0, 0.0], [0.0, 0.9]]], requires_grad=True)
    target = torch.tensor([[[0.1, 0.6], [0.7, 0.8]]])
    al.truncated_l1(cam, target).backward()
    # entries above tau: (0,1) diff 0.6 and (1,0) diff 0.7 -> grad -1/2 each; the others are masked
    assert torch.allclose(cam.grad, torch.tensor([[[0.0, -0.5], [-0.5, 0.0]]]))


def test_bad_shapes():
    with pytest.raises(ValueError, match="must match"):
        al.truncated_l1(torch.zeros(1, 4, 4), torch.zeros(1, 8, 8))
    with pytest.raises(ValueError, match="needs 3 maps"):
        al.alignment_loss([torch.zeros(3, 16, 16)], _heatmaps())
