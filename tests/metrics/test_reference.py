"""Reference features: cache hits, what the key depends on, errors."""

from __future__ import annotations

import pytest
import torch

import ganlens.metrics.reference as reference_module
from ganlens.metrics import FeatureExtractor, reference_stats


def test_second_call_reads_the_cache(tiny_images, tiny_extractor, tmp_path, monkeypatch):
    first = reference_stats(tiny_images, n=32, extractor=tiny_extractor, cache_dir=tmp_path)
    assert first.path is not None and first.path.is_file() and first.n == 32
    assert first.key["extractor_sha256"] == "0" * 64 and first.key["resize"] == "tf1-bilinear"

    def no_extraction(*args, **kwargs):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(reference_module, "inception_features", no_extraction)
    again = reference_stats(tiny_images, n=32, extractor=tiny_extractor, cache_dir=tmp_path)
    assert torch.equal(again.features, first.features) and again.key == first.key
    mu, sigma = again.stats()
    assert mu.shape == (8,) and sigma.shape == (8, 8) and mu.dtype == torch.float64


def test_key_changes_with_n_seed_extractor_and_resize(tiny_images, tiny_extractor, tmp_path):
    base = reference_stats(tiny_images, n=32, extractor=tiny_extractor, cache_dir=tmp_path)
    other_net = FeatureExtractor(
        tiny_extractor.net, name="tiny test net", sha256="1" * 64, size=16, num_features=8
    )
    other_resize = FeatureExtractor(
        tiny_extractor.net,
        name="tiny test net",
        sha256="0" * 64,
        size=16,
        num_features=8,
        resize="bilinear-aa",
    )
    variants = [
        reference_stats(tiny_images, n=16, extractor=tiny_extractor, cache_dir=tmp_path),
        reference_stats(tiny_images, n=32, seed=1, extractor=tiny_extractor, cache_dir=tmp_path),
        reference_stats(tiny_images, n=32, extractor=other_net, cache_dir=tmp_path),
        reference_stats(tiny_images, n=32, extractor=other_resize, cache_dir=tmp_path),
        reference_stats(
            tiny_images.subset(["a", "b"]), n=16, extractor=tiny_extractor, cache_dir=tmp_path
        ),
    ]
    paths = {base.path, *(v.path for v in variants)}
    assert len(paths) == 6
    assert variants[-1].key["classes"] == ["a", "b"]


def test_named_dataset_goes_through_data_load(tiny_extractor, tmp_path):
    ref = reference_stats(
        "mnist5k", n=20, resolution=16, extractor=tiny_extractor, cache_dir=tmp_path
    )
    assert ref.key["dataset"] == "mnist5k" and ref.key["split"] == "train"
    assert ref.key["resolution"] == 16 and ref.label == "mnist5k train (20)"


def test_errors(tiny_images, tiny_extractor, tmp_path):
    with pytest.raises(ValueError, match="dataset has 64"):
        reference_stats(tiny_images, n=65, extractor=tiny_extractor, cache_dir=tmp_path)
    with pytest.raises(TypeError, match="2-D toy"):
        reference_stats("ring8", extractor=tiny_extractor, cache_dir=tmp_path)
