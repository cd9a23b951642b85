"""Every notebook runs top to bottom at the smoke preset, and is committed without outputs.

Execution goes through ``ganlens.reproduce`` (the code behind ``ganlens reproduce``), so the
parameter injection tested here is the one users run. Run times are appended to
``test-artifacts/notebook_times.csv`` (git-ignored; ``$GANLENS_TEST_ARTIFACTS`` moves it).
"""

from __future__ import annotations

import os
import re
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
    append_csv_row(
        ARTIFACTS / "notebook_times.csv",
        ["when", "notebook", "preset", "status", "wall_s"],
        [time.strftime("%Y-%m-%dT%H:%M:%S"), name, "smoke", status, f"{wall_s:.1f}"],
    )


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
    images = check_figures_render(executed, path.name)
    append_csv_row(
        ARTIFACTS / "notebook_figures.csv",
        ["notebook", "figure_cells", "png_outputs"],
        [run.name, images["cells"], images["png"]],
    )


# A cell shows a figure when it displays one or ends with one (`fig` alone on its last line).
_SHOWS_FIGURE = re.compile(r"^\s*(display\(fig\b|fig\s*$)", re.M)
_FIGURE_TEXT = re.compile(r"<\w*Figure size [\d.]+x[\d.]+ with \d+ Axes>")


def check_figures_render(nb: nbformat.NotebookNode, name: str) -> dict[str, int]:
    """Every figure-showing cell has an image/png output; no figure is shown only as text.

    Returns the number of figure-showing cells and of PNG outputs.
    """
    cells = png = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        bundles = [o.get("data", {}) for o in cell.get("outputs", [])]
        as_text = [
            b
            for b in bundles
            if _FIGURE_TEXT.search(str(b.get("text/plain", "")))
            and "image/png" not in b
            and "image/svg+xml" not in b
        ]
        assert not as_text, (
            f"{name} cell {i}: a figure displayed as text only: {as_text[0]['text/plain']!r}"
        )
        n_png = sum("image/png" in b for b in bundles)
        png += n_png
        if _SHOWS_FIGURE.search(cell.source):
            cells += 1
            assert n_png >= 1, f"{name} cell {i} shows a figure but has no image/png output"
    assert cells >= 1, f"{name}: no cell shows a figure"
    return {"cells": cells, "png": png}
