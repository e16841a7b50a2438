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

from relnb._validation import check_int, check_positive, check_probability_weights, check_real

__all__ = ["circle", "gaussian", "gaussian_legendre", "product_weights", "uniform"]

Rule = tuple[NDArray[np.float64], NDArray[np.float64]]


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
    n = check_int(n, "n", minimum=1)
    a, b = check_real(low, "low"), check_real(high, "high")
    if not a < b:
        raise ValueError(f"low must be < high (a non-empty interval); got low={a} and high={b}")
    t, w = roots_legendre(n)
    nodes = a + (b - a) * (t + 1.0) / 2.0
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
    n = check_int(n, "n", minimum=1)
    m = check_real(mean, "mean")
    s = check_positive(std, "std")
    half = check_positive(half_width, "half_width")
    t, v = roots_legendre(n)
    w = v * np.exp(-((half * t) ** 2) / 2.0)
    return (m + s * half * t)[:, None], w / w.sum()


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
    return np.outer(w, v)
