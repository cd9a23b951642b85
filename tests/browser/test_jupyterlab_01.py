"""01_equilibrium_101 in a real browser: JupyterLab on localhost, headless Chromium, Playwright.

Starts ``jupyter lab`` on 127.0.0.1 (free port, random token, temporary root and config dirs),
opens the notebook in Debian's Chromium (``/usr/bin/chromium``; Playwright's own browsers are
never downloaded), runs all cells from the Run menu, presses "step G" three times and checks that
the lab's figure changes and its G-step count rises, then presses "run" and "pause", and checks
that no cell shows an error. Screenshots land in
``test-artifacts/browser/`` (``$GANLENS_TEST_ARTIFACTS``).

Marked ``browser``: skipped with a reason where Chromium, Playwright or JupyterLab is missing,
unless ``GANLENS_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from ganlens.reproduce import NOTEBOOK_DIR, inject_parameters

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("GANLENS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = (
    Path(
        os.environ.get(
            "GANLENS_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"
        )
    )
    / "browser"
)
NOTEBOOK = "01_equilibrium_101.ipynb"
CLICKS = 3


def _require(ok: bool, reason: str) -> None:
    if ok:
        return
    if os.environ.get("GANLENS_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{reason}; GANLENS_REQUIRE_BROWSER=1 says this run must execute the browser test"
        )
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"jupyter lab not ready after {timeout} s:\n{log.read_text()[-3000:]}")


def _write_lab_settings(folder: Path) -> None:
    """Render every cell (no windowing, so all prompts exist in the DOM) and fetch no news."""
    settings = {
        "notebook-extension/tracker": {"windowingMode": "none"},
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }
    for name, values in settings.items():
        path = folder / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture
def lab_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """JupyterLab serving a copy of the notebook (parameters injected: smoke, OUT in tmp)."""
    _require(
        Path(CHROMIUM).is_file(), f"{CHROMIUM} not found (apt-get install chromium chromium-driver)"
    )
    _require(
        importlib.util.find_spec("playwright") is not None,
        "playwright not installed (pip install -e '.[dev]')",
    )
    _require(
        importlib.util.find_spec("jupyterlab") is not None,
        "jupyterlab not installed (pip install -e '.[dev]')",
    )
    root = tmp_path / "root"
    root.mkdir()
    nb = nbformat.read(NOTEBOOK_DIR / NOTEBOOK, as_version=4)
    nbformat.write(
        inject_parameters(nb, PRESET="smoke", OUT=str(tmp_path / "runs")), root / NOTEBOOK
    )
    _write_lab_settings(tmp_path / "settings")
    port, token = _free_port(), os.urandom(16).hex()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "jupyter.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:  # CI containers run as root; Jupyter refuses that without the flag
        cmd.append("--allow-root")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True
        )  # its own group: kernels die with it
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(f"{base}/api/status?token={token}", proc, log)
        yield f"{base}/lab/tree/{NOTEBOOK}?token={token}", root
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group (server and kernels), SIGKILL after 20 s."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _prompts(page) -> list[str]:
    return page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()


def _run_all(page, timeout: float = 300) -> None:
    """Run > Run All Cells, then wait until every code cell has an execution number."""
    page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=120_000)
    deadline, clicked = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        prompts = [p.strip() for p in _prompts(page)]
        if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
            return
        if page.get_by_text("Traceback (most recent call last)").count():
            break
        if clicked is None or (time.monotonic() - clicked > 20 and set(prompts) == {"[ ]:"}):
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
            clicked = time.monotonic()  # clicked again only if nothing started in 20 s
        time.sleep(1.0)
    pytest.fail(f"cells did not all run within {timeout} s; prompts: {_prompts(page)}")


def _g_steps(page) -> int:
    text = page.locator(".ganlens-lab-status").inner_text()
    return int(re.search(r"G steps (\d+)", text).group(1))


def _run_then_pause(page) -> None:
    """Press run: training steps arrive from the kernel's run thread; press pause: they stop."""
    start = _g_steps(page)
    lab_button = page.locator(".ganlens-lab button")
    lab_button.filter(has_text=re.compile(r"^\s*run\s*$")).click()
    status = page.locator(".ganlens-lab-status").element_handle()
    page.wait_for_function(
        "([el, n]) => Number(/G steps (\\d+)/.exec(el.innerText)[1]) >= n",
        arg=[status, start + 10],
        timeout=60_000,
    )
    lab_button.filter(has_text=re.compile(r"^\s*pause\s*$")).click()
    lab_button.filter(has_text=re.compile(r"^\s*run\s*$")).wait_for(timeout=30_000)
    paused = _g_steps(page)
    page.wait_for_timeout(3000)
    assert _g_steps(page) == paused, "training went on after pause"


def test_step_g_in_jupyterlab(lab_server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, root = lab_server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1100},
        )
        context.set_default_timeout(60_000)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(url)
            page.locator(".jp-NotebookPanel").wait_for()
            _run_all(page)
            figure = page.locator(".ganlens-lab-figure")
            page.locator(".ganlens-lab").evaluate("el => el.scrollIntoView({block: 'start'})")
            page.screenshot(path=ARTIFACTS / "01_after_run_all.png")
            before_png, before_steps = figure.screenshot(), _g_steps(page)
            step_g = page.get_by_role("button", name="step G", exact=True)
            for _ in range(CLICKS):
                src = figure.get_attribute("src")
                step_g.click()
                page.wait_for_function(
                    "([el, old]) => el.getAttribute('src') !== old",
                    arg=[figure.element_handle(), src],
                    timeout=60_000,
                )
            page.wait_for_function(
                "([el, n]) => new RegExp('G steps ' + n + '\\\\b').test(el.innerText)",
                arg=[page.locator(".ganlens-lab-status").element_handle(), before_steps + CLICKS],
                timeout=60_000,
            )
            after_png = figure.screenshot()
            page.locator(".ganlens-lab").evaluate("el => el.scrollIntoView({block: 'start'})")
            page.screenshot(path=ARTIFACTS / "01_after_step_g.png")
            (ARTIFACTS / "01_figure_before.png").write_bytes(before_png)
            (ARTIFACTS / "01_figure_after.png").write_bytes(after_png)
            assert after_png != before_png, "the lab's figure did not change after pressing step G"
            assert _g_steps(page) == before_steps + CLICKS
            _run_then_pause(page)
            assert page.get_by_text("Traceback (most recent call last)").count() == 0
            assert page.get_by_text("Error displaying widget").count() == 0
            page.keyboard.press("Control+s")
            page.wait_for_timeout(2000)
        finally:
            context.close()
    saved = nbformat.read(root / NOTEBOOK, as_version=4)
    errors = [
        o
        for c in saved.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert not errors, f"cells raised: {[(o.ename, o.evalue) for o in errors]}"
    assert sum(bool(c.outputs) for c in saved.cells if c.cell_type == "code") >= 8
    shutil.copy(ARTIFACTS / "01_after_step_g.png", tmp_path / "01_after_step_g.png")
