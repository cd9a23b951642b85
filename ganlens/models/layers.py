"""Pieces shared by the ganlens models: conditional BN, the G and D skeletons, input checks.

The skeletons fix the contract every ganlens model keeps: ``G(z, y=None)`` returns images (or
points), ``D(x, y=None)`` returns one raw logit per example, shape (N,), and every block sits in a
:class:`~ganlens.hooks.HookPoint` inside ``self.blocks`` so it has a dotted name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ganlens.hooks import HookPoint

# ----------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Stage:
    """One named stage of a generator: a hook point, its output channels and map side.

    Methods read ``G.stages`` instead of reaching into a model's internals (EqGAN-SA puts a
    spatial encoding layer after each stage; GLeaD predicts a stage's feature map).

    Attributes:
        name: the hook-point path inside G, e.g. ``"blocks.1"`` (``"G.blocks.1"`` in a lens).
        channels: output channels C.
        size: output side R of the (N, C, R, R) map.
    """

    name: str
    channels: int
    size: int


# ----------------------------------------------------------------------------- argument checks


def check_int(name: str, value: object, minimum: int) -> None:
    """Raise ValueError unless ``value`` is an int (not a bool) and at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def check_resolution(resolution: object) -> None:
    """Raise ValueError unless ``resolution`` is a power of two >= 8 (conv models halve to 4x4)."""
    if isinstance(resolution, int) and not isinstance(resolution, bool):
        if resolution >= 8 and resolution & (resolution - 1) == 0:
            return
        nearest = max(8, 1 << max(resolution - 1, 1).bit_length())
        hint = f"; resize the data, e.g. ganlens.data.load(..., resolution={nearest})"
    else:
        hint = ""
    raise ValueError(
        f"resolution must be a power of two >= 8 (8, 16, 32, 64, ...), got {resolution!r}{hint}"
    )


def image_spec(
    name: str, *, channels: int, resolution: int, z_dim: int, width: int, n_classes: int
) -> dict:
    """Validate the keywords of an image model and return its JSON-serialisable ``spec``."""
    check_int("channels", channels, 1)
    check_resolution(resolution)
    check_int("z_dim", z_dim, 1)
    check_int("width", width, 1)
    check_int("n_classes", n_classes, 0)
    return {
        "name": name,
        "channels": channels,
        "resolution": resolution,
        "z_dim": z_dim,
        "width": width,
        "n_classes": n_classes,
    }


# ----------------------------------------------------------------------------- tensor checks


def check_latent(z: object, z_dim: int) -> None:
    """Raise ValueError unless ``z`` is a float tensor of shape (N, z_dim)."""
    if not isinstance(z, Tensor) or z.ndim != 2 or z.shape[1] != z_dim:
        got = tuple(z.shape) if isinstance(z, Tensor) else type(z).__name__
        raise ValueError(
            f"G takes latents of shape (N, {z_dim}), got {got}; draw them with G.sample_latent(n)"
        )
    if not z.is_floating_point():
        raise ValueError(f"G takes float latents, got dtype {z.dtype}; use G.sample_latent(n)")


def check_labels(y: object, n: int, n_classes: int, who: str) -> None:
    """Check class labels ``y`` against a model built with ``n_classes`` (0 = unconditional).

    Raises:
        ValueError: labels given to an unconditional model, missing for a conditional one, or
            not an int64 tensor of shape (n,) with values in [0, n_classes).
    """
    if n_classes == 0:
        if y is not None:
            raise ValueError(
                f"{who} is unconditional (built with n_classes=0) but got labels y; call {who} "
                f"without y, or build the models with n_classes=K for K classes"
            )
        return
    if y is None:
        raise ValueError(
            f"{who} is class-conditional (n_classes={n_classes}) and needs labels y: an int64 "
            f"tensor of shape ({n},) with values in [0, {n_classes})"
        )
    if not isinstance(y, Tensor) or y.dtype != torch.int64 or tuple(y.shape) != (n,):
        got = f"{tuple(y.shape)} {y.dtype}" if isinstance(y, Tensor) else type(y).__name__
        raise ValueError(f"{who} needs labels y of shape ({n},) and dtype int64, got {got}")
    if n and (int(y.min()) < 0 or int(y.max()) >= n_classes):
        raise ValueError(
            f"{who} was built with n_classes={n_classes}, so labels must lie in "
            f"[0, {n_classes}); got values from {int(y.min())} to {int(y.max())}"
        )


def check_images(x: object, channels: int, resolution: int) -> None:
    """Raise ValueError unless ``x`` is a float batch (N, channels, resolution, resolution)."""
    want = (channels, resolution, resolution)
    if not isinstance(x, Tensor):
        # ValueError, not TypeError: the models promise ValueError for every bad input.
        raise ValueError(
            f"D takes a tensor of images (N, {channels}, {resolution}, {resolution}), "
            f"got {type(x).__name__}"
        )
    if x.ndim == 4 and tuple(x.shape[1:]) == want:
        if not x.is_floating_point():
            raise ValueError(
                f"D takes float images in [-1, 1], got dtype {x.dtype}; convert uint8 images at "
                "the data boundary (ganlens.data does this)"
            )
        return
    fixes = []
    if x.ndim == 4 and x.shape[1] != channels:
        fixes.append(
            f"build it with channels={x.shape[1]} or load the data with {channels} channels"
        )
    if x.ndim == 4 and tuple(x.shape[2:]) != (resolution, resolution):
        side = x.shape[-1]
        rebuild = x.shape[-2] == side >= 8 and side & (side - 1) == 0
        fixes.append(
            (f"build it with resolution={side} or " if rebuild else "")
            + f"load the data with ganlens.data.load(..., resolution={resolution})"
        )
    fix = "; ".join(fixes) or f"pass a 4-D batch (N, {channels}, {resolution}, {resolution})"
    raise ValueError(
        f"D was built for {channels}-channel {resolution}x{resolution} images, got a batch of "
        f"shape {tuple(x.shape)}; {fix}"
    )


# ----------------------------------------------------------------------------- layers


class ConditionalBatchNorm2d(nn.Module):
    """BatchNorm without affine, then a per-class scale and shift (Miyato & Koyama 2018, Sec. 4).

    Args:
        num_features: channels C.
        n_classes: number of classes K; gamma starts at 1 and beta at 0 for every class.

    Shapes:
        x: (N, C, H, W) float; y: (N,) int64 in [0, K) -> (N, C, H, W).
    """

    def __init__(self, num_features: int, n_classes: int) -> None:
        super().__init__()
        self.bn = nn.BatchNorm2d(num_features, affine=False)
        self.gamma = nn.Embedding(n_classes, num_features)
        self.beta = nn.Embedding(n_classes, num_features)
        nn.init.ones_(self.gamma.weight)
        nn.init.zeros_(self.beta.weight)

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """Normalise ``x`` and apply the scale and shift of each example's class."""
        if y is None:
            raise ValueError("ConditionalBatchNorm2d needs class labels y of shape (N,)")
        gamma = self.gamma(y)[:, :, None, None]
        beta = self.beta(y)[:, :, None, None]
        return self.bn(x) * gamma + beta


def make_norm(num_features: int, n_classes: int) -> nn.Module:
    """Plain BatchNorm2d for an unconditional G, ConditionalBatchNorm2d for a conditional one."""
    if n_classes:
        return ConditionalBatchNorm2d(num_features, n_classes)
    return nn.BatchNorm2d(num_features)


def apply_norm(norm: nn.Module, h: Tensor, y: Tensor | None) -> Tensor:
    """Call ``norm`` with the labels only when it is conditional."""
    return norm(h, y) if isinstance(norm, ConditionalBatchNorm2d) else norm(h)


class Stem(nn.Module):
    """Latent to the first feature map: linear -> reshape to (C, 4, 4) -> (C)BN -> ReLU.

    Shapes:
        z: (N, z_dim) -> (N, C, 4, 4).
    """

    def __init__(self, z_dim: int, out_channels: int, n_classes: int, bias: bool) -> None:
        super().__init__()
        self.linear = nn.Linear(z_dim, 16 * out_channels, bias=bias)
        self.norm = make_norm(out_channels, n_classes)
        self.act = nn.ReLU()

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        """Project and reshape ``z`` to a 4x4 map."""
        h = self.linear(z).view(z.shape[0], -1, 4, 4)
        return self.act(apply_norm(self.norm, h, y))


class UpBlock(nn.Module):
    """ConvTranspose 4x4 stride 2 -> (C)BN -> ReLU; doubles the resolution.

    Shapes:
        x: (N, C_in, H, W) -> (N, C_out, 2H, 2W).
    """

    def __init__(self, in_channels: int, out_channels: int, n_classes: int, bias: bool) -> None:
        super().__init__()
        self.conv = nn.ConvTranspose2d(in_channels, out_channels, 4, 2, 1, bias=bias)
        self.norm = make_norm(out_channels, n_classes)
        self.act = nn.ReLU()

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """Upsample ``x`` by two."""
        return self.act(apply_norm(self.norm, self.conv(x), y))


# ----------------------------------------------------------------------------- skeletons


class Generator(nn.Module):
    """Base of every ganlens generator: records the spec and draws latents."""

    spec: dict
    z_dim: int

    def sample_latent(
        self,
        n: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
    ) -> Tensor:
        """Standard normal latents.

        Drawn on the device of ``generator`` (CPU when none) and then moved, so a seeded CPU
        generator gives the same latents whatever device the model is on.

        Args:
            n: number of latents.
            generator: random generator; ``None`` uses the global RNG.
            device: where to put them; ``None`` means the device of G's parameters.

        Returns:
            z: (n, z_dim) float32.
        """
        check_int("n", n, 0)
        if device is None:
            device = next(self.parameters()).device
        source = generator.device if generator is not None else "cpu"
        return torch.randn(n, self.z_dim, generator=generator, device=source).to(device)


class ConvGenerator(Generator):
    """Image generator skeleton: ``stem`` (4x4 map) -> ``blocks`` (each doubles) -> ``out``.

    Args:
        spec: the validated spec from :func:`image_spec`.
        stem: module ``(z, y) -> (N, C0, 4, 4)``.
        blocks: modules ``(h, y) -> h``, each wrapped in a HookPoint.
        out: module ``h -> (N, channels, resolution, resolution)`` ending in tanh.
    """

    def __init__(
        self,
        spec: dict,
        stem: nn.Module,
        blocks: Sequence[nn.Module],
        out: nn.Module,
        stage_channels: Sequence[int],
    ) -> None:
        super().__init__()
        self.spec = dict(spec)
        self.z_dim = spec["z_dim"]
        self.n_classes = spec["n_classes"]
        self.channels = spec["channels"]
        self.resolution = spec["resolution"]
        self.stem = HookPoint(stem)
        self.blocks = nn.ModuleList(HookPoint(block) for block in blocks)
        self.out = HookPoint(out)
        names = ["stem"] + [f"blocks.{i}" for i in range(len(self.blocks))]
        if len(stage_channels) != len(names):
            raise ValueError(
                f"{len(names)} stages need {len(names)} channel counts, got {list(stage_channels)}"
            )
        self.stages = [
            Stage(n, int(c), 4 * 2**i) for i, (n, c) in enumerate(zip(names, stage_channels))
        ]

    def widen_latent(self, extra: int) -> None:
        """Let the stem's linear layer take ``extra`` more inputs after z (EqGAN-SA's flattened
        heatmaps). The old columns are kept; the new ones start N(0, 0.02), the DCGAN init."""
        linear = self.stem.inner.linear
        wide = nn.Linear(
            linear.in_features + extra, linear.out_features, bias=linear.bias is not None
        )
        with torch.no_grad():
            nn.init.normal_(wide.weight, 0.0, 0.02)
            wide.weight[:, : linear.in_features] = linear.weight
            if linear.bias is not None:
                wide.bias.copy_(linear.bias)
        self.stem.inner.linear = wide

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        """Generate images.

        Args:
            z: (N, z_dim) float latents.
            y: (N,) int64 labels in [0, n_classes) for a conditional G, else None.

        Returns:
            (N, channels, resolution, resolution) float in [-1, 1].
        """
        check_latent(z, self.z_dim)
        check_labels(y, z.shape[0], self.n_classes, "G")
        h = self.stem(z, y)
        for block in self.blocks:
            h = block(h, y)
        return self.out(h)


class ConvDiscriminator(nn.Module):
    """Image discriminator skeleton: ``blocks`` -> flatten -> ``features`` -> linear (+ projection).

    With ``embed`` (Miyato & Koyama 2018, Eq. 3) the logit is ``head(h) + sum(embed(y) * h)``.
    ``logit_map`` names the realness map before the reduction to one logit per image: here a
    (N, 1, 1, 1) map (the linear head judges the whole image), averaged to (N,).

    Args:
        spec: the validated spec from :func:`image_spec`.
        blocks: modules ``h -> h`` ending in a (N, C, 4, 4) map; each wrapped in a HookPoint.
        head: linear ``(N, F) -> (N, 1)`` with F = 16 C.
        embed: class embedding (n_classes, F) for the projection, or None when unconditional.
    """

    def __init__(
        self, spec: dict, blocks: Sequence[nn.Module], head: nn.Module, embed: nn.Module | None
    ) -> None:
        super().__init__()
        self.spec = dict(spec)
        self.channels = spec["channels"]
        self.resolution = spec["resolution"]
        self.n_classes = spec["n_classes"]
        self.blocks = nn.ModuleList(HookPoint(block) for block in blocks)
        self.features = HookPoint()
        self.head = head
        self.embed = embed
        self.logit_map = HookPoint()

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """Score images.

        Args:
            x: (N, channels, resolution, resolution) float in [-1, 1].
            y: (N,) int64 labels in [0, n_classes) for a conditional D, else None.

        Returns:
            (N,) raw logits (no sigmoid).
        """
        check_images(x, self.channels, self.resolution)
        check_labels(y, x.shape[0], self.n_classes, "D")
        h = x
        for block in self.blocks:
            h = block(h)
        h = self.features(h.flatten(1))
        logit = self.head(h)
        if self.embed is not None:
            logit = logit + (self.embed(y) * h).sum(dim=1, keepdim=True)
        return self.logit_map(logit.view(-1, 1, 1, 1)).flatten(1).mean(dim=1)
