from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.figure import Figure

from ganlens.viz import consistency_plot, overlay_grid, robustness_plot


def test_overlay_grid_layout_titles_and_colorbar():
    images = torch.rand(3, 1, 8, 8) * 2 - 1
    maps = {"D.blocks.0": torch.rand(3, 4, 4), "D.blocks.1": torch.rand(3, 2, 2)}
    fig = overlay_grid(images, maps, row_labels=["real", "real", "fake"], title="t")
    assert isinstance(fig, Figure)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["image", "D.blocks.0\n(4x4)", "D.blocks.1\n(2x2)"]
    assert [fig.axes[i * 3].get_ylabel() for i in range(3)] == ["real", "real", "fake"]
    assert any(ax.get_ylabel() == "attention (min-max per map)" for ax in fig.axes)  # colour bar
    heat = fig.axes[1].images[1].get_array()
    assert heat.shape == (8, 8) and np.isclose(heat.min(), 0) and np.isclose(heat.max(), 1)
    assert plt.get_fignums() == []


def test_overlay_grid_checks_counts():
    with pytest.raises(ValueError, match="2 maps for 3 images"):
        overlay_grid(torch.zeros(3, 1, 8, 8), {"D.x": torch.rand(2, 4, 4)})


def test_agreement_plots_draw_means():
    df = pd.DataFrame(
        {
            "sigma": [0.0, 0.0, 0.5, 0.5],
            "layer": ["L"] * 4,
            "image": [0, 1, 0, 1],
            "pearson": [1.0, 1.0, 0.6, 0.8],
            "top20_overlap": [1.0, 1.0, 0.5, 0.5],
        }
    )
    fig = robustness_plot(df)
    line = fig.axes[0].lines[0]
    assert list(line.get_ydata()) == pytest.approx([1.0, 0.7])
    assert "noise" in fig.axes[0].get_xlabel()
    fig2 = consistency_plot(df.rename(columns={"sigma": "step"}))
    assert "step" in fig2.axes[0].get_xlabel()
    with pytest.raises(ValueError, match="'step' column"):
        consistency_plot(df)
