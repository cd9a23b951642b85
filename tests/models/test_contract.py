"""What every ganlens model promises the rest of the library (hooks, probes, Captum)."""

import pytest
import torch

from ganlens.hooks import count_hooks, hook_point_names, temporary_hooks
from ganlens.models import MODELS, build

CASES = [
    ("mlp", {"hidden": 8}),
    ("dcgan", {"width": 4}),
    ("sn-dcgan", {"width": 4}),
    ("dcgan", {"width": 4, "n_classes": 3}),
    ("sn-dcgan", {"width": 4, "n_classes": 3}),
    ("sngan-resnet", {"g_width": 8, "d_width": 8}),
    ("sngan-resnet", {"g_width": 8, "d_width": 8, "n_classes": 3, "logit_map": "4x4"}),
    ("sngan-resnet", {"g_width": 8, "d_width": 8, "resolution": 16, "channels": 1}),
    ("stylegan-lite", {"channel_base": 256, "channel_max": 16}),
    (
        "stylegan-lite",
        {"channel_base": 256, "channel_max": 16, "n_classes": 3, "style_mixing": 0.9},
    ),
    ("stylegan-lite", {"channel_base": 128, "channel_max": 8, "resolution": 16, "channels": 1}),
]


def _inputs(G, n=3):
    y = torch.arange(n) % G.n_classes if G.n_classes else None
    return G.sample_latent(n, torch.Generator().manual_seed(0)), y


def test_cases_cover_every_model():
    assert {name for name, _ in CASES} == set(MODELS)


@pytest.mark.parametrize("name, kw", CASES)
def test_no_inplace_modules(name, kw):
    for model in build(name, **kw):
        flagged = [n for n, m in model.named_modules() if getattr(m, "inplace", False)]
        assert flagged == []


@pytest.mark.parametrize("name, kw", CASES)
def test_hooked_activations_are_not_modified_later(name, kw):
    # A probe keeps references to hooked outputs; an in-place op further on would change them.
    G, D = build(name, seed=0, **kw)
    z, y = _inputs(G)
    for model, args in ((G, (z, y)), (D, (G(z, y).detach(), y))):
        kept = []

        def keep(mod, args, out, kept=kept):
            kept.append((out, out.clone()))

        modules = dict(model.named_modules())
        pairs = [(modules[n], keep) for n in hook_point_names(model)]
        with temporary_hooks(pairs):
            model(*args).sum().backward()
        assert len(kept) == len(pairs)
        assert all(torch.equal(ref, copy) for ref, copy in kept)
        assert count_hooks(model) == 0


@pytest.mark.parametrize("name, kw", CASES)
def test_d_returns_one_logit_per_example_with_gradients(name, kw):
    G, D = build(name, seed=0, **kw)
    z, y = _inputs(G, n=4)
    x = G(z, y).detach().requires_grad_(True)
    logits = D(x, y)
    assert logits.shape == (4,) and logits.dtype == torch.float32
    (grad,) = torch.autograd.grad(logits.sum(), x)
    assert grad.shape == x.shape and grad.abs().sum() > 0


@pytest.mark.parametrize("name, kw", CASES)
def test_sample_latent_device_and_default_rng(name, kw):
    G, _ = build(name, **kw)
    z = G.sample_latent(2, device="cpu")
    assert z.shape == (2, G.z_dim) and z.device.type == "cpu"
    assert G.sample_latent(0).shape == (0, G.z_dim)


# ----- the backbone contract: config dataclass, one builder, stages, logit_map -----------------


@pytest.mark.parametrize("name, kw", CASES)
def test_config_dataclass_and_one_builder(name, kw):
    import dataclasses

    from ganlens.models import ModelConfig, build_players, config_from_dict, model_config

    config = model_config(name, **kw)
    assert isinstance(config, ModelConfig) and dataclasses.is_dataclass(config)
    assert config_from_dict(config.to_dict()) == config
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.name = "x"
    players = build_players(config, seed=0)
    assert set(players) == {"G", "D"}
    again = build_players(config, seed=0)
    for key in players:
        assert players[key].spec == again[key].spec
        assert all(
            torch.equal(a, b) for a, b in zip(players[key].parameters(), again[key].parameters())
        )


@pytest.mark.parametrize("name, kw", CASES)
def test_g_stages_name_hook_points_with_their_shapes(name, kw):
    G, _ = build(name, seed=0, **kw)
    z, y = _inputs(G, n=2)
    assert G.stages, "every G lists its stages"
    seen = {}
    modules = dict(G.named_modules())
    pairs = [
        (modules[s.name], lambda m, i, o, n=s.name: seen.__setitem__(n, o.shape)) for s in G.stages
    ]
    with temporary_hooks(pairs):
        G(z, y)
    for stage in G.stages:
        assert stage.name in hook_point_names(G)
        shape = seen[stage.name]
        assert shape[1] == stage.channels, stage
        assert (
            (tuple(shape[2:]) == (stage.size, stage.size)) if len(shape) == 4 else stage.size == 1
        )


@pytest.mark.parametrize("name, kw", CASES)
def test_d_logit_map_holds_the_realness_map_before_the_reduction(name, kw):
    G, D = build(name, seed=0, **kw)
    z, y = _inputs(G, n=3)
    x = G(z, y).detach()
    kept = {}
    with temporary_hooks(
        [(dict(D.named_modules())["logit_map"], lambda m, i, o: kept.update(map=o))]
    ):
        logits = D(x, y)
    assert "logit_map" in hook_point_names(D)
    m = kept["map"]
    assert m.shape[:2] == (3, 1)
    torch.testing.assert_close(m.flatten(1).mean(dim=1), logits)
