"""The linear probe: it finds information where there is some and none where there is none,
leaves D as it was, and refuses a one-class dataset."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import ganlens as gl
from ganlens import GANLens, count_hooks
from ganlens.hooks import HookPoint
from ganlens.probes.linear import fit_logistic, linear_probe


class FlatD(nn.Module):
    """features = the image itself (flattened), or a constant when ``blind``."""

    def __init__(self, blind: bool = False) -> None:
        super().__init__()
        self.blind = blind
        self.features = HookPoint()
        self.head = nn.Linear(64, 1)

    def forward(self, x):
        f = x.flatten(1) * (0.0 if self.blind else 1.0)
        return self.head(self.features(f))[:, 0]


class TinyG(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.z_dim, self.n_classes = 4, 0
        self.lin = nn.Linear(4, 64)

    def forward(self, z):
        return torch.tanh(self.lin(z)).view(-1, 1, 8, 8)


@pytest.fixture(scope="module")
def digits():
    data = gl.data.load("mnist5k", resolution=8)
    keep = torch.cat([(data.labels == c).nonzero()[:60, 0] for c in range(10)])
    return type(data)(
        data.images[keep], data.labels[keep], data.class_names, data.name, data.source
    )


def test_logistic_regression_separates_separable_data_and_not_noise():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 5, generator=g)
    y = (x[:, 0] > 0).long()
    model = fit_logistic(x, y, 2)
    assert float((model(x).argmax(1) == y).float().mean()) > 0.97


def test_the_probe_finds_the_digits_in_the_pixels_and_nothing_in_a_constant(digits):
    seeing = linear_probe(GANLens(TinyG(), FlatD()), digits)
    blind = linear_probe(GANLens(TinyG(), FlatD(blind=True)), digits)
    assert seeing["accuracy"] > 0.7  # 8-px MNIST is linearly separable enough
    assert blind["accuracy"] < 0.2  # chance is 0.1
    assert seeing["n_train"] + seeing["n_test"] == len(digits.labels) and seeing["features"] == 64
    assert seeing["error"] == pytest.approx(1 - seeing["accuracy"])


def test_the_probe_leaves_d_as_it_was(digits, tiny_config):
    lens = gl.build_lens(tiny_config, gl.load_data(tiny_config)).train()
    before = {k: v.clone() for k, v in lens.D.state_dict().items()}
    out = linear_probe(lens, digits)
    assert 0.0 <= out["accuracy"] <= 1.0 and out["layer"] == "D.features"
    after = lens.D.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert lens.D.training and count_hooks(lens) == 0


def test_one_class_is_refused(digits):
    threes = digits.labels == 3
    one = type(digits)(digits.images[threes], digits.labels[threes], digits.class_names, "m", "")
    with pytest.raises(ValueError, match="at least 2 classes"):
        linear_probe(GANLens(TinyG(), FlatD()), one)
