"""Translation tasks: G maps a source image to a target image, paired (pix2pix) or not (CycleGAN)."""

from __future__ import annotations

from typing import ClassVar

import torch

from ganlens.data.batch import Batch
from ganlens.data.pairs import PairedImages, UnpairedImages
from ganlens.tasks.base import Task
from ganlens.tasks.inputs import GInputs


class PairedTranslation(Task):
    """Supervised translation: the real batch is (source, target) pairs, G translates the sources.

    G's inputs are the sources of the step's real pairs (same dataset indices), so a D step sees
    the real target and G's translation of the same source.
    """

    kind: ClassVar[str] = "paired translation"
    inputs_need_real: ClassVar[bool] = True

    def __init__(self, data: PairedImages) -> None:
        super().__init__(data)

    def inputs(
        self,
        n: int,
        generator: torch.Generator,
        device: torch.device | str,
        real: Batch | None = None,
    ) -> GInputs:
        """The sources of ``real`` (drawn now when not given), with their indices."""
        real = real if real is not None else self.real(n, generator, device)
        return GInputs.images(real.source, real.index)


class UnpairedTranslation(Task):
    """Unpaired translation between domains A and B (CycleGAN's two G/D pairs).

    The real batch is domain B (what the primary ``D_B`` judges); G's inputs are a separate draw
    of domain A (what ``G_AB`` translates), with their indices in A. A cycle method uses the real
    B batch as the inputs of ``G_BA`` and the A inputs as the reals of ``D_A``.
    """

    kind: ClassVar[str] = "unpaired translation"

    def __init__(self, data: UnpairedImages) -> None:
        super().__init__(data)

    def inputs(
        self,
        n: int,
        generator: torch.Generator,
        device: torch.device | str,
        real: Batch | None = None,
    ) -> GInputs:
        """``n`` images of domain A with their indices."""
        a = self.data.draw_a(n, generator, device)
        return GInputs.images(a.x, a.index)
