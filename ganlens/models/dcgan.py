"""DCGAN (Radford et al. 2016) and SN-DCGAN (Miyato et al. 2018), each also class-conditional.

``width`` w is the base channel count; w=64 is the papers' size. Channel counts halve from 8w at
the 4x4 map towards the image and never drop below w. With ``n_classes`` > 0, G uses conditional
BatchNorm and D a projection head (Miyato & Koyama 2018), for both families.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from ganlens.fieldtypes import check_fields
from ganlens.models.config import ModelConfig
from ganlens.models.layers import (
    ConvDiscriminator,
    ConvGenerator,
    Stem,
    UpBlock,
    check_int,
    check_resolution,
    image_spec,
)

DEFAULTS = {"channels": 3, "resolution": 32, "z_dim": 128, "width": 64, "n_classes": 0}
NAMES = ("dcgan", "sn-dcgan")


@dataclass(frozen=True, eq=False)
class DCGANConfig(ModelConfig):
    """The DCGAN family: ``"dcgan"`` (Radford et al. 2016) and ``"sn-dcgan"`` (Miyato et al. 2018).

    Attributes:
        name: ``"dcgan"`` or ``"sn-dcgan"``.
        channels: image channels (``None``: the data's).
        resolution: image side, a power of two >= 8 (``None``: the data's).
        z_dim: latent size.
        width: base channel count w (64 in the papers).
        n_classes: classes of a class-conditional pair (0: unconditional).
    """

    name: str = "sn-dcgan"
    channels: int | None = None
    resolution: int | None = None
    z_dim: int = 128
    width: int = 64
    n_classes: int = 0

    def __post_init__(self) -> None:
        if self.name not in NAMES:
            raise ValueError(f"DCGANConfig name must be one of {NAMES}, got {self.name!r}")
        check_fields(self, "model")
        if self.channels is not None:
            check_int("channels", self.channels, 1)
        if self.resolution is not None:
            check_resolution(self.resolution)
        check_int("z_dim", self.z_dim, 1)
        check_int("width", self.width, 1)
        check_int("n_classes", self.n_classes, 0)


def build_players(config: DCGANConfig) -> dict[str, nn.Module]:
    """``{"G": G, "D": D}`` of ``config`` (unset channels/resolution: 3 and 32)."""
    kw = {**DEFAULTS, **config.kwargs()}
    g_cls, d_cls = {
        "dcgan": (DCGANGenerator, DCGANDiscriminator),
        "sn-dcgan": (SNDCGANGenerator, SNDCGANDiscriminator),
    }[config.name]
    return {"G": g_cls(**kw), "D": d_cls(**kw)}


def _g_channels(width: int, steps: int) -> list[int]:
    """Channels at 4x4, 8x8, ...: 8w, 4w, 2w, w, w, ... (``steps`` + 1 entries)."""
    return [max((8 * width) >> i, width) for i in range(steps + 1)]


def _d_channels(width: int, steps: int, top: int) -> list[int]:
    """Channels of ``steps`` down-steps: the last has w * 2**top, halving to the image (>= w)."""
    return [width * 2 ** max(0, top - (steps - 1 - i)) for i in range(steps)]


def _log2(resolution: int) -> int:
    return resolution.bit_length() - 1


def _dcgan_init(module: nn.Module) -> None:
    """Radford et al. Sec. 4: weights N(0, 0.02); BN gamma N(1, 0.02), beta 0; biases 0."""
    for mod in module.modules():
        if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(mod.weight, 0.0, 0.02)
            if mod.bias is not None:
                nn.init.zeros_(mod.bias)
        elif isinstance(mod, nn.BatchNorm2d) and mod.affine:
            nn.init.normal_(mod.weight, 1.0, 0.02)
            nn.init.zeros_(mod.bias)


def _normal_init(module: nn.Module) -> None:
    """SNGAN's G (chainer-gan-lib ``DCGANGenerator``): weights N(0, 0.02), biases 0, BN at 1/0."""
    for mod in module.modules():
        if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(mod.weight, 0.0, 0.02)
            if mod.bias is not None:
                nn.init.zeros_(mod.bias)


class DCGANGenerator(ConvGenerator):
    """DCGAN generator (Radford et al. 2016, Fig. 1), sized to ``resolution``.

    Hook points and outputs at 32 px (L = log2(resolution) - 2 up-steps; the last is ``out``):

    ========  =====================================  ==============
    name      layers                                 output
    ========  =====================================  ==============
    stem      linear -> reshape -> BN -> ReLU         (N, 8w, 4, 4)
    blocks.0  convT 4x4 s2 -> BN -> ReLU              (N, 4w, 8, 8)
    blocks.1  convT 4x4 s2 -> BN -> ReLU              (N, 2w, 16, 16)
    out       convT 4x4 s2 -> tanh                    (N, C, 32, 32)
    ========  =====================================  ==============

    Each extra doubling of the resolution adds one block (channels floor at w; 64 px gives
    blocks at 8/16/32 px with 4w/2w/w). At 8 px there are no blocks. BN is conditional when
    ``n_classes`` > 0. Convs followed by BN have no bias.

    Args:
        channels: image channels C.
        resolution: image side, a power of two >= 8.
        z_dim: latent size.
        width: base channel count w (64 in the paper).
        n_classes: number of classes; 0 = unconditional.

    Shapes:
        z: (N, z_dim), y: (N,) int64 or None -> (N, C, resolution, resolution) in [-1, 1].
    """

    def __init__(
        self,
        *,
        channels: int = 3,
        resolution: int = 32,
        z_dim: int = 128,
        width: int = 64,
        n_classes: int = 0,
    ) -> None:
        spec = image_spec(
            "dcgan",
            channels=channels,
            resolution=resolution,
            z_dim=z_dim,
            width=width,
            n_classes=n_classes,
        )
        ch = _g_channels(width, _log2(resolution) - 3)
        stem = Stem(z_dim, ch[0], n_classes, bias=False)
        blocks = [UpBlock(ch[i], ch[i + 1], n_classes, bias=False) for i in range(len(ch) - 1)]
        out = nn.Sequential(nn.ConvTranspose2d(ch[-1], channels, 4, 2, 1), nn.Tanh())
        super().__init__(spec, stem, blocks, out, ch)
        _dcgan_init(self)


class DCGANDiscriminator(ConvDiscriminator):
    """DCGAN discriminator (Radford et al. 2016): strided convs, BN, LeakyReLU(0.2).

    Hook points and outputs at 32 px (L = log2(resolution) - 2 blocks, the last at 4x4 with 8w):

    ========  =====================================  ==============
    name      layers                                 output
    ========  =====================================  ==============
    blocks.0  conv 4x4 s2 -> LeakyReLU (no BN)        (N, 2w, 16, 16)
    blocks.1  conv 4x4 s2 -> BN -> LeakyReLU          (N, 4w, 8, 8)
    blocks.2  conv 4x4 s2 -> BN -> LeakyReLU          (N, 8w, 4, 4)
    features  flatten                                 (N, 128w)
    ========  =====================================  ==============

    At 64 px the blocks give w/2w/4w/8w at 32/16/8/4 px, as in the paper. The head
    ``Linear(16 * 8w, 1)`` is the paper's final 4x4 valid conv written on the flattened map (the
    same function and parameter count), so that ``features`` is a vector. With ``n_classes`` > 0
    a class embedding adds the projection term ``sum(embed(y) * features)``.

    Args:
        channels: image channels C.
        resolution: image side, a power of two >= 8.
        z_dim: unused by D; recorded so G and D share one ``spec``.
        width: base channel count w (64 in the paper).
        n_classes: number of classes; 0 = unconditional.

    Shapes:
        x: (N, C, resolution, resolution) float in [-1, 1], y: (N,) int64 or None -> (N,) logits.
    """

    def __init__(
        self,
        *,
        channels: int = 3,
        resolution: int = 32,
        z_dim: int = 128,
        width: int = 64,
        n_classes: int = 0,
    ) -> None:
        spec = image_spec(
            "dcgan",
            channels=channels,
            resolution=resolution,
            z_dim=z_dim,
            width=width,
            n_classes=n_classes,
        )
        blocks, c_in = [], channels
        for i, c_out in enumerate(_d_channels(width, _log2(resolution) - 2, top=3)):
            layers = [nn.Conv2d(c_in, c_out, 4, 2, 1, bias=i == 0)]
            layers += [nn.BatchNorm2d(c_out)] if i else []
            blocks.append(nn.Sequential(*layers, nn.LeakyReLU(0.2)))
            c_in = c_out
        head = nn.Linear(16 * c_in, 1)
        embed = nn.Embedding(n_classes, 16 * c_in) if n_classes else None
        super().__init__(spec, blocks, head, embed)
        _dcgan_init(self)
        if embed is not None:
            nn.init.normal_(embed.weight, 0.0, 0.02)


class SNDCGANGenerator(ConvGenerator):
    """SN-DCGAN generator: the "standard CNN" of Miyato et al. 2018 (Table 3a).

    Hook points and outputs at 32 px (log2(resolution) - 2 blocks):

    ========  =====================================  ==============
    name      layers                                 output
    ========  =====================================  ==============
    stem      linear -> reshape -> BN -> ReLU         (N, 8w, 4, 4)
    blocks.0  convT 4x4 s2 -> BN -> ReLU              (N, 4w, 8, 8)
    blocks.1  convT 4x4 s2 -> BN -> ReLU              (N, 2w, 16, 16)
    blocks.2  convT 4x4 s2 -> BN -> ReLU              (N, w, 32, 32)
    out       conv 3x3 s1 -> tanh                     (N, C, 32, 32)
    ========  =====================================  ==============

    The BN + ReLU after the linear follows the official chainer code (Table 3a omits it); here
    it is a BatchNorm2d over the 8w channels of the 4x4 map. All layers have biases; weights
    start N(0, 0.02). BN is conditional when ``n_classes`` > 0.

    Args:
        channels: image channels C.
        resolution: image side, a power of two >= 8.
        z_dim: latent size (128 in the paper).
        width: base channel count w (64 in the paper: 512 -> 256 -> 128 -> 64).
        n_classes: number of classes; 0 = unconditional.

    Shapes:
        z: (N, z_dim), y: (N,) int64 or None -> (N, C, resolution, resolution) in [-1, 1].
    """

    def __init__(
        self,
        *,
        channels: int = 3,
        resolution: int = 32,
        z_dim: int = 128,
        width: int = 64,
        n_classes: int = 0,
    ) -> None:
        spec = image_spec(
            "sn-dcgan",
            channels=channels,
            resolution=resolution,
            z_dim=z_dim,
            width=width,
            n_classes=n_classes,
        )
        ch = _g_channels(width, _log2(resolution) - 2)
        stem = Stem(z_dim, ch[0], n_classes, bias=True)
        blocks = [UpBlock(ch[i], ch[i + 1], n_classes, bias=True) for i in range(len(ch) - 1)]
        out = nn.Sequential(nn.Conv2d(ch[-1], channels, 3, 1, 1), nn.Tanh())
        super().__init__(spec, stem, blocks, out, ch)
        _normal_init(self)


class SNDCGANDiscriminator(ConvDiscriminator):
    """SN-DCGAN discriminator: the "standard CNN" of Miyato et al. 2018 (Table 3b).

    Every conv, the linear and the projection embedding are spectrally normalised; activations
    are LeakyReLU(0.1). Hook points and outputs at 32 px:

    ========  =========================================  ==============
    name      layers                                     output
    ========  =========================================  ==============
    blocks.0  conv 3x3 s1 (w), conv 4x4 s2 (w)            (N, w, 16, 16)
    blocks.1  conv 3x3 s1 (2w), conv 4x4 s2 (2w)          (N, 2w, 8, 8)
    blocks.2  conv 3x3 s1 (4w), conv 4x4 s2 (4w)          (N, 4w, 4, 4)
    blocks.3  conv 3x3 s1 (8w)                            (N, 8w, 4, 4)
    features  flatten                                     (N, 128w)
    ========  =========================================  ==============

    Channels follow Table 3b (the strided conv keeps the width; the official chainer code
    doubles there instead). Each doubling of the resolution prepends one down-block of width
    w (64 px: w/w/2w/4w at 32/16/8/4 px, then 8w); at 16 px the blocks are 2w/4w, at 8 px 4w.
    With ``n_classes`` > 0 the logit adds ``sum(embed(y) * features)`` (projection
    discriminator; Miyato & Koyama 2018 project pooled ResNet features, this CNN has none, so
    the projection acts on the flattened 4x4 map).

    Args:
        channels: image channels C.
        resolution: image side, a power of two >= 8.
        z_dim: unused by D; recorded so G and D share one ``spec``.
        width: base channel count w (64 in the paper).
        n_classes: number of classes; 0 = unconditional.

    Shapes:
        x: (N, C, resolution, resolution) float in [-1, 1], y: (N,) int64 or None -> (N,) logits.
    """

    def __init__(
        self,
        *,
        channels: int = 3,
        resolution: int = 32,
        z_dim: int = 128,
        width: int = 64,
        n_classes: int = 0,
    ) -> None:
        spec = image_spec(
            "sn-dcgan",
            channels=channels,
            resolution=resolution,
            z_dim=z_dim,
            width=width,
            n_classes=n_classes,
        )
        blocks, c_in = [], channels
        for c_out in _d_channels(width, _log2(resolution) - 2, top=2):
            blocks.append(
                nn.Sequential(
                    spectral_norm(nn.Conv2d(c_in, c_out, 3, 1, 1)),
                    nn.LeakyReLU(0.1),
                    spectral_norm(nn.Conv2d(c_out, c_out, 4, 2, 1)),
                    nn.LeakyReLU(0.1),
                )
            )
            c_in = c_out
        top = 8 * width
        last = spectral_norm(nn.Conv2d(c_in, top, 3, 1, 1))
        blocks.append(nn.Sequential(last, nn.LeakyReLU(0.1)))
        head = spectral_norm(nn.Linear(16 * top, 1))
        embed = spectral_norm(nn.Embedding(n_classes, 16 * top)) if n_classes else None
        super().__init__(spec, blocks, head, embed)
