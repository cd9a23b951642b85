"""Training methods as plug-ins on the common loop: EqGAN-SA (CLR, GLeaD, LGA, ASGIT to come)."""

from ganlens.methods import eqgan_sa
from ganlens.methods.base import Method, StepBatch
from ganlens.methods.eqgan_sa import EqGANSA
from ganlens.methods.registry import METHODS, get_method

__all__ = ["METHODS", "EqGANSA", "Method", "StepBatch", "eqgan_sa", "get_method"]
