"""GANLens: the players of a GAN (G and D, or CycleGAN's four) addressed by dotted names."""

from __future__ import annotations

import contextlib
import difflib
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import torch
from torch import nn

from ganlens.capture import Capture, HookFn
from ganlens.hooks import hook_point_names, temporary_hooks
from ganlens.modes import out_of_place
from ganlens.tasks import GInputs, Task, labels, latents, make_task
from ganlens.tasks.generation import Generation

Cache = dict[str, torch.Tensor]


SIGMOID = ("logit", "refuse")


def trailing_sigmoid(D: nn.Module) -> str | None:
    """Name of D's last submodule when it is an ``nn.Sigmoid`` (D returns probabilities)."""
    leaves = [(n, m) for n, m in D.named_modules() if not any(True for _ in m.children())]
    if leaves and isinstance(leaves[-1][1], nn.Sigmoid):
        return leaves[-1][0]
    return None


def _pre_sigmoid(_mod: nn.Module, inputs: tuple, _out: torch.Tensor) -> torch.Tensor:
    return inputs[0]


def _check_player_name(name: str) -> None:
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"player names must be identifiers without dots, got {name!r}")
    if name not in ("G", "D") and hasattr(GANLens, name):
        raise ValueError(f"{name!r} is a GANLens attribute; choose another player name")


class GANLens(nn.Module):
    """The players of a GAN seen through named hook points.

    Names are ``"<player>.<path>"`` where ``<path>`` is a ``named_modules()`` name: ganlens
    models put a :class:`~ganlens.hooks.HookPoint` on each block (``"D.blocks.2"``,
    ``"D.logit_map"``); foreign models are addressed by their own module names (``"D.layer3"``).
    A CycleGAN lens has players ``G_AB``, ``G_BA``, ``D_A``, ``D_B`` (``"D_A.blocks.2"``); one
    generator and one discriminator are *primary* (``lens.G``, ``lens.D``): tracking, metrics and
    probes use them unless told otherwise. Hooks are only attached inside a call or a
    :meth:`hooks` context, so after any call the players carry none.

    A D that ends in ``nn.Sigmoid`` (it returns probabilities) is scored by the input of that
    Sigmoid, its logit, so DI and realness curves stay in logit units (a warning says so);
    ``sigmoid="refuse"`` raises instead.

    Args:
        G: generator, ``G(z)`` / ``G(z, y)`` (or ``G(x)`` for translation) -> images.
        D: discriminator, ``D(x)`` or ``D(x, y)`` -> one logit per image.
        reduce: how to turn a non-scalar D output per image into one logit: ``None`` (refuse,
            the default), ``"mean"`` (average everything after the batch dimension, e.g. PatchGAN).
        z_dim: latent size for foreign generators without a ``z_dim`` attribute.
        latent_shape: the shape of one latent when G takes more than a vector, e.g.
            ``(100, 1, 1)`` for the PyTorch DCGAN tutorial's G (latents (N, 100, 1, 1)).
        sigmoid: ``"logit"`` (score a trailing Sigmoid's input) or ``"refuse"``.
    """

    def __init__(
        self,
        G: nn.Module,
        D: nn.Module,
        reduce: str | None = None,
        z_dim: int | None = None,
        latent_shape: Sequence[int] | None = None,
        sigmoid: str = "logit",
    ) -> None:
        super().__init__()
        self._configure(reduce, z_dim, latent_shape, sigmoid, ("G", "D"))
        self.add_player("G", G)
        self.add_player("D", D)
        self._check_sigmoid()

    @classmethod
    def from_players(
        cls,
        players: Mapping[str, nn.Module],
        generator: str,
        discriminator: str,
        reduce: str | None = None,
        z_dim: int | None = None,
    ) -> GANLens:
        """A lens over any named players, e.g. ``{"G_AB": ..., "G_BA": ..., "D_A": ..., "D_B": ...}``
        with ``generator="G_AB", discriminator="D_B"`` as the primary pair."""
        for name in (generator, discriminator):
            if name not in players:
                raise ValueError(
                    f"primary player {name!r} is not among the players {list(players)}"
                )
        lens = cls.__new__(cls)
        nn.Module.__init__(lens)
        lens._configure(reduce, z_dim, None, "logit", (generator, discriminator))
        for name, module in players.items():
            lens.add_player(name, module)
        lens._check_sigmoid()
        return lens

    def _configure(
        self,
        reduce: str | None,
        z_dim: int | None,
        latent_shape: Sequence[int] | None,
        sigmoid: str,
        primary: tuple[str, str],
    ) -> None:
        if reduce not in (None, "mean"):
            raise ValueError(f"reduce must be None or 'mean', got {reduce!r}")
        if sigmoid not in SIGMOID:
            raise ValueError(f"sigmoid must be one of {SIGMOID}, got {sigmoid!r}")
        if latent_shape is not None and z_dim is not None:
            raise ValueError("give z_dim or latent_shape, not both")
        self.reduce, self._primary, self._sigmoid = reduce, primary, sigmoid
        self._z_dim = tuple(int(s) for s in latent_shape) if latent_shape is not None else z_dim
        self._stripped: str | None = None

    def _check_sigmoid(self) -> None:
        name = trailing_sigmoid(self.D)
        if name is None:
            return
        where = f"{self._primary[1]}.{name}"
        if self._sigmoid == "refuse":
            raise ValueError(
                f"D ends in nn.Sigmoid ({where!r}), so it returns probabilities; ganlens needs "
                "logits: remove the Sigmoid (train with a logit loss), or let ganlens score its "
                "input with GANLens(..., sigmoid='logit')"
            )
        self._stripped = name
        warnings.warn(
            f"D ends in nn.Sigmoid ({where!r}): ganlens scores the Sigmoid's input, the "
            "logit, so DI and realness curves are in logit units",
            stacklevel=3,
        )

    # ----- players ---------------------------------------------------------------------------
    @property
    def players(self) -> dict[str, nn.Module]:
        """The players by name, in the order they were added."""
        return dict(self._modules)  # type: ignore[arg-type]

    @property
    def G(self) -> nn.Module:
        """The primary generator."""
        return self._modules[self._primary[0]]  # type: ignore[return-value]

    @property
    def D(self) -> nn.Module:
        """The primary discriminator."""
        return self._modules[self._primary[1]]  # type: ignore[return-value]

    @property
    def primary(self) -> tuple[str, str]:
        """Names of the primary generator and discriminator, e.g. ``("G", "D")``."""
        return self._primary

    def player(self, name: str) -> nn.Module:
        """The player called ``name``."""
        if name not in self._modules:
            raise KeyError(f"no player {name!r}; this lens has players {list(self._modules)}")
        return self._modules[name]  # type: ignore[return-value]

    def add_player(self, name: str, module: nn.Module) -> None:
        """Add a player (a module a method trains, e.g. ASGIT's attention transfer block)."""
        _check_player_name(name)
        if name in self._modules:
            raise ValueError(f"player {name!r} exists already; use set_player to replace it")
        self._set(name, module)

    def _set(self, name: str, module: nn.Module) -> None:
        if not isinstance(module, nn.Module):
            raise ValueError(
                f"player {name!r} must be a torch.nn.Module, got {type(module).__name__}"
            )
        self._modules[name] = module

    def set_player(self, name: str, module: nn.Module) -> None:
        """Replace the player ``name`` (e.g. EqGAN-SA wraps G in a SpatialGenerator)."""
        self.player(name)
        self._set(name, module)

    # ----- names -----------------------------------------------------------------------------
    def hook_names(self) -> list[str]:
        """Names of the hook points of every player, e.g. ``["G.stem", ..., "D.logit_map"]``.

        A foreign player without :class:`~ganlens.hooks.HookPoint` s lists every submodule it
        has (``"D.main.0"``, ...): each can be hooked, cached and probed by that name.
        """
        out = []
        for p, module in self._modules.items():
            names = hook_point_names(module) or [n for n, _ in module.named_modules() if n]
            out += [f"{p}.{n}" for n in names]
        return out

    def module_names(self) -> list[str]:
        """Every addressable module name (hook points and all other submodules)."""
        return [n for n, _ in self.named_modules() if "." in n]

    def module(self, name: str) -> nn.Module:
        """The submodule called ``name`` (``"G.blocks.1"``, ``"D_A.layer3"``, or a player name)."""
        player = name.split(".", 1)[0]
        if player not in self._modules:
            raise KeyError(
                f"hook name {name!r} must start with a player name: "
                f"{', '.join(repr(p + '.') for p in self._modules)}"
            )
        try:
            return self.get_submodule(name)
        except AttributeError:
            close = difflib.get_close_matches(name, self.module_names(), n=5, cutoff=0.5)
            hint = f"; did you mean {close}?" if close else "; see lens.hook_names()"
            raise KeyError(f"no module named {name!r} in this lens{hint}") from None

    # ----- inputs ----------------------------------------------------------------------------
    def _latent(self) -> int | tuple[int, ...] | None:
        """What the lens was told, else G's ``latent_shape`` or ``z_dim`` attribute."""
        if self._z_dim is not None:
            return self._z_dim
        shape = getattr(self.G, "latent_shape", None)
        return tuple(shape) if shape is not None else getattr(self.G, "z_dim", None)

    @property
    def z_dim(self) -> int | None:
        """Latent size of the primary G (``None`` for a translating G)."""
        latent = self._latent()
        return latent[0] if isinstance(latent, tuple) else latent

    @property
    def latent_shape(self) -> tuple[int, ...] | None:
        """Shape of one latent: ``(z_dim,)``, or e.g. ``(100, 1, 1)`` (``latent_shape=``)."""
        latent = self._latent()
        return latent if isinstance(latent, tuple) else (latent,) if latent is not None else None

    @property
    def n_classes(self) -> int:
        """Number of classes of a class-conditional G (0 for unconditional models)."""
        return int(getattr(self.G, "n_classes", 0) or 0)

    def task(self, data: Any = None) -> Task:
        """The task of this lens on ``data`` (generation, or translation for two-domain data)."""
        return make_task(data, self.G, self._latent())

    def sample_inputs(
        self,
        n: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
        G: nn.Module | None = None,
    ) -> GInputs:
        """G's inputs for ``n`` samples (latents, labels, G's extras), from ``generator`` only."""
        model = G if G is not None else self.G
        if self._latent() is None:
            raise ValueError(
                "this G has no z_dim: a generator needs GANLens(G, D, z_dim=...); a translating G "
                "takes images, draw them with lens.task(data).inputs(n, generator, device)"
            )
        task = Generation(model, z_dim=self._latent())
        return task.inputs(n, generator, device if device is not None else self._device())

    @property
    def sigmoid_stripped(self) -> str | None:
        """The trailing Sigmoid of D whose input is scored (``None``: D returns logits)."""
        return self._stripped

    def sample_latent(
        self,
        n: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
    ) -> torch.Tensor:
        """Standard normal latents (n, z_dim), drawn on the CPU generator then moved."""
        if self.z_dim is None:
            raise ValueError("this G has no z_dim attribute; pass GANLens(G, D, z_dim=...)")
        return latents(
            n, self.latent_shape, generator, device if device is not None else self._device()
        )

    def sample_labels(
        self,
        n: int,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
    ) -> torch.Tensor | None:
        """Uniform class labels (n,) for a conditional G, ``None`` for an unconditional one."""
        return labels(
            n, self.n_classes, generator, device if device is not None else self._device()
        )

    # ----- forward passes --------------------------------------------------------------------
    def generate(
        self,
        inputs: GInputs | int,
        generator: torch.Generator | None = None,
        G: nn.Module | None = None,
    ) -> torch.Tensor:
        """Run G on ``inputs``, or on ``n`` freshly drawn inputs when an int is given.

        Returns:
            Images (N, C, H, W) as floats in [-1, 1] (or points (N, dim) for 2-D toys).
        """
        if not isinstance(inputs, GInputs):
            inputs = self.sample_inputs(int(inputs), generator, G=G)
        return inputs.run(G if G is not None else self.G)

    def score(
        self, x: torch.Tensor, y: torch.Tensor | None = None, D: nn.Module | None = None
    ) -> torch.Tensor:
        """D's raw logit per example, shape (N,) (Captum's ``target=None`` contract)."""
        model = D if D is not None else self.D
        strip = self._stripped if model is self.D else None
        with temporary_hooks([(model.get_submodule(strip), _pre_sigmoid)] if strip else []):
            out = model(x, y) if y is not None else model(x)
        return self._check_logits(out, len(x))

    def _check_logits(self, out: object, n: int) -> torch.Tensor:
        if not isinstance(out, torch.Tensor):
            raise ValueError(
                f"D returned {type(out).__name__}; ganlens needs a tensor with one "
                "logit per image, shape (N,)"
            )
        if out.shape == (n,):
            return out
        if out.ndim >= 2 and out.shape[0] == n and out[0].numel() == 1:  # (N, 1), (N, 1, 1, 1)
            return out.reshape(n)
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

    # ----- hooks -----------------------------------------------------------------------------
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
        inputs: torch.Tensor | GInputs,
        names: Sequence[str] | None = None,
        y: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, Cache]:
        """Score ``inputs`` and keep the outputs of the named modules.

        The kind of input decides what runs, explicitly: a :class:`~ganlens.tasks.GInputs`
        (e.g. ``lens.sample_inputs(8)``) runs the whole game, G then D, so G and D names may
        be cached; an image tensor runs D only.

        Args:
            inputs: G's inputs, or images (N, C, H, W) float in [-1, 1] for D.
            names: module names to cache; ``None`` caches every hook point of the primary
                players that runs.
            y: class labels (N,) of images for a conditional D (G inputs carry their own).

        Returns:
            ``(logits (N,), cache)`` where ``cache[name]`` is that module's output tensor.
        """
        game = isinstance(inputs, GInputs)
        g_name, d_name = self._primary
        if names is None:
            names = [
                n
                for n in self.hook_names()
                if n.startswith(f"{d_name}.") or (game and n.startswith(f"{g_name}."))
            ]
        if not game:
            bad = [n for n in names if not n.startswith(f"{d_name}.")]
            if bad:
                raise ValueError(
                    f"layers {bad} do not run when D scores images; pass G's inputs "
                    "(lens.sample_inputs(n)) to run the whole game"
                )
        capture = Capture(names)
        with self.hooks(capture.hooks()), out_of_place(self.G, self.D):
            x = self.generate(inputs) if game else inputs
            logits = self.score(x, inputs.y if game else y)
        return logits, capture.check()
