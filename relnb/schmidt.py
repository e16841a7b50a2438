r"""The Schmidt (singular value) expansion of a relation, computed from a product quadrature rule.

A square-integrable relation :math:`r \in L^2(\mu \otimes \nu)` defines the
integral operator :math:`T_r : L^2(\nu) \to L^2(\mu)`,
:math:`(T_r g)(x) = \int r(x, y)\, g(y)\, d\nu(y)`, which is Hilbert--Schmidt.
Its singular value decomposition is the Schmidt expansion

.. math::

    r(x, y) = \sum_{k \ge 1} \sigma_k\, a_k(x)\, b_k(y) \quad \text{in } L^2(\mu\otimes\nu),
    \qquad \sigma_1 \ge \sigma_2 \ge \dots \ge 0,

where :math:`(a_k)` is orthonormal in :math:`L^2(\mu)`, :math:`(b_k)` orthonormal in
:math:`L^2(\nu)`, :math:`T_r b_k = \sigma_k a_k` and :math:`T_r^* a_k = \sigma_k b_k`.
Its truncation :math:`r_d = \sum_{k \le d} \sigma_k a_k \otimes b_k` is the best
approximation of rank :math:`d` (Schmidt, Eckart--Young), with error
:math:`\|r - r_d\|_{L^2} = (\sum_{k > d} \sigma_k^2)^{1/2}`: the limit every
model :math:`\langle \phi(x), \psi(y) \rangle` with :math:`\phi, \psi` valued in
:math:`\mathbb R^d` is measured against.  For a symmetric positive semidefinite
kernel and :math:`\nu = \mu` it is Mercer's expansion.  See the chapter
"Asymmetric relations and the RKBS construction".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import polygamma

from relnb._validation import (
    as_points,
    check_int,
    check_positive,
    check_probability_weights,
    check_size,
    check_unit_interval,
    relation_values,
)

__all__ = [
    "SchmidtExpansion",
    "bernstein_approximation",
    "bernstein_error_bound",
    "bernstein_networks",
    "order_schmidt",
    "schmidt_decomposition",
]

Relation = Callable[..., NDArray[np.float64]]
_Basis = Callable[[NDArray[np.float64], int], NDArray[np.float64]]


def _name(relation: object) -> str:
    """A printable name for a relation, without memory addresses."""
    name = getattr(relation, "__name__", None) or getattr(getattr(relation, "func", None), "__name__", None)
    return name if name else type(relation).__name__


@dataclass(frozen=True, eq=False, repr=False)
class SchmidtExpansion:
    r"""A truncated Schmidt expansion :math:`r_d(x, y) = \sum_{k \le d} \sigma_k a_k(x) b_k(y)`.

    .. math::

        r_d(x, y) = \langle \phi(x), \psi(y) \rangle, \quad
        \phi = (\sqrt{\sigma_k}\, a_k)_{k \le d}, \ \psi = (\sqrt{\sigma_k}\, b_k)_{k \le d}, \qquad
        \|r - r_d\|_{L^2(\mu\otimes\nu)} = \Big(\sum_{k > d} \sigma_k^2\Big)^{1/2},

    where :math:`d` is ``rank``, :math:`\sigma_k` the singular values of :math:`T_r`
    (descending), :math:`a_k` orthonormal in :math:`L^2(\mu)`, :math:`b_k` orthonormal in
    :math:`L^2(\nu)`, and :math:`(\phi, \psi)` the balanced split.  Built by
    :func:`schmidt_decomposition` (from a quadrature rule) or by a closed form such as
    :func:`order_schmidt`; the same fields as :class:`relnb.mercer.MercerExpansion`.

    Attributes
    ----------
    singular_values : numpy.ndarray, shape (rank,)
        :math:`\sigma_1 \ge \dots \ge \sigma_d > 0`.
    spectrum : numpy.ndarray
        Every singular value that is known (all :math:`\min(n, k)` of a quadrature grid,
        or the first ``rank`` of a closed form), descending.
    remainder_squared : float
        :math:`\sum \sigma_k^2` over the singular values *after* ``spectrum``
        (0 for a quadrature; a series in closed form).
    total_squared : float
        :math:`\|r\|^2_{L^2(\mu\otimes\nu)} = \sum_k \sigma_k^2`.
    name : str
        What was expanded (for the repr).
    left_basis, right_basis : callable
        ``(points, r) -> (n, r)`` arrays of :math:`a_k` and :math:`b_k`, :math:`k \le r`; use
        :meth:`left` and :meth:`right`, which validate their input.
    dim_x, dim_y : int
        Dimensions of the points :math:`x` and :math:`y`.
    """

    singular_values: NDArray[np.float64]
    spectrum: NDArray[np.float64]
    remainder_squared: float
    total_squared: float
    name: str
    left_basis: _Basis
    right_basis: _Basis
    dim_x: int = 1
    dim_y: int = 1

    @property
    def rank(self) -> int:
        """The number :math:`d` of terms kept."""
        return int(self.singular_values.shape[0])

    def left(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Left singular functions :math:`a_k(x_i)`, shape (n, d); orthonormal in :math:`L^2(\mu)`."""
        return self.left_basis(as_points(x, "x", dim=self.dim_x), self.rank)

    def right(self, y: ArrayLike) -> NDArray[np.float64]:
        r"""Right singular functions :math:`b_k(y_j)`, shape (k, d); orthonormal in :math:`L^2(\nu)`."""
        return self.right_basis(as_points(y, "y", dim=self.dim_y), self.rank)

    def features_x(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""The balanced left feature map :math:`\phi_k(x) = \sqrt{\sigma_k}\, a_k(x)`, shape (n, d)."""
        return self.left(x) * np.sqrt(self.singular_values)

    def features_y(self, y: ArrayLike) -> NDArray[np.float64]:
        r"""The balanced right feature map :math:`\psi_k(y) = \sqrt{\sigma_k}\, b_k(y)`, shape (k, d)."""
        return self.right(y) * np.sqrt(self.singular_values)

    def truncated(self, x: ArrayLike, y: ArrayLike | None = None) -> NDArray[np.float64]:
        r"""The rank-:math:`d` relation :math:`r_d(x_i, y_j) = \langle \phi(x_i), \psi(y_j) \rangle`, shape (n, k).

        ``y=None`` means ``y = x``, as for every relation of the package.
        """
        fx, fy = self.features_x(x), self.features_y(x if y is None else y)
        check_size((fx.shape[0], fy.shape[0]), "the truncated relation r_d(x, y)")
        return fx @ fy.T

    def tail_l2(self, d: int | None = None) -> float:
        r"""The Eckart--Young limit :math:`(\sum_{k > d} \sigma_k^2)^{1/2}` (default :math:`d` = ``rank``).

        Summed from the smallest singular values upwards (plus ``remainder_squared``),
        not as ``total_squared`` minus the head, so small tails keep their relative accuracy.
        """
        d = self.rank if d is None else check_int(d, "d", minimum=0, maximum=self.spectrum.shape[0])
        rest = self.spectrum[d:][::-1]
        return float(np.sqrt(np.sum(rest**2) + self.remainder_squared))

    def truncate(self, d: int) -> SchmidtExpansion:
        """The same expansion with only the first ``d`` terms kept (``d`` <= ``rank``)."""
        d = check_int(d, "d", minimum=1, maximum=self.rank)
        return replace(self, singular_values=self.singular_values[:d])

    def __repr__(self) -> str:
        head = ", ".join(f"{v:.4g}" for v in self.singular_values[:3])
        more = ", ..." if self.rank > 3 else ""
        return f"SchmidtExpansion({self.name}, rank={self.rank}, singular_values=[{head}{more}], " \
               f"tail_l2={self.tail_l2():.4g})"


def schmidt_decomposition(
    relation: Relation,
    nodes_x: ArrayLike,
    weights_x: ArrayLike,
    nodes_y: ArrayLike,
    weights_y: ArrayLike,
    rank: int,
) -> SchmidtExpansion:
    r"""Schmidt expansion of a relation from quadrature rules of :math:`\mu` and :math:`\nu`.

    With :math:`R_{ij} = r(x_i, y_j)`, :math:`D_x = \operatorname{diag}(w)` and
    :math:`D_y = \operatorname{diag}(v)`, the singular value decomposition

    .. math::

        D_x^{1/2} R\, D_y^{1/2} = U \Sigma V^\top

    discretises :math:`T_r` (a Nyström method).  The singular values are the
    diagonal of :math:`\Sigma`, and the singular functions are extended to every
    point by the two halves of the SVD, :math:`a_k = T_r b_k / \sigma_k` and
    :math:`b_k = T_r^* a_k / \sigma_k`:

    .. math::

        a_k(x) = \frac{1}{\sigma_k} \sum_j r(x, y_j)\, \sqrt{v_j}\, V_{jk}, \qquad
        b_k(y) = \frac{1}{\sigma_k} \sum_i \sqrt{w_i}\, U_{ik}\, r(x_i, y),

    which at the nodes are :math:`a_k(x_i) = U_{ik}/\sqrt{w_i}`, :math:`b_k(y_j) = V_{jk}/\sqrt{v_j}`,
    orthonormal for the quadrature measures.  The tail is
    :math:`(\sum_{k > d} \Sigma_{kk}^2)^{1/2}` from the full SVD, so
    :math:`\text{tail}^2 + \sum_{k \le d}\sigma_k^2 = \sum_{ij} w_i v_j R_{ij}^2`.
    Signs: each pair :math:`(a_k, b_k)` is flipped so that :math:`\int a_k\, d\mu > 0`
    (or, when that integral is below :math:`10^{-8}`, so that :math:`U_{ik}` is positive
    where :math:`|U_{ik}|` is largest).

    A relation that jumps on the diagonal :math:`y = x` (such as :func:`relnb.relations.order`)
    needs a rule for :math:`\nu` whose panels end at the nodes of :math:`\mu`
    (:func:`relnb.quadrature.composite_legendre`); a plain product rule converges only like :math:`1/n`.

    Parameters
    ----------
    relation : callable
        ``relation(X, Y) -> (n, k)`` array, e.g. from :mod:`relnb.relations` or :mod:`relnb.kernels`.
    nodes_x, weights_x : array_like, shapes (n, m) and (n,)
        Quadrature rule of :math:`\mu` (weights non-negative, summing to 1).
    nodes_y, weights_y : array_like, shapes (k, m') and (k,)
        Quadrature rule of :math:`\nu`.
    rank : int
        Number :math:`d` of terms, ``1 <= d <= min(n, k)`` and at most the numerical
        rank of the weighted matrix (beyond it the singular functions are not determined).

    Returns
    -------
    SchmidtExpansion

    Examples
    --------
    >>> from relnb.relations import neg_squared_distance
    >>> x, w = np.linspace(-1, 1, 41)[:, None], np.full(41, 1 / 41)
    >>> expansion = schmidt_decomposition(neg_squared_distance, x, w, x, w, rank=3)
    >>> expansion.tail_l2() < 1e-12  # -(x - y)^2 has rank 3
    True
    >>> bool(np.allclose(expansion.truncated(x, x), neg_squared_distance(x)))
    True
    """
    x = as_points(nodes_x, "nodes_x")
    w = check_probability_weights(weights_x, "weights_x", size=x.shape[0])
    y = as_points(nodes_y, "nodes_y")
    v = check_probability_weights(weights_y, "weights_y", size=y.shape[0])
    d = check_int(rank, "rank", minimum=1, maximum=min(x.shape[0], y.shape[0]))
    R = relation_values(relation, x, y)
    root_w, root_v = np.sqrt(w), np.sqrt(v)
    U, s, Vt = np.linalg.svd(root_w[:, None] * R * root_v[None, :], full_matrices=False)
    tol = max(R.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
    found = int((s > tol).sum())
    if d > found:
        raise ValueError(
            f"rank must be at most the numerical rank {found} of the relation on this grid; got rank={d} "
            f"(singular value {d} is {s[d - 1]:.3g} <= tolerance {tol:.3g}, "
            f"so its singular functions are not determined)"
        )
    U, sigma, V = U[:, :d], s[:d], Vt[:d].T
    mean_a = root_w @ U  # integral of a_k against mu
    peak = U[np.argmax(np.abs(U), axis=0), np.arange(d)]
    sign = np.where(np.abs(mean_a) > 1e-8, np.sign(mean_a), np.sign(peak))
    U, V = U * sign, V * sign
    coef_left = root_v[:, None] * V / sigma  # a(x) = r(x, y_nodes) @ coef_left
    coef_right = root_w[:, None] * U / sigma  # b(y) = r(x_nodes, y).T @ coef_right

    def left_basis(points: NDArray[np.float64], r: int) -> NDArray[np.float64]:
        return relation_values(relation, points, y) @ coef_left[:, :r]

    def right_basis(points: NDArray[np.float64], r: int) -> NDArray[np.float64]:
        return relation_values(relation, x, points).T @ coef_right[:, :r]

    return SchmidtExpansion(
        singular_values=sigma,
        spectrum=s,
        remainder_squared=0.0,
        total_squared=float(np.einsum("i,j,ij->", w, v, R**2)),
        name=f"{_name(relation)}, quadrature with {x.shape[0]} x {y.shape[0]} nodes",
        left_basis=left_basis,
        right_basis=right_basis,
        dim_x=x.shape[1],
        dim_y=y.shape[1],
    )


def order_schmidt(rank: int) -> SchmidtExpansion:
    r"""Closed-form Schmidt expansion of the order relation :math:`\mathbf 1\{y < x\}` on :math:`[0, 1]^2`.

    Under the uniform measure on both sides, :math:`T_r g(x) = \int_0^x g(y)\, dy`
    is the Volterra operator, and

    .. math::

        \sigma_k = \frac{2}{(2k - 1)\pi}, \qquad
        a_k(x) = \sqrt 2 \sin(\omega_k x), \qquad b_k(y) = \sqrt 2 \cos(\omega_k y),
        \qquad \omega_k = (k - \tfrac12)\pi,

    with :math:`\sum_k \sigma_k^2 = \|r\|_{L^2}^2 = \tfrac12` and tail
    :math:`\sum_{k > d} \sigma_k^2 = \psi_1(d + \tfrac12)/\pi^2`, where :math:`\psi_1` is the
    trigamma function (:math:`\sum_{j \ge 0} (j + d + \tfrac12)^{-2} = \psi_1(d + \tfrac12)`).

    Parameters
    ----------
    rank : int
        Number :math:`d \ge 1` of terms.

    Returns
    -------
    SchmidtExpansion

    Examples
    --------
    >>> expansion = order_schmidt(2)
    >>> np.round(expansion.singular_values * np.pi, 6).tolist()
    [2.0, 0.666667]
    >>> round(expansion.tail_l2(), 4)  # the optimum at d = 2
    0.2229
    """
    d = check_int(rank, "rank", minimum=1)
    k = np.arange(1, d + 1)
    omega = (k - 0.5) * np.pi
    sigma = 2.0 / ((2 * k - 1) * np.pi)

    def left_basis(points: NDArray[np.float64], r: int) -> NDArray[np.float64]:
        check_unit_interval(points, "x")
        return np.sqrt(2.0) * np.sin(points[:, :1] * omega[:r])

    def right_basis(points: NDArray[np.float64], r: int) -> NDArray[np.float64]:
        check_unit_interval(points, "y")
        return np.sqrt(2.0) * np.cos(points[:, :1] * omega[:r])

    return SchmidtExpansion(
        singular_values=sigma,
        spectrum=sigma,
        remainder_squared=float(polygamma(1, d + 0.5)) / np.pi**2,
        total_squared=0.5,
        name="order on [0, 1]^2, closed form",
        left_basis=left_basis,
        right_basis=right_basis,
    )


# ---------------------------------------------------------------------------
# Training design: hidden features that can resolve the singular functions
# ---------------------------------------------------------------------------


def bernstein_approximation(relation: Relation, degree: int) -> Relation:
    r"""The tensor Bernstein polynomial of a relation on :math:`[0, 1]^2`: a separable approximation.

    .. math::

        (B_n r)(x, y) = \sum_{i=0}^{n} \sum_{j=0}^{n} r\Big(\frac in, \frac jn\Big)\, b_{i,n}(x)\, b_{j,n}(y)
        = \sum_{i=0}^{n} b_{i,n}(x) \Big[\sum_{j=0}^n r\Big(\frac in, \frac jn\Big) b_{j,n}(y)\Big],
        \qquad b_{i,n}(t) = \binom ni t^i (1 - t)^{n - i},

    a sum of :math:`n + 1` products :math:`f_i(x) g_i(y)` (rank at most :math:`n + 1`).
    :math:`B_n r(x, y) = \mathbb E\, r(S/n, T/n)` for independent :math:`S \sim \mathrm{Bin}(n, x)`,
    :math:`T \sim \mathrm{Bin}(n, y)`, which gives the constructive proof that separable
    relations are dense in :math:`C([0, 1]^2)` (Bernstein's proof of Weierstrass's theorem).
    Its sup error is bounded by :func:`bernstein_error_bound`, and
    :func:`bernstein_networks` turns the factors into ReLU networks.  See the
    chapter "Asymmetric relations and the RKBS construction".

    Parameters
    ----------
    relation : callable
        ``relation(X, Y) -> (n, k)`` on points of :math:`[0, 1]`.
    degree : int
        :math:`n \ge 1`.

    Returns
    -------
    callable
        The relation ``(X, Y) -> (B_n r)(X, Y)``, shape (n_X, n_Y).

    Examples
    --------
    >>> from relnb.relations import neg_squared_distance
    >>> B = bernstein_approximation(neg_squared_distance, 4)
    >>> # B_n reproduces linear functions, and x^2 up to x(1 - x)/n per variable
    >>> round(float(B([0.5], [0.5])[0, 0]), 12)  # -(x - y)^2 - x(1-x)/n - y(1-y)/n = -1/8
    -0.125
    """
    from scipy.stats import binom

    n = check_int(degree, "degree", minimum=1)
    grid = np.arange(n + 1) / n
    coefficients = relation_values(relation, grid[:, None], grid[:, None])
    i = np.arange(n + 1)

    def basis(points: ArrayLike, name: str) -> NDArray[np.float64]:
        t = as_points(points, name, dim=1)
        if ((t < 0) | (t > 1)).any():
            raise ValueError(f"{name} must lie in [0, 1] (Bernstein polynomials); got {t[(t < 0) | (t > 1)][0]:.6g}")
        return binom.pmf(i[None, :], n, t)

    def approximation(X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.float64]:
        bx = basis(X, "X")
        by = bx if Y is None else basis(Y, "Y")
        check_size((bx.shape[0], by.shape[0]), "the Bernstein approximation's matrix")
        return bx @ coefficients @ by.T

    approximation.__name__ = f"bernstein_{n}({_name(relation)})"
    return approximation


def bernstein_error_bound(
    degree: int,
    *,
    lipschitz: tuple[float, float] | None = None,
    curvature: tuple[float, float] | None = None,
) -> float:
    r"""The bounds of the Bernstein lemma on :math:`\|r - B_n r\|_\infty`.

    .. math::

        \|r - B_n r\|_\infty \le \frac{L_x + L_y}{2\sqrt n}, \qquad
        \|r - B_n r\|_\infty \le \frac{M_x + M_y}{8 n},

    where :math:`n` is ``degree``, :math:`L_x, L_y` are Lipschitz
    constants of :math:`r` on :math:`[0, 1]^2` in :math:`x` and in
    :math:`y` (``lipschitz``), and :math:`M_x, M_y` bound
    :math:`|\partial_x^2 r|` and :math:`|\partial_y^2 r|` (``curvature``).
    Returns the smaller of the bounds whose constants are given.  See the
    chapter "Asymmetric relations and the RKBS construction".

    Parameters
    ----------
    degree : int
        :math:`n \ge 1`.
    lipschitz : (float, float), optional
        :math:`(L_x, L_y)`, both :math:`\ge 0`.
    curvature : (float, float), optional
        :math:`(M_x, M_y)`, both :math:`\ge 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> bernstein_error_bound(16, lipschitz=(2.0, 2.0))
    0.5
    >>> bernstein_error_bound(16, lipschitz=(2.0, 2.0), curvature=(4.0, 4.0))
    0.0625
    """
    n = check_int(degree, "degree", minimum=1)
    if lipschitz is None and curvature is None:
        raise ValueError(
            "give lipschitz=(L_x, L_y) or curvature=(M_x, M_y); got neither")
    bounds = []
    for name, pair, scale in (("lipschitz", lipschitz, 2 * np.sqrt(n)),
                              ("curvature", curvature, 8.0 * n)):
        if pair is None:
            continue
        if len(pair) != 2:
            raise ValueError(
                f"{name} must be a pair (x, y) of constants; got {pair!r}")
        a, b = (check_positive(c, name, strict=False) for c in pair)
        bounds.append((a + b) / scale)
    return float(min(bounds))


def bernstein_networks(
    relation: Relation, degree: int, units: int
) -> tuple[Any, float]:
    r"""One-hidden-layer ReLU networks for the factors of :math:`B_n r`.

    :math:`B_n r = \sum_{i=0}^n b_{i,n} \otimes g_i` with
    :math:`g_i = \sum_j r(\tfrac in, \tfrac jn)\, b_{j,n}`
    (:func:`bernstein_approximation`).  With the knots
    :math:`t_k = k/m`, :math:`\phi_i` and :math:`\psi_i` are the piecewise
    linear interpolants of :math:`b_{i,n}` and :math:`g_i` at
    :math:`t_0, \dots, t_m`, written as networks with the :math:`m` units
    :math:`(t - t_k)_+`, :math:`k < m`, shared by all :math:`i`:

    .. math::

        \phi_i(t) = b_{i,n}(0) + \sum_{k=0}^{m-1} c_{ik}\, (t - t_k)_+,
        \qquad c_{ik} = s_{ik} - s_{i,k-1}, \quad
        s_{ik} = m\,\big(b_{i,n}(t_{k+1}) - b_{i,n}(t_k)\big),

    (:math:`s_{i,-1} = 0`), and the same for :math:`\psi_i` with
    :math:`g_i`.  On :math:`[0, 1]^2`, by the Bernstein lemma of the
    chapter,

    .. math::

        \sup_{x, y \in [0, 1]}
        \big|B_n r(x, y) - \langle \phi(x), \psi(y) \rangle\big|
        \le \sum_{i=0}^{n} \frac{n R_i + \Lambda_i}{2m},

    where :math:`R_i = \max_j |r(\tfrac in, \tfrac jn)|` bounds
    :math:`|g_i|`, :math:`\Lambda_i = n \max_j |r(\tfrac in,
    \tfrac{j+1}n) - r(\tfrac in, \tfrac jn)|` is a Lipschitz constant of
    :math:`g_i`, and :math:`n` one of :math:`b_{i,n}`.  The bound is
    computed from the :math:`(n+1)^2` samples alone; add
    :func:`bernstein_error_bound` for :math:`\|r - B_n r\|_\infty`.

    Parameters
    ----------
    relation : callable
        ``relation(X, Y) -> (n_X, n_Y)`` on points of :math:`[0, 1]`.
    degree : int
        :math:`n \ge 1`: the networks have :math:`n + 1` outputs.
    units : int
        :math:`m \ge 1` hidden units in each network.

    Returns
    -------
    model : relnb.inner_product.AsymmetricInnerProduct
        ``model.phi`` and ``model.psi`` are ``MLP(1, n + 1, width=m,
        depth=1, activation="relu")`` (float64);
        ``model.relation(X, Y)`` is :math:`\langle \phi(x), \psi(y)\rangle`.
    bound : float
        The bound above on :math:`\|B_n r - \langle\phi, \psi\rangle\|_\infty`.

    Examples
    --------
    >>> from relnb.relations import neg_squared_distance
    >>> model, bound = bernstein_networks(neg_squared_distance, 4, 64)
    >>> model.phi
    MLP(1 -> [64 x 1, relu] -> 5)
    >>> B = bernstein_approximation(neg_squared_distance, 4)
    >>> t = np.linspace(0.0, 1.0, 101)[:, None]
    >>> bool(np.abs(model.relation(t, t) - B(t, t)).max() <= bound)
    True
    """
    from scipy.stats import binom

    from relnb.inner_product import AsymmetricInnerProduct

    n = check_int(degree, "degree", minimum=1)
    m = check_int(units, "units", minimum=1)
    check_size((m + 1, n + 1), "the Bernstein basis at the knots")
    grid = np.arange(n + 1) / n
    samples = relation_values(relation, grid[:, None], grid[:, None])
    knots = np.arange(m + 1) / m
    basis = binom.pmf(np.arange(n + 1)[None, :], n, knots[:, None])
    phi = _relu_interpolant(knots, basis)
    psi = _relu_interpolant(knots, basis @ samples.T)  # g_i at the knots
    sup_g = np.abs(samples).max(axis=1)
    lipschitz_g = n * np.abs(np.diff(samples, axis=1)).max(axis=1)
    bound = float(np.sum(n * sup_g + lipschitz_g) / (2 * m))
    return AsymmetricInnerProduct(phi, psi), bound


def _relu_interpolant(knots: NDArray[np.float64],
                      values: NDArray[np.float64]) -> Any:
    """A one-hidden-layer ReLU MLP equal on [knots[0], knots[-1]] to the
    piecewise linear interpolant of ``values`` (shape (m + 1, d))."""
    import torch

    from relnb.inner_product import MLP

    m, d = knots.shape[0] - 1, values.shape[1]
    slopes = np.diff(values, axis=0) / np.diff(knots)[:, None]  # (m, d)
    jumps = np.diff(slopes, axis=0, prepend=np.zeros((1, d)))
    net = MLP(1, d, width=m, depth=1, activation="relu")
    first, last = net.net[0], net.net[-1]
    with torch.no_grad():
        first.weight.copy_(torch.ones(m, 1, dtype=torch.float64))
        first.bias.copy_(torch.as_tensor(-knots[:-1]))
        last.weight.copy_(torch.as_tensor(jumps.T.copy()))
        last.bias.copy_(torch.as_tensor(values[0]))
    return net
