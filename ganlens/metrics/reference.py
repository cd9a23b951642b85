"""Reference features of real images, cached on disk by everything that decides them.

A reference holds the features (not just mean and covariance), because KID and precision/recall
need them; mean and covariance are computed from them in float64 on demand. The cache key is the
dataset name, split, classes present, resolution, sample count, the seed of the draw, the sha256
of the drawn images' bytes, the extractor's file sha256, its resize method and input size: any
change gives a new file, never a stale number.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from ganlens import data as gdata
from ganlens.data.cache import cache_file, default_cache_dir, read_cache, write_cache
from ganlens.data.images import ImageDataset
from ganlens.metrics.features import FeatureExtractor, inception_features, load_extractor
from ganlens.metrics.fid import gaussian_stats, n_label

_VERSION = 1


@dataclass(frozen=True, eq=False)
class Reference:
    """Features of ``n`` real images and how they were made.

    Attributes:
        features: (n, D) float32.
        key: the cache key (dataset, split, classes, resolution, n, seed, images_sha256,
            extractor, extractor_sha256, resize, input_size, version).
        source: the file or folder the images came from.
        path: the cache file, or ``None`` when not cached.
    """

    features: Tensor
    key: dict[str, Any]
    source: str = ""
    path: Path | None = field(default=None)

    @property
    def n(self) -> int:
        """Number of reference images."""
        return len(self.features)

    @property
    def label(self) -> str:
        """E.g. ``"cifar10-jpeg train (2k)"``."""
        return f"{self.key['dataset']} {self.key['split']} ({n_label(self.n)})"

    def stats(self) -> tuple[Tensor, Tensor]:
        """Mean (D,) and covariance (D, D), float64."""
        return gaussian_stats(self.features)


def select_images(images: Tensor, n: int | None, seed: int) -> Tensor:
    """All images (``n=None``) or ``n`` drawn without replacement by ``seed``."""
    if n is None:
        return images
    if not 2 <= n <= len(images):
        raise ValueError(
            f"n={n} reference images requested but the dataset has {len(images)}; "
            f"pass 2 <= n <= {len(images)}, or n=None for all"
        )
    idx = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))[:n]
    return images[idx]


def reference_stats(
    dataset: str | ImageDataset = "cifar10-jpeg",
    split: str = "train",
    n: int | None = None,
    *,
    classes: list[str | int] | None = None,
    resolution: int | None = None,
    root: str | os.PathLike | None = None,
    seed: int = 0,
    extractor: FeatureExtractor | None = None,
    device: str | torch.device | None = None,
    batch_size: int = 64,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    progress: bool | None = None,
) -> Reference:
    """Features of real images for FID/KID/precision-recall, read from the cache when possible.

    Args:
        dataset: a name for :func:`ganlens.data.load` (``"cifar10-jpeg"``, ``"mnist5k"``, ...) or
            an already loaded :class:`ImageDataset` (``split``/``classes``/``resolution``/``root``
            are then ignored; its content decides the key).
        split, classes, resolution, root: passed to :func:`ganlens.data.load`.
        n: number of images (drawn by ``seed``); ``None`` for all of them (CIFAR-10-JPEG train:
            50k images, over an hour on 2 CPU cores at ~10 images/s; a minute or two on a GPU).
        seed: seed of the draw.
        extractor: a loaded extractor; default :func:`ganlens.metrics.load_extractor`.
        device: where a freshly loaded extractor runs.
        batch_size: images per forward pass.
        cache_dir: folder of reference files; default ``<GANLENS_CACHE>/reference``.
        use_cache: read and write the cache.
        progress: tqdm bar (default on for more than 256 images).

    Returns:
        A :class:`Reference`; ``reference.stats()`` gives (mu, sigma).
    """
    data = _load(dataset, split, classes, resolution, root)
    images = select_images(data.images, n, seed)
    extractor = extractor if extractor is not None else load_extractor(device=device)
    key = reference_key(
        data,
        images,
        split if isinstance(dataset, str) else None,
        seed if n is not None else None,
        extractor,
    )
    folder = (
        Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir() / "reference"
    )
    path = cache_file(folder, f"{data.name}-{key['split']}-n{len(images)}", key)
    cached = read_cache(path) if use_cache else None
    if cached is not None and "key" in cached and json.loads(str(cached["key"])) == key:
        return Reference(torch.from_numpy(cached["features"]), key, data.source, path)
    feats = inception_features(images, batch_size, extractor=extractor, progress=progress)
    if use_cache:
        write_cache(path, features=feats.numpy(), key=np.array(json.dumps(key, sort_keys=True)))
    return Reference(feats, key, data.source, path if use_cache else None)


def _load(
    dataset: str | ImageDataset,
    split: str,
    classes: Any,
    resolution: int | None,
    root: str | os.PathLike | None,
) -> ImageDataset:
    if isinstance(dataset, ImageDataset):
        return dataset
    data = gdata.load(dataset, root=root, split=split, classes=classes, resolution=resolution)
    if not isinstance(data, ImageDataset):
        raise TypeError(f"{dataset!r} is a 2-D toy; FID/KID need an image dataset")
    return data


def reference_key(
    data: ImageDataset,
    images: Tensor,
    split: str | None,
    seed: int | None,
    extractor: FeatureExtractor,
) -> dict[str, Any]:
    """Everything that decides reference features, as a JSON-able dict."""
    present = sorted(set(data.labels.tolist()))
    return {
        "dataset": data.name,
        "split": split if split is not None else "given",
        "classes": [data.class_names[i] for i in present],
        "resolution": data.resolution,
        "n": len(images),
        "seed": seed,
        "images_sha256": hashlib.sha256(images.contiguous().numpy().tobytes()).hexdigest(),
        "extractor": extractor.name,
        "extractor_sha256": extractor.sha256,
        "resize": extractor.resize,
        "input_size": extractor.size,
        "version": _VERSION,
    }
