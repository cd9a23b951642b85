"""The Trainer: models, optimisers, EMA and RNG of one run, and one alternating G/D update."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any, Protocol

import torch
from torch import nn

from ganlens.config import TrainConfig
from ganlens.lens import GANLens
from ganlens.methods.base import Method, StepBatch
from ganlens.train.ema import make_ema, update_ema
from ganlens.train.losses import get_losses, gradient_penalty, r1_penalty


class Sampler(Protocol):
    """Anything with ``sample(n, generator, device) -> (x, y)``: image datasets and 2-D toys."""

    def sample(
        self, n: int, generator: torch.Generator, device: str | torch.device = "cpu"
    ) -> tuple[torch.Tensor, torch.Tensor]: ...


class TrainingDiverged(RuntimeError):
    """A loss became NaN or inf; training stopped before applying the bad update."""

    def __init__(self, step: int, terms: dict[str, float]) -> None:
        self.step = step
        self.terms = terms
        bad = {k: v for k, v in terms.items() if not math.isfinite(v)}
        super().__init__(
            f"training diverged at step {step}: non-finite loss {bad}. The last good checkpoint "
            "is kept; lower the learning rates or change the loss, then resume or restart."
        )


def resolve_device(name: str) -> torch.device:
    """``"auto"`` -> cuda if available else cpu; a cuda request without CUDA is an error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {name!r} requested but CUDA is not available; use --device cpu")
    return torch.device(name)


def check_compatible(lens: GANLens, data: Sampler) -> None:
    """Refuse data whose channels or resolution differ from what the models were built for."""
    for attr in ("channels", "resolution"):
        want = getattr(lens.D, attr, None)
        have = getattr(data, attr, None)
        if want is not None and have is not None and want != have:
            raise ValueError(
                f"the models were built for {attr}={want} but the data "
                f"{getattr(data, 'name', '')!r} has {attr}={have}; build the models with "
                f"{attr}={have} or load the data with a matching setting"
            )


@contextlib.contextmanager
def frozen(module: nn.Module) -> Iterator[None]:
    """Temporarily stop gradients into ``module``'s parameters (they still flow through it)."""
    flags = [p.requires_grad for p in module.parameters()]
    module.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(module.parameters(), flags):
            p.requires_grad_(flag)


def _keeper(cache: dict[str, torch.Tensor], name: str):
    """A forward hook that stores its module's output in ``cache[name]``."""

    def fn(_mod: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
        cache[name] = out

    return fn


def _total(terms: dict[str, torch.Tensor]) -> float:
    return float(sum(v.detach() for v in terms.values()))


class Trainer:
    """State of one run and the alternating updates (n_dis D steps, then one G step).

    Args:
        lens: the models; moved to the config's device.
        data: a sampler of real examples.
        config: the run's configuration.
        method: the training method (default: the plain game).
    """

    def __init__(
        self, lens: GANLens, data: Sampler, config: TrainConfig, method: Method | None = None
    ) -> None:
        check_compatible(lens, data)
        self.config, self.data = config, data
        self.method = method if method is not None else Method()
        self.device = resolve_device(config.device)
        self.method.setup(lens, config)
        self.lens = lens.to(self.device)
        self.opt_g = torch.optim.Adam(lens.G.parameters(), lr=config.lr_g, betas=config.betas)
        self.opt_d = torch.optim.Adam(lens.D.parameters(), lr=config.lr_d, betas=config.betas)
        self.g_ema = make_ema(lens.G) if config.ema_beta else None
        self.generator = torch.Generator().manual_seed(config.seed)
        self.d_loss, self.g_loss = get_losses(config.loss)
        self.step = 0
        self.images_seen = 0

    @property
    def sampling_G(self) -> nn.Module:
        """The G to sample from: the EMA copy when there is one."""
        return self.g_ema if self.g_ema is not None else self.lens.G

    def _latents(self, n: int) -> tuple[torch.Tensor, torch.Tensor | None, dict[str, torch.Tensor]]:
        z = self.lens.sample_latent(n, self.generator, self.device)
        y = self.lens.sample_labels(n, self.generator, self.device)
        return z, y, self.method.g_inputs(n, self.generator, self.device)

    def _real(self, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        x, y = self.data.sample(n, self.generator, self.device)
        return x, (y if self.lens.n_classes else None)

    def d_step(self) -> dict[str, torch.Tensor]:
        """One D update; returns its loss terms."""
        cfg, lens, n = self.config, self.lens, self.config.batch_size
        real, real_y = self._real(n)
        z, fake_y, g_in = self._latents(n)
        with torch.no_grad():
            fake = lens.generate(z=z, y=fake_y, **g_in)
        real.requires_grad_(cfg.r1_gamma > 0)
        real_logits, fake_logits = lens.score(real, real_y), lens.score(fake, fake_y)
        terms = {"adv": self.d_loss(real_logits, fake_logits)}
        if cfg.r1_gamma > 0:
            terms["r1"] = 0.5 * cfg.r1_gamma * r1_penalty(real_logits, real)
        if cfg.loss == "wgan-gp":
            gp = gradient_penalty(lambda x: lens.score(x, real_y), real, fake, self.generator)
            terms["gp"] = cfg.gp_lambda * gp
        batch = StepBatch(lens, self.step, real, real_y, fake, fake_y, z, g_in,
                          real_logits, fake_logits, self.generator)
        terms.update(self.method.d_terms(batch))
        self._apply(self.opt_d, terms, "d")
        if cfg.loss == "wgan":
            with torch.no_grad():
                for p in lens.D.parameters():
                    p.clamp_(-cfg.clip, cfg.clip)
        self.images_seen += n
        return terms

    def g_step(self) -> dict[str, torch.Tensor]:
        """One G update through a frozen D; returns its loss terms."""
        lens, n = self.lens, self.config.batch_size
        z, fake_y, g_in = self._latents(n)
        cache: dict[str, torch.Tensor] = {}
        keep = [(name, _keeper(cache, name)) for name in self.method.g_capture(lens)]
        with frozen(lens.D):
            fake = lens.generate(z=z, y=fake_y, **g_in)
            with lens.hooks(keep):
                fake_logits = lens.score(fake, fake_y)
            terms = {"adv": self.g_loss(fake_logits)}
            batch = StepBatch(lens, self.step, None, None, fake, fake_y, z, g_in,
                              None, fake_logits, self.generator, cache)
            terms.update(self.method.g_terms(batch))
            self._apply(self.opt_g, terms, "g")
        if self.g_ema is not None:
            update_ema(self.g_ema, lens.G, self.config.ema_beta)
        return terms

    def _apply(self, opt: torch.optim.Optimizer, terms: dict[str, torch.Tensor], side: str) -> None:
        total = sum(terms.values())
        if not torch.isfinite(total):
            values = {f"{side}/{k}": float(v.detach()) for k, v in terms.items()}
            raise TrainingDiverged(self.step + 1, values)
        opt.zero_grad(set_to_none=True)
        total.backward()
        opt.step()

    def train_step(self) -> dict[str, float]:
        """n_dis D updates then one G update; returns the losses as floats."""
        for _ in range(self.config.n_dis):
            d_terms = self.d_step()
        g_terms = self.g_step()
        self.step += 1
        out = {"loss_d": _total(d_terms), "loss_g": _total(g_terms)}
        for side, terms in (("d", d_terms), ("g", g_terms)):
            if len(terms) > 1:
                out.update({f"loss_{side}_{k}": float(v.detach()) for k, v in terms.items()})
        return out

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue bit-for-bit on CPU (tensors and plain containers only)."""
        return {
            "step": self.step,
            "images_seen": self.images_seen,
            "G": self.lens.G.state_dict(),
            "D": self.lens.D.state_dict(),
            "G_ema": self.g_ema.state_dict() if self.g_ema is not None else None,
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "rng_train": self.generator.get_state(),
            "rng_torch": torch.get_rng_state(),
            "method": self.method.state_dict(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` (models are checked by the caller, see ``runs``)."""
        self.lens.G.load_state_dict(state["G"])
        self.lens.D.load_state_dict(state["D"])
        if self.g_ema is not None and state.get("G_ema") is not None:
            self.g_ema.load_state_dict(state["G_ema"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.generator.set_state(state["rng_train"])
        torch.set_rng_state(state["rng_torch"])
        self.method.load_state_dict(state.get("method", {}))
        self.step = int(state["step"])
        self.images_seen = int(state["images_seen"])
