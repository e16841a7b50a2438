r"""Positive definite kernels, each a plain function ``k(X, Y=None, *, params)``.

A kernel :math:`k : X \times X \to \mathbb R` is *positive semidefinite* (PSD)
when every Gram matrix :math:`(k(x_i, x_j))_{ij}` is PSD.  Every function here
takes points ``X`` of shape ``(n, m)`` and ``Y`` of shape ``(k, m)`` (a 1-D
array of length n is read as ``(n, 1)``; ``Y=None`` means ``Y = X``) and returns
the ``(n, k)`` float64 matrix :math:`k(x_i, y_j)`, the calling convention of
:mod:`relnb.relations` and of :mod:`sklearn.metrics.pairwise`.  Inputs outside
a kernel's domain raise a ``ValueError`` naming the rule and a witness.

==========================  ===========================================  ===========================
kernel                      :math:`k(x, y)`                              domain
==========================  ===========================================  ===========================
:func:`gaussian`            :math:`e^{-\|x-y\|^2 / (2\ell^2)}`            :math:`\mathbb R^m`
:func:`laplace`             :math:`e^{-\|x-y\| / \ell}`                   :math:`\mathbb R^m`
:func:`brownian`            :math:`\min(x, y)`                           :math:`[0, \infty)`
:func:`brownian_bridge`     :math:`\min(x, y) - xy`                      :math:`[0, 1]`
:func:`von_mises`           :math:`e^{\kappa \cos(x - y)}`                angles in :math:`\mathbb R`
:func:`polynomial`          :math:`(\langle x, y\rangle + c)^p`           :math:`\mathbb R^m`
==========================  ===========================================  ===========================

Introduced in the chapter "Mercer's theorem and symmetric relations".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial.distance import cdist

from relnb._validation import (
    check_int,
    check_positive,
    finite_output,
    points_pair,
)

__all__ = ["brownian", "brownian_bridge", "gaussian", "laplace", "polynomial", "von_mises"]


_LOG_MAX = float(np.log(np.finfo(np.float64).max))


def _one_dimensional(x: NDArray[np.float64], y: NDArray[np.float64], kernel: str) -> None:
    if x.shape[1] != 1:
        raise ValueError(f"{kernel} is a kernel on the real line: points must have 1 column; got shape {x.shape}")


def _check_interval(points: NDArray[np.float64], name: str, kernel: str, low: float, high: float) -> None:
    """Raise with a witness if a point lies outside ``[low, high]``."""
    bad = (points < low) | (points > high)
    if bad.any():
        index = int(np.argwhere(bad)[0][0])
        interval = f"[{low:g}, {high:g}]" if np.isfinite(high) else f"[{low:g}, inf)"
        raise ValueError(f"{kernel} is defined on {interval}: {name} must lie in it; got {name}[{index}] = "
                         f"{points[index, 0]:.6g}")


def gaussian(X: ArrayLike, Y: ArrayLike | None = None, *, lengthscale: float = 1.0) -> NDArray[np.float64]:
    r"""Gaussian (squared-exponential) kernel.

    .. math::

        k(x, y) = \exp\!\Big(-\frac{\|x - y\|^2}{2 \ell^2}\Big),

    where :math:`\ell > 0` is the lengthscale.  Under the normal measure its
    Mercer expansion is known in closed form (Hermite functions, geometric
    eigenvalues: :func:`relnb.mercer.gaussian_expansion`).

    Parameters
    ----------
    X : array_like, shape (n, m) or (n,)
    Y : array_like, shape (k, m) or (k,), optional
    lengthscale : float
        :math:`\ell > 0`.

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> gaussian([0.0, 1.0], lengthscale=1.0).round(6)
    array([[1.      , 0.606531],
           [0.606531, 1.      ]])
    """
    x, y = points_pair(X, Y)
    ell = check_positive(lengthscale, "lengthscale")
    scale = 2.0 * (ell * ell)  # ell**2 would raise OverflowError from 1.4e154 on
    if 0 < scale < np.inf:
        with np.errstate(over="ignore"):
            out = np.exp(-cdist(x, y, "sqeuclidean") / scale)
        if np.isfinite(out).all():
            return out
    # ell^2 under- or overflows, or the squared distances do: scale before squaring,
    # r = |x - y| / ell with |x - y| computed on points divided by their largest entry
    size = max(float(np.abs(x).max()), float(np.abs(y).max()), np.finfo(np.float64).tiny)
    with np.errstate(over="ignore"):
        r = cdist(x / size, y / size, "euclidean") * size / ell
        return np.exp(-0.5 * r * r)


def laplace(X: ArrayLike, Y: ArrayLike | None = None, *, lengthscale: float = 1.0) -> NDArray[np.float64]:
    r"""Laplace (exponential) kernel.

    .. math::

        k(x, y) = \exp\!\Big(-\frac{\|x - y\|}{\ell}\Big),

    where :math:`\|\cdot\|` is the Euclidean norm and :math:`\ell > 0` the
    lengthscale.  On the line it is the covariance of the Ornstein--Uhlenbeck
    process; not differentiable on the diagonal, so its eigenvalues decay only
    like :math:`i^{-2}`.

    Parameters
    ----------
    X : array_like, shape (n, m) or (n,)
    Y : array_like, shape (k, m) or (k,), optional
    lengthscale : float
        :math:`\ell > 0`.

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> laplace([0.0, 1.0], [0.0], lengthscale=1.0).round(6)
    array([[1.      ],
           [0.367879]])
    """
    x, y = points_pair(X, Y)
    ell = check_positive(lengthscale, "lengthscale")
    return np.exp(-cdist(x, y, "euclidean") / ell)


def brownian(X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""Covariance of Brownian motion on :math:`[0, \infty)`.

    .. math::

        k(x, y) = \min(x, y), \qquad x, y \ge 0.

    PSD because :math:`\min(x, y) = \int_0^\infty \mathbf 1\{t < x\}\mathbf 1\{t < y\}\, dt`.
    On :math:`[0, 1]` with the uniform measure, :math:`\lambda_k = ((k - \tfrac12)\pi)^{-2}`
    and :math:`e_k(x) = \sqrt2 \sin((k - \tfrac12)\pi x)` (:func:`relnb.mercer.brownian_expansion`).

    Parameters
    ----------
    X : array_like, shape (n, 1) or (n,)
        Times :math:`x_i \ge 0`.
    Y : array_like, shape (k, 1) or (k,), optional

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> brownian([0.25, 1.0])
    array([[0.25, 0.25],
           [0.25, 1.  ]])
    """
    x, y = points_pair(X, Y)
    _one_dimensional(x, y, "brownian")
    _check_interval(x, "X", "brownian", 0.0, np.inf)
    _check_interval(y, "Y", "brownian", 0.0, np.inf)
    return np.minimum(x[:, 0][:, None], y[:, 0][None, :])


def brownian_bridge(X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""Covariance of the Brownian bridge on :math:`[0, 1]`.

    .. math::

        k(x, y) = \min(x, y) - x y, \qquad x, y \in [0, 1].

    Its Mercer pairs under the uniform measure are :math:`\lambda_k = (k\pi)^{-2}`
    and :math:`e_k(x) = \sqrt2 \sin(k\pi x)`.

    Parameters
    ----------
    X : array_like, shape (n, 1) or (n,)
        Points of :math:`[0, 1]`.
    Y : array_like, shape (k, 1) or (k,), optional

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> brownian_bridge([0.5, 1.0])
    array([[0.25, 0.  ],
           [0.  , 0.  ]])
    """
    x, y = points_pair(X, Y)
    _one_dimensional(x, y, "brownian_bridge")
    _check_interval(x, "X", "brownian_bridge", 0.0, 1.0)
    _check_interval(y, "Y", "brownian_bridge", 0.0, 1.0)
    a, b = x[:, 0][:, None], y[:, 0][None, :]
    return np.minimum(a, b) - a * b


def von_mises(X: ArrayLike, Y: ArrayLike | None = None, *, kappa: float = 1.0) -> NDArray[np.float64]:
    r"""The von Mises kernel, a smooth periodic kernel on the circle.

    .. math::

        k(x, y) = \exp\big(\kappa \cos(x - y)\big)
                = I_0(\kappa) + 2\sum_{n \ge 1} I_n(\kappa) \cos\big(n (x - y)\big),

    where :math:`x, y` are angles (radians), :math:`\kappa > 0` the concentration
    and :math:`I_n` the modified Bessel functions of the first kind.  The
    expansion on the right (Jacobi--Anger) has positive coefficients, so the
    kernel is PSD and its Mercer eigenvalues under the uniform measure are
    :math:`I_0(\kappa)` once and :math:`I_n(\kappa)` twice (:func:`relnb.mercer.von_mises_expansion`).

    Parameters
    ----------
    X : array_like, shape (n, 1) or (n,)
        Angles in radians (any real number; the kernel is :math:`2\pi`-periodic).
    Y : array_like, shape (k, 1) or (k,), optional
    kappa : float
        :math:`\kappa > 0`.

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> von_mises([0.0, np.pi], kappa=1.0).round(6)
    array([[2.718282, 0.367879],
           [0.367879, 2.718282]])
    """
    x, y = points_pair(X, Y)
    _one_dimensional(x, y, "von_mises")
    k = check_positive(kappa, "kappa")
    if k > _LOG_MAX:
        raise ValueError(f"kappa must be at most log(float64 max) = {_LOG_MAX:.6g} (e^kappa, the kernel on "
                         f"the diagonal, overflows float64); got {k:g}")
    return np.exp(k * np.cos(x[:, 0][:, None] - y[:, 0][None, :]))


def polynomial(X: ArrayLike, Y: ArrayLike | None = None, *, degree: int = 2, c: float = 1.0) -> NDArray[np.float64]:
    r"""Polynomial kernel.

    .. math::

        k(x, y) = (\langle x, y \rangle + c)^p,

    where :math:`p \ge 1` is the degree and :math:`c \ge 0` the offset.  PSD as
    a sum of products of PSD kernels; of finite rank
    :math:`\binom{m + p}{p}` (:math:`p + 1` on the line when :math:`c > 0`):
    exactly an inner product of finite-dimensional features.

    Parameters
    ----------
    X : array_like, shape (n, m) or (n,)
    Y : array_like, shape (k, m) or (k,), optional
    degree : int
        :math:`p \ge 1`.
    c : float
        :math:`c \ge 0` (a negative offset breaks positive semidefiniteness).

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> polynomial([0.0, 1.0, 2.0], degree=2, c=1.0)
    array([[ 1.,  1.,  1.],
           [ 1.,  4.,  9.],
           [ 1.,  9., 25.]])
    """
    x, y = points_pair(X, Y)
    p = check_int(degree, "degree", minimum=1)
    offset = check_positive(c, "c", strict=False)
    with np.errstate(over="ignore", invalid="ignore"):
        return finite_output((x @ y.T + offset) ** p, "the polynomial kernel")
