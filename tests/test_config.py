"""Experiment configs and presets: typed sections, frozen, dotted overrides, clear errors."""

from __future__ import annotations

import dataclasses
import json

import pytest
import torch

from ganlens import DataConfig, EqGANSAConfig, ExperimentConfig, OptimConfig, TrackConfig
from ganlens.config import parse_override
from ganlens.methods import MethodConfig
from ganlens.models import DCGANConfig, MLPConfig
from ganlens.presets import PRESETS, get_preset


def test_round_trip_through_json_and_frozen():
    for cfg in (
        get_preset("demo", "cpu"),
        get_preset("eqgan-sa-cifar10-cat", "smoke").replace(
            method=EqGANSAConfig(d_layers=["D.blocks.2", "D.blocks.1", "D.blocks.0"])
        ),
    ):
        again = ExperimentConfig.from_dict(json.loads(json.dumps(cfg.to_dict())))
        assert again == cfg and again.to_dict() == cfg.to_dict()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.seed = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.optim.steps = 3


def test_sections_are_typed():
    cfg = get_preset("demo", "cpu")
    assert isinstance(cfg.data, DataConfig) and isinstance(cfg.model, DCGANConfig)
    assert isinstance(cfg.optim, OptimConfig) and isinstance(cfg.track, TrackConfig)
    assert type(cfg.method) is MethodConfig and cfg.method.name == "none"
    assert cfg.to_dict()["model"] == {
        "name": "sn-dcgan",
        "channels": None,
        "resolution": None,
        "z_dim": 128,
        "width": 16,
        "n_classes": 0,
    }


def test_every_preset_has_three_scales_and_smoke_is_small():
    for name, scales in PRESETS.items():
        assert set(scales) == {"smoke", "cpu", "gpu"}, name
        assert scales["smoke"].optim.steps <= 10
        assert scales["gpu"].device == "cuda"


def test_replace_by_path_by_unique_name_by_section_and_by_name():
    cfg = get_preset("demo", "cpu")
    a = cfg.replace(**{"optim.lr_d": 1e-4, "model.width": 32}, steps=10, seed=5)
    assert (a.optim.lr_d, a.model.width, a.optim.steps, a.seed) == (1e-4, 32, 10, 5)
    assert a.optim.lr_g == cfg.optim.lr_g  # untouched fields kept
    assert cfg.replace(optim={"n_dis": 2}).optim.n_dis == 2
    assert cfg.replace(method="eqgan-sa").method == EqGANSAConfig()
    eq = cfg.replace(method=EqGANSAConfig(align=False))
    assert eq.replace(**{"method.heatmaps": "noise"}).method == EqGANSAConfig(
        align=False, heatmaps="noise"
    )
    assert eq.replace(align=True).method.align is True  # a method option is a unique field name
    dc = cfg.replace(model="dcgan")  # same family: the other settings stay
    assert (dc.model.name, dc.model.width) == ("dcgan", 16)
    toy = cfg.replace(model="mlp")  # another family: its defaults
    assert toy.model == MLPConfig()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: get_preset("dmeo"), r"unknown preset 'dmeo' \(did you mean \['demo'\]"),
        (lambda: get_preset("demo", "huge"), "unknown scale"),
        (
            lambda: get_preset("demo").replace(setps=3),
            r"unknown config key 'setps' \(did you mean \[",
        ),
        (
            lambda: get_preset("demo").replace(resolution=16),
            r"'resolution' is ambiguous.*data.resolution.*model.resolution",
        ),
        (lambda: get_preset("demo").replace(name="x"), "'name' is ambiguous"),
        (
            lambda: get_preset("demo").replace(model_kw={"width": 8}),
            "'model_kw' is gone.*model.<field>",
        ),
        (lambda: get_preset("demo").replace(align=False), "unknown config key 'align'"),
        (
            lambda: get_preset("demo").replace(**{"method.align": False}),
            "unknown config key 'method.align'",
        ),
        (
            lambda: get_preset("demo").replace(optim={"lr": 1}),
            "optim has no field lr; its fields are loss",
        ),
        (
            lambda: get_preset("demo").replace(model={"depth": 2}),
            "model 'sn-dcgan' takes no keyword depth",
        ),
        (
            lambda: get_preset("demo").replace(method="eqgansa"),
            r"unknown method 'eqgansa' \(did you mean 'eqgan-sa'",
        ),
        (lambda: OptimConfig(loss="bce"), "unknown loss"),
        (lambda: OptimConfig(steps=0), "steps must be a positive"),
        (lambda: TrackConfig(ckpt_every=75, log_every=50), "multiple of log_every"),
        (lambda: ExperimentConfig(device="tpu"), "device must be"),
        (lambda: OptimConfig(ema_beta=1.5), "ema_beta"),
        (lambda: DataConfig("mnist"), r"unknown dataset 'mnist' \(did you mean 'mnist5k'"),
        (lambda: DCGANConfig(resolution=28), "power of two"),
        (lambda: EqGANSAConfig(cam_pass="double"), "cam_pass"),
        (lambda: EqGANSAConfig(cam_pass="probe", second_order=True), "second_order=True needs"),
        (
            lambda: ExperimentConfig(model="sn-dcgan"),
            "ExperimentConfig.model must be a ModelConfig",
        ),
    ],
)
def test_bad_config(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_old_flat_config_json_is_refused_not_misread():
    flat = {
        "data": "mnist5k",
        "data_kw": {},
        "model": "sn-dcgan",
        "model_kw": {"width": 16},
        "loss": "hinge",
        "method": "none",
        "method_kw": {},
        "steps": 10,
    }
    with pytest.raises(ValueError, match="flat TrainConfig of ganlens 0.1.*ganlens-config-v2"):
        ExperimentConfig.from_dict(flat)
    bad = {**get_preset("demo").to_dict(), "extras": {}}
    with pytest.raises(ValueError, match="unknown config sections"):
        ExperimentConfig.from_dict(bad)


def test_parse_override_types():
    base = get_preset("demo", "cpu").replace(method="eqgan-sa")
    assert parse_override("steps=200", base) == ("optim.steps", 200)
    assert parse_override("lr_g=1", base) == ("optim.lr_g", 1.0)
    assert parse_override("optim.loss=wgan-gp", base) == ("optim.loss", "wgan-gp")
    assert parse_override('data.classes=["cat"]', base) == ("data.classes", ["cat"])
    assert parse_override("method.align=false", base) == ("method.align", False)
    assert parse_override("method=none", base) == ("method", "none")
    cfg = base.override(["model.width=32", "ema_beta=0.99", "method.encoding=sel_concat"])
    assert (cfg.model.width, cfg.optim.ema_beta, cfg.method.encoding) == (32, 0.99, "sel_concat")
    with pytest.raises(ValueError, match="key=value"):
        parse_override("steps", base)
    with pytest.raises(ValueError, match="unknown config key"):
        parse_override("stpes=3", base)


def test_switching_method_and_setting_its_options_in_one_call():
    base = get_preset("demo", "smoke")
    assert base.replace(method="eqgan-sa", align=False).method == EqGANSAConfig(align=False)
    assert base.override(["method=eqgan-sa", "method.align=false"]).method == EqGANSAConfig(
        align=False
    )


def test_comparing_a_config_section_with_a_string_is_an_error_not_false():
    cfg = get_preset("demo", "smoke")
    with pytest.raises(TypeError, match="compare config.method.name with 'eqgan-sa'"):
        _ = cfg.method == "eqgan-sa"
    with pytest.raises(TypeError, match="compare config.model.name"):
        _ = cfg.model == "sn-dcgan"
    assert cfg.model.name == "sn-dcgan" and cfg.model == DCGANConfig(width=8)
    assert {EqGANSAConfig(), EqGANSAConfig()} == {EqGANSAConfig()}  # hashable, by fields


@pytest.mark.parametrize(
    "override, message",
    [
        ("lr_d=fast", "optim.lr_d must be a number, got 'fast'"),
        ("steps=abc", "optim.steps must be an integer, got 'abc'"),
        ("steps=2.5", "optim.steps must be an integer, got 2.5"),
        ('model.width="x"', "model.width must be an integer, got 'x'"),
        ("betas=[0.5]", r"optim.betas must be a list of 2 \(a number, a number\), got \[0.5\]"),
        ("log_every=true", "track.log_every must be an integer, got True"),
        ("data.resolution=thirty", "data.resolution must be an integer or None, got 'thirty'"),
        ("seed=x", "seed must be an integer, got 'x'"),
        ("lr_g=-1", r"optim.lr_g must be >= 0, got -1.0"),
        ("ema_beta=2", r"optim.ema_beta must be in \(0, 1\) or None, got 2"),
    ],
)
def test_wrong_types_are_one_line_naming_key_value_and_what_is_allowed(override, message):
    with pytest.raises(ValueError, match=message):
        get_preset("demo", "smoke").override([override])


def test_wrong_method_option_types_and_zero_learning_rate():
    with pytest.raises(ValueError, match="method.align must be true or false, got 1"):
        get_preset("demo", "smoke").override(["method=eqgan-sa", "method.align=1"])
    with pytest.warns(UserWarning, match="optim.lr_g = 0: G will not learn"):
        OptimConfig(lr_g=0.0)


def test_per_class_keeps_a_seeded_limited_subset():
    import ganlens as gl

    config = gl.get_preset("demo", "smoke").replace(
        **{"data.classes": ("3", "8"), "per_class": 100}
    )
    data = gl.load_data(config)
    assert len(data) == 200 and torch.bincount(data.labels).tolist()[3::5] == [100, 100]
    again = gl.load_data(config.replace(seed=5))  # the training seed does not change the images
    assert torch.equal(data.images, again.images)
    full = gl.load_data(config.replace(per_class=None))
    assert len(full) == 1000
    with pytest.raises(ValueError, match="per_class must be a positive integer"):
        gl.DataConfig(per_class=0)


def test_the_digest_ignores_fields_at_their_defaults_and_sees_every_change():
    import dataclasses

    from ganlens import ExperimentConfig, OptimConfig

    base = ExperimentConfig()
    later = dataclasses.make_dataclass(
        "LaterOptim", [("new_knob", int, 0)], bases=(OptimConfig,), frozen=True
    )
    grown = dataclasses.replace(base, optim=later(**dataclasses.asdict(base.optim)))
    assert "new_knob" in grown.to_dict()["optim"]
    assert grown.digest() == base.digest()  # a field added with its default: same run name
    assert (
        dataclasses.replace(grown, optim=grown.optim.replace(new_knob=1)).digest() != base.digest()
    )
    assert base.replace(lr_g=1e-4).digest() != base.digest()
    assert base.replace(method="clr-gan").digest() != base.digest()
    assert base.replace(seed=1).digest() != base.digest()
