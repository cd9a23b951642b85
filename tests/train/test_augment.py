"""ADA-style augmentation: each kind exactly, differentiability, draws independent of p, the p
rule by hand, its state, the config's refusals, and a training run that logs p and resumes."""

from __future__ import annotations

import pytest
import torch

from ganlens import OptimConfig, load_or_train
from ganlens.train.augment import KINDS, Augment, augment

from ..conftest import TINY, trained_and_resumed


def _images(n=6, c=1, side=8):
    return torch.arange(n * c * side * side, dtype=torch.float32).reshape(n, c, side, side)


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_p_zero_is_the_identity_and_p_one_flips_every_image():
    x = _images(c=3)
    assert torch.equal(augment(x, 0.0, _gen()), x)
    assert torch.equal(augment(x, 1.0, _gen(), ["xflip"]), x.flip(-1))


def test_translation_is_an_integer_shift_of_at_most_an_eighth_with_reflected_borders():
    x = _images(n=8, side=16)
    out = augment(x, 1.0, _gen(), ["translate"])
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2), mode="reflect")
    shifts = set()
    for n in range(len(x)):
        found = [
            (dy, dx)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            if torch.equal(out[n], padded[n, :, 2 - dy : 18 - dy, 2 - dx : 18 - dx])
        ]
        assert len(found) == 1
        shifts.add(found[0])
    assert len(shifts) > 1  # drawn per image


def test_cutout_zeroes_one_square_of_at_most_a_quarter_of_the_image():
    x = _images(n=8, side=16) + 1.0  # no zero pixel before
    out = augment(x, 1.0, _gen(), ["cutout"])
    for n in range(len(x)):
        cut = out[n, 0] == 0
        rows, cols = cut.any(1).nonzero(), cut.any(0).nonzero()
        assert 0 < int(cut.sum()) <= 64
        assert int(cut.sum()) == len(rows) * len(cols)  # a rectangle (clipped at the border)
        kept = ~cut
        assert torch.equal(out[n, 0][kept], x[n, 0][kept])


def test_colour_is_an_affine_map_of_each_grey_image():
    x = torch.randn(6, 1, 8, 8, generator=_gen(1))
    out = augment(x, 1.0, _gen(), ["color"])
    for n in range(len(x)):
        a = torch.stack([x[n].flatten(), torch.ones(64)], 1)
        coef = torch.linalg.lstsq(a, out[n].flatten()[:, None]).solution
        torch.testing.assert_close(a @ coef, out[n].flatten()[:, None], atol=1e-5, rtol=1e-5)
        assert not torch.allclose(coef.flatten(), torch.tensor([1.0, 0.0]))


def test_gradients_reach_the_images_and_cutout_blocks_them_where_it_cuts():
    x = (_images(n=4, c=3) + 1.0).requires_grad_(True)
    augment(x, 1.0, _gen(), KINDS).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    y = (_images(n=4) + 1.0).requires_grad_(True)
    out = augment(y, 1.0, _gen(), ["cutout"])
    out.sum().backward()
    assert torch.equal(y.grad == 0, out == 0)


def test_the_draws_do_not_depend_on_p():
    x = _images(c=3)
    a, b = _gen(), _gen()
    augment(x, 0.0, a)
    augment(x, 0.7, b)
    assert torch.equal(a.get_state(), b.get_state())


def test_ada_moves_p_by_the_images_seen_towards_the_target():
    ada = Augment("ada", 0.1, kimg=1.0, interval=2)  # p moves by 1 per 1,000 reals
    for _ in range(2):
        ada.observe(torch.tensor([1.0, 2.0, -1.0, 3.0]))  # r_t = 0.5 < 0.6
        ada.end_iteration()
    assert ada.p == pytest.approx(0.1 - 8 / 1000)
    for _ in range(2):
        ada.observe(torch.ones(100))  # r_t = 1 > 0.6
        ada.end_iteration()
    assert ada.p == pytest.approx(0.1 - 8 / 1000 + 200 / 1000)
    ada.observe(-torch.ones(5000))
    ada.end_iteration()
    state = ada.state_dict()  # mid-interval
    again = Augment("ada", 0.0, kimg=1.0, interval=2)
    again.load_state_dict(state)
    again.end_iteration()
    assert again.p == 0.0  # clamped
    fixed = Augment("fixed", 0.3, interval=1)
    fixed.observe(torch.ones(10))
    fixed.end_iteration()
    assert fixed.p == 0.3


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"augment": "diff"}, "optim.augment must be one of"),
        ({"augment_p": 1.5}, r"optim.augment_p must be in \[0, 1\]"),
        ({"augment_kinds": ("rotate",)}, "optim.augment_kinds must be a non-empty subset"),
        ({"ada_interval": 0}, "optim.ada_interval >= 1"),
    ],
)
def test_bad_augment_settings_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        OptimConfig(**changes)


def test_ada_trains_logs_p_and_resumes_exactly(tmp_path):
    config = TINY.replace(augment="ada", augment_p=0.2, ada_kimg=0.01, ada_interval=1, steps=4)
    full = trained_and_resumed(config, tmp_path)
    p = full.history["augment_p"].iloc[1:]
    assert p.notna().all() and p.nunique() > 1  # it moved
    plain = load_or_train(TINY.replace(steps=4), tmp_path / "plain", progress=False, report=False)
    assert "augment_p" not in plain.history


def test_run_d_scores_the_augmented_images():
    from ganlens import build_lens, load_data
    from ganlens.train.step import Step

    data = load_data(TINY)
    lens = build_lens(TINY, data).eval()
    x = torch.rand(4, 1, 8, 8) * 2 - 1
    step = Step(
        "D",
        0,
        lens,
        lens.task(data),
        TINY.optim,
        _gen(),
        torch.device("cpu"),
        Augment("fixed", 1.0, ["xflip"]),
    )
    with torch.no_grad():
        logits, _ = step.run_D(x)
        torch.testing.assert_close(logits, lens.score(x.flip(-1)))
        assert not torch.allclose(logits, lens.score(x))
