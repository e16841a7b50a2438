r"""Gram matrices of relations, their symmetric and antisymmetric parts, and the PSD cone.

A relation function :math:`r` evaluated on points :math:`x_1, \dots, x_n` gives
a *relation matrix* :math:`R_{ij} = r(x_i, x_j)`.  A symmetric inner-product
model :math:`\langle \phi(x), \phi(y) \rangle` can only produce positive
semidefinite (PSD) matrices of rank at most :math:`d`; this module measures how
far a relation matrix is from every such matrix.  See the chapter
"Relation functions and inner products".

Weights :math:`w_i > 0` (a discrete probability measure :math:`\mu`) turn the
Frobenius norm into the :math:`L^2(\mu \otimes \mu)` norm of the relation,

.. math::

    \|R\|_{w} = \Big( \sum_{i,j} w_i w_j R_{ij}^2 \Big)^{1/2}
              = \| D^{1/2} R D^{1/2} \|_F, \qquad D = \operatorname{diag}(w),

so every result below holds verbatim for the weighted norm after the change of
variables :math:`R \mapsto D^{1/2} R D^{1/2}` (which maps the PSD cone onto itself).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import as_float_array, check_int, check_probability_weights, check_square

__all__ = [
    "PSDDistance",
    "antisymmetric_part",
    "distance_to_psd_cone",
    "gram_matrix",
    "numerical_rank",
    "psd_projection",
    "relation_norm",
    "symmetric_part",
]


def gram_matrix(features_x: ArrayLike, features_y: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""Matrix of inner products of feature vectors.

    .. math::

        G_{ij} = \langle \phi(x_i), \psi(y_j) \rangle = (F_x F_y^\top)_{ij}

    where :math:`F_x` has rows :math:`\phi(x_i)` and :math:`F_y` rows :math:`\psi(y_j)`;
    ``features_y=None`` means :math:`\psi = \phi` (the symmetric model).

    Parameters
    ----------
    features_x : array_like, shape (n, d)
        Rows are the feature vectors :math:`\phi(x_i)`.
    features_y : array_like, shape (k, d), optional
        Rows are :math:`\psi(y_j)`; defaults to ``features_x``.

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> gram_matrix([[1.0, 0.0], [1.0, 1.0]])
    array([[1., 1.],
           [1., 2.]])
    """
    fx = as_float_array(features_x, "features_x", ndim=2)
    fy = fx if features_y is None else as_float_array(features_y, "features_y", ndim=2)
    if fx.shape[1] != fy.shape[1]:
        raise ValueError(
            f"features_x and features_y must have the same feature dimension d; "
            f"got {fx.shape[1]} and {fy.shape[1]}"
        )
    return fx @ fy.T


def symmetric_part(matrix: ArrayLike) -> NDArray[np.float64]:
    r"""Symmetric part :math:`S = (R + R^\top)/2` of a square matrix.

    Examples
    --------
    >>> symmetric_part([[0.0, 1.0], [0.0, 0.0]])
    array([[0. , 0.5],
           [0.5, 0. ]])
    """
    r = check_square(matrix, "matrix")
    return (r + r.T) / 2


def antisymmetric_part(matrix: ArrayLike) -> NDArray[np.float64]:
    r"""Antisymmetric part :math:`K = (R - R^\top)/2` of a square matrix.

    Examples
    --------
    >>> antisymmetric_part([[0.0, 1.0], [0.0, 0.0]])
    array([[ 0. ,  0.5],
           [-0.5,  0. ]])
    """
    r = check_square(matrix, "matrix")
    return (r - r.T) / 2


def relation_norm(matrix: ArrayLike, weights: ArrayLike | None = None) -> float:
    r"""The :math:`L^2(\mu\otimes\mu)` norm :math:`(\sum_{ij} w_i w_j R_{ij}^2)^{1/2}` of a relation matrix.

    Without weights this is the Frobenius norm.  The matrix may be rectangular
    when ``weights`` is ``None``.

    Examples
    --------
    >>> relation_norm([[3.0, 4.0]])
    5.0
    >>> relation_norm([[1.0, 1.0], [1.0, 1.0]], weights=[0.5, 0.5])
    1.0
    """
    r = as_float_array(matrix, "matrix", ndim=2)
    if weights is None:
        return float(np.linalg.norm(r))
    r = check_square(r, "matrix")
    w = check_probability_weights(weights, "weights", size=r.shape[0])
    return float(np.sqrt(np.einsum("i,j,ij->", w, w, r**2)))


def numerical_rank(matrix: ArrayLike, *, rtol: float | None = None) -> int:
    r"""Number of singular values above ``rtol`` times the largest one.

    The default ``rtol = max(n, k) * eps`` is the one of :func:`numpy.linalg.matrix_rank`:
    singular values below it are indistinguishable from rounding errors.

    Examples
    --------
    >>> numerical_rank([[1.0, 2.0], [2.0, 4.0]])
    1
    """
    r = as_float_array(matrix, "matrix", ndim=2)
    s = np.linalg.svd(r, compute_uv=False)
    if s.size == 0 or s[0] == 0:
        return 0
    tol = (max(r.shape) * np.finfo(float).eps if rtol is None else rtol) * s[0]
    return int((s > tol).sum())


@dataclass(frozen=True)
class PSDDistance:
    r"""The distance from a relation matrix to PSD matrices, split into its two sources.

    Attributes
    ----------
    distance : float
        :math:`\min_{B \succeq 0,\ \operatorname{rank} B \le d} \|R - B\|_w`.
    antisymmetric : float
        :math:`\|K\|_w`: the part no symmetric model can reach.
    symmetric : float
        Distance of the symmetric part :math:`S` to the same set,
        :math:`\big(\sum_{i \le d} \min(\lambda_i, 0)^2 + \sum_{i > d} \lambda_i^2\big)^{1/2}`.
    nearest : numpy.ndarray
        The minimiser :math:`B^\star` (in the original, unweighted coordinates).
    """

    distance: float
    antisymmetric: float
    symmetric: float
    nearest: NDArray[np.float64]

    def __repr__(self) -> str:
        return (
            f"PSDDistance(distance={self.distance:.6g}, antisymmetric={self.antisymmetric:.6g}, "
            f"symmetric={self.symmetric:.6g})"
        )


def _weighted(matrix: ArrayLike, weights: ArrayLike | None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r = check_square(matrix, "matrix")
    if weights is None:
        return r, np.ones(r.shape[0])
    w = check_probability_weights(weights, "weights", size=r.shape[0])
    if (w == 0).any():
        raise ValueError(f"weights must be > 0 for the PSD distance; got 0 at index {int(np.argmin(w))}")
    root = np.sqrt(w)
    return root[:, None] * r * root[None, :], root


def distance_to_psd_cone(
    matrix: ArrayLike, *, weights: ArrayLike | None = None, rank: int | None = None
) -> PSDDistance:
    r"""Exact distance from a square matrix to the PSD matrices of rank at most ``rank``.

    Write :math:`R = S + K` with :math:`S = (R+R^\top)/2` symmetric and
    :math:`K = (R-R^\top)/2` antisymmetric, and let
    :math:`S = \sum_i \lambda_i u_i u_i^\top` with :math:`\lambda_1 \ge \dots \ge \lambda_n`. Then

    .. math::

        \min_{B \succeq 0,\ \operatorname{rank} B \le d} \|R - B\|_F^2
        = \|K\|_F^2 + \sum_{i \le d} \min(\lambda_i, 0)^2 + \sum_{i > d} \lambda_i^2,

    attained at :math:`B^\star = \sum_{i \le d} \max(\lambda_i, 0)\, u_i u_i^\top`
    (:math:`d = n` gives the whole PSD cone).  The symmetric and antisymmetric
    matrices are orthogonal in the Frobenius inner product, and the symmetric
    problem is solved by the Hoffman--Wielandt inequality.  With ``weights`` the
    norm is :math:`\|\cdot\|_w` (see the module docstring).

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        The relation matrix :math:`R`.
    weights : array_like, shape (n,), optional
        Positive probability weights :math:`w_i` of the points.
    rank : int, optional
        Largest rank :math:`d` of the PSD model; default :math:`n` (no limit).

    Returns
    -------
    PSDDistance

    Examples
    --------
    >>> result = distance_to_psd_cone([[0.0, 1.0], [0.0, 0.0]])
    >>> round(result.distance**2, 12), round(result.antisymmetric**2, 12)
    (0.75, 0.5)
    """
    r, root = _weighted(matrix, weights)
    n = r.shape[0]
    d = n if rank is None else check_int(rank, "rank", minimum=0, maximum=n)
    s = (r + r.T) / 2
    k = (r - r.T) / 2
    eigenvalues, eigenvectors = np.linalg.eigh(s)
    eigenvalues, eigenvectors = eigenvalues[::-1], eigenvectors[:, ::-1]  # descending
    kept = np.clip(eigenvalues[:d], 0.0, None)
    residual = np.concatenate([eigenvalues[:d] - kept, eigenvalues[d:]])
    symmetric = float(np.sqrt(np.sum(residual**2)))
    antisymmetric = float(np.linalg.norm(k))
    nearest_weighted = (eigenvectors[:, :d] * kept) @ eigenvectors[:, :d].T
    nearest = nearest_weighted / root[:, None] / root[None, :]
    return PSDDistance(
        distance=float(np.hypot(symmetric, antisymmetric)),
        antisymmetric=antisymmetric,
        symmetric=symmetric,
        nearest=nearest,
    )


def psd_projection(
    matrix: ArrayLike, *, weights: ArrayLike | None = None, rank: int | None = None
) -> NDArray[np.float64]:
    r"""The nearest PSD matrix of rank at most ``rank`` (see :func:`distance_to_psd_cone`).

    Examples
    --------
    >>> psd_projection([[1.0, 0.0], [0.0, -1.0]])
    array([[1., 0.],
           [0., 0.]])
    """
    return distance_to_psd_cone(matrix, weights=weights, rank=rank).nearest
