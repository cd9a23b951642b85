"""Scoring pools of real and generated images without disturbing the models being trained."""

from __future__ import annotations

import warnings

import torch
from torch import nn

from ganlens.lens import GANLens
from ganlens.modes import mode
from ganlens.sampling import sample_fakes
from ganlens.track.equilibrium import DIResult, disequilibrium_indicator


def _part(y: torch.Tensor | None, sl: slice) -> torch.Tensor | None:
    return y[sl] if y is not None else None


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

    The reals and G's inputs come from the lens's task on ``data`` (reals first, then inputs,
    from ``generator`` only). D runs in eval mode (no power-iteration update, no batch
    statistics). G runs in train mode, i.e. with batch statistics as during training, and its
    buffers are restored afterwards.

    Args:
        lens: the players (the primary D scores, the primary G or ``G`` generates).
        data: the real data.
        n: pool size per side.
        generator: CPU generator for the real draw and G's inputs.
        batch_size: chunk size for the forward passes.
        G: generator to score instead of ``lens.G`` (e.g. its EMA copy).
    """
    task = lens.task(data)
    real = task.real(n, generator, lens._device())
    fake, fake_y = sample_fakes(lens, n, generator, G=G, batch_size=batch_size, task=task)
    real_scores, fake_scores = [], []
    with mode(lens.D, train=False, keep_buffers=True):
        for i in range(0, n, batch_size):
            sl = slice(i, i + batch_size)
            real_scores.append(lens.score(real.x[sl], _part(real.y, sl)).float().cpu())
            fake_scores.append(lens.score(fake[sl], _part(fake_y, sl)).float().cpu())
    real_scores, fake_scores = torch.cat(real_scores), torch.cat(fake_scores)
    warn_if_probabilities(real_scores, fake_scores)
    return real_scores, fake_scores


def warn_if_probabilities(real: torch.Tensor, fake: torch.Tensor) -> None:
    """Warn when the scores of two pools (16 or more) look like probabilities: all in [0, 1]
    with the median in [0.1, 0.9] (a sigmoid D at init scores about 0.5; a logit D near 0 has
    negative scores too)."""
    both = torch.cat([real, fake])
    in_unit = len(both) >= 16 and float(both.min()) >= 0.0 and float(both.max()) <= 1.0
    if in_unit and 0.1 <= float(both.median()) <= 0.9:
        warnings.warn(
            f"all {len(both)} D scores lie in [0, 1]: if D applies a sigmoid inside forward, DI "
            "and the realness curves are of probabilities, not logits; return the pre-sigmoid "
            "logit from D (ganlens strips a trailing nn.Sigmoid module by itself)",
            stacklevel=3,
        )


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
