"""EqGAN-SA as a Method: setup, the alignment term in the G step, training, resume, loading."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from ganlens import (
    DataConfig,
    EqGANSAConfig,
    ExperimentConfig,
    OptimConfig,
    TrackConfig,
    build,
    build_lens,
    count_hooks,
    load_data,
    load_or_train,
)
from ganlens.experiment import load_lens
from ganlens.methods import EqGANSA, get_method
from ganlens.methods.eqgan_sa import SpatialGenerator, alignment_layers
from ganlens.models import DCGANConfig, build_players
from ganlens.papers.eqgan_sa import VARIANTS
from ganlens.train import Trainer

CFG = ExperimentConfig(
    data=DataConfig("mnist5k", resolution=32),
    model=DCGANConfig("sn-dcgan", width=4),
    optim=OptimConfig(loss="hinge", steps=4, batch_size=8),
    track=TrackConfig(
        log_every=2,
        ckpt_every=2,
        sample_every=2,
        track_pool=32,
        di_repeats=10,
        final_pool=32,
        keep_checkpoints=10,
    ),
    method=EqGANSAConfig(),
    seed=3,
)


@pytest.fixture(scope="module")
def data():
    return load_data(CFG)


def _trainer(data, **options):
    lens, method = build(CFG.replace(method=EqGANSAConfig(**options)), data)
    return Trainer(lens, lens.task(data), CFG.optim, method, seed=CFG.seed)


def _g_batch_terms(trainer):
    """The G phase's loss terms, computed as the trainer does, without applying them."""
    terms = {}
    trainer._apply = lambda opt, t, phase: terms.update(t)
    trainer.run_phase("G")
    return terms


def test_build_wraps_g_once_and_finds_the_4_8_16_layers(data):
    lens, method = build(CFG, data)
    assert isinstance(lens.G, SpatialGenerator)
    assert method.layers == alignment_layers(lens) == ["D.blocks.2", "D.blocks.1", "D.blocks.0"]
    with pytest.raises(ValueError, match="extends a ganlens ConvGenerator"):
        EqGANSA(EqGANSAConfig(encoding="sel_concat")).build(lens, 0)  # G carries SELs already
    with pytest.raises(ValueError, match="no hook point with a 16x16"):
        small = CFG.replace(**{"data.resolution": 16})
        build_lens(small, load_data(small))
    toy = CFG.replace(data=DataConfig("ring8"), model="mlp")
    with pytest.raises(
        ValueError, match="cannot train mlp: EqGAN-SA extends a ganlens ConvGenerator"
    ):
        build(toy, load_data(toy))


def test_method_modules_are_initialised_from_the_seed(data):
    a, b = build_lens(CFG, data), build_lens(CFG, data)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    c = build_lens(CFG.replace(seed=4), data)
    plain = build_players(CFG.model.resolved(channels=1, resolution=32), seed=3)["G"]
    assert all(
        torch.equal(p, q) for p, q in zip(plain.blocks.parameters(), a.G.blocks.parameters())
    )
    assert not torch.equal(a.G.sel[0].inner.embed.weight, c.G.sel[0].inner.embed.weight)


def test_align_terms_are_logged_and_train_g_not_d(data):
    trainer = _trainer(data)
    terms = _g_batch_terms(trainer)
    assert set(terms) == {"adv", "align_4x4", "align_8x8", "align_16x16"}
    align = sum(v for k, v in terms.items() if k.startswith("align"))
    assert align.item() > 0
    g_grads = torch.autograd.grad(
        align, [p for p in trainer.lens.G.parameters()], allow_unused=True, retain_graph=True
    )
    assert sum(float(g.abs().sum()) for g in g_grads if g is not None) > 0
    assert all(p.requires_grad for p in trainer.lens.D.parameters())  # D is unfrozen again
    assert count_hooks(trainer.lens) == 0


def test_d_parameters_are_not_changed_by_the_g_step(data):
    trainer = _trainer(data)
    before = [p.detach().clone() for p in trainer.lens.D.parameters()]
    trainer.run_phase("G")
    assert all(torch.equal(a, b) for a, b in zip(before, trainer.lens.D.parameters()))
    assert all(p.grad is None for p in trainer.lens.D.parameters())


def test_shared_pass_equals_the_probe_pass(data):
    shared = _trainer(data)
    probe = _trainer(data, cam_pass="probe")
    a, b = _g_batch_terms(shared), _g_batch_terms(probe)
    for key in ("align_4x4", "align_8x8", "align_16x16"):
        assert a[key].item() == pytest.approx(b[key].item(), rel=1e-4), key


def test_second_order_changes_the_gradient_to_g(data):
    grads = {}
    for second in (False, True):
        trainer = _trainer(data, second_order=second)
        terms = _g_batch_terms(trainer)
        align = sum(v for k, v in terms.items() if k.startswith("align"))
        w = trainer.lens.G.stem.inner.linear.weight
        grads[second] = torch.autograd.grad(align, w)[0]
    assert grads[True].abs().sum() > 0 and grads[False].abs().sum() > 0
    assert not torch.allclose(grads[True], grads[False])


def test_no_align_adds_no_terms(data):
    assert set(_g_batch_terms(_trainer(data, align=False))) == {"adv"}


@pytest.mark.slow
@pytest.mark.parametrize("row", [r for r in VARIANTS if r != "baseline"])
def test_each_table_variant_trains(row, tmp_path, data):
    cfg = CFG.replace(method=VARIANTS[row], steps=2)
    result = load_or_train(cfg, tmp_path, progress=False, report=False)
    history = result.history
    align_cols = [c for c in history if c.startswith("loss_g_align")]
    assert len(align_cols) == (3 if VARIANTS[row].align else 0)
    finite = history[["loss_d", "loss_g", "di_mean", *align_cols]].iloc[1:]
    assert finite.notna().all().all() and torch.isfinite(torch.tensor(finite.values)).all()
    assert count_hooks(result.lens) == 0


def test_resume_equals_uninterrupted_and_checkpoints_load(tmp_path, data, stop_at):
    full = load_or_train(CFG, tmp_path / "full", progress=False, report=False)
    with pytest.raises(KeyboardInterrupt):
        load_or_train(CFG, tmp_path / "cut", callbacks=[stop_at(3)], progress=False, report=False)
    resumed = load_or_train(CFG, tmp_path / "cut", progress=False, report=False)
    cols = [c for c in full.history.columns if c != "elapsed_s"]
    pd.testing.assert_frame_equal(full.history[cols], resumed.history[cols])
    lens = load_lens(tmp_path / "full", data=data)
    assert isinstance(lens.G, SpatialGenerator)
    assert all(torch.equal(a, b) for a, b in zip(lens.parameters(), full.lens.parameters()))


def test_a_plain_run_refuses_an_eqgan_sa_checkpoint(tmp_path, data):
    load_or_train(CFG.replace(steps=2), tmp_path, progress=False, report=False)
    from ganlens.checkpoints import load_checkpoint, load_players_into

    plain = build_lens(CFG.replace(method="none"), data)
    ckpt = max((tmp_path / "checkpoints").glob("step_*.pt"))
    with pytest.raises(ValueError, match="eqgan_sa"):
        load_players_into(plain, load_checkpoint(ckpt), ckpt)


def test_bad_method_options_are_clear():
    with pytest.raises(ValueError, match="has no option lambda_align; its options are encoding"):
        get_method("eqgan-sa", lambda_align=1.0)
    with pytest.raises(ValueError, match="takes a EqGANSAConfig, got MethodConfig"):
        EqGANSA(CFG.method.__class__.__mro__[1]())
