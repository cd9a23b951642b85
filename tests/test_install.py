"""An install that works outside the checkout: package data, extras that match use, the wheel.

The fast tests read pyproject.toml, the Makefile, the README and the lookup of shipped files; the
slow one builds the wheel, installs it into a fresh venv in ``tmp_path`` (torch==2.13.0 first)
and runs ``ganlens`` from another folder, as .ci/run does.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

import ganlens
from ganlens.data import registry

tomllib = pytest.importorskip("tomllib")

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
TEST_TOOLS = {"pytest", "ruff", "playwright"}
ARTIFACTS = Path(os.environ.get("GANLENS_TEST_ARTIFACTS", REPO / "test-artifacts"))


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement (``"ganlens[metrics]"`` -> ganlens)."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def _extras_of(requirement: str) -> list[str]:
    found = re.search(r"\[([^\]]+)\]", requirement)
    return [e.strip() for e in found.group(1).split(",")] if found else []


def closure(*extras: str) -> set[str]:
    """Distributions that ``pip install "ganlens[extras]"`` asks for (core deps included)."""
    project = PYPROJECT["project"]
    names = {_name(r) for r in project["dependencies"]}
    todo, seen = list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for req in project["optional-dependencies"][extra]:
            if _name(req) == "ganlens":
                todo += _extras_of(req)
            else:
                names.add(_name(req))
    return names


def _imports(source: str) -> set[str]:
    """Top-level modules a Python source imports (absolute imports, at any depth)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"__future__", "ganlens"}


def _distributions(modules: set[str]) -> dict[str, set[str]]:
    dists = importlib.metadata.packages_distributions()
    missing = sorted(m for m in modules if m not in dists)
    assert not missing, f"not installed, so their distributions are unknown: {missing}"
    return {m: {_name(d) for d in dists[m]} for m in modules}


def _notebook_imports() -> set[str]:
    found = set()
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        found |= _imports(
            "\n".join(
                line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))
            )
        )
    return found


def _uncovered(modules: set[str], allowed: set[str]) -> dict[str, set[str]]:
    return {m: d for m, d in _distributions(modules).items() if not d & allowed}


def test_notebooks_extra_brings_everything_the_notebooks_import():
    notebooks = closure("notebooks")
    assert {
        "jupyterlab",
        "ipywidgets",
        "ipykernel",
        "papermill",
        "torchmetrics",
        "scipy",
    } <= notebooks
    assert not _uncovered(_notebook_imports(), notebooks)


def test_all_brings_every_module_ganlens_imports():
    modules = set()
    for path in (REPO / "ganlens").rglob("*.py"):
        modules |= _imports(path.read_text())
    assert {"ipywidgets", "torchmetrics"} <= modules  # the optional ones really are scanned
    assert not _uncovered(modules, closure("all"))
    assert closure("all") >= closure("notebooks") | closure("metrics")


def test_test_tools_only_in_dev_and_make_setup_installs_what_the_tests_import():
    for extra in ("metrics", "notebooks", "all"):
        assert not closure(extra) & TEST_TOOLS, extra
    assert not {_name(r) for r in PYPROJECT["project"]["dependencies"]} & TEST_TOOLS
    assert closure("dev") >= closure("all") | TEST_TOOLS
    extras = re.search(
        r"^EXTRAS\s*\?=\s*(\S+)", (REPO / "Makefile").read_text(), re.MULTILINE
    ).group(1)
    installed = closure(*extras.split(","))
    modules = set()
    for path in (REPO / "tests").rglob("*.py"):
        modules |= _imports(path.read_text())
    modules -= {"conftest", "crash_worker", "test_reproduce"}  # the tests' own helpers
    assert not _uncovered(modules, installed), "make setup misses what the tests import"


def test_the_version_has_one_source():
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ganlens.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", ganlens.__version__)


def test_installed_copies_are_found_before_the_checkout(tmp_path, monkeypatch):
    site = tmp_path / "site-packages" / "ganlens"
    checkout = tmp_path / "checkout"
    monkeypatch.setattr(registry, "package_dir", lambda: site)
    monkeypatch.setattr(registry, "repo_root", lambda: checkout)
    assert registry.shipped_path("notebooks") is None
    (checkout / "notebooks").mkdir(parents=True)
    assert registry.shipped_path("notebooks") == checkout / "notebooks"
    (site / "_bundled" / "notebooks").mkdir(parents=True)
    assert registry.shipped_path("notebooks") == site / "_bundled" / "notebooks"


def test_mnist5k_is_loaded_from_the_installed_package(tmp_path, monkeypatch):
    site = tmp_path / "site-packages" / "ganlens"
    monkeypatch.setattr(registry, "package_dir", lambda: site)
    monkeypatch.setattr(registry, "repo_root", lambda: tmp_path / "no-checkout")
    with pytest.raises(FileNotFoundError) as err:
        registry.load("mnist5k")
    text = str(err.value)
    assert str(site / "_bundled" / "data" / "mnist5k.npz") in text
    assert str(tmp_path / "no-checkout" / "data" / "mnist5k.npz") in text
    assert "shared/data/mnist5k.npz" in text
    (site / "_bundled" / "data").mkdir(parents=True)
    shutil.copy(REPO / "data" / "mnist5k.npz", site / "_bundled" / "data")
    ds = registry.load("mnist5k", classes=["3"])
    assert len(ds) == 500 and ds.source == str(site / "_bundled" / "data" / "mnist5k.npz")


def _readme_section(title: str) -> str:
    text = (REPO / "README.md").read_text()
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_readme_quick_start_and_install():
    quick = _readme_section("Quick start")
    first_block = re.search(r"```bash\n(.*?)```", quick, re.DOTALL).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    install = _readme_section("Install")
    assert 'pip install ".[notebooks]"' in install and "jupyter lab" in install
    assert "CPU" in install and "CUDA" in install and "--index-url" in install
    assert "ganlens notebooks" in install
    first_paragraph = (REPO / "README.md").read_text().split("\n\n")[1]
    assert "to come" not in first_paragraph


def _source_copy(dest: Path) -> Path:
    """The files a clone would have (tracked, plus new files not ignored), without build/."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, listed):
        if (REPO / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, dest / rel)
    return dest


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs a git checkout to list the files a wheel is built from")
    t0 = time.perf_counter()
    src = _source_copy(tmp_path / "src")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["GANLENS_CACHE"] = str(tmp_path / "cache")
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path / "dist"),
            str(src),
        ],
        tmp_path,
        env,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("ganlens-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ganlens/_bundled/data/mnist5k.npz" in names
    assert {
        f"ganlens/_bundled/notebooks/{p.name}"
        for p in (REPO / "notebooks").iterdir()
        if p.suffix in (".ipynb", ".md")
    } <= set(names)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile"]
    for target in ("torch==2.13.0", str(wheel)):  # torch first: the CPU wheel on disk
        done = _run([*pip, target], tmp_path, env)
        assert done.returncode == 0, done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ganlens_cmd = str(venv / "bin" / "ganlens")
    version = _run([ganlens_cmd, "--version"], elsewhere, env)
    assert version.stdout.strip() == f"ganlens {ganlens.__version__}", version.stderr
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import ganlens; print(ganlens.__file__)"],
        elsewhere,
        env,
    )
    assert where.stdout.startswith(str(venv)), where.stdout  # the wheel, not the checkout
    demo = _run(
        [ganlens_cmd, "demo", "--scale", "smoke", "--out", str(tmp_path / "demo"), "--no-progress"],
        elsewhere,
        env,
    )
    assert demo.returncode == 0, demo.stderr
    assert "final DI = " in demo.stdout and (tmp_path / "demo" / "report.md").is_file()
    copied = _run([ganlens_cmd, "notebooks", str(tmp_path / "nbs")], elsewhere, env)
    assert copied.returncode == 0, copied.stderr
    for path in [*(REPO / "notebooks").glob("*.ipynb"), REPO / "notebooks" / "README.md"]:
        assert (tmp_path / "nbs" / path.name).read_bytes() == path.read_bytes()
    # reproduce finds the installed notebooks; without the notebooks extra it says what to install
    unknown = _run([ganlens_cmd, "reproduce", "nope", "--out", str(tmp_path / "r")], elsewhere, env)
    assert unknown.returncode == 2 and "matches none of: 00_quickstart" in unknown.stderr
    extra = _run([ganlens_cmd, "reproduce", "00", "--out", str(tmp_path / "r")], elsewhere, env)
    assert extra.returncode == 2 and 'pip install "ganlens[notebooks]"' in extra.stderr
    assert "Traceback" not in extra.stderr, extra.stderr
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "wheel_check.json").write_text(
        json.dumps(
            {
                "wheel": wheel.name,
                "bytes": wheel.stat().st_size,
                "seconds": round(time.perf_counter() - t0, 1),
            }
        )
        + "\n"
    )
