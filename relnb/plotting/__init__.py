r"""Every figure of the book: one style and the figure helpers, one module per chapter.

This is the only place ``matplotlib`` is imported, and ``import relnb`` does not import it (POT's ``ot.plot``):
a chapter uses ``relnb.plotting`` after :func:`relnb.reproducibility.start_chapter`, which applies the style.
Every helper takes its data first and everything else by keyword, ``helper(data, *, ax=None, ...)``, draws on
``ax`` when given one (a sequence of axes for the helpers with several panels), and returns ``(fig, ax)``
(``(fig, axes)``).  Captions live in the chapter text.

===============================  ===========================================================  =========
module                           helpers                                                      chapter
===============================  ===========================================================  =========
``relnb.plotting._style``        BOOK_STYLE, COLORS, use_book_style                           all
``relnb.plotting.relations``     relation_heatmaps, spectrum_plot                             A, B, C, E
``relnb.plotting.spectra``       plot_error_curves, plot_singular_functions                   B, C
``relnb.plotting.debreu``        plot_contour_sets, plot_value_sets, plot_paths,              D
                                 plot_intervals
``relnb.plotting.attention``     plot_selection_error, plot_retrieval_instance,               E
                                 plot_attention_2d
``relnb.plotting.bench``         plot_ratios, plot_retrieval                                  benchmarks
===============================  ===========================================================  =========
"""

from __future__ import annotations

from relnb.plotting._style import BOOK_STYLE, COLORS, use_book_style
from relnb.plotting.attention import plot_attention_2d, plot_retrieval_instance, plot_selection_error
from relnb.plotting.bench import plot_ratios, plot_retrieval
from relnb.plotting.debreu import plot_contour_sets, plot_intervals, plot_paths, plot_value_sets
from relnb.plotting.relations import relation_heatmaps, spectrum_plot
from relnb.plotting.spectra import REFERENCE_PREFIXES, plot_error_curves, plot_singular_functions

__all__ = [
    "BOOK_STYLE",
    "COLORS",
    "REFERENCE_PREFIXES",
    "plot_attention_2d",
    "plot_contour_sets",
    "plot_error_curves",
    "plot_intervals",
    "plot_paths",
    "plot_ratios",
    "plot_retrieval",
    "plot_retrieval_instance",
    "plot_selection_error",
    "plot_singular_functions",
    "plot_value_sets",
    "relation_heatmaps",
    "spectrum_plot",
    "use_book_style",
]
