"""SIGKILL at any point of a run, then resume: the history equals the uninterrupted run's, and the
directory stays readable. A second writer of a run directory is refused in one line."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import torch

from ganlens import load_checkpoint, load_or_train
from ganlens.runs import Run, RunLocked

WORKER = Path(__file__).parent / "crash_worker.py"
sys.path.insert(0, str(WORKER.parent))
from crash_worker import CONFIG  # noqa: E402

# 3 checkpoints at steps 2/4/6 plus start.pt -> 4 .pt writes; history.csv rewritten at steps 0..6.
_rng = random.Random(20261201)
KILLS = [
    "step:1",
    "step:3",
    "step:5",  # between iterations
    "before:.pt:1",
    "after:.pt:1",
    "before:.pt:2",
    "before:.pt:4",  # checkpoint writes
    "before:.csv:1",
    "after:.csv:2",
    "before:.csv:3",  # tracker rows
    "before:.png:2",
    "before:.json:2",  # samples, summary
    f"after:.pt:{_rng.choice([2, 3, 4])}",
    f"after:.csv:{_rng.choice([3, 4, 5])}",
    f"before:.csv:{_rng.choice([4, 5])}",
    f"step:{_rng.choice([2, 4])}",
    f"time:{_rng.uniform(0.5, 2.0):.2f}",
    f"time:{_rng.uniform(0.5, 2.0):.2f}",
]


def _run_worker(run_dir: Path, spec: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.run(
        [sys.executable, str(WORKER), str(run_dir), spec],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode in (0, -9), proc.stderr[-2000:]
    return proc.returncode


def _resume(run_dir: Path):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return load_or_train(CONFIG, run_dir, progress=False, report=False)
    finally:
        torch.set_num_threads(threads)


def _readable(run_dir: Path) -> None:
    run = Run(run_dir)
    assert run.read_config() == CONFIG
    assert not list(run_dir.rglob("*.tmp")), "temporary files left behind"
    for path in run_dir.rglob("*.pt"):
        load_checkpoint(path)
    for path in run_dir.glob("*.csv"):
        pd.read_csv(path)
    for path in run_dir.glob("*.json"):
        json.loads(path.read_text())


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pd.DataFrame:
    run_dir = tmp_path_factory.mktemp("crash") / "reference"
    assert _run_worker(run_dir, "none") == 0
    return Run(run_dir).read_history().drop(columns=["elapsed_s"])


def test_at_least_ten_kill_points_across_steps_checkpoints_and_rows():
    assert len(set(KILLS)) == len(KILLS) >= 10
    assert {k.split(":")[0] for k in KILLS} >= {"step", "before", "after", "time"}
    assert {k.split(":")[1] for k in KILLS if k[0] in "ba"} >= {".pt", ".csv"}


@pytest.mark.slow
@pytest.mark.parametrize("spec", KILLS)
def test_sigkill_then_resume_gives_the_uninterrupted_history(spec, reference, tmp_path):
    run_dir = tmp_path / "run"
    code = _run_worker(run_dir, spec)
    if code == 0:  # a timer that fired after the run had finished: nothing was interrupted
        assert spec.startswith("time:")
    resumed = _resume(run_dir)
    pd.testing.assert_frame_equal(resumed.history.drop(columns=["elapsed_s"]), reference)
    _readable(run_dir)


def test_a_second_writer_is_refused(tmp_path):
    run_dir = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from ganlens.runs import Run\n"
            f"with Run({str(run_dir)!r}).lock():\n    print('locked', flush=True); time.sleep(120)",
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(
            RunLocked, match=rf"being written by another process \(pid {holder.pid}\)"
        ):
            load_or_train(CONFIG, run_dir, progress=False, report=False)
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "ganlens.cli",
                "train",
                "--preset",
                "demo",
                "--scale",
                "smoke",
                "--out",
                str(run_dir),
                "--no-progress",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        holder.kill()
        holder.wait()
    assert cli.returncode == 2
    assert "being written by another process" in cli.stderr and "Traceback" not in cli.stderr
    assert len(cli.stderr.strip().splitlines()) == 1
    _resume(run_dir)  # the lock went with its holder (killed): training proceeds


def test_history_without_any_checkpoint_is_never_overwritten(tmp_path):
    run_dir = tmp_path / "run"
    _resume(run_dir)
    for path in (run_dir / "checkpoints").iterdir():
        path.unlink()
    (run_dir / "summary.json").unlink()
    before = (run_dir / "history.csv").read_text()
    with pytest.raises(ValueError, match="history up to step 6 but no readable checkpoint"):
        _resume(run_dir)
    assert (run_dir / "history.csv").read_text() == before


def test_a_corrupt_newest_checkpoint_falls_back_to_the_one_before(tmp_path, reference):
    run_dir = tmp_path / "run"
    assert _run_worker(run_dir, "step:5") == -9
    newest = Run(run_dir).last_checkpoint()
    assert newest.name == "step_0000004.pt"
    newest.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="skipping unreadable checkpoint .*step_0000004.pt"):
        resumed = _resume(run_dir)
    pd.testing.assert_frame_equal(resumed.history.drop(columns=["elapsed_s"]), reference)


def test_the_lock_is_reentrant_in_one_process(tmp_path):
    run = Run(tmp_path / "run")
    with run.lock(), run.lock():
        result = load_or_train(CONFIG.replace(steps=2), run.path, progress=False, report=False)
    assert result.summary["steps"] == 2
    with run.lock():  # released: it can be taken again
        pass
