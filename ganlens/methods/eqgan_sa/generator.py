"""A ganlens ConvGenerator given EqGAN-SA heatmaps: SEL after every stage, or a flattened input.

Placement on SN-DCGAN at 32 px (official-code-notes.md 1b: SEL sits before every conv of G's
synthesis blocks and before the output layer; a DCGAN-style G has one conv per stage, so one SEL
after the stem and after every block, i.e. before every up-sampling conv and before ``out``):

==========  ================  ==============================  =====================
hook name   input map         heatmap features                 then
==========  ================  ==============================  =====================
G.sel.0     stem (8w, 4x4)    level 1 (32 ch)                  G.blocks.0 (convT)
G.sel.1     blocks.0 (8x8)    level 2 (32 ch)                  G.blocks.1
G.sel.2     blocks.1 (16x16)  level 3 (32 ch)                  G.blocks.2
G.sel.3     blocks.2 (32x32)  all three levels (96 ch)         G.out (conv 3x3, tanh)
==========  ================  ==============================  =====================

Which level a SEL receives: the level of the side of the map it modulates (4 -> level 1, 8 -> 2,
16 -> 3, larger -> all three). The official StyleGAN2 code picks by the *block* a conv belongs to
(block b8 gets level 2, also in its up-sampling conv0 that reads the 4x4 map; level 1 feeds only
the 4x4 block's conv and ToRGB). SN-DCGAN has no conv at 4x4 besides the up-sampling one, so the
official rule applied to it would never use level 1; picking by map side keeps all three levels
and gives each the map of its own resolution (the official block rule would give ``G.sel.2``, on
the 16x16 map before the convT to 32x32, the 96-channel concatenation instead of level 3).

The other hook names of the base G (``G.stem``, ``G.blocks.i``, ``G.out``) are kept.
``encoding="flatten"`` (Table 4's "Flatten" baseline) adds no SEL: each level, average-pooled to
its resolution (4x4, 8x8, 16x16; 16 + 128 + 1024 values at 32 px), is flattened and concatenated
to the latent, so the stem's linear layer takes ``z_dim + 1168`` inputs.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganlens.hooks import HookPoint
from ganlens.methods.eqgan_sa.encoding import ENCODINGS, HeatmapProjection, features_for, make_sel
from ganlens.methods.eqgan_sa.heatmaps import (
    LEVEL_CENTERS,
    LEVEL_RESOLUTIONS,
    HeatmapSampler,
    check_heatmaps,
    split_levels,
)
from ganlens.models.layers import ConvGenerator, Generator, check_labels, check_latent


def flat_size(resolution: int) -> int:
    """Length of the flattened heatmaps of ``encoding="flatten"`` at image side ``resolution``."""
    return sum(k * min(r, resolution) ** 2 for k, r in zip(LEVEL_CENTERS, LEVEL_RESOLUTIONS))


def flatten_heatmaps(heatmaps: Tensor) -> Tensor:
    """Each level average-pooled to its resolution, flattened and concatenated: (N, flat_size)."""
    side = heatmaps.shape[-1]
    parts = [
        F.adaptive_avg_pool2d(h, min(r, side)).flatten(1)
        for h, r in zip(split_levels(heatmaps), LEVEL_RESOLUTIONS)
    ]
    return torch.cat(parts, dim=1)


class SpatialGenerator(Generator):
    """A :class:`~ganlens.models.layers.ConvGenerator` conditioned on EqGAN-SA heatmaps.

    ``G(z, y=None, heatmaps=None)``: without ``heatmaps`` the sampler draws them from the global
    RNG (as the official G does on every forward); pass them, or use :meth:`sample_inputs` with
    a seeded generator, for reproducible samples and for editing.

    Args:
        base: the G to extend (its modules are taken over, not copied).
        encoding: ``"sel_norm"`` (official), ``"sel_concat"`` or ``"flatten"``.
        heatmaps: the sampler kind: ``"hierarchical"``, ``"independent"`` or ``"noise"``.

    Shapes:
        z: (N, z_dim); y: (N,) int64 or None; heatmaps: (N, 7, R, R) -> (N, C, R, R) in [-1, 1].
    """

    def __init__(
        self, base: ConvGenerator, encoding: str = "sel_norm", heatmaps: str = "hierarchical"
    ) -> None:
        super().__init__()
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown encoding {encoding!r}; choose one of {ENCODINGS}")
        if not isinstance(base, ConvGenerator):
            raise ValueError(
                f"EqGAN-SA extends a ganlens ConvGenerator (dcgan, sn-dcgan), got "
                f"{type(base).__name__}"
            )
        self.spec = {**base.spec, "eqgan_sa": {"encoding": encoding, "heatmaps": heatmaps}}
        self.z_dim, self.n_classes = base.z_dim, base.n_classes
        self.channels, self.resolution = base.channels, base.resolution
        self.encoding = encoding
        self.sampler = HeatmapSampler(heatmaps, base.resolution)
        shapes = [(stage.channels, stage.size) for stage in base.stages]
        self.stages = base.stages
        if encoding == "flatten":
            base.widen_latent(flat_size(base.resolution))
        self.stem, self.blocks, self.out = base.stem, base.blocks, base.out
        if encoding != "flatten":
            self.project = HeatmapProjection()
            self.sel = nn.ModuleList(HookPoint(make_sel(encoding, c, side)) for c, side in shapes)

    def sample_inputs(
        self,
        n: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
    ) -> dict[str, Tensor]:
        """``{"heatmaps": (n, 7, R, R)}`` drawn from ``generator`` (after the latents and labels)."""
        if device is None:
            device = next(self.parameters()).device
        return {"heatmaps": self.sampler.sample(n, generator, device)}

    def forward(self, z: Tensor, y: Tensor | None = None, heatmaps: Tensor | None = None) -> Tensor:
        """Generate images that follow ``heatmaps`` (drawn when ``None``)."""
        check_latent(z, self.z_dim)
        check_labels(y, z.shape[0], self.n_classes, "G")
        if heatmaps is None:
            heatmaps = self.sampler.sample(z.shape[0], None, z.device)
        check_heatmaps(heatmaps, z.shape[0], self.resolution)
        heatmaps = heatmaps.to(device=z.device, dtype=z.dtype)
        if self.encoding == "flatten":
            h = self.stem(torch.cat([z, flatten_heatmaps(heatmaps)], dim=1), y)
            for block in self.blocks:
                h = block(h, y)
            return self.out(h)
        features = self.project(heatmaps)
        h = self.stem(z, y)
        for sel, block in zip(self.sel, self.blocks):
            h = block(sel(h, features_for(features, h.shape[-1])), y)
        return self.out(self.sel[-1](h, features_for(features, h.shape[-1])))
