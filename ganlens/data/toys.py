"""2-D Gaussian-mixture toys: where mode collapse and the D/G game can be seen directly.

``ring8`` is the toy of the unrolled-GAN paper (Metz et al. 2017) and of GAN Lab:
8 Gaussians evenly spaced on a circle of radius 2, std 0.02. ``grid25`` is the 5x5 grid at
{-4, -2, 0, 2, 4}^2 with std 0.05 used by VEEGAN/PacGAN.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import torch
from torch import Tensor

from ganlens.data.batch import Batch


@dataclass(eq=False)
class ToyDataset:
    """An equal-weight mixture of isotropic 2-D Gaussians; an infinite sampler.

    Attributes:
        name: the toy's name, e.g. ``"ring8"``.
        centers: (K, 2) float32 mode centres.
        std: the standard deviation of every mode, per coordinate.
    """

    name: str
    centers: Tensor
    std: float

    def __repr__(self) -> str:
        return f"ToyDataset(name={self.name!r}, n_modes={self.n_modes}, std={self.std})"

    @property
    def dim(self) -> int:
        """Dimension of a sample (2)."""
        return self.centers.shape[1]

    @property
    def n_modes(self) -> int:
        """Number of mixture components K."""
        return self.centers.shape[0]

    def sample(
        self, n: int, generator: torch.Generator, device: str | torch.device = "cpu"
    ) -> tuple[Tensor, Tensor]:
        """Draw ``n`` points, deterministically given the generator's state.

        Returns:
            x: (n, 2) float32 points; y: (n,) int64 index of the mode each point came from.
        """
        batch = self.draw(n, generator, device)
        return batch.x, batch.y

    def draw(self, n: int, generator: torch.Generator, device: str | torch.device = "cpu") -> Batch:
        """Draw ``n`` points as a :class:`~ganlens.data.batch.Batch` (``index`` is ``None``:
        the toy is an infinite sampler).

        Args:
            n: number of points, >= 1.
            generator: the only source of randomness.
            device: where the returned tensors live.

        Returns:
            A Batch: x (n, 2) float32 points, y (n,) int64 the mode of each point.
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"sample needs n >= 1 (int), got {n!r}")
        n = int(n)
        gen_device = generator.device
        y = torch.randint(self.n_modes, (n,), generator=generator, device=gen_device)
        noise = torch.randn(n, self.dim, generator=generator, device=gen_device)
        x = self.centers.to(gen_device)[y] + self.std * noise
        return Batch(x.to(device), y.to(device))


def ring8() -> ToyDataset:
    """8 Gaussians on a circle of radius 2, std 0.02 (unrolled GAN, GAN Lab)."""
    angles = torch.arange(8, dtype=torch.float64) * (2 * math.pi / 8)
    centers = 2.0 * torch.stack([angles.cos(), angles.sin()], dim=1)
    return ToyDataset("ring8", centers.float(), 0.02)


def grid25() -> ToyDataset:
    """25 Gaussians on the 5x5 grid {-4, -2, 0, 2, 4}^2, std 0.05."""
    ticks = torch.arange(-4.0, 5.0, 2.0)
    centers = torch.cartesian_prod(ticks, ticks)
    return ToyDataset("grid25", centers.float(), 0.05)


TOYS = {"ring8": ring8, "grid25": grid25}
