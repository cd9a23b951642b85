"""``evaluate``: one row with FID-N, KID, precision/recall and DI of a trained lens."""

from __future__ import annotations

import os
import time

import pandas as pd
import torch
from torch import nn

from ganlens.data.images import ImageDataset
from ganlens.data.tensors import as_dataset
from ganlens.lens import GANLens
from ganlens.metrics.features import FeatureExtractor, inception_features, load_extractor
from ganlens.metrics.fid import fid, n_label
from ganlens.metrics.kid import kid
from ganlens.metrics.precision_recall import precision_recall
from ganlens.metrics.reference import Reference, reference_stats
from ganlens.metrics.sampling import generate_uint8
from ganlens.track.scoring import evaluate_di


def evaluate(
    lens: GANLens,
    dataset: ImageDataset,
    n: int = 10_000,
    *,
    n_real: int | None = None,
    G: nn.Module | None = None,
    seed: int = 0,
    extractor: FeatureExtractor | None = None,
    reference: Reference | None = None,
    kid_subsets: int = 100,
    kid_subset_size: int = 1000,
    k: int = 3,
    di_pool: int = 1024,
    device: str | torch.device | None = None,
    batch_size: int = 64,
    cache_dir: str | os.PathLike | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """FID-N, KID, precision/recall and DI of ``lens`` against real images, as one DataFrame row.

    Columns (for n = 2000): ``fid_2k``, ``kid_2k``, ``kid_2k_std``, ``precision_2k``,
    ``recall_2k``, ``di_mean``, ``di_std``, then provenance: ``n``, ``n_real``, ``kid_subsets``,
    ``kid_subset_size``, ``pr_k``, ``di_pool``, ``seed``, ``reference`` (dataset and split),
    ``extractor``, ``extractor_sha256``, ``extractor_precision``, ``resize``, ``input_size``,
    ``wall_s``.

    Args:
        lens: the trained models (D is used for DI).
        dataset: the real images (reference features are cached, see :func:`reference_stats`), a
            ganlens dataset or an image tensor (uint8, or float in [-1, 1]).
        n: generated samples (the N of FID-N); on 2 CPU cores Inception runs ~10 images/s.
        n_real: real samples (default ``n``, capped at the dataset size).
        G: generator to sample instead of ``lens.G`` (e.g. the EMA copy).
        seed: seeds the generated samples, the real draw, KID subsets and DI.
        extractor: a loaded extractor; default the FID Inception network.
        reference: precomputed real features (then ``n_real`` is its size).
        kid_subsets, kid_subset_size: KID subsets (size capped at half of min(n, n_real), so
            the subsets differ and ``kid_<N>_std`` measures their spread).
        k: neighbourhood size of precision/recall.
        di_pool: real and fake pool size of DI (200 draws of 64 + 64).
        device: where a freshly loaded extractor runs.
        batch_size: images per Inception forward pass.
        cache_dir: folder of cached reference features.
        progress: tqdm bars (default on for more than 256 images).
    """
    t0 = time.perf_counter()
    dataset = as_dataset(dataset)
    extractor = extractor if extractor is not None else load_extractor(device=device)
    if reference is None:
        reference = reference_stats(
            dataset,
            n=min(n_real or n, len(dataset)),
            seed=seed,
            extractor=extractor,
            batch_size=batch_size,
            cache_dir=cache_dir,
            progress=progress,
        )
    fake = generate_uint8(
        lens, n, torch.Generator().manual_seed(seed + 1), G=G, task=lens.task(dataset)
    )
    feats = inception_features(fake, batch_size, extractor=extractor, progress=progress)
    real = reference.features
    # a subset as large as the set is the whole set every time (std 0): at most half of it
    subset = max(2, min(kid_subset_size, n // 2, reference.n // 2))
    kid_value = kid(real, feats, subsets=kid_subsets, subset_size=subset, seed=seed)
    pr = precision_recall(real, feats, k=k)
    di = evaluate_di(lens, dataset, pool=di_pool, seed=seed, G=G)
    label = n_label(n)
    row = {
        f"fid_{label}": fid(real, feats),
        f"kid_{label}": kid_value.mean,
        f"kid_{label}_std": kid_value.std,
        f"precision_{label}": pr.precision,
        f"recall_{label}": pr.recall,
        "di_mean": di.mean,
        "di_std": di.std,
        "n": n,
        "n_real": reference.n,
        "kid_subsets": kid_subsets,
        "kid_subset_size": subset,
        "pr_k": k,
        "di_pool": di_pool,
        "seed": seed,
        "reference": reference.label,
        **extractor.describe(),
        "wall_s": time.perf_counter() - t0,
    }
    return pd.DataFrame([row])
