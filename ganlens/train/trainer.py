"""The Trainer: the players, optimisers, EMA and RNG of one run, and the phases of one iteration."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from ganlens.modes import mode
from ganlens.tasks import Generation, Task
from ganlens.train.augment import make_augment
from ganlens.train.config import OptimConfig
from ganlens.train.ema import make_ema, update_ema
from ganlens.train.method import Method
from ganlens.train.phase import Phase
from ganlens.train.precision import resolve_precision
from ganlens.train.step import Step, frozen

if TYPE_CHECKING:
    from ganlens.lens import GANLens


class TrainingDiverged(RuntimeError):
    """A loss became NaN or inf, or stayed huge; training stopped before the bad update.

    Attributes:
        step: the iteration that would have applied the bad update (1-based).
        terms: the loss terms of that phase, as floats.
        reason: what was wrong, in words.
    """

    def __init__(
        self,
        step: int,
        terms: dict[str, float],
        reason: str | None = None,
        advice: str | None = None,
    ) -> None:
        self.step = step
        self.terms = terms
        bad = {k: v for k, v in terms.items() if not math.isfinite(v)}
        self.reason = reason or f"non-finite loss {bad}"
        advice = advice or "Lower the learning rates or change the loss, then resume or restart."
        super().__init__(
            f"training diverged at step {step}: {self.reason}; the update was not applied. {advice}"
        )


def resolve_device(name: str | torch.device) -> torch.device:
    """``"auto"`` -> cuda if available else cpu; a cuda request without CUDA is an error."""
    name = str(name)
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {name!r} requested but CUDA is not available; use --device cpu")
    return torch.device(name)


def check_compatible(D: nn.Module, data: Any) -> None:
    """Refuse data whose channels or resolution differ from what D was built for."""
    for attr in ("channels", "resolution"):
        want, have = getattr(D, attr, None), getattr(data, attr, None)
        if want is not None and have is not None and want != have:
            raise ValueError(
                f"the models were built for {attr}={want} but the data "
                f"{getattr(data, 'name', '')!r} has {attr}={have}; build the models with "
                f"{attr}={have} or load the data with a matching setting"
            )


def check_data(lens: GANLens, task: Task, batch_size: int) -> None:
    """Refuse data that G's images or D's input do not match; warn of a tiny dataset."""
    data = task.data
    if isinstance(task, Generation) and getattr(data, "resolution", None) is not None:
        with torch.no_grad(), mode(lens.G, train=True, keep_buffers=True):
            inputs = task.inputs(2, torch.Generator().manual_seed(0), lens._device())
            made = tuple(inputs.run(lens.G).shape[1:])
        want = (data.channels, data.resolution, data.resolution)
        if made != want:
            raise ValueError(
                f"G makes images of shape {made} but the data {getattr(data, 'name', '')!r} are "
                f"{want} images; build G (and D) with channels={data.channels} and "
                f"resolution={data.resolution}, or load the data to match G"
            )
    check_compatible(lens.D, data)
    size = len(data) if hasattr(data, "__len__") else None
    if size is not None and batch_size > size:
        warnings.warn(
            f"batch_size {batch_size} is larger than the dataset ({size} images): every "
            "batch repeats images",
            stacklevel=4,
        )


def _total(terms: dict[str, torch.Tensor]) -> float:
    return float(sum(v.detach() for v in terms.values()))


class Trainer:
    """State of one run and its iterations (each runs the method's phases in order).

    Args:
        lens: the players, already extended by ``method.build``; moved to ``device``.
        task: what a batch is (``lens.task(data)``).
        optim: the optimisation settings.
        method: the training method (default: the plain game).
        seed: seed of the run's generator (data order, latents, any method randomness).
        device: ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"auto"``.
    """

    def __init__(
        self,
        lens: GANLens,
        task: Task,
        optim: OptimConfig,
        method: Method | None = None,
        seed: int = 0,
        device: str | torch.device = "cpu",
    ) -> None:
        if isinstance(task, Generation) and task.G is not lens.G:
            raise ValueError(
                "the task draws inputs for another G than this lens's (a G a method "
                "replaced, or another lens); make it with lens.task(data)"
            )
        if task.data is not None:
            check_data(lens, task, optim.batch_size)
        self.task, self.optim = task, optim
        self.method = method if method is not None else Method()
        self.device = resolve_device(device)
        self.lens = lens.to(self.device)
        self.precision, self.channels_last = resolve_precision(
            optim.precision, optim.channels_last, self.device
        )
        if self.channels_last:
            for module in self.lens.players.values():
                module.to(memory_format=torch.channels_last)
        self.phases = self._checked(self.method.phases(optim))
        self.optimizers = self._optimizers(self.phases)
        self.ema = make_ema(lens.G) if optim.ema_beta else None
        self.generator = torch.Generator().manual_seed(seed)
        self.augment = make_augment(optim)
        self.step = 0
        self.images_seen = 0
        self.beyond = 0  # consecutive iterations with a loss beyond optim.diverge_at
        self._peak = 0.0

    def _checked(self, phases: list[Phase]) -> list[Phase]:
        for phase in phases:
            for name in phase.players:
                self.lens.player(name)  # KeyError naming the players
        return phases

    def _optimizers(self, phases: list[Phase]) -> dict[str, torch.optim.Optimizer]:
        opts: dict[str, torch.optim.Optimizer] = {}
        for phase in phases:
            if phase.optimizer_name not in opts:
                params = [p for name in phase.players for p in self.lens.player(name).parameters()]
                opts[phase.optimizer_name] = torch.optim.Adam(
                    params, lr=phase.lr, betas=phase.betas
                )
        return opts

    @property
    def data(self) -> Any:
        """The real data of the task."""
        return self.task.data

    @property
    def sampling_G(self) -> nn.Module:
        """The G to sample from: the EMA copy when there is one."""
        return self.ema if self.ema is not None else self.lens.G

    def phase(self, name: str) -> Phase:
        """The phase called ``name``."""
        for phase in self.phases:
            if phase.name == name:
                return phase
        raise KeyError(f"no phase {name!r}; the phases are {[p.name for p in self.phases]}")

    def autocast(self) -> torch.autocast:
        """The forward-pass precision of ``optim.precision`` (a no-op context at fp32)."""
        bf16 = self.precision == "bf16"
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=bf16)

    def run_phase(self, phase: Phase | str) -> dict[str, torch.Tensor]:
        """One update of ``phase`` (every other player frozen); returns its loss terms."""
        phase = self.phase(phase) if isinstance(phase, str) else phase
        lens = self.lens
        step = Step(
            phase.name,
            self.step,
            lens,
            self.task,
            self.optim,
            self.generator,
            self.device,
            self.augment,
        )
        others = [module for name, module in lens.players.items() if name not in phase.players]
        with frozen(*others):
            with self.autocast():
                terms = {k: v.float() for k, v in phase.loss(step).items()}
            with torch.autocast(self.device.type, enabled=False):  # backward and update: fp32
                self._apply(self.optimizers[phase.optimizer_name], terms, phase.name)
        if phase.after is not None:
            phase.after(step)
        if phase.counts_images:
            self.images_seen += self.optim.batch_size
            if self.augment is not None and step.out.real_logits is not None:
                self.augment.observe(step.out.real_logits)
        if self.ema is not None and lens.primary[0] in phase.players:
            update_ema(self.ema, lens.G, self.optim.ema_beta)
        return terms

    def _apply(
        self, opt: torch.optim.Optimizer, terms: dict[str, torch.Tensor], phase: str
    ) -> None:
        if not terms:
            raise ValueError(f"phase {phase!r} returned no loss terms")
        total = sum(terms.values())
        values = lambda: {f"{phase.lower()}/{k}": float(v.detach()) for k, v in terms.items()}  # noqa: E731
        if not torch.isfinite(total):
            raise TrainingDiverged(self.step + 1, values())
        size = abs(float(total.detach()))
        self._peak = max(self._peak, size)
        if size > self.optim.divergence_bound and self.beyond + 1 >= self.optim.diverge_patience:
            raise TrainingDiverged(
                self.step + 1,
                values(),
                (
                    f"the {phase} loss is {float(total.detach()):.3g}, beyond "
                    f"{self.optim.divergence_bound:g} for {self.optim.diverge_patience} iterations "
                    "in a row (optim.diverge_at)"
                ),
            )
        opt.zero_grad(set_to_none=True)
        total.backward()
        opt.step()

    def train_step(self) -> dict[str, float]:
        """One iteration (every due phase, ``repeats`` times); returns the losses as floats.

        Keys: ``loss_<phase>`` (the sum of the phase's terms, last update) for every phase that
        ran, then ``loss_<phase>_<term>`` for phases with more than one term.
        """
        ran: dict[str, dict[str, torch.Tensor]] = {}
        self._peak = 0.0
        for phase in self.phases:
            if self.step % phase.interval == 0:
                for _ in range(phase.repeats):
                    ran[phase.name] = self.run_phase(phase)
        self.beyond = self.beyond + 1 if self._peak > self.optim.divergence_bound else 0
        self.step += 1
        out = {f"loss_{name.lower()}": _total(terms) for name, terms in ran.items()}
        if self.augment is not None:
            out["augment_p"] = self.augment.p  # the p of this iteration's images
            self.augment.end_iteration()
        for name, terms in ran.items():
            if len(terms) > 1:
                out.update(
                    {f"loss_{name.lower()}_{k}": float(v.detach()) for k, v in terms.items()}
                )
        return out

    def reconfigure(self, optim: OptimConfig) -> None:
        """Change the optimisation settings mid-run (loss, learning rates, n_dis, ...).

        The phases are rebuilt from the method; each optimiser keeps its Adam state and takes
        its phase's new learning rate.
        """
        self.optim = optim
        self.phases = self._checked(self.method.phases(optim))
        self._set_learning_rates()

    def _set_learning_rates(self) -> None:
        """Every optimiser takes its phase's learning rate (Adam state kept)."""
        for phase in self.phases:
            for group in self.optimizers[phase.optimizer_name].param_groups:
                group["lr"] = phase.lr

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue bit-for-bit on CPU (tensors and plain containers only)."""
        players = self.lens.players
        return {
            "step": self.step,
            "images_seen": self.images_seen,
            "players": {name: m.state_dict() for name, m in players.items()},
            "specs": {name: getattr(m, "spec", None) for name, m in players.items()},
            "optimizers": {name: opt.state_dict() for name, opt in self.optimizers.items()},
            "ema": {self.lens.primary[0]: self.ema.state_dict()} if self.ema is not None else {},
            "rng": {"train": self.generator.get_state(), "torch": torch.get_rng_state()},
            "method": self.method.state_dict(),
            "augment": self.augment.state_dict() if self.augment is not None else {},
            "beyond": self.beyond,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` (architectures are checked by the caller, see ``runs``)."""
        for name, module in self.lens.players.items():
            module.load_state_dict(state["players"][name])
        for name, opt in self.optimizers.items():
            if name not in state["optimizers"]:
                raise ValueError(
                    f"the checkpoint has no optimiser {name!r} (it has "
                    f"{sorted(state['optimizers'])}); it was written by another method"
                )
            opt.load_state_dict(state["optimizers"][name])
        self._set_learning_rates()  # a resumed run may have been given new ones (--override)
        if self.ema is not None and state["ema"]:
            self.ema.load_state_dict(state["ema"][self.lens.primary[0]])
        self.generator.set_state(state["rng"]["train"])
        torch.set_rng_state(state["rng"]["torch"])
        self.method.load_state_dict(state.get("method", {}))
        if self.augment is not None:
            self.augment.load_state_dict(state["augment"])
        self.step = int(state["step"])
        self.images_seen = int(state["images_seen"])
        self.beyond = int(state.get("beyond", 0))
