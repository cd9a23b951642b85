"""probes.attribute: Captum equals the one-pass GradCAM, hand-set values, batching, errors, hooks, modes."""

from __future__ import annotations

import pytest
import torch
from captum.attr import LayerIntegratedGradients
from torch import nn

from ganlens import GANLens, count_hooks, models
from ganlens.hooks import HookPoint
from ganlens.probes import METHODS, attribute, gradcam
from ganlens.tasks import GInputs

MODELS = [("sn-dcgan", {}), ("dcgan", {}), ("sn-dcgan", {"n_classes": 3})]


def _lens(name: str, **kw) -> GANLens:
    """A width-8 pair moved off its init (seeded noise of std 0.1 on every parameter), so that
    no GradCAM map below is all zero."""
    lens = GANLens(*models.build(name, width=8, seed=0, **kw))
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in lens.parameters():
            p.add_(torch.randn(p.shape, generator=gen) * 0.1)
    return lens


def _images(n: int = 6) -> torch.Tensor:
    return torch.rand(n, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1


def _assert_same_maps(captum: dict, onepass: dict) -> None:
    for layer, ref in captum.items():
        assert ref.shape[1] == 1 and onepass[layer].shape == ref[:, 0].shape
        assert onepass[layer].abs().max() > 0, layer
        torch.testing.assert_close(
            onepass[layer], ref[:, 0], rtol=1e-5, atol=1e-5 * ref.abs().max().item()
        )


@pytest.mark.parametrize("name, kw", MODELS)
def test_layer_gradcam_equals_one_pass_gradcam_on_images(name, kw):
    lens = _lens(name, **kw)
    layers = [n for n in lens.hook_names() if n.startswith("D.blocks.")]
    y = torch.tensor([0, 1, 2, 0, 1, 2]) if kw else None
    captum = attribute(lens, _images(), layers, "LayerGradCam", y=y, relu_attributions=True)
    _assert_same_maps(captum, gradcam(lens, _images(), layers, convention="textbook", y=y))
    assert count_hooks(lens) == 0


@pytest.mark.parametrize("name, kw", MODELS)
def test_layer_gradcam_equals_one_pass_gradcam_through_d_of_g(name, kw):
    lens = _lens(name, **kw)
    layers = [n for n in lens.hook_names() if n.startswith("G.")] + ["D.blocks.0", "D.blocks.1"]
    inputs = lens.sample_inputs(6, torch.Generator().manual_seed(0))
    assert (inputs.y is not None) == bool(kw)
    captum = attribute(lens, inputs, layers, relu_attributions=True)
    _assert_same_maps(captum, gradcam(lens, inputs, layers, convention="textbook"))
    assert count_hooks(lens) == 0


class TwoConvD(nn.Module):
    """A0 = (x, 2x) by a 1x1 conv, A1 = 3 A0_0 - A0_1 = x by a second; logit = spatial mean of A1.

    On 2x2 images: dS/dA1 = 1/4, dS/dA0 = (3/4, -1/4) at every pixel.
    """

    def __init__(self) -> None:
        super().__init__()
        first, second = nn.Conv2d(1, 2, 1, bias=False), nn.Conv2d(2, 1, 1, bias=False)
        first.weight.data = torch.tensor([1.0, 2.0]).view(2, 1, 1, 1)
        second.weight.data = torch.tensor([3.0, -1.0]).view(1, 2, 1, 1)
        self.blocks = nn.ModuleList([HookPoint(first), HookPoint(second)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks[1](self.blocks[0](x)).mean(dim=(1, 2, 3))


X = torch.tensor([[[[1.0, -2.0], [0.5, 0.0]]], [[[4.0, 1.0], [-1.0, 2.0]]]])  # (2, 1, 2, 2)


def test_gradient_x_activation_exact_on_hand_set_d(tiny_models):
    lens = GANLens(tiny_models[0], TwoConvD())
    out = attribute(lens, X, ["D.blocks.0", "D.blocks.1"], "LayerGradientXActivation")
    assert out["D.blocks.0"].shape == (2, 2, 2, 2) and out["D.blocks.1"].shape == (2, 1, 2, 2)
    assert torch.equal(out["D.blocks.0"], torch.cat([0.75 * X, -0.5 * X], dim=1))
    assert torch.equal(out["D.blocks.1"], 0.25 * X)


def test_activation_deeplift_and_integrated_gradients_on_hand_set_d(tiny_models):
    lens = GANLens(tiny_models[0], TwoConvD())
    acts = attribute(lens, X, ["D.blocks.0"], "LayerActivation")["D.blocks.0"]
    assert torch.equal(acts, torch.cat([X, 2 * X], dim=1))
    gxa = torch.cat([0.75 * X, -0.5 * X], dim=1)  # a linear D: every path method gives A * dS/dA
    for method, kw in [
        ("LayerDeepLift", {}),
        ("LayerIntegratedGradients", {}),
        # Captum's conductance sums over the steps' differences: the trapezoid
        # rule's steps span [0, 1] (Gauss-Legendre's do not, 0.1% short here)
        ("LayerConductance", {"approximation": "riemann_trapezoid"}),
    ]:
        got = attribute(lens, X, ["D.blocks.0"], method, baselines=0.0, **kw)["D.blocks.0"]
        torch.testing.assert_close(got, gxa, rtol=1e-6, atol=1e-6)
    cam = attribute(lens, X, ["D.blocks.0"], relu_attributions=True)["D.blocks.0"]
    assert torch.equal(cam, X.clamp_min(0) / 4)  # relu(3x/4 - 2x/4)


def test_method_name_and_keyword_errors():
    lens = _lens("sn-dcgan")
    x = _images(2)
    with pytest.raises(ValueError, match="unknown attribution method 'GradCam'") as err:
        attribute(lens, x, ["D.blocks.1"], "GradCam")
    assert all(name in str(err.value) for name in METHODS)
    with pytest.raises(ValueError, match="IntegratedGradients exists but is not a supported layer"):
        attribute(lens, x, ["D.blocks.1"], "IntegratedGradients")
    with pytest.raises(ValueError, match="target is set by probes.attribute"):
        attribute(lens, x, ["D.blocks.1"], target=0)
    with pytest.raises(ValueError, match="pass labels as y="):
        attribute(lens, x, ["D.blocks.1"], additional_forward_args=(None,))
    with pytest.raises(
        ValueError,
        match="LayerGradCam takes no keyword n_steps; it accepts "
        "attr_dim_summation, attribute_to_layer_input",
    ):
        attribute(lens, x, ["D.blocks.1"], n_steps=5)
    with pytest.raises(ValueError, match="LayerGradCam takes no keyword approximation"):
        attribute(lens, x, ["D.blocks.1"], approximation="riemann_trapezoid")
    with pytest.raises(
        ValueError, match=r"layers \['G.blocks.0'\] do not run when D scores images"
    ):
        attribute(lens, lens.sample_inputs(2).z, ["G.blocks.0"])  # latents are not guessed
    with pytest.raises(ValueError, match="carry their own labels"):
        attribute(lens, lens.sample_inputs(2), ["D.blocks.1"], y=torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        attribute(lens, x, ["D.blocks.1"], batch_size=0)
    with pytest.raises(ValueError, match="baselines has 3 rows; give one row per example"):
        attribute(lens, x, ["D.blocks.1"], "LayerIntegratedGradients", baselines=_images(3))
    with pytest.raises(KeyError, match="did you mean"):
        attribute(lens, x, ["D.block.1"])
    assert count_hooks(lens) == 0


def _assert_close_to_scale(got: torch.Tensor, want: torch.Tensor) -> None:
    """Equal up to float32 summation order: rtol 1e-5, atol 1e-6 of the largest value."""
    assert want.abs().max() > 0
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6 * want.abs().max().item())


def test_batches_equal_one_pass():
    lens = _lens("sn-dcgan", n_classes=3)
    x, y = _images(5), torch.tensor([0, 1, 2, 2, 1])
    base = -_images(5)  # one baseline per image: sliced with the batches
    kw = {"baselines": base, "n_steps": 8}
    whole = attribute(lens, x, ["D.blocks.1"], "LayerIntegratedGradients", y=y, **kw)
    parts = attribute(lens, x, ["D.blocks.1"], "LayerIntegratedGradients", y=y, batch_size=2, **kw)
    _assert_close_to_scale(parts["D.blocks.1"], whole["D.blocks.1"])
    inputs = lens.sample_inputs(5, torch.Generator().manual_seed(0))
    whole = attribute(lens, inputs, ["G.blocks.1", "D.blocks.0"], relu_attributions=True)
    parts = attribute(
        lens, inputs, ["G.blocks.1", "D.blocks.0"], relu_attributions=True, batch_size=3
    )
    for name in whole:
        assert parts[name].shape == (5, *whole[name].shape[1:])
        _assert_close_to_scale(parts[name], whole[name])


class FailingD(nn.Module):
    """Conv -> BN -> LeakyReLU(inplace) hook points; raises after them while ``fail`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(
            [
                HookPoint(
                    nn.Sequential(
                        nn.Conv2d(1, 2, 3, padding=1),
                        nn.BatchNorm2d(2),
                        nn.LeakyReLU(0.2, inplace=True),
                    )
                )
            ]
        )
        self.fail = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.blocks[0](x)
        if self.fail:
            raise RuntimeError("D failed on purpose")
        return h.mean(dim=(1, 2, 3))


@pytest.mark.parametrize("method", sorted(METHODS))
def test_hooks_modes_and_flags_restored_when_captum_raises(tiny_models, method):
    lens = GANLens(tiny_models[0], FailingD())
    lens.train()
    lens.D.blocks[0].inner[1].eval()  # a mixed-mode D stays mixed
    training = {m: m.training for m in lens.modules()}
    x = torch.randn(3, 1, 8, 8)
    with pytest.raises(RuntimeError, match="D failed on purpose"):
        attribute(lens, x, ["D.blocks.0"], method)
    assert count_hooks(lens) == 0
    assert {m: m.training for m in lens.modules()} == training
    assert lens.D.blocks[0].inner[2].inplace is True
    lens.D.fail = False  # and the same call then works, leaving no trace either
    out = attribute(lens, x, ["D.blocks.0"], method)["D.blocks.0"]
    assert out.shape[0] == 3 and not out.requires_grad
    assert count_hooks(lens) == 0 and {m: m.training for m in lens.modules()} == training


def test_eval_mode_during_the_call_and_buffers_untouched():
    lens = _lens("dcgan")  # BatchNorm in D and G
    lens.train()
    stats = [b.clone() for b in lens.buffers()]
    inputs = lens.sample_inputs(4, torch.Generator().manual_seed(0))
    got = attribute(lens, inputs, ["G.blocks.0", "D.blocks.1"], "LayerGradientXActivation")
    assert all(m.training for m in lens.modules())
    assert all(torch.equal(b, s) for b, s in zip(lens.buffers(), stats))
    lens.eval()  # the same numbers as Captum on the pair in eval mode
    for name, value in got.items():
        ref = attribute(lens, inputs, [name], "LayerGradientXActivation")[name]
        assert torch.equal(value, ref)


class ShiftG(nn.Module):
    """z (N, 4) and an extra keyword input ``shift`` (N,) -> images (N, 1, 8, 8)."""

    def __init__(self) -> None:
        super().__init__()
        self.z_dim, self.n_classes = 4, 0
        self.blocks = nn.ModuleList([HookPoint(nn.Linear(4, 64))])

    def forward(self, z: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.blocks[0](z).view(-1, 1, 8, 8) + shift.view(-1, 1, 1, 1))


def test_g_extras_reach_g_in_every_captum_step(tiny_models):
    torch.manual_seed(0)
    lens = GANLens(ShiftG(), tiny_models[1])
    inputs = GInputs.latent(torch.randn(3, 4), shift=torch.tensor([0.5, -1.0, 2.0]))
    got = attribute(
        lens, inputs, ["G.blocks.0", "D.blocks.1"], "LayerIntegratedGradients", n_steps=6
    )
    lens.eval()

    def score(z, shift):
        return lens.score(lens.G(z, shift=shift))

    for name, value in got.items():
        ref = LayerIntegratedGradients(score, lens.module(name)).attribute(
            inputs.z, additional_forward_args=(inputs.extras["shift"],), n_steps=6
        )
        torch.testing.assert_close(value, ref, rtol=1e-6, atol=0)
    assert count_hooks(lens) == 0
