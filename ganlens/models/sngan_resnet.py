"""SNGAN-ResNet (Miyato et al., ICLR 2018, Table 4 and Appendix B.4: the CIFAR-10 ResNets).

The architecture of LGA's Table 2 ("Resnet based SNGAN"). At 32 px and the paper's widths:

=========  ==========================================================  ================
G          layers                                                      output
=========  ==========================================================  ================
stem       linear z (128) -> 4 x 4 x 256                               (N, 256, 4, 4)
blocks.0   ResBlock up: BN-ReLU-nearest x2-conv3x3-BN-ReLU-conv3x3     (N, 256, 8, 8)
blocks.1   ResBlock up (shortcut: nearest x2, conv1x1)                 (N, 256, 16, 16)
blocks.2   ResBlock up                                                 (N, 256, 32, 32)
out        BN - ReLU - conv3x3 (C) - tanh                              (N, C, 32, 32)
=========  ==========================================================  ================

=========  ==========================================================  ================
D          layers (every conv and linear spectrally normalised)        output
=========  ==========================================================  ================
blocks.0   optimised ResBlock down: conv3x3-ReLU-conv3x3-avgpool2,     (N, 128, 16, 16)
           shortcut avgpool2-conv1x1
blocks.1   ResBlock down: ReLU-conv3x3-ReLU-conv3x3-avgpool2,          (N, 128, 8, 8)
           shortcut conv1x1-avgpool2
blocks.2   ResBlock (identity shortcut)                                (N, 128, 8, 8)
blocks.3   ResBlock (identity shortcut)                                (N, 128, 8, 8)
features   ReLU, global **sum** pooling                                (N, 128)
logit_map  linear (+ projection)                                       (N, 1, 1, 1)
=========  ==========================================================  ================

Other resolutions (a power of two >= 16): G adds or drops up-blocks (one per doubling from 4x4);
D has down-blocks until the map is 8x8 (the first one optimised), then the two plain blocks.

``logit_map="4x4"`` is LGA's variant (Section 4.1): the 8x8 map is average-pooled 2x2 with
stride 2 and multiplied by 64 ("to maintain the role of global sum pooling"), and the same linear
layer scores each of the 4x4 positions, so ``D.logit_map`` is (N, 1, 4, 4). Its mean over the
positions equals the ``"global"`` logit of the same weights exactly (a linear layer commutes with
the mean), so ``D(x)`` is the same function in both modes; only the map a loss can see differs.

Class-conditional (``n_classes`` > 0): conditional BatchNorm in G's blocks (the final BN stays
plain, as in the official chainer code) and a spectrally normalised projection
``sum(embed(y) * features)`` in D (Miyato & Koyama 2018), per position in the 4x4 mode.

Initialisation as in the official chainer-gan-lib code: Xavier-uniform with gain sqrt(2) for the
residual convs and gain 1 for shortcuts, the linear layers and the output conv; zero biases.

Parameter counts at the paper's widths (32 px, 3 channels, unconditional): G 4,276,739 and
D 1,053,825 (spectral norm's u vectors are buffers, not parameters). The SNGAN paper prints no
counts and we found none published offline, so the reference is a hand count from Table 4's
layer list, which ``tests/models/test_sngan_resnet.py`` computes separately and compares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm

from ganlens.fieldtypes import check_fields
from ganlens.hooks import HookPoint
from ganlens.models.config import ModelConfig
from ganlens.models.layers import (
    ConvGenerator,
    apply_norm,
    check_images,
    check_int,
    check_labels,
    check_resolution,
    make_norm,
)

LOGIT_MAPS = ("global", "4x4")
DEFAULTS = {"channels": 3, "resolution": 32}
FINAL_SIDE = 8  # D's residual trunk ends on an 8x8 map at every resolution


@dataclass(frozen=True, eq=False)
class SNGANResNetConfig(ModelConfig):
    """The SNGAN-ResNet family (``"sngan-resnet"``).

    Attributes:
        name: ``"sngan-resnet"``.
        channels: image channels (``None``: the data's).
        resolution: image side, a power of two >= 16 (``None``: the data's).
        z_dim: latent size (128 in the paper).
        g_width: G's channels in every block (256 in the paper).
        d_width: D's channels in every block (128 in the paper).
        n_classes: classes of a class-conditional pair (0: unconditional).
        logit_map: ``"global"`` (the paper: sum pooling, one logit) or ``"4x4"`` (LGA: a 4x4 map).
    """

    name: str = "sngan-resnet"
    channels: int | None = None
    resolution: int | None = None
    z_dim: int = 128
    g_width: int = 256
    d_width: int = 128
    n_classes: int = 0
    logit_map: str = "global"

    def __post_init__(self) -> None:
        if self.name != "sngan-resnet":
            raise ValueError(f"SNGANResNetConfig name must be 'sngan-resnet', got {self.name!r}")
        check_fields(self, "model")
        if self.channels is not None:
            check_int("channels", self.channels, 1)
        if self.resolution is not None:
            check_resolution16(self.resolution)
        for name in ("z_dim", "g_width", "d_width"):
            check_int(name, getattr(self, name), 1)
        check_int("n_classes", self.n_classes, 0)
        if self.logit_map not in LOGIT_MAPS:
            raise ValueError(f"logit_map must be one of {LOGIT_MAPS}, got {self.logit_map!r}")


def check_resolution16(resolution: object) -> None:
    """Raise ValueError unless ``resolution`` is a power of two >= 16 (D ends on an 8x8 map)."""
    check_resolution(resolution)
    if resolution < 16:  # type: ignore[operator]
        raise ValueError(
            f"sngan-resnet needs a resolution that is a power of two >= 16 (16, 32, 64, ...), "
            f"got {resolution!r}; load the data with ganlens.data.load(..., resolution=32)"
        )


def build_players(config: SNGANResNetConfig) -> dict[str, nn.Module]:
    """``{"G": G, "D": D}`` of ``config`` (unset channels/resolution: 3 and 32)."""
    spec = {"name": "sngan-resnet", **DEFAULTS, **config.kwargs()}
    return {"G": SNGANResNetGenerator(spec), "D": SNGANResNetDiscriminator(spec)}


def _xavier(module: nn.Module, gain: float) -> nn.Module:
    nn.init.xavier_uniform_(module.weight, gain)
    if getattr(module, "bias", None) is not None:
        nn.init.zeros_(module.bias)
    return module


def _conv(c_in: int, c_out: int, kernel: int, gain: float, sn: bool) -> nn.Module:
    conv = _xavier(nn.Conv2d(c_in, c_out, kernel, 1, kernel // 2), gain)
    return spectral_norm(conv) if sn else conv


# ----------------------------------------------------------------------------- G


class _Stem(nn.Module):
    """z -> linear -> (N, C, 4, 4); the first block normalises it. ``linear`` as in ``Stem``."""

    def __init__(self, z_dim: int, channels: int) -> None:
        super().__init__()
        self.linear = _xavier(nn.Linear(z_dim, 16 * channels), 1.0)

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        """Project and reshape ``z``."""
        return self.linear(z).view(z.shape[0], -1, 4, 4)


class GBlock(nn.Module):
    """G's up-sampling residual block: (C)BN-ReLU-up-conv3x3-(C)BN-ReLU-conv3x3 + up-conv1x1.

    Shapes:
        x: (N, C_in, H, W), y: (N,) or None -> (N, C_out, 2H, 2W).
    """

    def __init__(self, c_in: int, c_out: int, n_classes: int) -> None:
        super().__init__()
        self.norm1 = make_norm(c_in, n_classes)
        self.conv1 = _conv(c_in, c_out, 3, math.sqrt(2), sn=False)
        self.norm2 = make_norm(c_out, n_classes)
        self.conv2 = _conv(c_out, c_out, 3, math.sqrt(2), sn=False)
        self.shortcut = _conv(c_in, c_out, 1, 1.0, sn=False)

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """Double the resolution."""
        h = F.interpolate(F.relu(apply_norm(self.norm1, x, y)), scale_factor=2, mode="nearest")
        h = self.conv2(F.relu(apply_norm(self.norm2, self.conv1(h), y)))
        return h + self.shortcut(F.interpolate(x, scale_factor=2, mode="nearest"))


class SNGANResNetGenerator(ConvGenerator):
    """SNGAN-ResNet generator (module docstring: layers, hook points, init).

    Args:
        spec: ``{"name", "channels", "resolution", "z_dim", "g_width", "d_width",
            "n_classes", "logit_map"}`` (D's keys are recorded so G and D share one spec).

    Shapes:
        z: (N, z_dim), y: (N,) int64 or None -> (N, C, resolution, resolution) in [-1, 1].
    """

    def __init__(self, spec: dict) -> None:
        check_resolution16(spec["resolution"])
        w, n_classes = spec["g_width"], spec["n_classes"]
        steps = spec["resolution"].bit_length() - 3  # 4 -> resolution
        blocks = [GBlock(w, w, n_classes) for _ in range(steps)]
        out = nn.Sequential(
            nn.BatchNorm2d(w),
            nn.ReLU(),
            _conv(w, spec["channels"], 3, 1.0, sn=False),
            nn.Tanh(),
        )
        super().__init__(spec, _Stem(spec["z_dim"], w), blocks, out, [w] * (steps + 1))


# ----------------------------------------------------------------------------- D


class DBlock(nn.Module):
    """D's residual block, spectrally normalised; ``optimised`` is the first block (no ReLU
    before the first conv, pooling before the shortcut conv).

    Shapes:
        x: (N, C_in, H, W) -> (N, C_out, H/2, W/2) when ``down``, else (N, C_out, H, W).
    """

    def __init__(self, c_in: int, c_out: int, down: bool, optimised: bool = False) -> None:
        super().__init__()
        self.down, self.optimised = down, optimised
        self.conv1 = _conv(c_in, c_out, 3, math.sqrt(2), sn=True)
        self.conv2 = _conv(c_out, c_out, 3, math.sqrt(2), sn=True)
        learnable = down or c_in != c_out
        self.shortcut = _conv(c_in, c_out, 1, 1.0, sn=True) if learnable else None

    def _pool(self, h: Tensor) -> Tensor:
        return F.avg_pool2d(h, 2) if self.down else h

    def forward(self, x: Tensor) -> Tensor:
        """Residual update (and halving) of ``x``."""
        h = x if self.optimised else F.relu(x)
        h = self._pool(self.conv2(F.relu(self.conv1(h))))
        if self.shortcut is None:
            return h + x
        if self.optimised:
            return h + self.shortcut(self._pool(x))
        return h + self._pool(self.shortcut(x))


class SNGANResNetDiscriminator(nn.Module):
    """SNGAN-ResNet discriminator (module docstring: layers, hook points, the LGA 4x4 map).

    Args:
        spec: the shared spec (see :class:`SNGANResNetGenerator`).

    Shapes:
        x: (N, C, resolution, resolution) float in [-1, 1], y: (N,) int64 or None -> (N,) logits.
    """

    def __init__(self, spec: dict) -> None:
        super().__init__()
        check_resolution16(spec["resolution"])
        self.spec = dict(spec)
        self.channels, self.resolution = spec["channels"], spec["resolution"]
        self.n_classes, self.mode = spec["n_classes"], spec["logit_map"]
        w = spec["d_width"]
        downs = (self.resolution // FINAL_SIDE).bit_length() - 1
        blocks = [DBlock(self.channels, w, down=True, optimised=True)]
        blocks += [DBlock(w, w, down=True) for _ in range(downs - 1)]
        blocks += [DBlock(w, w, down=False) for _ in range(2)]
        self.blocks = nn.ModuleList(HookPoint(b) for b in blocks)
        self.features = HookPoint()
        self.head = spectral_norm(_xavier(nn.Linear(w, 1), 1.0))
        self.embed = None
        if self.n_classes:
            embed = nn.Embedding(self.n_classes, w)
            nn.init.xavier_uniform_(embed.weight)
            self.embed = spectral_norm(embed)
        self.logit_map = HookPoint()

    def _pooled(self, h: Tensor) -> Tensor:
        """Sum pooling to (N, C), or LGA's 64 x avgpool2 to (N, C, 4, 4)."""
        if self.mode == "global":
            return h.sum(dim=(2, 3))
        return F.avg_pool2d(h, 2) * (h.shape[-2] * h.shape[-1])

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """Score images: (N,) raw logits, the mean of ``logit_map``."""
        check_images(x, self.channels, self.resolution)
        check_labels(y, x.shape[0], self.n_classes, "D")
        h = x
        for block in self.blocks:
            h = block(h)
        feat = self.features(self._pooled(F.relu(h)))
        per_position = feat if feat.ndim == 4 else feat[:, :, None, None]  # (N, C, R, R)
        logit = self.head(per_position.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)  # (N, 1, R, R)
        if self.embed is not None:
            logit = logit + (self.embed(y)[:, :, None, None] * per_position).sum(1, keepdim=True)
        return self.logit_map(logit).flatten(1).mean(dim=1)


__all__ = [
    "LOGIT_MAPS",
    "SNGANResNetConfig",
    "SNGANResNetDiscriminator",
    "SNGANResNetGenerator",
    "build_players",
]
