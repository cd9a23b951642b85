"""EqGAN-SA heatmaps: the official hierarchical sampler, its Table 3 ablations, and editing.

A heatmap batch is one tensor (N, 7, R, R) at the image resolution R: channel 0 is level 1 (one
centre, paired with the 4x4 layers), channels 1-2 are level 2 (two centres, 8x8), channels 3-6
are level 3 (four centres, 16x16). Each centre is its own channel (official-code-notes.md 1a):

- coordinates ``p = 2 i / (R - 1) - 1`` (align-corners grid over the image), stacked (y, x);
- level 1: centre ``c0 ~ N(0, 0.33^2)`` per coordinate, clamped to [-0.75, 0.75]; width ``s ~
  U[0.5, 1)``, ONE value per minibatch (the official code's per-GPU batch: 4 images in training
  and in evaluation). Here one value per :data:`S1_CHUNK` = 64 images: a training batch of 64
  shares one width, and an evaluation pool of 1,024 has 16 (one value for a whole FID or DI pool
  would measure one slice of G's distribution);
- level 2: ``c0 + delta``, ``delta ~ U(-0.4, 0.4)`` per coordinate and centre; ``s = (U + 0.1) / 1.4``
  per sample and centre;
- level 3: ``c0 + delta``, ``delta ~ U(-0.8, 0.8)``; ``s = (U + 0.1) / 2``;
- ``H = exp(-|p - c|^2 / s) + 0.01`` (the divisor is s, not 2 sigma^2; the +0.01 floor is added
  everywhere).

Code, not paper: the paper (Sec. 4.1) drops samples whose level-0 centre leaves the image and
gives a std of h/3; the code clamps the centre and uses 0.33 in [-1, 1] units (= h/6 in pixels);
sub-centres are neither clamped nor dropped. We follow the code.

Ablations (EqGAN-SA Table 3): ``"independent"`` (the paper's "Non-Hie": each level's centres are
offset from their own, independently drawn level centre), ``"noise"`` (per-pixel Gaussian noise
maps, min-max scaled into [0.01, 1.01] per map so they live in the heatmaps' range; the scaling
is ours, the paper gives none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch
from torch import Tensor

LEVEL_CENTERS = (1, 2, 4)
"""Centres (= channels) of levels 1, 2, 3."""
LEVEL_RESOLUTIONS = (4, 8, 16)
"""The G/D feature resolutions each level is paired with."""
N_CHANNELS = sum(LEVEL_CENTERS)
KINDS = ("hierarchical", "independent", "noise")

CENTER_STD, CENTER_CLAMP = 0.33, 0.75
OFFSET_RANGE = (0.0, 0.4, 0.8)  # half-width of the uniform offsets of levels 1, 2, 3
WIDTH_DIVISOR = (None, 1.4, 2.0)  # s = (U + 0.1) / divisor for levels 2, 3
FLOOR = 0.01
S1_CHUNK = 64
"""Images that share one level-1 width s1 (one draw per chunk of a batch)."""


@dataclass(frozen=True)
class HeatmapParams:
    """The drawn parameters of a heatmap batch: where each centre is and how wide it is.

    Attributes:
        centers: per level, (N, k, 2) centres as (y, x) in [-1, 1] image units.
        widths: per level, (N, k) values of s in ``exp(-|p - c|^2 / s)``.
    """

    centers: tuple[Tensor, Tensor, Tensor]
    widths: tuple[Tensor, Tensor, Tensor]

    def moved(
        self, delta: Sequence[float] | Tensor, levels: Sequence[int] = (0, 1, 2)
    ) -> HeatmapParams:
        """The same heatmaps with the centres of ``levels`` (0-based) shifted by ``delta`` (y, x).

        Moving all levels is the paper's edit of the level-0 heatmap ("the heatmaps of other
        levels will move correspondingly"); ``levels=(1,)`` moves only the two 8x8 centres.
        """
        shift = torch.as_tensor(delta, dtype=self.centers[0].dtype).to(self.centers[0].device)
        centers = tuple(c + shift if i in levels else c for i, c in enumerate(self.centers))
        return replace(self, centers=centers)

    def render(self, resolution: int) -> Tensor:
        """The heatmaps (N, 7, R, R) at ``resolution`` R."""
        return render(self, resolution)


def grid(resolution: int, device: torch.device | str | None = None) -> Tensor:
    """Pixel coordinates (R, R, 2) as (y, x), ``2 i / (R - 1) - 1`` (align corners)."""
    axis = torch.linspace(-1.0, 1.0, resolution, device=device)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([yy, xx], dim=-1)


def render(params: HeatmapParams, resolution: int) -> Tensor:
    """Gaussian blobs ``exp(-|p - c|^2 / s) + 0.01``, one channel per centre: (N, 7, R, R)."""
    centers = torch.cat(params.centers, dim=1)  # (N, 7, 2)
    widths = torch.cat(params.widths, dim=1)  # (N, 7)
    p = grid(resolution, centers.device)
    dist2 = ((p[None, None] - centers[:, :, None, None, :]) ** 2).sum(dim=-1)
    return torch.exp(-dist2 / widths[:, :, None, None]) + FLOOR


def _uniform(shape: tuple[int, ...], generator: torch.Generator | None) -> Tensor:
    return torch.rand(shape, generator=generator)


def _level_center(n: int, generator: torch.Generator | None) -> Tensor:
    return (torch.randn(n, 2, generator=generator) * CENTER_STD).clamp(-CENTER_CLAMP, CENTER_CLAMP)


def sample_params(
    n: int,
    generator: torch.Generator | None = None,
    kind: str = "hierarchical",
    *,
    center: Sequence[float] | Tensor | None = None,
    widths: Sequence[float | Tensor | None] | None = None,
    offsets: Sequence[Tensor | None] | None = None,
) -> HeatmapParams:
    """Draw heatmap parameters on the CPU (the official distributions), with optional overrides.

    Random numbers are always drawn in the same order (level-1 centre, level-1 width, then per
    level: base centre if independent, offsets, widths), so an override changes only what it
    overrides. The official code draws the same distributions in another order (level-2 and
    level-3 offsets before their widths) and on the GPU for levels 2 and 3: the streams differ,
    the distributions do not.

    Args:
        n: batch size.
        generator: CPU generator; ``None`` uses the global RNG.
        kind: ``"hierarchical"`` (official) or ``"independent"`` (Table 3 "Non-Hie").
        center: level-1 centre (2,) or (N, 2) as (y, x) in [-1, 1]; with ``"hierarchical"`` the
            level-2 and level-3 centres follow it (they are offsets from it), with
            ``"independent"`` they keep their own base centres.
        widths: per level a width s (a float, (N, k) tensor) or ``None`` to keep the draw.
        offsets: for levels 2 and 3, (k, 2) or (N, k, 2) offsets from the level centre.

    Returns:
        :class:`HeatmapParams` on the CPU.
    """
    if kind not in ("hierarchical", "independent"):
        raise ValueError(
            f"sample_params draws 'hierarchical' or 'independent' heatmaps, not {kind!r}"
        )
    c0 = _level_center(n, generator)
    if center is not None:
        c0 = torch.as_tensor(center, dtype=torch.float32).expand(n, 2).clone()
    chunks = max(1, -(-n // S1_CHUNK))
    s1 = ((_uniform((chunks,), generator) + 1.0) * 0.5).repeat_interleave(S1_CHUNK)[:n, None]
    centers, level_widths = [c0[:, None]], [s1]
    for level in (1, 2):
        k, half = LEVEL_CENTERS[level], OFFSET_RANGE[level]
        base = _level_center(n, generator) if kind == "independent" else c0
        delta = _uniform((n, k, 2), generator) * 2 * half - half
        if offsets is not None and offsets[level - 1] is not None:
            delta = torch.as_tensor(offsets[level - 1], dtype=torch.float32).expand(n, k, 2)
        centers.append(base[:, None] + delta)
        level_widths.append((_uniform((n, k), generator) + 0.1) / WIDTH_DIVISOR[level])
    for level, w in enumerate(widths or ()):
        if w is not None:
            level_widths[level] = torch.as_tensor(w, dtype=torch.float32).expand(
                n, LEVEL_CENTERS[level]
            )
    return HeatmapParams(
        tuple(c.contiguous() for c in centers), tuple(w.contiguous() for w in level_widths)
    )


def noise_maps(n: int, resolution: int, generator: torch.Generator | None = None) -> Tensor:
    """Table 3 "Gau. Noise": per-pixel N(0, 1) maps (N, 7, R, R), min-max scaled to [0.01, 1.01]."""
    noise = torch.randn(n, N_CHANNELS, resolution, resolution, generator=generator)
    lo = noise.amin(dim=(2, 3), keepdim=True)
    hi = noise.amax(dim=(2, 3), keepdim=True)
    return (noise - lo) / (hi - lo).clamp_min(1e-12) + FLOOR


def split_levels(heatmaps: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(N, 7, R, R) -> the level-1 (N, 1, R, R), level-2 (N, 2, ...) and level-3 (N, 4, ...) maps."""
    check_heatmaps(heatmaps)
    a, b = LEVEL_CENTERS[0], LEVEL_CENTERS[0] + LEVEL_CENTERS[1]
    return heatmaps[:, :a], heatmaps[:, a:b], heatmaps[:, b:]


def check_heatmaps(heatmaps: object, n: int | None = None, resolution: int | None = None) -> None:
    """Raise ValueError unless ``heatmaps`` is a float (N, 7, R, R) tensor (of the given N, R)."""
    ok = isinstance(heatmaps, Tensor) and heatmaps.ndim == 4 and heatmaps.shape[1] == N_CHANNELS
    ok = ok and heatmaps.is_floating_point()
    ok = ok and (n is None or heatmaps.shape[0] == n)
    ok = ok and (resolution is None or tuple(heatmaps.shape[2:]) == (resolution, resolution))
    if not ok:
        got = tuple(heatmaps.shape) if isinstance(heatmaps, Tensor) else type(heatmaps).__name__
        want = f"({n if n is not None else 'N'}, {N_CHANNELS}, {resolution or 'R'}, {resolution or 'R'})"
        raise ValueError(
            f"EqGAN-SA heatmaps must be a float tensor {want} (1 + 2 + 4 centre channels at the "
            f"image resolution), got {got}; draw them with HeatmapSampler.sample(n)"
        )


class HeatmapSampler:
    """Draws the heatmaps G is given: official hierarchical, independent levels, or noise.

    Args:
        kind: one of :data:`KINDS`.
        resolution: the image side R the maps are rendered at.
    """

    def __init__(self, kind: str = "hierarchical", resolution: int = 32) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown heatmap kind {kind!r}; choose one of {KINDS}")
        self.kind, self.resolution = kind, int(resolution)

    def __repr__(self) -> str:
        return f"HeatmapSampler(kind={self.kind!r}, resolution={self.resolution})"

    def params(
        self, n: int, generator: torch.Generator | None = None, **overrides: object
    ) -> HeatmapParams:
        """Draw :class:`HeatmapParams` (not for ``kind="noise"``, which has no centres)."""
        if self.kind == "noise":
            raise ValueError(
                "noise heatmaps have no centres to draw or edit; use kind='hierarchical'"
            )
        return sample_params(n, generator, self.kind, **overrides)  # type: ignore[arg-type]

    def sample(
        self,
        n: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
        **overrides: object,
    ) -> Tensor:
        """Heatmaps (n, 7, R, R), drawn on the CPU from ``generator`` and moved to ``device``.

        ``overrides`` (``center``, ``widths``, ``offsets``) are those of :func:`sample_params`.
        """
        if self.kind == "noise":
            if overrides:
                raise ValueError("noise heatmaps take no overrides")
            maps = noise_maps(n, self.resolution, generator)
        else:
            maps = self.params(n, generator, **overrides).render(self.resolution)
        return maps.to(device) if device is not None else maps
