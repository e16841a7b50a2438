"""relnb: the helper package of the book *Relations, kernels and attention*.

The API rule: **modules are the API.** ``relnb`` re-exports its modules and the two calls every chapter makes
first, ``start_chapter`` and ``glue`` (:func:`relnb.reproducibility.start_chapter`,
:func:`relnb.reproducibility.glue`); every other name is used through its module, which says where it lives:
``mercer.mercer_decomposition``, ``attention.min_beta``, ``plotting.plot_error_curves``,
``relnb.checks.check_utility``. A chapter imports ``import relnb`` and ``from relnb import glue, <modules>``,
and nothing else from the package. (Kernels and quadrature rules share names such as ``gaussian``; through
their modules they never clash.)

Three layers: the mathematics in numpy (one concept per module; no torch, no matplotlib), the networks in
torch, and the book around them.

=========================  =======================================================  =======
module                     concept                                                  chapter
=========================  =======================================================  =======
*numpy: the mathematics*
``relnb.relations``        relation functions r(X, Y=None) that are not kernels     A, C
``relnb.gram``             relation matrices: Gram, PSD cone, norms, ranks          A
``relnb.kernels``          positive-definite kernels k(X, Y=None)                   B
``relnb.quadrature``       measures as nodes and weights, every rule                B-E
``relnb.mercer``           Mercer expansions, closed forms                          B
``relnb.readout``          the best rank-d readout of fixed features                B
``relnb.kernel_approx``    random Fourier and Nystrom features, test problems       B, limits
``relnb.bounds``           neuron bounds, step networks                             B, C
``relnb.schmidt``          singular value (Schmidt) expansions, Bernstein           C
``relnb.rkbs``             the RKBS pair of two feature maps                        C
``relnb.preorder``         the finite preorder and its exact utilities              D
``relnb.debreu``           Debreu's constructions on the continuum                  D, E
``relnb.attention``        softmax attention and the exact selection bound          E
``relnb.retrieval``        retrieval tasks, instances and reports                   E
*torch: what is trained*
``relnb.inner_product``    MLP, inner-product models, the chapters' model recipes   A-E
``relnb.training``         fit_relation, the exact readout (variable projection)    A-E
``relnb.certify``          certified sup errors of trained networks                 E
*the book around them*
``relnb.plotting``         every figure and the book style (matplotlib only here)   all
``relnb.checks``           answer checks for the exercises, in words                A-E
``relnb.bench``            reading the benchmark and training results               B, limits
``relnb.reproducibility``  seeds, threads and precision of a chapter                all
``relnb.testing``          the family contracts as assertions, for the tests        -
=========================  =======================================================  =======

Modules are imported on first use: ``import relnb`` loads neither torch nor matplotlib, and ``relnb.plotting``
(pyplot) comes with the first figure; :func:`relnb.reproducibility.start_chapter` applies its style.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_MODULES = (
    "attention", "bench", "bounds", "certify", "checks", "debreu", "gram", "inner_product", "kernel_approx",
    "kernels", "mercer", "plotting", "preorder", "quadrature", "readout", "relations", "reproducibility",
    "retrieval", "rkbs", "schmidt", "testing", "training",
)
_FLAT = {"start_chapter": "reproducibility", "glue": "reproducibility"}

if TYPE_CHECKING:  # pragma: no cover
    from relnb.reproducibility import glue, start_chapter


def __getattr__(name: str) -> Any:
    """Import a module of the package (or ``start_chapter``, ``glue``) on first use.

    Nothing is imported by ``import relnb`` itself, so ``import relnb.gram`` loads numpy and ``relnb.gram``
    only: neither torch nor matplotlib comes with a numpy module.
    """
    if name in _MODULES:
        return importlib.import_module(f"relnb.{name}")
    if name in _FLAT:
        return getattr(importlib.import_module(f"relnb.{_FLAT[name]}"), name)
    raise AttributeError(f"module 'relnb' has no attribute {name!r}; names are used through their modules")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "attention",
    "bench",
    "bounds",
    "certify",
    "checks",
    "debreu",
    "glue",
    "gram",
    "inner_product",
    "kernel_approx",
    "kernels",
    "mercer",
    "plotting",
    "preorder",
    "quadrature",
    "readout",
    "relations",
    "reproducibility",
    "retrieval",
    "rkbs",
    "schmidt",
    "start_chapter",
    "testing",
    "training",
]
