"""EqGAN-SA (Wang et al., CVPR 2022): spatial awareness for G, aligned with D's attention.

``heatmaps`` (the official hierarchical sampler and the Table 3 ablations), ``encoding`` (heatmap
projection, SEL_norm, SEL_concat), ``generator`` (SpatialGenerator: SELs in a ganlens G, or the
flattened-heatmap baseline), ``style_generator`` (StyleSpatialGenerator: the official SEL placement
in stylegan-lite; make_spatial picks one), ``alignment`` (the truncated-L1 loss), ``method`` (the Method plug-in),
``config`` (EqGANSAConfig), ``editing`` (moving heatmaps and measuring whether the image follows),
``alignment_check`` (was L_align learned: the loss against the samples' own heatmaps vs others').
The paper's tables live in :mod:`ganlens.papers.eqgan_sa`.
"""

from ganlens.methods.eqgan_sa.alignment import TAU, alignment_loss, level_targets, truncated_l1
from ganlens.methods.eqgan_sa.alignment_check import alignment_check
from ganlens.methods.eqgan_sa.config import CAM_PASSES, EqGANSAConfig
from ganlens.methods.eqgan_sa.encoding import ENCODINGS, HeatmapProjection, SELConcat, SELNorm
from ganlens.methods.eqgan_sa.generator import SpatialGenerator, flatten_heatmaps
from ganlens.methods.eqgan_sa.heatmaps import (
    KINDS,
    LEVEL_CENTERS,
    LEVEL_RESOLUTIONS,
    HeatmapParams,
    HeatmapSampler,
    noise_maps,
    render,
    sample_params,
    split_levels,
)
from ganlens.methods.eqgan_sa.method import EqGANSA, alignment_layers
from ganlens.methods.eqgan_sa.style_generator import StyleSpatialGenerator, make_spatial

__all__ = [
    "CAM_PASSES",
    "ENCODINGS",
    "KINDS",
    "LEVEL_CENTERS",
    "LEVEL_RESOLUTIONS",
    "TAU",
    "EqGANSA",
    "EqGANSAConfig",
    "HeatmapParams",
    "HeatmapProjection",
    "HeatmapSampler",
    "SELConcat",
    "SELNorm",
    "SpatialGenerator",
    "StyleSpatialGenerator",
    "alignment_check",
    "alignment_layers",
    "alignment_loss",
    "flatten_heatmaps",
    "level_targets",
    "make_spatial",
    "noise_maps",
    "render",
    "sample_params",
    "split_levels",
    "truncated_l1",
]
