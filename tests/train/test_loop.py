"""fit and its callbacks, the step's lazy draws, frozen, and the EMA, on tiny players."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ganlens import GANLens, OptimConfig, fit
from ganlens.train import Callback, Step, frozen
from ganlens.train.ema import make_ema, update_ema


class Recorder(Callback):
    def __init__(self) -> None:
        self.events = []

    def on_start(self, state):
        self.events.append(("start", state.step, dict(state.losses)))

    def on_step(self, state):
        self.events.append(("step", state.step, sorted(state.losses)))
        assert state.lens is not None and state.data is not None and state.steps == 3
        assert state.sampling_G is state.lens.G  # no EMA in this run

    def on_end(self, state):
        self.events.append(("end", state.step, state.last))


def test_fit_calls_callbacks_with_the_lens_data_and_step(tiny_models, tiny_images):
    rec = Recorder()
    trainer = fit(
        GANLens(*tiny_models),
        tiny_images,
        OptimConfig(steps=3, batch_size=4),
        [rec],
        progress=False,
    )
    assert rec.events[0] == ("start", 0, {})
    assert [e[:2] for e in rec.events[1:4]] == [("step", 1), ("step", 2), ("step", 3)]
    assert rec.events[1][2] == ["loss_d", "loss_g"]
    assert rec.events[-1] == ("end", 3, True)
    assert trainer.step == 3 and trainer.images_seen == 12


def test_training_state_of_a_callback_resumes_the_run(tiny_models, tiny_images):
    import copy

    class Keep(Callback):
        def on_step(self, state):
            if state.step == 2:
                self.state = copy.deepcopy(state.training_state())

    keep, optim = Keep(), OptimConfig(steps=4, batch_size=4)
    lenses = [GANLens(*copy.deepcopy(tiny_models)) for _ in range(2)]
    full = fit(lenses[0], tiny_images, optim, [keep], progress=False, seed=3)
    resumed = fit(lenses[1], tiny_images, optim, resume_state=keep.state, progress=False, seed=3)
    assert resumed.step == 4
    for a, b in zip(full.lens.parameters(), resumed.lens.parameters()):
        assert torch.equal(a, b)


def test_step_draws_reals_then_inputs_in_the_order_they_are_read(tiny_models, tiny_images):
    lens = GANLens(*tiny_models)
    task = lens.task(tiny_images)
    optim = OptimConfig(batch_size=4)

    def step(seed):
        return Step(
            "D", 0, lens, task, optim, torch.Generator().manual_seed(seed), torch.device("cpu")
        )

    a = step(0)
    real, inputs = a.real, a.g_inputs
    assert a.real is real and a.g_inputs is inputs  # drawn once per phase
    g = torch.Generator().manual_seed(0)
    assert torch.equal(real.index, tiny_images.draw(4, g).index)
    assert torch.equal(inputs.z, torch.randn(4, 4, generator=g))
    b = step(0)
    assert torch.equal(b.g_inputs.z, torch.randn(4, 4, generator=torch.Generator().manual_seed(0)))
    assert b._real is None  # reading only the inputs drew no reals: the latents come first


def test_frozen_restores_flags_even_after_an_error():
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    net[1].weight.requires_grad_(False)
    with pytest.raises(RuntimeError, match="boom"):
        with frozen(net):
            assert not any(p.requires_grad for p in net.parameters())
            raise RuntimeError("boom")
    assert [p.requires_grad for p in net.parameters()] == [True, True, False, True]


def test_ema_by_hand():
    model = nn.Linear(1, 1, bias=False)
    ema = make_ema(model)
    assert not any(p.requires_grad for p in ema.parameters())
    with torch.no_grad():
        model.weight.fill_(1.0)
        ema.weight.fill_(0.0)
    update_ema(ema, model, beta=0.9)
    assert ema.weight.item() == pytest.approx(0.1)
    update_ema(ema, model, beta=0.9)
    assert ema.weight.item() == pytest.approx(0.19)
