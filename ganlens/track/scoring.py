"""Scoring pools of real and generated images without disturbing the models being trained."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn

from ganlens.lens import GANLens
from ganlens.track.equilibrium import DIResult, disequilibrium_indicator


@contextlib.contextmanager
def preserved_state(module: nn.Module, train: bool) -> Iterator[None]:
    """Run ``module`` in train or eval mode, then restore its modes and every buffer.

    Buffers (BatchNorm running statistics, spectral-norm power-iteration vectors) are copied and
    written back, so a measurement leaves no trace in the training run.
    """
    modes = {m: m.training for m in module.modules()}
    saved = [b.detach().clone() for b in module.buffers()]
    module.train(train)
    try:
        yield
    finally:
        with torch.no_grad():
            for buf, old in zip(module.buffers(), saved):
                buf.copy_(old)
        for m, mode in modes.items():
            m.training = mode


@torch.no_grad()
def score_pools(
    lens: GANLens,
    data: object,
    n: int,
    generator: torch.Generator,
    batch_size: int = 256,
    G: nn.Module | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """D logits of ``n`` real and ``n`` generated examples, shape (n,) each, on the CPU.

    D runs in eval mode (no power-iteration update, no batch statistics). G runs in train mode,
    i.e. with batch statistics as during training, and its buffers are restored afterwards.

    Args:
        lens: the models.
        data: a sampler with ``sample(n, generator, device)``.
        n: pool size per side.
        generator: CPU generator for the real draw, latents and labels.
        batch_size: chunk size for the forward passes.
        G: generator to score instead of ``lens.G`` (e.g. its EMA copy).
    """
    device = lens._device()
    gen_model = G if G is not None else lens.G
    real, real_y = data.sample(n, generator, device)  # type: ignore[attr-defined]
    real_y = real_y if lens.n_classes else None
    z = lens.sample_latent(n, generator, device)
    fake_y = lens.sample_labels(n, generator, device)
    real_scores, fake_scores = [], []
    with preserved_state(lens.D, train=False), preserved_state(gen_model, train=True):
        for i in range(0, n, batch_size):
            sl = slice(i, i + batch_size)
            ys = (real_y[sl] if real_y is not None else None, fake_y[sl] if fake_y is not None else None)
            fake = gen_model(z[sl], ys[1]) if ys[1] is not None else gen_model(z[sl])
            real_scores.append(lens.score(real[sl], ys[0]).float().cpu())
            fake_scores.append(lens.score(fake, ys[1]).float().cpu())
    return torch.cat(real_scores), torch.cat(fake_scores)


def evaluate_di(
    lens: GANLens,
    data: object,
    pool: int = 1024,
    repeats: int = 200,
    seed: int = 0,
    G: nn.Module | None = None,
) -> DIResult:
    """Score one pool of real and fake images and compute DI (64 + 64 per draw) over ``repeats``."""
    generator = torch.Generator().manual_seed(seed)
    real, fake = score_pools(lens, data, pool, generator, G=G)
    n = min(64, pool)
    return disequilibrium_indicator(real, fake, n_real=n, n_fake=n, repeats=repeats, seed=seed)


@torch.no_grad()
def fixed_samples(lens: GANLens, n: int, seed: int, G: nn.Module | None = None) -> torch.Tensor:
    """``n`` samples from latents (and labels) fixed by ``seed``, so grids are comparable over time.

    G runs as in :func:`score_pools` (batch statistics, buffers restored). Returns a CPU tensor.
    """
    generator = torch.Generator().manual_seed(seed + 12_345)
    device = lens._device()
    z = lens.sample_latent(n, generator, device)
    y = lens.sample_labels(n, generator, device)
    gen_model = G if G is not None else lens.G
    with preserved_state(gen_model, train=True):
        out = gen_model(z, y) if y is not None else gen_model(z)
    return out.float().cpu()
