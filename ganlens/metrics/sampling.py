"""Generated images for metrics: seeded, as uint8, without disturbing the models being trained."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ganlens.lens import GANLens
from ganlens.metrics.features import as_uint8
from ganlens.track.scoring import preserved_state


@torch.no_grad()
def generate_uint8(
    lens: GANLens,
    n: int,
    generator: torch.Generator,
    G: nn.Module | None = None,
    batch_size: int = 256,
) -> Tensor:
    """``n`` generated images as uint8 (n, C, H, W) on the CPU.

    Latents (and labels of a conditional G) come from ``generator`` only. G runs as in
    :func:`ganlens.track.score_pools`: with batch statistics (train mode), in chunks of
    ``batch_size``, and its buffers are restored afterwards, so measuring leaves no trace.

    Args:
        lens: the models (``lens.G`` unless ``G`` is given, e.g. the EMA copy).
        n: number of images.
        generator: CPU generator; the same state gives the same images.
        G: generator network to sample instead of ``lens.G``.
        batch_size: images per forward pass.
    """
    model = G if G is not None else lens.G
    device = lens._device()
    z = lens.sample_latent(n, generator, device)
    y = lens.sample_labels(n, generator, device)
    out = []
    with preserved_state(model, train=True):
        for i in range(0, n, batch_size):
            zi = z[i : i + batch_size]
            fake = model(zi, y[i : i + batch_size]) if y is not None else model(zi)
            out.append(as_uint8(fake.float().cpu()))
    return torch.cat(out)
