"""CIFAR-10-JPEG: a tiny fake tarball/folder with the real layout, the cache, and the real file."""

import io
import os
import tarfile
import warnings
from pathlib import Path

import pytest
import torch
from PIL import Image

import ganlens.data as gd
from ganlens.data import registry
from ganlens.data.cifar import CIFAR10_CLASSES

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
REAL_TARBALL = SHARED / "cifar10-jpeg.tar.gz"

# (split, class, file, grey value): deliberately not in sorted order inside the tarball.
FAKE = [
    ("train", "cat", "0002.jpg", 200),
    ("train", "airplane", "0001.jpg", 10),
    ("train", "cat", "0001.jpg", 100),
    ("train", "truck", "0007.jpg", 250),
    ("test", "cat", "0001.jpg", 60),
    ("test", "dog", "0003.jpg", 160),
]


def _jpeg(value: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (value, value, value)).save(buf, format="JPEG", quality=75)
    return buf.getvalue()


def _fake_tarball(path: Path, entries=FAKE) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for split, cls, name, value in entries:
            data = _jpeg(value)
            info = tarfile.TarInfo(f"cifar10jpg/{split}/{cls}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _fake_folder(root: Path) -> Path:
    for split, cls, name, value in FAKE:
        (root / split / cls).mkdir(parents=True, exist_ok=True)
        (root / split / cls / name).write_bytes(_jpeg(value))
    return root


def _greys(ds: gd.ImageDataset) -> list[int]:
    return ds.images[:, 0, 16, 16].tolist()


def _close(got: list[int], want: list[int]) -> bool:
    return len(got) == len(want) and all(abs(a - b) <= 3 for a, b in zip(got, want))


def test_fake_tarball_train_split_order_and_labels(tmp_path):
    ds = gd.load(
        "cifar10-jpeg", partial=True, root=_fake_tarball(tmp_path / "c.tar.gz"), cache_dir=tmp_path
    )
    assert ds.images.shape == (4, 3, 32, 32) and ds.images.dtype == torch.uint8
    assert ds.labels.tolist() == [0, 3, 3, 9]  # airplane, cat 0001, cat 0002, truck
    assert _close(_greys(ds), [10, 100, 200, 250])
    assert ds.class_names == CIFAR10_CLASSES and ds.n_classes == 10
    assert ds.name == "cifar10-jpeg" and ds.source == str(tmp_path / "c.tar.gz")


def test_fake_tarball_test_split_classes_and_resolution(tmp_path):
    tarball = _fake_tarball(tmp_path / "c.tar.gz")
    kwargs = {"split": "test", "classes": ["dog"], "resolution": 16, "cache_dir": tmp_path}
    ds = gd.load("cifar10-jpeg", partial=True, root=tarball, **kwargs)
    assert ds.images.shape == (1, 3, 16, 16) and ds.labels.tolist() == [5]


@pytest.mark.parametrize("form", ["folder", "parent_of_folder", "parent_of_tarball"])
def test_root_forms_give_the_same_data(tmp_path, form):
    reference = gd.load(  # a 6-image fake of the real layout: partial=True
        "cifar10-jpeg", partial=True, root=_fake_tarball(tmp_path / "c.tar.gz"), cache_dir=tmp_path
    )
    if form == "folder":
        root = _fake_folder(tmp_path / "x" / "cifar10jpg")
    elif form == "parent_of_folder":
        root = _fake_folder(tmp_path / "x" / "cifar10jpg").parent
    else:
        (tmp_path / "y").mkdir()
        root = _fake_tarball(tmp_path / "y" / "cifar10-jpeg.tar.gz").parent
    ds = gd.load("cifar10-jpeg", partial=True, root=root, cache_dir=tmp_path / "cache2")
    assert torch.equal(ds.images, reference.images) and torch.equal(ds.labels, reference.labels)


def test_env_var_and_default_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GANLENS_DATA", str(_fake_tarball(tmp_path / "c.tar.gz")))
    monkeypatch.setenv("GANLENS_CACHE", str(tmp_path / "envcache"))
    ds = gd.load("cifar10-jpeg", partial=True)
    assert len(ds) == 4 and ds.source == str(tmp_path / "c.tar.gz")
    assert len(list((tmp_path / "envcache").glob("cifar10-jpeg-train-all-*.npz"))) == 1


def test_cache_is_used_and_keyed_by_source_state(tmp_path, monkeypatch):
    tarball = _fake_tarball(tmp_path / "c.tar.gz")
    first = gd.load("cifar10-jpeg", partial=True, root=tarball, cache_dir=tmp_path / "cache")
    (cache_file,) = (tmp_path / "cache").glob("*.npz")
    monkeypatch.setattr("ganlens.data.cifar._decode_tar", _fail)
    again = gd.load("cifar10-jpeg", partial=True, root=tarball, cache_dir=tmp_path / "cache")
    assert torch.equal(first.images, again.images) and torch.equal(first.labels, again.labels)
    monkeypatch.undo()
    _fake_tarball(tarball, FAKE[:2])  # a changed source (size, mtime) must not hit the old cache
    os.utime(tarball, ns=(1, 1))
    assert (
        len(gd.load("cifar10-jpeg", partial=True, root=tarball, cache_dir=tmp_path / "cache")) == 2
    )
    assert cache_file.exists() and len(list((tmp_path / "cache").glob("*.npz"))) == 2
    assert not list((tmp_path / "cache").glob("*.tmp"))


def _fail(*args, **kwargs):
    raise AssertionError("decoded although a cache file should have been used")


def test_corrupt_cache_is_ignored_and_rebuilt(tmp_path):
    tarball = _fake_tarball(tmp_path / "c.tar.gz")
    first = gd.load("cifar10-jpeg", partial=True, root=tarball, cache_dir=tmp_path / "cache")
    (cache_file,) = (tmp_path / "cache").glob("*.npz")
    cache_file.write_bytes(cache_file.read_bytes()[:100])
    with pytest.warns(UserWarning, match="unreadable cache file"):
        again = gd.load("cifar10-jpeg", partial=True, root=tarball, cache_dir=tmp_path / "cache")
    assert torch.equal(first.images, again.images)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gd.load(
            "cifar10-jpeg", partial=True, root=tarball, cache_dir=tmp_path / "cache"
        )  # rebuilt, valid again


def test_unwritable_cache_only_warns(tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the cache folder should be")
    with pytest.warns(UserWarning, match="continuing without it"):
        ds = gd.load(
            "cifar10-jpeg",
            partial=True,
            root=_fake_tarball(tmp_path / "c.tar.gz"),
            cache_dir=blocker,
        )
    assert len(ds) == 4


def test_corrupt_tarball_names_the_file(tmp_path):
    good = _fake_tarball(tmp_path / "c.tar.gz").read_bytes()
    broken = {"trunc.tar.gz": good[: len(good) // 2], "text.tar.gz": b"hello\n" * 50}
    for name, data in broken.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match=rf"{name} is corrupt or not a CIFAR-10-JPEG tarball"):
            gd.load("cifar10-jpeg", partial=True, root=tmp_path / name, cache_dir=tmp_path)


def test_corrupt_jpeg_inside_tarball_names_the_member(tmp_path):
    path = tmp_path / "c.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("cifar10jpg/train/cat/0001.jpg")
        info.size = 10
        tar.addfile(info, io.BytesIO(b"not a jpeg"))
    with pytest.raises(ValueError, match=r"train/cat/0001.jpg is corrupt or not an image"):
        gd.load("cifar10-jpeg", partial=True, root=path, cache_dir=tmp_path)


def test_foreign_class_folder_is_refused(tmp_path):
    path = _fake_tarball(tmp_path / "c.tar.gz", [*FAKE, ("train", "kitten", "0001.jpg", 5)])
    with pytest.raises(ValueError, match=r"\['kitten'\].*not CIFAR-10 classes"):
        gd.load("cifar10-jpeg", partial=True, root=path, cache_dir=tmp_path)


def test_not_a_cifar_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"not a CIFAR-10-JPEG dataset: .*empty.*name='cifar10'"):
        gd.load("cifar10-jpeg", partial=True, root=tmp_path / "empty", cache_dir=tmp_path)


def test_missing_root_says_how_to_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"does not exist.*GANLENS_DATA.*root="):
        gd.load("cifar10-jpeg", partial=True, root=tmp_path / "nope.tar.gz")


def test_not_found_anywhere_lists_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.delenv("GANLENS_DATA", raising=False)
    monkeypatch.setattr(registry, "repo_root", lambda: tmp_path / "repo")
    (tmp_path / "work" / "cwd").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work" / "cwd")
    with pytest.raises(FileNotFoundError) as err:
        gd.load("cifar10-jpeg")
    text = str(err.value)
    assert str(tmp_path / "shared" / "data" / "cifar10-jpeg.tar.gz") in text
    assert str(tmp_path / "work" / "shared" / "data" / "cifar10-jpeg.tar.gz") in text
    assert "GANLENS_DATA" in text and "name='cifar10'" in text


@pytest.mark.data
@pytest.mark.skipif(not REAL_TARBALL.is_file(), reason=f"needs {REAL_TARBALL} (../shared/data)")
def test_real_tarball_cat_class_and_cached_reload(tmp_path):
    ds = gd.load("cifar10-jpeg", root=REAL_TARBALL, classes=["cat"], cache_dir=tmp_path)
    assert ds.images.shape == (5000, 3, 32, 32) and set(ds.labels.tolist()) == {3}
    again = gd.load("cifar10-jpeg", root=REAL_TARBALL, classes=[3], cache_dir=tmp_path)
    assert torch.equal(ds.images, again.images)
    x, y = ds.sample(16, torch.Generator().manual_seed(0))
    assert x.shape == (16, 3, 32, 32) and x.min() >= -1 and x.max() <= 1 and torch.all(y == 3)


def test_a_partial_copy_or_a_corrupt_archive_is_refused_not_loaded(tmp_path):
    tarball = _fake_tarball(tmp_path / "c.tar.gz")
    with pytest.raises(
        ValueError,
        match=r"not a complete CIFAR-10-JPEG \(train/airplane: 1, "
        r"train/automobile: 0.*every class has 5000 in train.*partial=True",
    ):
        gd.load("cifar10-jpeg", root=tarball, cache_dir=tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.npz"))  # nothing cached
    with pytest.raises(ValueError, match=r"test/cat: 1 images; every class has 1000 in test"):
        gd.load(
            "cifar10-jpeg",
            root=_fake_folder(tmp_path / "f"),
            split="test",
            classes=["cat"],
            cache_dir=tmp_path / "cache",
        )
    raw = bytearray(tarball.read_bytes())
    raw[len(raw) // 2] ^= 0x10  # one flipped bit: gzip -t reports a CRC error
    (tmp_path / "flip.tar.gz").write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"flip.tar.gz is corrupt .*(CRC|Error)"):
        gd.load("cifar10-jpeg", root=tmp_path / "flip.tar.gz", partial=True, cache_dir=tmp_path)
