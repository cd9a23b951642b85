"""The Task protocol: what one training step draws (real examples and G's inputs), and from what."""

from __future__ import annotations

from typing import Any, ClassVar

import torch

from ganlens.data.batch import Batch
from ganlens.tasks.inputs import GInputs


class Task:
    """Draws the real examples and the G inputs of a batch; the one place inputs are drawn.

    Training (both phases), tracking, metrics and probes all draw through a task, so a G with
    extra inputs (EqGAN-SA heatmaps), a class-conditional G and a translating G are served by the
    same code. Every draw uses only the generator it is given.

    Attributes:
        data: the dataset real examples come from (``None``: inputs only, no reals).
        inputs_need_real: ``inputs`` must be given the step's real batch (paired translation:
            G's sources are the sources of the real pairs).
    """

    kind: ClassVar[str] = "task"
    inputs_need_real: ClassVar[bool] = False

    def __init__(self, data: Any = None) -> None:
        self.data = data

    def real(self, n: int, generator: torch.Generator, device: torch.device | str) -> Batch:
        """``n`` real examples with their dataset indices."""
        if self.data is None:
            raise ValueError(
                f"this {self.kind} task has no data to draw real examples from; "
                "make it with the dataset: lens.task(data)"
            )
        return self.data.draw(n, generator, device)

    def inputs(
        self,
        n: int,
        generator: torch.Generator,
        device: torch.device | str,
        real: Batch | None = None,
    ) -> GInputs:
        """G's inputs for ``n`` samples (``real``: the step's real batch, if it has one)."""
        raise NotImplementedError

    def describe(self) -> str:
        """One line for logs and reports."""
        return self.kind
