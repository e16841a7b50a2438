r"""One figure style for the whole book, and the figure helpers the chapters share.

Figures have a white background, dark text and colour-blind-safe colours, so
they read the same in the book's light and dark themes.  Helpers take data and
return ``(fig, ax)`` or ``(fig, axes)``; captions live in the chapter text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from relnb._validation import as_float_array

__all__ = ["BOOK_STYLE", "COLORS", "relation_heatmaps", "spectrum_plot", "use_book_style"]

#: Okabe--Ito colours (safe for colour-blind readers), in the order lines use them.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

#: The matplotlib rcParams of the book (white background, Okabe--Ito colours, modest dpi).
BOOK_STYLE: dict[str, object] = {
    "figure.dpi": 80,  # stored PNGs stay small; text stays legible
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#111111",
    "text.color": "#111111",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.framealpha": 0.9,
    "font.size": 10,
    "image.cmap": "RdBu_r",
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "svg.hashsalt": "relnb",  # deterministic ids if a figure is ever saved as SVG
}


def use_book_style() -> None:
    """Apply :data:`BOOK_STYLE` to matplotlib (called by :func:`relnb.reproducibility.start_chapter`)."""
    mpl.rcParams.update(BOOK_STYLE)


def relation_heatmaps(
    matrices: Mapping[str, ArrayLike],
    *,
    extent: Sequence[float] | None = None,
    xlabel: str = "$y$",
    ylabel: str = "$x$",
    suptitle: str | None = None,
    vmax: float | None = None,
) -> tuple[Figure, np.ndarray]:
    r"""Heatmaps of relation matrices side by side, one diverging colour scale each, centred at 0.

    Parameters
    ----------
    matrices : mapping of title -> array_like of shape (n, k)
        Entry ``[i, j]`` is :math:`r(x_i, y_j)`; rows are drawn bottom-up so
        that :math:`x` grows upwards as in a plot of :math:`r(x, y)`.
    extent : (y_min, y_max, x_min, x_max), optional
        Coordinates of the grid, for the axis ticks.
    vmax : float, optional
        One colour scale :math:`[-v_{\max}, v_{\max}]` for all panels (to compare a model with its
        target); by default each panel is scaled to its own largest absolute value.

    Returns
    -------
    (fig, axes)
    """
    if not matrices:
        raise ValueError("matrices must contain at least one matrix; got an empty mapping")
    fig, axes = plt.subplots(1, len(matrices), figsize=(3.4 * len(matrices), 3.1), squeeze=False)
    for ax, (title, value) in zip(axes[0], matrices.items(), strict=True):
        m = as_float_array(value, f"matrices[{title!r}]", ndim=2)
        scale = vmax if vmax is not None else (float(np.abs(m).max()) or 1.0)
        image = ax.imshow(m, origin="lower", extent=extent, vmin=-scale, vmax=scale, cmap="RdBu_r",
                          aspect="auto", interpolation="nearest")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(False)
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig, axes[0]


def spectrum_plot(
    spectra: Mapping[str, ArrayLike], *, ax: Axes | None = None, title: str = "Spectrum", ylabel: str = "eigenvalue"
) -> tuple[Figure, Axes]:
    r"""Eigenvalues in descending order, one marker series per matrix; negative values stand out below 0.

    Returns
    -------
    (fig, ax)
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 3.4))
    else:
        fig = ax.figure
    for (label, values), marker in zip(spectra.items(), "os^vDP*", strict=False):
        v = np.sort(as_float_array(values, f"spectra[{label!r}]", ndim=1))[::-1]
        ax.plot(np.arange(1, v.size + 1), v, marker=marker, linestyle="none", markersize=4, label=label)
    ax.axhline(0.0, color="#333333", linewidth=0.8)
    ax.set_xlabel("index $i$ (descending order)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig, ax
