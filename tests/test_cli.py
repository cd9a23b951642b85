"""The ganlens command: demo, train, report, errors as one clear line."""

from __future__ import annotations

import subprocess
import sys

from ganlens.cli import main


def test_demo_smoke_writes_a_report(tmp_path, capsys):
    assert main(["demo", "--scale", "smoke", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "final DI = " in out and "±" in out
    assert (tmp_path / "report.md").is_file()
    assert (tmp_path / "figures" / "di.png").is_file()


def test_train_resume_flag_and_report(tmp_path, capsys):
    args = ["train", "--preset", "toy-ring8", "--scale", "smoke", "--out", str(tmp_path), "--no-progress"]
    assert main(args) == 0
    assert main(args) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(args + ["--resume"]) == 0
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
    out = subprocess.run([sys.executable, "-m", "ganlens.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "demo" in out.stdout and "train" in out.stdout
