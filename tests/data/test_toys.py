"""The 2-D Gaussian-mixture toys."""

import math

import pytest
import torch

import ganlens.data as gd


def _empirical(
    toy: gd.ToyDataset, n: int = 20_000
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    x, y = toy.sample(n, torch.Generator().manual_seed(0))
    means = torch.stack([x[y == k].mean(0) for k in range(toy.n_modes)])
    stds = torch.stack([x[y == k].std(0) for k in range(toy.n_modes)])
    return y, means, stds


def test_ring8_geometry():
    toy = gd.load("ring8")
    assert isinstance(toy, gd.ToyDataset) and toy.name == "ring8"
    assert (toy.dim, toy.n_modes, toy.std) == (2, 8, 0.02)
    assert toy.centers.dtype == torch.float32 and toy.centers.shape == (8, 2)
    assert torch.allclose(toy.centers.norm(dim=1), torch.full((8,), 2.0))
    angles = torch.atan2(toy.centers[:, 1], toy.centers[:, 0]) % (2 * math.pi)
    assert torch.allclose(angles.sort().values, torch.arange(8) * (math.pi / 4), atol=1e-6)


def test_grid25_geometry():
    toy = gd.load("grid25")
    assert (toy.dim, toy.n_modes, toy.std) == (2, 25, 0.05)
    ticks = {-4.0, -2.0, 0.0, 2.0, 4.0}
    assert {(a, b) for a, b in toy.centers.tolist()} == {(a, b) for a in ticks for b in ticks}


@pytest.mark.parametrize("name", ["ring8", "grid25"])
def test_empirical_centres_and_stds_match(name):
    toy = gd.load(name)
    y, means, stds = _empirical(toy)
    counts = torch.bincount(y, minlength=toy.n_modes).float()
    expected = 20_000 / toy.n_modes
    assert torch.all((counts - expected).abs() < 5 * math.sqrt(expected))
    assert torch.allclose(means, toy.centers, atol=4 * toy.std / math.sqrt(expected / 2))
    assert torch.allclose(stds, torch.full_like(stds, toy.std), rtol=0.15)


def test_sample_shapes_and_determinism():
    toy = gd.load("ring8")
    g = torch.Generator().manual_seed(5)
    x, y = toy.sample(100, g)
    assert x.shape == (100, 2) and x.dtype == torch.float32
    assert y.shape == (100,) and y.dtype == torch.int64
    x2, y2 = toy.sample(100, torch.Generator().manual_seed(5))
    assert torch.equal(x, x2) and torch.equal(y, y2)
    x3, _ = toy.sample(100, torch.Generator().manual_seed(6))
    assert not torch.equal(x, x3)


def test_load_ignores_root_and_split_for_toys():
    a = gd.load("grid25", root="/nonexistent", split="test", cache_dir="/nonexistent")
    assert a.n_modes == 25


@pytest.mark.parametrize("kwargs", [{"classes": ["0"]}, {"resolution": 32}])
def test_toys_refuse_image_arguments(kwargs):
    with pytest.raises(ValueError, match="does not apply to the 2-D toy 'ring8'"):
        gd.load("ring8", **kwargs)
