"""Training methods as plug-ins on the common loop (EqGAN-SA, CLR, GLeaD, LGA, ASGIT to come)."""

from ganlens.methods.base import METHODS, Method, StepBatch, get_method

__all__ = ["METHODS", "Method", "StepBatch", "get_method"]
