"""Training methods as plug-ins on the common core: EqGAN-SA and CLR-GAN (GLeaD, LGA, ASGIT to come).

A method subclasses :class:`ganlens.train.Method` (the plain game), owns its phase losses and has
a typed config; :func:`get_method` makes one from its config or name.
"""

from ganlens.methods import clr_gan, eqgan_sa
from ganlens.methods.clr_gan import CLRGAN, CLRGANConfig
from ganlens.methods.eqgan_sa import EqGANSA, EqGANSAConfig
from ganlens.methods.registry import METHODS, config_from_dict, get_method, method_config
from ganlens.train.method import Method, MethodConfig

__all__ = [
    "CLRGAN",
    "METHODS",
    "CLRGANConfig",
    "EqGANSA",
    "EqGANSAConfig",
    "Method",
    "MethodConfig",
    "clr_gan",
    "config_from_dict",
    "eqgan_sa",
    "get_method",
    "method_config",
]
