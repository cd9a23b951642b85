"""CIFAR-10 python pickles on a tiny fake batch set, and the restricted unpickler."""

import io
import os
import pickle
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch

import ganlens.data as gd
from ganlens.data.cifar import CIFAR10_CLASSES
from ganlens.data.cifar_pickles import RestrictedUnpickler, restricted_loads

PER_BATCH = 3


def _batch(seed: int, n: int = PER_BATCH) -> dict:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
    return {b"batch_label": b"fake", b"labels": [(seed + i) % 10 for i in range(n)], b"data": data}


def _fake_set(folder: Path, protocol: int = 2) -> Path:
    folder.mkdir(parents=True)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for seed, name in enumerate(names):
        (folder / name).write_bytes(pickle.dumps(_batch(seed), protocol=protocol))
    meta = {b"label_names": [c.encode() for c in CIFAR10_CLASSES], b"num_vis": 3072}
    (folder / "batches.meta").write_bytes(pickle.dumps(meta, protocol=protocol))
    return folder


def test_train_and_test_splits(tmp_path):
    folder = _fake_set(tmp_path / "cifar-10-batches-py")
    train = gd.load("cifar10", root=folder)
    assert train.images.shape == (5 * PER_BATCH, 3, 32, 32) and train.images.dtype == torch.uint8
    assert train.class_names == CIFAR10_CLASSES and train.name == "cifar10"
    first = _batch(0)
    assert torch.equal(
        train.images[:PER_BATCH].reshape(PER_BATCH, -1), torch.from_numpy(first[b"data"])
    )
    assert train.labels[:PER_BATCH].tolist() == first[b"labels"]
    test = gd.load("cifar10", root=tmp_path, split="test")  # the parent folder works too
    assert len(test) == PER_BATCH and test.labels.tolist() == _batch(5)[b"labels"]


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_protocols_and_classes(tmp_path, protocol):
    folder = _fake_set(tmp_path / "b", protocol=protocol)
    ds = gd.load("cifar10", root=folder, classes=["cat", "dog"], resolution=16)
    assert ds.images.shape[1:] == (3, 16, 16) and set(ds.labels.tolist()) <= {3, 5}
    assert len(ds) == sum(lab in (3, 5) for i in range(5) for lab in _batch(i)[b"labels"])


def test_python2_style_numpy_core_names_are_accepted(tmp_path):
    blob = pickle.dumps(_batch(0), protocol=2)
    assert b"numpy._core.multiarray" in blob  # protocol 2 names globals as text
    py2 = blob.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    out = restricted_loads(py2, "py2 batch")
    assert np.array_equal(out[b"data"], _batch(0)[b"data"])


def test_archive_form(tmp_path):
    folder = _fake_set(tmp_path / "src" / "cifar-10-batches-py")
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="cifar-10-batches-py")
    from_archive = gd.load("cifar10", root=archive)
    assert torch.equal(from_archive.images, gd.load("cifar10", root=folder).images)
    assert len(gd.load("cifar10", root=tmp_path, split="test")) == PER_BATCH


class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_malicious_pickle_is_refused_without_running(tmp_path):
    marker = tmp_path / "pwned"
    blob = pickle.dumps(_Evil(marker))
    with pytest.raises(pickle.UnpicklingError, match="refused to load the global"):
        RestrictedUnpickler(io.BytesIO(blob)).load()
    folder = _fake_set(tmp_path / "b")
    (folder / "data_batch_3").write_bytes(pickle.dumps({b"data": _Evil(marker), b"labels": []}))
    with pytest.raises(pickle.UnpicklingError, match=r"data_batch_3: refused .*system"):
        gd.load("cifar10", root=folder)
    assert not marker.exists()


@pytest.mark.parametrize("target", [(eval, ("1",)), (getattr, (1, "real")), (__import__, ("os",))])
def test_builtin_callables_are_refused(target):
    class Payload:
        def __reduce__(self):
            return target

    with pytest.raises(pickle.UnpicklingError, match="refused"):
        restricted_loads(pickle.dumps(Payload()), "payload")


def test_codecs_encode_only_latin1():
    class Payload:
        def __reduce__(self):
            import codecs

            return (codecs.encode, ("abc", "rot13"))

    with pytest.raises(pickle.UnpicklingError, match="latin1"):
        restricted_loads(pickle.dumps(Payload(), protocol=2), "payload")


def test_corrupt_and_wrong_pickles(tmp_path):
    folder = _fake_set(tmp_path / "b")
    (folder / "data_batch_2").write_bytes((folder / "data_batch_2").read_bytes()[:500])
    with pytest.raises(ValueError, match=r"data_batch_2 is corrupt or not a pickle"):
        gd.load("cifar10", root=folder)
    (folder / "data_batch_2").write_bytes(pickle.dumps({b"data": np.zeros((2, 5), np.uint8)}))
    with pytest.raises(ValueError, match=r"data_batch_2 is not a CIFAR-10 batch"):
        gd.load("cifar10", root=folder)


def test_missing_batch_and_not_a_dataset(tmp_path):
    folder = _fake_set(tmp_path / "b")
    (folder / "data_batch_4").unlink()
    with pytest.raises(FileNotFoundError, match=r"lacks \['data_batch_4'\]"):
        gd.load("cifar10", root=folder)
    assert len(gd.load("cifar10", root=folder, split="test")) == PER_BATCH
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="not a CIFAR-10 python dataset"):
        gd.load("cifar10", root=tmp_path / "empty")
    (tmp_path / "bad.tar.gz").write_bytes(b"\x1f\x8b" + b"garbage" * 20)
    with pytest.raises(ValueError, match=r"bad.tar.gz is corrupt or not a CIFAR-10 python archive"):
        gd.load("cifar10", root=tmp_path / "bad.tar.gz")
