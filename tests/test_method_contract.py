"""Every registered method on every backbone: it trains two steps, leaves no hook, and a run
interrupted between checkpoints resumes to exactly the history of an uninterrupted one."""

from __future__ import annotations

import pandas as pd
import pytest

from ganlens import DataConfig, build, count_hooks, load_data, load_or_train
from ganlens.methods import METHODS, method_config
from ganlens.models import MODELS, model_config

from .conftest import TINY

BACKBONES = {
    "mlp": (DataConfig("ring8"), {}),
    "dcgan": (DataConfig("mnist5k", resolution=32), {"width": 4}),
    "sn-dcgan": (DataConfig("mnist5k", resolution=32), {"width": 4}),
    "sn-dcgan-cond": (DataConfig("mnist5k", resolution=32), {"width": 4, "n_classes": 10}),
    "sngan-resnet": (DataConfig("mnist5k", resolution=16), {"g_width": 4, "d_width": 4}),
    "stylegan-lite": (  # 32 px: D has the 4x4, 8x8 and 16x16 maps EqGAN-SA aligns
        DataConfig("mnist5k", resolution=32),
        {"channel_base": 64, "channel_max": 4, "z_dim": 8, "w_dim": 8, "style_mixing": 0.9},
    ),
}
CASES = [(m, b) for m in METHODS for b in BACKBONES]


def _config(method: str, backbone: str):
    data, kw = BACKBONES[backbone]
    model = model_config(backbone.removesuffix("-cond"), **kw)
    return TINY.replace(
        data=data,
        model=model,
        method=method_config(method),
        steps=4,
        track_pool=32,
        final_pool=32,
        sample_every=4,
    )


def test_the_matrix_covers_every_method_and_model():
    assert {m for m, _ in CASES} == set(METHODS)
    assert {b.removesuffix("-cond") for _, b in CASES} == set(MODELS)


@pytest.mark.slow
@pytest.mark.parametrize("method, backbone", CASES)
def test_method_on_backbone_trains_leaves_no_hooks_and_resumes_exactly(
    method, backbone, tmp_path, stop_at
):
    config = _config(method, backbone)
    data = load_data(config)
    plain = build(config.replace(method="none"), data)[0]
    reason = METHODS[method](config.method).supports(plain)
    if reason:  # a method that cannot train a backbone says so, in one line, at build time
        with pytest.raises(ValueError, match=f"method {method!r} cannot train"):
            build(config, data)
        return
    full = load_or_train(config, tmp_path / "full", progress=False, report=False)
    assert count_hooks(full.lens) == 0
    assert full.history["step"].tolist() == [0, 2, 4]
    assert full.history[["loss_d", "loss_g"]].iloc[1:].notna().all().all()
    with pytest.raises(KeyboardInterrupt):
        load_or_train(
            config, tmp_path / "cut", callbacks=[stop_at(3)], progress=False, report=False
        )
    resumed = load_or_train(config, tmp_path / "cut", progress=False, report=False)
    cols = [c for c in full.history.columns if c != "elapsed_s"]
    pd.testing.assert_frame_equal(full.history[cols], resumed.history[cols])
    assert full.summary["final_di_mean"] == resumed.summary["final_di_mean"]
    assert count_hooks(resumed.lens) == 0
