"""The training core on tiny hand-set players: exact loss values, gradient routes, phases, state.

G(z) = z @ W (W: 1 x 2) and D(x) = head(hidden(x)) with hidden = identity-initialised 2 x 2 and
head = a: every loss below is computed by hand from the same tensors.
"""

from __future__ import annotations

import dataclasses

import pytest
import torch
from torch import nn

from ganlens import GANLens, OptimConfig, count_hooks
from ganlens.checkpoints import load_checkpoint, save_checkpoint
from ganlens.data import Batch, ImageDataset, UnpairedImages
from ganlens.hooks import HookPoint
from ganlens.tasks import GInputs, Task, UnpairedTranslation
from ganlens.train import Method, MethodConfig, Phase, Trainer, hinge_g, lsgan_d, lsgan_g

REAL = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
Z = torch.tensor([[1.0], [-2.0], [0.5]])


class LinG(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.z_dim, self.n_classes = 1, 0
        self.lin = HookPoint(nn.Linear(1, 2, bias=False))
        with torch.no_grad():
            self.lin.inner.weight.copy_(torch.tensor([[2.0], [-1.0]]))

    def forward(self, z):
        return self.lin(z)


class LinD(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = HookPoint(nn.Linear(2, 2, bias=False))
        self.head = nn.Linear(2, 1, bias=False)
        with torch.no_grad():
            self.hidden.inner.weight.copy_(torch.eye(2))
            self.head.weight.copy_(torch.tensor([[0.5, -1.0]]))

    def forward(self, x):
        return self.head(self.hidden(x))[:, 0]


class FixedTask(Task):
    """Reals REAL (indices 10, 11, 12) and latents Z every draw; counts the draws."""

    kind = "fixed"

    def __init__(self) -> None:
        super().__init__(data=None)
        self.real_draws = 0

    def real(self, n, generator, device):
        self.real_draws += 1
        return Batch(REAL.clone(), None, torch.tensor([10, 11, 12]))

    def inputs(self, n, generator, device, real=None):
        return GInputs.latent(Z.clone())


def score(x):
    return x @ torch.tensor([0.5, -1.0])


def make(method=None, optim=None):
    lens = GANLens(LinG(), LinD())
    if method is not None:
        method.build(lens, 0)
    task = FixedTask()
    return Trainer(lens, task, optim or OptimConfig(batch_size=3), method), task


def terms_of(trainer, phase):
    """The loss terms of one phase, computed as the trainer does, without applying them."""
    seen = {}
    trainer._apply = lambda opt, terms, name: seen.update(terms)
    trainer.run_phase(phase)
    return seen


def test_plain_game_terms_by_hand():
    trainer, _ = make()
    fake = Z @ torch.tensor([[2.0, -1.0]])
    d = terms_of(trainer, "D")
    assert set(d) == {"adv"}
    expected = torch.relu(1 - score(REAL)).mean() + torch.relu(1 + score(fake)).mean()
    assert d["adv"].item() == pytest.approx(expected.item())
    assert terms_of(trainer, "G")["adv"].item() == pytest.approx(hinge_g(score(fake)).item())


class L2Config(MethodConfig):
    name = "l2"


class AddsL2(Method):
    """Adds 0.5 * mean(G(z)^2) to the plain G loss."""

    Config = L2Config

    def g_loss(self, step):
        terms = super().g_loss(step)
        return {**terms, "l2": 0.5 * step.out.fake.pow(2).mean()}


def test_a_method_adds_a_term_and_its_gradient_reaches_g():
    trainer, _ = make(AddsL2())
    g = terms_of(trainer, "G")
    fake = Z @ torch.tensor([[2.0, -1.0]])
    assert set(g) == {"adv", "l2"}
    assert g["l2"].item() == pytest.approx(0.5 * fake.pow(2).mean().item())
    # d(l2)/dW by hand: l2 = 0.5 mean_{i,j} (z_i W_j)^2 -> dW_j = mean_i z_i^2 W_j / 2 (2 columns)
    (grad,) = torch.autograd.grad(g["l2"], trainer.lens.G.lin.inner.weight)
    w = torch.tensor([[2.0], [-1.0]])
    torch.testing.assert_close(grad, (Z.pow(2).mean() * w / 2))
    losses = trainer.train_step()
    assert set(losses) == {"loss_d", "loss_g", "loss_g_adv", "loss_g_l2"}
    assert losses["loss_g"] == pytest.approx(losses["loss_g_adv"] + losses["loss_g_l2"])


class Replaces(Method):
    """Replaces the adversarial G term by the least-squares one (like LGA replaces it)."""

    Config = L2Config

    def g_loss(self, step):
        super().g_loss(step)
        return {"adv": lsgan_g(step.out.fake_logits)}


def test_a_method_replaces_the_adversarial_term():
    trainer, _ = make(Replaces())
    fake = Z @ torch.tensor([[2.0, -1.0]])
    g = terms_of(trainer, "G")
    assert set(g) == {"adv"} and g["adv"].item() == pytest.approx(lsgan_g(score(fake)).item())
    assert lsgan_g(score(fake)).item() != pytest.approx(hinge_g(score(fake)).item())


class ReadsReals(Method):
    Config = L2Config
    seen: list = []

    def g_loss(self, step):
        ReadsReals.seen.append(step.real)
        return super().g_loss(step)


def test_reals_and_their_indices_in_the_g_phase_are_drawn_only_when_read():
    trainer, task = make()
    trainer.run_phase("G")
    assert task.real_draws == 0  # the plain G loss never reads reals: its draws are unchanged
    trainer, task = make(ReadsReals())
    trainer.run_phase("G")
    assert task.real_draws == 1
    assert ReadsReals.seen[-1].index.tolist() == [10, 11, 12]
    torch.testing.assert_close(ReadsReals.seen[-1].x, REAL)


class Captures(Method):
    Config = L2Config
    out: dict = {}

    def capture(self, phase):
        return ["D.hidden"]

    def d_loss(self, step):
        terms = super().d_loss(step)
        Captures.out["D"] = dataclasses.replace(step.out)
        return terms

    def g_loss(self, step):
        terms = super().g_loss(step)
        Captures.out["G"] = dataclasses.replace(step.out)
        return terms


def test_capture_in_the_d_phase_and_in_the_g_phase():
    trainer, _ = make(Captures())
    trainer.run_phase("D")
    trainer.run_phase("G")
    fake = Z @ torch.tensor([[2.0, -1.0]])
    d, g = Captures.out["D"], Captures.out["G"]
    torch.testing.assert_close(d.real_cache["D.hidden"], REAL)  # hidden is the identity
    torch.testing.assert_close(d.fake_cache["D.hidden"], fake)
    assert d.fake.grad_fn is None  # G's images are detached in the D phase ...
    assert d.fake_cache["D.hidden"].grad_fn is not None  # ... D's features of them are not
    assert g.fake.grad_fn is not None and g.fake_cache["D.hidden"].grad_fn is not None
    assert count_hooks(trainer.lens) == 0


class TConfig(MethodConfig):
    name = "adds-t"


class AddsT(Method):
    """Adds a player T (trained with G) whose output enters G's loss."""

    Config = TConfig

    def build(self, lens, seed):
        t = nn.Linear(2, 2, bias=False)
        with torch.no_grad():
            t.weight.copy_(torch.eye(2))
        lens.add_player("T", t)

    def phases(self, optim):
        d, g = super().phases(optim)
        return [d, dataclasses.replace(g, players=("G", "T"))]

    def g_loss(self, step):
        fake = step.lens.player("T")(step.run_G())
        logits, _ = step.run_D(fake)
        return {"adv": step.g_adv(logits)}


def test_a_module_added_by_a_method_gets_an_optimiser_and_is_checkpointed(tmp_path):
    trainer, _ = make(AddsT())
    t = trainer.lens.player("T")
    in_opt = {id(p) for group in trainer.optimizers["G"].param_groups for p in group["params"]}
    assert id(t.weight) in in_opt
    before = t.weight.detach().clone()
    trainer.train_step()
    assert not torch.equal(before, t.weight)
    state = load_checkpoint(save_checkpoint(tmp_path / "c.pt", trainer.state_dict()))
    assert set(state["players"]) == {"G", "D", "T"} and set(state["optimizers"]) == {"D", "G"}
    fresh, _ = make(AddsT())
    fresh.load_state_dict(state)
    assert torch.equal(fresh.lens.player("T").weight, t.weight)


class DecodesThroughG(Method):
    """D phase term: D's hidden features run through the *frozen* G (GLeaD's shape)."""

    Config = L2Config

    def d_loss(self, step):
        h = step.lens.D.hidden(step.real.x)  # (3, 2) -> take column 0 as G's input
        return {"rec": step.run_G(GInputs.latent(h[:, :1])).sum()}


def test_a_frozen_player_gets_no_gradient_while_gradients_flow_through_it():
    trainer, _ = make(DecodesThroughG())
    g_w = trainer.lens.G.lin.inner.weight
    grads = {}

    def apply(opt, terms, phase):
        sum(terms.values()).backward()
        grads.update(hidden=trainer.lens.D.hidden.inner.weight.grad.clone(), g=g_w.grad)

    trainer._apply = apply
    trainer.run_phase("D")
    assert grads["g"] is None  # G is frozen in the D phase ...
    # ... yet the gradient reached D through it: rec = sum_i sum_j h_i0 W_j, so
    # d rec / d hidden[0, k] = sum_i x_ik * sum_j W_j = sum_i x_ik * (2 - 1)
    expected = torch.zeros(2, 2)
    expected[0] = REAL.sum(dim=0)
    torch.testing.assert_close(grads["hidden"], expected)
    assert all(p.requires_grad for p in trainer.lens.G.parameters())  # unfrozen afterwards


def test_checkpoint_round_trip_continues_bit_for_bit(tmp_path):
    a, _ = make(AddsL2(), OptimConfig(batch_size=3, ema_beta=0.5))
    a.train_step()
    path = save_checkpoint(tmp_path / "c.pt", a.state_dict())
    b, _ = make(AddsL2(), OptimConfig(batch_size=3, ema_beta=0.5))
    b.load_state_dict(load_checkpoint(path))
    assert a.train_step() == b.train_step()
    for x, y in zip(a.lens.parameters(), b.lens.parameters()):
        assert torch.equal(x, y)
    assert all(torch.equal(x, y) for x, y in zip(a.ema.parameters(), b.ema.parameters()))
    assert b.step == 2 and b.images_seen == 6


def test_phase_repeats_intervals_and_bad_phases():
    trainer, task = make(optim=OptimConfig(batch_size=3, n_dis=3))
    trainer.train_step()
    assert task.real_draws == 3 and trainer.images_seen == 9  # n_dis D updates, each counted
    with pytest.raises(KeyError, match="no phase 'E'"):
        trainer.run_phase("E")
    with pytest.raises(ValueError, match="updates no player"):
        Phase("X", (), lambda s: {}, 1e-3)

    class Bad(Method):
        Config = L2Config

        def phases(self, optim):
            return [Phase("D", ("D_A",), self.d_loss, 1e-3)]

    with pytest.raises(KeyError, match="no player 'D_A'"):
        make(Bad())


# ----- two G/D pairs on an unpaired task ------------------------------------------------------


class ConvG(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = HookPoint(nn.Conv2d(1, 1, 3, padding=1))

    def forward(self, x):
        return torch.tanh(self.block(x))


class ConvD(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.channels, self.resolution = 1, 8
        self.blocks = nn.ModuleList([HookPoint(nn.Conv2d(1, 2, 4, 2, 1))])
        self.head = nn.Linear(2 * 16, 1)

    def forward(self, x):
        return self.head(self.blocks[0](x).flatten(1))[:, 0]


class CycleConfig(MethodConfig):
    name = "cycle"


class Cycle(Method):
    """CycleGAN's shape: two G/D pairs, LSGAN, cycle L1 (weight 10)."""

    Config = CycleConfig

    def phases(self, optim):
        return [
            Phase("D", ("D_A", "D_B"), self.d_loss, optim.lr_d, counts_images=True),
            Phase("G", ("G_AB", "G_BA"), self.g_loss, optim.lr_g),
        ]

    def d_loss(self, step):
        a, b = step.g_inputs.x, step.real.x
        with torch.no_grad():
            fake_b, fake_a = step.run_G(player="G_AB"), step.run_G(GInputs.images(b), "G_BA")
        d_b = lsgan_d(step.run_D(b, player="D_B")[0], step.run_D(fake_b, player="D_B")[0])
        d_a = lsgan_d(step.run_D(a, player="D_A")[0], step.run_D(fake_a, player="D_A")[0])
        return {"D_A": d_a, "D_B": d_b}

    def g_loss(self, step):
        a, b = step.g_inputs.x, step.real.x
        fake_b, fake_a = step.run_G(player="G_AB"), step.run_G(GInputs.images(b), "G_BA")
        rec_a = step.run_G(GInputs.images(fake_b), "G_BA")
        rec_b = step.run_G(GInputs.images(fake_a), "G_AB")
        adv = lsgan_g(step.run_D(fake_b, player="D_B")[0]) + lsgan_g(
            step.run_D(fake_a, player="D_A")[0]
        )
        return {"adv": adv, "cycle": 10 * ((rec_a - a).abs().mean() + (rec_b - b).abs().mean())}


def _domain(seed: int, name: str) -> ImageDataset:
    g = torch.Generator().manual_seed(seed)
    return ImageDataset(
        torch.randint(0, 256, (20, 1, 8, 8), generator=g, dtype=torch.uint8),
        torch.zeros(20, dtype=torch.long),
        ("x",),
        name,
        "generated in tests",
    )


def test_two_pairs_on_an_unpaired_task_run_two_steps():
    torch.manual_seed(0)
    players = {"G_AB": ConvG(), "G_BA": ConvG(), "D_A": ConvD(), "D_B": ConvD()}
    lens = GANLens.from_players(players, generator="G_AB", discriminator="D_B")
    data = UnpairedImages(_domain(0, "a"), _domain(1, "b"), "a2b")
    task = lens.task(data)
    assert isinstance(task, UnpairedTranslation)
    inputs = task.inputs(4, torch.Generator().manual_seed(0), "cpu")
    assert inputs.kind == "image" and inputs.index.shape == (4,) and inputs.y is None
    before = {k: [p.detach().clone() for p in m.parameters()] for k, m in players.items()}
    trainer = Trainer(lens, task, OptimConfig(batch_size=4), Cycle())
    losses = [trainer.train_step() for _ in range(2)]
    assert set(losses[-1]) == {
        "loss_d",
        "loss_g",
        "loss_d_D_A",
        "loss_d_D_B",
        "loss_g_adv",
        "loss_g_cycle",
    }
    assert all(torch.isfinite(torch.tensor(list(x.values()))).all() for x in losses)
    for name, module in players.items():
        assert any(not torch.equal(a, b) for a, b in zip(before[name], module.parameters())), name
    assert set(trainer.state_dict()["players"]) == set(players) and count_hooks(lens) == 0


def test_a_task_made_for_another_g_is_refused(tiny_models, tiny_images):
    from ganlens import models

    lens = GANLens(*tiny_models)
    other = GANLens(*models.build("mlp", dim=2, seed=0))
    with pytest.raises(ValueError, match="another G than this lens's.*lens.task\\(data\\)"):
        Trainer(lens, other.task(tiny_images), OptimConfig(batch_size=4))


def test_a_batch_larger_than_the_dataset_is_warned_about(tiny_models, tiny_images):
    lens = GANLens(*tiny_models)
    with pytest.warns(
        UserWarning, match=r"batch_size 100 is larger than the dataset \(64 images\)"
    ):
        Trainer(lens, lens.task(tiny_images), OptimConfig(batch_size=100))


def test_lazy_r1_applies_every_kth_iteration_weighted_by_k():
    # D is linear, D(x) = x @ (head hidden)^T: R1 = ||head hidden||^2 for every real
    optim = OptimConfig(batch_size=3, r1_gamma=2.0, r1_every=4)
    trainer, _ = make(optim=optim)
    D = trainer.lens.D
    for i in range(9):
        grad = (D.head.weight @ D.hidden.inner.weight).detach()  # before this iteration's update
        expected = 0.5 * 2.0 * 4 * grad.square().sum().item() if i % 4 == 0 else 0.0
        assert trainer.train_step()["loss_d_r1"] == pytest.approx(expected), i
    every, _ = make(optim=optim.replace(r1_every=1))
    assert every.train_step()["loss_d_r1"] == pytest.approx(0.5 * 2.0 * 1.25)
    with pytest.raises(ValueError, match="r1_every must be a positive integer"):
        OptimConfig(r1_every=0)
