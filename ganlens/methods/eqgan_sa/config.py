"""EqGANSAConfig: the typed settings of the EqGAN-SA method (Tables 3 and 4 are its ablations)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ganlens.fieldtypes import check_fields
from ganlens.methods.eqgan_sa.alignment import TAU
from ganlens.methods.eqgan_sa.encoding import ENCODINGS
from ganlens.methods.eqgan_sa.heatmaps import KINDS, LEVEL_RESOLUTIONS
from ganlens.train.method import MethodConfig

CAM_PASSES = ("shared", "probe")


@dataclass(frozen=True, eq=False)
class EqGANSAConfig(MethodConfig):
    """EqGAN-SA settings.

    Attributes:
        encoding: ``"sel_norm"`` (official), ``"sel_concat"`` (paper-only, our design) or
            ``"flatten"`` (Table 4 baseline: heatmaps flattened into the latent).
        heatmaps: ``"hierarchical"`` (official), ``"independent"`` (Table 3 Non-Hie) or
            ``"noise"`` (Table 3 Gau. Noise).
        align: add L_align to G's loss (False: "+SEL" of Table 1).
        tau: truncation threshold of the L1 (0.25 in the paper and code).
        d_layers: D layers for levels 1, 2, 3 (4x4, 8x8, 16x16); ``None``: found automatically.
        cam_pass: ``"shared"`` or ``"probe"`` (see :mod:`ganlens.methods.eqgan_sa.method`).
        second_order: differentiate L_align through the GradCAM weights too (not official).
    """

    name: ClassVar[str] = "eqgan-sa"
    encoding: str = "sel_norm"
    heatmaps: str = "hierarchical"
    align: bool = True
    tau: float = TAU
    d_layers: tuple[str, ...] | None = None
    cam_pass: str = "shared"
    second_order: bool = False

    def __post_init__(self) -> None:
        check_fields(self, "method")
        if self.encoding not in ENCODINGS:
            raise ValueError(f"unknown encoding {self.encoding!r}; choose one of {ENCODINGS}")
        if self.heatmaps not in KINDS:
            raise ValueError(f"unknown heatmaps {self.heatmaps!r}; choose one of {KINDS}")
        if self.cam_pass not in CAM_PASSES:
            raise ValueError(f"unknown cam_pass {self.cam_pass!r}; choose one of {CAM_PASSES}")
        if self.second_order and self.cam_pass != "shared":
            raise ValueError("second_order=True needs cam_pass='shared'")
        if self.d_layers is not None:
            if isinstance(self.d_layers, str) or len(self.d_layers) != len(LEVEL_RESOLUTIONS):
                raise ValueError(
                    f"d_layers needs 3 names (4x4, 8x8, 16x16 layers), got {self.d_layers!r}"
                )
            object.__setattr__(self, "d_layers", tuple(self.d_layers))
        object.__setattr__(self, "tau", float(self.tau))
