r"""Figures of Chapters B and C: error curves against a size, singular functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from relnb._validation import as_float_array, as_points, check_int
from relnb.plotting._axes import axes_or_new, panels
from relnb.schmidt import SchmidtExpansion

__all__ = ["REFERENCE_PREFIXES", "plot_error_curves", "plot_singular_functions"]

#: Curves whose label starts with one of these are references (a limit, an optimum, a bound), drawn as lines
#: without markers; every other curve is a measurement, drawn with markers.
REFERENCE_PREFIXES = ("limit", "optimum", "bound")


def plot_error_curves(
    curves: Mapping[str, ArrayLike | tuple[ArrayLike, ArrayLike]],
    *,
    x: ArrayLike | None = None,
    xlabel: str,
    ylabel: str = r"$L^2(\mu\otimes\mu)$ error",
    title: str,
    logx: bool = False,
    logy: bool = True,
    bands: Mapping[str, ArrayLike] | None = None,
    connect: bool = True,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    r"""Errors against a size (rank :math:`d`, a degree, a width, a number of units), one curve per method.

    One rule for every error figure of the book: a curve whose label starts with ``"limit"``, ``"optimum"``
    or ``"bound"`` (``REFERENCE_PREFIXES``) is a reference, drawn as a line without markers (dashed for a
    limit or optimum, dotted for a bound); every other curve is a measurement, drawn with markers.

    Parameters
    ----------
    curves : mapping of label -> values
        With ``x``: each value is an array of the shape of ``x``.  Without: each value is a pair
        ``(sizes, errors)`` of its own sizes.  NaN entries are skipped.
    x : array_like, shape (k,), optional
        The sizes shared by every curve.
    xlabel, ylabel, title : str
    logx, logy : bool
        Logarithmic axes.
    bands : mapping of label -> array_like, optional
        Half-widths (e.g. a standard deviation over seeds) drawn as a shaded band around that curve.
    connect : bool
        Join a measurement's markers by a line (default), or draw the markers alone.
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    if not curves:
        raise ValueError("curves must contain at least one curve; got an empty mapping")
    shared = None if x is None else as_float_array(x, "x", ndim=1)
    fig, ax = axes_or_new(ax, figsize=(6.0, 3.8))
    markers = iter("os^vDP*Xh")
    for label, values in curves.items():
        if shared is None:
            if not isinstance(values, tuple | list) or len(values) != 2:
                raise ValueError(f"curves[{label!r}] must be a pair (sizes, errors) when x is not given")
            t = as_float_array(values[0], f"sizes of {label!r}", ndim=1)
            y = np.asarray(values[1], dtype=np.float64)
        else:
            t, y = shared, np.asarray(values, dtype=np.float64)
        if y.shape != t.shape:
            raise ValueError(f"curves[{label!r}] must have as many errors as sizes {t.shape}; got {y.shape}")
        if label.startswith(REFERENCE_PREFIXES):
            ax.plot(t, y, linestyle=":" if label.startswith("bound") else "--", linewidth=1.5, label=label)
            continue
        (line,) = ax.plot(t, y, marker=next(markers, "o"), markersize=4 if connect else 6,
                          linestyle="-" if connect else "none", linewidth=1.2, label=label)
        if bands and label in bands:
            half = np.asarray(bands[label], dtype=np.float64)
            ax.fill_between(t, np.maximum(y - half, y * 1e-3), y + half, color=line.get_color(), alpha=0.2)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig, ax


def plot_singular_functions(
    expansions: Mapping[str, SchmidtExpansion], *, points: ArrayLike, count: int = 3,
    ax: Sequence[Axes] | None = None,
) -> tuple[Figure, NDArray[Any]]:
    r"""The first singular functions :math:`a_k` (left panel) and :math:`b_k` (right panel) of expansions.

    The first expansion is drawn with solid lines, the others dashed on top of it,
    so that a numerical expansion can be compared with a closed form.

    Parameters
    ----------
    expansions : mapping of label -> SchmidtExpansion
    points : array_like, shape (n,) or (n, 1)
        Where to evaluate (one-dimensional inputs).
    count : int
        How many singular functions to draw.
    ax : sequence of two matplotlib Axes, optional
        Where to draw :math:`a_k` and :math:`b_k` (default: a new figure with two panels).

    Returns
    -------
    (fig, axes)
    """
    if not expansions:
        raise ValueError("expansions must contain at least one expansion; got an empty mapping")
    t = as_points(points, "points", dim=1)
    k = check_int(count, "count", minimum=1, maximum=min(e.rank for e in expansions.values()))
    fig, axes = panels(ax, 2, figsize=(9, 3.4), sharey=True)
    for style, (label, expansion) in zip(("-", "--", ":"), expansions.items(), strict=False):
        for panel, values in zip(axes, (expansion.left(t), expansion.right(t)), strict=True):
            for j in range(k):
                panel.plot(t[:, 0], values[:, j], linestyle=style, color=f"C{j}",
                        label=f"$k={j + 1}$, {label}")
    axes[0].set_title("left singular functions $a_k(x)$")
    axes[1].set_title("right singular functions $b_k(y)$")
    axes[0].set_xlabel("$x$")
    axes[1].set_xlabel("$y$")
    axes[0].set_ylabel("value")
    axes[1].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig, axes
