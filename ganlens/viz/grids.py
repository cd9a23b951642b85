"""Image grids and 2-D point clouds: what G makes, shown beside what is real.

Images inside ganlens are floats in [-1, 1]; this module is one of the boundaries where they
become uint8 pixels (design: "conversion happens at the data and viz boundaries only").
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Union

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

from ganlens.checkpoints import atomic_write_bytes
from ganlens.viz.style import FAKE_COLOR, REAL_COLOR, axes_or_new, style

if TYPE_CHECKING:
    import torch

ArrayLike = Union["torch.Tensor", np.ndarray]

_RANGE_SLACK = 1.01  # float images may overshoot [-1, 1] a little (e.g. a tanh-free G); clipped


def _to_numpy(x: ArrayLike) -> np.ndarray:
    if hasattr(x, "detach"):  # a torch.Tensor; duck-typed so viz does not import torch
        t = x.detach().cpu()
        return (t.float() if t.is_floating_point() else t).numpy()
    return np.asarray(x)


def _shape_error(shape: tuple[int, ...]) -> ValueError:
    hint = ""
    if len(shape) == 3:
        hint = " For one image, pass images[None]."
    elif len(shape) == 4 and shape[-1] in (1, 3):
        hint = " This looks channels-last (N, H, W, C); permute it to (N, C, H, W)."
    return ValueError(
        f"images must have shape (N, C, H, W) with C in {{1, 3}} and N, H, W > 0; "
        f"got shape {shape}.{hint}"
    )


def _to_uint8(images: ArrayLike) -> np.ndarray:
    """(N, C, H, W) uint8 from uint8 or float-in-[-1, 1] images, validated."""
    arr = _to_numpy(images)
    if arr.ndim != 4 or arr.shape[1] not in (1, 3) or 0 in arr.shape:
        raise _shape_error(arr.shape)
    if arr.dtype == np.uint8:
        return arr
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(
            f"images have dtype {arr.dtype}; ganlens images are floats in [-1, 1] or uint8"
        )
    if not np.isfinite(arr).all():
        raise ValueError("images contain NaN or inf; ganlens images are floats in [-1, 1] or uint8")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < -_RANGE_SLACK or hi > _RANGE_SLACK:
        raise ValueError(
            f"float images range over [{lo:.4g}, {hi:.4g}]; ganlens images are floats in [-1, 1] "
            f"or uint8 (map [0, 1] images with x * 2 - 1)"
        )
    # -1 -> 0, 1 -> 255, rounding half up (0.0 -> 128).
    return np.floor((np.clip(arr, -1.0, 1.0) + 1.0) * 127.5 + 0.5).astype(np.uint8)


def make_grid(
    images: ArrayLike, nrow: int = 8, padding: int = 2, pad_value: float = 1.0
) -> np.ndarray:
    """Tile a batch of images into one RGB picture.

    Images are laid out row by row, ``nrow`` per row (the torchvision convention), with
    ``padding`` pixels of padding around and between them; unused cells of the last row are
    padding too.

    Args:
        images: (N, C, H, W), C in {1, 3}, uint8 or float in [-1, 1]; a torch tensor or a numpy
            array. One channel is repeated to gray RGB. Floats up to 0.01 outside [-1, 1] are
            clipped.
        nrow: images per row of the grid.
        padding: pixels between images and around the border.
        pad_value: brightness of the padding in [0, 1] (0 black, 1 white), whatever the input
            dtype.

    Returns:
        The grid, shape (rows * (H + padding) + padding, cols * (W + padding) + padding, 3), uint8,
        with cols = min(nrow, N) and rows = ceil(N / cols).

    Raises:
        ValueError: a bad shape, dtype or value range, or a bad ``nrow``/``padding``/``pad_value``.
    """
    if nrow < 1 or padding < 0 or not 0.0 <= pad_value <= 1.0:
        raise ValueError(
            f"need nrow >= 1, padding >= 0 and pad_value in [0, 1]; "
            f"got nrow={nrow}, padding={padding}, pad_value={pad_value}"
        )
    arr = _to_uint8(images)
    n, c, h, w = arr.shape
    if c == 1:
        arr = np.repeat(arr, 3, axis=1)
    cols = min(nrow, n)
    rows = math.ceil(n / cols)
    shape = (rows * (h + padding) + padding, cols * (w + padding) + padding, 3)
    grid = np.full(shape, round(pad_value * 255), dtype=np.uint8)
    for i, img in enumerate(arr):
        r, col = divmod(i, cols)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        grid[top : top + h, left : left + w] = img.transpose(1, 2, 0)
    return grid


def sample_grid(
    images: ArrayLike, nrow: int = 8, ax: Axes | None = None, title: str | None = None
) -> Figure:
    """Show a batch of images as one grid, without axis ticks.

    Args:
        images: (N, C, H, W), C in {1, 3}, uint8 or float in [-1, 1] (see :func:`make_grid`).
        nrow: images per row.
        ax: Axes to draw into; None makes a new figure sized to the grid.
        title: the title; None uses ``"Samples (N)"``.

    Returns:
        The figure holding the grid (``ax``'s figure when ``ax`` is given).

    Raises:
        ValueError: as :func:`make_grid`.
    """
    arr = _to_numpy(images)
    grid = make_grid(arr, nrow=nrow)
    n = arr.shape[0]
    height, width = grid.shape[:2]
    with style():
        fig, ax = axes_or_new(ax, figsize=(6.0, min(12.0, 6.0 * height / width + 0.5)))
        ax.imshow(grid, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_title(f"Samples ({n})" if title is None else title)
    return fig


def save_grid(images: ArrayLike, path: str | os.PathLike[str], nrow: int = 8) -> Path:
    """Write a grid of images to a PNG file, atomically.

    The PNG is written to a temporary file in the same folder and moved into place with
    :func:`os.replace`, so a reader never sees a half-written file. Missing folders are created.

    Args:
        images: (N, C, H, W), C in {1, 3}, uint8 or float in [-1, 1] (see :func:`make_grid`).
        path: where to write; must end in ``.png``.
        nrow: images per row.

    Returns:
        The path written.

    Raises:
        ValueError: ``path`` does not end in ``.png``, or as :func:`make_grid`.
    """
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"save_grid writes PNG files; path must end in .png, got {str(path)!r}")
    grid = make_grid(images, nrow=nrow)
    buf = io.BytesIO()
    Image.fromarray(grid).save(buf, format="PNG")
    return atomic_write_bytes(path, buf.getvalue())


def _points(x: ArrayLike, name: str) -> np.ndarray:
    arr = _to_numpy(x)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must be 2-D points of shape (N, 2); got shape {arr.shape}")
    return arr.astype(np.float64)


def toy_scatter(
    real: ArrayLike, fake: ArrayLike, ax: Axes | None = None, title: str | None = None
) -> Figure:
    """Real and generated 2-D points in one scatter plot, with equal aspect.

    Args:
        real: (N, 2) real points; a torch tensor or a numpy array.
        fake: (M, 2) generated points.
        ax: Axes to draw into; None makes a new figure.
        title: the title; None uses ``"Real vs generated points"``.

    Returns:
        The figure holding the plot (``ax``'s figure when ``ax`` is given).

    Raises:
        ValueError: ``real`` or ``fake`` is not of shape (N, 2).
    """
    real_xy, fake_xy = _points(real, "real"), _points(fake, "fake")
    with style():
        fig, ax = axes_or_new(ax, figsize=(6.0, 6.0))
        ax.scatter(
            real_xy[:, 0],
            real_xy[:, 1],
            s=10,
            alpha=0.5,
            color=REAL_COLOR,
            edgecolors="none",
            label=f"real (n={len(real_xy)})",
            gid="real",
        )
        ax.scatter(
            fake_xy[:, 0],
            fake_xy[:, 1],
            s=10,
            alpha=0.5,
            color=FAKE_COLOR,
            edgecolors="none",
            label=f"fake (n={len(fake_xy)})",
            gid="fake",
        )
        ax.set_aspect("equal", adjustable="datalim")
        legend = ax.legend(loc="upper right", fontsize="small", markerscale=2.0)
        for handle in legend.legend_handles:  # opaque swatches, whatever the point alpha
            handle.set_alpha(1.0)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title("Real vs generated points" if title is None else title)
    return fig
