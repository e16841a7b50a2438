r"""The best rank-:math:`d` readout of fixed features (prop-variable-projection): numpy, no training.

Given hidden features :math:`H` on a quadrature rule and a kernel matrix :math:`K`, :func:`best_readout` finds
the readout :math:`\Gamma` minimising :math:`\|K - H\Gamma\Gamma^\top H^\top\|_w` in closed form (the top
eigenpairs of :math:`K` in the weighted span of :math:`H`); :func:`readout_by_search` finds it by L-BFGS, the
check of the closed form.  The Mercer chapter uses both; :mod:`relnb.training` solves the readout of a network
with :func:`best_readout`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import as_float_array, check_int, check_positive, check_probability_weights, check_square

__all__ = ["READOUT_RCOND", "Readout", "best_readout", "best_readout_low_rank", "readout_by_search"]


#: Weighted feature directions whose singular value is below this fraction of the largest are dropped by
#: :func:`best_readout` (they carry rounding, and a readout along them amplifies it between the nodes).
READOUT_RCOND = 1e-12


class Readout(NamedTuple):
    r"""The best rank-:math:`d` readout of fixed features (:func:`best_readout`).

    Attributes
    ----------
    coefficients : numpy.ndarray, shape (p, d)
        :math:`\Gamma`: the model is :math:`\langle \Gamma^\top h(x), \Gamma^\top h(y) \rangle`.
    error : float
        Its :math:`L^2` error on the rule, :math:`\min_\Gamma \|W^{1/2}(K - H\Gamma\Gamma^\top H^\top)W^{1/2}\|_F`.
    ritz_values : numpy.ndarray, shape (q,)
        :math:`\nu_1 \ge \dots \ge \nu_q`, the eigenvalues of :math:`M = Q^\top A Q` (:math:`q \le p` kept
        directions): the Rayleigh--Ritz approximations of the kernel's eigenvalues in the span of the features.
    """

    coefficients: NDArray[np.float64]
    error: float
    ritz_values: NDArray[np.float64]


def _weighted_basis(
    features: NDArray[np.float64], weights: NDArray[np.float64], rcond: float = READOUT_RCOND
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Thin SVD ``Q D P^T`` of ``W^{1/2} H``, directions with ``D < rcond * D_max`` dropped (shared with
    :func:`relnb.training.solve_readout`, whose asymmetric readout uses the same basis)."""
    design = features * np.sqrt(weights)[:, None]
    q, sv, pt = np.linalg.svd(design, full_matrices=False)
    keep = sv > rcond * sv[0]
    return q[:, keep], sv[keep], pt[keep]


def best_readout(
    features: ArrayLike, kernel_matrix: ArrayLike, weights: ArrayLike, d: int, *, rcond: float = READOUT_RCOND
) -> Readout:
    r"""The best rank-:math:`d` symmetric readout of fixed features: a Mercer truncation inside their span.

    For fixed features :math:`h : X \to \mathbb R^p` (for a network: its last hidden layer and a constant) and
    a readout :math:`\Gamma \in \mathbb R^{p \times d}`, the model :math:`\phi = \Gamma^\top h` has the squared
    :math:`L^2` error on a quadrature rule

    .. math::

        L(\Gamma) = \sum_{i,j} w_i w_j \big(K_{ij} - (H \Gamma \Gamma^\top H^\top)_{ij}\big)^2
                  = \big\|A - Q Y Y^\top Q^\top\big\|_F^2 ,
        \qquad Y = D P^\top \Gamma ,

    where :math:`H_{ik} = h_k(x_i)`, :math:`W = \operatorname{diag}(w)`, :math:`A = W^{1/2} K W^{1/2}` and
    :math:`W^{1/2} H = Q D P^\top` is a thin SVD (directions with :math:`D_{kk} \le` ``rcond``
    :math:`\cdot D_{11}` dropped).  With :math:`M = Q^\top A Q` and its eigenpairs
    :math:`(\nu_i, u_i)`, :math:`\nu_1 \ge \nu_2 \ge \dots`,

    .. math::

        \min_\Gamma L = \big\|A - Q M Q^\top\big\|_F^2 + \sum_{i > d} \nu_i^2 + \sum_{i \le d} \min(\nu_i, 0)^2,
        \qquad \Gamma = P D^{-1} U_d \operatorname{diag}\big(\max(\nu_i, 0)\big)^{1/2}_{i \le d},

    the part of :math:`A` outside the span plus the Eckart--Young tail of :math:`M`
    (``prop-variable-projection`` in the chapter "Mercer's theorem and symmetric relations"; Golub and
    Pereyra 1973 for the idea of solving the linear part exactly).  A kernel matrix that is not symmetric is
    fitted by its symmetric part, and its antisymmetric part :math:`\|(A - A^\top)/2\|_F^2` is added to the error.
    The error is summed from these small terms, not as the difference of large ones.

    Parameters
    ----------
    features : array_like, shape (n, p)
        :math:`H`: the features at the nodes.
    kernel_matrix : array_like, shape (n, n)
        :math:`K_{ij} = k(x_i, x_j)`.
    weights : array_like, shape (n,)
        Non-negative, summing to 1.
    d : int
        Rank of the readout, at least 1; columns beyond the number of kept directions are 0.
    rcond : float
        Relative cut-off of the singular values of :math:`W^{1/2} H`, in :math:`[0, 1)`.

    Returns
    -------
    Readout
        ``coefficients`` :math:`\Gamma` of shape (p, d), ``error`` :math:`\sqrt{\min L}`, ``ritz_values``
        :math:`\nu`.

    Examples
    --------
    >>> x = np.array([-1.0, 0.0, 1.0]); w = np.full(3, 1 / 3)
    >>> H = np.stack([np.ones(3), x], axis=1)     # features 1 and x
    >>> K = 1 + np.outer(x, x)                    # rank 2: eigenvalues 1 and E x^2 = 2/3
    >>> round(best_readout(H, K, w, 1).error, 6)  # d = 1 keeps the constant: error 2/3
    0.666667
    >>> best = best_readout(H, K, w, 2)
    >>> bool(best.error < 1e-14 and np.allclose((H @ best.coefficients) @ (H @ best.coefficients).T, K))  # exact
    True
    """
    F, w, d, rcond = _readout_arguments(features, weights, d, rcond)
    n = F.shape[0]
    K = check_square(kernel_matrix, "kernel_matrix")
    if K.shape != (n, n):
        raise ValueError(f"kernel_matrix must have shape {(n, n)} (one row per node of features); got {K.shape}")
    q, sv, pt = _weighted_basis(F, w, rcond)
    root = np.sqrt(w)
    A = root[:, None] * K * root[None, :]
    sym = (A + A.T) / 2
    M = q.T @ sym @ q
    M = (M + M.T) / 2
    outside = sym - q @ M @ q.T
    antisymmetric = float(np.sum(((A - A.T) / 2) ** 2))
    return _truncated_readout(M, sv, pt, d, float(np.sum(outside**2)), antisymmetric=antisymmetric)


def _truncated_readout(
    M: NDArray[np.float64], sv: NDArray[np.float64], pt: NDArray[np.float64], d: int, outside_squared: float,
    antisymmetric: float = 0.0,
) -> Readout:
    """The readout from the top ``d`` eigenpairs of ``M`` (in the basis ``Q = W^{1/2} H P D^{-1}``), and its error:
    the part outside the span, the Eckart--Young tail of ``M`` and the kernel's antisymmetric part."""
    nu, vectors = np.linalg.eigh(M)
    nu, vectors = nu[::-1], vectors[:, ::-1]
    full = pt.T @ (vectors / sv[:, None] * np.sqrt(np.clip(nu, 0.0, None)))
    coefficients = np.zeros((pt.shape[1], d))
    coefficients[:, : min(d, full.shape[1])] = full[:, :d]
    squared = (outside_squared + float(np.sum(nu[d:] ** 2)) + float(np.sum(np.minimum(nu[:d], 0.0) ** 2))
               + antisymmetric)
    return Readout(coefficients, math.sqrt(max(squared, 0.0)), nu.copy())


def best_readout_low_rank(
    features: ArrayLike, factor: ArrayLike, weights: ArrayLike, d: int, *, rcond: float = READOUT_RCOND
) -> Readout:
    r""":func:`best_readout` for a kernel given by a factor, :math:`K = F F^\top`, without forming :math:`K`.

    For a kernel known through :math:`J` Mercer terms (:math:`F_{ij} = \sqrt{\lambda_j}\, e_j(x_i)`, e.g.
    :meth:`relnb.mercer.MercerExpansion.features`) on a rule of :math:`n` nodes, :math:`K` has :math:`n^2`
    entries (2 GiB at :math:`n = 2^{14}`) but rank :math:`J`.  With :math:`G = W^{1/2} F`, :math:`A = G G^\top`,
    the weighted basis :math:`Q` of :func:`best_readout` and :math:`B = Q^\top G`:

    .. math::

        M = Q^\top A Q = B B^\top, \qquad
        \|A - Q M Q^\top\|_F^2 = \|A\|_F^2 - \|M\|_F^2 = \|G^\top G\|_F^2 - \|B B^\top\|_F^2

    (:math:`Q Q^\top` is an orthogonal projection), at a cost of :math:`O(n p J + J^2 n)` instead of
    :math:`O(n^2 p)`.  The difference of two large terms loses the digits of :math:`\|A\|_F^2 / \min L`: use
    it where the error is not far below the kernel's norm (inputs in :math:`\mathbb R^4`, where the optimum
    is a third of :math:`\|k\|`), and :func:`best_readout` where it is (inputs in :math:`\mathbb R`, optima
    down to :math:`10^{-7} \|k\|`).

    Parameters
    ----------
    features : array_like, shape (n, p)
        :math:`H`: the features at the nodes.
    factor : array_like, shape (n, J)
        :math:`F` with :math:`K = F F^\top`.
    weights : array_like, shape (n,)
        Non-negative, summing to 1.
    d : int
        Rank of the readout, at least 1.
    rcond : float
        Relative cut-off of the singular values of :math:`W^{1/2} H`, in :math:`[0, 1)`.

    Returns
    -------
    Readout
        As :func:`best_readout` on :math:`K = F F^\top`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(40, 1)); w = np.full(40, 1 / 40)
    >>> F = np.hstack([np.ones((40, 1)), x, x**2 - 1])           # K = 1 + xy + (x^2 - 1)(y^2 - 1)
    >>> H = np.hstack([np.tanh(x), np.tanh(2 * x), x**2])
    >>> dense, low = best_readout(H, F @ F.T, w, 2), best_readout_low_rank(H, F, w, 2)
    >>> bool(abs(dense.error - low.error) < 1e-12 and np.allclose(dense.ritz_values, low.ritz_values))
    True
    """
    H, w, d, rcond = _readout_arguments(features, weights, d, rcond)
    n = H.shape[0]
    F = as_float_array(factor, "factor", ndim=2)
    if F.shape[0] != n or F.shape[1] == 0:
        raise ValueError(f"factor must have shape ({n}, J) with J >= 1 (one row per node of features); "
                         f"got {F.shape}")
    q, sv, pt = _weighted_basis(H, w, rcond)
    G = np.sqrt(w)[:, None] * F
    B = q.T @ G
    M = B @ B.T
    return _truncated_readout(M, sv, pt, d, float(np.sum((G.T @ G) ** 2)) - float(np.sum(M**2)))


def _readout_arguments(
    features: ArrayLike, weights: ArrayLike, d: int, rcond: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, float]:
    """Validated ``features`` (n, p), ``weights``, ``d`` and ``rcond`` of the readouts."""
    F = as_float_array(features, "features", ndim=2)
    if F.shape[0] == 0 or F.shape[1] == 0:
        raise ValueError(f"features must have at least one node and one feature; got shape {F.shape}")
    w = check_probability_weights(weights, "weights", size=F.shape[0])
    d = check_int(d, "d", minimum=1)
    rcond = check_positive(rcond, "rcond", strict=False)
    if rcond >= 1:
        raise ValueError(f"rcond must be < 1 (a relative cut-off of singular values); got {rcond}")
    if not np.any(F):
        raise ValueError("features must not be identically 0 on the nodes (no span to read out from)")
    return F, w, d, rcond


def readout_by_search(features: ArrayLike, kernel_matrix: ArrayLike, weights: ArrayLike, d: int, *,
                      starts: int = 3, seed: int = 0, options: dict | None = None) -> float:
    r"""The best rank-:math:`d` readout error found by L-BFGS from random starts: a check of :func:`best_readout`.

    Minimises :math:`\|A - Q Y Y^\top Q^\top\|_F^2` over :math:`Y \in \mathbb R^{p \times d}` by L-BFGS
    (with its gradient :math:`-4 Q^\top E Q Y`, :math:`E` the residual), where :math:`A = W^{1/2} K W^{1/2}` and
    :math:`Q` is an orthonormal basis of the weighted features from a QR factorisation (not the SVD that
    :func:`best_readout` uses).  A local search: its value can only be at least the optimum.

    Parameters
    ----------
    features : array_like, shape (n, p)
    kernel_matrix : array_like, shape (n, n)
    weights : array_like, shape (n,)
    d : int
    starts : int
        Number of random starting points (``numpy.random.default_rng(seed).normal``).
    seed : int
    options : dict, optional
        L-BFGS-B options (default ``{"ftol": 1e-15, "gtol": 1e-12}``).

    Returns
    -------
    float
        The smallest :math:`\|A - Q Y Y^\top Q^\top\|_F` reached.

    Examples
    --------
    >>> H = np.array([[1.0], [2.0]]); K = np.outer([1.0, 2.0], [1.0, 2.0])
    >>> round(readout_by_search(H, K, [0.5, 0.5], 1), 6)  # K is in the span: error 0
    0.0
    """
    from scipy.optimize import minimize  # only this second route needs scipy's optimiser

    F = as_float_array(features, "features", ndim=2)
    n, p = F.shape
    w = check_probability_weights(weights, "weights", size=n)
    K = check_square(kernel_matrix, "kernel_matrix")
    if K.shape != (n, n):
        raise ValueError(f"kernel_matrix must have shape {(n, n)} (one row per node of features); got {K.shape}")
    d = check_int(d, "d", minimum=1)
    starts = check_int(starts, "starts", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    root = np.sqrt(w)
    A = root[:, None] * K * root[None, :]
    Q = np.linalg.qr(root[:, None] * F)[0]

    def loss(flat: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        Y = flat.reshape(p, d)
        E = A - Q @ Y @ Y.T @ Q.T
        return float(np.sum(E**2)), (-4 * Q.T @ E @ Q @ Y).ravel()

    tight = {"ftol": 1e-15, "gtol": 1e-12} if options is None else options
    initial = np.random.default_rng(seed).normal(size=(starts, p * d))
    return min(math.sqrt(minimize(loss, y, jac=True, method="L-BFGS-B", options=tight).fun) for y in initial)
