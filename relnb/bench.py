r"""Benchmarks: how close trained inner-product models come to the best possible, next to the alternatives.

``make bench`` (the scripts in ``scripts/bench/``) measures, for a relation :math:`r`, a method and a feature
dimension :math:`d`, the error of a rank-:math:`d` model :math:`\hat r` and the optimum of its class,

.. math::

    e = \|r - \hat r\|_{L^2(\mu\otimes\nu)}, \qquad
    \tau_d = \Big(\sum_{k > d} \sigma_k^2\Big)^{1/2}, \qquad
    \rho = \frac{e}{\tau_d} \ge 1,

where :math:`\sigma_k` are the singular values of the integral operator of :math:`r` (its eigenvalues, for a PSD
kernel: the Eckart--Young--Mirsky limit of the chapters on Mercer's theorem and on asymmetric relations) and
:math:`e` is measured on a quadrature rule finer than, and independent of, the one a model was trained on.  The
results go to ``book/data/bench.json`` as rows ``{relation, method, d, error, optimum, ratio}``; the page
"How close to the limit?" reads them with :func:`load_results` and draws them with :func:`plot_ratios` and
:func:`plot_retrieval`.

The benchmark problems and baselines are defined here once, for ``make bench`` and for
``make train-mercer`` (``scripts/train_mercer.py``): :func:`symmetric_problem`, :func:`fit_symmetric`,
:func:`rff_errors`, :func:`nystroem_errors`, :func:`random_network_errors` and the closed form
:func:`rff_expected_error`; the asymmetric models are built by :func:`asymmetric_model` as in the chapter on
asymmetric relations.
"""

from __future__ import annotations

import json
import math
import numbers
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from relnb import kernels, mercer, quadrature
from relnb._validation import check_int, check_positive
from relnb.gram import relation_norm
from relnb.inner_product import MLP, AsymmetricInnerProduct, SymmetricInnerProduct, fit_relation
from relnb.plotting import COLORS

__all__ = [
    "LENGTHSCALE",
    "ROW_KEYS",
    "VARIABLE_PROJECTION",
    "ZERO_OPTIMUM",
    "BenchResults",
    "FitResult",
    "SymmetricProblem",
    "asymmetric_model",
    "fit_symmetric",
    "load_results",
    "make_row",
    "nystroem_errors",
    "plot_ratios",
    "plot_retrieval",
    "random_network_errors",
    "rff_errors",
    "rff_expected_error",
    "symmetric_problem",
    "validate_rows",
]

#: Lengthscale :math:`\ell` of the Gaussian and Laplace kernels of the benchmarks (and of the Mercer chapter).
LENGTHSCALE = 0.5

#: The training design of the trained :math:`\langle\phi, \phi\rangle` models: variable projection (the readout
#: is always the Eckart--Young optimum of the hidden units), L-BFGS on the hidden layers, no Adam.
VARIABLE_PROJECTION: dict[str, Any] = {"steps": 0, "lbfgs_steps": 1000, "readout": "eckart_young"}

#: Keys every row of the results file has.
ROW_KEYS = ("relation", "method", "d", "error", "optimum", "ratio")

#: An optimum at or below this is zero up to rounding (the relation has rank at most :math:`d`): no ratio.
ZERO_OPTIMUM = 1e-12

Rule = tuple[NDArray[np.float64], NDArray[np.float64]]


# ---------------------------------------------------------------------------------------------------------
# symmetric problems and their baselines
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SymmetricProblem:
    r"""A PSD kernel under a measure, with a training rule, a finer validation rule and its Mercer expansion.

    Attributes
    ----------
    name : str
        ``"gaussian"``, ``"brownian"`` or ``"laplace"``.
    label : str
        Kernel and measure in words.
    kernel : callable
        ``kernel(X, Y=None) -> (n, k)``.
    train, valid : (nodes, weights)
        Quadrature rules of :math:`\mu`: the one models are trained on, and a finer one with no node in common
        that every error is measured on.
    expansion : relnb.mercer.MercerExpansion
        Rank 16; ``expansion.tail_l2(d)`` is the optimum :math:`\tau_d`.
    sample : callable
        ``sample(rng, n) -> (n, 1)`` points drawn from :math:`\mu` (the landmarks of Nyström features).
    rules : dict of str
        The two rules in words, for the results files.
    gamma : float or None
        :math:`1 / (2\ell^2)` of the Gaussian kernel (random Fourier features exist for it only), else ``None``.
    """

    name: str
    label: str
    kernel: Callable[..., NDArray[np.float64]]
    train: Rule = field(repr=False)
    valid: Rule = field(repr=False)
    expansion: mercer.MercerExpansion = field(repr=False)
    sample: Callable[[np.random.Generator, int], NDArray[np.float64]] = field(repr=False)
    rules: dict[str, str] = field(repr=False)
    gamma: float | None = None

    def __repr__(self) -> str:
        return f"SymmetricProblem({self.name}: {self.label}; train {self.rules['train']}, valid {self.rules['valid']})"


def _normal_sample(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    return rng.normal(size=(n, 1))


def _uniform_sample(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    return rng.uniform(size=(n, 1))


def symmetric_problem(name: str) -> SymmetricProblem:
    r"""One of the three symmetric benchmark problems of the book.

    - ``"gaussian"``: :math:`e^{-(x-y)^2/(2\ell^2)}` under :math:`N(0, 1)`; trained on 300 Gauss--Legendre nodes
      on :math:`[-8, 8]` weighted by the density (:func:`relnb.quadrature.gaussian_legendre`), validated on 1500
      on :math:`[-9.5, 9.5]`;
    - ``"brownian"``: :math:`\min(x, y)` under the uniform measure on :math:`[0, 1]`; Gauss--Legendre rules with
      300 and 1001 nodes;
    - ``"laplace"``: :math:`e^{-|x-y|/\ell}` under :math:`N(0, 1)`; rules as for ``"gaussian"``, validated on 2000,

    with :math:`\ell` = :data:`LENGTHSCALE`.  The Gaussian and Brownian optima are closed forms
    (:func:`relnb.mercer.gaussian_expansion`, :func:`relnb.mercer.brownian_expansion`); the Laplace kernel's comes
    from :func:`relnb.mercer.mercer_decomposition` on its validation rule.

    Parameters
    ----------
    name : {"gaussian", "brownian", "laplace"}

    Returns
    -------
    SymmetricProblem

    Examples
    --------
    >>> problem = symmetric_problem("brownian")
    >>> problem
    SymmetricProblem(brownian: min(x, y), uniform on [0, 1]; train uniform(300), valid uniform(1001))
    >>> round(problem.expansion.tail_l2(4), 6)
    0.007203
    """
    if name == "gaussian":
        return SymmetricProblem(
            name, "Gaussian kernel, lengthscale 0.5, N(0, 1)", partial(kernels.gaussian, lengthscale=LENGTHSCALE),
            quadrature.gaussian_legendre(300), quadrature.gaussian_legendre(1500, half_width=9.5),
            mercer.gaussian_expansion(16, lengthscale=LENGTHSCALE), _normal_sample,
            {"train": "gaussian_legendre(300)", "valid": "gaussian_legendre(1500, half_width=9.5)"},
            gamma=1 / (2 * LENGTHSCALE**2),
        )
    if name == "brownian":
        return SymmetricProblem(
            name, "min(x, y), uniform on [0, 1]", kernels.brownian, quadrature.uniform(300), quadrature.uniform(1001),
            mercer.brownian_expansion(16), _uniform_sample, {"train": "uniform(300)", "valid": "uniform(1001)"},
        )
    if name == "laplace":
        laplace = partial(kernels.laplace, lengthscale=LENGTHSCALE)
        valid = quadrature.gaussian_legendre(2000, half_width=9.5)
        return SymmetricProblem(
            name, "Laplace kernel, lengthscale 0.5, N(0, 1)", laplace, quadrature.gaussian_legendre(300), valid,
            mercer.mercer_decomposition(laplace, *valid, rank=16), _normal_sample,
            {"train": "gaussian_legendre(300)", "valid": "gaussian_legendre(2000, half_width=9.5)"},
        )
    raise ValueError(f"name must be one of 'gaussian', 'brownian', 'laplace'; got {name!r}")


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
    model = SymmetricInnerProduct(MLP(1, d, width=width, depth=depth, seed=seed))
    start = time.perf_counter()
    _, history = fit_relation(model, problem.kernel, x, w, seed=seed, validation=problem.valid, **design)
    return FitResult(history.l2_error, history.validation_l2, time.perf_counter() - start, len(history.lbfgs_loss),
                     model)


def rff_errors(problem: SymmetricProblem, d: int, seeds: int, *, features: int | None = None) -> list[float]:
    r"""Errors of random Fourier features (:class:`sklearn.kernel_approximation.RBFSampler`), one per seed.

    ``RBFSampler`` draws :math:`\omega_i \sim N(0, 2\gamma)` and :math:`b_i \sim U[0, 2\pi]` and uses
    :math:`z(x) = \sqrt{2/m}\,(\cos(\omega_i x + b_i))_{i \le m}`, an unbiased estimate
    :math:`\langle z(x), z(y)\rangle` of the Gaussian kernel (Rahimi and Recht).  Defined only for the stationary
    Gaussian kernel (``problem.gamma`` set); the error is measured on the validation rule.

    - ``features=None`` (the standard usage): :math:`m = d` features and their own inner product
      :math:`\langle z, z\rangle`.
    - ``features=m``: :math:`m \ge d` features, then the best rank-:math:`d` readout
      :math:`\langle \Gamma^\top z, \Gamma^\top z\rangle` of :func:`relnb.mercer.best_readout`, fitted on the
      training rule: the same budget (:math:`m` features before a rank-:math:`d` readout) and the same readout as
      a network of width :math:`m - 1` (:func:`random_network_errors`).

    Parameters
    ----------
    problem : SymmetricProblem
    d : int
        Feature dimension of the model.
    seeds : int
        Seeds ``0 .. seeds - 1``.
    features : int, optional
        Number :math:`m \ge d` of random features before a rank-:math:`d` readout.

    Returns
    -------
    list of float

    Examples
    --------
    >>> problem = symmetric_problem("gaussian")
    >>> len(rff_errors(problem, 4, seeds=3))
    3
    >>> bool(np.median(rff_errors(problem, 4, 3, features=33)) < np.median(rff_errors(problem, 4, 3)))
    True
    """
    from sklearn.kernel_approximation import RBFSampler

    if problem.gamma is None:
        raise ValueError(f"random Fourier features need the Gaussian kernel; got problem {problem.name!r}")
    d, seeds = check_int(d, "d", minimum=1), check_int(seeds, "seeds", minimum=1)
    m = d if features is None else check_int(features, "features", minimum=d)
    xv, wv = problem.valid
    K = problem.kernel(xv)
    errors = []
    for seed in range(seeds):
        sampler = RBFSampler(gamma=problem.gamma, n_components=m, random_state=seed).fit(xv)
        if features is None:
            Z = sampler.transform(xv)
            errors.append(relation_norm(K - Z @ Z.T, wv))
        else:
            errors.append(_readout_error(problem, sampler.transform, d, K))
    return errors


def nystroem_errors(problem: SymmetricProblem, d: int, seeds: int, *, features: int | None = None) -> list[float]:
    r"""Errors of Nyström features (:class:`sklearn.kernel_approximation.Nystroem`), one per seed.

    Each seed draws 1000 points from :math:`\mu` and ``Nystroem`` picks :math:`m` of them as landmarks
    :math:`z_1, \dots, z_m`; the features :math:`K_{xz} K_{zz}^{-1/2}` span :math:`k(\cdot, z_1), \dots,
    k(\cdot, z_m)` and reproduce the kernel exactly on the landmarks (Williams and Seeger).  The error is
    measured on the validation rule.

    - ``features=None`` (the standard usage): :math:`m = d` landmarks and the features' own inner product.
    - ``features=m``: :math:`m \ge d` landmarks, then the best rank-:math:`d` readout of
      :func:`relnb.mercer.best_readout` fitted on the training rule (the same budget and readout as a network of
      width :math:`m - 1`, :func:`random_network_errors`).  This is not the rank-:math:`d` Mercer truncation:
      the span of :math:`k(\cdot, z_j)` does not contain the eigenfunctions, whatever the landmarks.

    Parameters
    ----------
    problem : SymmetricProblem
    d : int
        Feature dimension of the model.
    seeds : int
        Seeds ``0 .. seeds - 1``.
    features : int, optional
        Number :math:`m \ge d` of landmarks before a rank-:math:`d` readout.

    Returns
    -------
    list of float

    Examples
    --------
    >>> problem = symmetric_problem("gaussian")
    >>> errors = nystroem_errors(problem, 4, seeds=2)
    >>> bool(min(errors) > problem.expansion.tail_l2(4))  # never below the optimum
    True
    >>> bool(max(nystroem_errors(problem, 4, 2, features=33)) < 1.01 * problem.expansion.tail_l2(4))
    True
    """
    from sklearn.kernel_approximation import Nystroem

    d, seeds = check_int(d, "d", minimum=1), check_int(seeds, "seeds", minimum=1)
    m = d if features is None else check_int(features, "features", minimum=d)
    xv, wv = problem.valid
    K = problem.kernel(xv)
    errors = []
    for seed in range(seeds):
        sample = problem.sample(np.random.default_rng(seed), 1000)
        if problem.name == "gaussian":  # sklearn's vectorised kernels: the same map, 100x faster
            nystroem = Nystroem(kernel="rbf", gamma=1 / (2 * LENGTHSCALE**2), n_components=m, random_state=seed)
        elif problem.name == "laplace":
            nystroem = Nystroem(kernel="laplacian", gamma=1 / LENGTHSCALE, n_components=m, random_state=seed)
        else:
            nystroem = Nystroem(kernel=lambda a, b: problem.kernel(a[None, :], b[None, :])[0, 0], n_components=m,
                                random_state=seed)
        nystroem.fit(sample)
        if features is None:
            Z = nystroem.transform(xv)
            errors.append(relation_norm(K - Z @ Z.T, wv))
        else:
            errors.append(_readout_error(problem, nystroem.transform, d, K))
    return errors


def random_network_errors(
    problem: SymmetricProblem, d: int, seeds: int, *, width: int, depth: int, train: Rule | None = None
) -> list[float]:
    r"""Errors of untrained networks with the best readout: random hidden layers, one per seed.

    The hidden layers of :class:`relnb.inner_product.MLP` (tanh, ``depth`` layers of ``width`` units, PyTorch's
    default initialisation with ``seed``) are left as initialised; their :math:`m = \text{width} + 1` features
    :math:`(h, 1)` get the best rank-:math:`d` readout of :func:`relnb.mercer.best_readout` on ``train`` (default:
    the problem's training rule; what :func:`relnb.inner_product.solve_readout` sets), and the error is measured
    on the validation rule.
    What training the hidden layers adds is the difference to :func:`fit_symmetric` with the same ``seed``.

    Parameters
    ----------
    problem : SymmetricProblem
    d : int
        Feature dimension, at least 1.
    seeds : int
        Seeds ``0 .. seeds - 1``.
    width, depth : int
    train : (nodes, weights), optional
        The rule the readout is fitted on.

    Returns
    -------
    list of float

    Examples
    --------
    >>> problem = symmetric_problem("gaussian")
    >>> errors = random_network_errors(problem, 4, 2, width=32, depth=2)
    >>> bool(max(errors) < 1.01 * problem.expansion.tail_l2(4))
    True
    """
    d, seeds = check_int(d, "d", minimum=1), check_int(seeds, "seeds", minimum=1)
    width, depth = check_int(width, "width", minimum=1), check_int(depth, "depth", minimum=1)
    K = problem.kernel(problem.valid[0])
    return [_readout_error(problem, MLP(1, d, width=width, depth=depth, seed=seed).hidden_features, d, K, train)
            for seed in range(seeds)]


def _readout_error(
    problem: SymmetricProblem, features: Callable[[NDArray[np.float64]], NDArray[np.float64]], d: int,
    valid_kernel: NDArray[np.float64], train: Rule | None = None,
) -> float:
    """Validation error of the best rank-d readout of ``features``, fitted on ``train`` (default: the problem's)."""
    (x, w), (xv, wv) = problem.train if train is None else train, problem.valid
    gamma = mercer.best_readout(features(x), problem.kernel(x), w, d).coefficients
    phi = features(xv) @ gamma
    return relation_norm(valid_kernel - phi @ phi.T, wv)


def rff_expected_error(d: int, *, lengthscale: float, std: float = 1.0) -> float:
    r"""Root-mean-square :math:`L^2(\mu\otimes\mu)` error of :math:`d` random Fourier features, in closed form.

    For the Gaussian kernel :math:`k = e^{-(x-y)^2/(2\ell^2)}` and the features of :func:`rff_errors`, each
    product :math:`X = 2\cos(\omega x + b)\cos(\omega y + b) = \cos(\omega(x - y)) + \cos(\omega(x + y) + 2b)`
    has mean :math:`k(x, y)` and second moment :math:`1 + \tfrac12 E\cos(2\omega(x - y)) = 1 + \tfrac12 k^4`,
    so the estimate :math:`\hat k_d`, a mean of :math:`d` independent copies, has

    .. math::

        E\,\|k - \hat k_d\|^2_{L^2(\mu\otimes\mu)} = \frac1d \int\!\!\int \big(1 - k^2 + \tfrac12 k^4\big)\,
        d\mu\, d\mu = \frac1d \Big(1 - \big(1 + \tfrac{4s^2}{\ell^2}\big)^{-1/2}
        + \tfrac12 \big(1 + \tfrac{8s^2}{\ell^2}\big)^{-1/2}\Big)

    under :math:`\mu = N(m, s^2)`, because :math:`x - y \sim N(0, 2s^2)` and
    :math:`E\, e^{-p(x-y)^2/(2\ell^2)} = (1 + 2ps^2/\ell^2)^{-1/2}`.  The function returns the square root; the
    mean error over seeds is at most this (Jensen), and both fall like :math:`d^{-1/2}`.

    Parameters
    ----------
    d : int
        Number of random features, at least 1.
    lengthscale : float
        :math:`\ell > 0`.
    std : float
        :math:`s > 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(rff_expected_error(1, lengthscale=0.5), 6)  # (1 - 17^(-1/2) + 33^(-1/2) / 2)^(1/2)
    0.918969
    >>> round(rff_expected_error(16, lengthscale=0.5) * 4, 6)  # d^(-1/2)
    0.918969
    """
    d = check_int(d, "d", minimum=1)
    ell, s = check_positive(lengthscale, "lengthscale"), check_positive(std, "std")
    mean_k2 = (1 + 4 * s**2 / ell**2) ** -0.5
    mean_k4 = (1 + 8 * s**2 / ell**2) ** -0.5
    return math.sqrt((1 - mean_k2 + mean_k4 / 2) / d)


# ---------------------------------------------------------------------------------------------------------
# asymmetric models
# ---------------------------------------------------------------------------------------------------------


def asymmetric_model(d: int, *, width: int, seed: int, low: float, high: float, scale: float) -> AsymmetricInnerProduct:
    r"""The model :math:`\langle\phi(x), \psi(y)\rangle` of the chapter on asymmetric relations.

    Two MLPs into :math:`\mathbb R^d` (tanh, two hidden layers of ``width`` units, seeds ``2 seed`` and
    ``2 seed + 1``) whose first layers are spread over :math:`[\text{low}, \text{high}]` with slopes of standard
    deviation ``scale`` (:func:`relnb.schmidt.spread_first_layer`), so that the hidden units can resolve
    oscillating singular functions.

    Parameters
    ----------
    d, width, seed : int
    low, high : float
        The interval of the inputs.
    scale : float
        Slope scale of the first layer (10 for the order relation, 1 for a polynomial).

    Returns
    -------
    relnb.inner_product.AsymmetricInnerProduct

    Examples
    --------
    >>> asymmetric_model(4, width=16, seed=0, low=0.0, high=1.0, scale=10.0)
    AsymmetricInnerProduct(phi=MLP(1 -> [16 x 2, tanh] -> 4), psi=MLP(1 -> [16 x 2, tanh] -> 4))
    """
    from relnb.schmidt import spread_first_layer

    seed = check_int(seed, "seed", minimum=0)
    phi, psi = MLP(1, d, width=width, seed=2 * seed), MLP(1, d, width=width, seed=2 * seed + 1)
    spread_first_layer(phi, low, high, scale=scale, seed=2 * seed)
    spread_first_layer(psi, low, high, scale=scale, seed=2 * seed + 1)
    return AsymmetricInnerProduct(phi, psi)


# ---------------------------------------------------------------------------------------------------------
# the results file
# ---------------------------------------------------------------------------------------------------------


def _finite_nonnegative(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite real number; got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0 (an L2 error); got {value!r}")
    return float(value)


def make_row(relation: str, method: str, d: int, error: float, optimum: float, **extra: Any) -> dict[str, Any]:
    r"""One row of the results file: an error next to the optimum at the same :math:`d`, and their ratio.

    ``ratio`` is ``error / optimum``, or ``None`` when the optimum is zero up to rounding
    (:math:`\le` :data:`ZERO_OPTIMUM`: the relation has rank at most :math:`d`, and only the error says how
    close a model comes).

    Parameters
    ----------
    relation, method : str
        Non-empty names; trained models have a method name starting with ``"trained"``.
    d : int
        Feature dimension, at least 1.
    error, optimum : float
        Finite and non-negative.
    **extra
        Further JSON values to keep with the row (seeds, widths, standard deviations, ...).

    Returns
    -------
    dict

    Examples
    --------
    >>> make_row("order", "trained <phi, psi>", 2, 0.25, 0.2)
    {'relation': 'order', 'method': 'trained <phi, psi>', 'd': 2, 'error': 0.25, 'optimum': 0.2, 'ratio': 1.25}
    >>> make_row("-(x - y)^2", "Schmidt optimum", 4, 1e-16, 1e-16)["ratio"] is None
    True
    """
    for value, name in ((relation, "relation"), (method, "method")):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string; got {value!r}")
    d = check_int(d, "d", minimum=1)
    e, o = _finite_nonnegative(error, "error"), _finite_nonnegative(optimum, "optimum")
    clash = set(extra) & set(ROW_KEYS)
    if clash:
        raise ValueError(f"extra keys must not repeat the row's keys {ROW_KEYS}; got {sorted(clash)}")
    ratio = e / o if o > ZERO_OPTIMUM else None
    return {"relation": relation, "method": method, "d": d, "error": e, "optimum": o, "ratio": ratio, **extra}


def validate_rows(rows: object) -> list[dict[str, Any]]:
    """Check a list of result rows: the keys of :data:`ROW_KEYS`, valid values, a consistent ratio, no duplicates.

    Parameters
    ----------
    rows : list of dict

    Returns
    -------
    list of dict
        The rows, unchanged.

    Examples
    --------
    >>> len(validate_rows([make_row("order", "Schmidt optimum", 1, 0.3, 0.3)]))
    1
    >>> validate_rows([{"relation": "order"}])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: row 0 must have the keys (...); missing ['d', 'error', 'method', 'optimum', 'ratio']
    """
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"rows must be a non-empty list of dicts; got {type(rows).__name__}")
    seen: dict[tuple[str, str, int], int] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(f"row {i} must be a dict; got {type(row).__name__}")
        missing = sorted(set(ROW_KEYS) - set(row))
        if missing:
            raise ValueError(f"row {i} must have the keys {ROW_KEYS}; missing {missing}")
        extra = {k: v for k, v in row.items() if k not in ROW_KEYS}
        expected = make_row(row["relation"], row["method"], row["d"], row["error"], row["optimum"], **extra)
        if (expected["ratio"] is None) != (row["ratio"] is None) or (
            row["ratio"] is not None and not math.isclose(row["ratio"], expected["ratio"], rel_tol=1e-12)
        ):
            raise ValueError(f"row {i} must have ratio = error / optimum = {expected['ratio']!r}; got {row['ratio']!r}")
        key = (row["relation"], row["method"], row["d"])
        if key in seen:
            raise ValueError(f"rows {seen[key]} and {i} are both for relation, method, d = {key}")
        seen[key] = i
    return rows


@dataclass(frozen=True, eq=False)
class BenchResults:
    r"""The contents of ``book/data/bench.json``: rows, the retrieval benchmark, timings and metadata.

    Attributes
    ----------
    rows : list of dict
        One per relation, method and :math:`d` (see :func:`make_row`).
    retrieval : dict
        The attention benchmark: ``betas`` and, per :math:`\beta`, weights and accuracies (lists of the same
        length), with scalars such as ``min_beta``.
    timings : dict or None
        Wall times in seconds: ``notebooks`` (per chapter) and ``make`` (per part of ``make test``).
    meta : dict
        Versions, date, settings and the seconds each benchmark took.
    """

    rows: list[dict[str, Any]] = field(repr=False)
    retrieval: dict[str, Any] = field(repr=False)
    timings: dict[str, Any] | None = field(repr=False)
    meta: dict[str, Any] = field(repr=False)

    def relations(self) -> list[str]:
        """The relations, in the order of their first row."""
        return list(dict.fromkeys(row["relation"] for row in self.rows))

    def methods(self, relation: str) -> list[str]:
        """The methods measured on ``relation``, in the order of their first row."""
        self._check_relation(relation)
        return list(dict.fromkeys(row["method"] for row in self.rows if row["relation"] == relation))

    def dims(self, relation: str) -> list[int]:
        """The feature dimensions measured on ``relation``, increasing."""
        self._check_relation(relation)
        return sorted({row["d"] for row in self.rows if row["relation"] == relation})

    def find(self, relation: str, method: str, d: int) -> dict[str, Any] | None:
        """The row of ``relation``, ``method`` and ``d``, or ``None`` if there is none."""
        return next((r for r in self.rows if (r["relation"], r["method"], r["d"]) == (relation, method, d)), None)

    def row(self, relation: str, method: str, d: int) -> dict[str, Any]:
        """The row of ``relation``, ``method`` and ``d`` (``ValueError`` naming what exists if there is none)."""
        found = self.find(relation, method, d)
        if found is not None:
            return found
        self._check_relation(relation)
        raise ValueError(
            f"no row for method {method!r} at d = {d} on {relation!r}; methods {self.methods(relation)}, "
            f"d in {self.dims(relation)}"
        )

    def value(self, relation: str, method: str, d: int, key: str = "ratio") -> Any:
        """One entry of a row, e.g. ``value("order", "trained <phi, psi>", 8)`` is that ratio."""
        row = self.row(relation, method, d)
        if key not in row:
            raise ValueError(f"the row of {method!r} at d = {d} on {relation!r} has no key {key!r}; it has {list(row)}")
        return row[key]

    def table(self, relation: str, key: str = "ratio", *, digits: int = 4) -> str:
        """A text table of ``key`` for every method (rows) and :math:`d` (columns); ``-`` where there is no value.

        Values are printed with ``digits`` significant digits (``#.{digits}g``), so the table is stable text.
        """
        digits = check_int(digits, "digits", minimum=1, maximum=12)
        dims, methods = self.dims(relation), self.methods(relation)
        title = key + " on " + relation
        header = [f"d = {d}" for d in dims]
        body = []
        for method in methods:
            cells = []
            for d in dims:
                row = self.find(relation, method, d)
                value = None if row is None else row.get(key)
                cells.append(f"{value:#.{digits}g}" if isinstance(value, int | float) else "-")
            body.append(cells)
        # each column as wide as its widest entry plus two blanks, so tables fit the page
        first = max(len(m) for m in [*methods, title]) + 2
        width = max(len(cell) for cell in header + [c for cells in body for c in cells]) + 2
        lines = [f"{title:{first}s}" + "".join(f"{h:>{width}s}" for h in header)]
        for method, cells in zip(methods, body, strict=True):
            lines.append(f"{method:{first}s}" + "".join(f"{c:>{width}s}" for c in cells))
        return "\n".join(lines)

    def timing_table(self) -> str:
        """The wall times of the notebooks and of the parts of ``make test`` as text (a note if there are none)."""
        if not self.timings:
            return "no timings in the results file: run make bench without --skip-timings"
        t = self.timings
        lines = [f"measured {t.get('date', '?')} on {t.get('cpus', '?')} CPUs"]
        for group, title in (("notebooks", "notebook (fresh kernel)"), ("make", "make target")):
            lines.append(f"{title:30s}{'seconds':>8s}")
            for name, entry in t[group].items():
                lines.append(f"  {name:28s}{entry['seconds']:8.1f}{'' if entry.get('ok', True) else '  FAILED'}")
        lines.append(f"whole book: {t['book_seconds']:.0f} s; make test: {t['make_test_seconds']:.0f} s")
        return "\n".join(lines)

    def _check_relation(self, relation: str) -> None:
        if relation not in self.relations():
            raise ValueError(f"relation must be one of {self.relations()}; got {relation!r}")

    def __repr__(self) -> str:
        return (
            f"BenchResults({len(self.rows)} rows on {len(self.relations())} relations, "
            f"retrieval over {len(self.retrieval['betas'])} betas, timings {'yes' if self.timings else 'no'})"
        )


_RETRIEVAL_SERIES = ("weight_mean", "weight_min", "accuracy", "weight_mean_free", "accuracy_free")
_RETRIEVAL_SCALARS = ("min_beta", "measured_beta", "eps", "gap", "delta", "n_keys")


def _validate_retrieval(retrieval: object) -> dict[str, Any]:
    if not isinstance(retrieval, dict):
        raise ValueError(f"retrieval must be a dict; got {type(retrieval).__name__}")
    missing = sorted({"betas", *_RETRIEVAL_SERIES, *_RETRIEVAL_SCALARS} - set(retrieval))
    if missing:
        raise ValueError(f"retrieval is missing the keys {missing}")
    betas = np.asarray(retrieval["betas"], dtype=float)
    if betas.ndim != 1 or betas.size < 2 or not (np.diff(betas) > 0).all() or betas[0] <= 0:
        raise ValueError(f"retrieval betas must be positive and increasing; got {retrieval['betas']!r}")
    for key in _RETRIEVAL_SERIES:
        series = np.asarray(retrieval[key], dtype=float)
        if series.shape != betas.shape or not ((series >= 0) & (series <= 1)).all():
            raise ValueError(f"retrieval {key} must have one value in [0, 1] per beta ({betas.size}); "
                             f"got {retrieval[key]!r}")
    return retrieval


def load_results(path: str | Path) -> BenchResults:
    r"""Read and validate the results file written by ``make bench``.

    Parameters
    ----------
    path : str or pathlib.Path
        Usually ``book/data/bench.json`` (``data/bench.json`` from a notebook in ``book/``).

    Returns
    -------
    BenchResults

    Examples
    --------
    >>> import tempfile
    >>> rows = [make_row("order", "Schmidt optimum", 1, 0.3, 0.3)]
    >>> retrieval = {"betas": [1.0, 2.0], "min_beta": 1.5, "measured_beta": 1.2, "eps": 0.01, "gap": 0.05,
    ...              "delta": 0.0, "n_keys": 8, **{k: [0.5, 1.0] for k in ("weight_mean", "weight_min", "accuracy",
    ...              "weight_mean_free", "accuracy_free")}}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "bench.json"
    ...     _ = file.write_text(json.dumps({"rows": rows, "retrieval": retrieval, "meta": {}}))
    ...     load_results(file)
    BenchResults(1 rows on 1 relations, retrieval over 2 betas, timings no)
    """
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"path must be an existing results file (run make bench); got {str(path)!r}")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{file.name} must be JSON; {exc}") from exc
    if not isinstance(data, dict) or not {"rows", "retrieval", "meta"} <= set(data):
        raise ValueError(f"{file.name} must be an object with the keys rows, retrieval and meta; "
                         f"got {sorted(data) if isinstance(data, dict) else type(data).__name__}")
    timings = data.get("timings")
    if timings is not None and not (isinstance(timings, dict) and {"notebooks", "make"} <= set(timings)):
        raise ValueError(f"timings must be an object with the keys notebooks and make; got {timings!r}")
    return BenchResults(validate_rows(data["rows"]), _validate_retrieval(data["retrieval"]), timings, data["meta"])


# ---------------------------------------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------------------------------------


def plot_ratios(
    results: BenchResults,
    relations: Sequence[str],
    *,
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
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 5.0))
    else:
        fig = ax.figure
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


def plot_retrieval(retrieval: Mapping[str, Any], *, title: str) -> tuple[Figure, NDArray[Any]]:
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

    Returns
    -------
    (fig, axes)
    """
    data = _validate_retrieval(dict(retrieval))
    betas = np.asarray(data["betas"], dtype=float)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    weights = {"gap instances, mean": "weight_mean", "gap instances, smallest": "weight_min",
               "no gap condition, mean": "weight_mean_free"}
    accuracies = {"gap instances": "accuracy", "no gap condition": "accuracy_free"}
    for ax, curves, ylabel in ((axes[0], weights, r"weight $\alpha_{i^*}$ on the selected key"),
                               (axes[1], accuracies, r"fraction with $\alpha_{i^*} \geq 1 - \varepsilon$")):
        for (label, key), color in zip(curves.items(), COLORS, strict=False):
            ax.plot(betas, data[key], color=color, marker=".", linewidth=1.2, label=label)
        ax.axvline(float(data["min_beta"]), color="black", linestyle="--", linewidth=1,
                   label=r"$\beta_{\min}(n, \eta - 2\delta, \varepsilon)$")
        ax.axvline(float(data["measured_beta"]), color=COLORS[3], linestyle=":", linewidth=1.2,
                   label=r"$\beta$ the gap instances need")
        ax.set_xscale("log")
        ax.set_xlabel(r"inverse temperature $\beta$")
        ax.set_ylabel(ylabel)
        ax.set_ylim(-0.02, 1.02)
        ax.legend(fontsize=7)
    axes[0].axhline(1 - float(data["eps"]), color="#999999", linewidth=0.8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig, axes
