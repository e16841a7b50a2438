"""relnb: the helper package of the book *Relations, kernels and attention*.

One module per concept of the book. Every module is importable as ``relnb.<module>``; the names a
chapter uses most are also re-exported flat (``relnb.distance_to_psd_cone``). Kernels and quadrature
rules share names (``gaussian``), so they are used through their modules: ``relnb.kernels.gaussian``.

=========================  ==============================================  =======
module                     concept                                         chapter
=========================  ==============================================  =======
``relnb.gram``             Gram matrices, PSD cone, symmetric parts        A
``relnb.relations``        relation functions that are not kernels         A, C
``relnb.inner_product``    MLP inner-product models and their training     A-E
``relnb.kernels``          positive-definite kernels                       B
``relnb.quadrature``       measures as nodes and weights                   B-E
``relnb.mercer``           Mercer expansions, closed forms                 B
``relnb.bounds``           the Barron/Maurey neuron bound                  B
``relnb.schmidt``          singular value (Schmidt) expansions             C
``relnb.rkbs``             the RKBS pair of two feature maps               C
``relnb.preorder``         preorders, utilities, Debreu constructions      D
``relnb.attention``        softmax attention, selection bound, retrieval   E
``relnb.plotting``         the book's figure style and helpers             all
``relnb.reproducibility``  seeds, threads and precision of a chapter       all
``relnb.checks``           answer checks for the exercises, in words       all
=========================  ==============================================  =======
"""

from __future__ import annotations

from relnb import (
    attention,
    bounds,
    checks,
    gram,
    inner_product,
    kernels,
    mercer,
    preorder,
    quadrature,
    relations,
    rkbs,
    schmidt,
)
from relnb.attention import QueryKeyAttention, RetrievalTask, min_beta, selection_error_bound, softmax_attention
from relnb.bounds import barron_bound, optimal_allocation
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
from relnb.inner_product import (
    MLP,
    AsymmetricInnerProduct,
    FitHistory,
    SymmetricInnerProduct,
    fit_relation,
    solve_readout,
)
from relnb.mercer import MercerExpansion, mercer_decomposition
from relnb.plotting import relation_heatmaps, spectrum_plot, use_book_style
from relnb.preorder import Preorder
from relnb.relations import neg_squared_distance, order, soft_order
from relnb.reproducibility import glue, start_chapter
from relnb.rkbs import RKBSPair
from relnb.schmidt import SchmidtExpansion, schmidt_decomposition

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "AsymmetricInnerProduct",
    "FitHistory",
    "MercerExpansion",
    "PSDDistance",
    "Preorder",
    "QueryKeyAttention",
    "RKBSPair",
    "RetrievalTask",
    "SchmidtExpansion",
    "SymmetricInnerProduct",
    "antisymmetric_part",
    "attention",
    "barron_bound",
    "bounds",
    "checks",
    "distance_to_psd_cone",
    "fit_relation",
    "glue",
    "gram",
    "gram_matrix",
    "inner_product",
    "kernels",
    "mercer",
    "mercer_decomposition",
    "min_beta",
    "neg_squared_distance",
    "numerical_rank",
    "optimal_allocation",
    "order",
    "preorder",
    "psd_projection",
    "quadrature",
    "relation_heatmaps",
    "relation_norm",
    "relations",
    "rkbs",
    "schmidt",
    "schmidt_decomposition",
    "selection_error_bound",
    "soft_order",
    "softmax_attention",
    "solve_readout",
    "spectrum_plot",
    "start_chapter",
    "symmetric_part",
    "use_book_style",
]
