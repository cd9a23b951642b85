"""stylegan-lite given EqGAN-SA heatmaps: a SEL before every modulated conv and ToRGB, as the code.

The official EqGAN-SA G is StyleGAN2 (official-code-notes.md 1b): the heatmaps are projected once
(two 3x3 convs per level, 32 channels each) and a SEL_norm sits before every modulated conv
(conv0, conv1) and before every ToRGB; block ``bR`` takes the features of its own resolution
(b4 level 1, b8 level 2, b16 level 3, b32 and up all three: 96 channels), its up-sampling
``conv0`` too, although that conv reads the map of side R/2. At 32 px:

=====================  =================  =======================
hook name              modulates          heatmap features
=====================  =================  =======================
G.sel.b4_conv1         b4 const (4x4)     level 1 (32 ch)
G.sel.b4_torgb         b4 (4x4)           level 1
G.sel.b8_conv0         b4's map (4x4)     level 2 (32 ch)
G.sel.b8_conv1 / torgb b8 (8x8)           level 2
G.sel.b16_*            ...                level 3 (32 ch)
G.sel.b32_*            ...                all three (96 ch)
=====================  =================  =======================

The other hook points of stylegan-lite (``G.mapping``, ``G.synthesis.b8.conv0``, ...) are kept:
this G *is* a stylegan-lite G (a subclass, with the base's weights) whose synthesis receives the
SELs through its ``edit`` argument. Unlike :class:`~ganlens.methods.eqgan_sa.generator.SpatialGenerator`,
which picks a level by the side of the map a SEL modulates, this follows the official block rule.
The notes do not say whether the output of the SEL before a ToRGB also feeds the next block;
here it reaches only that ToRGB. ``encoding="flatten"`` is not offered on this backbone (the
official code has none; the flattened heatmaps would widen the mapping network's input).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ganlens.hooks import HookPoint
from ganlens.methods.eqgan_sa.encoding import ENCODINGS, HeatmapProjection, features_for, make_sel
from ganlens.methods.eqgan_sa.generator import SpatialGenerator
from ganlens.methods.eqgan_sa.heatmaps import HeatmapSampler, check_heatmaps
from ganlens.models.stylegan_lite import StyleGANLiteGenerator, widths


class StyleSpatialGenerator(StyleGANLiteGenerator):
    """A stylegan-lite G conditioned on EqGAN-SA heatmaps.

    ``G(z, y=None, heatmaps=None, seed=None)``: without ``heatmaps`` the sampler draws them from
    the global RNG (as the official G does on every forward); :meth:`sample_inputs` draws the
    seeds and heatmaps from a seeded generator, for reproducible samples and for editing.

    Args:
        base: the G to extend (its weights are copied into this one).
        encoding: ``"sel_norm"`` (official) or ``"sel_concat"``.
        heatmaps: the sampler kind: ``"hierarchical"``, ``"independent"`` or ``"noise"``.

    Shapes:
        z: (N, z_dim); y: (N,) int64 or None; heatmaps: (N, 7, R, R); seed: (N,) int64 or None
        -> (N, C, R, R) in [-1, 1].
    """

    def __init__(
        self,
        base: StyleGANLiteGenerator,
        encoding: str = "sel_norm",
        heatmaps: str = "hierarchical",
    ) -> None:
        if encoding not in ENCODINGS or encoding == "flatten":
            raise ValueError(
                f"EqGAN-SA on stylegan-lite takes encoding 'sel_norm' or 'sel_concat', got {encoding!r}"
            )
        super().__init__(base.spec)
        self.load_state_dict(base.state_dict())
        self.spec = {**base.spec, "eqgan_sa": {"encoding": encoding, "heatmaps": heatmaps}}
        self.encoding = encoding
        self.sampler = HeatmapSampler(heatmaps, base.resolution)
        self.project = HeatmapProjection()
        sels = {}
        ch = widths(base.spec)
        for i, r in enumerate(ch):
            if i:
                sels[f"b{r}_conv0"] = HookPoint(make_sel(encoding, ch[r // 2], r))
            sels[f"b{r}_conv1"] = HookPoint(make_sel(encoding, ch[r], r))
            sels[f"b{r}_torgb"] = HookPoint(make_sel(encoding, ch[r], r))
        self.sel = nn.ModuleDict(sels)

    def sample_inputs(
        self,
        n: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
    ) -> dict[str, Tensor]:
        """The base's per-image seeds (if any), then ``heatmaps`` (n, 7, R, R), from ``generator``."""
        out = super().sample_inputs(n, generator, device)
        device = device if device is not None else self.mapping.w_avg.device
        return {**out, "heatmaps": self.sampler.sample(n, generator, device)}

    def forward(  # type: ignore[override]
        self,
        z: Tensor,
        y: Tensor | None = None,
        heatmaps: Tensor | None = None,
        seed: Tensor | None = None,
        truncation_psi: float = 1.0,
        noise_mode: str | None = None,
    ) -> Tensor:
        """Generate images that follow ``heatmaps`` (drawn when ``None``)."""
        if heatmaps is None:
            heatmaps = self.sampler.sample(z.shape[0], None, z.device)
        check_heatmaps(heatmaps, z.shape[0], self.resolution)
        features = self.project(heatmaps.to(device=z.device, dtype=z.dtype))

        def edit(name: str, x: Tensor) -> Tensor:
            block, layer = name.split(".")
            return self.sel[f"{block}_{layer}"](x, features_for(features, int(block[1:])))

        return super().forward(z, y, seed, truncation_psi, noise_mode, edit=edit)


SPATIAL = (SpatialGenerator, StyleSpatialGenerator)  # the Gs EqGAN-SA trains


def make_spatial(
    base: nn.Module, encoding: str = "sel_norm", heatmaps: str = "hierarchical"
) -> SpatialGenerator | StyleSpatialGenerator:
    """EqGAN-SA's G around ``base``: a stylegan-lite one or a ganlens ConvGenerator."""
    if isinstance(base, StyleGANLiteGenerator):
        return StyleSpatialGenerator(base, encoding, heatmaps)
    return SpatialGenerator(base, encoding, heatmaps)
