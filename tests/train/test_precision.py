"""bf16 autocast and channels-last training: what is bf16, what stays float32, and parity."""

from __future__ import annotations

import pytest
import torch

import ganlens as gl
from ganlens.train import Trainer, precision
from ganlens.train.step import Step


def _trainer(precision: str = "fp32", channels_last: bool = False, **changes) -> Trainer:
    config = gl.get_preset("demo", "smoke").replace(
        device="cpu", precision=precision, channels_last=channels_last, **changes
    )
    data = gl.load_data(config)
    lens, method = gl.build(config, data)
    return Trainer(lens, lens.task(data), config.optim, method, seed=0)


def test_precision_is_checked():
    with pytest.raises(
        ValueError, match=r"optim.precision must be one of \('fp32', 'bf16', 'auto'\)"
    ):
        gl.OptimConfig(precision="fp16")
    with pytest.raises(ValueError, match="optim.channels_last must be true, false or 'auto'"):
        gl.OptimConfig(channels_last="yes")


def test_bf16_runs_convolutions_in_bf16_and_keeps_float32_state():
    t = _trainer("bf16")
    seen = []
    hook = t.lens.D.blocks[0].register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    step = Step("D", 0, t.lens, t.task, t.optim, torch.Generator().manual_seed(0), t.device)
    with t.autocast():
        fake = step.run_G()
        logits, _ = step.run_D(fake)
    hook.remove()
    assert seen == [torch.bfloat16]  # the convolutions ran in bf16
    assert fake.dtype == torch.float32 and logits.dtype == torch.float32  # what losses see
    for _ in range(3):
        losses = t.train_step()
    assert all(isinstance(v, float) for v in losses.values())
    params = [p for m in t.lens.players.values() for p in m.parameters()]
    assert all(p.dtype == torch.float32 for p in params)
    states = [s for opt in t.optimizers.values() for s in opt.state.values()]
    assert states and all(s["exp_avg"].dtype == torch.float32 for s in states)


def test_fp32_is_the_default_and_unchanged_by_autocast_context():
    a, b = _trainer(), _trainer()
    with torch.no_grad():
        assert a.optim.precision == "fp32"
    la = [a.train_step() for _ in range(3)]
    lb = []
    for _ in range(3):
        with torch.autocast("cpu", dtype=torch.bfloat16):  # an outer autocast is switched off
            lb.append(b.train_step())
    assert la == lb


def test_bf16_first_losses_match_fp32_to_bf16_rounding():
    fp32 = _trainer("fp32").train_step()
    bf16 = _trainer("bf16").train_step()
    for key, value in fp32.items():
        assert bf16[key] == pytest.approx(value, rel=0.03, abs=0.02), key


def test_channels_last_weights_and_same_numbers():
    a, b = _trainer("fp32"), _trainer("fp32", channels_last=True)
    conv = next(m for m in b.lens.D.modules() if isinstance(m, torch.nn.Conv2d))
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    la, lb = a.train_step(), b.train_step()
    for key in la:
        assert lb[key] == pytest.approx(la[key], rel=1e-4, abs=1e-5), key


def test_bf16_eqgan_sa_alignment_maps_are_float32():
    t = _trainer("bf16", method="eqgan-sa")
    losses = [t.train_step() for _ in range(2)][-1]
    assert {"loss_g_align_4x4", "loss_g_align_8x8", "loss_g_align_16x16"} <= set(losses)
    assert all(torch.isfinite(torch.tensor(v)) for v in losses.values())


@pytest.mark.parametrize("native", [True, False])
def test_auto_picks_bf16_only_where_it_is_native(monkeypatch, native):
    monkeypatch.setattr(precision, "native_bf16", lambda device: native)
    t = _trainer("auto", channels_last="auto")
    assert (t.precision, t.channels_last) == (("bf16", True) if native else ("fp32", False))
    convs = [m for m in t.lens.D.modules() if isinstance(m, torch.nn.Conv2d) and m.in_channels > 1]
    assert convs[0].weight.is_contiguous(memory_format=torch.channels_last) is native
    explicit = _trainer("bf16", channels_last="auto")  # an explicit precision is obeyed
    assert (explicit.precision, explicit.channels_last) == ("bf16", True)


def test_native_bf16_reads_the_cpu_flags(monkeypatch):
    cpu = torch.device("cpu")
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False, raising=False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False, raising=False)
    assert precision.native_bf16(cpu) is False
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True, raising=False)
    assert precision.native_bf16(cpu) is True
    monkeypatch.delattr(torch.cpu, "_is_amx_tile_supported")
    monkeypatch.delattr(torch.cpu, "_is_avx512_bf16_supported")
    assert precision.native_bf16(cpu) is False  # a torch without the helpers: fp32
    assert precision.native_bf16(torch.device("meta")) is False


def test_a_run_records_the_precision_it_resolved_to(tmp_path, monkeypatch):
    monkeypatch.setattr(precision, "native_bf16", lambda device: False)
    config = gl.get_preset("demo", "smoke").replace(
        device="cpu", precision="auto", channels_last="auto", steps=2
    )
    result = gl.load_or_train(config, tmp_path / "run", progress=False, report=False)
    assert (result.summary["precision"], result.summary["channels_last"]) == ("fp32", False)
