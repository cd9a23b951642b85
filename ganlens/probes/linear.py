"""Linear probe: how well a frozen D layer's features separate the classes of a labelled dataset.

CLR-GAN's Table 4 asks whether D learns better features with CLR. The probe: D in eval mode
(its weights frozen) gives the features of every image at ``layer`` (a vector per image, or a
map flattened to one), standardised with the training split's mean and std; a multinomial
logistic regression (full batch, L-BFGS, a small L2 penalty) is fitted on a seeded, stratified
training split and its accuracy measured on the rest. The paper's 98.8% is a *fine-tuned* D,
not a linear probe: the two are not comparable.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from ganlens.data.images import ImageDataset
from ganlens.lens import GANLens
from ganlens.modes import mode


def features_of(
    lens: GANLens, images: torch.Tensor, layer: str, batch_size: int = 500
) -> torch.Tensor:
    """D's ``layer`` outputs (N, F) float32 of uint8 ``images`` (N, C, H, W), D in eval mode."""
    D, device = lens.D, lens._device()
    out = []
    with mode(D, train=False, keep_buffers=True), torch.no_grad():
        for i in range(0, len(images), batch_size):
            x = images[i : i + batch_size].to(device).float() / 127.5 - 1.0
            _, cache = lens.run_with_cache(x, names=[layer])
            out.append(cache[layer].float().flatten(1).cpu())
    return torch.cat(out)


def _split(
    labels: torch.Tensor, train_share: float, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Train and test indices, stratified by class, from ``seed``."""
    g = torch.Generator().manual_seed(seed)
    train, test = [], []
    for c in labels.unique().tolist():
        idx = (labels == c).nonzero()[:, 0]
        idx = idx[torch.randperm(len(idx), generator=g)]
        k = round(train_share * len(idx))
        train.append(idx[:k])
        test.append(idx[k:])
    return torch.cat(train), torch.cat(test)


def fit_logistic(
    x: torch.Tensor, y: torch.Tensor, n_classes: int, l2: float = 1e-4, steps: int = 100
) -> torch.nn.Linear:
    """A multinomial logistic regression of ``y`` on ``x`` (full batch, L-BFGS, L2 ``l2``)."""
    model = torch.nn.Linear(x.shape[1], n_classes)
    torch.nn.init.zeros_(model.weight)
    torch.nn.init.zeros_(model.bias)
    opt = torch.optim.LBFGS(model.parameters(), max_iter=steps, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y) + l2 * model.weight.square().sum()
        loss.backward()
        return loss

    opt.step(closure)
    return model


def linear_probe(
    lens: GANLens,
    data: ImageDataset,
    layer: str = "D.features",
    train_share: float = 0.8,
    seed: int = 0,
    l2: float = 1e-4,
) -> dict[str, Any]:
    """Accuracy of a linear classifier on frozen D features of ``data``'s classes.

    Args:
        lens: the players (D is probed, unchanged).
        data: labelled images at D's resolution and channels (e.g. all of MNIST-5k).
        layer: the D hook point whose output is probed.
        train_share: share of each class in the training split (the rest is the test split).
        seed: seed of the split.
        l2: weight of the L2 penalty on the classifier's weights.

    Returns:
        ``accuracy`` and ``error`` on the test split, ``train_accuracy``, ``n_train``,
        ``n_test``, ``features`` (their size) and ``layer``.
    """
    if len(data.labels.unique()) < 2:
        raise ValueError(f"a linear probe needs at least 2 classes; {data.name} has one here")
    feats = features_of(lens, data.images, layer)
    train, test = _split(data.labels, train_share, seed)
    mean, std = feats[train].mean(0), feats[train].std(0).clamp_min(1e-6)
    z = (feats - mean) / std
    classes, y = data.labels.unique(return_inverse=True)
    model = fit_logistic(z[train], y[train], len(classes), l2)
    with torch.no_grad():
        acc = float((model(z[test]).argmax(1) == y[test]).float().mean())
        train_acc = float((model(z[train]).argmax(1) == y[train]).float().mean())
    return {
        "accuracy": acc,
        "error": 1.0 - acc,
        "train_accuracy": train_acc,
        "n_train": len(train),
        "n_test": len(test),
        "features": feats.shape[1],
        "layer": layer,
    }
