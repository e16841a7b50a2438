r"""Figures of Chapter D: contour sets of an order, value sets with their gaps, utilities along paths,
intervals."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike

from relnb._validation import as_float_array, check_int
from relnb.debreu import OrderFn, relation_matrix
from relnb.plotting._axes import axes_or_new
from relnb.preorder import _as_real_list

__all__ = ["plot_contour_sets", "plot_intervals", "plot_paths", "plot_value_sets"]


def plot_contour_sets(
    relation: OrderFn,
    *,
    point: ArrayLike,
    resolution: int = 201,
    ax: Axes | None = None,
    title: str = "Contour sets",
) -> tuple[Figure, Axes]:
    r"""Lower set :math:`\{y \prec x\}`, indifference set and upper set :math:`\{x \prec y\}` of a point of the square.

    Parameters
    ----------
    relation : callable
        ``relation(A, B)`` is the boolean matrix of :math:`a \preccurlyeq b` for points in the plane.
    point : array_like, shape (2,)
        The point :math:`x`.
    resolution : int
        Grid points per axis.

    Returns
    -------
    (fig, ax)
    """
    x = as_float_array(point, "point", ndim=1)
    if x.shape[0] != 2:
        raise ValueError(f"point must be a point of the plane (2 coordinates); got shape {x.shape}")
    n = check_int(resolution, "resolution", minimum=2)
    t = np.linspace(0.0, 1.0, n)
    grid = np.stack(np.meshgrid(t, t), axis=-1).reshape(-1, 2)  # rows: y2 increases slowest
    up = relation_matrix(relation, x[None, :], grid)[0]
    down = relation_matrix(relation, grid, x[None, :])[:, 0]
    code = np.where(up & down, 1, np.where(up, 2, 0)).reshape(n, n)
    fig, ax = axes_or_new(ax, figsize=(3.6, 3.4))
    cmap = ListedColormap(["#56B4E9", "#000000", "#E69F00"])
    ax.imshow(code, origin="lower", extent=(0, 1, 0, 1), cmap=cmap, vmin=0, vmax=2, interpolation="nearest")
    ax.plot([x[0]], [x[1]], marker="o", color="white", markeredgecolor="black", linestyle="none", label="$x$")
    handles = [
        Rectangle((0, 0), 1, 1, color="#56B4E9", label=r"$y \prec x$"),
        Rectangle((0, 0), 1, 1, color="#000000", label=r"$y \sim x$"),
        Rectangle((0, 0), 1, 1, color="#E69F00", label=r"$x \prec y$"),
    ]
    ax.legend(handles=handles, loc="upper left", fontsize=8)
    ax.set_xlabel("$y_1$")
    ax.set_ylabel("$y_2$")
    ax.set_title(title)
    ax.grid(False)
    return fig, ax


def plot_value_sets(
    sets: Mapping[str, ArrayLike | Sequence[numbers.Real]],
    *,
    ax: Axes | None = None,
    title: str = "Image sets and their gaps",
    xlabel: str = "value",
) -> tuple[Figure, Axes]:
    r"""Finite sets of reals as rug plots on stacked number lines (first on top), the largest gap of each shaded.

    Parameters
    ----------
    sets : mapping of label -> sequence of reals
        Each set (e.g. :math:`u(Z_N)` and :math:`g(u(Z_N))`) on its own line.

    Returns
    -------
    (fig, ax)
    """
    if not sets:
        raise ValueError("sets must contain at least one set; got an empty mapping")
    fig, ax = axes_or_new(ax, figsize=(6.0, 0.9 + 0.6 * len(sets)))
    colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    for row, (label, values) in enumerate(sets.items()):
        v = np.unique(np.array([float(s) for s in _as_real_list(values, f"sets[{label!r}]")]))
        color = colors[row % len(colors)]
        ax.vlines(v, row - 0.3, row + 0.3, color=color, linewidth=0.6)
        if v.size > 1:
            k = int(np.argmax(np.diff(v)))
            ax.fill_between([v[k], v[k + 1]], row - 0.3, row + 0.3, color=color, alpha=0.2, linewidth=0)
    ax.set_yticks(range(len(sets)), list(sets))
    ax.set_ylim(len(sets) - 0.4, -0.6)  # the first set on top
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(False)
    fig.tight_layout()
    return fig, ax


def plot_paths(
    curves: Mapping[str, ArrayLike | Sequence[numbers.Real]],
    *,
    t: ArrayLike,
    ax: Axes | None = None,
    title: str = "Utilities along a path",
    xlabel: str = "$t$",
    ylabel: str = "utility",
    markers: bool = False,
) -> tuple[Figure, Axes]:
    r"""Utilities evaluated along a path :math:`t \mapsto x(t)`, one curve each (``Fraction`` values allowed).

    Parameters
    ----------
    curves : mapping of label -> sequence of reals, each of shape (n,)
    t : array_like, shape (n,)
        Path parameter.
    markers : bool
        Draw points instead of lines (for functions with jumps, where a line would hide them).

    Returns
    -------
    (fig, ax)
    """
    x = as_float_array(t, "t", ndim=1)
    if not curves:
        raise ValueError("curves must contain at least one curve; got an empty mapping")
    fig, ax = axes_or_new(ax, figsize=(5.5, 3.4))
    for label, values in curves.items():
        y = np.array([float(v) for v in _as_real_list(values, f"curves[{label!r}]")])
        if y.shape != x.shape:
            raise ValueError(f"curves[{label!r}] must have one value per t ({x.shape[0]}); got {y.shape[0]}")
        if markers:
            ax.plot(x, y, marker="o", markersize=2.5, linestyle="none", label=label)
        else:
            ax.plot(x, y, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig, ax


def plot_intervals(
    intervals: tuple[ArrayLike | Sequence[numbers.Real], ArrayLike | Sequence[numbers.Real]],
    *,
    positions: ArrayLike,
    marks: ArrayLike | Sequence[numbers.Real] | None = None,
    ax: Axes | None = None,
    title: str = "Intervals",
    xlabel: str = "value",
    ylabel: str = "position",
) -> tuple[Figure, Axes]:
    r"""Horizontal intervals :math:`[\mathrm{low}_i, \mathrm{high}_i]` at heights ``positions``, with optional marks.

    Parameters
    ----------
    intervals : pair (low, high) of sequences of reals, each of shape (k,)
    positions : array_like, shape (k,)
    marks : sequence of reals, shape (k,), optional
        One point per interval (e.g. the rational chosen inside it).

    Returns
    -------
    (fig, ax)
    """
    if not isinstance(intervals, tuple | list) or len(intervals) != 2:
        raise ValueError(f"intervals must be a pair (low, high) of sequences; got {type(intervals).__name__}")
    low, high = intervals
    y = as_float_array(positions, "positions", ndim=1)
    lo = np.array([float(v) for v in _as_real_list(low, "low")])
    hi = np.array([float(v) for v in _as_real_list(high, "high")])
    if not lo.shape == hi.shape == y.shape:
        raise ValueError(f"positions, low and high must have the same length; got {y.shape}, {lo.shape}, {hi.shape}")
    fig, ax = axes_or_new(ax, figsize=(5.5, 3.4))
    ax.hlines(y, lo, hi, linewidth=3, label=r"$I_a$")
    if marks is not None:
        mk = np.array([float(v) for v in _as_real_list(marks, "marks")])
        if mk.shape != y.shape:
            raise ValueError(f"marks must have one entry per interval ({y.shape[0]}); got {mk.shape[0]}")
        ax.plot(mk, y, marker="|", markersize=10, color="#D55E00", linestyle="none", label="chosen rational")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig, ax
