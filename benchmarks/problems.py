r"""The training recipe of the symmetric benchmarks and of ``make train-mercer``: one fit of
:math:`\langle\phi(x), \phi(y)\rangle` on a test problem of :mod:`relnb.kernel_approx`.

A producer of results, not chapter content, so it lives here and not in :mod:`relnb` (POT's ``benchmarks/``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from relnb._validation import check_int
from relnb.inner_product import MLP, SymmetricInnerProduct
from relnb.kernel_approx import LENGTHSCALE, MercerProblem, SymmetricProblem, mercer_error
from relnb.quadrature import Rule
from relnb.training import fit_low_rank, fit_relation, initial_network

__all__ = ["LENGTHSCALE", "VARIABLE_PROJECTION", "FitResult", "fit_mercer", "fit_symmetric"]


#: The training design of the trained :math:`\langle\phi, \phi\rangle` models: variable projection (the readout
#: is always the Eckart--Young optimum of the hidden units), L-BFGS on the hidden layers, no Adam.
VARIABLE_PROJECTION: dict[str, Any] = {"steps": 0, "lbfgs_steps": 1000, "readout": "eckart_young"}


class FitResult(NamedTuple):
    """What :func:`fit_symmetric` measured.

    The errors on the training and the validation rule, the wall time of the fit, how many times L-BFGS
    evaluated the loss (fewer than its budget when it stops early, e.g. when its line search finds no decrease),
    and the trained model (to examine it further, e.g. with :func:`relnb.inner_product.solve_readout`).
    """

    train_error: float
    valid_error: float
    seconds: float
    lbfgs_evaluations: int
    model: SymmetricInnerProduct | None = None


def fit_symmetric(
    problem: SymmetricProblem,
    d: int,
    *,
    width: int,
    depth: int,
    design: Mapping[str, Any],
    seed: int = 0,
    train: Rule | None = None,
    spread: tuple[float, float, float] | None = None,
) -> FitResult:
    r"""Train :math:`\langle\phi(x), \phi(y)\rangle` with :math:`\phi` an MLP into :math:`\mathbb R^d` on a problem.

    The network (tanh, ``depth`` hidden layers of ``width`` units, initialised with ``seed``) is trained by
    :func:`relnb.inner_product.fit_relation` with the keyword arguments ``design`` (e.g.
    :data:`VARIABLE_PROJECTION`) on ``train`` (default: the problem's training rule), and measured on the
    problem's validation rule.

    Parameters
    ----------
    problem : SymmetricProblem
    d : int
        Feature dimension, at least 1.
    width, depth : int
    design : mapping
        ``steps``, ``lr``, ``lbfgs_steps``, ``readout`` of :func:`relnb.inner_product.fit_relation`.
    seed : int
        Seed of the initialisation and of the training loop.
    train : (nodes, weights), optional
    spread : (low, high, scale), optional
        Spread the first layer over ``[low, high]`` (:func:`relnb.training.initial_network`).

    Returns
    -------
    FitResult

    Examples
    --------
    >>> problem = symmetric_problem("gaussian")
    >>> result = fit_symmetric(problem, 2, width=16, depth=1, design={"steps": 0, "lbfgs_steps": 20,
    ...                        "readout": "eckart_young"})
    >>> bool(result.valid_error / problem.expansion.tail_l2(2) < 1.01)
    True
    """
    if not isinstance(problem, SymmetricProblem):
        raise ValueError(f"problem must be a SymmetricProblem; got {type(problem).__name__}")
    d = check_int(d, "d", minimum=1)
    x, w = problem.train if train is None else train
    model = SymmetricInnerProduct(initial_network(x.shape[1], d, width=width, depth=depth, seed=seed,
                                                  spread=spread))  # inputs in R^p
    start = time.perf_counter()
    _, history = fit_relation(model, problem.kernel, x, w, seed=seed, validation=problem.valid, **design)
    return FitResult(history.l2_error, history.validation_l2, time.perf_counter() - start, len(history.lbfgs_loss),
                     model)


def fit_mercer(problem: MercerProblem, d: int, *, width: int, depth: int, lbfgs_steps: int, seed: int = 0
               ) -> tuple[FitResult, float, float]:
    r"""Train :math:`\langle\phi, \phi\rangle` on a :class:`relnb.kernel_approx.MercerProblem` (inputs in
    :math:`\mathbb R^4`): variable projection on the factored target (:func:`relnb.training.fit_low_rank`),
    measured by :func:`relnb.kernel_approx.mercer_error`.

    Returns
    -------
    FitResult, stderr, truncation
        ``train_error`` against the truncated target on the training rule, ``valid_error`` the validation
        estimate, with its standard error and truncation bound.
    """
    if not isinstance(problem, MercerProblem):
        raise ValueError(f"problem must be a MercerProblem; got {type(problem).__name__}")
    x, w = problem.train
    model = SymmetricInnerProduct(MLP(x.shape[1], check_int(d, "d", minimum=1), width=width, depth=depth, seed=seed))
    start = time.perf_counter()
    _, history = fit_low_rank(model, problem.factor(), x, w, lbfgs_steps=lbfgs_steps, seed=seed)
    seconds = time.perf_counter() - start
    error = mercer_error(problem, model.phi.features)
    return (FitResult(history.l2_error, error.value, seconds, len(history.lbfgs_loss), model), error.stderr,
            error.truncation)
