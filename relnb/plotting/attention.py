r"""Figures of Chapter E: the selection error against the temperature, retrieval instances, attention in the
plane."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from relnb._validation import as_float_array, check_int, check_real
from relnb.plotting._axes import axes_or_new, panels

__all__ = ["plot_attention_2d", "plot_retrieval_instance", "plot_selection_error"]


def plot_selection_error(
    curves: Mapping[str, tuple[ArrayLike, ArrayLike]],
    *,
    points: Mapping[str, tuple[ArrayLike, ArrayLike]] | None = None,
    vlines: Mapping[str, float] | None = None,
    xlabel: str = r"inverse temperature $\beta$",
    title: str = "Weight off the selected key",
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    r"""Selection error :math:`1 - \alpha_{i^*}` on a log scale: bound curves as lines, instances as dots.

    Parameters
    ----------
    curves : mapping label -> (x, y)
        Drawn as lines.
    points : mapping label -> (x, y), optional
        Drawn as small markers (e.g. random instances).
    vlines : mapping label -> x, optional
        Vertical dashed lines (e.g. :func:`relnb.attention.min_beta`).

    Returns
    -------
    (fig, ax)
    """
    fig, ax = axes_or_new(ax, figsize=(5.8, 3.6))
    for (label, (x, y)), style in zip(curves.items(), ["-", "--", "-.", ":"] * 4, strict=False):
        ax.plot(as_float_array(x, f"curves[{label!r}] x"), as_float_array(y, f"curves[{label!r}] y"),
                style, label=label)
    for label, (x, y) in (points or {}).items():
        ax.plot(as_float_array(x, f"points[{label!r}] x"), as_float_array(y, f"points[{label!r}] y"),
                ".", markersize=3, alpha=0.5, label=label)
    for (label, x), color in zip((vlines or {}).items(), ["#333333", "#CC79A7", "#009E73"] * 3, strict=False):
        ax.axvline(check_real(x, f"vlines[{label!r}]"), linestyle="--", linewidth=1, color=color, label=label)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"$1 - \alpha_{i^*}$")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig, ax


def plot_retrieval_instance(
    curves: Mapping[str, ArrayLike],
    *,
    key_grid: ArrayLike,
    keys: ArrayLike,
    weights: ArrayLike,
    selected: int,
    title: str = "One query and its keys",
    ax: Sequence[Axes] | None = None,
) -> tuple[Figure, NDArray[np.object_]]:
    r"""One query's utility (and scores) over 1-D keys, and the attention weights on its keys.

    Parameters
    ----------
    curves : mapping label -> array_like of shape (G,)
        E.g. the utility :math:`u(x, \cdot)` and the learned score :math:`s(x, \cdot)`.
    key_grid : array_like, shape (G,)
        Key positions where the curves are drawn.
    keys : array_like, shape (n,)
        The key set :math:`y_1, \dots, y_n` (1-D).
    weights : array_like, shape (n,)
        Attention weights :math:`\alpha_i(x)`.
    selected : int
        Index of the preferred key.
    ax : sequence of two matplotlib Axes, optional
        Where to draw the curves (top) and the weights (bottom); default a new figure.

    Returns
    -------
    (fig, axes)
    """
    grid = as_float_array(key_grid, "key_grid", ndim=1)
    y = as_float_array(keys, "keys").ravel()
    a = as_float_array(weights, "weights", ndim=1)
    if a.shape != y.shape:
        raise ValueError(f"weights must have one entry per key ({y.size}); got shape {a.shape}")
    i = check_int(selected, "selected", minimum=0, maximum=y.size - 1)
    if ax is None:
        fig, axes = plt.subplots(2, 1, figsize=(5.8, 4.4), sharex=True, height_ratios=[3, 2])
    else:
        fig, axes = panels(ax, 2, figsize=(5.8, 4.4))
    for label, values in curves.items():
        v = as_float_array(values, f"curves[{label!r}]", ndim=1)
        if v.shape != grid.shape:
            raise ValueError(f"curves[{label!r}] must have the shape of key_grid {grid.shape}; got {v.shape}")
        axes[0].plot(grid, v, label=label)
    for yi in y:
        axes[0].axvline(yi, color="#999999", linewidth=0.6)
    axes[0].axvline(y[i], color="#000000", linestyle="--", linewidth=1.2, label="preferred key")
    axes[0].set_ylabel("utility / score")
    axes[0].set_title(title)
    axes[0].legend(fontsize=8)
    axes[1].vlines(y, 0, a, color="#0072B2")
    axes[1].plot(y, a, "o", color="#0072B2", markersize=4, label=r"$\alpha_i(x)$")
    axes[1].set_ylim(0, 1.05)
    axes[1].set_xlabel("key $y$")
    axes[1].set_ylabel("attention weight")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    return fig, axes


def plot_attention_2d(
    weights: ArrayLike,
    *,
    query: ArrayLike,
    keys: ArrayLike,
    selected: int,
    title: str = "Attention weights on keys in the plane",
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    r"""One query and its keys in :math:`\mathbb R^2`, each key's disc sized and coloured by its weight.

    Parameters
    ----------
    weights : array_like, shape (n,)
        Attention weights :math:`\alpha_i(x)`.
    query : array_like, shape (2,) or (1, 2)
    keys : array_like, shape (n, 2)
    selected : int
        Index of the preferred key (circled).

    Returns
    -------
    (fig, ax)
    """
    x = as_float_array(query, "query").reshape(-1)
    y = as_float_array(keys, "keys", ndim=2)
    a = as_float_array(weights, "weights", ndim=1)
    if x.shape != (2,) or y.shape[1] != 2 or a.shape != (y.shape[0],):
        raise ValueError(
            f"need query (2,), keys (n, 2) and weights (n,); got {x.shape}, {y.shape} and {a.shape}"
        )
    i = check_int(selected, "selected", minimum=0, maximum=y.shape[0] - 1)
    fig, ax = axes_or_new(ax, figsize=(3.6, 3.4))
    image = ax.scatter(y[:, 0], y[:, 1], s=20 + 280 * a, c=a, cmap="viridis", vmin=0, vmax=1,
                       edgecolors="#333333", linewidths=0.5, label="keys")
    ax.plot(*y[i], "o", markersize=19, markerfacecolor="none", markeredgecolor="#D55E00", label="preferred key")
    ax.plot(*x, "*", markersize=12, color="#000000", label="query")
    ax.set_aspect("equal")
    ax.set_xlabel("$y_1$")
    ax.set_ylabel("$y_2$")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="lower left", markerscale=0.5)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=r"$\alpha_i(x)$")
    return fig, ax
