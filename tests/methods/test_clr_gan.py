"""CLR-GAN as a Method: hand-computed loss values, which player each term reaches, the linear head,
training with its columns in the history, resuming, and refusals."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ganlens import CLRGANConfig, GANLens, OptimConfig
from ganlens.data import Batch
from ganlens.hooks import HookPoint
from ganlens.methods import CLRGAN, get_method
from ganlens.methods.clr_gan import distance
from ganlens.methods.clr_gan.method import HEAD
from ganlens.tasks import GInputs, Task
from ganlens.train import Trainer
from ganlens.train.step import Step

from ..conftest import TINY, trained_and_resumed

REAL = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
Z = torch.tensor([[1.0, 0.0], [-2.0, 1.0], [0.5, -0.5]])
W_G = torch.tensor([[2.0, 0.0], [1.0, -1.0]])  # G(z) = z @ W_G.T
W_D = torch.tensor([[0.5, 1.0], [0.0, 2.0]])  # phi(x) = x @ W_D.T; logit = sum(phi)


class LinG(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.z_dim, self.n_classes = 2, 0
        self.lin = HookPoint(nn.Linear(2, 2, bias=False))
        with torch.no_grad():
            self.lin.inner.weight.copy_(W_G)

    def forward(self, z):
        return self.lin(z)


class LinD(nn.Module):
    def __init__(self, features: int = 2) -> None:
        super().__init__()
        self.hidden = nn.Linear(2, features, bias=False)
        self.features = HookPoint()
        with torch.no_grad():
            self.hidden.weight.copy_(W_D if features == 2 else torch.ones(features, 2))

    def forward(self, x):
        return self.features(self.hidden(x)).sum(1)


class FixedTask(Task):
    """Reals REAL and latents Z on every draw."""

    kind = "fixed"

    def __init__(self) -> None:
        super().__init__(data=None)

    def real(self, n, generator, device):
        return Batch(REAL.clone(), None, torch.tensor([0, 1, 2]))

    def inputs(self, n, generator, device, real=None):
        return GInputs.latent(Z.clone())


def _trainer(features: int = 2, **options) -> Trainer:
    lens = GANLens(LinG(), LinD(features))
    method = CLRGAN(CLRGANConfig(**options))
    method.build(lens, 0)
    return Trainer(lens, FixedTask(), OptimConfig(loss="hinge", batch_size=3), method)


def _step(trainer: Trainer, phase: str) -> Step:
    """A step built by hand, outside the trainer's freezing: gradients show the method's own
    stop-gradient structure."""
    return Step(
        phase, 0, trainer.lens, trainer.task, trainer.optim, torch.Generator(), torch.device("cpu")
    )


def test_d_phase_term_by_hand():
    terms = _trainer().run_phase("D")
    phi_fake = Z @ W_G.T @ W_D.T
    assert terms["clr"].item() == pytest.approx(5.0 * ((phi_fake - Z) ** 2).mean().item())
    assert set(terms) == {"adv", "clr"}


def test_g_phase_term_by_hand_and_the_papers_l1():
    rebuilt = REAL @ W_D.T @ W_G.T  # G(phi(x_real))
    mse = _trainer().run_phase("G")["rec"].item()
    l1 = _trainer(distance="l1").run_phase("G")["rec"].item()
    assert mse == pytest.approx(0.5 * ((rebuilt - REAL) ** 2).mean().item())
    assert l1 == pytest.approx(0.5 * (rebuilt - REAL).abs().mean().item())
    assert mse != pytest.approx(l1)


def test_clr_reaches_d_only_and_its_gradient_is_the_hand_one():
    trainer = _trainer()
    terms = CLRGAN.d_loss(trainer.method, _step(trainer, "D"))
    w_g, w_d = trainer.lens.G.lin.inner.weight, trainer.lens.D.hidden.weight
    g_grad, d_grad = torch.autograd.grad(terms["clr"], [w_g, w_d], allow_unused=True)
    assert g_grad is None  # G's images are detached in the D phase
    x = Z @ W_G.T
    residual = x @ W_D.T - Z  # d/dW_D of 5 * mean(residual^2) = 5 * 2 / numel * residual^T x
    torch.testing.assert_close(d_grad, 5.0 * 2 / residual.numel() * residual.T @ x)


def test_rec_reaches_g_only_and_its_gradient_is_the_hand_one():
    trainer = _trainer()
    terms = CLRGAN.g_loss(trainer.method, _step(trainer, "G"))
    w_g, w_d = trainer.lens.G.lin.inner.weight, trainer.lens.D.hidden.weight
    g_grad, d_grad = torch.autograd.grad(terms["rec"], [w_g, w_d], allow_unused=True)
    assert d_grad is None  # phi(x_real) is a constant for G
    phi = REAL @ W_D.T
    residual = phi @ W_G.T - REAL
    torch.testing.assert_close(g_grad, 0.5 * 2 / residual.numel() * residual.T @ phi)


def test_zero_weights_drop_their_terms():
    assert set(_trainer(lambda1=0.0).run_phase("D")) == {"adv"}
    assert set(_trainer(lambda2=0.0).run_phase("G")) == {"adv"}


def test_a_feature_of_another_size_gets_a_linear_head_trained_with_d():
    trainer = _trainer(features=5)
    head = trainer.lens.player(HEAD)
    assert (head.in_features, head.out_features) == (5, 2)
    in_d = {id(p) for g in trainer.optimizers["D"].param_groups for p in g["params"]}
    assert id(head.weight) in in_d
    before = head.weight.detach().clone()
    trainer.run_phase("G")
    assert torch.equal(before, head.weight)  # frozen in the G phase
    trainer.run_phase("D")
    assert not torch.equal(before, head.weight)
    assert HEAD not in _trainer().lens.players  # sizes agree: phi is the feature itself


def test_distance_and_config_refusals():
    a, b = torch.tensor([1.0, -1.0]), torch.tensor([0.0, 1.0])
    assert distance(a, b, "mse").item() == pytest.approx(2.5)
    assert distance(a, b, "l1").item() == pytest.approx(1.5)
    with pytest.raises(ValueError, match="unknown distance 'l2'"):
        CLRGANConfig(distance="l2")
    with pytest.raises(ValueError, match="lambda1 must be >= 0"):
        CLRGANConfig(lambda1=-1)
    with pytest.raises(ValueError, match="feature must name a hook point of D"):
        CLRGANConfig(feature="G.stem")
    with pytest.raises(RuntimeError, match="needs build"):
        CLRGAN().phases(OptimConfig())


def test_a_d_without_the_feature_is_refused_in_one_line():
    class NoFeatures(nn.Module):
        def forward(self, x):
            return x.sum(1)

    lens = GANLens(LinG(), NoFeatures())
    reason = CLRGAN().supports(lens)
    assert "D.features" in reason and "CLRGANConfig(feature=" in reason


def test_trains_logs_its_terms_and_resumes(tmp_path):
    config = TINY.replace(method=get_method("clr-gan").config, steps=4)
    full = trained_and_resumed(config, tmp_path)
    assert {"loss_d_clr", "loss_g_rec"} <= set(full.history.columns)
    assert full.history[["loss_d_clr", "loss_g_rec"]].iloc[1:].notna().all().all()
    assert HEAD in full.lens.players  # SN-DCGAN's features (128 w) differ from z_dim


class CondG(LinG):
    """G(z, y) = z @ W_G.T + y: the label shifts every pixel."""

    def __init__(self) -> None:
        super().__init__()
        self.n_classes = 3

    def forward(self, z, y):
        return self.lin(z) + y.float()[:, None]


class CondD(LinD):
    def forward(self, x, y=None):
        return super().forward(x)


class LabelledTask(FixedTask):
    def real(self, n, generator, device):
        return Batch(REAL.clone(), torch.tensor([2, 0, 1]), torch.tensor([0, 1, 2]))

    def inputs(self, n, generator, device, real=None):
        return GInputs.latent(Z.clone(), torch.tensor([0, 0, 0]))


def test_conditional_reconstruction_uses_the_real_images_labels():
    lens, method = GANLens(CondG(), CondD()), CLRGAN()
    method.build(lens, 0)
    trainer = Trainer(lens, LabelledTask(), OptimConfig(loss="hinge", batch_size=3), method)
    rebuilt = REAL @ W_D.T @ W_G.T + torch.tensor([[2.0], [0.0], [1.0]])
    rec = trainer.run_phase("G")["rec"].item()
    assert rec == pytest.approx(0.5 * ((rebuilt - REAL) ** 2).mean().item())
