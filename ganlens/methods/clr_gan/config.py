"""CLRGANConfig: the typed settings of the CLR-GAN method (Table 3 is its lambda grid)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ganlens.fieldtypes import check_fields
from ganlens.train.method import MethodConfig

DISTANCES = ("mse", "l1")


@dataclass(frozen=True, eq=False)
class CLRGANConfig(MethodConfig):
    """CLR-GAN settings.

    Attributes:
        lambda1: weight of L_CLR, D's regression of the latent from its own features of G(z)
            (5 in the paper and code; 0 turns the term off).
        lambda2: weight of L_rec, G's reconstruction of a real image from D's features of it
            (0.5 in the paper and code; 0 turns the term off).
        distance: ``"mse"`` (the official code, both terms) or ``"l1"`` (the paper's equations).
        feature: the hook point whose output is phi(x), D's penultimate feature vector after
            its activation (``"D.features"`` in every ganlens D; a user's D names its own).
    """

    name: ClassVar[str] = "clr-gan"
    lambda1: float = 5.0
    lambda2: float = 0.5
    distance: str = "mse"
    feature: str = "D.features"

    def __post_init__(self) -> None:
        check_fields(self, "method")
        if self.distance not in DISTANCES:
            raise ValueError(f"unknown distance {self.distance!r}; choose one of {DISTANCES}")
        for name in ("lambda1", "lambda2"):
            value = float(getattr(self, name))
            if value < 0:
                raise ValueError(f"{name} must be >= 0 (0 turns its term off), got {value}")
            object.__setattr__(self, name, value)
        if not self.feature.startswith("D."):
            raise ValueError(
                f"feature must name a hook point of D ('D.features'), got {self.feature!r}"
            )
