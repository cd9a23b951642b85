"""The 2-D MLP pair."""

import pytest
import torch

from ganlens.hooks import hook_point_names
from ganlens.models import build


def test_shapes_attributes_and_hooks():
    G, D = build("mlp", seed=0, hidden=16, depth=2)
    z = G.sample_latent(5, torch.Generator().manual_seed(0))
    assert z.shape == (5, 8)
    x = G(z)
    assert x.shape == (5, 2)
    assert D(x).shape == (5,) and D(x[:1]).shape == (1,)
    assert (G.z_dim, G.dim, G.n_classes, G.channels, G.resolution) == (8, 2, 0, None, None)
    assert (D.dim, D.n_classes) == (2, 0)
    assert hook_point_names(G) == ["blocks.0", "blocks.1", "out"]
    assert hook_point_names(D) == ["blocks.0", "blocks.1", "features", "logit_map"]


def test_generator_output_is_not_squashed():
    G, _ = build("mlp", seed=0, hidden=8, depth=1)
    with torch.no_grad():
        G.out.inner.bias.fill_(5.0)
    assert G(G.sample_latent(3)).min() > 1


def test_parameter_count():
    G, D = build("mlp", dim=3, z_dim=4, hidden=10, depth=2)
    assert sum(p.numel() for p in G.parameters()) == (4 * 10 + 10) + (10 * 10 + 10) + (10 * 3 + 3)
    assert sum(p.numel() for p in D.parameters()) == (3 * 10 + 10) + (10 * 10 + 10) + (10 + 1)


def test_errors():
    G, D = build("mlp", hidden=8)
    with pytest.raises(ValueError, match=r"built for 2-D points, shape \(N, 2\), got \(4, 3\)"):
        D(torch.zeros(4, 3))
    with pytest.raises(ValueError, match="D is unconditional"):
        D(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="G is unconditional"):
        G(torch.zeros(4, 8), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match=r"latents of shape \(N, 8\), got \(4, 2\)"):
        G(torch.zeros(4, 2))
