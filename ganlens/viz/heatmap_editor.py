"""EqGAN-SA Fig. 5, live: sliders move the heatmaps of a trained G and the samples follow.

Needs ``ipywidgets`` (``pip install "ganlens[notebooks]"``). The latents stay fixed; the level-0
(4x4) centre (and, with "all levels", the finer centres with it) moves to the slider position;
"level 1 x (8×8)" moves only the two 8x8 centres (the paper's Fig. 5 (d)). Level names are the
paper's (level 0 = 4x4, one centre); the code's heatmap levels count from 1.
"""

from __future__ import annotations

import ipywidgets as w
import torch
from matplotlib.figure import Figure

from ganlens.lens import GANLens
from ganlens.methods.eqgan_sa.editing import generate_with, params_at
from ganlens.methods.eqgan_sa.heatmaps import HeatmapParams, sample_params
from ganlens.viz.heatmaps import heatmap_sweep
from ganlens.viz.style import figure_png


def _slider(
    description: str, value: float = 0.0, lo: float = -0.9, hi: float = 0.9
) -> w.FloatSlider:
    return w.FloatSlider(
        value=value, min=lo, max=hi, step=0.05, description=description, continuous_update=False
    )


class HeatmapEditor:
    """Sliders for the heatmaps of an EqGAN-SA G, and the samples they give (display ``.widget``).

    Args:
        lens: a lens whose G is an EqGAN-SA :class:`SpatialGenerator`.
        n: samples shown (fixed latents).
        seed: seed of the latents and of the starting heatmaps.
        dpi: resolution of the figure.
    """

    def __init__(self, lens: GANLens, n: int = 4, seed: int = 0, dpi: int = 72) -> None:
        self.lens, self.dpi = lens, dpi
        g = torch.Generator().manual_seed(seed)
        self.z, self.y = lens.sample_latent(n, g), lens.sample_labels(n, g)
        self.base = sample_params(n, g, lens.G.sampler.kind)
        self.cy, self.cx = _slider("centre y"), _slider("centre x")
        self.shift2 = _slider("level 1 x (8×8)", 0.0, -0.5, 0.5)
        self.follow = w.ToggleButtons(options=["all levels", "level 0 only"], value="all levels")
        self.image = w.Image(format="png")
        self.renders = 0
        for control in (self.cy, self.cx, self.shift2, self.follow):
            control.observe(lambda _change: self.refresh(), names="value")
        self.widget = w.VBox(
            [w.HBox([self.cy, self.cx]), w.HBox([self.shift2, self.follow]), self.image]
        )
        self.refresh()

    def params(self) -> HeatmapParams:
        """The heatmap parameters the controls describe now."""
        moved = params_at(self.base, (self.cy.value, self.cx.value))
        if self.follow.value == "level 0 only":
            moved = HeatmapParams((moved.centers[0], *self.base.centers[1:]), self.base.widths)
        return moved.moved((0.0, self.shift2.value), levels=(1,))

    def figure(self) -> Figure:
        """The current heatmap and samples."""
        images, maps = generate_with(self.lens, self.z, self.params(), self.y)
        pos = [(self.cy.value, self.cx.value)]
        return heatmap_sweep(
            images[None], maps[None], pos, n_show=len(self.z), title="EqGAN-SA heatmap editor"
        )

    def refresh(self) -> None:
        """Re-render after a control changed."""
        self.image.value = figure_png(self.figure(), self.dpi)
        self.renders += 1
