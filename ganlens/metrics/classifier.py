"""A cheap feature distance: the Fréchet distance in the features of a classifier ganlens trains.

Inception FID costs ~20 minutes per 10k images on 2 CPU cores; a LeNet (MNIST) or a small ResNet
(CIFAR-10-JPEG) trained here in minutes embeds 10k images in seconds. The distance is the same
formula as FID (:func:`ganlens.metrics.fid.frechet_distance`) on the classifier's penultimate
features (128-d). It is called **FD-LeNet** / **FD-CIFARNet**, never FID: its scale depends on
the classifier, so it ranks models of one study and is never compared with published numbers.

The classifier is seeded and cached by a hash of the data's pixels and labels and the recipe
(``<cache>/classifiers/<arch>-<hash>.pt``, loaded with ``weights_only=True``); its held-out
accuracy is stored with it and reported beside every distance.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from ganlens.checkpoints import atomic_write_bytes
from ganlens.data.cache import default_cache_dir
from ganlens.data.images import ImageDataset, to_float
from ganlens.lens import GANLens
from ganlens.metrics.fid import frechet_distance, gaussian_stats
from ganlens.metrics.sampling import generate_uint8

ARCHS = ("lenet", "cifarnet")
LABELS = {"lenet": "FD-LeNet", "cifarnet": "FD-CIFARNet"}
FEATURES = 128
_FORMAT = 1


@dataclass(frozen=True)
class ClassifierRecipe:
    """How the feature classifier is trained (every field is part of its cache key).

    Attributes:
        arch: ``"lenet"`` (two conv layers, for digits) or ``"cifarnet"`` (a 3-stage ResNet).
        epochs, batch_size, lr: Adam training on the training images.
        holdout: share of the images held out (stratified by class) for the reported accuracy
            when no separate test set is given.
        seed: seeds initialisation, the hold-out split and the batch order.
    """

    arch: str = "lenet"
    epochs: int = 6
    batch_size: int = 128
    lr: float = 2e-3
    holdout: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"unknown classifier arch {self.arch!r}; choose one of {ARCHS}")
        if not 0.0 < self.holdout < 1.0:
            raise ValueError(f"holdout must be in (0, 1), got {self.holdout!r}")


class LeNet(nn.Module):
    """conv5-16, pool, conv5-32, pool, fc-128 (the features), fc-classes."""

    def __init__(self, channels: int, resolution: int, n_classes: int) -> None:
        super().__init__()
        self.convs = nn.Sequential(
            nn.Conv2d(channels, 16, 5, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 5, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.fc = nn.Linear(32 * (resolution // 4) ** 2, FEATURES)
        self.head = nn.Linear(FEATURES, n_classes)

    def features(self, x: Tensor) -> Tensor:
        """Penultimate features (N, 128), after the ReLU."""
        return F.relu(self.fc(self.convs(x).flatten(1)))

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))


class _Residual(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )
        self.skip = (
            nn.Identity()
            if stride == 1 and c_in == c_out
            else nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))
        )

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.body(x) + self.skip(x))


class CIFARNet(nn.Module):
    """A small ResNet: stem 32, residual stages 32 / 64 / 128 (stride 1, 2, 2), global mean."""

    def __init__(self, channels: int, resolution: int, n_classes: int) -> None:
        super().__init__()
        del resolution  # global pooling: any side
        self.stem = nn.Sequential(
            nn.Conv2d(channels, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU()
        )
        self.stages = nn.Sequential(
            _Residual(32, 32, 1), _Residual(32, 64, 2), _Residual(64, FEATURES, 2)
        )
        self.head = nn.Linear(FEATURES, n_classes)

    def features(self, x: Tensor) -> Tensor:
        """Penultimate features (N, 128): the global mean of the last stage."""
        return self.stages(self.stem(x)).mean(dim=(2, 3))

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))


_NETS = {"lenet": LeNet, "cifarnet": CIFARNet}


@dataclass
class FeatureNet:
    """A trained feature classifier and what it was trained on.

    Attributes:
        model: the network (eval mode); ``model.features(x)`` gives (N, 128).
        accuracy: its accuracy on the held-out (or test) images.
        recipe: how it was trained.
        data_digest: sha256 of the training data's pixels and labels.
        label: ``"FD-LeNet"`` or ``"FD-CIFARNet"``.
        path: its cache file.
    """

    model: nn.Module
    accuracy: float
    recipe: ClassifierRecipe
    data_digest: str
    label: str
    path: Path


def data_digest(data: ImageDataset) -> str:
    """sha256 of a dataset's pixels, labels and class names (what the classifier learns from)."""
    h = hashlib.sha256()
    h.update(data.images.numpy().tobytes())
    h.update(data.labels.numpy().tobytes())
    h.update(json.dumps(list(data.class_names)).encode())
    return h.hexdigest()


def _split(data: ImageDataset, recipe: ClassifierRecipe) -> tuple[Tensor, Tensor]:
    """Train and hold-out indices, stratified by class, from the recipe's seed."""
    g = torch.Generator().manual_seed(recipe.seed)
    train, held = [], []
    for c in data.labels.unique().tolist():
        idx = (data.labels == c).nonzero()[:, 0]
        idx = idx[torch.randperm(len(idx), generator=g)]
        k = max(1, round(recipe.holdout * len(idx)))
        held.append(idx[:k])
        train.append(idx[k:])
    return torch.cat(train), torch.cat(held)


def accuracy(model: nn.Module, images: Tensor, labels: Tensor, batch_size: int = 500) -> float:
    """Top-1 accuracy of ``model`` on uint8 ``images``."""
    model.eval()
    right = 0
    with torch.no_grad():
        for i in range(0, len(images), batch_size):
            logits = model(to_float(images[i : i + batch_size]))
            right += int((logits.argmax(1) == labels[i : i + batch_size]).sum())
    return right / max(1, len(images))


def train_classifier(
    data: ImageDataset,
    recipe: ClassifierRecipe,
    test: ImageDataset | None = None,
    progress: bool = False,
) -> tuple[nn.Module, float]:
    """Train the recipe's classifier on ``data``; returns it (eval mode) and its test accuracy.

    Without ``test``, a stratified ``holdout`` share of ``data`` is held out and not trained on.
    """
    torch.manual_seed(recipe.seed)
    if test is None:
        train_idx, held_idx = _split(data, recipe)
        test_x, test_y = data.images[held_idx], data.labels[held_idx]
    else:
        train_idx, test_x, test_y = torch.arange(len(data)), test.images, test.labels
    x, y = data.images[train_idx], data.labels[train_idx]
    model = _NETS[recipe.arch](data.channels, data.resolution, len(data.class_names))
    opt = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    g = torch.Generator().manual_seed(recipe.seed + 1)
    steps = recipe.epochs * -(-len(x) // recipe.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, recipe.lr, total_steps=steps)
    bar = tqdm(total=steps, desc=f"training {recipe.arch}", disable=not progress)
    for _ in range(recipe.epochs):
        model.train()
        for idx in torch.randperm(len(x), generator=g).split(recipe.batch_size):
            loss = F.cross_entropy(model(_augment(to_float(x[idx]), g)), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            bar.update()
    bar.close()
    return model.eval(), accuracy(model, test_x, test_y)


def _augment(x: Tensor, g: torch.Generator) -> Tensor:
    """Random shifts of up to 2 pixels (reflection padding): a classifier that generalises."""
    pad = F.pad(x, (2, 2, 2, 2), mode="reflect")
    dy, dx = torch.randint(0, 5, (2,), generator=g).tolist()
    return pad[:, :, dy : dy + x.shape[2], dx : dx + x.shape[3]]


def load_or_train_classifier(
    data: ImageDataset,
    recipe: ClassifierRecipe | None = None,
    test: ImageDataset | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = False,
) -> FeatureNet:
    """The recipe's classifier of ``data``: from the cache, or trained now and cached.

    Args:
        data: the labelled images to learn (e.g. all of MNIST-5k, CIFAR-10-JPEG train).
        recipe: how to train it (default: LeNet for 1-channel data, CIFARNet for 3).
        test: separate test images for the accuracy (default: the recipe's hold-out).
        cache_dir: default ``$GANLENS_CACHE`` or ``~/.cache/ganlens``.
    """
    if recipe is None:
        recipe = ClassifierRecipe(arch="lenet" if data.channels == 1 else "cifarnet")
    digest = data_digest(data)
    key = {
        "format": _FORMAT,
        "recipe": dataclasses.asdict(recipe),
        "data": digest,
        "test": data_digest(test) if test is not None else None,
    }
    name = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = root / "classifiers" / f"{recipe.arch}-{name}.pt"
    model = _NETS[recipe.arch](data.channels, data.resolution, len(data.class_names))
    if path.is_file():
        state = torch.load(path, map_location="cpu", weights_only=True)
        model.load_state_dict(state["model"])
        acc = float(state["accuracy"])
    else:
        model, acc = train_classifier(data, recipe, test, progress)
        buffer = io.BytesIO()
        torch.save({"model": model.state_dict(), "accuracy": acc, "key": json.dumps(key)}, buffer)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, buffer.getvalue())
    return FeatureNet(model.eval(), acc, recipe, digest, LABELS[recipe.arch], path)


def classifier_features(net: FeatureNet, images: Tensor, batch_size: int = 500) -> Tensor:
    """Penultimate features (N, 128) float64 of uint8 ``images`` (N, C, H, W)."""
    if images.dtype != torch.uint8:
        raise ValueError(
            f"classifier_features takes uint8 images (N, C, H, W), got {images.dtype}; "
            "round generated images with ganlens.data.images.to_uint8 first"
        )
    with torch.no_grad():
        parts = [
            net.model.features(to_float(images[i : i + batch_size])).double()
            for i in range(0, len(images), batch_size)
        ]
    return torch.cat(parts)


def fd_classifier(net: FeatureNet, real: Tensor, fake: Tensor) -> float:
    """The Fréchet distance between uint8 image sets ``real`` and ``fake`` in ``net``'s features."""
    a, b = classifier_features(net, real), classifier_features(net, fake)
    return frechet_distance(*gaussian_stats(a), *gaussian_stats(b))


COLLAPSE_SPREAD = 0.25  # fake features spread (trace of covariance) below 25% of the real's
COLLAPSE_PRECISION = 0.05  # or fewer than 5% of fakes inside the real feature manifold (k = 3)


def feature_report(net: FeatureNet, real: Tensor, fake: Tensor, pr_n: int = 2000) -> dict:
    """FD, spread, kNN precision / recall and a collapse flag of uint8 ``fake`` against ``real``.

    Returns ``fd`` (Fréchet distance), ``spread`` (tr cov(fake) / tr cov(real) of the
    features), ``precision`` and ``recall`` (k = 3, on the first ``pr_n`` of each) and
    ``collapsed``: spread below :data:`COLLAPSE_SPREAD` or precision below
    :data:`COLLAPSE_PRECISION` (a G that ignores z, or makes nothing like the data).
    """
    from ganlens.metrics.precision_recall import precision_recall

    a, b = classifier_features(net, real), classifier_features(net, fake)
    spread = float(torch.trace(torch.cov(b.T)) / torch.trace(torch.cov(a.T)))
    pr = precision_recall(a[:pr_n].float(), b[:pr_n].float(), k=3)
    return {
        "fd": frechet_distance(*gaussian_stats(a), *gaussian_stats(b)),
        "spread": spread,
        "precision": pr.precision,
        "recall": pr.recall,
        "collapsed": bool(spread < COLLAPSE_SPREAD or pr.precision < COLLAPSE_PRECISION),
    }


def evaluate_features(
    lens: GANLens,
    real: ImageDataset,
    net: FeatureNet,
    n: int = 10_000,
    seed: int = 0,
    G: nn.Module | None = None,
) -> dict:
    """:func:`feature_report` of ``n`` images of G (``lens.G`` or ``G``) against all of ``real``.

    ``real`` is the run's own training data (e.g. 500 images of one digit); the samples come
    from a generator seeded by ``seed``. Keys are prefixed by the distance's name:
    ``fd_lenet``, ``fd_lenet_spread``, ... plus ``fd_lenet_n`` and ``fd_lenet_acc`` (the
    classifier's held-out accuracy).
    """
    fake = generate_uint8(lens, n, torch.Generator().manual_seed(seed + 7), G=G)
    prefix = f"fd_{net.recipe.arch}"
    report = feature_report(net, real.images, fake)
    out = {prefix: report.pop("fd")}
    out.update({f"{prefix}_{k}": v for k, v in report.items()})
    out.update({f"{prefix}_n": n, f"{prefix}_acc": net.accuracy})
    return out
