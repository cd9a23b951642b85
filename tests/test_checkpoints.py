"""Checkpoints: atomic, safe to load (no code runs), refused for another architecture."""

from __future__ import annotations

import pathlib

import pytest
import torch

from ganlens import models
from ganlens.checkpoints import (
    atomic_write_text,
    check_architecture,
    load_checkpoint,
    save_checkpoint,
)


class Evil:
    """Unpickling this would create a file: proof that code ran."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def test_round_trip(tmp_path):
    state = {
        "step": 3,
        "w": torch.arange(4.0),
        "rng": torch.Generator().get_state(),
        "cfg": {"a": [1, 2]},
    }
    path = save_checkpoint(tmp_path / "c.pt", state)
    back = load_checkpoint(path)
    assert back["step"] == 3 and torch.equal(back["w"], state["w"]) and back["cfg"] == {"a": [1, 2]}
    assert [p.name for p in tmp_path.iterdir()] == ["c.pt"]  # no temp files left


def test_loading_never_executes_code(tmp_path):
    marker = tmp_path / "pwned"
    torch.save({"format": "ganlens-checkpoint-v1", "payload": Evil(marker)}, tmp_path / "evil.pt")
    with pytest.raises(ValueError, match="weights_only=True"):
        load_checkpoint(tmp_path / "evil.pt")
    assert not marker.exists()


def test_missing_corrupt_and_foreign_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load_checkpoint(tmp_path / "nope.pt")
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a loadable ganlens checkpoint"):
        load_checkpoint(tmp_path / "bad.pt")
    torch.save({"weights": torch.ones(1)}, tmp_path / "plain.pt")
    with pytest.raises(ValueError, match="not a ganlens checkpoint"):
        load_checkpoint(tmp_path / "plain.pt")


def test_checkpoint_from_another_architecture_is_refused():
    G8, _ = models.build("sn-dcgan", channels=1, width=8, resolution=32, seed=0)
    G4, _ = models.build("sn-dcgan", channels=1, width=4, resolution=32, seed=0)
    with pytest.raises(
        ValueError, match=r"written for sn-dcgan\(.*width=4.*this model is sn-dcgan\(.*width=8"
    ):
        check_architecture(G8, G4.state_dict(), G4.spec, "ckpt (G)")
    # without specs, shapes still catch it
    with pytest.raises(ValueError, match="does not fit this model"):
        check_architecture(G8, G4.state_dict(), None, "ckpt (G)")
    check_architecture(G8, G8.state_dict(), G8.spec, "ckpt (G)")  # same architecture: fine


def test_atomic_text_write_replaces(tmp_path):
    path = atomic_write_text(tmp_path / "a.txt", "one")
    atomic_write_text(path, "two")
    assert path.read_text() == "two" and len(list(tmp_path.iterdir())) == 1


def test_old_format_is_refused_with_its_origin(tmp_path):
    torch.save({"format": "ganlens-checkpoint-v1", "G": {}, "D": {}}, tmp_path / "old.pt")
    with pytest.raises(ValueError, match="written by ganlens 0.1.*will not guess.*Retrain"):
        load_checkpoint(tmp_path / "old.pt")


def test_a_full_disk_is_one_line_naming_the_file_and_what_was_kept(tmp_path, monkeypatch):
    import errno

    from ganlens.checkpoints import WriteFailed, atomic_write_bytes

    path = save_checkpoint(tmp_path / "c.pt", {"step": 1})

    def full(*_a, **_k):  # what torch.save raises when the disk fills mid-write
        raise RuntimeError(
            "[enforce fail at inline_container.cc:672] . unexpected pos 929152 vs 929044"
        )

    monkeypatch.setattr(torch, "save", full)
    with pytest.raises(
        WriteFailed,
        match=r"could not write .*c.pt \(no space left on the device\); "
        r"the previous version is kept",
    ):
        save_checkpoint(path, {"step": 2})
    assert load_checkpoint(path)["step"] == 1 and [p.name for p in tmp_path.iterdir()] == ["c.pt"]

    class FullDisk:
        def __init__(self, path, mode):
            self.fh = open(path, mode)  # noqa: SIM115  (closed in __exit__)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    import ganlens.checkpoints as ckpt_module

    monkeypatch.setattr(ckpt_module, "open", FullDisk, raising=False)
    with pytest.raises(
        WriteFailed, match=r"history.csv \(no space left on the device\); nothing was written"
    ):
        atomic_write_bytes(tmp_path / "history.csv", b"step\n0\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.pt"]  # no temporary file left


def test_run_files_follow_the_umask_not_0600(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    try:
        path = atomic_write_text(tmp_path / "config.json", "{}")
        ckpt = save_checkpoint(tmp_path / "c.pt", {"step": 0})
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644 and stat.S_IMODE(ckpt.stat().st_mode) == 0o644
