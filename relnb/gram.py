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

Conversely, on :math:`n` distinct points every PSD matrix of rank at most :math:`d`
is the Gram matrix of a network with one hidden layer of :math:`n` tanh units:
:func:`tanh_interpolation` builds a network that takes prescribed values at the points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import (
    as_float_array,
    as_points,
    check_int,
    check_probability_weights,
    check_rtol,
    check_size,
    check_square,
    check_symmetric,
    finite_output,
    relation_values,
)

if TYPE_CHECKING:  # torch is imported only by TanhInterpolant.to_mlp
    from relnb.inner_product import MLP

__all__ = [
    "PSDDistance",
    "TanhInterpolant",
    "antisymmetric_part",
    "distance_to_psd_cone",
    "gram_matrix",
    "l2_distance",
    "numerical_rank",
    "psd_projection",
    "relation_norm",
    "sup_norm_gram_fit",
    "symmetric_part",
    "tanh_interpolation",
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
    check_size((fx.shape[0], fy.shape[0]), "the Gram matrix")
    with np.errstate(over="ignore", invalid="ignore"):
        return finite_output(fx @ fy.T, "the Gram matrix")


def symmetric_part(matrix: ArrayLike) -> NDArray[np.float64]:
    r"""Symmetric part :math:`S = (R + R^\top)/2` of a square matrix.

    Examples
    --------
    >>> symmetric_part([[0.0, 1.0], [0.0, 0.0]])
    array([[0. , 0.5],
           [0.5, 0. ]])
    """
    r = check_square(matrix, "matrix")
    return r / 2 + r.T / 2  # = (r + r^T) / 2 (halving is exact), without overflow near 1.8e308


def antisymmetric_part(matrix: ArrayLike) -> NDArray[np.float64]:
    r"""Antisymmetric part :math:`K = (R - R^\top)/2` of a square matrix.

    Examples
    --------
    >>> antisymmetric_part([[0.0, 1.0], [0.0, 0.0]])
    array([[ 0. ,  0.5],
           [-0.5,  0. ]])
    """
    r = check_square(matrix, "matrix")
    return r / 2 - r.T / 2  # = (r - r^T) / 2, without overflow


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
    with np.errstate(over="ignore"):
        norm = float(np.sqrt(np.einsum("i,j,ij->", w, w, r**2)))
    if not math.isfinite(norm):  # r^2 overflows: scale before squaring
        scale = float(np.abs(r).max())
        norm = finite_output(np.array(scale * np.sqrt(np.einsum("i,j,ij->", w, w, (r / scale) ** 2))),
                             "the relation's L2 norm").item()
    return norm


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
    rtol = check_rtol(rtol)
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

    def split(r: NDArray[np.float64]) -> tuple[float, float, NDArray[np.float64]]:
        s = (r + r.T) / 2
        k = (r - r.T) / 2
        eigenvalues, eigenvectors = np.linalg.eigh(s)
        eigenvalues, eigenvectors = eigenvalues[::-1], eigenvectors[:, ::-1]  # descending
        kept = np.clip(eigenvalues[:d], 0.0, None)
        residual = np.concatenate([eigenvalues[:d] - kept, eigenvalues[d:]])
        nearest_weighted = (eigenvectors[:, :d] * kept) @ eigenvectors[:, :d].T
        return float(np.sqrt(np.sum(residual**2))), float(np.linalg.norm(k)), nearest_weighted

    with np.errstate(over="ignore", invalid="ignore"):
        symmetric, antisymmetric, nearest_weighted = split(r)
    if not (math.isfinite(math.hypot(symmetric, antisymmetric)) and np.isfinite(nearest_weighted).all()):
        # squares of entries near 1e154 and beyond overflow: the same split of R / scale, times scale
        # (only then: scaling would flush eigenvalues below 1e-16 * scale that eigh resolves unscaled)
        scale = float(np.abs(r).max())
        symmetric, antisymmetric, nearest_weighted = split(r / scale)
        with np.errstate(over="ignore"):
            symmetric, antisymmetric = symmetric * scale, antisymmetric * scale
            nearest_weighted = finite_output(nearest_weighted * scale, "the nearest PSD matrix")
    nearest = nearest_weighted / root[:, None] / root[None, :]
    return PSDDistance(
        distance=float(finite_output(np.hypot(symmetric, antisymmetric), "the distance to the PSD cone")),
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


@dataclass(frozen=True)
class TanhInterpolant:
    r"""A one-hidden-layer tanh network, as returned by :func:`tanh_interpolation`.

    .. math::

        g(x) = W_2 \tanh(W_1 x + b_1), \qquad W_1 \in \mathbb R^{n \times m},\;
        b_1 \in \mathbb R^n,\; W_2 \in \mathbb R^{d \times n},

    with ``n`` hidden units and no output bias.  The arrays have the layout of
    ``torch.nn.Linear`` (weights of shape (out, in)), so :meth:`to_mlp` can load
    them into the book's :class:`relnb.inner_product.MLP`.

    Attributes
    ----------
    hidden_weight : numpy.ndarray, shape (n, m)
        :math:`W_1`; every row is :math:`s\, u^\top` (slope :math:`s`, direction :math:`u`).
    hidden_bias : numpy.ndarray, shape (n,)
        :math:`b_1 = -s\, c` (centres :math:`c_k`).
    output_weight : numpy.ndarray, shape (d, n)
        :math:`W_2`.
    slope : float
        :math:`s`.

    Examples
    --------
    >>> g = tanh_interpolation([0.0, 1.0], [[1.0, 0.0], [0.0, 1.0]])
    >>> g.to_mlp()
    MLP(1 -> [2 x 1, tanh] -> 2)
    >>> bool(np.allclose(g.to_mlp().features([0.0, 1.0]), np.eye(2), rtol=0, atol=1e-12))
    True
    """

    hidden_weight: NDArray[np.float64]
    hidden_bias: NDArray[np.float64]
    output_weight: NDArray[np.float64]
    slope: float

    def __call__(self, X: ArrayLike) -> NDArray[np.float64]:
        """Evaluate :math:`g` on points ``X`` of shape (k, m) (or (k,) when m = 1); returns (k, d)."""
        x = as_points(X, "X", dim=self.hidden_weight.shape[1])
        return np.tanh(x @ self.hidden_weight.T + self.hidden_bias) @ self.output_weight.T

    def to_mlp(self) -> MLP:
        """The same network as a :class:`relnb.inner_product.MLP` with ``depth=1`` (float64, torch).

        The one place where :mod:`relnb.gram` meets torch: the parameters are copied, nothing is trained.
        """
        import torch

        from relnb.inner_product import MLP

        d, width = self.output_weight.shape
        mlp = MLP(self.hidden_weight.shape[1], d, width=width, depth=1)
        state = {"net.0.weight": self.hidden_weight, "net.0.bias": self.hidden_bias,
                 "net.2.weight": self.output_weight, "net.2.bias": np.zeros(d)}
        mlp.load_state_dict({key: torch.as_tensor(value, dtype=mlp.dtype) for key, value in state.items()})
        return mlp

    def __repr__(self) -> str:
        (d, n), m = self.output_weight.shape, self.hidden_weight.shape[1]
        return f"TanhInterpolant({m} -> [{n} tanh units] -> {d}, slope={self.slope:.4g})"


def _distinct_direction(x: NDArray[np.float64], direction: ArrayLike | None) -> NDArray[np.float64]:
    """A direction u along which the points have distinct projections (raises with a witness if none is given)."""
    n, m = x.shape
    if direction is not None:
        u = as_float_array(direction, "direction", ndim=1)
        if u.shape[0] != m:
            raise ValueError(f"direction must have {m} entries (points in R^{m}); got {u.shape[0]}")
        if not u.any():
            raise ValueError("direction must be non-zero; got the zero vector")
        candidates = [u]
    elif m == 1:
        candidates = [np.ones(1)]
    else:
        # u_k = (1, k, ..., k^(m-1)): for each pair of distinct points, (x_i - x_j) . u_k is a non-zero polynomial
        # of degree <= m - 1 in k, so at most (m - 1) n (n - 1) / 2 values of k fail; the last candidate succeeds.
        candidates = [float(k) ** np.arange(m) for k in range(1, (m - 1) * n * (n - 1) // 2 + 2)]
    for u in candidates:
        t = x @ u
        order = np.argsort(t, kind="stable")
        ties = np.flatnonzero(np.diff(t[order]) == 0)
        if ties.size == 0:
            return u
    i, j = (int(k) for k in order[ties[0]: ties[0] + 2])
    rule = "be distinct" if direction is None else f"have distinct projections on direction {u.tolist()}"
    raise ValueError(f"points must {rule}; got points[{i}] = {x[i].tolist()} and points[{j}] = {x[j].tolist()}")


def tanh_interpolation(
    points: ArrayLike, values: ArrayLike, *, direction: ArrayLike | None = None
) -> TanhInterpolant:
    r"""A tanh network with one hidden layer of :math:`n` units that takes prescribed values at :math:`n` points.

    For distinct points :math:`x_1, \dots, x_n \in \mathbb R^m` and values
    :math:`v_i \in \mathbb R^d`, project on a direction :math:`u` with distinct
    :math:`t_i = u^\top x_i`, sort them, and let :math:`\delta` be half the
    smallest gap. With centres :math:`c_1 = t_{(1)} - \delta`,
    :math:`c_k = (t_{(k-1)} + t_{(k)})/2` and slope
    :math:`s = \ln(4n) / (2\delta)`,

    .. math::

        g(x) = \sum_{k=1}^n a_k \tanh\big(s\,(u^\top x - c_k)\big), \qquad
        A a = V, \quad A_{ik} = \tanh\big(s\,(t_i - c_k)\big),

    where :math:`V` has rows :math:`v_i`. Then :math:`g(x_i) = v_i`: the matrix
    :math:`A` is within :math:`1/2` in spectral norm of
    :math:`M_{ik} = \operatorname{sign}(t_i - c_k)`, whose smallest singular value
    is at least 1, so :math:`\sigma_{\min}(A) \ge 1/2` (the interpolation lemma of the
    chapter "Relation functions and inner products").

    Parameters
    ----------
    points : array_like, shape (n, m) or (n,)
        Distinct points :math:`x_i`.
    values : array_like, shape (n, d) or (n,)
        The values :math:`v_i` (a 1-D array means :math:`d = 1`).
    direction : array_like, shape (m,), optional
        The direction :math:`u`; by default :math:`u = 1` when :math:`m = 1`, and
        otherwise the first :math:`(1, k, \dots, k^{m-1})`, :math:`k = 1, 2, \dots`,
        with distinct projections.

    Returns
    -------
    TanhInterpolant

    Examples
    --------
    >>> g = tanh_interpolation([0.0, 1.0, 3.0], [1.0, -1.0, 2.0])
    >>> g
    TanhInterpolant(1 -> [3 tanh units] -> 1, slope=2.485)
    >>> bool(np.allclose(g([0.0, 1.0, 3.0])[:, 0], [1.0, -1.0, 2.0], rtol=0, atol=1e-12))
    True
    """
    x = as_points(points, "points")
    n = x.shape[0]
    v = as_float_array(values, "values")
    if v.ndim == 1:
        v = v[:, None]
    if v.ndim != 2 or v.shape[0] != n:
        raise ValueError(f"values must have shape ({n},) or ({n}, d), one value per point; got shape {v.shape}")
    u = _distinct_direction(x, direction)
    t = x @ u
    ts = np.sort(t)
    delta = float(np.diff(ts).min()) / 2 if n > 1 else 1.0
    centres = np.concatenate([[ts[0] - delta], (ts[:-1] + ts[1:]) / 2])
    slope = math.log(4 * n) / (2 * delta) if delta > 0 else math.inf  # delta underflows for subnormal gaps
    if not math.isfinite(slope):
        raise ValueError(f"points must be farther apart: the smallest gap {float(np.diff(ts).min()):.3g} of the "
                         "projections makes the slope ln(4n) / gap overflow")
    check_size((n, n), "the interpolation matrix")
    a = np.linalg.solve(np.tanh(slope * (t[:, None] - centres[None, :])), v)
    return TanhInterpolant(
        hidden_weight=slope * np.tile(u, (n, 1)),
        hidden_bias=-slope * centres,
        output_weight=a.T.copy(),
        slope=slope,
    )


def sup_norm_gram_fit(kernel_matrix: ArrayLike, d: int, *, seed: int = 0, exponents: tuple[int, ...] = (4, 8, 16, 32),
                      max_iter: int = 3000) -> NDArray[np.float64]:
    r"""Features :math:`F \in \R^{n \times d}` whose Gram matrix is close to :math:`K` in the largest entry.

    Minimises the smooth surrogates :math:`\sum_{i,j} (F F^\top - K)_{ij}^p` of
    :math:`\max_{i,j} |K - F F^\top|_{ij}` for growing even :math:`p` (each run starting where
    the previous one stopped), with L-BFGS from a seeded random start.  A local method: the
    result is an upper bound on the best sup error of rank :math:`d`, not the optimum.

    Parameters
    ----------
    kernel_matrix : array_like, shape (n, n)
        Symmetric :math:`K`.
    d : int
        Number of features.
    seed : int
        Seed of the starting point.
    exponents : tuple of int
        Even exponents :math:`p`.
    max_iter : int
        L-BFGS iterations per exponent.

    Returns
    -------
    numpy.ndarray, shape (n, d)

    Examples
    --------
    >>> F = sup_norm_gram_fit(np.eye(3), 1)  # no rank-one Gram matrix is within 1/2 of I_3
    >>> round(float(np.abs(F @ F.T - np.eye(3)).max()), 1)
    0.5
    """
    import scipy.optimize  # only this function needs scipy's optimiser

    K = check_symmetric(kernel_matrix, "kernel_matrix")
    d = check_int(d, "d", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    for p in exponents:
        if isinstance(p, bool) or not isinstance(p, int) or p < 2 or p % 2:
            raise ValueError(f"exponents must be even integers >= 2; got {p!r}")
    n = K.shape[0]

    def objective(flat: NDArray[np.float64], p: int) -> tuple[float, NDArray[np.float64]]:
        F = flat.reshape(n, d)
        R = F @ F.T - K
        return float(np.sum(R**p)), (2 * p * (R ** (p - 1)) @ F).ravel()

    flat = np.random.default_rng(seed).standard_normal(n * d) / math.sqrt(d)
    for p in exponents:
        flat = scipy.optimize.minimize(objective, flat, args=(p,), jac=True, method="L-BFGS-B",
                                       options={"maxiter": max_iter}).x
    return flat.reshape(n, d)


def l2_distance(
    relation_a: Callable[..., ArrayLike],
    relation_b: Callable[..., ArrayLike],
    nodes_x: ArrayLike,
    weights_x: ArrayLike,
    nodes_y: ArrayLike,
    weights_y: ArrayLike,
) -> float:
    r"""The :math:`L^2(\mu\otimes\nu)` distance of two relations on a product quadrature grid.

    .. math::

        \|r - s\|_{L^2(\mu\otimes\nu)} \approx \Big(\sum_{i,j} w_i v_j \big(r(x_i, y_j) - s(x_i, y_j)\big)^2\Big)^{1/2}.

    Parameters
    ----------
    relation_a, relation_b : callable
        ``relation(X, Y) -> (n, k)``: relations, Schmidt truncations
        (``expansion.truncated``) or trained models (``model.relation``).
    nodes_x, weights_x, nodes_y, weights_y : array_like
        Quadrature rules of :math:`\mu` and :math:`\nu`, shapes (n, m), (n,), (k, m'), (k,).

    Returns
    -------
    float

    Examples
    --------
    >>> from relnb.relations import order
    >>> x, w = np.array([[0.25], [0.75]]), np.array([0.5, 0.5])
    >>> l2_distance(order, lambda X, Y: np.zeros((len(X), len(Y))), x, w, x, w)
    0.5
    """
    x = as_points(nodes_x, "nodes_x")
    w = check_probability_weights(weights_x, "weights_x", size=x.shape[0])
    y = as_points(nodes_y, "nodes_y")
    v = check_probability_weights(weights_y, "weights_y", size=y.shape[0])
    difference = (relation_values(relation_a, x, y, name="relation_a")
                  - relation_values(relation_b, x, y, name="relation_b"))
    return float(np.sqrt(np.einsum("i,j,ij->", w, v, difference**2)))
