"""FID-N tracked inside a run: fid.csv beside history.csv, resumable like the rest."""

from __future__ import annotations

import pytest

from ganlens import TrackConfig, load_or_train

from ..conftest import TINY

CFG = TINY.replace(
    steps=4,
    sample_every=4,
    track_pool=16,
    di_repeats=5,
    final_pool=16,
    fid_every=2,
    fid_n=8,
    seed=0,
)


@pytest.mark.slow
def test_fid_csv_written_and_labelled_with_n(tmp_path, inception_path, monkeypatch):
    monkeypatch.setenv("GANLENS_INCEPTION", str(inception_path))
    result = load_or_train(CFG, tmp_path, progress=False, report=False)
    fid = result.run.read_table("fid.csv")
    assert fid["step"].tolist() == [0, 2, 4]
    assert "fid_8" in fid.columns and fid["fid_8"].gt(0).all()
    assert result.run.read_history()["step"].tolist() == [0, 2, 4]


def test_fid_settings_are_validated():
    with pytest.raises(ValueError, match="fid_every"):
        TrackConfig(fid_every=-1)
