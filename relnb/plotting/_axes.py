r"""Where a figure helper draws: on the axes it is given, or on a new figure of the book's size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

__all__ = ["axes_or_new", "panels"]


def axes_or_new(ax: Axes | None, *, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """``(ax.figure, ax)`` for a given ``ax``, else a new figure of size ``figsize`` with one axes."""
    if ax is None:
        return plt.subplots(figsize=figsize)
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}")
    return ax.get_figure(), ax  # type: ignore[return-value]


def panels(ax: Sequence[Axes] | None, count: int, *, figsize: tuple[float, float], **subplots: Any
           ) -> tuple[Figure, NDArray[np.object_]]:
    """``count`` axes: the given ones (a sequence of that length), else a new row of ``count`` panels."""
    if ax is None:
        fig, axes = plt.subplots(1, count, figsize=figsize, squeeze=False, **subplots)
        return fig, axes[0]
    axes = np.asarray(ax, dtype=object).reshape(-1)
    if axes.size != count or not all(isinstance(a, Axes) for a in axes):
        raise ValueError(f"ax must be a sequence of {count} matplotlib Axes; got {ax!r}")
    return axes[0].get_figure(), axes
