"""GANLens: one object that holds G and D and addresses their insides by dotted names."""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterator, Sequence

import torch
from torch import nn

from ganlens.hooks import HookFn, hook_point_names, temporary_hooks

Cache = dict[str, torch.Tensor]


class GANLens(nn.Module):
    """A generator and a discriminator seen through named hook points.

    Names are ``"G.<path>"`` and ``"D.<path>"`` where ``<path>`` is a ``named_modules()`` name:
    ganlens models put a :class:`~ganlens.hooks.HookPoint` on each block (``"D.blocks.2"``);
    foreign models are addressed by their own module names (``"D.layer3"``). Hooks are only
    attached inside a call or a :meth:`hooks` context, so after any call the models carry none.

    Args:
        G: generator, ``G(z)`` or ``G(z, y)`` for class-conditional models -> images.
        D: discriminator, ``D(x)`` or ``D(x, y)`` -> one logit per image.
        reduce: how to turn a non-scalar D output per image into one logit: ``None`` (refuse,
            the default), ``"mean"`` (average everything after the batch dimension, e.g. PatchGAN).
        z_dim: latent size for foreign generators without a ``z_dim`` attribute.
    """

    def __init__(
        self, G: nn.Module, D: nn.Module, reduce: str | None = None, z_dim: int | None = None
    ) -> None:
        super().__init__()
        if reduce not in (None, "mean"):
            raise ValueError(f"reduce must be None or 'mean', got {reduce!r}")
        self.G = G
        self.D = D
        self.reduce = reduce
        self.z_dim = z_dim if z_dim is not None else getattr(G, "z_dim", None)

    # ----- names ---------------------------------------------------------------------------
    def hook_names(self) -> list[str]:
        """Names of the hook points of G then D, e.g. ``["G.stem", "G.blocks.0", ...]``."""
        return [f"G.{n}" for n in hook_point_names(self.G)] + [
            f"D.{n}" for n in hook_point_names(self.D)
        ]

    def module_names(self) -> list[str]:
        """Every addressable module name (hook points and all other submodules)."""
        return [n for n, _ in self.named_modules() if n.startswith(("G.", "D."))]

    def module(self, name: str) -> nn.Module:
        """The submodule called ``name`` (``"G.blocks.1"``, ``"D.layer3"``)."""
        if name in ("G", "D"):
            return self.G if name == "G" else self.D
        if not name.startswith(("G.", "D.")):
            raise KeyError(f"hook name {name!r} must start with 'G.' or 'D.'")
        try:
            return self.get_submodule(name)
        except AttributeError:
            close = difflib.get_close_matches(name, self.module_names(), n=5, cutoff=0.5)
            hint = f"; did you mean {close}?" if close else "; see lens.hook_names()"
            raise KeyError(f"no module named {name!r} in this lens{hint}") from None

    # ----- forward passes ------------------------------------------------------------------
    @property
    def n_classes(self) -> int:
        """Number of classes of a class-conditional G (0 for unconditional models)."""
        return int(getattr(self.G, "n_classes", 0) or 0)

    def sample_latent(
        self, n: int, generator: torch.Generator | None = None, device: torch.device | str | None = None
    ) -> torch.Tensor:
        """Standard normal latents, shape (n, z_dim), drawn on the CPU generator then moved."""
        if self.z_dim is None:
            raise ValueError("this G has no z_dim attribute; pass GANLens(G, D, z_dim=...)")
        z = torch.randn(n, self.z_dim, generator=generator)
        return z.to(device if device is not None else self._device())

    def sample_labels(
        self, n: int, generator: torch.Generator | None = None, device: torch.device | str | None = None
    ) -> torch.Tensor | None:
        """Uniform class labels (n,) for a conditional G, ``None`` for an unconditional one."""
        if self.n_classes == 0:
            return None
        y = torch.randint(self.n_classes, (n,), generator=generator)
        return y.to(device if device is not None else self._device())

    def sample_g_inputs(
        self,
        n: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
        G: nn.Module | None = None,
    ) -> dict[str, torch.Tensor]:
        """Extra inputs G draws for itself (EqGAN-SA heatmaps), ``{}`` for a plain G.

        A G with a ``sample_inputs(n, generator, device)`` method declares them; they are drawn
        from ``generator`` after the latents and labels.
        """
        sampler = getattr(G if G is not None else self.G, "sample_inputs", None)
        if sampler is None:
            return {}
        return sampler(n, generator, device if device is not None else self._device())

    def generate(
        self,
        n: int | None = None,
        z: torch.Tensor | None = None,
        y: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
        **g_kwargs: torch.Tensor,
    ) -> torch.Tensor:
        """Run G. Give ``z`` (N, z_dim) or ``n`` (latents drawn from ``generator``).

        Labels (conditional G) and G's own extra inputs (EqGAN-SA heatmaps) that are not given
        are drawn from ``generator`` too; ``g_kwargs`` passes them explicitly.

        Returns:
            Images (N, C, H, W) as floats in [-1, 1] (or points (N, dim) for 2-D toys).
        """
        if z is None:
            if n is None:
                raise ValueError("generate() needs n (number of samples) or z (latents)")
            z = self.sample_latent(n, generator)
        if y is None and self.n_classes:
            y = self.sample_labels(len(z), generator)
        if not g_kwargs:
            g_kwargs = self.sample_g_inputs(len(z), generator, z.device)
        return self.G(z, y, **g_kwargs) if y is not None else self.G(z, **g_kwargs)

    def score(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """D's raw logit per example, shape (N,) (Captum's ``target=None`` contract)."""
        out = self.D(x, y) if y is not None else self.D(x)
        return self._check_logits(out, len(x))

    def _check_logits(self, out: object, n: int) -> torch.Tensor:
        if not isinstance(out, torch.Tensor):
            raise ValueError(
                f"D returned {type(out).__name__}; ganlens needs a tensor with one logit per "
                "image, shape (N,)"
            )
        if out.shape == (n,):
            return out
        if out.shape == (n, 1):
            return out[:, 0]
        if self.reduce == "mean" and out.ndim >= 1 and out.shape[0] == n:
            return out.reshape(n, -1).mean(dim=1)
        raise ValueError(
            f"D returned shape {tuple(out.shape)}; ganlens needs one logit per image, shape ({n},). "
            "Pass GANLens(G, D, reduce='mean') to average a patch output, or make D return (N,)."
        )

    def _device(self) -> torch.device:
        for p in self.parameters():
            return p.device
        return torch.device("cpu")

    # ----- hooks ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def hooks(self, fwd_hooks: Sequence[tuple[str, HookFn]] = ()) -> Iterator[GANLens]:
        """Attach forward hooks by name for the duration of a ``with`` block.

        Args:
            fwd_hooks: ``(name, fn)`` pairs; ``fn(module, inputs, output)`` may return a
                replacement output (to edit an activation).
        """
        pairs = [(self.module(name), fn) for name, fn in fwd_hooks]
        with temporary_hooks(pairs):
            yield self

    def run_with_cache(
        self,
        inputs: torch.Tensor,
        names: Sequence[str] | None = None,
        y: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, Cache]:
        """Score ``inputs`` and keep the outputs of the named modules.

        If ``inputs`` is a latent batch (N, z_dim), the whole game runs: G makes images and D
        scores them, so G and D names may both be cached. If it is an image batch, only D runs and
        only D names are allowed.

        Args:
            inputs: latents (N, z_dim) or images (N, C, H, W) float in [-1, 1].
            names: module names to cache; ``None`` caches every hook point that runs.
            y: class labels (N,) for conditional models.

        Returns:
            ``(logits (N,), cache)`` where ``cache[name]`` is that module's output tensor.
        """
        is_latent = inputs.ndim == 2 and self.z_dim is not None and inputs.shape[1] == self.z_dim
        if names is None:
            names = [n for n in self.hook_names() if is_latent or n.startswith("D.")]
        bad = [n for n in names if n.startswith("G.")] if not is_latent else []
        if bad:
            raise ValueError(
                f"G layers {bad} need a latent batch (N, {self.z_dim}) as input, got {tuple(inputs.shape)}"
            )
        cache: Cache = {}

        def keep(name: str) -> HookFn:
            def fn(_mod: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
                cache[name] = out

            return fn

        with self.hooks([(n, keep(n)) for n in names]):
            x = self.generate(z=inputs, y=y) if is_latent else inputs
            logits = self.score(x, y)
        return logits, cache
