"""ganlens models: (G, D) pairs with a HookPoint on every block.

Use :func:`build`; :data:`MODELS` lists the names. The classes are exported for type checks and
direct construction with the same keywords.
"""

from ganlens.models.dcgan import (
    DCGANDiscriminator,
    DCGANGenerator,
    SNDCGANDiscriminator,
    SNDCGANGenerator,
)
from ganlens.models.layers import ConditionalBatchNorm2d
from ganlens.models.mlp import MLPDiscriminator, MLPGenerator
from ganlens.models.registry import MODELS, build

__all__ = [
    "MODELS",
    "ConditionalBatchNorm2d",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "MLPDiscriminator",
    "MLPGenerator",
    "SNDCGANDiscriminator",
    "SNDCGANGenerator",
    "build",
]
