r"""Quadrature rules for the probability measures of the book, as ``(nodes, weights)``.

A measure :math:`\mu` on :math:`X \subset \mathbb R` is replaced by a discrete
probability measure :math:`\hat\mu = \sum_{j=1}^n w_j \delta_{x_j}`, chosen so that

.. math::

    \int_X f\, d\mu \approx \sum_{j=1}^n w_j f(x_j)

is exact for every polynomial (or trigonometric polynomial) of the highest
possible degree.  Every rule returns ``nodes`` of shape ``(n, 1)`` (points of
:math:`\mathbb R^1`, the convention of :mod:`relnb.kernels`) and ``weights`` of
shape ``(n,)``, non-negative (positive except for far-out Gauss--Hermite
nodes that underflow) and summing to 1.  Integrals against
:math:`\mu\otimes\mu` use the product rule :math:`w_i w_j` on the grid
:math:`(x_i, x_j)`.  See the chapter "Mercer's theorem and symmetric relations"
(the discretised integral operator) and the RKBS chapter.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import roots_hermitenorm, roots_legendre

from relnb._validation import (
    as_float_array,
    check_int,
    check_positive,
    check_probability_weights,
    check_real,
    check_size,
)

__all__ = [
    "circle",
    "composite_legendre",
    "gaussian",
    "gaussian_legendre",
    "product_rule",
    "product_weights",
    "sobol_normal",
    "split_rule",
    "tensor_rule",
    "uniform",
]

Rule = tuple[NDArray[np.float64], NDArray[np.float64]]

#: Most nodes of one Gauss--Legendre rule: :func:`scipy.special.roots_legendre` takes O(n^2) time
#: (2 s at n = 10^4, 8 s at 2 * 10^4, minutes at 10^5).  Raise it if you will wait; for finer rules
#: :func:`composite_legendre` with many panels of a few nodes costs O(n).
MAX_LEGENDRE_NODES = 20_000


def _legendre(n: object, name: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Gauss--Legendre nodes and weights on [-1, 1], for at most :data:`MAX_LEGENDRE_NODES` nodes."""
    count = check_int(n, name, minimum=1)
    if count > MAX_LEGENDRE_NODES:
        raise ValueError(
            f"{name} must be <= relnb.quadrature.MAX_LEGENDRE_NODES = {MAX_LEGENDRE_NODES} (the Legendre roots "
            f"take O(n^2) time: minutes at 10^5); got {count}. Use composite_legendre for finer rules, or raise "
            f"the constant"
        )
    return roots_legendre(count)


def uniform(n: int, low: float = 0.0, high: float = 1.0) -> Rule:
    r"""Gauss--Legendre rule for the uniform probability measure on :math:`[a, b]`.

    .. math::

        \int_a^b f(x)\, \frac{dx}{b - a} \approx \sum_{j=1}^n w_j f(x_j),

    where :math:`x_j = a + (b - a)(t_j + 1)/2` with :math:`t_j` the roots of the
    Legendre polynomial :math:`P_n`, and :math:`w_j` the Gauss--Legendre weights
    divided by 2.  Exact for polynomials of degree at most :math:`2n - 1`.

    Parameters
    ----------
    n : int
        Number of nodes, at least 1.
    low, high : float
        The interval :math:`[a, b]`, with :math:`a < b`.

    Returns
    -------
    nodes : numpy.ndarray, shape (n, 1)
        Increasing, inside :math:`(a, b)`.
    weights : numpy.ndarray, shape (n,)
        Positive, summing to 1.

    Examples
    --------
    >>> x, w = uniform(3)
    >>> x.shape, round(float(w.sum()), 12)
    ((3, 1), 1.0)
    >>> round(float(w @ x[:, 0] ** 5) * 6, 12)  # the mean of x^5 on [0, 1] is 1/6
    1.0
    """
    a, b = check_real(low, "low"), check_real(high, "high")
    if not a < b:
        raise ValueError(f"low must be < high (a non-empty interval); got low={a} and high={b}")
    t, w = _legendre(n, "n")
    if np.isfinite(b - a):
        nodes = a + (b - a) * (t + 1.0) / 2.0
    else:  # b - a overflows (an interval wider than 1.8e308): the same affine map, halves first
        nodes = a * ((1.0 - t) / 2.0) + b * ((1.0 + t) / 2.0)
    return nodes[:, None], w / w.sum()


def gaussian(n: int, mean: float = 0.0, std: float = 1.0) -> Rule:
    r"""Gauss--Hermite rule for the normal distribution :math:`N(m, s^2)`.

    .. math::

        \int_{\mathbb R} f(x)\, \frac{e^{-(x - m)^2 / (2 s^2)}}{\sqrt{2\pi}\, s}\, dx
        \approx \sum_{j=1}^n w_j f(x_j),

    where :math:`x_j = m + s\, t_j` with :math:`t_j` the roots of the
    probabilists' Hermite polynomial :math:`He_n`, and :math:`w_j` the
    corresponding weights divided by :math:`\sqrt{2\pi}`.  Exact for polynomials
    of degree at most :math:`2n - 1`.  The outer nodes reach
    :math:`|t_j| \approx 2\sqrt{n}` with weights far below machine precision
    (for :math:`n \gtrsim 350` the outermost underflow to exactly 0): they cost
    nothing and matter nothing.  Computed by :func:`scipy.special.roots_hermitenorm`,
    accurate for large :math:`n` where :func:`numpy.polynomial.hermite_e.hermegauss` overflows.

    Parameters
    ----------
    n : int
        Number of nodes, at least 1.
    mean, std : float
        :math:`m` and :math:`s > 0`.

    Returns
    -------
    nodes : numpy.ndarray, shape (n, 1)
    weights : numpy.ndarray, shape (n,)
        Non-negative, summing to 1.

    Examples
    --------
    >>> x, w = gaussian(5, mean=1.0, std=2.0)
    >>> round(float(w @ x[:, 0]), 12), round(float(w @ (x[:, 0] - 1) ** 2), 12)
    (1.0, 4.0)
    """
    n = check_int(n, "n", minimum=1)
    check_size((n, 2), "the Gauss-Hermite nodes and weights")
    m = check_real(mean, "mean")
    s = check_positive(std, "std")
    t, w = roots_hermitenorm(n)
    return (m + s * t)[:, None], w / w.sum()


def gaussian_legendre(n: int, mean: float = 0.0, std: float = 1.0, *, half_width: float = 8.0) -> Rule:
    r"""Gauss--Legendre nodes on :math:`[m - L s, m + L s]` weighted by the normal density :math:`N(m, s^2)`.

    .. math::

        \int_{\mathbb R} f\, dN(m, s^2) \approx \sum_{j=1}^n w_j f(x_j), \qquad
        w_j \propto v_j\, e^{-(x_j - m)^2 / (2 s^2)},

    where :math:`(x_j, v_j)` is the Gauss--Legendre rule of
    :math:`[m - L s, m + L s]` and :math:`L` is ``half_width``.  Not exact on
    polynomials like :func:`gaussian`, but its nodes are spread evenly where
    the measure has its mass: Gauss--Hermite with :math:`n` nodes puts only
    about :math:`2\sqrt{n}` of them where :math:`w_j > 10^{-16}`.  For a smooth
    :math:`f` the error is the mass outside, :math:`2\Phi(-L)` (about
    :math:`10^{-15}` for :math:`L = 8`), plus the Gauss--Legendre error of an
    analytic integrand, which decays geometrically in :math:`n`.  The chapter
    "Mercer's theorem and symmetric relations" trains and measures on such rules.

    Parameters
    ----------
    n : int
        Number of nodes, at least 1.
    mean, std : float
        :math:`m` and :math:`s > 0`.
    half_width : float
        :math:`L > 0`, in units of :math:`s`.

    Returns
    -------
    nodes : numpy.ndarray, shape (n, 1)
    weights : numpy.ndarray, shape (n,)
        Positive, summing to 1.

    Examples
    --------
    >>> x, w = gaussian_legendre(200)
    >>> round(float(w @ x[:, 0] ** 2), 9), round(float(w @ x[:, 0] ** 4), 9)  # truncation at 8 std: ~5e-12
    (1.0, 3.0)
    """
    m = check_real(mean, "mean")
    s = check_positive(std, "std")
    half = check_positive(half_width, "half_width")
    t, v = _legendre(n, "n")
    with np.errstate(under="ignore", over="ignore"):
        w = v * np.exp(-((half * t) ** 2) / 2.0)
    if not w.sum() > 0:  # every density value underflows (L t_j > 38.6 for all j): log space
        with np.errstate(over="ignore"):
            log_w = np.log(v) - (half * t) ** 2 / 2.0
        if np.isfinite(log_w.max()):
            w = np.exp(log_w - log_w.max())
        else:  # (L t_j)^2 overflows at every node: the mass is on the innermost nodes
            w = (np.abs(t) == np.abs(t).min()) * v
    nodes = m + s * half * t
    if not np.isfinite(nodes).all():
        raise ValueError(f"the nodes mean +- half_width * std overflow float64; got mean={m:g}, std={s:g}, "
                         f"half_width={half:g}")
    return nodes[:, None], w / w.sum()


def circle(n: int) -> Rule:
    r"""Equally spaced rule for the uniform probability measure on the circle :math:`[0, 2\pi)`.

    .. math::

        \frac{1}{2\pi}\int_0^{2\pi} f(\theta)\, d\theta \approx \frac1n \sum_{j=0}^{n-1} f(2\pi j / n),

    exact for every trigonometric polynomial of degree at most :math:`n - 1`
    (the trapezoidal rule on a periodic function).

    Parameters
    ----------
    n : int
        Number of nodes, at least 1.

    Returns
    -------
    nodes : numpy.ndarray, shape (n, 1)
        Angles :math:`2\pi j / n`.
    weights : numpy.ndarray, shape (n,)
        All equal to :math:`1/n`.

    Examples
    --------
    >>> x, w = circle(4)
    >>> x[:, 0] / np.pi
    array([0. , 0.5, 1. , 1.5])
    >>> round(float(w @ np.cos(x[:, 0]) ** 2), 12)
    0.5
    """
    n = check_int(n, "n", minimum=1)
    check_size((n, 2), "the circle's nodes and weights")
    return (2.0 * np.pi * np.arange(n) / n)[:, None], np.full(n, 1.0 / n)


def product_weights(weights_x: ArrayLike, weights_y: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""Weights :math:`w_i w'_j` of the product rule for :math:`\mu\otimes\nu` on the grid :math:`(x_i, y_j)`.

    Parameters
    ----------
    weights_x : array_like, shape (n,)
    weights_y : array_like, shape (k,), optional
        Defaults to ``weights_x`` (the measure :math:`\mu\otimes\mu`).

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> product_weights(np.array([0.5, 0.5]))
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    w = check_probability_weights(weights_x, "weights_x")
    v = w if weights_y is None else check_probability_weights(weights_y, "weights_y")
    check_size((w.shape[0], v.shape[0]), "the product weights")
    return np.outer(w, v)


def product_rule(rule: Rule, dim: int) -> Rule:
    r"""The product of ``dim`` copies of a one-dimensional rule, for :math:`\mu^{\otimes p}` on :math:`\mathbb R^p`.

    .. math::

        \int f\, d\mu^{\otimes p} \approx \sum_{i_1, \dots, i_p} w_{i_1} \cdots w_{i_p}\, f(x_{i_1}, \dots, x_{i_p}),

    exact for polynomials of degree at most :math:`2n - 1` in each variable when the rule is Gaussian with
    :math:`n` nodes.  E.g. ``product_rule(gaussian(30), 2)``: a 30 x 30 tensor Gauss--Hermite rule for
    :math:`N(0, I_2)`.  The last coordinate varies fastest.

    Parameters
    ----------
    rule : (nodes, weights)
        Nodes of shape (n, 1), weights of shape (n,).
    dim : int
        :math:`p \ge 1`.

    Returns
    -------
    nodes : numpy.ndarray, shape (n^p, p)
    weights : numpy.ndarray, shape (n^p,)

    Examples
    --------
    >>> x, w = product_rule(gaussian(3), 2)
    >>> x.shape, round(float(w.sum()), 12), round(float(w @ (x[:, 0] ** 2 * x[:, 1] ** 2)), 12)
    ((9, 2), 1.0, 1.0)
    """
    nodes, weights = rule
    nodes = np.asarray(nodes, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if nodes.ndim != 2 or nodes.shape[1] != 1 or weights.shape != (nodes.shape[0],):
        raise ValueError(f"rule must be one-dimensional nodes (n, 1) and weights (n,); got shapes {nodes.shape}, "
                         f"{weights.shape}")
    p = check_int(dim, "dim", minimum=1)
    grids = np.meshgrid(*([nodes[:, 0]] * p), indexing="ij")
    weight_grids = np.meshgrid(*([weights] * p), indexing="ij")
    return np.stack([g.ravel() for g in grids], axis=1), np.prod([g.ravel() for g in weight_grids], axis=0)


#: Most points of one Sobol' rule, :math:`2^{20}` (8 MiB per coordinate); the benchmarks use :math:`2^{13}`
#: to :math:`2^{15}`.
MAX_SOBOL_LOG2 = 20


def sobol_normal(log2_points: int, dim: int, seed: int) -> Rule:
    r"""A randomised quasi-Monte Carlo rule for :math:`N(0, I_p)`: scrambled Sobol' points, mapped coordinatewise.

    The first :math:`n = 2^m` points :math:`u_i \in (0, 1)^p` of a scrambled Sobol' sequence
    (:class:`scipy.stats.qmc.Sobol`, Owen scrambling with ``seed``) are sent through the normal quantile
    :math:`x_i = \Phi^{-1}(u_i)` coordinatewise, each with weight :math:`1/n`:

    .. math::

        \int f\, dN(0, I_p) \approx \frac1n \sum_{i=1}^n f(x_i).

    A tensor rule needs :math:`n^p` nodes and is exact for polynomials; this rule has any number :math:`2^m`
    of points in any dimension and is unbiased (each scrambled point is uniform on :math:`(0, 1)^p`), with an
    error that decays nearly like :math:`1/n` for smooth integrands.  Rules with different seeds are independent
    replicates, so the spread of their estimates estimates the error (Owen, *Monte Carlo theory, methods and
    examples*, ch. 17).  The first :math:`2^m` points of a Sobol' sequence are balanced; other counts are not,
    hence the power of two.

    Parameters
    ----------
    log2_points : int
        :math:`m`, between 1 and ``MAX_SOBOL_LOG2`` (20); the rule has :math:`2^m` points.
    dim : int
        :math:`p \ge 1`.
    seed : int
        Seed of the scrambling, at least 0.

    Returns
    -------
    nodes : numpy.ndarray, shape (2^m, p)
    weights : numpy.ndarray, shape (2^m,)

    Examples
    --------
    >>> x, w = sobol_normal(12, 2, seed=0)
    >>> x.shape, float(w.sum())
    ((4096, 2), 1.0)
    >>> bool(abs(w @ (x[:, 0] ** 2 * x[:, 1] ** 2) - 1.0) < 0.02)  # E[x^2 y^2] = 1
    True
    """
    from scipy.stats import norm, qmc

    m = check_int(log2_points, "log2_points", minimum=1, maximum=MAX_SOBOL_LOG2)
    p = check_int(dim, "dim", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    u = qmc.Sobol(d=p, scramble=True, seed=seed).random_base2(m)
    # a scrambled point is never exactly 0 or 1 in exact arithmetic; keep the quantile finite after rounding
    tiny = np.finfo(float).tiny
    nodes = norm.ppf(np.clip(u, tiny, 1 - np.finfo(float).epsneg))
    return nodes, np.full(nodes.shape[0], 1.0 / nodes.shape[0])


def tensor_rule(n: int, box: tuple[float, float], dim: int) -> Rule:
    r"""The product of ``dim`` copies of :func:`uniform` on ``box``: :math:`n^{\mathrm{dim}}` nodes in the cube.

    .. math::

        \int_{[a, b]^m} f\, d\mu \approx \sum_{i_1, \dots, i_m} w_{i_1} \cdots w_{i_m}\,
        f(x_{i_1}, \dots, x_{i_m}),

    where :math:`(x_i, w_i)` is the ``n``-node rule :func:`uniform` of :math:`[a, b]` = ``box`` and
    :math:`m` = ``dim``.  The retrieval tasks' ``grid`` and the benchmarks use it.

    Parameters
    ----------
    n : int
        Nodes per axis.
    box : (float, float)
        The interval :math:`[a, b]`.
    dim : int
        The dimension :math:`m \ge 1`.

    Returns
    -------
    nodes : numpy.ndarray, shape (n**dim, dim)
    weights : numpy.ndarray, shape (n**dim,)
        Positive, summing to 1.

    Examples
    --------
    >>> x, w = tensor_rule(3, (0.0, 1.0), 2)
    >>> x.shape, round(float(w.sum()), 12)
    ((9, 2), 1.0)
    """
    dim = check_int(dim, "dim", minimum=1)
    if len(box) != 2:
        raise ValueError(f"box must be a pair (low, high); got {box!r}")
    n = check_int(n, "n", minimum=1)
    check_size((n**dim, dim), "the tensor grid")
    nodes, weights = uniform(n, box[0], box[1])
    grids = np.meshgrid(*([nodes[:, 0]] * dim), indexing="ij")
    points = np.stack([g.ravel() for g in grids], axis=1)
    w = weights
    for _ in range(dim - 1):
        w = np.outer(w, weights).ravel()
    return points, w


def composite_legendre(breakpoints: ArrayLike, order: int = 2) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Composite Gauss--Legendre rule for the uniform probability measure, with given panel ends.

    For breakpoints :math:`t_0 < t_1 < \dots < t_P`,

    .. math::

        \frac{1}{t_P - t_0} \int_{t_0}^{t_P} g(y)\, dy
        \approx \sum_{p=1}^{P} \sum_{q=1}^{Q} v_{pq}\, g(y_{pq}),

    with :math:`Q` = ``order`` Gauss--Legendre nodes :math:`y_{pq}` in each panel
    :math:`[t_{p-1}, t_p]` (exact on each panel for polynomials of degree :math:`2Q - 1`).
    Its use: with the breakpoints :math:`0, x_1, \dots, x_n, 1` at the nodes of the
    rule of :math:`\mu`, every partial integral :math:`\int_0^{x_i} g\, dy` is a sum of
    whole panels, so a relation that jumps on the diagonal :math:`y = x` is
    integrated on the product grid as accurately as a smooth one.

    Parameters
    ----------
    breakpoints : array_like, shape (P + 1,)
        Strictly increasing panel ends.
    order : int
        Nodes per panel :math:`Q \ge 1`.

    Returns
    -------
    nodes : numpy.ndarray, shape (P * Q, 1)
    weights : numpy.ndarray, shape (P * Q,)
        Positive, summing to 1.

    Examples
    --------
    >>> y, v = composite_legendre([0.0, 0.3, 1.0], order=2)
    >>> y.shape, round(float(v.sum()), 12), round(float(v @ y[:, 0] ** 3), 12)
    ((4, 1), 1.0, 0.25)
    """
    t = as_float_array(breakpoints, "breakpoints", ndim=1)
    q = check_int(order, "order", minimum=1)
    if t.shape[0] < 2:
        raise ValueError(f"breakpoints must contain at least 2 points (one panel); got {t.shape[0]}")
    with np.errstate(over="ignore"):
        steps = np.diff(t)
    if (steps <= 0).any():
        i = int(np.argmax(steps <= 0))
        raise ValueError(
            f"breakpoints must be strictly increasing; "
            f"got breakpoints[{i}] = {t[i]} >= breakpoints[{i + 1}] = {t[i + 1]}"
        )
    s, c = _legendre(q, "order")
    with np.errstate(over="ignore"):
        overflow = not (np.isfinite(steps).all() and np.isfinite(t[-1] - t[0]))
    if overflow:
        # a panel or the whole interval is wider than 1.8e308: work with half-widths, which cannot
        # overflow; the rule is normalised below, so the common factor 1/2 drops out
        steps = np.diff(t / 2.0)
        middle = t[:-1] / 2.0 + t[1:] / 2.0
        nodes = (middle[:, None] + steps[:, None] * s[None, :]).ravel()
        weights = (steps[:, None] / steps.max() * c[None, :]).ravel()
        return nodes[:, None], weights / weights.sum()
    nodes = (t[:-1, None] + steps[:, None] * (s[None, :] + 1.0) / 2.0).ravel()
    weights = (steps[:, None] * c[None, :] / 2.0).ravel() / (t[-1] - t[0])
    return nodes[:, None], weights / weights.sum()


def split_rule(
    nodes: int, order: int = 2
) -> tuple[NDArray[np.float64], NDArray[np.float64],
           NDArray[np.float64], NDArray[np.float64]]:
    r"""A product rule for relations that jump on the diagonal of the square.

    Gauss--Legendre nodes :math:`x_1 < \dots < x_n` with weights :math:`w_i`
    for :math:`\mu`, and for :math:`\nu` the composite rule of
    :func:`composite_legendre` with breakpoints :math:`0, x_1, \dots, x_n, 1`
    (``order`` nodes :math:`y_j` per panel, weights :math:`v_j`), both for
    the uniform measure.  Then for every :math:`i` and every :math:`g`,

    .. math::

        \sum_{j:\, y_j < x_i} v_j\, g(y_j) \;\text{ is the rule applied to }
        \int_0^{x_i} g(y)\, dy

    on whole panels, so for :math:`r(x, y) = \mathbf 1\{y < x\}` the inner sums
    :math:`\sum_j v_j\, r(x_i, y_j)\, h(y_j)` are exact whenever :math:`h` is a
    polynomial of degree :math:`\le 2\,\text{order} - 1` on each panel.

    Parameters
    ----------
    nodes : int
        :math:`n \ge 1` Gauss--Legendre nodes for :math:`\mu`.
    order : int
        Nodes per panel of the rule for :math:`\nu`.

    Returns
    -------
    x, w, y, v : numpy.ndarray
        Shapes (n, 1), (n,), ((n + 1) * order, 1), ((n + 1) * order,).

    Examples
    --------
    >>> from relnb.relations import order as order_relation
    >>> x, w, y, v = split_rule(5)
    >>> bool(np.allclose(order_relation(x, y) @ v, x[:, 0]))  # int_0^x dy
    True
    """
    n = check_int(nodes, "nodes", minimum=1)
    x, w = uniform(n)
    y, v = composite_legendre(np.r_[0.0, x[:, 0], 1.0], order=order)
    return x, w, y, v
