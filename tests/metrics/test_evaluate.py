"""evaluate(): one row with FID-N, KID, precision/recall, DI and the provenance columns."""

from __future__ import annotations

import pytest

from ganlens import GANLens
from ganlens.metrics import evaluate

pytest.importorskip("torchmetrics")


def test_one_row_with_labelled_metrics_and_provenance(
    tiny_models, tiny_images, tiny_extractor, tmp_path
):
    lens = GANLens(*tiny_models)
    row = evaluate(
        lens,
        tiny_images,
        n=40,
        extractor=tiny_extractor,
        di_pool=32,
        kid_subsets=5,
        cache_dir=tmp_path,
    )
    assert len(row) == 1
    for col in ("fid_40", "kid_40", "kid_40_std", "precision_40", "recall_40", "di_mean", "di_std"):
        assert col in row and row[col].notna().all(), col
    r = row.iloc[0]
    assert r["n"] == 40 and r["n_real"] == 40 and r["pr_k"] == 3
    # subsets of half the set differ, so KID's std is a spread (it was ~1e-16 with subsets = n)
    assert r["kid_subset_size"] == 20 and r["kid_40_std"] > 1e-6 * abs(r["kid_40"])
    assert r["extractor_sha256"] == "0" * 64 and r["resize"] == "tf1-bilinear"
    assert 0 <= r["precision_40"] <= 1 and r["fid_40"] > 0
    again = evaluate(
        lens,
        tiny_images,
        n=40,
        extractor=tiny_extractor,
        di_pool=32,
        kid_subsets=5,
        cache_dir=tmp_path,
    )
    assert again.drop(columns="wall_s").equals(row.drop(columns="wall_s"))  # seeded
