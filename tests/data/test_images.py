"""ImageDataset, the uint8 <-> [-1, 1] conversions, resizing, and the embedded mnist5k."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

import ganlens.data as gd
from ganlens.data.images import ImageDataset, build, resize, to_float, to_uint8

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mnist() -> ImageDataset:
    return gd.load("mnist5k")


def _tiny(n: int = 10) -> ImageDataset:
    images = torch.arange(n, dtype=torch.uint8).view(n, 1, 1, 1).expand(n, 1, 4, 4).clone()
    labels = torch.arange(n) % 3
    return ImageDataset(images, labels, ("a", "b", "c"), "tiny", "memory")


def test_public_names():
    assert gd.DATASETS == (
        "mnist5k",
        "cifar10-jpeg",
        "cifar10",
        "imagefolder",
        "npz",
        "ring8",
        "grid25",
    )
    assert set(gd.__all__) == {
        "Batch",
        "PairedImages",
        "UnpairedImages",
        "as_dataset",
        "load",
        "ImageDataset",
        "ToyDataset",
        "to_float",
        "to_uint8",
        "DATASETS",
    }


def test_to_float_to_uint8_round_trip_is_exact_on_all_values():
    x = torch.arange(256, dtype=torch.uint8).view(2, 2, 8, 8)
    f = to_float(x)
    assert f.dtype == torch.float32 and f.shape == x.shape
    assert f.min().item() == -1.0 and f.max().item() == 1.0
    assert torch.equal(to_uint8(f), x)


def test_to_uint8_rounds_and_clamps():
    x = torch.tensor([-2.0, -1.0, 0.0, 1.0, 3.0, 1.0 / 127.5 - 1 + 0.003])
    assert to_uint8(x).tolist() == [0, 0, 128, 255, 255, 1]


def test_conversions_refuse_wrong_dtypes():
    with pytest.raises(TypeError, match="uint8"):
        to_float(torch.zeros(2, 3))
    with pytest.raises(TypeError, match="float"):
        to_uint8(torch.zeros(2, dtype=torch.uint8))


def test_mnist5k_shapes_dtypes_and_ranges(mnist):
    assert mnist.images.shape == (5000, 1, 28, 28) and mnist.images.dtype == torch.uint8
    assert mnist.images.is_contiguous()
    assert mnist.labels.shape == (5000,) and mnist.labels.dtype == torch.int64
    assert torch.bincount(mnist.labels).tolist() == [500] * 10
    assert (mnist.channels, mnist.resolution, mnist.n_classes, len(mnist)) == (1, 28, 10, 5000)
    assert mnist.class_names == tuple(str(i) for i in range(10))
    assert mnist.name == "mnist5k" and mnist.source.endswith("mnist5k.npz")
    assert mnist.images.max().item() == 255 and mnist.images.min().item() == 0


def test_mnist5k_resolution_32():
    ds = gd.load("mnist5k", resolution=32, classes=[0, "1"])
    assert ds.images.shape == (1000, 1, 32, 32) and ds.images.dtype == torch.uint8
    assert set(ds.labels.tolist()) == {0, 1} and ds.n_classes == 10


def test_sample_shapes_ranges_and_no_repeats(mnist):
    x, y = mnist.sample(64, torch.Generator().manual_seed(0))
    assert x.shape == (64, 1, 28, 28) and x.dtype == torch.float32
    assert y.shape == (64,) and y.dtype == torch.int64
    assert x.min().item() >= -1.0 and x.max().item() <= 1.0
    idx = torch.randperm(5000, generator=torch.Generator().manual_seed(0))[:64]
    assert torch.equal(x, to_float(mnist.images[idx])) and torch.equal(y, mnist.labels[idx])


def test_sample_is_deterministic_given_generator_state(mnist):
    g = torch.Generator().manual_seed(123)
    mnist.sample(8, g)
    state = g.get_state()
    first = mnist.sample(32, g)
    g2 = torch.Generator()
    g2.set_state(state)
    again = mnist.sample(32, g2)
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    other = mnist.sample(32, torch.Generator().manual_seed(124))
    assert not torch.equal(first[1], other[1])


def test_sample_larger_than_dataset_uses_replacement():
    ds = _tiny(10)
    x, y = ds.sample(25, torch.Generator().manual_seed(0))
    assert x.shape == (25, 1, 4, 4) and y.shape == (25,)
    x2, _ = ds.sample(25, torch.Generator().manual_seed(0))
    assert torch.equal(x, x2)


def test_sample_refuses_bad_n():
    with pytest.raises(ValueError, match="n >= 1"):
        _tiny().sample(0, torch.Generator())


def test_batch_converts_given_indices():
    ds = _tiny(10)
    x, y = ds.batch(torch.tensor([9, 0, 4]))
    assert torch.allclose(x[:, 0, 0, 0], torch.tensor([9, 0, 4]) / 127.5 - 1)
    assert y.tolist() == [0, 0, 1]


def test_subset_keeps_original_labels_and_class_names():
    sub = _tiny(10).subset(["c"])
    assert sub.labels.tolist() == [2, 2, 2] and sub.class_names == ("a", "b", "c")
    assert sub.n_classes == 3


def test_dataset_validates_its_fields():
    with pytest.raises(ValueError, match="uint8"):
        ImageDataset(torch.zeros(2, 1, 4, 4), torch.zeros(2), ("a",), "x", "y")
    with pytest.raises(ValueError, match="square"):
        ImageDataset(torch.zeros(2, 1, 4, 5, dtype=torch.uint8), torch.zeros(2), ("a",), "x", "y")
    with pytest.raises(ValueError, match="class names"):
        ImageDataset(
            torch.zeros(2, 1, 4, 4, dtype=torch.uint8), torch.tensor([0, 1]), ("a",), "x", "y"
        )


def test_resize_keeps_constant_images_constant_and_handles_non_square():
    x = torch.full((3, 3, 28, 20), 77, dtype=torch.uint8)
    out = resize(x, 32)
    assert out.shape == (3, 3, 32, 32) and out.dtype == torch.uint8
    assert torch.all(out == 77)


def test_resize_down_is_antialiased():
    # A 1-pixel checkerboard averages to mid-grey when antialiased (not aliased to black/white).
    board = (torch.arange(8).view(1, 8) + torch.arange(8).view(8, 1)) % 2 * 255
    out = resize(board.to(torch.uint8).view(1, 1, 8, 8), 2)
    assert torch.all((out.int() - 128).abs() <= 2)


def test_build_refuses_non_square_without_resolution():
    with pytest.raises(ValueError, match="resolution="):
        build(torch.zeros(2, 1, 4, 6, dtype=torch.uint8), torch.zeros(2), ["a"], "x", "src")


def test_repr_is_short(mnist):
    text = repr(mnist)
    assert "n=5000" in text and "(1, 28, 28)" in text and len(text) < 200


def test_mnist5k_root_may_point_at_another_copy(tmp_path):
    copy = tmp_path / "mnist5k.npz"
    shutil.copy(REPO / "data" / "mnist5k.npz", copy)
    for root in (copy, tmp_path):
        ds = gd.load("mnist5k", root=root, classes=["7"])
        assert len(ds) == 500 and ds.source == str(copy)


def test_npz_arrays_are_read_without_pickle(tmp_path, monkeypatch):
    seen = {}
    real_load = np.load

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(np, "load", spy)
    gd.load("mnist5k")
    assert seen.get("allow_pickle") is False
