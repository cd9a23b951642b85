"""GANLens: names, score shape, caches, temporary hooks, foreign models."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ganlens import GANLens, count_hooks


def test_hook_names_of_hand_made_models(tiny_models):
    lens = GANLens(*tiny_models)
    assert lens.hook_names() == ["G.blocks.0", "G.blocks.1", "D.blocks.0", "D.blocks.1"]
    assert isinstance(lens.module("D.blocks.1"), nn.Module)


def test_score_is_one_logit_per_image(tiny_models):
    lens = GANLens(*tiny_models)
    x = lens.generate(5, generator=torch.Generator().manual_seed(0))
    assert x.shape == (5, 1, 8, 8)
    assert lens.score(x).shape == (5,)
    assert lens.score(x[:1]).shape == (1,)


def test_run_with_cache_game_and_d_only(tiny_models):
    lens = GANLens(*tiny_models)
    z = lens.sample_latent(3, torch.Generator().manual_seed(0))
    logits, cache = lens.run_with_cache(z)
    assert set(cache) == set(lens.hook_names())
    assert cache["D.blocks.1"].shape == (3, 4, 4, 4)
    assert torch.allclose(logits, lens.score(lens.generate(z=z)))
    x = lens.generate(z=z)
    _, cache = lens.run_with_cache(x, names=["D.blocks.0"])
    assert list(cache) == ["D.blocks.0"]
    with pytest.raises(ValueError, match="need a latent batch"):
        lens.run_with_cache(x, names=["G.blocks.0"])
    assert count_hooks(lens) == 0


def test_hooks_are_temporary_even_after_an_exception(tiny_models):
    lens = GANLens(*tiny_models)
    seen = []
    with lens.hooks([("D.blocks.0", lambda m, i, o: seen.append(o.shape))]):
        assert count_hooks(lens) == 1
        lens.score(torch.zeros(2, 1, 8, 8))
    assert seen == [torch.Size([2, 4, 8, 8])]
    assert count_hooks(lens) == 0
    with pytest.raises(RuntimeError, match="boom"):
        with lens.hooks([("D.blocks.0", lambda m, i, o: None)]):
            raise RuntimeError("boom")
    assert count_hooks(lens) == 0


def test_hooks_can_edit_activations(tiny_models):
    lens = GANLens(*tiny_models)
    x = torch.randn(2, 1, 8, 8)
    with lens.hooks([("D.blocks.1", lambda m, i, o: torch.zeros_like(o))]):
        zeroed = lens.score(x)
    assert torch.allclose(zeroed, lens.D.head.bias.expand(2))


def test_unknown_name_suggests_close_matches(tiny_models):
    lens = GANLens(*tiny_models)
    with pytest.raises(KeyError, match="did you mean"):
        lens.module("D.block.1")
    with pytest.raises(KeyError, match="must start with"):
        lens.module("blocks.1")


class ForeignD(nn.Module):
    """A model ganlens did not build: no hook points, returns (N, 1) or patches."""

    def __init__(self, patch: bool = False) -> None:
        super().__init__()
        self.layer3 = nn.Conv2d(1, 2, 3, padding=1)
        self.patch = patch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.layer3(x)
        return h[:, :1] if self.patch else h.mean(dim=(1, 2, 3)).unsqueeze(1)


def test_foreign_models_are_addressable_and_checked(tiny_models):
    G, _ = tiny_models
    lens = GANLens(G, ForeignD())
    assert "D.layer3" in lens.module_names()
    x = torch.randn(4, 1, 8, 8)
    assert lens.score(x).shape == (4,)  # (N, 1) is squeezed
    _, cache = lens.run_with_cache(x, names=["D.layer3"])
    assert cache["D.layer3"].shape == (4, 2, 8, 8)
    patch = GANLens(G, ForeignD(patch=True))
    with pytest.raises(ValueError, match=r"D returned shape \(4, 1, 8, 8\).*reduce='mean'"):
        patch.score(x)
    reduced = GANLens(G, ForeignD(patch=True), reduce="mean").score(x)
    assert reduced.shape == (4,)


def test_d_returning_a_tuple_is_refused(tiny_models):
    class TupleD(nn.Module):
        def forward(self, x):
            return x.mean(), x

    with pytest.raises(ValueError, match="one logit per image"):
        GANLens(tiny_models[0], TupleD()).score(torch.zeros(2, 1, 8, 8))
