r"""Figures of the benchmarks page: error over optimum against d, retrieval against the temperature."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from relnb.bench import BenchResults, validate_retrieval
from relnb.plotting._axes import axes_or_new, panels
from relnb.plotting._style import COLORS

__all__ = ["plot_ratios", "plot_retrieval"]


def plot_ratios(
    results: BenchResults,
    *,
    relations: Sequence[str],
    title: str,
    methods: Sequence[str] | None = None,
    excess: bool = False,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    r"""Error over optimum against :math:`d`, one line per relation and method, on log scales.

    Colours and markers tell the methods apart, line styles the relations (solid, dashed, dotted).  The
    optimum is the black line at ratio 1; rows whose ratio is undefined (optimum zero) are left out.  With
    ``excess=True`` the excess :math:`\rho - 1` is drawn instead, which shows how close to the optimum the methods
    near it are (points with :math:`\rho \le 1`, the optimum to rounding, are left out).

    Parameters
    ----------
    results : BenchResults
    relations : sequence of str
        The relations to draw, at least one.
    title : str
    methods : sequence of str, optional
        The methods to draw (default: every method, except the optima themselves).
    excess : bool
        Draw :math:`\rho - 1` instead of :math:`\rho`.
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    if not isinstance(results, BenchResults):
        raise ValueError(f"results must be BenchResults (from load_results); got {type(results).__name__}")
    if not relations:
        raise ValueError("relations must name at least one relation; got an empty sequence")
    fig, ax = axes_or_new(ax, figsize=(6.4, 5.0))
    chosen = list(methods) if methods is not None else list(dict.fromkeys(
        m for r in relations for m in results.methods(r) if "optimum" not in m))
    style = {m: (COLORS[i % len(COLORS)], "os^vDP*Xh"[i % 9]) for i, m in enumerate(chosen)}
    dims: set[int] = set()
    for relation, linestyle in zip(relations, ["-", "--", ":", "-."] * 3, strict=False):
        for method in chosen:
            rows = [results.find(relation, method, d) for d in results.dims(relation)]
            points = [(row["d"], row["ratio"] - 1 if excess else row["ratio"]) for row in rows
                      if row is not None and row["ratio"] is not None]
            points = [(d, y) for d, y in points if y > 0]
            if not points:
                continue
            color, marker = style[method]
            label = method if len(relations) == 1 else f"{relation}: {method}"
            ax.plot(*zip(*points, strict=True), color=color, marker=marker, linestyle=linestyle, markersize=5,
                    linewidth=1.2, label=label)
            dims |= {d for d, _ in points}
    if not excess:
        ax.axhline(1.0, color="black", linewidth=1.5, label="optimum (ratio 1)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(sorted(dims), [str(d) for d in sorted(dims)])
    ax.set_yscale("log")
    ax.set_xlabel("feature dimension $d$")
    ax.set_ylabel(r"error / optimum $- 1$" if excess else r"error / optimum $\|r - \hat r\| / \tau_d$")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)  # below: never over the data
    fig.tight_layout()
    return fig, ax


def plot_retrieval(
    retrieval: Mapping[str, Any], *, title: str, ax: Sequence[Axes] | None = None
) -> tuple[Figure, NDArray[Any]]:
    r"""Weight on the selected key (left) and retrieval accuracy (right) against :math:`\beta`, next to the bound.

    Left: the mean and the smallest weight :math:`\alpha_{i^*}` over the gap instances, and the mean over
    instances without a gap condition.  Right: the fraction of instances with :math:`\alpha_{i^*} \ge 1 - \varepsilon`.
    Vertical lines: :math:`\beta_{\min}(n, \eta - 2\delta, \varepsilon)` of the theorem and the :math:`\beta` the
    gap instances need.

    Parameters
    ----------
    retrieval : mapping
        ``BenchResults.retrieval``.
    title : str
    ax : sequence of two matplotlib Axes, optional
        Where to draw the weights and the accuracy (default: a new figure with two panels).

    Returns
    -------
    (fig, axes)
    """
    data = validate_retrieval(dict(retrieval))
    betas = np.asarray(data["betas"], dtype=float)
    fig, axes = panels(ax, 2, figsize=(10, 3.6))
    weights = {"gap instances, mean": "weight_mean", "gap instances, smallest": "weight_min",
               "no gap condition, mean": "weight_mean_free"}
    accuracies = {"gap instances": "accuracy", "no gap condition": "accuracy_free"}
    for panel, curves, ylabel in ((axes[0], weights, r"weight $\alpha_{i^*}$ on the selected key"),
                               (axes[1], accuracies, r"fraction with $\alpha_{i^*} \geq 1 - \varepsilon$")):
        for (label, key), color in zip(curves.items(), COLORS, strict=False):
            panel.plot(betas, data[key], color=color, marker=".", linewidth=1.2, label=label)
        panel.axvline(float(data["min_beta"]), color="black", linestyle="--", linewidth=1,
                   label=r"$\beta_{\min}(n, \eta - 2\delta, \varepsilon)$")
        panel.axvline(float(data["measured_beta"]), color=COLORS[3], linestyle=":", linewidth=1.2,
                   label=r"$\beta$ the gap instances need")
        panel.set_xscale("log")
        panel.set_xlabel(r"inverse temperature $\beta$")
        panel.set_ylabel(ylabel)
        panel.set_ylim(-0.02, 1.02)
        panel.legend(fontsize=7)
    axes[0].axhline(1 - float(data["eps"]), color="#999999", linewidth=0.8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig, axes
