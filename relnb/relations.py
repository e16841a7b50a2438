r"""Relation functions that are not (necessarily) kernels.

Same calling convention as :mod:`relnb.kernels`: ``r(X, Y=None)`` takes points
of shape ``(n, m)`` and ``(k, m)`` (a 1-D array of length n is read as
``(n, 1)``; ``Y=None`` means ``Y = X``) and returns the ``(n, k)`` float64
matrix :math:`r(x_i, y_j)`.  Introduced in the chapter "Relation functions and
inner products" and used again for asymmetric relations (RKBS chapter).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import (
    check_positive,
    check_size,
    finite_output,
    points_pair,
)

__all__ = ["neg_squared_distance", "order", "soft_order"]


def order(X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""The strict order relation on the line.

    .. math::

        r(x, y) = \mathbf 1\{y < x\}, \qquad x, y \in \mathbb R.

    Its symmetric part is :math:`\tfrac12` off the diagonal, its antisymmetric
    part :math:`\pm\tfrac12`: the standard example of a relation that no
    symmetric model can approximate.

    Parameters
    ----------
    X : array_like, shape (n, 1) or (n,)
    Y : array_like, shape (k, 1) or (k,), optional

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> order([0.0, 1.0])
    array([[0., 0.],
           [1., 0.]])
    """
    x, y = points_pair(X, Y)
    if x.shape[1] != 1:
        raise ValueError(f"order is a relation on the real line: points must have 1 column; got shape {x.shape}")
    return (y[:, 0][None, :] < x[:, 0][:, None]).astype(np.float64)


def neg_squared_distance(X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""Negative squared Euclidean distance.

    .. math::

        r(x, y) = -\|x - y\|^2 = \langle (-\|x\|^2, 2x, 1), (1, y, -\|y\|^2) \rangle .

    Symmetric but indefinite: on the line, for three or more distinct points,
    its matrices have rank 3 with two positive eigenvalues and one negative
    (the zero diagonal makes the eigenvalues sum to 0).  The inner-product form on the right makes
    nearest-neighbour retrieval an inner product of lifted features.

    Examples
    --------
    >>> neg_squared_distance([0.0, 2.0])
    array([[-0., -4.],
           [-4., -0.]])
    """
    x, y = points_pair(X, Y, itemsize=None)
    check_size((x.shape[0], y.shape[0], x.shape[1]), "the differences x_i - y_j")
    with np.errstate(over="ignore", invalid="ignore"):
        diff = x[:, None, :] - y[None, :, :]
        return finite_output(-np.einsum("ijk,ijk->ij", diff, diff), "neg_squared_distance")


def soft_order(X: ArrayLike, Y: ArrayLike | None = None, *, beta: float = 10.0) -> NDArray[np.float64]:
    r"""A smooth order relation: the logistic function of the difference.

    .. math::

        r_\beta(x, y) = \sigma\big(\beta (x - y)\big) = \frac{1}{1 + e^{-\beta (x - y)}},
        \qquad x, y \in \mathbb R,

    where :math:`\beta > 0` is the sharpness and :math:`\sigma` the logistic function.
    Smooth (real-analytic) and not a finite sum of products :math:`\sum_k f_k(x) g_k(y)`
    (its singular values never vanish); as :math:`\beta \to \infty` it tends to
    :func:`order` off the diagonal.  Because :math:`\sigma(t) + \sigma(-t) = 1`, its
    symmetric part is the constant :math:`\tfrac12`, as for :func:`order`.  The
    smooth non-separable example of the RKBS chapter.

    Parameters
    ----------
    X : array_like, shape (n, 1) or (n,)
    Y : array_like, shape (k, 1) or (k,), optional
    beta : float
        Sharpness :math:`\beta > 0`.

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> soft_order([0.0, 1.0], beta=2.0).round(4)
    array([[0.5   , 0.1192],
           [0.8808, 0.5   ]])
    """
    x, y = points_pair(X, Y)
    if x.shape[1] != 1:
        raise ValueError(f"soft_order is a relation on the real line: points must have 1 column; got shape {x.shape}")
    b = check_positive(beta, "beta")
    t = b * (x[:, 0][:, None] - y[:, 0][None, :])
    # 1 / (1 + exp(-t)) written with tanh: no overflow for large |t|
    return 0.5 * (1.0 + np.tanh(t / 2.0))
