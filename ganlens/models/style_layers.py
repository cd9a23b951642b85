"""The layers of ``stylegan-lite``: equalised learning rate, modulated convolution, mbstd.

Written from Karras et al. 2020 (StyleGAN2, Sec. 2 and Appendix B) and Karras et al. 2018
(ProGAN, Sec. 4); names and parameter counts follow the official StyleGAN2-ADA code layer for
layer (``mapping.fc``, ``synthesis.b8.conv0``, ``affine``, ``noise_strength``, ``b32.skip``).

Equalised learning rate (ProGAN Sec. 4.1): a weight is stored as N(0, 1) / ``lr_mul`` and
multiplied at run time by ``lr_mul / sqrt(fan_in)``, so the effective weight starts at
N(0, 1 / fan_in) and Adam moves it at ``lr_mul`` times the learning rate; biases are stored as
their init and multiplied by ``lr_mul``. Activations are leaky ReLU 0.2 times sqrt(2) (the gain
that keeps unit variance). Layers that are their own hook point (:class:`Named`) keep short
child names: ``synthesis.b8.conv0``, not ``synthesis.b8.inner.conv0``.
"""

from __future__ import annotations

import itertools
import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganlens.hooks import HookPoint

SQRT2 = math.sqrt(2.0)


def lrelu(x: Tensor) -> Tensor:
    """Leaky ReLU 0.2 with gain sqrt(2) (out of place: probes keep the input)."""
    return F.leaky_relu(x, 0.2) * SQRT2


def normalize_2nd_moment(x: Tensor, eps: float = 1e-8) -> Tensor:
    """Scale each row of (N, C) ``x`` to unit mean square (StyleGAN's pixel norm of z)."""
    return x * (x.square().mean(dim=1, keepdim=True) + eps).rsqrt()


def upsample(x: Tensor) -> Tensor:
    """Bilinear x2: in the interior the [1, 3, 3, 1] FIR up-filter of StyleGAN2; edges differ
    (replicated border instead of zero padding)."""
    return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)


class Named(HookPoint):
    """A layer or block that is its own hook point: hooks see its output, and its children are
    named directly under it. Subclasses define ``forward``."""

    def __init__(self) -> None:
        super().__init__(None)


class EqualLinear(nn.Module):
    """Fully connected layer with equalised learning rate.

    Args:
        c_in, c_out: features in and out.
        bias_init: initial bias (1 for the style affines, so styles start at 1).
        lr_mul: learning-rate multiplier (0.01 in the mapping network).
        act: leaky ReLU 0.2 (gain sqrt(2)) after the layer.

    Shapes:
        x: (N, c_in) -> (N, c_out).
    """

    def __init__(
        self, c_in: int, c_out: int, *, bias_init: float = 0.0, lr_mul: float = 1.0, act: bool
    ) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(c_out, c_in) / lr_mul)
        self.bias = nn.Parameter(torch.full((c_out,), float(bias_init)))
        self.weight_gain = lr_mul / math.sqrt(c_in)
        self.bias_gain = lr_mul
        self.act = act

    def forward(self, x: Tensor) -> Tensor:
        """Apply the scaled weight and bias (and the activation)."""
        x = F.linear(x, self.weight * self.weight_gain, self.bias * self.bias_gain)
        return lrelu(x) if self.act else x


class EqualConv2d(nn.Module):
    """Conv layer with equalised learning rate; ``down`` halves the map first (2x2 average).

    Args:
        c_in, c_out: channels in and out.
        kernel: kernel side (3 or 1), zero "same" padding.
        bias: learn a bias (D's 1x1 skip has none).
        act: leaky ReLU 0.2 (gain sqrt(2)) after the layer.
        down: average-pool 2x2 before the conv.

    Shapes:
        x: (N, c_in, H, W) -> (N, c_out, H, W), or (N, c_out, H/2, W/2) with ``down``.
    """

    def __init__(
        self, c_in: int, c_out: int, kernel: int, *, bias: bool = True, act: bool, down: bool
    ) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(c_out, c_in, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(c_out)) if bias else None
        self.weight_gain = 1.0 / math.sqrt(c_in * kernel * kernel)
        self.act, self.down, self.padding = act, down, kernel // 2

    def forward(self, x: Tensor) -> Tensor:
        """(Pool and) convolve."""
        if self.down:
            x = F.avg_pool2d(x, 2)
        x = F.conv2d(x, self.weight * self.weight_gain, self.bias, padding=self.padding)
        return lrelu(x) if self.act else x


def modulated_conv2d(
    x: Tensor, weight: Tensor, styles: Tensor, demodulate: bool = True, padding: int = 1
) -> Tensor:
    """StyleGAN2's weight (de)modulation (Sec. 2.2, Eq. 1 and 3), in the unfused form.

    Scaling the input channels by the styles, convolving with the shared weight and scaling the
    output channels by the demodulation coefficients equals convolving each image with its own
    modulated, demodulated weight (the grouped-conv form of the official code), with one
    batched conv instead of N grouped ones.

    Args:
        x: (N, C_in, H, W) features.
        weight: (C_out, C_in, k, k) shared weight.
        styles: (N, C_in) per-image scales s_i.
        demodulate: divide each output channel by sqrt(sum_{i,k} (s_i w_ijk)^2 + 1e-8), so unit
            variance inputs give unit variance outputs.
        padding: zero padding of the conv.

    Returns:
        (N, C_out, H, W).
    """
    out = F.conv2d(x * styles[:, :, None, None], weight, padding=padding)
    if demodulate:
        dcoefs = (styles.square() @ weight.square().sum(dim=(2, 3)).T + 1e-8).rsqrt()
        out = out * dcoefs[:, :, None, None]
    return out


class SynthesisLayer(Named):
    """Modulated 3x3 conv (optionally after bilinear x2), per-pixel noise, bias, leaky ReLU.

    Args:
        c_in, c_out: channels in and out.
        w_dim: size of w.
        resolution: output side R (sizes the noise map).
        up: upsample x2 before the conv (``conv0`` of every block above 4x4).

    Shapes:
        x: (N, c_in, R or R/2, ...), w: (N, w_dim), noise: (N, 1, R, R), (R, R) or None
        -> (N, c_out, R, R).
    """

    def __init__(self, c_in: int, c_out: int, w_dim: int, resolution: int, up: bool) -> None:
        super().__init__()
        self.up, self.resolution = up, resolution
        self.affine = EqualLinear(w_dim, c_in, bias_init=1.0, act=False)
        self.weight = nn.Parameter(torch.randn(c_out, c_in, 3, 3))
        self.bias = nn.Parameter(torch.zeros(c_out))
        self.noise_strength = nn.Parameter(torch.zeros([]))  # learned, starts at 0 (official)
        self.register_buffer("noise_const", torch.randn(resolution, resolution))

    def forward(self, x: Tensor, w: Tensor, noise: Tensor | None = None) -> Tensor:
        """Modulate by ``w``, add ``noise`` scaled by the learned strength, activate."""
        if self.up:
            x = upsample(x)
        x = modulated_conv2d(x, self.weight, self.affine(w))
        if noise is not None:
            x = x + noise * self.noise_strength
        return lrelu(x + self.bias[None, :, None, None])


class ToRGB(Named):
    """Modulated 1x1 conv to image channels, no demodulation, no activation.

    Shapes:
        x: (N, c_in, R, R), w: (N, w_dim) -> (N, image channels, R, R).
    """

    def __init__(self, c_in: int, c_out: int, w_dim: int) -> None:
        super().__init__()
        self.affine = EqualLinear(w_dim, c_in, bias_init=1.0, act=False)
        self.weight = nn.Parameter(torch.randn(c_out, c_in, 1, 1))
        self.bias = nn.Parameter(torch.zeros(c_out))
        self.weight_gain = 1.0 / math.sqrt(c_in)

    def forward(self, x: Tensor, w: Tensor) -> Tensor:
        """This resolution's RGB contribution."""
        styles = self.affine(w) * self.weight_gain
        out = modulated_conv2d(x, self.weight, styles, demodulate=False, padding=0)
        return out + self.bias[None, :, None, None]


class MappingNetwork(Named):
    """z (and a class) -> w: pixel norm, FC layers at ``lr_mul``, a tracked average of w.

    With ``n_classes`` the label's embedding (an equalised FC on the one-hot label, normalised)
    is concatenated to the normalised z, as in StyleGAN2-ADA. In train mode every call updates
    ``w_avg <- beta * w_avg + (1 - beta) * mean(w)`` unless ``update_w_avg=False``; truncation
    moves w towards ``w_avg``: ``w_avg + psi * (w - w_avg)``.

    Shapes:
        z: (N, z_dim), y: (N,) int64 or None -> w: (N, w_dim).
    """

    def __init__(
        self, z_dim: int, w_dim: int, n_classes: int, layers: int, lr_mul: float, beta: float
    ) -> None:
        super().__init__()
        self.n_classes, self.beta = n_classes, beta
        self.embed = EqualLinear(n_classes, w_dim, act=False) if n_classes else None
        sizes = [z_dim + (w_dim if n_classes else 0)] + [w_dim] * layers
        self.fc = nn.ModuleList(
            EqualLinear(a, b, lr_mul=lr_mul, act=True) for a, b in itertools.pairwise(sizes)
        )
        self.register_buffer("w_avg", torch.zeros(w_dim))

    def forward(
        self,
        z: Tensor,
        y: Tensor | None = None,
        truncation_psi: float = 1.0,
        update_w_avg: bool = True,
    ) -> Tensor:
        """w of each latent (truncated towards ``w_avg`` when ``truncation_psi`` != 1)."""
        return self.map(z, y, truncation_psi, update_w_avg)

    def map(self, z: Tensor, y: Tensor | None, truncation_psi: float, update_w_avg: bool) -> Tensor:
        """:meth:`forward` without the hook point (style mixing's second latents)."""
        x = normalize_2nd_moment(z)
        if self.embed is not None:
            onehot = F.one_hot(y, self.n_classes).to(z.dtype)
            x = torch.cat([x, normalize_2nd_moment(self.embed(onehot))], dim=1)
        for fc in self.fc:
            x = fc(x)
        if self.training and update_w_avg:
            with torch.no_grad():
                self.w_avg.copy_(x.detach().float().mean(dim=0).lerp(self.w_avg, self.beta))
        if truncation_psi != 1:
            x = torch.lerp(self.w_avg.to(x.dtype), x, float(truncation_psi))
        return x


class MinibatchStd(nn.Module):
    """Append the mean standard deviation over a group of images as one feature map.

    Images are grouped as in StyleGAN2-ADA (image i in group ``i % M``) with ``M = ceil(N / G)``
    groups and ``G = min(group_size, N)``; when ``G`` divides N this is exactly the official
    grouping, otherwise the groups differ in size by at most one (the official code requires N
    divisible by G). Statistics are float32 under autocast. Its output for one image depends on
    the others in the batch (ganlens' probes warn about that).

    Shapes:
        x: (N, C, H, W) -> (N, C + 1, H, W).
    """

    def __init__(self, group_size: int) -> None:
        super().__init__()
        self.group_size = group_size

    def forward(self, x: Tensor) -> Tensor:
        """Concatenate the group statistic to ``x``."""
        n = x.shape[0]
        groups = -(-n // min(self.group_size, n)) if n else 0
        ids = torch.arange(n, device=x.device) % max(groups, 1)
        flat = x.flatten(1).float()
        count = torch.bincount(ids, minlength=groups).to(flat.dtype)[:, None]
        mean = flat.new_zeros(groups, flat.shape[1]).index_add(0, ids, flat) / count
        var = flat.new_zeros(groups, flat.shape[1]).index_add(0, ids, (flat - mean[ids]).square())
        std = ((var / count) + 1e-8).sqrt().mean(dim=1)  # (groups,)
        feat = std[ids].to(x.dtype)[:, None, None, None].expand(n, 1, *x.shape[2:])
        return torch.cat([x, feat], dim=1)


__all__ = [
    "EqualConv2d",
    "EqualLinear",
    "MappingNetwork",
    "MinibatchStd",
    "Named",
    "SynthesisLayer",
    "ToRGB",
    "lrelu",
    "modulated_conv2d",
    "normalize_2nd_moment",
    "upsample",
]
