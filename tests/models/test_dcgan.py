"""DCGAN and SN-DCGAN: shapes, hook points, parameter counts, spectral norm, conditioning."""

import pytest
import torch
from torch import nn

from ganlens.hooks import count_hooks, hook_point_names, temporary_hooks
from ganlens.models import ConditionalBatchNorm2d, build

IMAGE_MODELS = ["dcgan", "sn-dcgan"]


def _labels(n: int, n_classes: int) -> torch.Tensor | None:
    return torch.arange(n) % n_classes if n_classes else None


@pytest.mark.parametrize("name", IMAGE_MODELS)
@pytest.mark.parametrize("n_classes", [0, 5])
@pytest.mark.parametrize("channels, resolution", [(3, 32), (1, 32), (3, 64), (1, 64)])
def test_shapes_and_range(name, n_classes, channels, resolution):
    G, D = build(
        name,
        seed=0,
        width=4,
        channels=channels,
        resolution=resolution,
        n_classes=n_classes,
        z_dim=16,
    )
    z = G.sample_latent(6, torch.Generator().manual_seed(0))
    y = _labels(6, n_classes)
    x = G(z, y)
    assert x.shape == (6, channels, resolution, resolution)
    assert x.min() >= -1 and x.max() <= 1
    logits = D(x, y)
    assert logits.shape == (6,)
    assert D(x[:1], None if y is None else y[:1]).shape == (1,)
    assert (G.z_dim, G.n_classes, G.channels, G.resolution) == (16, n_classes, channels, resolution)
    assert (D.channels, D.resolution, D.n_classes) == (channels, resolution, n_classes)


def test_sample_latent_is_seeded_standard_normal():
    G, _ = build("sn-dcgan", width=4, z_dim=32)
    a = G.sample_latent(2000, torch.Generator().manual_seed(3))
    b = G.sample_latent(2000, torch.Generator().manual_seed(3))
    assert a.shape == (2000, 32) and torch.equal(a, b)
    assert abs(a.mean()) < 0.02 and abs(a.std() - 1) < 0.02


@pytest.mark.parametrize(
    "name, g_names, d_names",
    [
        (
            "sn-dcgan",
            ["stem", "blocks.0", "blocks.1", "blocks.2", "out"],
            ["blocks.0", "blocks.1", "blocks.2", "blocks.3", "features", "logit_map"],
        ),
        (
            "dcgan",
            ["stem", "blocks.0", "blocks.1", "out"],
            ["blocks.0", "blocks.1", "blocks.2", "features", "logit_map"],
        ),
    ],
)
def test_hook_point_names_in_order(name, g_names, d_names):
    G, D = build(name, width=4, n_classes=2)
    assert hook_point_names(G) == g_names
    assert hook_point_names(D) == d_names


def _hooked_shapes(model: nn.Module, names: list[str], *inputs) -> dict[str, tuple]:
    shapes = {}
    modules = dict(model.named_modules())

    def record(name):
        return lambda mod, args, out: shapes.__setitem__(name, tuple(out.shape))

    with temporary_hooks([(modules[n], record(n)) for n in names]):
        model(*inputs)
    assert count_hooks(model) == 0
    return shapes


@pytest.mark.parametrize(
    "name, g_shapes, d_shapes",
    [
        (
            "sn-dcgan",
            [(32, 4), (16, 8), (8, 16), (4, 32), (3, 32)],
            [(4, 16), (8, 8), (16, 4), (32, 4)],
        ),
        ("dcgan", [(32, 4), (16, 8), (8, 16), (3, 32)], [(8, 16), (16, 8), (32, 4)]),
    ],
)
def test_block_channels_and_resolutions_at_32px(name, g_shapes, d_shapes):
    # width 4: (channels, side) of each hook point, as in the class docstrings' tables.
    G, D = build(name, seed=0, width=4)
    g = _hooked_shapes(G, hook_point_names(G), G.sample_latent(2))
    assert [(s[1], s[2]) for s in g.values()] == g_shapes
    d_blocks = [n for n in hook_point_names(D) if n.startswith("blocks.")]
    d = _hooked_shapes(D, hook_point_names(D), torch.zeros(2, 3, 32, 32))
    assert [(d[n][1], d[n][2]) for n in d_blocks] == d_shapes
    assert d["features"] == (2, 16 * 8 * 4)


def test_sn_dcgan_d_block_sides_at_64px():
    _, D = build("sn-dcgan", width=4, resolution=64)
    names = [n for n in hook_point_names(D) if n.startswith("blocks.")]
    shapes = _hooked_shapes(D, names, torch.zeros(1, 3, 64, 64))
    assert [s[1:] for s in shapes.values()] == [
        (4, 32, 32),
        (4, 16, 16),
        (8, 8, 8),
        (16, 4, 4),
        (32, 4, 4),
    ]


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def test_sn_dcgan_parameter_count_matches_table3():
    # Miyato et al. 2018 Table 3, w = 64, 32x32x3; (in, out, k) per layer, weights + biases.
    def conv(i, o, k):
        return i * o * k * k + o

    def bn(c):
        return 2 * c

    g = (
        128 * 4 * 4 * 512
        + 4 * 4 * 512
        + bn(512)
        + conv(512, 256, 4)
        + bn(256)
        + conv(256, 128, 4)
        + bn(128)
        + conv(128, 64, 4)
        + bn(64)
        + conv(64, 3, 3)
    )
    d = (
        conv(3, 64, 3)
        + conv(64, 64, 4)
        + conv(64, 128, 3)
        + conv(128, 128, 4)
        + conv(128, 256, 3)
        + conv(256, 256, 4)
        + conv(256, 512, 3)
        + 4 * 4 * 512
        + 1
    )
    G, D = build("sn-dcgan")
    assert (_n_params(G), _n_params(D)) == (g, d) == (3_813_379, 2_935_873)


def test_dcgan_parameter_count_at_64px():
    # Radford et al. 2016 Fig. 1 sizes (w = 64, 64x64x3); no conv bias before BN.
    g = (
        128 * 4 * 4 * 512
        + 2 * 512
        + 512 * 256 * 16
        + 2 * 256
        + 256 * 128 * 16
        + 2 * 128
        + 128 * 64 * 16
        + 2 * 64
        + 64 * 3 * 16
        + 3
    )
    d = (
        3 * 64 * 16
        + 64
        + 64 * 128 * 16
        + 2 * 128
        + 128 * 256 * 16
        + 2 * 256
        + 256 * 512 * 16
        + 2 * 512
        + 4 * 4 * 512
        + 1
    )
    G, D = build("dcgan", resolution=64)
    assert (_n_params(G), _n_params(D)) == (g, d)


@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_conditional_parameter_overhead(name):
    G0, D0 = build(name, width=4)
    G1, D1 = build(name, width=4, n_classes=10)
    bn_channels = sum(m.num_features for m in G1.modules() if isinstance(m, nn.BatchNorm2d))
    assert _n_params(G1) - _n_params(G0) == 2 * (10 - 1) * bn_channels
    assert _n_params(D1) - _n_params(D0) == 10 * 16 * 8 * 4


def test_dcgan_init():
    G, D = build("dcgan", seed=0, width=16)
    convs = [m.weight for m in D.modules() if isinstance(m, nn.Conv2d)]
    assert all(abs(w.std() - 0.02) < 0.002 for w in convs[1:])
    gammas = torch.cat([m.weight for m in G.modules() if isinstance(m, nn.BatchNorm2d)])
    assert abs(gammas.mean() - 1) < 0.01 and abs(gammas.std() - 0.02) < 0.005
    betas = torch.cat([m.bias for m in G.modules() if isinstance(m, nn.BatchNorm2d)])
    assert torch.all(betas == 0)


def test_spectral_norm_keeps_top_singular_value_at_one():
    _, D = build("sn-dcgan", seed=0, width=8, n_classes=3)
    x, y = torch.randn(4, 3, 32, 32), torch.tensor([0, 1, 2, 0])
    D.train()
    with torch.no_grad():
        for _ in range(30):
            D(x, y)
    sn_layers = [m for m in D.modules() if hasattr(m, "parametrizations")]
    assert len(sn_layers) == 7 + 1 + 1  # convs, head, projection embedding
    for layer in sn_layers:
        w = layer.weight.detach()
        sigma = torch.linalg.matrix_norm(w.reshape(w.shape[0], -1), ord=2)
        assert abs(sigma - 1) < 0.05, (layer, sigma)


def test_conditional_bn_starts_as_identity_affine():
    cbn = ConditionalBatchNorm2d(3, n_classes=4)
    x = torch.randn(8, 3, 5, 5)
    y = torch.tensor([0, 1, 2, 3] * 2)
    expected = nn.functional.batch_norm(x, None, None, training=True)
    assert torch.allclose(cbn(x, y), expected, atol=1e-5)
    with torch.no_grad():
        cbn.gamma.weight[1] = 2.0
        cbn.beta.weight[1] = 0.5
    out = cbn(x, y)
    assert torch.allclose(out[1], 2 * expected[1] + 0.5, atol=1e-5)
    assert torch.allclose(out[0], expected[0], atol=1e-5)


@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_projection_and_conditional_bn_depend_on_y(name):
    G, D = build(name, seed=0, width=4, n_classes=3)
    D.eval()
    x = torch.randn(2, 3, 32, 32)
    zeros, ones = torch.zeros(2, dtype=torch.long), torch.ones(2, dtype=torch.long)
    assert not torch.allclose(D(x, zeros), D(x, ones))
    # the unconditional part is shared: D(x, y) - D(x, y') = <embed(y) - embed(y'), features>
    with torch.no_grad():
        for m in G.modules():
            if isinstance(m, ConditionalBatchNorm2d):
                m.gamma.weight[1] = 0.5
    G.eval()
    z = G.sample_latent(2)
    assert not torch.allclose(G(z, zeros), G(z, ones))


@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_labels_are_validated(name):
    G, D = build(name, width=4, n_classes=3)
    z, x = G.sample_latent(2), torch.zeros(2, 3, 32, 32)
    for model, inp in ((G, z), (D, x)):
        with pytest.raises(ValueError, match="class-conditional.*needs labels y"):
            model(inp)
        with pytest.raises(ValueError, match=r"must lie in \[0, 3\); got values from 0 to 3"):
            model(inp, torch.tensor([0, 3]))
        with pytest.raises(ValueError, match=r"dtype int64, got \(2,\) torch.int32"):
            model(inp, torch.tensor([0, 1], dtype=torch.int32))
        with pytest.raises(ValueError, match=r"shape \(2,\)"):
            model(inp, torch.tensor([[0, 1]]))
    G, D = build(name, width=4)
    with pytest.raises(ValueError, match="G is unconditional"):
        G(z, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="D is unconditional"):
        D(x, torch.tensor([0, 1]))


@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_d_input_errors_say_what_to_do(name):
    G, D = build(name, width=4)
    with pytest.raises(
        ValueError,
        match=r"built for 3-channel 32x32 images, got a batch of "
        r"shape \(8, 1, 32, 32\); build it with channels=1",
    ):
        D(torch.zeros(8, 1, 32, 32))
    with pytest.raises(
        ValueError, match=r"shape \(2, 3, 28, 28\); load the data .*resolution=32\)"
    ):
        D(torch.zeros(2, 3, 28, 28))
    with pytest.raises(ValueError, match=r"build it with resolution=64 or load the data"):
        D(torch.zeros(2, 3, 64, 64))
    with pytest.raises(ValueError, match="4-D batch"):
        D(torch.zeros(3, 32, 32))
    with pytest.raises(ValueError, match="float images in \\[-1, 1\\], got dtype torch.uint8"):
        D(torch.zeros(2, 3, 32, 32, dtype=torch.uint8))
    with pytest.raises(ValueError, match=r"latents of shape \(N, 128\), got \(2, 64\)"):
        G(torch.zeros(2, 64))
