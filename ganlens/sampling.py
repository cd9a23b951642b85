"""Generated samples for measurements: seeded, batched, and without a trace in the training run."""

from __future__ import annotations

import torch
from torch import nn

from ganlens.lens import GANLens
from ganlens.modes import mode
from ganlens.tasks import GInputs, Task


def generate_batched(G: nn.Module, inputs: GInputs, batch_size: int = 256) -> torch.Tensor:
    """G's images of ``inputs`` in chunks of ``batch_size`` (as the caller's grad mode allows)."""
    return torch.cat([inputs[i : i + batch_size].run(G) for i in range(0, len(inputs), batch_size)])


@torch.no_grad()
def sample_fakes(
    lens: GANLens,
    n: int,
    generator: torch.Generator,
    G: nn.Module | None = None,
    batch_size: int = 256,
    task: Task | None = None,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``n`` generated images (and their labels, ``None`` if unconditional) on the lens's device.

    G's inputs come from ``task`` (default: generation from latents), drawn from ``generator``
    only. G runs in train mode (batch statistics, as during training) in chunks of
    ``batch_size``, and its buffers are restored afterwards, so measuring leaves no trace in the
    run.

    Args:
        lens: the players.
        n: number of samples.
        generator: CPU generator; the same state gives the same samples.
        G: generator network to sample instead of ``lens.G`` (e.g. its EMA copy).
        batch_size: images per forward pass.
        task: where inputs come from (a translation task needs the data: ``lens.task(data)``).
    """
    model = G if G is not None else lens.G
    task = task if task is not None else lens.task()
    inputs = task.inputs(n, generator, lens._device())
    with mode(model, train=True, keep_buffers=True):
        return generate_batched(model, inputs, batch_size), inputs.y


def fixed_samples(
    lens: GANLens, n: int, seed: int, G: nn.Module | None = None, task: Task | None = None
) -> torch.Tensor:
    """``n`` samples from inputs fixed by ``seed``, so grids are comparable over training.

    G runs as in :func:`sample_fakes` (batch statistics, buffers restored). Returns a CPU tensor.
    """
    generator = torch.Generator().manual_seed(seed + 12_345)
    return sample_fakes(lens, n, generator, G=G, task=task)[0].float().cpu()
