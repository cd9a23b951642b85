"""Every notebook runs top to bottom at the smoke preset, and is committed without outputs.

Execution goes through ``ganlens.reproduce`` (the code behind ``ganlens reproduce``), so the
parameter injection tested here is the one users run. Run times are appended to
``test-artifacts/notebook_times.csv`` (git-ignored; ``$GANLENS_TEST_ARTIFACTS`` moves it).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from ganlens.reproduce import (
    append_csv_row,
    execute_notebook,
    list_notebooks,
    missing_data,
    parameters_index,
)

NOTEBOOKS = list_notebooks()
ARTIFACTS = Path(
    os.environ.get("GANLENS_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts")
)


def test_there_are_notebooks():
    assert {"00_quickstart", "01_equilibrium_101"} <= {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state in metadata; clear it"
    try:
        params = nb.cells[parameters_index(nb)]
    except ValueError as exc:
        pytest.fail(f"{path.name}: {exc}")
    assert "PRESET" in params.source and "OUT" in params.source, (
        f"{path.name}: PRESET and OUT go in the parameters cell"
    )


def _record_time(name: str, wall_s: float, status: str) -> None:
    append_csv_row(ARTIFACTS / "notebook_times.csv", ["when", "notebook", "preset", "status", "wall_s"],
                   [time.strftime("%Y-%m-%dT%H:%M:%S"), name, "smoke", status, f"{wall_s:.1f}"])


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_at_smoke(path, tmp_path):
    missing = missing_data(nbformat.read(path, as_version=4))
    if missing:
        pytest.skip(f"{path.name} needs {missing} (../shared/data or GANLENS_DATA)")
    run = execute_notebook(path, tmp_path / "out", preset="smoke", timeout=600)
    _record_time(run.name, run.wall_s, run.status)
    assert run.error is None, (
        f"{path.name} failed at smoke: {run.error}; executed copy: {run.executed}"
    )
    executed = nbformat.read(run.executed, as_version=4)
    assert any(c.get("outputs") for c in executed.cells if c.cell_type == "code")
