"""The classifier feature distance (FD-LeNet): training, caching, features, and its distances."""

from __future__ import annotations

import pytest
import torch

from ganlens.data import ImageDataset
from ganlens.data import load as load_data
from ganlens.metrics import classifier as clf

FAST = clf.ClassifierRecipe(arch="lenet", epochs=6, batch_size=32, lr=3e-3)


@pytest.fixture(scope="module")
def digits() -> ImageDataset:
    full = load_data("mnist5k", resolution=16)
    keep = torch.cat([(full.labels == c).nonzero()[:60, 0] for c in range(10)])
    return ImageDataset(full.images[keep], full.labels[keep], full.class_names, "digits600", "")


@pytest.fixture(scope="module")
def net(digits, tmp_path_factory) -> clf.FeatureNet:
    return clf.load_or_train_classifier(digits, FAST, cache_dir=tmp_path_factory.mktemp("c"))


def test_classifier_learns_and_reports_held_out_accuracy(net):
    # 480 training digits, 6 epochs: far above chance (0.1) on the 120 held out
    assert net.accuracy > 0.5 and net.label == "FD-LeNet"
    assert net.path.is_file() and net.path.name.startswith("lenet-")


def test_cache_reloads_the_same_network_without_training(digits, net, monkeypatch):
    monkeypatch.setattr(clf, "train_classifier", lambda *a, **k: pytest.fail("retrained"))
    again = clf.load_or_train_classifier(digits, FAST, cache_dir=net.path.parent.parent)
    assert again.accuracy == net.accuracy
    x = digits.images[:8]
    assert torch.equal(clf.classifier_features(again, x), clf.classifier_features(net, x))
    state = torch.load(net.path, weights_only=True)  # loads without executing code
    assert set(state) == {"model", "accuracy", "key"}


def test_cache_key_follows_data_and_recipe(digits, net):
    flipped = ImageDataset(
        255 - digits.images, digits.labels, digits.class_names, digits.name, digits.source
    )
    assert clf.data_digest(flipped) != clf.data_digest(digits)
    other = clf.load_or_train_classifier(
        digits, clf.ClassifierRecipe(epochs=1, batch_size=64), cache_dir=net.path.parent.parent
    )
    assert other.path != net.path


def test_holdout_split_is_stratified_and_disjoint(digits):
    train, held = clf._split(digits, FAST)
    assert len(set(train.tolist()) & set(held.tolist())) == 0
    assert len(train) + len(held) == len(digits)
    assert torch.bincount(digits.labels[held], minlength=10).tolist() == [12] * 10


def test_distances_rank_as_expected(digits, net):
    perm = torch.randperm(len(digits), generator=torch.Generator().manual_seed(0))
    x = digits.images[perm]
    same = clf.fd_classifier(net, x[:300], x[300:])
    ones = digits.images[digits.labels == 1]
    sevens = digits.images[digits.labels == 7]
    assert clf.fd_classifier(net, x, x) == pytest.approx(0.0, abs=1e-6)
    assert same < clf.fd_classifier(net, ones, sevens)
    noise = torch.randint(0, 256, x.shape, generator=torch.Generator().manual_seed(1))
    assert clf.fd_classifier(net, x, noise.to(torch.uint8)) > 10 * same


def test_bad_inputs(net):
    with pytest.raises(ValueError, match="uint8"):
        clf.classifier_features(net, torch.zeros(2, 1, 16, 16))
    with pytest.raises(ValueError, match="unknown classifier arch"):
        clf.ClassifierRecipe(arch="vgg")
    with pytest.raises(ValueError, match="holdout"):
        clf.ClassifierRecipe(holdout=1.0)


def test_cifarnet_builds_features_of_128(tmp_path):
    x = torch.randint(0, 256, (6, 3, 16, 16), dtype=torch.uint8)
    labels = torch.tensor([0, 1, 0, 1, 0, 1])
    data = ImageDataset(x, labels, ("a", "b"), "tiny", "")
    recipe = clf.ClassifierRecipe(arch="cifarnet", epochs=1, batch_size=4, holdout=0.34)
    net = clf.load_or_train_classifier(data, recipe, cache_dir=tmp_path)
    assert net.label == "FD-CIFARNet"
    assert clf.classifier_features(net, x).shape == (6, clf.FEATURES)
