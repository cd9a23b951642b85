"""alignment_check: the loss against own vs rolled heatmaps, and the centroid correlation."""

from __future__ import annotations

import importlib

import pytest

from ganlens import GANLens, models
from ganlens.methods.eqgan_sa import SpatialGenerator, alignment_check, level_targets

check_module = importlib.import_module("ganlens.methods.eqgan_sa.alignment_check")
_drawn: dict = {}


@pytest.fixture(scope="module")
def lens():
    G, D = models.build("sn-dcgan", width=4, seed=0)
    return GANLens(SpatialGenerator(G), D).eval()


def _fake_gradcam(flip: bool):
    """A gradcam that returns each image's own level targets (mirrored when ``flip``)."""

    def fake(lens, x, layers, convention, size, y=None):
        heat = _drawn["heatmaps"]
        targets = level_targets(heat.flip(-1, -2) if flip else heat)
        return dict(zip(layers, targets))

    return fake


@pytest.fixture
def spy_heatmaps(monkeypatch, lens):
    """Remember the heatmaps alignment_check draws, so the fake gradcam can return them."""
    original = lens.sample_inputs

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        _drawn["heatmaps"] = out.extras["heatmaps"]
        return out

    monkeypatch.setattr(lens, "sample_inputs", spy)
    yield
    _drawn.clear()


def test_keys_and_finite_values_on_a_real_lens(lens):
    out = alignment_check(lens, n=8, seed=0)
    for res in (4, 8, 16):
        assert {f"loss_{res}x{res}", f"control_{res}x{res}", f"gain_{res}x{res}"} <= set(out)
        assert out[f"gain_{res}x{res}"] == pytest.approx(
            out[f"control_{res}x{res}"] - out[f"loss_{res}x{res}"]
        )
        assert 0.0 <= out[f"loss_{res}x{res}"] <= 1.1
    assert out["gain"] == pytest.approx(sum(out[f"gain_{r}x{r}"] for r in (4, 8, 16)))
    assert -1.0 <= out["r_x"] <= 1.0 and -1.0 <= out["r_y"] <= 1.0
    assert out == alignment_check(lens, n=8, seed=0)  # seeded
    assert out != alignment_check(lens, n=8, seed=1)


def test_attention_equal_to_the_targets_gives_zero_loss_positive_gain_and_r_one(
    lens, spy_heatmaps, monkeypatch
):
    monkeypatch.setattr(check_module, "gradcam", _fake_gradcam(flip=False))
    out = alignment_check(lens, n=32, seed=0)
    for res in (4, 8, 16):
        assert out[f"loss_{res}x{res}"] == pytest.approx(0.0, abs=1e-6)
        assert out[f"gain_{res}x{res}"] > 0.1
    assert out["r_x"] == pytest.approx(1.0, abs=1e-5) and out["r_y"] == pytest.approx(1.0, abs=1e-5)


def test_mirrored_attention_gives_negative_correlation(lens, spy_heatmaps, monkeypatch):
    monkeypatch.setattr(check_module, "gradcam", _fake_gradcam(flip=True))
    out = alignment_check(lens, n=32, seed=0)
    assert out["r_x"] == pytest.approx(-1.0, abs=1e-5) and out["r_y"] == pytest.approx(
        -1.0, abs=1e-5
    )
    assert out["loss_4x4"] > 0.1


def test_bad_input():
    G, D = models.build("sn-dcgan", width=4, seed=0)
    with pytest.raises(ValueError, match="EqGAN-SA generator"):
        alignment_check(GANLens(G, D))
    with pytest.raises(ValueError, match="at least 3"):
        alignment_check(GANLens(SpatialGenerator(G), D), n=2)
