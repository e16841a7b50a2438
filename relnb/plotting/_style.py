r"""The book's figure style: white background, dark text, colour-blind-safe colours.

Figures have an opaque white background (``figure.facecolor`` and ``savefig.facecolor``), so they read the
same in the book's light and dark themes.  :func:`relnb.reproducibility.start_chapter` applies the style.
This module imports ``matplotlib`` but not ``pyplot``.
"""

from __future__ import annotations

import matplotlib as mpl

__all__ = ["BOOK_STYLE", "COLORS", "use_book_style"]


#: Okabe--Ito colours (safe for colour-blind readers), in the order lines use them.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


#: The matplotlib rcParams of the book (white background, Okabe--Ito colours, modest dpi).
BOOK_STYLE: dict[str, object] = {
    "figure.dpi": 80,  # stored PNGs stay small; text stays legible
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,  # opaque: figures read the same in the dark theme
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
    """Apply ``BOOK_STYLE`` to matplotlib (called by :func:`relnb.reproducibility.start_chapter`)."""
    mpl.rcParams.update(BOOK_STYLE)
