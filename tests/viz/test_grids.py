import os

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.colors import same_color
from matplotlib.figure import Figure
from PIL import Image

from ganlens.viz import FAKE_COLOR, REAL_COLOR, make_grid, sample_grid, save_grid, toy_scatter

# Two 1x2x2 images, laid out with padding 1 into a 4x7 grid:
#   P P P P P P P
#   P a b P e f P
#   P c d P g h P
#   P P P P P P P
TWO_U8 = np.array([[[[10, 20], [30, 40]]], [[[50, 60], [70, 80]]]], dtype=np.uint8)


def _expected(a, b, c, d, e, f, g, h, pad):
    return np.array(
        [[pad] * 7, [pad, a, b, pad, e, f, pad], [pad, c, d, pad, g, h, pad], [pad] * 7],
        dtype=np.uint8,
    )


def test_make_grid_uint8_exact():
    grid = make_grid(TWO_U8, padding=1, pad_value=0.0)
    assert grid.shape == (4, 7, 3) and grid.dtype == np.uint8
    want = _expected(10, 20, 30, 40, 50, 60, 70, 80, pad=0)
    for ch in range(3):  # gray repeated to three identical channels
        np.testing.assert_array_equal(grid[..., ch], want)


def test_make_grid_float_exact():
    # -1 -> 0, 1 -> 255, 0 -> 128 (half up), 0.5 -> 191, -0.5 -> 64
    imgs = np.array([[[[-1.0, 1.0], [0.0, 0.5]]], [[[-0.5, 1.0], [-1.0, 0.0]]]], np.float32)
    grid = make_grid(imgs, padding=1, pad_value=1.0)
    want = _expected(0, 255, 128, 191, 64, 255, 0, 128, pad=255)
    for ch in range(3):
        np.testing.assert_array_equal(grid[..., ch], want)


def test_make_grid_clips_small_overshoot():
    imgs = np.full((1, 1, 1, 1), 1.005, np.float64)
    assert make_grid(imgs, padding=0)[0, 0, 0] == 255


def test_make_grid_torch_matches_numpy():
    imgs = torch.linspace(-1, 1, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    np.testing.assert_array_equal(make_grid(imgs), make_grid(imgs.numpy()))
    np.testing.assert_array_equal(make_grid(torch.from_numpy(TWO_U8)), make_grid(TWO_U8))
    np.testing.assert_array_equal(
        make_grid(imgs.to(torch.bfloat16)), make_grid(imgs.to(torch.bfloat16).float())
    )


def test_make_grid_rgb_channels_and_wrapping():
    imgs = np.zeros((3, 3, 2, 2), np.uint8)
    imgs[:, 0], imgs[:, 1], imgs[:, 2] = 10, 20, 30
    imgs[2] += 1
    grid = make_grid(imgs, nrow=2, padding=1, pad_value=0.0)
    assert grid.shape == (2 * 3 + 1, 2 * 3 + 1, 3)
    np.testing.assert_array_equal(grid[1, 1], [10, 20, 30])  # image 0, top left
    np.testing.assert_array_equal(grid[4, 1], [11, 21, 31])  # image 2 wraps to row 2
    np.testing.assert_array_equal(grid[4, 4], [0, 0, 0])  # unused cell is padding


BAD_SHAPES = [(2, 2, 2), (2, 2, 4, 4), (2, 4, 4, 3), (0, 1, 2, 2), (1, 1, 2, 2, 1)]


@pytest.mark.parametrize("shape", BAD_SHAPES)
def test_make_grid_bad_shapes(shape):
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        make_grid(np.zeros(shape, np.uint8))


def test_make_grid_hints():
    with pytest.raises(ValueError, match="channels-last"):
        make_grid(np.zeros((2, 4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match=r"images\[None\]"):
        make_grid(np.zeros((3, 4, 4), np.uint8))


def test_make_grid_bad_ranges_and_dtypes():
    with pytest.raises(ValueError, match=r"range over \[0, 255\].*floats in \[-1, 1\] or uint8"):
        make_grid(np.linspace(0, 255, 8).reshape(2, 1, 2, 2))
    with pytest.raises(ValueError, match="int64"):
        make_grid(np.zeros((2, 1, 2, 2), np.int64))
    with pytest.raises(ValueError, match="NaN"):
        make_grid(np.full((2, 1, 2, 2), np.nan))
    with pytest.raises(ValueError, match="nrow"):
        make_grid(TWO_U8, nrow=0)
    with pytest.raises(ValueError, match="pad_value"):
        make_grid(TWO_U8, pad_value=255)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_save_grid_writes_png_atomically(tmp_path):
    imgs = torch.rand(5, 3, 8, 8) * 2 - 1
    out = save_grid(imgs, tmp_path / "sub" / "grid.png", nrow=4)
    assert out == tmp_path / "sub" / "grid.png"
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (4 * 10 + 2, 2 * 10 + 2)
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), make_grid(imgs, nrow=4))
    save_grid(TWO_U8, out)  # replaces the existing file
    with Image.open(out) as im:
        assert im.size == (2 * (2 + 2) + 2, 2 + 2 + 2)
    assert os.listdir(out.parent) == ["grid.png"]  # no temp files left
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_save_grid_failures_leave_nothing(tmp_path):
    with pytest.raises(ValueError, match=r"\.png"):
        save_grid(TWO_U8, tmp_path / "grid.jpg")
    with pytest.raises(ValueError):
        save_grid(np.full((1, 1, 2, 2), 3.0), tmp_path / "grid.png")
    assert os.listdir(tmp_path) == []


def test_sample_grid(user_ax):
    fig = sample_grid(TWO_U8, title="two")
    assert isinstance(fig, Figure) and plt.get_fignums() == [user_ax.figure.number]
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), make_grid(TWO_U8))
    assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
    assert ax.get_title() == "two"
    assert sample_grid(TWO_U8).axes[0].get_title() == "Samples (2)"
    assert sample_grid(TWO_U8, ax=user_ax) is user_ax.figure
    assert len(user_ax.images) == 1 and plt.get_fignums() == [user_ax.figure.number]


def test_toy_scatter(user_ax):
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(30, 2)), torch.randn(20, 2)
    fig = toy_scatter(real, fake)
    ax = fig.axes[0]
    by_gid = {c.get_gid(): c for c in ax.collections}
    np.testing.assert_array_equal(by_gid["real"].get_offsets(), real)
    np.testing.assert_allclose(by_gid["fake"].get_offsets(), fake.numpy())
    assert same_color(by_gid["real"].get_facecolor()[0][:3], REAL_COLOR)
    assert same_color(by_gid["fake"].get_facecolor()[0][:3], FAKE_COLOR)
    assert ax.get_aspect() == 1.0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["real (n=30)", "fake (n=20)"]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    before = plt.get_fignums()
    assert toy_scatter(real, fake, ax=user_ax, title="t") is user_ax.figure
    assert user_ax.get_title() == "t" and plt.get_fignums() == before


def test_toy_scatter_bad_shape():
    with pytest.raises(ValueError, match=r"fake must be 2-D points of shape \(N, 2\)"):
        toy_scatter(np.zeros((3, 2)), np.zeros((3, 3)))
