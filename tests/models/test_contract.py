"""What every ganlens model promises the rest of the library (hooks, probes, Captum)."""

import pytest
import torch

from ganlens.hooks import count_hooks, hook_point_names, temporary_hooks
from ganlens.models import MODELS, build

CASES = [
    ("mlp", {"hidden": 8}),
    ("dcgan", {"width": 4}),
    ("sn-dcgan", {"width": 4}),
    ("dcgan", {"width": 4, "n_classes": 3}),
    ("sn-dcgan", {"width": 4, "n_classes": 3}),
]


def _inputs(G, n=3):
    y = torch.arange(n) % G.n_classes if G.n_classes else None
    return G.sample_latent(n, torch.Generator().manual_seed(0)), y


def test_cases_cover_every_model():
    assert {name for name, _ in CASES} == set(MODELS)


@pytest.mark.parametrize("name, kw", CASES)
def test_no_inplace_modules(name, kw):
    for model in build(name, **kw):
        flagged = [n for n, m in model.named_modules() if getattr(m, "inplace", False)]
        assert flagged == []


@pytest.mark.parametrize("name, kw", CASES)
def test_hooked_activations_are_not_modified_later(name, kw):
    # A probe keeps references to hooked outputs; an in-place op further on would change them.
    G, D = build(name, seed=0, **kw)
    z, y = _inputs(G)
    for model, args in ((G, (z, y)), (D, (G(z, y).detach(), y))):
        kept = []

        def keep(mod, args, out, kept=kept):
            kept.append((out, out.clone()))

        modules = dict(model.named_modules())
        pairs = [(modules[n], keep) for n in hook_point_names(model)]
        with temporary_hooks(pairs):
            model(*args).sum().backward()
        assert len(kept) == len(pairs)
        assert all(torch.equal(ref, copy) for ref, copy in kept)
        assert count_hooks(model) == 0


@pytest.mark.parametrize("name, kw", CASES)
def test_d_returns_one_logit_per_example_with_gradients(name, kw):
    G, D = build(name, seed=0, **kw)
    z, y = _inputs(G, n=4)
    x = G(z, y).detach().requires_grad_(True)
    logits = D(x, y)
    assert logits.shape == (4,) and logits.dtype == torch.float32
    (grad,) = torch.autograd.grad(logits.sum(), x)
    assert grad.shape == x.shape and grad.abs().sum() > 0


@pytest.mark.parametrize("name, kw", CASES)
def test_sample_latent_device_and_default_rng(name, kw):
    G, _ = build(name, **kw)
    z = G.sample_latent(2, device="cpu")
    assert z.shape == (2, G.z_dim) and z.device.type == "cpu"
    assert G.sample_latent(0).shape == (0, G.z_dim)
