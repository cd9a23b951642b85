"""Bad input and faults through the CLI, as a table: the exit code, a phrase of the one-line
message, and what is left on disk (never a directory that blocks the corrected retry)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ganlens.cli import main

SMOKE = ["--preset", "demo", "--scale", "smoke", "--no-progress"]


@dataclass
class Case:
    name: str
    args: list[str]  # after "train"; {out} is the run directory
    code: int
    phrase: str
    setup: str = ""  # how the directory is prepared first (see _prepare)
    left: str = "nothing"  # "nothing": no directory; "run": the prepared run, unchanged
    extra: dict = field(default_factory=dict)


CASES = [
    Case("word for a number", ["--set", "lr_d=fast"], 2, "optim.lr_d must be a number, got 'fast'"),
    Case(
        "word for an integer",
        ["--set", "steps=abc"],
        2,
        "optim.steps must be an integer, got 'abc'",
    ),
    Case("fraction for an integer", ["--set", "steps=2.5"], 2, "optim.steps must be an integer"),
    Case(
        "string resolution",
        ["--set", 'data.resolution="32"'],
        2,
        "data.resolution must be an integer or None, got '32'",
    ),
    Case("negative learning rate", ["--set", "lr_g=-1"], 2, "optim.lr_g must be >= 0, got -1.0"),
    Case("old flat key", ["--set", 'model_kw={"width": 16}'], 2, "'model_kw' is gone"),
    Case("ambiguous key", ["--set", "resolution=16"], 2, "'resolution' is ambiguous"),
    Case("unknown key", ["--set", "stpes=3"], 2, "unknown config key 'stpes'"),
    Case("no CUDA", ["--device", "cuda"], 2, "CUDA is not available"),
    Case(
        "G for other data", ["--set", "model.channels=3"], 2, "G makes images of shape (3, 32, 32)"
    ),
    Case(
        "out is a file",
        [],
        2,
        "is a file; the output must be a directory",
        setup="file",
        left="file",
    ),
    Case("unwritable out", [], 2, "could not write", setup="proc", left="skip"),
    Case(
        "checkpoints deleted",
        ["--resume"],
        2,
        "no readable checkpoint",
        setup="no-checkpoints",
        left="run",
    ),
    Case(
        "history deleted",
        ["--resume"],
        2,
        "history.csv is missing or empty",
        setup="no-history",
        left="run",
    ),
    Case("history cut", ["--resume"], 2, "has no rows for steps", setup="cut-history", left="run"),
    Case("invalid config.json", ["--resume"], 2, "config.json", setup="bad-json", left="run"),
    Case(
        "unknown config section",
        ["--resume"],
        2,
        "config.json: unknown config sections",
        setup="extra-section",
        left="run",
    ),
    Case(
        "other run in the directory",
        ["--resume", "--set", "loss=ns"],
        2,
        "already holds a run with a different config (optim.loss",
        setup="finished",
        left="run",
    ),
    Case(
        "new learning rate without --override",
        ["--resume", "--set", "lr_d=1e-5"],
        2,
        "--resume --override",
        setup="interrupted",
        left="run",
    ),
    Case(
        "new learning rate with --override",
        ["--resume", "--override", "--set", "lr_d=1e-5"],
        0,
        "",
        setup="interrupted",
        left="finished",
    ),
    Case(
        "extending a finished run",
        ["--resume", "--set", "steps=6"],
        0,
        "",
        setup="finished",
        left="finished",
    ),
    Case(
        "resume from the run directory alone",
        ["--resume"],
        0,
        "",
        setup="interrupted",
        left="finished",
        extra={"no_preset": True},
    ),
    Case(
        "divergence",
        [
            "--set",
            "lr_d=1000",
            "--set",
            "lr_g=1000",
            "--set",
            "diverge_at=100",
            "--set",
            "diverge_patience=3",
            "--set",
            "steps=40",
        ],
        3,
        "diverged at step",
        left="diverged",
    ),
]


def _prepare(case: Case, out: Path) -> Path:
    if case.setup == "file":
        out.write_text("not a directory")
    elif case.setup == "proc":
        return Path("/proc/ganlens-cannot-write-here")
    elif case.setup:
        assert main(["train", *SMOKE, "--out", str(out)]) == 0  # 4 steps, checkpoints at 2 and 4
        if case.setup == "interrupted":  # as a run killed after its step-2 checkpoint
            (out / "summary.json").unlink()
            (out / "checkpoints" / "step_0000004.pt").unlink()
        if case.setup == "no-checkpoints":
            for p in (out / "checkpoints").iterdir():
                p.unlink()
            (out / "summary.json").unlink()
        if case.setup in ("no-history", "cut-history"):
            (out / "summary.json").unlink()
            history = out / "history.csv"
            rows = history.read_text().splitlines()
            if case.setup == "no-history":
                history.unlink()
            else:
                history.write_text("\n".join(rows[:2]) + "\n")
        if case.setup == "bad-json":
            (out / "config.json").write_text("{not json")
        if case.setup == "extra-section":
            cfg = json.loads((out / "config.json").read_text())
            (out / "config.json").write_text(json.dumps({**cfg, "extras": {}}))
    return out


def _snapshot(out: Path) -> dict[str, bytes]:
    return (
        {
            str(p.relative_to(out)): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".lock"
        }
        if out.is_dir()
        else {}
    )


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_case(case, tmp_path, capsys):
    out = _prepare(case, tmp_path / "run")
    before = _snapshot(out)
    capsys.readouterr()
    head = (
        ["train", "--out", str(out), "--no-progress"]
        if case.extra.get("no_preset")
        else ["train", *SMOKE, "--out", str(out)]
    )
    code = main([*head, *case.args])
    err = capsys.readouterr().err
    assert code == case.code, err
    if case.code:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("ganlens: error:"), err
        assert case.phrase in lines[0], lines[0]
        assert "Traceback" not in err
    if case.left == "nothing":
        assert not out.exists(), sorted(p.name for p in out.iterdir())
    elif case.left == "run":
        assert _snapshot(out) == before  # nothing of the run was changed or erased
    elif case.left == "finished":
        assert (out / "summary.json").is_file()
    elif case.left == "diverged":
        assert (out / "checkpoints").is_dir() and not (out / "summary.json").exists()


def test_every_case_is_distinct():
    assert len({c.name for c in CASES}) == len(CASES) >= 20
