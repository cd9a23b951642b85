"""EqGAN-SA spatial encoding: heatmap projection, SEL_norm (official) and SEL_concat (paper-only).

Official code (official-code-notes.md 1b), followed here:

- the heatmaps of each level are projected once per forward at the image resolution by two 3x3
  convs with LeakyReLU(0.2), level channels -> 16 -> 32, giving 32 feature channels per level;
- a G feature map at 4x4 receives the level-1 features, 8x8 level 2, 16x16 level 3, and every
  larger map the 96-channel concatenation of all three (the official code picks by the block a
  conv belongs to rather than by the map's side; see ``generator.py`` for why we pick by side);
- SEL_norm: ``h = lrelu(conv3x3(resize(F)))`` (64 channels), ``gamma = conv3x3(h)`` and
  ``beta = conv3x3(h)`` with ONE output channel each (broadcast over all of x's channels; the
  paper's Eq. 3 writes per-pixel (h, w, 1) maps too), ``dx = IN(x) (1 + gamma) + beta``, and a
  residual ``x + 0.1 conv3x3(lrelu(dx))``. The 0.1 is the code's fixed scale.

Differences from the code: gamma and beta are the two output channels of one 3x3 conv (the same
function as two 1-channel convs, one call instead of two); plain PyTorch convs (default init, zero biases as the StyleGAN layers
start) instead of StyleGAN's equalised-learning-rate layers and their sqrt(2) activation gain.

SEL_concat is NOT in the released code; the paper defers it to its supplementary material. Our
design keeps everything of SEL_norm but how the heatmap enters: the same 64-channel heatmap
embedding ``h`` is concatenated to ``IN(x)`` and a 3x3 conv maps the C + 64 channels back to C:
``x + 0.1 conv3x3(lrelu([IN(x), h]))``. So Table 4 compares concatenation with modulation and
nothing else.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganlens.methods.eqgan_sa.heatmaps import LEVEL_CENTERS, LEVEL_RESOLUTIONS, split_levels

LEVEL_FEATURES = 32  # channels of each level's projected heatmap features
EMBED = 64  # channels of the SEL heatmap embedding ("shared" in the official code)
RESIDUAL_SCALE = 0.1
SLOPE = 0.2
ENCODINGS = ("sel_norm", "sel_concat", "flatten")


def _conv(c_in: int, c_out: int) -> nn.Conv2d:
    conv = nn.Conv2d(c_in, c_out, 3, padding=1)
    nn.init.zeros_(conv.bias)
    return conv


def feature_channels(resolution: int) -> int:
    """Heatmap feature channels a G map of side ``resolution`` receives (32, or 96 above 16x16)."""
    return LEVEL_FEATURES * (len(LEVEL_CENTERS) if resolution > LEVEL_RESOLUTIONS[-1] else 1)


def features_for(features: list[Tensor], resolution: int) -> Tensor:
    """The projected features for a G map of side ``resolution`` (official lookup by resolution)."""
    for level, res in enumerate(LEVEL_RESOLUTIONS):
        if resolution <= res:
            return features[level]
    return torch.cat(features, dim=1)


class HeatmapProjection(nn.Module):
    """Two 3x3 convs per level (k -> 16 -> 32, LeakyReLU 0.2) on the full-resolution heatmaps.

    Shapes:
        heatmaps (N, 7, R, R) -> three feature maps (N, 32, R, R), one per level.
    """

    def __init__(self) -> None:
        super().__init__()
        self.levels = nn.ModuleList(
            nn.Sequential(
                _conv(k, 16), nn.LeakyReLU(SLOPE), _conv(16, LEVEL_FEATURES), nn.LeakyReLU(SLOPE)
            )
            for k in LEVEL_CENTERS
        )

    def forward(self, heatmaps: Tensor) -> list[Tensor]:
        """Project each level's heatmaps to 32 feature channels."""
        return [proj(h) for proj, h in zip(self.levels, split_levels(heatmaps))]


class _SEL(nn.Module):
    """What SEL_norm and SEL_concat share: resize, embed, instance norm, scaled residual."""

    def __init__(self, channels: int, map_channels: int) -> None:
        super().__init__()
        self.embed = _conv(map_channels, EMBED)
        self.norm = nn.InstanceNorm2d(channels, affine=False)

    def _embedding(self, x: Tensor, features: Tensor) -> Tensor:
        hm = features
        if hm.shape[-2:] != x.shape[-2:]:  # align-corners resizing to the same size is the identity
            hm = F.interpolate(hm, size=x.shape[-2:], mode="bilinear", align_corners=True)
        return F.leaky_relu(self.embed(hm), SLOPE)


class SELNorm(_SEL):
    """Spatial encoding by normalisation (EqGAN-SA Eq. 3, official code).

    Args:
        channels: channels C of the G feature map.
        map_channels: channels of the heatmap features it receives (32 or 96).

    Shapes:
        x: (N, C, h, w); features: (N, map_channels, R, R) -> (N, C, h, w).
    """

    def __init__(self, channels: int, map_channels: int) -> None:
        super().__init__(channels, map_channels)
        self.modulation = _conv(EMBED, 2)  # channel 0: gamma (phi_sigma), channel 1: beta (phi_mu)
        self.out = _conv(channels, channels)

    def forward(self, x: Tensor, features: Tensor) -> Tensor:
        """``x + 0.1 conv(lrelu(IN(x) (1 + gamma(H)) + beta(H)))``."""
        gamma, beta = self.modulation(self._embedding(x, features)).chunk(2, dim=1)
        dx = self.norm(x) * (1.0 + gamma) + beta
        return x + RESIDUAL_SCALE * self.out(F.leaky_relu(dx, SLOPE))


class SELConcat(_SEL):
    """Spatial encoding by concatenation (paper-only; our design, see the module docstring).

    Shapes:
        x: (N, C, h, w); features: (N, map_channels, R, R) -> (N, C, h, w).
    """

    def __init__(self, channels: int, map_channels: int) -> None:
        super().__init__(channels, map_channels)
        self.out = _conv(channels + EMBED, channels)

    def forward(self, x: Tensor, features: Tensor) -> Tensor:
        """``x + 0.1 conv(lrelu([IN(x), embed(H)]))``."""
        h = self._embedding(x, features)
        return x + RESIDUAL_SCALE * self.out(
            F.leaky_relu(torch.cat([self.norm(x), h], dim=1), SLOPE)
        )


def make_sel(encoding: str, channels: int, resolution: int) -> nn.Module:
    """The SEL of ``encoding`` for a G map with ``channels`` channels and side ``resolution``."""
    cls = {"sel_norm": SELNorm, "sel_concat": SELConcat}.get(encoding)
    if cls is None:
        raise ValueError(f"no SEL for encoding {encoding!r}; SELs are 'sel_norm' and 'sel_concat'")
    return cls(channels, feature_channels(resolution))
