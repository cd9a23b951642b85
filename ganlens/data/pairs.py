"""Two-image datasets for translation: aligned pairs (pix2pix) and two unpaired domains (CycleGAN)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ganlens.data.batch import Batch
from ganlens.data.images import ImageDataset, draw_indices


@dataclass(eq=False)
class PairedImages:
    """Aligned (source, target) images: ``source[i]`` translates to ``target[i]``.

    Attributes:
        source: the input domain (e.g. grayscale or edge images).
        target: the output domain G must produce; its channels and resolution are the data's.
        name: what the pairs are, e.g. ``"cifar10-gray2color"``.
    """

    source: ImageDataset
    target: ImageDataset
    name: str = "paired"

    def __post_init__(self) -> None:
        if len(self.source) != len(self.target):
            raise ValueError(
                f"{self.name}: {len(self.source)} source images but "
                f"{len(self.target)} targets; pairs need the same count"
            )
        if self.source.resolution != self.target.resolution:
            raise ValueError(
                f"{self.name}: source images are {self.source.resolution} px, targets "
                f"{self.target.resolution} px; load both at one resolution"
            )

    def __len__(self) -> int:
        return len(self.target)

    channels = property(lambda self: self.target.channels)
    resolution = property(lambda self: self.target.resolution)
    n_classes = property(lambda self: self.target.n_classes)

    def draw(self, n: int, generator: torch.Generator, device: str | torch.device = "cpu") -> Batch:
        """``n`` pairs: ``x`` the targets, ``source`` their sources, ``index`` shared by both."""
        idx = draw_indices(len(self), n, generator)
        x, y = self.target.batch(idx, device)
        source, _ = self.source.batch(idx, device)
        return Batch(x, y, idx.to(device), source)

    def sample(
        self, n: int, generator: torch.Generator, device: str | torch.device = "cpu"
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Target images and labels of :meth:`draw`."""
        batch = self.draw(n, generator, device)
        return batch.x, batch.y


@dataclass(eq=False)
class UnpairedImages:
    """Two image domains with no pairing (CycleGAN): ``G_AB`` maps A to B, ``G_BA`` B to A.

    Attributes:
        a: domain A (the source of the primary generator ``G_AB``).
        b: domain B (the real images of the primary discriminator ``D_B``).
        name: e.g. ``"cifar10-cat2dog"``.
    """

    a: ImageDataset
    b: ImageDataset
    name: str = "unpaired"

    def __post_init__(self) -> None:
        if (self.a.channels, self.a.resolution) != (self.b.channels, self.b.resolution):
            raise ValueError(
                f"{self.name}: domain A is {self.a.channels}x{self.a.resolution} px and B "
                f"{self.b.channels}x{self.b.resolution} px; load both with the same shape"
            )

    def __len__(self) -> int:
        return len(self.b)

    channels = property(lambda self: self.b.channels)
    resolution = property(lambda self: self.b.resolution)
    n_classes = property(lambda self: self.b.n_classes)

    def draw(self, n: int, generator: torch.Generator, device: str | torch.device = "cpu") -> Batch:
        """``n`` images of domain B (what ``D_B`` calls real), with their indices in B."""
        return self.b.draw(n, generator, device)

    def draw_a(
        self, n: int, generator: torch.Generator, device: str | torch.device = "cpu"
    ) -> Batch:
        """``n`` images of domain A, with their indices in A."""
        return self.a.draw(n, generator, device)

    def sample(
        self, n: int, generator: torch.Generator, device: str | torch.device = "cpu"
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Domain-B images and labels of :meth:`draw`."""
        batch = self.draw(n, generator, device)
        return batch.x, batch.y
