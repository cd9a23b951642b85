"""Probes of D's attention: GradCAM at many layers in one pass, activation maps, analyses."""

from ganlens.capture import InPlaceError
from ganlens.probes import analysis
from ganlens.probes.attention import activation_map, minmax_normalize
from ganlens.probes.checks import cross_sample_layers
from ganlens.probes.compare import count_peaks, pearson, top_overlap
from ganlens.probes.gradcam import CONVENTIONS, gradcam

__all__ = [
    "CONVENTIONS", "InPlaceError", "activation_map", "analysis", "count_peaks", "cross_sample_layers",
    "gradcam", "minmax_normalize", "pearson", "top_overlap",
]
