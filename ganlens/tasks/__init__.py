"""Tasks: what a batch is made of, and the one place G's inputs and real examples are drawn.

:class:`Generation` (latents, labels, extras G declares), :class:`PairedTranslation` (source ->
target pairs), :class:`UnpairedTranslation` (domains A and B). :func:`make_task` picks the task
a dataset implies; :class:`GInputs` carries G's inputs with their kind.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from ganlens.data.pairs import PairedImages, UnpairedImages
from ganlens.data.tensors import as_dataset
from ganlens.tasks.base import Task
from ganlens.tasks.generation import Generation, labels, latents
from ganlens.tasks.inputs import IMAGE, LATENT, GInputs
from ganlens.tasks.translation import PairedTranslation, UnpairedTranslation


def make_task(data: Any, G: nn.Module, z_dim: int | tuple[int, ...] | None = None) -> Task:
    """The task ``data`` implies: paired or unpaired translation for two-domain data, else
    generation by ``G`` (whose ``z_dim``, ``n_classes`` and extra inputs it reads). A plain
    image tensor is taken as the real data (:func:`ganlens.data.as_dataset`)."""
    data = as_dataset(data)
    if isinstance(data, PairedImages):
        return PairedTranslation(data)
    if isinstance(data, UnpairedImages):
        return UnpairedTranslation(data)
    return Generation(G, data, z_dim)


__all__ = [
    "IMAGE",
    "LATENT",
    "GInputs",
    "Generation",
    "PairedTranslation",
    "Task",
    "UnpairedTranslation",
    "labels",
    "latents",
    "make_task",
]
