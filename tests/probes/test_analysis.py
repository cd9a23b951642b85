"""Activation maps, map comparisons and the Fig. 2 / Fig. 7 analyses."""

from __future__ import annotations

import math

import pytest
import torch

from ganlens import GANLens, count_hooks, load_or_train, models
from ganlens.probes import activation_map, analysis, count_peaks, pearson, top_overlap


def test_activation_map_sample_and_batch_normalisation():
    lens = GANLens(*models.build("sn-dcgan", width=8, seed=0))
    x = torch.rand(3, 3, 32, 32) * 2 - 1
    raw = activation_map(lens, x, "D.blocks.1", normalize="none")
    store = {}
    lens.eval()
    h = lens.module("D.blocks.1").register_forward_hook(lambda m, i, o: store.update(a=o))
    lens.score(x)
    h.remove()
    torch.testing.assert_close(raw, store["a"].abs().mean(dim=1))
    per = activation_map(lens, x, "D.blocks.1")
    assert torch.allclose(per.amin(dim=(1, 2)), torch.zeros(3))
    assert torch.allclose(per.amax(dim=(1, 2)), torch.ones(3))
    batch = activation_map(lens, x, "D.blocks.1", normalize="batch")
    assert batch.min() == 0 and batch.max() == 1 and (batch.amax(dim=(1, 2)) < 1).any()
    assert activation_map(lens, x, "D.blocks.1", size=32).shape == (3, 32, 32)
    with pytest.raises(ValueError, match="D layers"):
        activation_map(lens, x, "G.blocks.1")
    assert count_hooks(lens) == 0


def test_pearson_and_overlap_exact():
    a = torch.tensor([[[0.0, 1.0], [2.0, 3.0]]])
    assert pearson(a, 2 * a + 1).item() == pytest.approx(1.0)
    assert pearson(a, -a).item() == pytest.approx(-1.0)
    assert math.isnan(pearson(a, torch.zeros_like(a)).item())
    b = torch.tensor([[[3.0, 2.0], [1.0, 0.0]]])
    assert top_overlap(a, a, 0.5).item() == 1.0
    assert top_overlap(a, b, 0.5).item() == 0.0
    assert top_overlap(a, torch.tensor([[[0.0, 5.0], [0.0, 4.0]]]), 0.5).item() == 0.5
    assert top_overlap(a, torch.tensor([[[0.0, 0.0], [5.0, 4.0]]]), 0.5).item() == 1.0


def test_count_peaks():
    m = torch.zeros(1, 7, 7)
    m[0, 1, 1] = 1.0
    m[0, 5, 5] = 0.9
    m[0, 3, 3] = 0.2  # below half height
    assert count_peaks(m).tolist() == [2]
    assert count_peaks(m, min_height=0.1).tolist() == [3]
    yy, xx = torch.meshgrid(torch.arange(8.0), torch.arange(8.0), indexing="ij")
    blob = torch.exp(-((yy - 3) ** 2 + (xx - 4) ** 2) / 4)[None]
    assert count_peaks(blob).tolist() == [1]
    assert count_peaks(torch.ones(1, 4, 4)).tolist() == [0]  # flat map: no peak


def test_robustness_clean_is_perfect_and_noise_lowers_agreement():
    lens = GANLens(*models.build("sn-dcgan", width=8, seed=0))
    x = torch.rand(4, 3, 32, 32) * 2 - 1
    df = analysis.robustness(lens, x, ["D.blocks.1", "D.blocks.2"], sigmas=(0.0, 2.0))
    assert set(df.columns) == {"sigma", "layer", "image", "pearson", "top20_overlap"}
    assert len(df) == 2 * 2 * 4
    clean = df[df.sigma == 0.0]
    assert clean.pearson.min() == pytest.approx(1.0) and (clean.top20_overlap == 1.0).all()
    assert df[df.sigma == 2.0].pearson.mean() < 0.99


def test_consistency_over_checkpoints(tmp_path, tiny_config):
    cfg = tiny_config.replace(
        steps=4,
        sample_every=4,
        track_pool=32,
        di_repeats=5,
        final_pool=32,
        keep_checkpoints=5,
        seed=0,
    )
    result = load_or_train(cfg, tmp_path, progress=False, report=False)
    x = torch.rand(3, 1, 8, 8) * 2 - 1
    df = analysis.consistency(result.lens, result.run.checkpoints(), x, ["D.blocks.0"])
    assert sorted(df.step.unique()) == [2, 4]
    assert (df[df.step == 4].pearson.round(6) == 1.0).all()
    with pytest.raises(ValueError, match="at least one checkpoint"):
        analysis.consistency(result.lens, [], x, ["D.blocks.0"])


def test_hierarchy():
    maps = {"D.a": torch.zeros(2, 8, 8), "D.b": torch.zeros(2, 4, 4)}
    maps["D.a"][:, 1, 1] = maps["D.a"][:, 6, 6] = 1.0
    maps["D.b"][:, 2, 2] = 1.0
    df = analysis.hierarchy(maps)
    assert df.groupby("layer").peaks.mean().to_dict() == {"D.a": 2.0, "D.b": 1.0}
    assert set(df.resolution) == {"8x8", "4x4"}
