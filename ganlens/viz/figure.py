"""LensFigure: every figure ganlens returns shows itself in a notebook, once, without pyplot.

ganlens builds figures without pyplot (they never pile up in ``plt.get_fignums()`` and are never
shown twice by a backend's end-of-cell flush). A plain :class:`~matplotlib.figure.Figure` made
that way displays in Jupyter only as ``<Figure size ...>`` text unless the user set up the
inline backend first; a :class:`LensFigure` carries its own rich representations
(``_repr_png_``, and ``_repr_svg_`` when SVG is asked for with
``%config InlineBackend.figure_formats = ["svg"]``), so returning it from a cell, or
``display(fig)``, shows the image in JupyterLab, VS Code and headless executions alike. Where
matplotlib's inline backend is active, its own printer (same format choice) takes precedence.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from matplotlib.figure import Figure


def _asked_formats() -> set[str]:
    """The figure formats the notebook asked for (``InlineBackend.figure_formats``), else PNG."""
    try:
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # no Jupyter stack: plain PNG
        return {"png"}
    formats = {str(f).lower() for f in InlineBackend.instance().figure_formats}
    return formats or {"png"}


class LensFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that displays itself as PNG (or SVG) in notebooks."""

    def _render(self, fmt: str) -> bytes:
        buf = BytesIO()
        self.savefig(buf, format=fmt, bbox_inches="tight", dpi=100 if fmt == "png" else "figure")
        return buf.getvalue()

    def _repr_png_(self) -> bytes | None:
        formats = _asked_formats()
        if "png" in formats or "retina" in formats or not formats & {"svg", "pdf", "jpg", "jpeg"}:
            return self._render("png")
        return None

    def _repr_svg_(self) -> str | None:
        return self._render("svg").decode("utf-8") if "svg" in _asked_formats() else None


def new_figure(figsize: tuple[float, float] = (8.0, 5.0), **kw: Any) -> LensFigure:
    """A new :class:`LensFigure` (constrained layout unless ``layout=`` says otherwise)."""
    kw.setdefault("layout", "constrained")
    return LensFigure(figsize=figsize, **kw)
