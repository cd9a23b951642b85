"""ganlens models: families of players with a HookPoint on every block.

Every family has a config dataclass (:class:`DCGANConfig`, :class:`MLPConfig`,
:class:`SNGANResNetConfig`, :class:`StyleGANLiteConfig`) and one builder;
:func:`build_players` makes a family's players from its config, :func:`build` is the short form
``G, D = build("sn-dcgan", width=16)``. Every G lists ``stages`` (named hook points with channels
and map side) and every D has a ``logit_map`` hook point before its reduction to one logit.
"""

from ganlens.models.config import ModelConfig, UserModelConfig
from ganlens.models.dcgan import (
    DCGANConfig,
    DCGANDiscriminator,
    DCGANGenerator,
    SNDCGANDiscriminator,
    SNDCGANGenerator,
)
from ganlens.models.layers import ConditionalBatchNorm2d, Stage
from ganlens.models.mlp import MLPConfig, MLPDiscriminator, MLPGenerator
from ganlens.models.registry import (
    MODELS,
    available,
    build,
    build_players,
    config_from_dict,
    model_config,
    register,
    seeded,
)
from ganlens.models.sngan_resnet import (
    SNGANResNetConfig,
    SNGANResNetDiscriminator,
    SNGANResNetGenerator,
)
from ganlens.models.stylegan_lite import (
    StyleGANLiteConfig,
    StyleGANLiteDiscriminator,
    StyleGANLiteGenerator,
)

__all__ = [
    "MODELS",
    "ConditionalBatchNorm2d",
    "DCGANConfig",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "MLPConfig",
    "MLPDiscriminator",
    "MLPGenerator",
    "ModelConfig",
    "SNDCGANDiscriminator",
    "SNDCGANGenerator",
    "SNGANResNetConfig",
    "SNGANResNetDiscriminator",
    "SNGANResNetGenerator",
    "Stage",
    "StyleGANLiteConfig",
    "StyleGANLiteDiscriminator",
    "StyleGANLiteGenerator",
    "UserModelConfig",
    "available",
    "build",
    "build_players",
    "config_from_dict",
    "model_config",
    "register",
    "seeded",
]
