"""Every kind of bad input gives an error that names what was wrong and what would be right."""

import shutil
from pathlib import Path

import numpy as np
import pytest

import ganlens.data as gd

MNIST = Path(__file__).resolve().parents[2] / "data" / "mnist5k.npz"


def test_unknown_name_lists_valid_names():
    with pytest.raises(
        ValueError, match=r"unknown dataset 'mnist'; valid names: mnist5k, cifar10-jpeg"
    ):
        gd.load("mnist")


def test_unknown_split_lists_valid_splits():
    with pytest.raises(ValueError, match=r"unknown split 'val'; valid splits: train, test"):
        gd.load("mnist5k", split="val")


def test_mnist5k_has_no_test_split():
    with pytest.raises(ValueError, match="mnist5k has only a train split"):
        gd.load("mnist5k", split="test")


@pytest.mark.parametrize("resolution", [0, -32])
def test_resolution_must_be_positive(resolution):
    with pytest.raises(ValueError, match=r"resolution must be a positive int"):
        gd.load("mnist5k", resolution=resolution)


@pytest.mark.parametrize("resolution", [2.5, 32.0, "32", True])
def test_resolution_must_be_an_int(resolution):
    with pytest.raises(TypeError, match=r"resolution must be a positive int"):
        gd.load("mnist5k", resolution=resolution)


@pytest.mark.parametrize(
    ("classes", "pattern"),
    [
        (["cat"], r"unknown class 'cat'; available classes: '0', '1'"),
        ([10], r"class index 10 is out of range: this dataset has 10 classes"),
        ([], r"classes=\[\] selects nothing"),
    ],
)
def test_unknown_class(classes, pattern):
    with pytest.raises(ValueError, match=pattern):
        gd.load("mnist5k", classes=classes)


def test_class_of_wrong_type():
    with pytest.raises(TypeError, match="class names .* or indices"):
        gd.load("mnist5k", classes=[1.5])


def test_unknown_cifar_class_lists_cifar_names(tmp_path):
    with pytest.raises(ValueError, match=r"unknown class 'kitten'; available classes: 'airplane'"):
        gd.load("cifar10-jpeg", root=tmp_path, classes=["kitten"], cache_dir=tmp_path)


def test_missing_mnist5k_copy_says_where_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"mnist5k not found at .*shared/data/mnist5k.npz"):
        gd.load("mnist5k", root=tmp_path / "nope.npz")
    with pytest.raises(FileNotFoundError, match=r"mnist5k not found at .*mnist5k.npz"):
        gd.load("mnist5k", root=tmp_path)  # a folder without the file


def test_modified_mnist5k_fails_the_checksum(tmp_path):
    copy = tmp_path / "mnist5k.npz"
    shutil.copy(MNIST, copy)
    data = bytearray(copy.read_bytes())
    data[-100] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(
        ValueError, match=r"corrupt or not the mnist5k file: sha256 .* expected f814"
    ):
        gd.load("mnist5k", root=copy)


def test_missing_npz(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no such .npz file: .*nope.npz"):
        gd.load("npz", root=tmp_path / "nope.npz")


def test_root_is_required_for_npz_and_imagefolder():
    with pytest.raises(ValueError, match="name='npz' needs root="):
        gd.load("npz")
    with pytest.raises(ValueError, match="name='imagefolder' needs root="):
        gd.load("imagefolder")


def test_truncated_npz(tmp_path):
    bad = tmp_path / "trunc.npz"
    bad.write_bytes(MNIST.read_bytes()[:5000])
    with pytest.raises(ValueError, match=r"trunc.npz is corrupt or not a .npz dataset"):
        gd.load("npz", root=bad)


def test_text_file_renamed_npz(tmp_path):
    bad = tmp_path / "notes.npz"
    bad.write_text("these are my notes, not a dataset\n")
    with pytest.raises(ValueError, match=r"notes.npz is corrupt or not a .npz dataset"):
        gd.load("npz", root=bad)


def test_npy_file_and_object_arrays_are_refused(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros((2, 8, 8), np.uint8))
    with pytest.raises(ValueError, match="single .npy array"):
        gd.load("npz", root=tmp_path / "a.npy")
    np.savez(tmp_path / "obj.npz", x=np.array([object(), None], dtype=object))
    with pytest.raises(ValueError, match=r"obj.npz is corrupt or not a .npz dataset"):
        gd.load("npz", root=tmp_path / "obj.npz")


def test_npz_root_that_is_a_folder(tmp_path):
    with pytest.raises(ValueError, match="is not a file; name='npz' needs root="):
        gd.load("npz", root=tmp_path)


def test_empty_folder_is_not_an_image_dataset(tmp_path):
    with pytest.raises(ValueError, match=r"not an image dataset: no image files under"):
        gd.load("imagefolder", root=tmp_path)


def test_folder_of_text_files_is_not_an_image_dataset(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "readme.txt").write_text("hi")
    (tmp_path / "notes.md").write_text("hi")
    with pytest.raises(ValueError, match=r"not an image dataset: no image files under"):
        gd.load("imagefolder", root=tmp_path)


def test_corrupt_image_names_the_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "broken.png").write_text("not a png")
    with pytest.raises(ValueError, match=r"broken.png is corrupt or not an image"):
        gd.load("imagefolder", root=tmp_path)


def test_missing_image_folder_and_split(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such image folder"):
        gd.load("imagefolder", root=tmp_path / "nope")
    with pytest.raises(ValueError, match=r"has no 'test' folder"):
        gd.load("imagefolder", root=tmp_path, split="test")


def test_loose_images_beside_class_folders(tmp_path):
    from PIL import Image

    (tmp_path / "a").mkdir()
    Image.new("L", (4, 4)).save(tmp_path / "a" / "1.png")
    Image.new("L", (4, 4)).save(tmp_path / "stray.png")
    with pytest.raises(ValueError, match="beside class folders"):
        gd.load("imagefolder", root=tmp_path)
