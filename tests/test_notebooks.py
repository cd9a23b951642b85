"""Every notebook runs top to bottom at the smoke preset, and is committed without outputs."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _data_available(name: str) -> bool:
    if name == "cifar10-jpeg":
        return bool(os.environ.get("GANLENS_DATA")) or (SHARED / "cifar10-jpeg.tar.gz").is_file()
    return True


def _inject(nb: nbformat.NotebookNode, **params: object) -> None:
    """Papermill-style: a cell after the one tagged `parameters` overrides its values."""
    idx = next(i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    src = "\n".join(f"{k} = {v!r}" for k, v in params.items())
    nb.cells.insert(idx + 1, nbformat.v4.new_code_cell(src, metadata={"tags": ["injected-parameters"]}))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and "PRESET" in tagged[0].source, f"{path.name} needs one parameters cell"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_at_smoke(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    for name in nb.metadata.get("ganlens", {}).get("needs_data", []):
        if not _data_available(name):
            pytest.skip(f"{path.name} needs {name} (../shared/data or GANLENS_DATA)")
    _inject(nb, PRESET="smoke", OUT=str(tmp_path / "runs"))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    nbformat.write(nb, tmp_path / f"{path.stem}.executed.ipynb")  # kept for inspection
