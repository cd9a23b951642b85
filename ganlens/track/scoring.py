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


def _part(y: torch.Tensor | None, sl: slice) -> torch.Tensor | None:
    return y[sl] if y is not None else None


@torch.no_grad()
def draw_inputs(lens: GANLens, n: int, generator: torch.Generator, G: nn.Module | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None, dict[str, torch.Tensor]]:
    """G's inputs for ``n`` samples on the lens's device, in the order every sampler draws them.

    Returns:
        latents (n, z_dim), labels (n,) or ``None``, and G's own extra inputs (EqGAN-SA
        heatmaps) as keyword arguments, all from ``generator`` only.
    """
    device = lens._device()
    z = lens.sample_latent(n, generator, device)
    y = lens.sample_labels(n, generator, device)
    return z, y, lens.sample_g_inputs(n, generator, device, G=G if G is not None else lens.G)


def sample_fakes(
    lens: GANLens,
    n: int,
    generator: torch.Generator,
    G: nn.Module | None = None,
    batch_size: int = 256,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``n`` generated images (and their labels, ``None`` if unconditional) on the lens's device.

    Latents, then labels, then G's own extra inputs (EqGAN-SA heatmaps, see
    :meth:`GANLens.sample_g_inputs`) come from ``generator`` only. G runs in train mode (batch statistics,
    as during training) in chunks of ``batch_size``, and its buffers are restored afterwards, so
    measuring leaves no trace in the run.

    Args:
        lens: the models.
        n: number of samples.
        generator: CPU generator; the same state gives the same samples.
        G: generator network to sample instead of ``lens.G`` (e.g. its EMA copy).
        batch_size: images per forward pass.
    """
    model = G if G is not None else lens.G
    z, y, extra = draw_inputs(lens, n, generator, model)
    with preserved_state(model, train=True):
        out = [model(z[i : i + batch_size], *([y[i : i + batch_size]] if y is not None else []),
                     **{k: v[i : i + batch_size] for k, v in extra.items()})
               for i in range(0, n, batch_size)]
    return torch.cat(out), y


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
    real, real_y = data.sample(n, generator, lens._device())  # type: ignore[attr-defined]
    real_y = real_y if lens.n_classes else None
    fake, fake_y = sample_fakes(lens, n, generator, G=G, batch_size=batch_size)
    real_scores, fake_scores = [], []
    with preserved_state(lens.D, train=False):
        for i in range(0, n, batch_size):
            sl = slice(i, i + batch_size)
            real_scores.append(lens.score(real[sl], _part(real_y, sl)).float().cpu())
            fake_scores.append(lens.score(fake[sl], _part(fake_y, sl)).float().cpu())
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


def fixed_samples(lens: GANLens, n: int, seed: int, G: nn.Module | None = None) -> torch.Tensor:
    """``n`` samples from latents (and labels) fixed by ``seed``, so grids are comparable over time.

    G runs as in :func:`sample_fakes` (batch statistics, buffers restored). Returns a CPU tensor.
    """
    generator = torch.Generator().manual_seed(seed + 12_345)
    return sample_fakes(lens, n, generator, G=G)[0].float().cpu()
