"""Probes of D: GradCAM at many layers in one pass, Captum attributions, activation maps, a linear
probe of its features."""

from ganlens.capture import InPlaceError
from ganlens.modes import out_of_place
from ganlens.probes import analysis
from ganlens.probes.attention import activation_map, minmax_normalize
from ganlens.probes.attribute import METHODS, attribute
from ganlens.probes.checks import cross_sample_layers
from ganlens.probes.compare import count_peaks, pearson, top_overlap
from ganlens.probes.gradcam import CONVENTIONS, gradcam
from ganlens.probes.linear import linear_probe

__all__ = [
    "CONVENTIONS",
    "METHODS",
    "InPlaceError",
    "activation_map",
    "analysis",
    "attribute",
    "count_peaks",
    "cross_sample_layers",
    "gradcam",
    "linear_probe",
    "minmax_normalize",
    "out_of_place",
    "pearson",
    "top_overlap",
]
