"""build(): names, keywords, seeding, spec round trip, error messages."""

import json

import pytest
import torch

from ganlens.models import MODELS, build, dcgan, mlp

SMALL = {
    "mlp": {"hidden": 16},
    "dcgan": {"width": 4},
    "sn-dcgan": {"width": 4},
    "sngan-resnet": {"g_width": 4, "d_width": 4},
    "stylegan-lite": {"channel_base": 64, "channel_max": 4, "z_dim": 8, "w_dim": 8},
}


def _same_state(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_models_tuple():
    assert MODELS == ("mlp", "dcgan", "sn-dcgan", "sngan-resnet", "stylegan-lite")


@pytest.mark.parametrize("name", MODELS)
def test_seed_gives_identical_parameters_and_buffers(name):
    G0, D0 = build(name, seed=0, **SMALL[name])
    G1, D1 = build(name, seed=0, **SMALL[name])
    assert _same_state(G0, G1) and _same_state(D0, D1)
    G2, D2 = build(name, seed=1, **SMALL[name])
    assert not _same_state(G0, G2)
    assert not _same_state(D0, D2)


def test_build_leaves_global_rng_untouched():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    build("sn-dcgan", seed=0, width=4)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("name", MODELS)
def test_spec_is_json_and_round_trips(name):
    G, D = build(name, seed=0, **SMALL[name])
    assert G.spec == D.spec
    assert G.spec["name"] == name
    spec = json.loads(json.dumps(G.spec))
    G2, D2 = build(**spec, seed=0)
    assert G2.spec == G.spec
    assert _same_state(G, G2) and _same_state(D, D2)


def test_spec_holds_all_resolved_keywords():
    G, _ = build("dcgan", width=8, n_classes=3)
    assert G.spec == {
        "name": "dcgan",
        "channels": 3,
        "resolution": 32,
        "z_dim": 128,
        "width": 8,
        "n_classes": 3,
    }
    G, _ = build("mlp")
    assert G.spec == {"name": "mlp", "dim": 2, "z_dim": 8, "hidden": 128, "depth": 3}


@pytest.mark.parametrize(
    "cls, defaults",
    [
        (dcgan.DCGANGenerator, dcgan.DEFAULTS),
        (dcgan.SNDCGANDiscriminator, dcgan.DEFAULTS),
        (mlp.MLPGenerator, mlp.DEFAULTS),
        (mlp.MLPDiscriminator, mlp.DEFAULTS),
    ],
)
def test_defaults_table_matches_class_signatures(cls, defaults):
    import inspect

    params = inspect.signature(cls).parameters
    assert {k: p.default for k, p in params.items()} == defaults


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="valid names are mlp, dcgan, sn-dcgan") as err:
        build("sngan")
    assert "did you mean 'sn-dcgan'" in str(err.value)


def test_unknown_keyword_lists_valid_keywords():
    with pytest.raises(ValueError, match="no keyword depth.*channels, resolution, z_dim, width"):
        build("dcgan", depth=3)
    with pytest.raises(ValueError, match="no keyword width.*dim, z_dim, hidden, depth"):
        build("mlp", width=3)


@pytest.mark.parametrize("name", ["dcgan", "sn-dcgan"])
def test_resolution_28_suggests_32(name):
    with pytest.raises(ValueError, match=r"power of two >= 8.*got 28.*resolution=32\)"):
        build(name, resolution=28)


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"resolution": 4}, "resolution=8"),
        ({"resolution": 32.0}, "got 32.0"),
        ({"channels": 0}, "channels must be an integer >= 1, got 0"),
        ({"width": True}, "width must be an integer"),
        ({"n_classes": -1}, "n_classes"),
    ],
)
def test_bad_image_keyword_values(kw, match):
    with pytest.raises(ValueError, match=match):
        build("sn-dcgan", **kw)


def test_bad_mlp_values_and_seed():
    with pytest.raises(ValueError, match="depth must be an integer >= 1"):
        build("mlp", depth=0)
    with pytest.raises(ValueError, match="seed must be an int"):
        build("mlp", seed="0")
