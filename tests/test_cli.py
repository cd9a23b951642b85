"""The ganlens command: demo, train, report, notebooks, help, --version; errors as one line."""

from __future__ import annotations

import importlib
import os
import pickle
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ganlens
from ganlens import experiment
from ganlens.cli import build_parser, main, missing_extra, one_line
from ganlens.presets import get_preset, preset_names


def test_demo_smoke_writes_a_report(tmp_path, capsys):
    assert main(["demo", "--scale", "smoke", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "final DI = " in out and "±" in out
    assert (tmp_path / "report.md").is_file()
    assert (tmp_path / "figures" / "di.png").is_file()


def test_train_resume_flag_and_report(tmp_path, capsys):
    args = [
        "train",
        "--preset",
        "toy-ring8",
        "--scale",
        "smoke",
        "--out",
        str(tmp_path),
        "--no-progress",
    ]
    assert main(args) == 0
    assert main(args) == 2
    assert "--resume" in capsys.readouterr().err
    assert main([*args, "--resume"]) == 0
    (tmp_path / "report.md").unlink()
    assert main(["report", str(tmp_path)]) == 0
    assert (tmp_path / "report.md").is_file()


def test_bad_input_is_one_line_not_a_traceback(tmp_path, capsys):
    assert main(["train", "--preset", "nope", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown preset 'nope'" in err and "Traceback" not in err
    assert main(["train", "--preset", "demo", "--out", str(tmp_path), "--set", "stpes=3"]) == 2
    assert "unknown config key 'stpes'" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "missing")]) == 2


def test_module_entry_point_help():
    out = subprocess.run(
        [sys.executable, "-m", "ganlens.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0 and "demo" in out.stdout and "train" in out.stdout


# --- issue 12: the CLI and its errors -------------------------------------------------------

RING = ["train", "--preset", "toy-ring8", "--scale", "smoke", "--no-progress"]


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("ganlens: error: ") and "Traceback" not in err
    return lines[0]


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"ganlens {ganlens.__version__}"


def test_every_help_has_a_description_and_an_example_in_plain_text():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse has no public API for it
    assert set(commands) >= {
        "demo",
        "train",
        "report",
        "presets",
        "notebooks",
        "reproduce",
        "fetch-inception",
    }
    for text in [parser.format_help(), *(p.format_help() for p in commands.values())]:
        assert "``" not in text and ":class:" not in text and ":func:" not in text
        assert "example" in text and "ganlens " in text.split("example", 1)[1]
    for name, sub in commands.items():
        assert sub.description and len(sub.description.split("\n\n")[0]) > 30, name


def test_presets_show_each_method(capsys):
    assert main(["presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "method" in lines[0].split()
    column = lines[0].split().index("method")
    for name in preset_names():
        (row,) = [line.split() for line in lines[1:] if line.split()[:1] == [name]]
        assert row[column] == get_preset(name, "cpu").method.name


def test_report_on_a_missing_folder_says_so_in_one_line(tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing")]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "missing does not exist" in line
    assert not (tmp_path / "missing").exists()
    (tmp_path / "empty").mkdir()
    assert main(["report", str(tmp_path / "empty")]) == 2
    assert "not a ganlens run directory" in _one_error_line(capsys.readouterr().err)


def test_a_bad_set_value_is_one_line(tmp_path, capsys):
    # ValueError or TypeError, from the config's checks or from deep inside the optimiser: never
    # a traceback (naming the key and the allowed values is ganlens.config's part)
    assert main([*RING, "--out", str(tmp_path / "r"), "--set", "lr_d=fast"]) == 2
    _one_error_line(capsys.readouterr().err)


def test_os_errors_are_one_line(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main([*RING, "--out", str(blocker / "run")]) == 2  # NotADirectoryError
    assert "a-file" in _one_error_line(capsys.readouterr().err)


def test_a_refused_pickle_is_one_line(tmp_path, capsys, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    batches = tmp_path / "cifar-10-batches-py"
    batches.mkdir()
    for i in range(1, 6):
        (batches / f"data_batch_{i}").write_bytes(pickle.dumps(Evil()))
    monkeypatch.setenv("GANLENS_DATA", str(batches))
    args = [
        "train",
        "--preset",
        "sn-dcgan-cifar10",
        "--scale",
        "smoke",
        "--no-progress",
        "--out",
        str(tmp_path / "r"),
        "--set",
        "data.name=cifar10",
    ]
    assert main(args) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "data_batch_1" in line and "pwned" not in line


def test_multi_line_messages_become_one_line(tmp_path, capsys):
    assert one_line("looked in:\n  /a\n  /b\nSet X.") == "looked in: /a; /b; Set X."
    assert main(["reproduce", "00", "--out", str(tmp_path), "--param", "SEEDS"]) == 2
    assert "KEY=VALUE" in _one_error_line(capsys.readouterr().err)


def test_a_missing_extra_names_its_install_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "papermill", None)  # import papermill -> ModuleNotFoundError
    assert main(["reproduce", "00", "--out", str(tmp_path)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "papermill" in line and 'pip install "ganlens[notebooks]"' in line
    for name in [
        m for m in sys.modules if m.startswith("torchmetrics.")
    ]:  # loaded by earlier tests
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torchmetrics", None)
    fid_module = importlib.import_module("ganlens.metrics.fid")
    with pytest.raises(ImportError) as err:
        fid_module.fid(torch_features(), torch_features())
    assert missing_extra(err.value, "train") == (
        'ganlens train needs torchmetrics, which is not installed: pip install "ganlens[metrics]"'
    )
    assert missing_extra(ImportError("something else")) is None


def torch_features():
    import torch

    return torch.zeros(4, 8)


def _interrupt_at(monkeypatch, where: str, step: int = 0) -> None:
    """Raise KeyboardInterrupt in the training path: in load_data, or after writing ``step``."""
    if where == "load_data":

        def stop(config):
            raise KeyboardInterrupt

        monkeypatch.setattr(experiment, "load_data", stop)
        return
    original = experiment.RunWriter.on_step if where == "on_step" else experiment.RunWriter.on_start

    def hook(self, state):
        original(self, state)
        if state.step == step:
            raise KeyboardInterrupt

    monkeypatch.setattr(experiment.RunWriter, "on_step" if where == "on_step" else "on_start", hook)


@pytest.mark.parametrize(
    "where, step, expected",
    [
        ("load_data", 0, "no checkpoint yet"),
        ("on_start", 0, "checkpoints/start.pt"),
        ("on_step", 2, "checkpoints/step_0000002.pt"),
    ],
)
def test_ctrl_c_names_the_last_checkpoint_and_the_resume_command(
    tmp_path, capsys, monkeypatch, where, step, expected
):
    out = tmp_path / "my run"
    args = ["demo", "--scale", "smoke", "--out", str(out), "--no-progress", "--set", "steps=6"]
    _interrupt_at(monkeypatch, where, step)
    assert main(args) == 130
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in lines[0]
    assert f"last checkpoint: {out / expected}" in lines[0] or expected in lines[0]
    command = lines[0].split("continue with: ", 1)[1]
    if expected == "no checkpoint yet":  # nothing written: the command starts the run again
        assert command == shlex.join(
            [
                "ganlens",
                "train",
                "--preset",
                "demo",
                "--scale",
                "smoke",
                "--out",
                str(out),
                "--set",
                "steps=6",
                "--resume",
            ]
        )
    else:  # the run directory holds its config: resuming needs nothing else
        assert command == shlex.join(["ganlens", "train", "--out", str(out), "--resume"])
    monkeypatch.undo()
    assert main([*shlex.split(command)[1:], "--no-progress"]) == 0
    assert (out / "report.md").is_file()


@pytest.mark.slow
def test_sigint_during_training_exits_130_with_the_resume_line(tmp_path):
    out = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "ganlens.cli",
        "train",
        "--preset",
        "demo",
        "--scale",
        "smoke",
        "--out",
        str(out),
        "--set",
        "steps=100000",
        "--set",
        "ckpt_every=2",
        "--no-progress",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list((out / "checkpoints").glob("step_*.pt")) and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    last = err.strip().splitlines()[-1]
    assert "Traceback" not in err and "checkpoints/step_" in last
    assert last.endswith(f"train --out {out} --resume")
    newest = max(Path(out, "checkpoints").glob("step_*.pt"))
    assert str(newest) in last


def test_notebooks_copies_them_out_and_refuses_to_overwrite(tmp_path, capsys):
    from ganlens.reproduce import NOTEBOOK_DIR, list_notebooks

    dest = tmp_path / "nbs"
    assert main(["notebooks", str(dest)]) == 0
    assert "jupyter lab" in capsys.readouterr().out
    expected = [p.name for p in list_notebooks()] + ["README.md"]
    assert sorted(p.name for p in dest.iterdir()) == sorted(expected)
    for name in expected:
        assert (dest / name).read_bytes() == (NOTEBOOK_DIR / name).read_bytes()
    (dest / "README.md").write_text("my notes")
    assert main(["notebooks", str(dest)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "--force" in line and "README.md" in line
    assert (dest / "README.md").read_text() == "my notes"
    assert main(["notebooks", str(dest), "--force"]) == 0
    assert (dest / "README.md").read_bytes() == (NOTEBOOK_DIR / "README.md").read_bytes()
