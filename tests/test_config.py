"""Configs and presets: typed, frozen, with clear errors."""

from __future__ import annotations

import dataclasses

import pytest

from ganlens.config import TrainConfig, parse_override
from ganlens.presets import PRESETS, get_preset


def test_round_trip_and_frozen():
    cfg = get_preset("demo", "cpu")
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.steps = 3


def test_every_preset_has_three_scales_and_smoke_is_small():
    for name, scales in PRESETS.items():
        assert set(scales) == {"smoke", "cpu", "gpu"}, name
        assert scales["smoke"].steps <= 10
        assert scales["gpu"].device == "cuda"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: get_preset("dmeo"), r"unknown preset 'dmeo' \(did you mean \['demo'\]"),
        (lambda: get_preset("demo", "huge"), "unknown scale"),
        (lambda: get_preset("demo").replace(setps=3), r"unknown config key 'setps' \(did you mean \['steps'"),
        (lambda: TrainConfig.from_dict({"lr": 1}), "unknown config key 'lr'"),
        (lambda: TrainConfig(loss="bce"), "unknown loss"),
        (lambda: TrainConfig(steps=0), "steps must be a positive"),
        (lambda: TrainConfig(ckpt_every=75, log_every=50), "multiple of log_every"),
        (lambda: TrainConfig(device="tpu"), "device must be"),
        (lambda: TrainConfig(ema_beta=1.5), "ema_beta"),
    ],
)
def test_bad_config(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_parse_override_types():
    base = TrainConfig()
    assert parse_override("steps=200", base) == ("steps", 200)
    assert parse_override("lr_g=1", base) == ("lr_g", 1.0)
    assert parse_override("model_kw={\"width\": 8}", base) == ("model_kw", {"width": 8})
    assert parse_override("loss=wgan-gp", base) == ("loss", "wgan-gp")
    with pytest.raises(ValueError, match="key=value"):
        parse_override("steps", base)
    with pytest.raises(ValueError, match="unknown config key"):
        parse_override("stpes=3", base)
