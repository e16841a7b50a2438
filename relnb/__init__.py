"""relnb: the helper package of the book *Relations, kernels and attention*.

One module per concept of the book; the public API is re-exported here flat,
so chapters write ``import relnb`` and call ``relnb.distance_to_psd_cone(...)``.

=========================  ==============================================  =======
module                     concept                                         chapter
=========================  ==============================================  =======
``relnb.gram``             Gram matrices, PSD cone, symmetric parts        A
``relnb.relations``        relation functions that are not kernels         A, C
``relnb.inner_product``    MLP inner-product models and their training     A-E
``relnb.plotting``         the book's figure style and helpers             all
``relnb.reproducibility``  seeds, threads and precision of a chapter       all
``relnb.checks``           answer checks for the exercises, in words       all
=========================  ==============================================  =======
"""

from __future__ import annotations

from relnb import checks
from relnb.gram import (
    PSDDistance,
    antisymmetric_part,
    distance_to_psd_cone,
    gram_matrix,
    numerical_rank,
    psd_projection,
    relation_norm,
    symmetric_part,
)
from relnb.inner_product import MLP, AsymmetricInnerProduct, FitHistory, SymmetricInnerProduct, fit_relation
from relnb.plotting import relation_heatmaps, spectrum_plot, use_book_style
from relnb.relations import neg_squared_distance, order
from relnb.reproducibility import start_chapter

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "AsymmetricInnerProduct",
    "FitHistory",
    "PSDDistance",
    "SymmetricInnerProduct",
    "antisymmetric_part",
    "checks",
    "distance_to_psd_cone",
    "fit_relation",
    "gram_matrix",
    "neg_squared_distance",
    "numerical_rank",
    "order",
    "psd_projection",
    "relation_heatmaps",
    "relation_norm",
    "spectrum_plot",
    "start_chapter",
    "symmetric_part",
    "use_book_style",
]
