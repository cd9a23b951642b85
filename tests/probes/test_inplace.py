"""Probes on players with in-place activations (the PyTorch DCGAN tutorial's D and G)."""

from __future__ import annotations

import copy

import pytest
import torch
from captum.attr import LayerGradCam
from torch import nn

from ganlens import GANLens, count_hooks
from ganlens.hooks import HookPoint
from ganlens.probes import InPlaceError, activation_map, attribute, gradcam, out_of_place


class TutorialD(nn.Module):
    """The DCGAN tutorial's D at 32 px (ndf=4), ending in a 1-logit conv: (N, 1, 1, 1)."""

    def __init__(self) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(3, 4, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(4, 8, 4, 2, 1, bias=False),
            nn.BatchNorm2d(8),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(8, 16, 4, 2, 1, bias=False),
            nn.BatchNorm2d(16),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(16, 1, 4, 1, 0, bias=False),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


def _tutorial_g() -> nn.Sequential:
    """The tutorial's G shape (z (N, 8, 1, 1) -> (N, 3, 32, 32)) with ReLU(True)."""
    return nn.Sequential(
        nn.ConvTranspose2d(8, 16, 4, 1, 0, bias=False),
        nn.BatchNorm2d(16),
        nn.ReLU(True),
        nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False),
        nn.BatchNorm2d(8),
        nn.ReLU(True),
        nn.ConvTranspose2d(8, 3, 8, 4, 2, bias=False),
        nn.Tanh(),
    )


def _lens() -> GANLens:
    torch.manual_seed(0)
    lens = GANLens(_tutorial_g(), TutorialD(), reduce="mean", latent_shape=(8, 1, 1))
    for bn in (m for m in lens.modules() if isinstance(m, nn.BatchNorm2d)):  # trained-like stats
        bn.running_mean.uniform_(-0.2, 0.2)
        bn.running_var.uniform_(0.5, 2.0)
    return lens


def _flags(lens: GANLens) -> list[bool]:
    return [m.inplace for m in lens.modules() if hasattr(m, "inplace")]


# conv -> in-place LeakyReLU, and BN -> in-place LeakyReLU (what would be overwritten)
D_LAYERS = ["D.main.0", "D.main.3", "D.main.6"]


def test_gradcam_equals_captum_on_the_tutorial_d():
    lens = _lens()
    lens.train()
    x = torch.rand(5, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1
    maps = gradcam(lens, x, D_LAYERS, convention="textbook")
    ours = attribute(lens, x, D_LAYERS, "LayerGradCam", relu_attributions=True)
    assert _flags(lens) == [True] * 5 and count_hooks(lens) == 0
    assert all(m.training for m in lens.modules())
    lens.eval()  # Captum as it is, on the in-place model (it keeps its own copy of the layer output)
    for layer in D_LAYERS:
        ref = LayerGradCam(lens.score, lens.module(layer)).attribute(x, relu_attributions=True)
        assert maps[layer].abs().max() > 0
        torch.testing.assert_close(
            maps[layer], ref[:, 0], rtol=1e-5, atol=1e-5 * ref.abs().max().item()
        )
        torch.testing.assert_close(ours[layer], ref, rtol=1e-5, atol=1e-5 * ref.abs().max().item())


def test_g_layers_through_the_tutorial_pair():
    lens = _lens()
    inputs = lens.sample_inputs(3, torch.Generator().manual_seed(3))
    assert inputs.z.shape == (3, 8, 1, 1)
    layers = ["G.1", "G.4", "D.main.0", "D.main.3"]  # BN -> ReLU(True) in G
    maps = gradcam(lens, inputs, layers)
    ours = attribute(lens, inputs, layers, relu_attributions=True)
    assert _flags(lens) == [True] * 5 and count_hooks(lens) == 0
    for layer in layers:
        assert maps[layer].abs().max() > 0
        torch.testing.assert_close(
            maps[layer], ours[layer][:, 0], rtol=1e-5, atol=1e-5 * ours[layer].abs().max().item()
        )


def test_the_tutorial_d_with_its_sigmoid_is_probed_on_its_logit():
    lens = _lens()
    with_sigmoid = copy.deepcopy(lens.D)
    with_sigmoid.main.append(nn.Sigmoid())  # the tutorial's D returns probabilities
    with pytest.warns(UserWarning, match="ends in nn.Sigmoid"):
        sig = GANLens(copy.deepcopy(lens.G), with_sigmoid, latent_shape=(8, 1, 1))
    x = torch.rand(4, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1
    for name, got in gradcam(sig, x, D_LAYERS).items():
        assert torch.equal(got, gradcam(lens, x, D_LAYERS)[name])
    for method in ("LayerGradCam", "LayerDeepLift"):
        want = attribute(lens, x, D_LAYERS, method)
        for name, got in attribute(sig, x, D_LAYERS, method).items():
            assert torch.equal(got, want[name])
    assert _flags(sig) == [True] * 5 and count_hooks(sig) == 0


def test_activation_map_reads_the_layer_not_the_activation():
    lens = _lens()
    x = torch.randn(2, 3, 32, 32)
    raw = activation_map(lens, x, "D.main.0", normalize="none")
    conv = lens.D.main[0](x)  # before LeakyReLU: has negative values the in-place op would scale
    assert (conv < 0).any()
    torch.testing.assert_close(raw, conv.abs().mean(dim=1))
    assert _flags(lens) == [True] * 5


def test_flags_restored_when_the_probe_raises():
    lens = _lens()
    one_channel = torch.randn(2, 1, 32, 32)  # the first conv wants 3 channels: raises mid-forward
    for probe in (
        lambda: gradcam(lens, one_channel, D_LAYERS),
        lambda: attribute(lens, one_channel, D_LAYERS, "LayerDeepLift"),
        lambda: activation_map(lens, one_channel, "D.main.3"),
    ):
        with pytest.raises(RuntimeError, match="expected input"):
            probe()
        assert _flags(lens) == [True] * 5 and count_hooks(lens) == 0


def test_out_of_place_switches_each_flag_once_and_restores_it():
    shared = nn.ReLU(inplace=True)
    a, b = (
        nn.Sequential(shared, nn.LeakyReLU(inplace=False)),
        nn.Sequential(shared, nn.ELU(inplace=True)),
    )
    with pytest.raises(RuntimeError, match="inside"), out_of_place(a, b) as flipped:
        assert flipped == [shared, b[1]]
        assert not shared.inplace and not b[1].inplace and not a[1].inplace
        raise RuntimeError("inside")
    assert shared.inplace and b[1].inplace and not a[1].inplace


class AddInPlaceD(nn.Module):
    """``h += 1`` after the probed conv: an in-place op that is no module flag."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks = nn.ModuleList([HookPoint(nn.Conv2d(1, 2, 3, padding=1))])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.blocks[0](x)
        h += 1
        return h.mean(dim=(1, 2, 3))


def test_in_place_ops_that_are_not_flags_still_raise(tiny_models):
    lens = GANLens(tiny_models[0], AddInPlaceD())
    x = torch.randn(2, 1, 8, 8)
    with pytest.raises(InPlaceError, match="modified in place"):
        gradcam(lens, x, ["D.blocks.0"])
    with pytest.raises(InPlaceError, match="modified in place"):
        activation_map(lens, x, "D.blocks.0")
    assert count_hooks(lens) == 0
