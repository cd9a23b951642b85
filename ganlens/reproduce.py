"""Execute the notebooks at a preset and keep what they make (``ganlens reproduce``).

Every notebook has exactly one cell tagged ``parameters`` (``PRESET = "smoke"``, ``OUT``,
``DEVICE``). As papermill does, values are injected in a new cell tagged
``injected-parameters`` right after it, so the committed notebook stays unchanged; ganlens
injects them itself (refusing names the parameters cell does not assign) and papermill executes
the result, with a per-cell progress bar, saving the executed copy after every cell. The copy
(with its outputs) is written to the output directory beside the figures and CSVs the notebook
writes there. ``tests/test_notebooks.py`` uses the same functions.

The notebooks are found in the installed package (a wheel ships them as
``ganlens/_bundled/notebooks``), else in the checkout's ``notebooks/``; ``ganlens notebooks DIR``
copies them out to open in JupyterLab.
"""

from __future__ import annotations

import csv
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ganlens.config import SCALES
from ganlens.data.registry import repo_root, shipped_path

NOTEBOOK_DIR = shipped_path("notebooks") or repo_root() / "notebooks"
PARAMETERS_TAG, INJECTED_TAG = "parameters", "injected-parameters"
# Data a notebook may declare in its metadata (``ganlens.needs_data``) and the files that hold it.
DATA_FILES = {
    "cifar10-jpeg": ["cifar10-jpeg.tar.gz", "cifar10jpg"],
    "cifar10": ["cifar-10-batches-py"],
}
NOTEBOOKS_EXTRA = 'pip install "ganlens[notebooks]"'


@dataclass(frozen=True)
class NotebookRun:
    """One notebook execution.

    Attributes:
        name: the notebook's stem, e.g. ``"01_equilibrium_101"``.
        preset: the scale it ran at.
        executed: the executed copy (with outputs), or None when skipped.
        wall_s: wall time of the execution in seconds (kernel start included).
        error: ``"ename: evalue"`` of the failing cell, or None.
        skipped: why it did not run (missing data), or None.
    """

    name: str
    preset: str
    executed: Path | None
    wall_s: float
    error: str | None = None
    skipped: str | None = None

    @property
    def status(self) -> str:
        """``"ok"``, ``"failed"`` or ``"skipped"``."""
        return "skipped" if self.skipped else "failed" if self.error else "ok"


def list_notebooks(directory: str | Path | None = None) -> list[Path]:
    """The notebooks of ``directory`` (default: :data:`NOTEBOOK_DIR`), sorted."""
    folder = Path(directory) if directory is not None else NOTEBOOK_DIR
    return sorted(folder.glob("*.ipynb"))


def find_notebooks(name: str, directory: str | Path | None = None) -> list[Path]:
    """Resolve ``name``: ``"all"``, a path, a stem (``01_equilibrium_101``), a unique start of one
    (``10`` is ``10_eqgan_sa_attention``, not ``01_equilibrium_101``), or a unique part.

    Raises:
        ValueError: no notebook matches (or several do), or there are no notebooks at all.
    """
    if Path(name).suffix == ".ipynb" and Path(name).is_file():
        return [Path(name)]
    known = list_notebooks(directory)
    if not known:
        folder = Path(directory) if directory is not None else NOTEBOOK_DIR
        raise ValueError(
            f"no notebooks found in {folder} (nothing to run); reinstall ganlens, or pass a "
            "path to an .ipynb file"
        )
    if name == "all":
        return known
    exact = [p for p in known if p.stem == name or p.name == name]
    prefix = [p for p in known if p.stem.startswith(name)]
    matches = exact or prefix or [p for p in known if name in p.stem]
    if len(matches) != 1:
        why = "matches several" if matches else "matches none"
        raise ValueError(
            f"notebook {name!r} {why} of: {', '.join(p.stem for p in known)} "
            "(or pass 'all', or a path to an .ipynb file)"
        )
    return matches


def parameters_index(nb: Any) -> int:
    """Index of the one cell tagged ``parameters``; ValueError if there is not exactly one."""
    tagged = [
        i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])
    ]
    if len(tagged) != 1:
        raise ValueError(
            f"a ganlens notebook needs exactly one cell tagged 'parameters'; found {len(tagged)}"
        )
    return tagged[0]


def inject_parameters(nb: Any, **params: Any) -> Any:
    """A copy of ``nb`` with ``params`` assigned in a cell right after the parameters cell.

    An earlier injected cell is replaced, so injecting twice leaves one injected cell.
    """
    import nbformat

    nb = nbformat.from_dict(nb)  # a deep copy
    nb.cells = [c for c in nb.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    source = "# Parameters injected by ganlens.reproduce\n" + "\n".join(
        f"{key} = {value!r}" for key, value in params.items()
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    nb.cells.insert(parameters_index(nb) + 1, cell)
    return nb


def data_available(name: str) -> bool:
    """Whether data set ``name`` can be found offline: ``$GANLENS_DATA``, or ``../shared/data``
    beside the checkout or the current folder (where :func:`ganlens.data.load` looks)."""
    if name not in DATA_FILES or os.environ.get("GANLENS_DATA"):
        return True
    folders = [repo_root().parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    return any((folder / f).exists() for folder in folders for f in DATA_FILES[name])


def missing_data(nb: Any) -> list[str]:
    """The data sets the notebook declares (metadata ``ganlens.needs_data``) that are missing."""
    return [
        d for d in nb.metadata.get("ganlens", {}).get("needs_data", []) if not data_available(d)
    ]


def _first_error(nb: Any) -> str | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type == "error":
                return f"{out.ename}: {out.evalue}"
    return None


def execute_notebook(
    path: str | Path,
    out: str | Path,
    preset: str = "smoke",
    device: str | None = None,
    timeout: float | None = 600,
    kernel_name: str = "python3",
    params: dict[str, Any] | None = None,
    progress: bool = False,
) -> NotebookRun:
    """Execute one notebook at ``preset`` with ``OUT = out``; keep the executed copy in ``out``.

    The kernel runs in the notebook's own folder, as when it is opened in Jupyter. Papermill
    executes the cells and saves the executed copy after each one; a failing cell stops the run
    and the copy up to that cell is kept.

    Args:
        path: the ``.ipynb`` file.
        out: output directory (created); the notebook writes its runs, figures and CSVs there.
        preset: ``"smoke"``, ``"cpu"`` or ``"gpu"``.
        device: inject ``DEVICE`` (``"cpu"``, ``"cuda"``); None keeps the notebook's default.
        timeout: seconds allowed per cell; None for no limit.
        kernel_name: the Jupyter kernel to run.
        params: further parameters to inject (e.g. ``{"SEEDS": [0, 1]}``); they must be names
            the parameters cell assigns.
        progress: show papermill's per-cell progress bar (on stderr).

    Returns:
        A :class:`NotebookRun`; ``skipped`` is set (and nothing runs) when declared data is missing.

    Raises:
        ValueError: unknown preset or parameter, or no ``parameters`` cell.
        ImportError: papermill (the ``notebooks`` extra) is not installed.
    """
    import nbformat

    if preset not in SCALES:
        raise ValueError(f"unknown preset {preset!r}; choose one of {SCALES}")
    path, out = Path(path), Path(out).resolve()
    nb = nbformat.read(path, as_version=4)
    missing = missing_data(nb)
    if missing:
        return NotebookRun(
            path.stem,
            preset,
            None,
            0.0,
            skipped=f"needs {', '.join(missing)} (put it in ../shared/data or set GANLENS_DATA)",
        )
    nb = inject_parameters(nb, **_checked_parameters(nb, path, out, preset, device, params))
    out.mkdir(parents=True, exist_ok=True)
    executed = out / f"{path.stem}.executed.ipynb"
    executed.unlink(missing_ok=True)  # never report an earlier run's copy
    t0 = time.perf_counter()
    stopped = _papermill(nb, executed, path.resolve().parent, timeout, kernel_name, progress)
    wall = time.perf_counter() - t0
    if not executed.is_file():  # stopped before papermill's first save
        nbformat.write(nb, executed)
    nb = nbformat.read(executed, as_version=4)
    return NotebookRun(path.stem, preset, executed, wall, error=stopped or _first_error(nb))


def _checked_parameters(
    nb: Any, path: Path, out: Path, preset: str, device: str | None, params: dict[str, Any] | None
) -> dict[str, Any]:
    """``PRESET``, ``OUT``, ``DEVICE`` and ``params``; names the notebook does not declare are
    refused (papermill would only warn)."""
    injected: dict[str, Any] = {"PRESET": preset, "OUT": str(out)}
    if device is not None:
        injected["DEVICE"] = device
    declared = nb.cells[parameters_index(nb)].source
    unknown = [
        k for k in params or {} if not re.search(rf"^{re.escape(k)}\s*=", declared, re.MULTILINE)
    ]
    if unknown:
        assigned = re.findall(r"^(\w+)\s*=", declared, re.MULTILINE)
        raise ValueError(
            f"{path.name} has no parameter {', '.join(unknown)}; its parameters "
            f"cell assigns: {', '.join(assigned)}"
        )
    return {**injected, **(params or {})}


def _papermill(
    nb: Any, executed: Path, cwd: Path, timeout: float | None, kernel_name: str, progress: bool
) -> str | None:
    """Run ``nb`` with papermill in ``cwd``, saving to ``executed`` after each cell.

    Returns None when it ran to the end or stopped at a failing cell (the error is in the saved
    copy), else ``"ExceptionName: message"`` (a cell timed out, the kernel died).
    """
    papermill = require_papermill()
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        papermill.execute_notebook(
            nb,
            str(executed),
            kernel_name=kernel_name,
            progress_bar=progress,
            cwd=str(cwd),
            execution_timeout=timeout,
            request_save_on_cell_execute=True,
        )
    except papermill.PapermillExecutionError:
        pass  # the error output is in the saved copy
    except (CellTimeoutError, DeadKernelError) as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def require_papermill() -> Any:
    """The papermill module; ImportError with the install line when the extra is missing."""
    try:
        import nbclient  # noqa: F401
        import papermill
    except ModuleNotFoundError as exc:
        raise ImportError(
            f"running notebooks needs {exc.name}: {NOTEBOOKS_EXTRA}", name=exc.name
        ) from exc
    return papermill


def reproduce(
    name: str,
    out: str | Path,
    preset: str = "smoke",
    device: str | None = None,
    timeout: float | None = None,
    directory: str | Path | None = None,
    params: dict[str, Any] | None = None,
    progress: bool = False,
) -> list[NotebookRun]:
    """Execute notebook ``name`` (or ``"all"``); log one row per run in ``out/reproduce.csv``.

    ``params`` are injected beside ``PRESET`` and ``OUT`` (see :func:`execute_notebook`);
    ``progress`` names each notebook as it starts and shows papermill's per-cell bar.

    Raises:
        ValueError: nothing matches ``name`` (see :func:`find_notebooks`).
    """
    paths = find_notebooks(name, directory)
    require_papermill()  # before the first notebook runs, not after it
    runs = []
    for i, path in enumerate(paths, 1):
        if progress:
            print(f"[{i}/{len(paths)}] {path.stem} at {preset}", file=sys.stderr, flush=True)
        run = execute_notebook(path, out, preset, device, timeout, params=params, progress=progress)
        runs.append(run)
        _append_log(Path(out), run, device)
    return runs


def append_csv_row(path: Path, header: Sequence[str], row: Sequence[object]) -> None:
    """Append ``row`` to a CSV log, writing ``header`` first when the file is new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.is_file()
    with open(path, "a", newline="") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(header)
        writer.writerow(row)


def _append_log(out: Path, run: NotebookRun, device: str | None) -> None:
    append_csv_row(
        out / "reproduce.csv",
        ["notebook", "preset", "device", "status", "wall_s", "executed", "detail"],
        [
            run.name,
            run.preset,
            device or "default",
            run.status,
            f"{run.wall_s:.1f}",
            run.executed or "",
            run.error or run.skipped or "",
        ],
    )


def summary_lines(runs: Sequence[NotebookRun]) -> list[str]:
    """One human-readable line per run."""
    lines = []
    for r in runs:
        detail = r.skipped or r.error or f"executed copy: {r.executed}"
        lines.append(f"{r.name:28s} {r.preset:5s} {r.status:7s} {r.wall_s:7.1f} s  {detail}")
    return lines
