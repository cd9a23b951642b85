"""Preprocessing of the extractor: input checks, uint8/float equivalence, resizing, batching."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from ganlens.data import to_float
from ganlens.metrics import as_uint8, inception_features, resize_images
from ganlens.metrics.features import tf1_bilinear_matrix


def images(n: int = 6, c: int = 3, size: int = 12, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (n, c, size, size), generator=g, dtype=torch.uint8)


def test_tf1_resize_by_hand():
    # 2 -> 4 pixels: output i reads source i * 2 / 4 = 0, 0.5, 1, 1.5 (clamped to the last pixel)
    x = torch.tensor([[[[10.0, 30.0]]]])
    rows = tf1_bilinear_matrix(1, 1).float()
    assert rows.tolist() == [[1.0]]
    out = resize_images(x.expand(1, 1, 2, 2).contiguous(), 4)
    assert out[0, 0, 0].tolist() == [10.0, 20.0, 30.0, 30.0]


def test_tf1_resize_equals_the_shifted_grid_sample_formulation():
    # TF1 legacy resizing == grid_sample on a grid shifted by 1/in - 1/out (border padding).
    x = images(2, 3, 32).double()
    shift = 1 / 32 - 1 / 299
    theta = torch.tensor([[1.0, 0, shift], [0, 1.0, shift]], dtype=torch.float64)
    grid = F.affine_grid(theta.expand(2, 2, 3), [2, 3, 299, 299], align_corners=False)
    expected = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    assert torch.allclose(resize_images(x, 299), expected, atol=1e-9)


def test_bilinear_aa_and_unknown_resize():
    x = images(1, 3, 8).float()
    assert resize_images(x, 16, "bilinear-aa").shape == (1, 3, 16, 16)
    with pytest.raises(ValueError, match="tf1-bilinear"):
        resize_images(x, 16, "nearest")


def test_float_images_are_rounded_to_the_same_uint8():
    x = images()
    assert torch.equal(as_uint8(to_float(x)), x)


def test_input_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\) with C = 1 or 3"):
        as_uint8(torch.zeros(3, 8, 8, dtype=torch.uint8))
    with pytest.raises(ValueError, match="permute"):
        as_uint8(torch.zeros(2, 8, 8, 3, dtype=torch.uint8))
    with pytest.raises(ValueError, match=r"\[-1, 1\].*\[0, 255\].*uint8"):
        as_uint8(images().float())
    with pytest.raises(ValueError, match="NaN"):
        as_uint8(torch.full((1, 3, 4, 4), float("nan")))
    with pytest.raises(TypeError, match="uint8 in \\[0, 255\\] or float"):
        as_uint8(images().long())


def test_nonnegative_floats_warn_they_may_be_zero_one_images():
    with pytest.warns(UserWarning, match=r"x \* 2 - 1"):
        as_uint8(torch.rand(20, 3, 16, 16))


def test_extractor_uint8_float_grayscale_and_batching(tiny_extractor):
    x = images(7)
    feats = inception_features(x, batch_size=3, extractor=tiny_extractor, progress=False)
    assert feats.shape == (7, 8) and feats.dtype == torch.float32
    as_float = inception_features(to_float(x), batch_size=3, extractor=tiny_extractor)
    assert torch.equal(feats, as_float)
    assert torch.allclose(feats, inception_features(x, batch_size=7, extractor=tiny_extractor))
    gray = images(4, 1)
    assert torch.equal(
        inception_features(gray, extractor=tiny_extractor),
        inception_features(gray.expand(-1, 3, -1, -1), extractor=tiny_extractor),
    )


def test_extractor_describes_its_provenance(tiny_extractor):
    assert tiny_extractor.describe() == {
        "extractor": "tiny test net",
        "extractor_sha256": "0" * 64,
        "extractor_precision": "fp32",
        "resize": "tf1-bilinear",
        "input_size": 16,
    }
