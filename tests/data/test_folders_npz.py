"""The "imagefolder" and "npz" routes, on files written to tmp_path."""

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import ganlens.data as gd


def _png(path: Path, value: int, size: tuple[int, int] = (8, 8), mode: str = "RGB") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fill = value if mode == "L" else (value, 255 - value, 7)
    Image.new(mode, size, fill).save(path)


def _folder(root: Path, mode: str = "RGB") -> Path:
    _png(root / "dog" / "b.png", 20, mode=mode)
    _png(root / "dog" / "a.png", 10, mode=mode)
    _png(root / "cat" / "z.png", 30, mode=mode)
    return root


def test_imagefolder_rgb_classes_and_order(tmp_path):
    ds = gd.load("imagefolder", root=_folder(tmp_path))
    assert ds.images.shape == (3, 3, 8, 8) and ds.images.dtype == torch.uint8
    assert ds.class_names == ("cat", "dog") and ds.labels.tolist() == [0, 1, 1]
    assert ds.images[:, 0, 0, 0].tolist() == [30, 10, 20]  # sorted by class, then file name
    assert ds.images[0, 1, 0, 0].item() == 225
    assert ds.name == "imagefolder" and ds.source == str(tmp_path)


def test_imagefolder_grayscale_gives_one_channel_and_classes_filter(tmp_path):
    ds = gd.load("imagefolder", root=_folder(tmp_path, mode="L"), classes=["dog"])
    assert ds.images.shape == (2, 1, 8, 8) and ds.labels.tolist() == [1, 1]
    assert ds.class_names == ("cat", "dog")


def test_imagefolder_mixed_gray_and_rgb_gives_rgb(tmp_path):
    _folder(tmp_path, mode="L")
    _png(tmp_path / "cat" / "y.png", 40, mode="RGB")
    assert gd.load("imagefolder", root=tmp_path).channels == 3


def test_imagefolder_uses_split_subfolder(tmp_path):
    _folder(tmp_path / "train")
    _png(tmp_path / "test" / "cat" / "q.png", 50)
    assert len(gd.load("imagefolder", root=tmp_path)) == 3
    test = gd.load("imagefolder", root=tmp_path, split="test")
    assert len(test) == 1 and test.source == str(tmp_path / "test")


def test_imagefolder_without_class_folders_is_one_class(tmp_path):
    for i in range(3):
        _png(tmp_path / "flat" / f"{i}.jpg", 100)
    ds = gd.load("imagefolder", root=tmp_path / "flat")
    assert ds.class_names == ("flat",) and ds.labels.tolist() == [0, 0, 0]


def test_imagefolder_mixed_sizes_need_resolution(tmp_path):
    _png(tmp_path / "a" / "1.png", 10, size=(8, 8))
    _png(tmp_path / "a" / "2.png", 10, size=(12, 10))
    with pytest.raises(ValueError, match=r"mixed sizes: .*12x10.*resolution="):
        gd.load("imagefolder", root=tmp_path)
    ds = gd.load("imagefolder", root=tmp_path, resolution=16)
    assert ds.images.shape == (2, 3, 16, 16) and torch.all(ds.images[:, 0] == 10)


def test_imagefolder_non_square_needs_resolution(tmp_path):
    _png(tmp_path / "a" / "1.png", 10, size=(12, 10))
    with pytest.raises(ValueError, match=r"non-square 10x12.*resolution="):
        gd.load("imagefolder", root=tmp_path)


def test_npz_layouts(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (6, 8, 8, 3), dtype=np.uint8)
    y = np.array([0, 1, 2, 0, 1, 2])
    for name, arr in {"nhwc": x, "nchw": x.transpose(0, 3, 1, 2), "gray": x[..., 0]}.items():
        np.savez(tmp_path / f"{name}.npz", x=arr, y=y)
        ds = gd.load("npz", root=tmp_path / f"{name}.npz")
        expected = x.transpose(0, 3, 1, 2) if name != "gray" else x[:, None, :, :, 0]
        assert torch.equal(ds.images, torch.from_numpy(np.ascontiguousarray(expected)))
        assert ds.labels.tolist() == y.tolist() and ds.class_names == ("0", "1", "2")


def test_npz_optional_labels_names_and_test_split(tmp_path):
    x = np.zeros((4, 8, 8), dtype=np.uint8)
    names = np.array(["zero", "one"])
    arrays = {
        "x_train": x,
        "y_train": np.array([0, 1, 1, 0]),
        "x_test": x[:2],
        "class_names": names,
    }
    np.savez(tmp_path / "d.npz", **arrays)
    ds = gd.load("npz", root=tmp_path / "d.npz", classes=["one"])
    assert ds.labels.tolist() == [1, 1] and ds.class_names == ("zero", "one")
    test = gd.load("npz", root=tmp_path / "d.npz", split="test")
    assert len(test) == 2 and test.labels.tolist() == [0, 0]


def test_npz_refuses_float_images_and_bad_shapes(tmp_path):
    np.savez(tmp_path / "f.npz", x=np.zeros((2, 8, 8), dtype=np.float32))
    with pytest.raises(ValueError, match=r"uint8.*astype\(np.uint8\)"):
        gd.load("npz", root=tmp_path / "f.npz")
    np.savez(tmp_path / "s.npz", x=np.zeros((2, 8, 8, 5), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"shape \(2, 8, 8, 5\)"):
        gd.load("npz", root=tmp_path / "s.npz")
    np.savez(tmp_path / "t.npz", x=np.zeros((2, 8, 8), dtype=np.uint8))
    with pytest.raises(ValueError, match="no test images.*x_test"):
        gd.load("npz", root=tmp_path / "t.npz", split="test")


def test_npz_resolution(tmp_path):
    np.savez(tmp_path / "r.npz", x=np.full((3, 28, 20), 9, dtype=np.uint8))
    ds = gd.load("npz", root=tmp_path / "r.npz", resolution=32)
    assert ds.images.shape == (3, 1, 32, 32) and torch.all(ds.images == 9)
