"""Tests of relnb.plotting: the figure contract for every helper, the book style, and each helper's checks."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_bench import _retrieval, _rows

from relnb import bench, plotting, schmidt
from relnb.attention import selection_error_bound
from relnb.debreu import lexicographic_order
from relnb.testing import assert_figure_contract

_BETAS = np.linspace(0, 10, 5)
_ORDER = schmidt.order_schmidt(4)

# helper name -> (data, keyword arguments): every helper of relnb.plotting
FIGURES: dict[str, tuple[Any, dict[str, Any]]] = {
    "relation_heatmaps": ({"a": np.eye(3)}, {}),
    "spectrum_plot": ({"a": [1.0, 0.5, -0.1]}, {}),
    "plot_error_curves": ({"limit": [1.0, 0.5, 0.25], "model": [1.1, 0.6, 0.3]}, {"x": [1, 2, 3], "xlabel": "d",
                                                                                   "title": "t"}),
    "plot_singular_functions": ({"closed form": _ORDER}, {"points": np.linspace(0, 1, 11), "count": 2}),
    "plot_contour_sets": (lexicographic_order, {"point": [0.5, 0.5], "resolution": 21}),
    "plot_value_sets": ({"S": [0.0, 0.5, Fraction(3, 4)], "g(S)": [0.1, 0.2]}, {}),
    "plot_paths": ({"u": [Fraction(0), Fraction(1, 2)], "v": [0.0, 1.0]}, {"t": [0.0, 1.0], "markers": True}),
    "plot_intervals": (([0.0, 0.5], [0.25, 0.75]), {"positions": [0.0, 1.0], "marks": [Fraction(1, 5), 0.6]}),
    "plot_selection_error": ({"bound": (_BETAS, selection_error_bound(4, 1.0, _BETAS))},
                             {"points": {"random": (_BETAS, selection_error_bound(4, 2.0, _BETAS))},
                              "vlines": {"min beta": 3.0}}),
    "plot_retrieval_instance": ({"u": np.arange(5.0)}, {"key_grid": np.linspace(0, 1, 5), "keys": [0.2, 0.7],
                                                        "weights": [0.9, 0.1], "selected": 0}),
    "plot_attention_2d": ([0.7, 0.3], {"query": [0.0, 0.0], "keys": [[1.0, 0.0], [0.0, 1.0]], "selected": 0}),
    "plot_ratios": (bench.BenchResults(rows=_rows(), retrieval=_retrieval(), timings=None, meta={}),
                    {"relations": ["order"], "title": "t"}),
    "plot_retrieval": (_retrieval(), {"title": "Retrieval"}),
}
# helpers with several panels take a sequence of axes
PANELS = {"relation_heatmaps": 1, "plot_singular_functions": 2, "plot_retrieval_instance": 2, "plot_retrieval": 2}


def test_every_helper_is_registered() -> None:
    assert sorted(FIGURES) == sorted(n for n in plotting.__all__ if n.startswith(("plot_", "relation_", "spectrum_")))


@pytest.mark.parametrize("name", sorted(set(FIGURES) - set(PANELS)))
def test_figure_contract(name: str) -> None:
    data, kwargs = FIGURES[name]
    assert_figure_contract(getattr(plotting, name), data, **kwargs)


@pytest.mark.parametrize("name", sorted(PANELS))
def test_panel_helpers_draw_on_given_axes(name: str) -> None:
    data, kwargs = FIGURES[name]
    helper = getattr(plotting, name)
    before = set(plt.get_fignums())
    fig, axes = helper(data, **kwargs)
    assert len(axes) == PANELS[name] and set(plt.get_fignums()) - before == {fig.number}
    plt.close(fig)
    given_fig, given = plt.subplots(1, PANELS[name], squeeze=False)
    fig, axes = helper(data, ax=list(given[0]), **kwargs)
    assert fig is given_fig and list(axes) == list(given[0]) and all(a.has_data() for a in axes)
    with pytest.raises(ValueError, match="sequence of"):
        helper(data, ax=list(given[0]) * 3, **kwargs)
    plt.close("all")


def test_book_style_is_opaque_white() -> None:
    """Dark mode: a figure must carry its own white background, never a transparent one."""
    assert plotting.BOOK_STYLE["figure.facecolor"] == "white"
    assert plotting.BOOK_STYLE["savefig.facecolor"] == "white"
    assert plotting.BOOK_STYLE["savefig.transparent"] is False
    plotting.use_book_style()
    assert matplotlib.rcParams["savefig.transparent"] is False
    assert matplotlib.colors.to_rgba(matplotlib.rcParams["figure.facecolor"]) == (1.0, 1.0, 1.0, 1.0)


def test_import_relnb_does_not_load_pyplot() -> None:
    code = ("import sys, relnb; relnb.kernels; "
            "print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"], out
    code = "import sys, relnb; relnb.plotting; print('matplotlib.pyplot' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "True\n"


# --- each helper's own checks --------------------------------------------------------------------------------


def test_selection_error_and_attention_figures() -> None:
    data, kwargs = FIGURES["plot_selection_error"]
    _, ax = plotting.plot_selection_error(data, **kwargs)
    assert ax.get_yscale() == "log" and ax.get_legend() is not None
    with pytest.raises(ValueError, match="one entry per key"):
        plotting.plot_retrieval_instance({}, key_grid=np.linspace(0, 1, 5), keys=[0.2, 0.7], weights=[1.0],
                                         selected=0)
    with pytest.raises(ValueError, match="shape of key_grid"):
        plotting.plot_retrieval_instance({"u": [1.0]}, key_grid=np.linspace(0, 1, 5), keys=[0.2], weights=[1.0],
                                         selected=0)
    _, ax = plotting.plot_attention_2d([0.7, 0.3], query=[0.0, 0.0], keys=[[1.0, 0.0], [0.0, 1.0]], selected=0)
    assert ax.get_legend() is not None
    with pytest.raises(ValueError, match="need query \\(2,\\)"):
        plotting.plot_attention_2d([1.0], query=[0.0], keys=[[1.0, 0.0]], selected=0)
    plt.close("all")


def test_plot_ratios_draws_every_method_with_a_ratio() -> None:
    results = FIGURES["plot_ratios"][0]
    fig, ax = plotting.plot_ratios(results, relations=["order", "poly"], title="Asymmetric")
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["order: trained <phi, psi>", "order: best symmetric (PSD floor)", "optimum (ratio 1)"]
    assert ax.get_yscale() == "log" and ax.get_title() == "Asymmetric"
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)
    fig, ax = plotting.plot_ratios(results, relations=["order"], title="one", methods=["trained <phi, psi>"])
    assert ax.get_legend_handles_labels()[1] == ["trained <phi, psi>", "optimum (ratio 1)"]
    plt.close(fig)
    fig, ax = plotting.plot_ratios(results, relations=["order"], title="excess", methods=["trained <phi, psi>"],
                                   excess=True)
    (line,) = ax.get_lines()
    assert np.allclose(line.get_ydata(), [0.1, 0.05]) and ax.get_legend_handles_labels()[1] == ["trained <phi, psi>"]
    plt.close(fig)
    with pytest.raises(ValueError, match="relations must name at least one relation"):
        plotting.plot_ratios(results, relations=[], title="none")
    with pytest.raises(ValueError, match="results must be BenchResults"):
        plotting.plot_ratios({}, relations=["order"], title="none")


def test_plot_retrieval_marks_min_beta() -> None:
    fig, axes = plotting.plot_retrieval(_retrieval(), title="Retrieval")
    assert len(axes) == 2
    for ax in axes:
        assert ax.get_xscale() == "log" and ax.get_xlabel() and ax.get_ylabel()
        verticals = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert 50.0 in verticals
    plt.close(fig)
    with pytest.raises(ValueError, match="retrieval is missing the keys"):
        plotting.plot_retrieval({"betas": [1.0, 2.0]}, title="bad")


def test_plot_error_curves_one_rule_for_references() -> None:
    fig, ax = plotting.plot_error_curves({"limit": [1.0, 0.5, 0.25], "model": [1.1, 0.6, 0.3],
                                          "bound, part 1": [2.0, 1.0, 0.5]}, x=[1, 2, 3],
                                         bands={"model": [0.1, 0.1, 0.1]}, xlabel="d", title="t")
    limit, model, bound = ax.get_lines()
    assert limit.get_marker() in ("None", None, "") and limit.get_linestyle() == "--"
    assert bound.get_marker() in ("None", None, "") and bound.get_linestyle() == ":"
    assert model.get_marker() == "o" and model.get_linestyle() == "-"
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "d" and len(ax.collections) == 1
    plt.close(fig)
    # pairs (sizes, errors) without x, markers alone
    fig, ax = plotting.plot_error_curves({"limit": ([1, 2], [0.3, 0.2]), "learned": ([1, 2], [0.31, 0.2])},
                                         xlabel="d", title="t", connect=False)
    assert len(ax.lines) == 2 and ax.lines[1].get_linestyle() == "None"
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one curve"):
        plotting.plot_error_curves({}, xlabel="d", title="t")
    with pytest.raises(ValueError, match=r"as many errors as sizes \(3,\)"):
        plotting.plot_error_curves({"model": [1.0, 2.0]}, x=[1, 2, 3], xlabel="d", title="t")
    with pytest.raises(ValueError, match="pair \\(sizes, errors\\)"):
        plotting.plot_error_curves({"model": [1.0, 2.0, 3.0]}, xlabel="d", title="t")


def test_plot_singular_functions_counts() -> None:
    fig, axes = plotting.plot_singular_functions({"q": _ORDER, "c": _ORDER}, points=np.linspace(0, 1, 11), count=2)
    assert len(axes) == 2 and len(axes[0].lines) == 4
    plt.close(fig)
    with pytest.raises(ValueError, match="count must be <= 4"):
        plotting.plot_singular_functions({"q": _ORDER}, points=np.linspace(0, 1, 5), count=17)


def test_debreu_figures() -> None:
    _, ax = plotting.plot_contour_sets(lexicographic_order, point=[0.5, 0.5], resolution=21)
    assert ax.get_xlabel() == "$y_1$" and ax.get_title()
    _, ax = plotting.plot_value_sets({"S": [0.0, 0.5, Fraction(3, 4)], "g(S)": [0.1, 0.2]})
    assert len(ax.get_yticks()) == 2
    _, ax = plotting.plot_paths({"u": [Fraction(0), Fraction(1, 2)], "v": [0.0, 1.0]}, t=[0.0, 1.0], markers=True)
    assert len(ax.get_lines()) == 2
    _, ax = plotting.plot_intervals(([0.0, 0.5], [0.25, 0.75]), positions=[0.0, 1.0],
                                      marks=[Fraction(1, 5), Fraction(3, 5)])
    assert ax.get_legend() is not None
    plt.close("all")
    with pytest.raises(ValueError, match="point of the plane"):
        plotting.plot_contour_sets(lexicographic_order, point=[0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="at least one set"):
        plotting.plot_value_sets({})
    with pytest.raises(ValueError, match="one value per t"):
        plotting.plot_paths({"u": [0.0]}, t=[0.0, 1.0])
    with pytest.raises(ValueError, match="at least one curve"):
        plotting.plot_paths({}, t=[0.0, 1.0])
    with pytest.raises(ValueError, match="same length"):
        plotting.plot_intervals(([0.0], [1.0]), positions=[0.0, 1.0])
    with pytest.raises(ValueError, match="one entry per interval"):
        plotting.plot_intervals(([0.0], [1.0]), positions=[0.0], marks=[0.1, 0.2])
    with pytest.raises(ValueError, match="pair \\(low, high\\)"):
        plotting.plot_intervals([0.0, 1.0, 2.0], positions=[0.0])
    plt.close("all")


def test_relation_heatmaps_and_spectrum() -> None:
    _, axes = plotting.relation_heatmaps({"a": np.eye(3), "b": -np.eye(3)}, suptitle="two", vmax=2.0)
    assert len(axes) == 2 and [a.get_title() for a in axes] == ["a", "b"]
    assert axes[0].images[0].get_clim() == (-2.0, 2.0)
    _, ax = plotting.spectrum_plot({"a": [0.1, 1.0, -0.5]})
    (line,) = ax.get_lines()[:1]
    assert list(line.get_ydata()) == [1.0, 0.1, -0.5]  # descending
    with pytest.raises(ValueError, match="at least one matrix"):
        plotting.relation_heatmaps({})
    plt.close("all")
