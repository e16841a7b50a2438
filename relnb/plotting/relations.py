r"""Figures of Chapter A (and B): relation matrices as heatmaps, spectra."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from relnb._validation import as_float_array
from relnb.plotting._axes import axes_or_new, panels

__all__ = ["relation_heatmaps", "spectrum_plot"]


def relation_heatmaps(
    matrices: Mapping[str, ArrayLike],
    *,
    extent: Sequence[float] | None = None,
    xlabel: str = "$y$",
    ylabel: str = "$x$",
    suptitle: str | None = None,
    vmax: float | None = None,
    ax: Sequence[Axes] | None = None,
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
    ax : sequence of matplotlib Axes, optional
        One axes per matrix to draw on (default: a new figure with one row of panels).

    Returns
    -------
    (fig, axes)
    """
    if not matrices:
        raise ValueError("matrices must contain at least one matrix; got an empty mapping")
    fig, axes = panels(ax, len(matrices), figsize=(3.4 * len(matrices), 3.1))
    for panel, (title, value) in zip(axes, matrices.items(), strict=True):
        m = as_float_array(value, f"matrices[{title!r}]", ndim=2)
        scale = vmax if vmax is not None else (float(np.abs(m).max()) or 1.0)
        image = panel.imshow(m, origin="lower", extent=extent, vmin=-scale, vmax=scale, cmap="RdBu_r",
                          aspect="auto", interpolation="nearest")
        panel.set_title(title)
        panel.set_xlabel(xlabel)
        panel.set_ylabel(ylabel)
        panel.grid(False)
        fig.colorbar(image, ax=panel, fraction=0.046, pad=0.04)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig, axes


def spectrum_plot(
    spectra: Mapping[str, ArrayLike], *, ax: Axes | None = None, title: str = "Spectrum", ylabel: str = "eigenvalue"
) -> tuple[Figure, Axes]:
    r"""Eigenvalues in descending order, one marker series per matrix; negative values stand out below 0.

    Returns
    -------
    (fig, ax)
    """
    fig, ax = axes_or_new(ax, figsize=(5.5, 3.4))
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
