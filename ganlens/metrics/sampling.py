"""Generated images for metrics: seeded, as uint8, without disturbing the models being trained."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ganlens.lens import GANLens
from ganlens.metrics.features import as_uint8
from ganlens.sampling import sample_fakes
from ganlens.tasks import Task


@torch.no_grad()
def generate_uint8(
    lens: GANLens,
    n: int,
    generator: torch.Generator,
    G: nn.Module | None = None,
    batch_size: int = 256,
    task: Task | None = None,
) -> Tensor:
    """``n`` generated images as uint8 (n, C, H, W) on the CPU.

    The images of :func:`ganlens.sampling.sample_fakes` (same generator, same samples),
    converted to uint8.

    Args:
        lens: the models (``lens.G`` unless ``G`` is given, e.g. the EMA copy).
        n: number of images.
        generator: CPU generator; the same state gives the same images.
        G: generator network to sample instead of ``lens.G``.
        batch_size: images per forward pass.
        task: where G's inputs come from (default: generation from latents).
    """
    fake, _ = sample_fakes(lens, n, generator, G=G, batch_size=batch_size, task=task)
    return as_uint8(fake.float().cpu())
