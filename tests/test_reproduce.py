"""``ganlens reproduce``: find notebooks, inject parameters, execute, keep the outputs."""

from __future__ import annotations

import csv

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ganlens import reproduce as rp
from ganlens.cli import main


def write_notebook(folder, name, body, needs=()):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# a test notebook"),
            new_code_cell(
                'PRESET = "smoke"\nOUT = "unused"\nDEVICE = None', metadata={"tags": ["parameters"]}
            ),
            new_code_cell(body),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "ganlens": {"needs_data": list(needs)},
        },
    )
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


WRITES = (
    "from pathlib import Path\n"
    "Path(OUT).mkdir(parents=True, exist_ok=True)\n"
    "(Path(OUT) / 'table.csv').write_text(f'preset,device\\n{PRESET},{DEVICE}\\n')\n"
    "print('ran at', PRESET)"
)


def test_find_notebooks(tmp_path):
    for name in ("00_quickstart", "01_equilibrium_101", "10_other"):
        write_notebook(tmp_path, name, "pass")
    assert [p.stem for p in rp.find_notebooks("all", tmp_path)] == [
        "00_quickstart",
        "01_equilibrium_101",
        "10_other",
    ]
    assert rp.find_notebooks("01", tmp_path)[0].stem == "01_equilibrium_101"
    assert rp.find_notebooks("quickstart", tmp_path)[0].stem == "00_quickstart"
    assert rp.find_notebooks("10_other.ipynb", tmp_path)[0].stem == "10_other"
    with pytest.raises(ValueError, match="matches several"):
        rp.find_notebooks("0", tmp_path)
    with pytest.raises(ValueError, match="matches none of: 00_quickstart, 01_equilibrium_101"):
        rp.find_notebooks("gan-lab", tmp_path)


def test_repository_notebooks_are_found():
    names = [p.stem for p in rp.find_notebooks("all")]
    assert "00_quickstart" in names and "01_equilibrium_101" in names


def test_inject_parameters_after_the_parameters_cell_once(tmp_path):
    nb = nbformat.read(write_notebook(tmp_path, "n", "pass"), as_version=4)
    once = rp.inject_parameters(nb, PRESET="cpu", OUT="/tmp/x")
    twice = rp.inject_parameters(once, PRESET="gpu")
    assert len(nb.cells) == 3  # the original is untouched
    assert once.cells[2].metadata.tags == ["injected-parameters"]
    assert "PRESET = 'cpu'\nOUT = '/tmp/x'" in once.cells[2].source
    assert len(twice.cells) == 4 and "PRESET = 'gpu'" in twice.cells[2].source
    nb.cells[1].metadata.tags = []
    with pytest.raises(ValueError, match="exactly one cell tagged 'parameters'; found 0"):
        rp.inject_parameters(nb, PRESET="cpu")


def test_missing_data_skips_without_running(tmp_path, monkeypatch):
    path = write_notebook(tmp_path, "n", "1/0", needs=["cifar10-jpeg"])
    monkeypatch.setattr(rp, "data_available", lambda name: False)
    run = rp.execute_notebook(path, tmp_path / "out")
    assert run.status == "skipped" and "cifar10-jpeg" in run.skipped and run.executed is None


@pytest.mark.slow
def test_cli_reproduce_keeps_the_executed_copy_and_outputs(tmp_path, capsys):
    src = tmp_path / "nbs"
    src.mkdir()
    ok = write_notebook(src, "ok", WRITES)
    out = tmp_path / "out"
    assert (
        main(["reproduce", str(ok), "--preset", "cpu", "--device", "cpu", "--out", str(out)]) == 0
    )
    assert "ok " in capsys.readouterr().out
    assert (out / "table.csv").read_text() == "preset,device\ncpu,cpu\n"
    executed = nbformat.read(out / "ok.executed.ipynb", as_version=4)
    assert executed.cells[2].metadata.tags == ["injected-parameters"]
    assert "ran at cpu" in executed.cells[3].outputs[0].text
    with open(out / "reproduce.csv") as f:
        (row,) = list(csv.DictReader(f))
    assert row["notebook"] == "ok" and row["status"] == "ok" and float(row["wall_s"]) > 0


@pytest.mark.slow
def test_a_failing_notebook_is_reported_and_kept(tmp_path, capsys):
    bad = write_notebook(tmp_path, "bad", "x = 1\n1 / 0")
    run = rp.execute_notebook(bad, tmp_path / "out", preset="smoke")
    assert run.status == "failed" and run.error == "ZeroDivisionError: division by zero"
    assert run.executed.is_file()
    assert main(["reproduce", "nope", "--out", str(tmp_path / "o")]) == 2
    assert "matches none" in capsys.readouterr().err


def test_extra_parameters_are_injected_and_unknown_ones_refused(tmp_path, capsys):
    nb = write_notebook(tmp_path, "p", "print('device is', DEVICE)")
    out = tmp_path / "out"
    assert main(["reproduce", str(nb), "--out", str(out), "--param", 'DEVICE="mps"']) == 0
    executed = nbformat.read(out / "p.executed.ipynb", as_version=4)
    assert "DEVICE = 'mps'" in executed.cells[2].source
    assert "device is mps" in executed.cells[3].outputs[0].text
    with pytest.raises(ValueError, match="no parameter SEEDS"):
        rp.execute_notebook(nb, out, params={"SEEDS": [0]})


# --- issue 12: papermill as the engine, progress, nothing-to-run is an error ----------------


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("ganlens: error: "), err
    return lines[0]


def test_nothing_to_run_is_an_error_not_a_silent_zero(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "no-notebooks"
    empty.mkdir()
    monkeypatch.setattr(rp, "NOTEBOOK_DIR", empty)
    assert main(["reproduce", "all", "--out", str(tmp_path / "out")]) == 2
    assert f"no notebooks found in {empty}" in _one_error_line(capsys.readouterr().err)
    with pytest.raises(ValueError, match="no notebooks found"):
        rp.find_notebooks("00")


def test_a_run_where_every_notebook_is_skipped_is_an_error(tmp_path, capsys, monkeypatch):
    path = write_notebook(tmp_path, "needs", "1/0", needs=["cifar10-jpeg"])
    monkeypatch.setattr(rp, "data_available", lambda name: False)
    assert main(["reproduce", str(path), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert "nothing ran" in _one_error_line(captured.err) and "cifar10-jpeg" in captured.err
    assert "skipped" in captured.out  # the summary line and the log are still written
    with open(tmp_path / "out" / "reproduce.csv") as f:
        assert [r["status"] for r in csv.DictReader(f)] == ["skipped"]


def test_data_is_looked_for_beside_the_current_folder_too(tmp_path, monkeypatch):
    monkeypatch.delenv("GANLENS_DATA", raising=False)
    monkeypatch.setattr(rp, "repo_root", lambda: tmp_path / "site" / "lib")
    (tmp_path / "work" / "here").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work" / "here")
    assert not rp.data_available("cifar10-jpeg")
    (tmp_path / "work" / "shared" / "data").mkdir(parents=True)
    (tmp_path / "work" / "shared" / "data" / "cifar10-jpeg.tar.gz").write_bytes(b"")
    assert rp.data_available("cifar10-jpeg")


@pytest.mark.slow
def test_papermill_runs_it_with_per_cell_progress(tmp_path, capsys):
    nb = write_notebook(tmp_path, "ok", WRITES)
    out = tmp_path / "out"
    assert main(["reproduce", str(nb), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "[1/1] ok at smoke" in err
    assert "Executing" in err and "4/4" in err  # papermill's bar over the 4 cells
    executed = nbformat.read(out / "ok.executed.ipynb", as_version=4)
    assert "papermill" in executed.metadata and "papermill" in executed.cells[3].metadata
    assert main(["reproduce", str(nb), "--out", str(out), "--no-progress"]) == 0
    assert "Executing" not in capsys.readouterr().err


@pytest.mark.slow
def test_a_cell_over_its_timeout_is_reported(tmp_path):
    nb = write_notebook(tmp_path, "slow", "import time\ntime.sleep(30)")
    run = rp.execute_notebook(nb, tmp_path / "out", timeout=2)
    assert run.status == "failed" and run.error.startswith("CellTimeoutError: ")
    assert run.wall_s < 25 and run.executed.is_file()
