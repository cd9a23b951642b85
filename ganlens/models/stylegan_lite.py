"""stylegan-lite: StyleGAN2 (Karras et al., CVPR 2020) at small scale, on the backbone contract.

The backbone of EqGAN-SA's Tables 1, 3, 4, CLR-GAN's Table 2 and GLeaD: a mapping network and a
synthesis network with skip-RGB outputs (StyleGAN2 config E/F "skip" G), and a residual D with
minibatch-std ("resnet" D). Layers, names and parameter counts follow the official
StyleGAN2-ADA code; :mod:`ganlens.models.style_layers` has the layers. At 32 px and the
defaults (z = w = 128, 4 mapping layers, widths ``min(2048 // R, 128)``: 128 up to 16x16, 64
at 32x32):

====================  ==================================================  ====================
G                     layers                                              output
====================  ==================================================  ====================
mapping               pixel norm z (+ class embedding), 4 FC (lr x0.01)   w (N, 128)
(broadcast, mixing)   w to the 8 style inputs; style mixing in training   (N, 8, 128)
synthesis.b4          learned constant 4x4; ``conv1``                     (N, 128, 4, 4)
synthesis.b8          ``conv0`` (bilinear x2, modconv 3x3), ``conv1``     (N, 128, 8, 8)
synthesis.b16         as b8                                               (N, 128, 16, 16)
synthesis.b32         as b8                                               (N, 64, 32, 32)
synthesis.b*.torgb    modulated 1x1 conv (no demodulation)                (N, C, R, R)
synthesis             sum of the torgb outputs, each upsampled x2; tanh   (N, C, 32, 32)
====================  ==================================================  ====================

Every ``conv0``/``conv1`` is a modulated, demodulated 3x3 conv, plus per-pixel noise times a
learned strength (starting at 0), plus bias, leaky ReLU 0.2 x sqrt(2). Each block, conv and
torgb is a hook point: ``G.mapping``, ``G.synthesis``, ``G.synthesis.b8``,
``G.synthesis.b8.conv0``, ``G.synthesis.b8.conv1``, ``G.synthesis.b8.torgb``, ... A block's
output is its feature map (``G.stages`` lists the blocks); the synthesis network applies the
block's torgb to it and adds the upsampled image so far.

====================  ==================================================  ====================
D                     layers                                              output
====================  ==================================================  ====================
b32                   fromrgb 1x1; conv0 3x3; conv1 3x3 down;             (N, 128, 16, 16)
                      + skip 1x1 down (no bias), sum times sqrt(1/2)
b16                   conv0; conv1 down; + skip down                      (N, 128, 8, 8)
b8                    as b16                                              (N, 128, 4, 4)
b4                    minibatch std (group 4, 1 feature), conv 3x3        (N, 128, 4, 4)
features              FC 2048 -> 128, leaky ReLU                          (N, 128)
logit_map             FC 128 -> 1 (conditional: FC 128 -> 128, projected  (N, 1, 1, 1)
                      on the class map ``cmap``, divided by sqrt(128))
====================  ==================================================  ====================

D block ``bR`` takes an R x R map (its width ``min(2048 // R, 128)``) and halves it; ``D(x)`` is
the mean of ``logit_map``, shape (N,). Other resolutions (a power of two >= 8) add or drop
blocks. Class-conditional (``n_classes`` > 0): G embeds the label and concatenates it to z in
the mapping network (StyleGAN2-ADA); D projects its output on ``cmap``, a normalised equalised
FC embedding of the label.

G's randomness comes from its inputs, so runs reproduce and resume: :meth:`sample_inputs`
declares a per-image ``seed`` (N,) int64, drawn by ganlens' task from the run's generator after
the latents and labels; each image's noise maps (then, in training, its style-mixing draw) come
from a generator seeded with it, the same in train and eval mode. Called without ``seed``
(``G(z)``, or a method's own G inputs such as CLR-GAN's reconstruction), G uses the fixed
``noise_const`` buffers and mixes no styles, in either mode: nothing in G reads the global RNG.
``noise_mode`` (config or call): ``"random"``, ``"const"`` (always the buffers, StyleGAN2's
``noise_mode='const'``) or ``"none"``.

Simplifications against StyleGAN2 (config F) and StyleGAN2-ADA, every one of them:

- No path-length regulariser (StyleGAN2 Sec. 3.2); no lazy regularisation of G.
- Lazy R1 only through ``optim.r1_every`` (R1 on every k-th iteration, weighted by k), added to
  that iteration's D loss rather than taken as a separate optimiser step, and without the
  official Adam correction (lr and betas to the power k / (k + 1)).
- No FIR filters: bilinear x2 up-sampling in G (the same as the [1, 3, 3, 1] filter away from the
  borders) and 2x2 average pooling before D's down-sampling convs and skips (the official code
  blurs with [1, 3, 3, 1] and uses strided convs).
- Unfused modulated conv (scale inputs, one shared conv, scale outputs): the same function as
  the grouped conv, not the same kernels.
- Style mixing per image (cutoff drawn per image) instead of one cutoff per batch; off by
  default (``style_mixing=0.0``, as StyleGAN2-ADA's CIFAR config; StyleGAN2 uses 0.9).
- A tanh on the output: StyleGAN2's image is the linear sum of the torgb outputs, but ganlens'
  images are in [-1, 1] and its metrics refuse values outside.
- No EMA ramp-up and no G EMA by default (``optim.ema_beta`` gives a plain EMA of G's weights).
- No truncation cutoff (psi applies to every style input), no mixed precision (fp16 layers) and
  no conv clamping, no ADA augmentation.
- D's class map is one FC embedding (normalised) instead of an 8-layer mapping network; the
  minibatch-std feature count is fixed at 1.
- Narrow defaults (widths ``min(2048 // R, 128)``, z = w = 128, 4 mapping layers instead of
  ``min(32768 // R, 512)``, 512, 8).

Parameter counts (computed by building the models; ``tests/models/test_stylegan_lite.py``
counts them again layer by layer):

- Defaults at 32 px, 3 channels, unconditional: G 1,083,219 and D 1,153,473.
- StyleGAN2 config F at 1024 px (z = w = 512, 8 mapping layers, widths ``min(32768 // R,
  512)``): G 30,370,060 and D 29,012,513. Every layer count equals the official one printed
  by StyleGAN2-ADA's network summary (e.g. ``synthesis.b4.conv1`` 2,622,465,
  ``synthesis.b4.torgb`` 264,195, ``mapping.fc0`` 262,656, D ``b64.conv0`` 2,359,808,
  ``b64.skip`` 262,144, in summaries quoted in public issue threads); the simplifications
  above change no parameter count (the FIR filters are buffers). The totals are ours; the
  paper's table, often quoted as about 30M and 29M, was not available offline to compare with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ganlens.fieldtypes import check_fields
from ganlens.hooks import HookPoint
from ganlens.models.config import ModelConfig
from ganlens.models.layers import (
    Generator,
    Stage,
    check_images,
    check_int,
    check_labels,
    check_latent,
    check_resolution,
)
from ganlens.models.style_layers import (
    EqualConv2d,
    EqualLinear,
    MappingNetwork,
    MinibatchStd,
    Named,
    SynthesisLayer,
    ToRGB,
    normalize_2nd_moment,
    upsample,
)

NOISE_MODES = ("random", "const", "none")
DEFAULTS = {"channels": 3, "resolution": 32}
SQRT_HALF = 0.5**0.5


@dataclass(frozen=True, eq=False)
class StyleGANLiteConfig(ModelConfig):
    """The stylegan-lite family (``"stylegan-lite"``).

    Attributes:
        name: ``"stylegan-lite"``.
        channels: image channels (``None``: the data's).
        resolution: image side, a power of two >= 8 (``None``: the data's).
        z_dim, w_dim: sizes of z and w (512 in StyleGAN2).
        mapping_layers: FC layers of the mapping network (8 in StyleGAN2, 2 in ADA's CIFAR).
        mapping_lr: learning-rate multiplier of the mapping network (0.01).
        channel_base, channel_max: the width at side R is ``min(channel_base // R,
            channel_max)`` in G and D (StyleGAN2 config F: 32768 and 512).
        n_classes: classes of a class-conditional pair (0: unconditional).
        style_mixing: probability that a training image takes the styles of a second latent
            after a random cutoff (0.9 in StyleGAN2, 0 in ADA's CIFAR config).
        w_avg_beta: decay of the tracked average of w (0.995).
        noise_mode: ``"random"``, ``"const"`` or ``"none"`` (module docstring).
        mbstd_group: group size of D's minibatch standard deviation (4).
    """

    name: str = "stylegan-lite"
    channels: int | None = None
    resolution: int | None = None
    z_dim: int = 128
    w_dim: int = 128
    mapping_layers: int = 4
    mapping_lr: float = 0.01
    channel_base: int = 2048
    channel_max: int = 128
    n_classes: int = 0
    style_mixing: float = 0.0
    w_avg_beta: float = 0.995
    noise_mode: str = "random"
    mbstd_group: int = 4

    def __post_init__(self) -> None:
        if self.name != "stylegan-lite":
            raise ValueError(f"StyleGANLiteConfig name must be 'stylegan-lite', got {self.name!r}")
        check_fields(self, "model")
        if self.channels is not None:
            check_int("channels", self.channels, 1)
        if self.resolution is not None:
            check_spec(self.kwargs())
        for name in ("z_dim", "w_dim", "mapping_layers", "channel_base", "channel_max"):
            check_int(name, getattr(self, name), 1)
        check_int("n_classes", self.n_classes, 0)
        check_int("mbstd_group", self.mbstd_group, 2)
        if not self.mapping_lr > 0:
            raise ValueError(f"mapping_lr must be > 0, got {self.mapping_lr!r}")
        if not 0 <= self.style_mixing <= 1:
            raise ValueError(
                f"style_mixing must be a probability in [0, 1], got {self.style_mixing!r}"
            )
        if not 0 <= self.w_avg_beta < 1:
            raise ValueError(f"w_avg_beta must be in [0, 1), got {self.w_avg_beta!r}")
        if self.noise_mode not in NOISE_MODES:
            raise ValueError(f"noise_mode must be one of {NOISE_MODES}, got {self.noise_mode!r}")


def check_spec(spec: dict) -> None:
    """Raise ValueError for a resolution that is not a power of two >= 8 or too wide for the
    channel base (every block needs ``channel_base // resolution >= 1`` channels)."""
    check_resolution(spec["resolution"])
    base = spec.get("channel_base", StyleGANLiteConfig.channel_base)
    if base < spec["resolution"]:
        raise ValueError(
            f"stylegan-lite's width at side R is min(channel_base // R, channel_max); "
            f"channel_base={base} leaves no channels at resolution {spec['resolution']}: "
            f"use channel_base >= {spec['resolution']}"
        )


def widths(spec: dict) -> dict[int, int]:
    """``{R: channels}`` for R = 4, 8, ..., resolution."""
    sides = [4 * 2**i for i in range(spec["resolution"].bit_length() - 2)]
    return {r: min(spec["channel_base"] // r, spec["channel_max"]) for r in sides}


def build_players(config: StyleGANLiteConfig) -> dict[str, nn.Module]:
    """``{"G": G, "D": D}`` of ``config`` (unset channels/resolution: 3 and 32)."""
    spec = {"name": "stylegan-lite", **DEFAULTS, **config.kwargs()}
    return {"G": StyleGANLiteGenerator(spec), "D": StyleGANLiteDiscriminator(spec)}


# ----------------------------------------------------------------------------- G


Edit = Callable[[str, Tensor], Tensor]  # (layer name, its input) -> the input it gets


def _unchanged(name: str, x: Tensor) -> Tensor:
    return x


class SynthesisBlock(Named):
    """Synthesis block ``bR``: the 4x4 constant (b4) or ``conv0`` (up x2), then ``conv1``.

    ``torgb`` belongs to the block but is applied by :class:`Synthesis` to the block's output.

    Shapes:
        x: (N, C_in, R/2, R/2) or None (b4), ws: (N, n_convs, w_dim) (one w per conv), noise:
        one map or None per conv -> (N, C_out, R, R).
    """

    def __init__(self, c_in: int, c_out: int, w_dim: int, resolution: int, channels: int) -> None:
        super().__init__()
        self.resolution = resolution
        if resolution == 4:
            self.const = nn.Parameter(torch.randn(c_out, 4, 4))
        else:
            self.conv0 = SynthesisLayer(c_in, c_out, w_dim, resolution, up=True)
        self.conv1 = SynthesisLayer(c_out, c_out, w_dim, resolution, up=False)
        self.torgb = ToRGB(c_out, channels, w_dim)

    def convs(self) -> list[SynthesisLayer]:
        """The block's noisy convs, in order."""
        return [self.conv1] if self.resolution == 4 else [self.conv0, self.conv1]

    def forward(
        self, x: Tensor | None, ws: Tensor, noise: list[Tensor | None], edit: Edit | None = None
    ) -> Tensor:
        """The block's feature map; ``edit(name, x)`` (if given) changes each conv's input."""
        edit = edit or _unchanged
        name = f"b{self.resolution}"
        if self.resolution == 4:
            x = self.const.expand(ws.shape[0], -1, -1, -1)
            return self.conv1(edit(f"{name}.conv1", x), ws[:, 0], noise[0])
        x = self.conv0(edit(f"{name}.conv0", x), ws[:, 0], noise[0])
        return self.conv1(edit(f"{name}.conv1", x), ws[:, 1], noise[1])


class Synthesis(Named):
    """w per style input -> image: blocks b4, b8, ... with summed, upsampled skip-RGB outputs.

    Style inputs: b4 uses ``ws[:, 0:2]`` (conv1, torgb); block i > 0 uses ``ws[:, 2i-1:2i+2]``
    (its conv0 shares the index of the previous torgb), so there are 2 log2(R) - 2 of them.

    Shapes:
        ws: (N, num_ws, w_dim), noise: one (N, 1, R, R) / (R, R) map or None per conv
        -> (N, C, resolution, resolution) in [-1, 1].
    """

    def __init__(self, spec: dict) -> None:
        super().__init__()
        ch = widths(spec)
        sides = list(ch)
        for i, r in enumerate(sides):
            c_in = ch[sides[i - 1]] if i else 0
            block = SynthesisBlock(c_in, ch[r], spec["w_dim"], r, spec["channels"])
            self.add_module(f"b{r}", block)
        self.sides, self.num_ws = sides, 2 * len(sides)

    def blocks(self) -> list[SynthesisBlock]:
        """b4, b8, ..., in order."""
        return [getattr(self, f"b{r}") for r in self.sides]

    def convs(self) -> list[SynthesisLayer]:
        """Every noisy conv, in the order of the noise inputs."""
        return [conv for block in self.blocks() for conv in block.convs()]

    def forward(self, ws: Tensor, noise: list[Tensor | None], edit: Edit | None = None) -> Tensor:
        """Render the image; ``edit(name, x)`` (if given) changes the input of every modulated
        conv and ToRGB (``"b8.conv0"``, ``"b8.conv1"``, ``"b8.torgb"``; EqGAN-SA's SELs); the
        ToRGB edit reaches only that ToRGB, not the next block."""
        x = img = None
        for i, block in enumerate(self.blocks()):
            first = max(2 * i - 1, 0)  # conv0 of block i shares the style of torgb of i - 1
            x = block(x, ws[:, first : 2 * i + 1], noise[first : 2 * i + 1], edit)
            rgb = block.torgb(
                (edit or _unchanged)(f"b{block.resolution}.torgb", x), ws[:, 2 * i + 1]
            )
            img = rgb if img is None else upsample(img) + rgb
        return torch.tanh(img)


class StyleGANLiteGenerator(Generator):
    """stylegan-lite generator (module docstring: layers, hook points, randomness).

    Args:
        spec: the fields of :class:`StyleGANLiteConfig` with ``name``, channels and resolution.

    Shapes:
        z: (N, z_dim), y: (N,) int64 or None, seed: (N,) int64 or None
        -> (N, C, resolution, resolution) in [-1, 1].
    """

    def __init__(self, spec: dict) -> None:
        super().__init__()
        check_spec(spec)
        self.spec = dict(spec)
        self.z_dim, self.n_classes = spec["z_dim"], spec["n_classes"]
        self.channels, self.resolution = spec["channels"], spec["resolution"]
        self.style_mixing, self.noise_mode = spec["style_mixing"], spec["noise_mode"]
        self.mapping = MappingNetwork(
            spec["z_dim"],
            spec["w_dim"],
            spec["n_classes"],
            spec["mapping_layers"],
            spec["mapping_lr"],
            spec["w_avg_beta"],
        )
        self.synthesis = Synthesis(spec)
        self.num_ws = self.synthesis.num_ws
        self.stages = [Stage(f"synthesis.b{r}", c, r) for r, c in widths(spec).items()]

    def sample_inputs(
        self,
        n: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
    ) -> dict[str, Tensor]:
        """``{"seed": (n,) int64}``, the per-image seeds of noise and style mixing, from
        ``generator`` (nothing when G has no randomness: const or no noise, no mixing)."""
        if self.noise_mode != "random" and self.style_mixing == 0:
            return {}
        seed = torch.randint(0, 2**62, (n,), generator=generator)
        return {"seed": seed.to(device if device is not None else self.mapping.w_avg.device)}

    def forward(
        self,
        z: Tensor,
        y: Tensor | None = None,
        seed: Tensor | None = None,
        truncation_psi: float = 1.0,
        noise_mode: str | None = None,
        edit: Edit | None = None,
    ) -> Tensor:
        """Generate images.

        Args:
            z: (N, z_dim) float latents.
            y: (N,) int64 labels in [0, n_classes) for a conditional G, else None.
            seed: (N,) int64 per-image seeds of the noise (and of style mixing in training);
                ``None``: the const noise buffers and no style mixing.
            truncation_psi: 1 = no truncation, 0 = every w is ``mapping.w_avg``.
            noise_mode: overrides the configured ``"random"``, ``"const"`` or ``"none"``.
            edit: ``edit(name, x) -> x`` applied to the input of every modulated conv and
                ToRGB of the synthesis (see :class:`Synthesis`); ``None``: none.

        Returns:
            (N, channels, resolution, resolution) float in [-1, 1].
        """
        check_latent(z, self.z_dim)
        n = z.shape[0]
        check_labels(y, n, self.n_classes, "G")
        mode = noise_mode or self.noise_mode
        if mode not in NOISE_MODES:
            raise ValueError(f"noise_mode must be one of {NOISE_MODES}, got {mode!r}")
        gens = _generators(seed, n)
        w = self.mapping(z, y, truncation_psi)
        ws = w[:, None].expand(-1, self.num_ws, -1)
        noise = self._noise(n, gens, mode, z)
        if self.training and self.style_mixing > 0 and gens is not None:
            ws = self._mix(ws, y, gens, truncation_psi)
        return self.synthesis(ws, noise, edit)

    def _noise(
        self, n: int, gens: list[torch.Generator] | None, mode: str, like: Tensor
    ) -> list[Tensor | None]:
        convs = self.synthesis.convs()
        if mode == "none":
            return [None] * len(convs)
        if mode == "const" or gens is None:
            return [conv.noise_const.to(like.dtype) for conv in convs]
        sizes = [conv.resolution**2 for conv in convs]
        flat = _normal(gens, n, sum(sizes), like)
        return [
            part.view(n, 1, conv.resolution, conv.resolution)
            for part, conv in zip(flat.split(sizes, dim=1), convs)
        ]

    def _mix(self, ws: Tensor, y: Tensor | None, gens: list[torch.Generator], psi: float) -> Tensor:
        """Style mixing regularisation (StyleGAN2-ADA ``loss.py``), drawn per image: with
        probability ``style_mixing`` the style inputs from a random cutoff on take the w of a
        second latent (which does not update ``w_avg`` and is not the ``G.mapping`` output)."""
        draws = [
            (torch.rand(1, generator=g), torch.randint(1, self.num_ws, (1,), generator=g))
            for g in gens
        ]
        u = torch.cat([d[0] for d in draws])
        cut = torch.cat([d[1] for d in draws])
        z2 = torch.stack([torch.randn(self.z_dim, generator=g) for g in gens])
        cut = torch.where(u < self.style_mixing, cut, torch.full_like(cut, self.num_ws))
        w2 = self.mapping.map(z2.to(ws), y, psi, update_w_avg=False)  # G.mapping names own w
        later = torch.arange(self.num_ws)[None] >= cut[:, None]  # (N, num_ws)
        return torch.where(later.to(ws.device)[:, :, None], w2[:, None], ws)


def _generators(seed: Tensor | None, n: int) -> list[torch.Generator] | None:
    """One CPU generator per image, seeded with its ``seed``."""
    if seed is None:
        return None
    if not isinstance(seed, Tensor) or seed.dtype != torch.int64 or tuple(seed.shape) != (n,):
        got = (
            f"{tuple(seed.shape)} {seed.dtype}" if isinstance(seed, Tensor) else type(seed).__name__
        )
        raise ValueError(
            f"G takes per-image seeds of shape ({n},) and dtype int64, got {got}; draw them "
            "with G.sample_inputs(n, generator)"
        )
    return [torch.Generator().manual_seed(int(s)) for s in seed.tolist()]


def _normal(gens: list[torch.Generator], n: int, size: int, like: Tensor) -> Tensor:
    """(n, size) standard normal draws, row i from ``gens[i]``, on ``like``'s device and dtype."""
    rows = [torch.randn(size, generator=g) for g in gens]
    out = torch.stack(rows) if rows else torch.zeros(0, size)
    return out.to(device=like.device, dtype=like.dtype)


# ----------------------------------------------------------------------------- D


class DBlock(Named):
    """Residual D block ``bR``: (fromrgb), conv0, conv1 down, + skip down; times sqrt(1/2).

    Shapes:
        x: (N, C_img or C_in, R, R) -> (N, C_out, R/2, R/2).
    """

    def __init__(self, c_img: int, c_in: int, c_out: int) -> None:
        super().__init__()
        self.fromrgb = EqualConv2d(c_img, c_in, 1, act=True, down=False) if c_img else None
        self.conv0 = EqualConv2d(c_in, c_in, 3, act=True, down=False)
        self.conv1 = EqualConv2d(c_in, c_out, 3, act=True, down=True)
        self.skip = EqualConv2d(c_in, c_out, 1, bias=False, act=False, down=True)

    def forward(self, x: Tensor) -> Tensor:
        """Halve the map."""
        if self.fromrgb is not None:
            x = self.fromrgb(x)
        return (self.skip(x) + self.conv1(self.conv0(x))) * SQRT_HALF


class Epilogue(Named):
    """D's 4x4 stage ``b4``: minibatch std, then a 3x3 conv.

    Shapes:
        x: (N, C, 4, 4) -> (N, C, 4, 4).
    """

    def __init__(self, c: int, group: int) -> None:
        super().__init__()
        self.mbstd = MinibatchStd(group)
        self.conv = EqualConv2d(c + 1, c, 3, act=True, down=False)

    def forward(self, x: Tensor) -> Tensor:
        """Append the group statistic and convolve."""
        return self.conv(self.mbstd(x))


class StyleGANLiteDiscriminator(nn.Module):
    """stylegan-lite discriminator (module docstring: layers, hook points, projection).

    Args:
        spec: the shared spec (see :class:`StyleGANLiteGenerator`).

    Shapes:
        x: (N, C, resolution, resolution) float in [-1, 1], y: (N,) int64 or None -> (N,) logits.
    """

    def __init__(self, spec: dict) -> None:
        super().__init__()
        check_spec(spec)
        self.spec = dict(spec)
        self.channels, self.resolution = spec["channels"], spec["resolution"]
        self.n_classes = spec["n_classes"]
        ch = widths(spec)
        sides = sorted(ch, reverse=True)[:-1]  # R, R/2, ..., 8
        for r in sides:
            c_img = self.channels if r == self.resolution else 0
            self.add_module(f"b{r}", DBlock(c_img, ch[r], ch[r // 2]))
        self.sides = sides
        c4 = ch[4]
        self.b4 = Epilogue(c4, spec["mbstd_group"])
        self.fc = EqualLinear(16 * c4, c4, act=True)
        self.features = HookPoint()
        self.out = EqualLinear(c4, c4 if self.n_classes else 1, act=False)
        self.embed = EqualLinear(self.n_classes, c4, act=False) if self.n_classes else None
        self.logit_map = HookPoint()

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """Score images: (N,) raw logits, the mean of ``logit_map``."""
        check_images(x, self.channels, self.resolution)
        check_labels(y, x.shape[0], self.n_classes, "D")
        h = x
        for r in self.sides:
            h = getattr(self, f"b{r}")(h)
        feat = self.features(self.fc(self.b4(h).flatten(1)))
        logit = self.out(feat)
        if self.embed is not None:  # projection on the class map (StyleGAN2-ADA's cmap)
            onehot = torch.nn.functional.one_hot(y, self.n_classes).to(feat.dtype)
            cmap = normalize_2nd_moment(self.embed(onehot))
            logit = (logit * cmap).sum(dim=1, keepdim=True) * cmap.shape[1] ** -0.5
        return self.logit_map(logit.view(-1, 1, 1, 1)).flatten(1).mean(dim=1)


__all__ = [
    "NOISE_MODES",
    "StyleGANLiteConfig",
    "StyleGANLiteDiscriminator",
    "StyleGANLiteGenerator",
    "build_players",
]
