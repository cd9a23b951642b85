"""GradCAM: Captum equality, exact hand-set values, the EqGAN-SA convention, hooks and modes."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from captum.attr import LayerGradCam
from torch import nn

from ganlens import GANLens, count_hooks, models
from ganlens.hooks import HookPoint
from ganlens.probes import InPlaceError, gradcam


def _lens(name: str, **kw) -> GANLens:
    return GANLens(*models.build(name, seed=0, **kw))


CASES = [
    ("sn-dcgan", {"width": 8}, ["D.blocks.0", "D.blocks.1", "D.blocks.2", "D.blocks.3"]),
    ("dcgan", {"width": 8}, ["D.blocks.0", "D.blocks.1", "D.blocks.2"]),
    ("sn-dcgan", {"width": 8, "n_classes": 3}, ["D.blocks.0", "D.blocks.1", "D.blocks.2"]),
    ("sngan-resnet", {"g_width": 8, "d_width": 8}, ["D.blocks.0", "D.blocks.1", "D.blocks.3"]),
    (
        "sngan-resnet",
        {"g_width": 8, "d_width": 8, "n_classes": 3, "logit_map": "4x4"},
        ["D.blocks.1", "D.blocks.2"],
    ),
    # minibatch std mixes the images of a batch (gradcam warns); Captum sees the same batch
    pytest.param(
        "stylegan-lite",
        {"channel_base": 256, "channel_max": 8},
        ["D.b32", "D.b16", "D.b8", "D.b4", "D.b16.conv0"],
        marks=pytest.mark.filterwarnings("ignore:D has layers that mix examples"),
    ),
    pytest.param(
        "stylegan-lite",
        {"channel_base": 256, "channel_max": 8, "n_classes": 3},
        ["D.b16", "D.b4"],
        marks=pytest.mark.filterwarnings("ignore:D has layers that mix examples"),
    ),
]


@pytest.mark.parametrize("name, kw, layers", CASES)
@pytest.mark.parametrize("size", [None, 32])
def test_textbook_equals_captum_layer_by_layer(name, kw, layers, size):
    lens = _lens(name, **kw)
    # one training step so the maps are not those of an untouched init
    x = torch.rand(6, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1
    y = torch.tensor([0, 1, 2, 0, 1, 2]) if kw.get("n_classes") else None
    maps = gradcam(lens, x, layers, size=size, y=y)
    lens.eval()  # Captum runs the model as it is; ganlens probes in eval mode
    for layer in layers:
        cam = LayerGradCam(lens.score, lens.module(layer))
        ref = cam.attribute(
            x, additional_forward_args=(y,) if y is not None else None, relu_attributions=True
        )
        if size is not None:
            ref = F.interpolate(ref, size=(size, size), mode="bilinear", align_corners=False)
        assert maps[layer].shape == ref[:, 0].shape
        assert maps[layer].abs().max() > 0
        torch.testing.assert_close(
            maps[layer], ref[:, 0], rtol=1e-5, atol=1e-5 * ref.abs().max().item()
        )
    assert count_hooks(lens) == 0


class HandD(nn.Module):
    """A = (x, 2x) by a fixed 1x1 conv; logit = spatial mean of 3 A_0 - A_1 = mean(x)."""

    def __init__(self) -> None:
        super().__init__()
        conv = nn.Conv2d(1, 2, 1, bias=False)
        conv.weight.data = torch.tensor([1.0, 2.0]).view(2, 1, 1, 1)
        self.blocks = nn.ModuleList([HookPoint(conv)])

    def forward(self, x):
        a = self.blocks[0](x)
        return (3 * a[:, 0] - a[:, 1]).mean(dim=(1, 2))


def _hand_lens(tiny_g):
    return GANLens(tiny_g, HandD())


def test_textbook_exact_on_hand_set_model(tiny_models):
    lens = _hand_lens(tiny_models[0])
    x = torch.tensor([[[[1.0, -2.0], [0.5, 0.0]]]])
    # weights: dS/dA_0 = 3/4, dS/dA_1 = -1/4 ; map = relu(3x/4 - 2x/4) = relu(x)/4
    maps = gradcam(lens, x, ["D.blocks.0"])
    assert torch.equal(maps["D.blocks.0"], torch.tensor([[[0.25, 0.0], [0.125, 0.0]]]))


def test_eqgan_sa_exact_on_hand_set_model(tiny_models):
    lens = _hand_lens(tiny_models[0])
    x = torch.tensor([[[[1.0, -2.0], [0.5, 0.0]]]])
    # S = softplus(-l): weights scaled by -sigmoid(-l) = -s: w_0 = -3s/4, w_1 = s/4.
    # per-channel ReLU then sum: x>0 -> 2 s x / 4 ; x<0 -> -3 s x / 4. Normalised by its max.
    s = torch.sigmoid(-x.mean())
    raw = torch.tensor([[[2 * 1.0, 3 * 2.0], [2 * 0.5, 0.0]]]) * s / 4
    expected = (raw - raw.min()) / (raw.max() - raw.min())
    maps = gradcam(lens, x, ["D.blocks.0"], convention="eqgan-sa")
    torch.testing.assert_close(maps["D.blocks.0"], expected)


def test_eqgan_sa_matches_direct_recomputation():
    lens = _lens("sn-dcgan", width=8)
    x = torch.rand(5, 3, 32, 32) * 2 - 1
    layers = ["D.blocks.0", "D.blocks.1", "D.blocks.2"]
    maps = gradcam(lens, x, layers, convention="eqgan-sa", size=32)
    lens.eval()
    for layer in layers:  # the definition, one layer at a time, with an explicit hook
        store = {}
        handle = lens.module(layer).register_forward_hook(
            lambda m, i, o, store=store: store.update(a=o)
        )
        xg = x.clone().requires_grad_(True)
        loss = F.softplus(-lens.score(xg)).sum()
        handle.remove()
        (g,) = torch.autograd.grad(loss, store["a"])
        w = g.mean(dim=(2, 3), keepdim=True)
        cam = F.relu(w * store["a"]).sum(dim=1, keepdim=True)
        cam = F.interpolate(cam, size=(32, 32), mode="bilinear", align_corners=True)[:, 0]
        flat = cam.flatten(1)
        lo, hi = flat.min(1).values.view(-1, 1, 1), flat.max(1).values.view(-1, 1, 1)
        torch.testing.assert_close(maps[layer], ((cam - lo) / (hi - lo)).detach())
        assert maps[layer].min() == 0 and maps[layer].max() == 1


def test_g_layers_through_d_of_g(tiny_models):
    lens = GANLens(*tiny_models)
    inputs = lens.sample_inputs(3, torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match="probes need a spatial layer output"):
        gradcam(lens, inputs, ["G.blocks.1", "D.blocks.1"])  # G.blocks.1 of TinyG is (N, 64)
    big = _lens("sn-dcgan", width=8)
    inputs = big.sample_inputs(3, torch.Generator().manual_seed(0))
    maps = gradcam(big, inputs, ["G.blocks.0", "G.blocks.1", "D.blocks.1"])
    assert maps["G.blocks.0"].shape == (3, 8, 8) and maps["D.blocks.1"].shape == (3, 8, 8)
    with pytest.raises(ValueError, match=r"do not run when D scores images; pass G's inputs"):
        gradcam(big, big.generate(inputs), ["G.blocks.0"])
    with pytest.raises(ValueError, match=r"do not run when D scores images"):
        gradcam(big, inputs.z, ["G.blocks.0"])  # a latent tensor is not guessed from its shape


def test_errors_hooks_and_modes_restored():
    lens = _lens("sn-dcgan", width=8)
    lens.train()
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    with pytest.raises(KeyError, match="did you mean"):
        gradcam(lens, x, ["D.block.1"])
    with pytest.raises(ValueError, match="unknown convention"):
        gradcam(lens, x, ["D.blocks.1"], convention="gradcam++")
    with pytest.raises(ValueError, match="spatial layer"):
        gradcam(lens, x, ["D.features"])
    assert count_hooks(lens) == 0
    assert all(m.training for m in lens.modules())
    maps = gradcam(lens, x, ["D.blocks.1"], size=(16, 8))
    assert maps["D.blocks.1"].shape == (2, 16, 8)
    assert all(m.training for m in lens.modules())


def test_in_place_activation_runs_out_of_place_and_add_in_place_is_a_clear_error(tiny_models):
    class InPlaceD(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([HookPoint(nn.Conv2d(1, 2, 3, padding=1))])
            self.act = nn.LeakyReLU(0.2, inplace=True)
            self.add = False

        def forward(self, x):
            h = self.blocks[0](x)
            if self.add:
                h += 1  # not a module flag: still reported
            return self.act(h).mean(dim=(1, 2, 3))

    lens = GANLens(tiny_models[0], InPlaceD())
    x = torch.randn(2, 1, 8, 8)
    maps = gradcam(lens, x, ["D.blocks.0"])  # tests/probes/test_inplace.py compares with Captum
    assert maps["D.blocks.0"].shape == (2, 8, 8) and lens.D.act.inplace
    lens.D.add = True
    with pytest.raises(InPlaceError, match="modified in place"):
        gradcam(lens, x, ["D.blocks.0"])
    assert count_hooks(lens) == 0 and lens.D.act.inplace


def test_cross_sample_layers_warn(tiny_models):
    class BNTrainD(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([HookPoint(nn.Conv2d(1, 2, 3, padding=1))])
            self.bn = nn.BatchNorm2d(2, track_running_stats=False)

        def forward(self, x):
            return self.bn(self.blocks[0](x)).mean(dim=(1, 2, 3))

    lens = GANLens(tiny_models[0], BNTrainD())
    with pytest.warns(UserWarning, match="mix examples of a batch"):
        gradcam(lens, torch.randn(2, 1, 8, 8), ["D.blocks.0"])


def test_maps_do_not_depend_on_the_rest_of_the_batch():
    lens = _lens("dcgan", width=8)  # has BatchNorm: eval mode makes it per-sample
    lens.train()
    x = torch.rand(4, 3, 32, 32) * 2 - 1
    both = gradcam(lens, x, ["D.blocks.1"])["D.blocks.1"]
    one = gradcam(lens, x[:1], ["D.blocks.1"])["D.blocks.1"]
    torch.testing.assert_close(both[:1], one)


def test_keep_graph_lets_a_loss_on_the_maps_train_g():
    lens = _lens("sn-dcgan", width=8)
    fake = lens.generate(2, torch.Generator().manual_seed(0))
    maps = gradcam(lens, fake, ["D.blocks.1"], convention="eqgan-sa", keep_graph=True)
    loss = maps["D.blocks.1"].mean()
    loss.backward()
    grads = [p.grad for p in lens.G.parameters() if p.grad is not None]
    assert grads and any(g.abs().sum() > 0 for g in grads)
    assert count_hooks(lens) == 0
