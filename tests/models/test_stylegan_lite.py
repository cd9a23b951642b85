"""stylegan-lite: counts against a hand count and the official per-layer counts, shapes, hook
names, demodulation, equalised LR, truncation, style mixing, noise seeds, minibatch std."""

from __future__ import annotations

import math

import pytest
import torch

from ganlens import GANLens, count_hooks, models
from ganlens.hooks import hook_point_names
from ganlens.models.style_layers import EqualLinear, MinibatchStd, modulated_conv2d
from ganlens.models.stylegan_lite import StyleGANLiteConfig


def _n(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _fc(a: int, b: int) -> int:
    return a * b + b


def _conv(a: int, b: int, k: int, bias: bool = True) -> int:
    return a * b * k * k + (b if bias else 0)


def _hand_count(res: int, c_img: int, z: int, w: int, layers: int, base: int, cap: int):
    ch = {r: min(base // r, cap) for r in (4 * 2**i for i in range(int(math.log2(res)) - 1))}
    synth_layer = lambda a, b: _fc(w, a) + _conv(a, b, 3) + 1  # affine, conv, noise strength
    torgb = lambda a: _fc(w, a) + _conv(a, c_img, 1)
    g = _fc(z, w) + (layers - 1) * _fc(w, w)  # mapping
    g += 16 * ch[4] + synth_layer(ch[4], ch[4]) + torgb(ch[4])  # b4: const, conv1, torgb
    for r in list(ch)[1:]:
        g += synth_layer(ch[r // 2], ch[r]) + synth_layer(ch[r], ch[r]) + torgb(ch[r])
    d = _conv(c_img, ch[res], 1)  # fromrgb
    for r in list(ch)[:0:-1]:  # res, ..., 8
        d += (
            _conv(ch[r], ch[r], 3)
            + _conv(ch[r], ch[r // 2], 3)
            + _conv(ch[r], ch[r // 2], 1, False)
        )
    d += _conv(ch[4] + 1, ch[4], 3) + _fc(16 * ch[4], ch[4]) + _fc(ch[4], 1)  # epilogue
    return g, d


def test_parameter_counts_match_a_hand_count_at_the_defaults():
    G, D = models.build("stylegan-lite", seed=0)  # 32 px RGB, z = w = 128, widths 128/128/128/64
    hand = _hand_count(32, 3, 128, 128, 4, 2048, 128)
    assert (_n(G), _n(D)) == hand == (1_083_219, 1_153_473)
    G16, D16 = models.build("stylegan-lite", resolution=16, channels=1, seed=0)
    assert (_n(G16), _n(D16)) == _hand_count(16, 1, 128, 128, 4, 2048, 128)


def test_layers_at_512_channels_count_as_the_official_stylegan2_ada_summary():
    # figures of StyleGAN2-ADA's printed network summary (config F widths: 512 up to 64 px)
    G, D = models.build(
        "stylegan-lite", resolution=8, z_dim=512, w_dim=512, channel_base=32768, channel_max=512
    )
    layer = {
        n: _n(m) for n, m in [*G.named_modules(), *(("D." + k, v) for k, v in D.named_modules())]
    }
    assert layer["mapping.fc.0"] == 262_656
    assert layer["synthesis.b4.conv1"] == layer["synthesis.b8.conv0"] == 2_622_465
    assert layer["synthesis.b4.torgb"] == 264_195
    assert layer["synthesis.b4"] - layer["synthesis.b4.conv1"] - layer["synthesis.b4.torgb"] == 8192
    assert layer["D.b8.conv0"] == 2_359_808 and layer["D.b8.skip"] == 262_144


def test_shapes_and_hook_names_at_16_and_32_px():
    for res, sides in ((16, [4, 8, 16]), (32, [4, 8, 16, 32])):
        G, D = models.build("stylegan-lite", resolution=res, channel_base=256, channel_max=16)
        assert [(s.name, s.size) for s in G.stages] == [(f"synthesis.b{r}", r) for r in sides]
        names = set(hook_point_names(G))
        assert {"mapping", "synthesis", "synthesis.b4.conv1", "synthesis.b4.torgb"} <= names
        for r in sides[1:]:
            assert {f"synthesis.b{r}.{k}" for k in ("conv0", "conv1", "torgb")} <= names
        assert set(hook_point_names(D)) == {f"b{r}" for r in sides[1:]} | {
            "b4",
            "features",
            "logit_map",
        }
        lens = GANLens(G, D)
        inputs = lens.sample_inputs(3, torch.Generator().manual_seed(0))
        logits, cache = lens.run_with_cache(inputs, names=lens.hook_names())
        assert logits.shape == (3,) and count_hooks(lens) == 0
        assert (
            cache["G.synthesis"].shape == (3, 3, res, res) and cache["G.synthesis"].abs().max() <= 1
        )
        assert cache["G.mapping"].shape == (3, 128)
        assert cache[f"D.b{res}"].shape[-1] == res // 2 and cache["D.b4"].shape[-1] == 4
        assert cache["D.logit_map"].shape == (3, 1, 1, 1) and cache["D.features"].shape == (3, 16)


def test_demodulation_keeps_unit_variance():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(8, 64, 16, 16, generator=g)
    weight = torch.randn(32, 64, 3, 3, generator=g) * 5  # the scale of w does not matter
    styles = torch.rand(8, 64, generator=g) * 3 + 0.1  # nor the styles
    out = modulated_conv2d(x, weight, styles)[:, :, 1:-1, 1:-1]  # away from the zero padding
    std = out.std(dim=(0, 2, 3))
    assert (std - 1).abs().max() < 0.1 and abs(out.mean()) < 0.05
    raw = modulated_conv2d(x, weight, styles, demodulate=False)
    assert raw.std() > 10


def test_equalised_learning_rate_stores_unit_variance_and_scales_at_run_time():
    G, D = models.build("stylegan-lite", seed=0)
    conv = G.synthesis.b16.conv1
    assert abs(conv.weight.std() - 1) < 0.02 and abs(conv.affine.weight.std() - 1) < 0.05
    assert abs(D.b16.conv0.weight.std() - 1) < 0.02
    assert D.b16.conv0.weight_gain == pytest.approx(1 / math.sqrt(128 * 9))
    fc = G.mapping.fc[1]  # lr multiplier 0.01: stored N(0, 1) / 0.01, scaled by 0.01 / sqrt(128)
    assert abs(fc.weight.std() * 0.01 - 1) < 0.05
    assert (fc.weight_gain, fc.bias_gain) == (pytest.approx(0.01 / math.sqrt(128)), 0.01)
    layer = EqualLinear(4, 3, bias_init=1.0, lr_mul=0.5, act=False)
    x = torch.randn(2, 4)
    expected = x @ (layer.weight * 0.5 / 2).T + 0.5  # bias stored 1, scaled by lr_mul
    torch.testing.assert_close(layer(x), expected)
    assert torch.equal(conv.affine.bias, torch.ones(128))  # styles start at 1


def _ws(G, z, **kw):
    """The style inputs the synthesis network gets, (N, num_ws, w_dim)."""
    seen = {}
    hook = G.synthesis.register_forward_pre_hook(lambda m, args: seen.update(ws=args[0]))
    G(z, **kw)
    hook.remove()
    return seen["ws"]


def test_truncation_psi_zero_gives_w_avg():
    G, _ = models.build("stylegan-lite", resolution=8, seed=0)
    z = G.sample_latent(4, torch.Generator().manual_seed(0))
    G.train()
    G(z)
    assert G.mapping.w_avg.abs().sum() > 0  # updated in train mode
    G.eval()
    before = G.mapping.w_avg.clone()
    ws = _ws(G, z, truncation_psi=0.0)
    assert torch.equal(G.mapping.w_avg, before)  # not in eval mode
    torch.testing.assert_close(ws, before.expand_as(ws))
    half = _ws(G, z, truncation_psi=0.5)
    torch.testing.assert_close(half, (before + 0.5 * (_ws(G, z) - before)))


def test_style_mixing_only_in_training_and_never_at_probability_zero():
    kw = dict(resolution=16, style_mixing=1.0, seed=0)
    G, _ = models.build("stylegan-lite", **kw)
    z = G.sample_latent(16, torch.Generator().manual_seed(0))
    seed = G.sample_inputs(16, torch.Generator().manual_seed(1))["seed"]
    G.eval()
    own = G.mapping(z)  # w of each z, no w_avg update
    assert torch.equal(_ws(G, z, seed=seed), own[:, None].expand(-1, 6, -1))  # eval: no mixing
    G.train()
    mixed = _ws(G, z, seed=seed)
    assert torch.equal(mixed[:, 0], own)  # the cutoff is >= 1
    switched = (mixed != own[:, None]).any(dim=2)  # (N, num_ws): styles from the second latent
    assert switched.any(dim=1).all()  # probability 1: every image mixed
    assert torch.equal(switched, switched.cummax(dim=1).values)  # from the cutoff on
    torch.testing.assert_close(G.mapping.w_avg, 0.005 * own.mean(dim=0))  # not the mixed w
    assert torch.equal(_ws(G, z, seed=seed), mixed)  # the seeds fix the draw
    assert torch.equal(_ws(G, z), own[:, None].expand(-1, 6, -1))  # no seeds: nothing to draw
    G0, _ = models.build("stylegan-lite", **{**kw, "style_mixing": 0.0})
    assert torch.equal(_ws(G0, z), G0.mapping(z)[:, None].expand(-1, 6, -1))


def test_noise_follows_the_seeds_in_train_and_eval_mode():
    G, _ = models.build("stylegan-lite", resolution=16, seed=0)
    for conv in G.synthesis.convs():
        conv.noise_strength.data.fill_(0.5)  # starts at 0: make the noise visible
    lens = GANLens(G, models.build("stylegan-lite", resolution=16, seed=0)[1])
    a = lens.sample_inputs(4, torch.Generator().manual_seed(0))
    b = lens.sample_inputs(4, torch.Generator().manual_seed(0))
    assert set(a.extras) == {"seed"} and torch.equal(a.extras["seed"], b.extras["seed"])
    G.train()
    train = a.run(G)
    G.eval()
    assert torch.equal(a.run(G), train)  # seeded noise: the same in both modes
    other = a.with_extras(seed=a.extras["seed"] + 1)
    assert not torch.equal(other.run(G), train)
    const = G(a.z)  # eval without seeds: the const buffers
    assert torch.equal(G(a.z), const) and torch.equal(G(a.z, noise_mode="const", **a.extras), const)
    assert not torch.equal(G(a.z, noise_mode="none"), const)
    G.train()
    assert torch.equal(G(a.z), const)  # without seeds also in train mode: no global RNG
    quiet, _ = models.build("stylegan-lite", resolution=16, noise_mode="const")
    assert quiet.sample_inputs(4, torch.Generator()) == {}


def _reference_mbstd(x: torch.Tensor, group: int) -> torch.Tensor:
    """StyleGAN2-ADA's reshape form (N divisible by the group): sample i in group i % (N/G)."""
    _, c, h, w = x.shape
    y = x.reshape(group, -1, 1, c, h, w)
    y = (y - y.mean(dim=0)).square().mean(dim=0).add(1e-8).sqrt().mean(dim=[2, 3, 4])
    y = y.reshape(-1, 1, 1, 1).repeat(group, 1, h, w)
    return torch.cat([x, y], dim=1)


def test_minibatch_std_matches_the_reshape_form_and_takes_any_batch_size():
    x = torch.randn(8, 5, 4, 4, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(MinibatchStd(4)(x), _reference_mbstd(x, 4))
    torch.testing.assert_close(MinibatchStd(4)(x[:2]), _reference_mbstd(x[:2], 2))  # N < G
    six = MinibatchStd(4)(x[:6])[:, -1, 0, 0]  # 6 = 2 groups of 3: {0, 2, 4} and {1, 3, 5}
    for members in ([0, 2, 4], [1, 3, 5]):
        g = x[members]
        expected = (g.var(dim=0, unbiased=False) + 1e-8).sqrt().mean()
        torch.testing.assert_close(six[members], expected.expand(3))
    assert MinibatchStd(4)(x[:1])[:, -1].allclose(torch.tensor(1e-4))  # one image: sqrt(eps)
    _, D = models.build("stylegan-lite", resolution=8, seed=0)
    for n in (1, 3, 5, 7):
        assert D(torch.rand(n, 3, 8, 8) * 2 - 1).shape == (n,)


def test_conditional_g_and_d():
    G, D = models.build("stylegan-lite", resolution=16, n_classes=3, seed=0)
    z = G.sample_latent(1, torch.Generator().manual_seed(0)).repeat(4, 1)
    y = torch.tensor([0, 0, 1, 2])
    G.eval()
    x = G(z, y)
    assert torch.equal(x[0], x[1]) and not torch.equal(x[0], x[2])  # the label changes w
    logits = D(x, y)
    assert logits.shape == (4,) and logits[0] != D(x, torch.tensor([1, 0, 1, 2]))[0]
    with pytest.raises(ValueError, match="class-conditional"):
        D(x)
    with pytest.raises(ValueError, match="unconditional"):
        models.build("stylegan-lite", resolution=16)[1](x, y)


def test_bad_options_say_what_is_allowed():
    with pytest.raises(
        ValueError, match=r"noise_mode must be one of \('random', 'const', 'none'\)"
    ):
        StyleGANLiteConfig(noise_mode="fixed")
    with pytest.raises(ValueError, match="style_mixing must be a probability"):
        StyleGANLiteConfig(style_mixing=1.5)
    with pytest.raises(ValueError, match="power of two >= 8"):
        models.build("stylegan-lite", resolution=4)
    with pytest.raises(ValueError, match="use channel_base >= 64"):
        models.build("stylegan-lite", resolution=64, channel_base=32)
    with pytest.raises(ValueError, match="takes no keyword width"):
        models.build("stylegan-lite", width=16)
    G, _ = models.build("stylegan-lite", resolution=8)
    with pytest.raises(ValueError, match=r"per-image seeds of shape \(2,\)"):
        G(G.sample_latent(2), seed=torch.zeros(3, dtype=torch.int64))
