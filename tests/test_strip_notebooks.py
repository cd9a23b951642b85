"""The pre-commit hook's notebook stripper removes outputs and keeps sources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ganlens.tools.strip_notebooks import main

HOOK = Path(__file__).parents[1] / ".githooks" / "pre-commit"


def _notebook(path: Path) -> Path:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "1 + 1",
                "metadata": {},
                "execution_count": 3,
                "outputs": [{"output_type": "execute_result", "data": {"text/plain": "2"}}],
            },
            {"cell_type": "markdown", "source": "hi", "metadata": {}},
        ],
        "metadata": {"widgets": {"state": {}}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))
    return path


def test_check_reports_and_strip_cleans(tmp_path, capsys):
    path = _notebook(tmp_path / "a.ipynb")
    assert main(["--check", str(path)]) == 1 and "has outputs" in capsys.readouterr().out
    assert main([str(path)]) == 0
    nb = json.loads(path.read_text())
    assert nb["cells"][0]["outputs"] == [] and nb["cells"][0]["execution_count"] is None
    assert nb["cells"][0]["source"] == "1 + 1" and "widgets" not in nb["metadata"]
    assert main(["--check", str(path)]) == 0


def test_the_hook_strips_a_staged_notebook(tmp_path):
    run = lambda *a: subprocess.run(a, cwd=tmp_path, check=True, capture_output=True, text=True)
    run("git", "init", "-q")
    run("git", "config", "user.email", "t@example.com")
    run("git", "config", "user.name", "t")
    (tmp_path / "notebooks").mkdir()
    path = _notebook(tmp_path / "notebooks" / "x.ipynb")
    run("git", "add", "notebooks/x.ipynb")
    subprocess.run(
        [str(HOOK)],
        cwd=tmp_path,
        check=True,
        env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"},
    )
    staged = run("git", "show", ":notebooks/x.ipynb").stdout
    assert (
        json.loads(staged)["cells"][0]["outputs"] == []
        and json.loads(path.read_text())["cells"][0]["outputs"] == []
    )
