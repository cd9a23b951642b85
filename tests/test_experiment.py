"""End to end on tiny configs: run directory, resume equality, divergence, bad input."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from ganlens import DataConfig, MethodConfig, count_hooks, load_checkpoint, load_or_train
from ganlens.methods import METHODS, Method
from ganlens.models import DCGANConfig, MLPConfig
from ganlens.train import Callback, TrainingDiverged

from .conftest import TINY


def test_run_directory_contents(tmp_path):
    result = load_or_train(TINY, tmp_path, progress=False)
    run = result.run
    for name in ("config.json", "history.csv", "summary.json", "report.md"):
        assert (tmp_path / name).is_file(), name
    assert [p.name for p in run.checkpoints()] == [f"step_{s:07d}.pt" for s in (2, 4, 6)]
    assert load_checkpoint(tmp_path / "checkpoints" / "start.pt")["step"] == 0
    assert len(run.samples()) == 3
    history = run.read_history()
    assert history["step"].tolist() == [0, 2, 4, 6]
    for col in (
        "real_min",
        "fake_max",
        "real_q25",
        "fake_q75",
        "r_t",
        "di_mean",
        "di_std",
        "loss_d",
    ):
        assert col in history and history[col].iloc[1:].notna().all(), col
    assert result.summary["final_di_pools"] == [64, 64]
    assert count_hooks(result.lens) == 0
    report = (tmp_path / "report.md").read_text()
    assert "figures/realness.png" in report and (tmp_path / "figures" / "realness.png").is_file()


def test_resumed_history_equals_uninterrupted(tmp_path, stop_at):
    full = load_or_train(TINY, tmp_path / "full", progress=False)
    with pytest.raises(KeyboardInterrupt):
        load_or_train(TINY, tmp_path / "cut", callbacks=[stop_at(3)], progress=False)
    assert load_checkpoint(tmp_path / "cut" / "checkpoints" / "step_0000002.pt")["step"] == 2
    resumed = load_or_train(TINY, tmp_path / "cut", progress=False)
    cols = [c for c in full.history.columns if c != "elapsed_s"]
    pd.testing.assert_frame_equal(full.history[cols], resumed.history[cols])
    for a, b in zip(full.lens.parameters(), resumed.lens.parameters()):
        assert torch.equal(a, b)
    assert full.summary["final_di_mean"] == resumed.summary["final_di_mean"]


def test_finished_run_is_loaded_not_retrained(tmp_path):
    first = load_or_train(TINY, tmp_path, progress=False)
    mtime = (tmp_path / "history.csv").stat().st_mtime_ns
    again = load_or_train(TINY, tmp_path, progress=False)
    assert (tmp_path / "history.csv").stat().st_mtime_ns == mtime
    for a, b in zip(first.lens.parameters(), again.lens.parameters()):
        assert torch.equal(a.cpu(), b)


def test_other_config_in_same_directory_is_refused(tmp_path):
    load_or_train(TINY, tmp_path, progress=False)
    with pytest.raises(
        ValueError, match="different config.*optim.loss: 'hinge' -> 'ns'.*only extend"
    ):
        load_or_train(TINY.replace(loss="ns"), tmp_path, progress=False)
    with pytest.raises(FileExistsError, match="--resume"):
        load_or_train(TINY, tmp_path, resume=False, progress=False)


class NanConfig(MethodConfig):
    name = "nan-at-3"


class NanAtStep3(Method):
    name = "nan-at-3"
    Config = NanConfig

    def d_loss(self, step):
        terms = super().d_loss(step)
        return {**terms, "bad": torch.tensor(float("nan"))} if step.index == 2 else terms


def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setitem(METHODS, "nan-at-3", NanAtStep3)
    with pytest.raises(TrainingDiverged, match="diverged at step 3") as info:
        load_or_train(TINY.replace(method=NanConfig()), tmp_path, progress=False)
    assert info.value.step == 3 and "d/bad" in info.value.terms
    ckpts = sorted(p.name for p in (tmp_path / "checkpoints").iterdir())
    assert ckpts == ["start.pt", "step_0000002.pt"]
    assert load_checkpoint(tmp_path / "checkpoints" / ckpts[1])["step"] == 2


def test_wrong_channel_count_for_the_model(tmp_path):
    with pytest.raises(
        ValueError,
        match=r"G makes images of shape \(3, 8, 8\) but the data .mnist5k. are \(1, 8, 8\)",
    ):
        load_or_train(TINY.replace(**{"model.channels": 3}), tmp_path, progress=False)


@pytest.mark.parametrize("loss", ["ns", "wgan", "wgan-gp", "lsgan"])
def test_every_loss_trains_a_step(tmp_path, loss):
    cfg = TINY.replace(loss=loss, steps=2, r1_gamma=1.0 if loss == "ns" else 0.0, ema_beta=0.9)
    result = load_or_train(cfg, tmp_path, progress=False, report=False)
    assert result.history["loss_d"].iloc[-1] == result.history["loss_d"].iloc[-1]  # finite, not NaN
    assert result.G_ema is not None
    if loss == "wgan":
        assert (
            max(p.abs().max().item() for p in result.lens.D.parameters()) <= cfg.optim.clip + 1e-7
        )


def test_lazy_r1_keeps_its_history_column_with_the_mean_applied_penalty(tmp_path):
    cfg = TINY.replace(loss="ns", r1_gamma=1.0, r1_every=4)  # R1 in iterations 0 and 4 of 0-5
    history = load_or_train(cfg, tmp_path, progress=False, report=False).history
    r1 = history["loss_d_r1"]
    assert history["step"].tolist() == [0, 2, 4, 6] and r1.iloc[1:].notna().all()
    assert r1.iloc[1] > 0 and r1.iloc[2] == 0 and r1.iloc[3] > 0  # iterations 0-1, 2-3, 4-5


def test_toy_and_conditional_paths(tmp_path):
    toy = TINY.replace(data=DataConfig("ring8"), model=MLPConfig(), batch_size=32)
    res = load_or_train(toy, tmp_path / "toy", progress=False)
    assert res.history["di_mean"].notna().all()
    cond = TINY.replace(model=DCGANConfig(width=4, n_classes=10))
    res = load_or_train(cond, tmp_path / "cond", progress=False, report=False)
    assert res.lens.n_classes == 10


def test_a_run_directory_of_the_old_format_is_refused_not_misread(tmp_path):
    import json

    flat = {
        "data": "mnist5k",
        "data_kw": {"resolution": 8},
        "model": "sn-dcgan",
        "model_kw": {"width": 4},
        "method": "none",
        "method_kw": {},
        "steps": 6,
    }
    (tmp_path / "config.json").write_text(json.dumps(flat))
    with pytest.raises(
        ValueError, match="config.json: this config was written as a flat TrainConfig"
    ):
        load_or_train(TINY, tmp_path, progress=False)


def test_extending_a_finished_run_continues_it_and_records_the_change(tmp_path):
    import json

    first = load_or_train(TINY, tmp_path, progress=False, report=False)
    longer = load_or_train(TINY.replace(steps=10), tmp_path, progress=False, report=False)
    assert longer.history["step"].tolist() == [0, 2, 4, 6, 8, 10] and longer.summary["steps"] == 10
    pd.testing.assert_frame_equal(
        longer.history.iloc[:4].drop(columns="elapsed_s"), first.history.drop(columns="elapsed_s")
    )
    recorded = json.loads((tmp_path / "changes.json").read_text())
    assert recorded[0]["step"] == 6 and recorded[0]["changes"] == {"optim.steps": [6, 10]}
    from ganlens.report import write_report

    assert (
        "from step 6 " in write_report(tmp_path).read_text()
        and "`optim.steps` 6 → 10" in (tmp_path / "report.md").read_text()
    )
    assert json.loads((tmp_path / "config.json").read_text())["optim"]["steps"] == 10
    with pytest.raises(ValueError, match="at step 10 already; optim.steps=4 would end it"):
        load_or_train(TINY.replace(steps=4), tmp_path, progress=False)


def test_new_learning_rates_on_resume_need_override_and_are_recorded(tmp_path, stop_at):
    import json

    with pytest.raises(KeyboardInterrupt):
        load_or_train(TINY, tmp_path, callbacks=[stop_at(3)], progress=False, report=False)
    slower = TINY.replace(lr_d=1e-5, lr_g=1e-5)
    with pytest.raises(ValueError, match=r"optim.lr_d: 0.0002 -> 1e-05.*--resume --override"):
        load_or_train(slower, tmp_path, progress=False)
    seen = []

    class Rates(Callback):
        def on_start(self, state):
            seen.append(state.training_state()["optimizers"]["D"]["param_groups"][0]["lr"])

    result = load_or_train(
        slower, tmp_path, override=True, callbacks=[Rates()], progress=False, report=False
    )
    assert result.summary["steps"] == 6 and seen == [1e-5]  # the new rate, not the checkpoint's
    change = json.loads((tmp_path / "changes.json").read_text())[0]
    assert change["step"] == 2 and set(change["changes"]) == {"optim.lr_g", "optim.lr_d"}


def test_a_cut_or_deleted_history_is_refused_not_resumed_with_a_gap(tmp_path, stop_at):
    with pytest.raises(KeyboardInterrupt):
        load_or_train(TINY, tmp_path, callbacks=[stop_at(5)], progress=False, report=False)
    history = tmp_path / "history.csv"
    full = history.read_text()
    history.write_text("\n".join(full.splitlines()[:2]) + "\n")  # header + the step-0 row
    with pytest.raises(
        ValueError, match=r"history.csv has no rows for steps 2, 4 \(the checkpoint is at step 4\)"
    ):
        load_or_train(TINY, tmp_path, progress=False)
    history.unlink()
    with pytest.raises(
        ValueError, match="history.csv is missing or empty, but the run is at step 4"
    ):
        load_or_train(TINY, tmp_path, progress=False)
    history.write_text(full)
    assert load_or_train(TINY, tmp_path, progress=False, report=False).summary["steps"] == 6


def test_an_early_failure_leaves_no_directory_behind(tmp_path):
    target = tmp_path / "run"
    with pytest.raises(ValueError, match="CUDA is not available"):
        load_or_train(TINY.replace(device="cuda"), target, progress=False)
    assert not target.exists()
    with pytest.raises(ValueError, match=r"G makes images of shape \(3, 8, 8\)"):
        load_or_train(TINY.replace(**{"model.channels": 3}), target, progress=False)
    assert not target.exists()
    load_or_train(TINY.replace(steps=2), target, progress=False, report=False)  # the retry works
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file; the output must be a directory"):
        load_or_train(TINY, tmp_path / "file", progress=False)


def test_divergence_names_the_step_and_the_checkpoint_kept(tmp_path):
    with pytest.raises(
        TrainingDiverged,
        match=r"diverged at step 3: the D loss is .*beyond 100 for 3 "
        r"iterations.*newest checkpoint is .*step_0000002.pt",
    ):
        load_or_train(
            TINY.replace(steps=40, lr_d=1e3, lr_g=1e3, diverge_at=100.0, diverge_patience=3),
            tmp_path,
            progress=False,
        )
