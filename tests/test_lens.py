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
    inputs = lens.sample_inputs(3, torch.Generator().manual_seed(0))
    assert inputs.kind == "latent" and inputs.z.shape == (3, 4) and inputs.y is None
    logits, cache = lens.run_with_cache(inputs)
    assert set(cache) == set(lens.hook_names())
    assert cache["D.blocks.1"].shape == (3, 4, 4, 4)
    assert torch.allclose(logits, lens.score(lens.generate(inputs)))
    x = lens.generate(inputs)
    _, cache = lens.run_with_cache(x, names=["D.blocks.0"])
    assert list(cache) == ["D.blocks.0"]
    with pytest.raises(ValueError, match="do not run when D scores images"):
        lens.run_with_cache(x, names=["G.blocks.0"])
    with pytest.raises(ValueError, match="do not run when D scores images"):
        lens.run_with_cache(
            inputs.z, names=["G.blocks.0"]
        )  # latents are never guessed from a shape
    assert count_hooks(lens) == 0


def test_inputs_are_drawn_in_one_order_from_the_generator(tiny_models):
    lens = GANLens(*tiny_models)
    inputs = lens.sample_inputs(4, torch.Generator().manual_seed(5))
    assert torch.equal(inputs.z, lens.sample_latent(4, torch.Generator().manual_seed(5)))
    assert torch.equal(lens.generate(4, torch.Generator().manual_seed(5)), lens.generate(inputs))
    assert len(inputs[1:3]) == 2 and torch.equal(inputs[1:3].z, inputs.z[1:3])


def test_named_players_and_a_cycle_lens(tiny_models):
    G, D = tiny_models
    lens = GANLens(G, D)
    assert list(lens.players) == ["G", "D"] and lens.primary == ("G", "D")
    extra = nn.Linear(2, 2)
    lens.add_player("T", extra)
    assert lens.player("T") is extra and lens.module("T") is extra
    with pytest.raises(ValueError, match="exists already"):
        lens.add_player("T", nn.Linear(2, 2))
    with pytest.raises(ValueError, match="identifiers without dots"):
        lens.add_player("a.b", nn.Linear(2, 2))
    with pytest.raises(ValueError, match="is a GANLens attribute"):
        lens.add_player("score", nn.Linear(2, 2))
    with pytest.raises(KeyError, match="no player 'X'; this lens has players"):
        lens.player("X")
    with pytest.raises(KeyError, match="must start with a player name"):
        lens.module("X.blocks.0")
    G2, D2 = type(G)(), type(D)()
    cycle = GANLens.from_players(
        {"G_AB": G, "G_BA": G2, "D_A": D, "D_B": D2}, generator="G_AB", discriminator="D_B"
    )
    assert cycle.G is G and cycle.D is D2 and cycle.primary == ("G_AB", "D_B")
    assert "D_A.blocks.1" in cycle.hook_names() and "G_BA.blocks.0" in cycle.hook_names()
    logits, cache = cycle.run_with_cache(torch.zeros(2, 1, 8, 8), names=["D_B.blocks.1"])
    assert logits.shape == (2,) and cache["D_B.blocks.1"].shape == (2, 4, 4, 4)
    with pytest.raises(ValueError, match="primary player 'G' is not among"):
        GANLens.from_players({"G_AB": G, "D_B": D2}, generator="G", discriminator="D_B")


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
