r"""Mercer expansions of positive semidefinite kernels, numerical and in closed form.

For a continuous PSD kernel :math:`k` on a compact set (or one that is square
integrable under a probability measure :math:`\mu`) the integral operator

.. math::

    (T_k f)(x) = \int k(x, y)\, f(y)\, d\mu(y)

is compact, self-adjoint and positive on :math:`L^2(\mu)`; its eigenpairs
:math:`(\lambda_i, e_i)`, :math:`\lambda_1 \ge \lambda_2 \ge \dots \ge 0`, give
Mercer's expansion

.. math::

    k(x, y) = \sum_{i \ge 1} \lambda_i\, e_i(x)\, e_i(y)
            = \langle \Phi(x), \Phi(y) \rangle, \qquad
    \Phi = (\sqrt{\lambda_i}\, e_i)_{i \ge 1}.

Truncating after :math:`d` terms gives the rank-:math:`d` kernel
:math:`k_d = \langle \Phi_d, \Phi_d \rangle`, whose :math:`L^2(\mu\otimes\mu)`
error is the tail :math:`(\sum_{i > d} \lambda_i^2)^{1/2}`, the smallest error
of any rank-:math:`d` function (Eckart--Young--Mirsky).

:func:`mercer_decomposition` computes the expansion from a quadrature rule
(the Nyström method); :func:`brownian_expansion`, :func:`gaussian_expansion`
and :func:`von_mises_expansion` are closed forms returning the same
:class:`MercerExpansion`.  See the chapter "Mercer's theorem and symmetric relations".
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import iv, polygamma

from relnb._validation import (
    as_points,
    as_real,
    check_callable,
    check_int,
    check_positive,
    check_probability_weights,
    check_size,
    check_symmetric,
    check_unit_interval,
)

__all__ = [
    "MercerExpansion",
    "brownian_expansion",
    "discretized_operator",
    "gaussian_expansion",
    "gaussian_tensor_expansion",
    "mercer_decomposition",
    "von_mises_expansion",
]

Kernel = Callable[..., NDArray[np.float64]]
Basis = Callable[[NDArray[np.float64], int], NDArray[np.float64]]


@dataclass(frozen=True, eq=False)
class MercerExpansion:
    r"""The first ``rank`` Mercer pairs of a kernel under a measure, and what the rest weigh.

    .. math::

        k_d(x, y) = \sum_{i=1}^{d} \lambda_i\, e_i(x)\, e_i(y)
                  = \langle \Phi_d(x), \Phi_d(y) \rangle,
        \qquad \|k - k_d\|_{L^2(\mu\otimes\mu)} = \Big(\sum_{i > d} \lambda_i^2\Big)^{1/2},

    where :math:`d` is ``rank``, :math:`\lambda_i` the eigenvalues of the
    integral operator in descending order, :math:`e_i` its eigenfunctions,
    orthonormal in :math:`L^2(\mu)`, and :math:`\Phi_d = (\sqrt{\lambda_i} e_i)_{i \le d}`.

    Attributes
    ----------
    eigenvalues : numpy.ndarray, shape (rank,)
        :math:`\lambda_1 \ge \dots \ge \lambda_d > 0`.
    spectrum : numpy.ndarray
        Every eigenvalue that is known (all :math:`n` of a quadrature with
        :math:`n` nodes, or the first ``rank`` of a closed form), descending.
    remainder_squared : float
        :math:`\sum \lambda_i^2` over the eigenvalues *after* ``spectrum``
        (0 for a quadrature; a series in closed form otherwise).
    total_squared : float
        :math:`\|k\|^2_{L^2(\mu\otimes\mu)} = \sum_i \lambda_i^2`.
    trace : float
        :math:`\int k(x, x)\, d\mu(x) = \sum_i \lambda_i`.
    name : str
        What was expanded, for the repr.
    """

    eigenvalues: NDArray[np.float64]
    spectrum: NDArray[np.float64] = field(repr=False)
    remainder_squared: float
    total_squared: float
    trace: float
    name: str
    basis: Basis = field(repr=False)

    @property
    def rank(self) -> int:
        """The number :math:`d` of kept terms."""
        return int(self.eigenvalues.shape[0])

    def eigenfunctions(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""The eigenfunctions :math:`e_1, \dots, e_d` at the points ``x``: shape ``(len(x), rank)``."""
        return self.basis(as_points(x, "x"), self.rank)

    def features(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""The feature map :math:`\Phi_d(x) = (\sqrt{\lambda_i}\, e_i(x))_{i \le d}`: shape ``(len(x), rank)``."""
        return self.eigenfunctions(x) * np.sqrt(self.eigenvalues)

    def truncated(self, x: ArrayLike, y: ArrayLike | None = None) -> NDArray[np.float64]:
        r"""The rank-:math:`d` kernel :math:`k_d(x_i, y_j) = \langle \Phi_d(x_i), \Phi_d(y_j)\rangle`: shape (n, k)."""
        fx = self.features(x)
        fy = fx if y is None else self.features(y)
        check_size((fx.shape[0], fy.shape[0]), "the truncated kernel k_d(x, y)")
        return fx @ fy.T

    def tail_l2(self, d: int | None = None) -> float:
        r"""The Eckart--Young error :math:`(\sum_{i > d} \lambda_i^2)^{1/2}` (default :math:`d` = ``rank``).

        Summed from the small eigenvalues upwards (plus ``remainder_squared``),
        not as ``total_squared`` minus the head, so that tails far below
        :math:`10^{-8}` keep their relative accuracy.
        """
        d = self.rank if d is None else check_int(d, "d", minimum=0, maximum=self.spectrum.shape[0])
        rest = self.spectrum[d:][::-1]
        return math.sqrt(float(np.sum(rest**2)) + self.remainder_squared)

    def tail_sum(self, d: int | None = None) -> float:
        r""":math:`\sum_{i > d} \lambda_i = \int (k - k_d)(x, x)\, d\mu(x)` (default :math:`d` = ``rank``)."""
        d = self.rank if d is None else check_int(d, "d", minimum=0, maximum=self.spectrum.shape[0])
        return max(self.trace - float(np.sum(self.spectrum[:d])), 0.0)

    def truncate(self, d: int) -> MercerExpansion:
        """The same expansion with only the first ``d`` terms kept (``d`` <= ``rank``)."""
        d = check_int(d, "d", minimum=1, maximum=self.rank)
        return replace(self, eigenvalues=self.eigenvalues[:d])

    def __repr__(self) -> str:
        head = ", ".join(f"{v:.4g}" for v in self.eigenvalues[:3])
        more = ", ..." if self.rank > 3 else ""
        return (
            f"MercerExpansion({self.name}, rank={self.rank}, eigenvalues=[{head}{more}], "
            f"tail_l2={self.tail_l2():.4g})"
        )


def discretized_operator(kernel: Kernel, nodes: ArrayLike, weights: ArrayLike) -> NDArray[np.float64]:
    r"""The integral operator :math:`T_k` discretised by a quadrature rule, as a symmetric matrix.

    .. math::

        A = W^{1/2} K W^{1/2}, \qquad K_{ij} = k(x_i, x_j), \quad W = \operatorname{diag}(w_1, \dots, w_n),

    where :math:`(x_j, w_j)` is the rule.  :math:`A` is similar to the matrix
    :math:`K W` of :math:`f \mapsto \sum_j w_j k(\cdot, x_j) f(x_j)` restricted
    to the nodes, so it has the same eigenvalues, and it is symmetric PSD when
    :math:`k` is a PSD kernel.  Its eigenvalues converge to those of
    :math:`T_k` as the rule refines.

    Parameters
    ----------
    kernel : callable
        ``kernel(X, Y) -> (n, k)``, e.g. ``functools.partial(relnb.kernels.gaussian, lengthscale=0.5)``.
    nodes : array_like, shape (n, m) or (n,)
    weights : array_like, shape (n,)
        Non-negative, summing to 1.

    Returns
    -------
    numpy.ndarray, shape (n, n)

    Examples
    --------
    >>> from relnb import kernels, quadrature
    >>> x, w = quadrature.uniform(200)
    >>> lam = np.linalg.eigvalsh(discretized_operator(kernels.brownian, x, w))[::-1]
    >>> round(float(lam[0] * np.pi**2 / 4), 4)  # lambda_1 = 1 / (pi/2)^2, error O(n^-2)
    1.0
    """
    return _operator(kernel, nodes, weights)[3]


def _operator(
    kernel: Kernel, nodes: ArrayLike, weights: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Validated nodes, weights, kernel matrix K and the symmetric matrix W^{1/2} K W^{1/2}."""
    check_callable(kernel, "kernel", "kernel(X, Y) -> (n, k)")
    x = as_points(nodes, "nodes")
    w = check_probability_weights(weights, "weights", size=x.shape[0])
    check_size((x.shape[0], x.shape[0]), "the kernel matrix on the nodes")
    K = np.asarray(kernel(x, x), dtype=np.float64)
    if K.shape != (x.shape[0], x.shape[0]):
        raise ValueError(f"kernel(nodes, nodes) must have shape {(x.shape[0], x.shape[0])}; got {K.shape}")
    K = check_symmetric(K, "kernel(nodes, nodes)")
    root = np.sqrt(w)
    A = root[:, None] * K * root[None, :]
    return x, w, K, (A + A.T) / 2  # exactly symmetric for eigh


def _fix_signs(vectors: NDArray[np.float64]) -> NDArray[np.float64]:
    """Make each column positive at its first entry that is not negligible (> 1e-3 of its largest)."""
    big = np.abs(vectors) > 1e-3 * np.abs(vectors).max(axis=0, keepdims=True)
    first = np.argmax(big, axis=0)
    signs = np.sign(vectors[first, np.arange(vectors.shape[1])])
    return vectors * np.where(signs == 0, 1.0, signs)


def gaussian_tensor_expansion(
    rank: int, *, dim: int, lengthscale: float, std: float = 1.0, tol: float = 1e-40
) -> MercerExpansion:
    r"""Closed-form Mercer expansion of the Gaussian kernel on :math:`\mathbb R^p` under :math:`N(0, s^2 I_p)`.

    The kernel :math:`e^{-\|x - y\|^2/(2\ell^2)} = \prod_{i=1}^p e^{-(x_i - y_i)^2/(2\ell^2)}` and the measure are
    products, so the eigenpairs are products of the one-dimensional ones of :func:`gaussian_expansion`:

    .. math::

        \lambda_{k_1 \dots k_p} = \lambda_{k_1} \cdots \lambda_{k_p} = \lambda_0^p\, B^{k_1 + \dots + k_p},
        \qquad e_{k_1 \dots k_p}(x) = e_{k_1}(x_1) \cdots e_{k_p}(x_p).

    The eigenvalue :math:`\lambda_0^p B^n` of level :math:`n = k_1 + \dots + k_p` has multiplicity
    :math:`\binom{n + p - 1}{p - 1}`, so at a fixed number :math:`d` of terms the levels reached, and hence the
    Eckart--Young limit :math:`\tau_d`, degrade with :math:`p`; :math:`\sum \lambda^2 = (\sum_k \lambda_k^2)^p`.
    Eigenvalues are listed level by level (multi-indices of a level in lexicographic order); ``remainder_squared``
    sums the levels after the last one kept until a level weighs less than ``tol`` times the first eigenvalue squared.

    Parameters
    ----------
    rank : int
        Number of terms kept, at least 1.
    dim : int
        :math:`p \ge 1`.
    lengthscale : float
        :math:`\ell > 0`.
    std : float
        :math:`s > 0`.
    tol : float
        Relative size of the last level summed into the remainder.

    Returns
    -------
    MercerExpansion
        ``eigenfunctions(x)`` takes points of shape (n, p).

    Examples
    --------
    >>> exp = gaussian_tensor_expansion(4, dim=2, lengthscale=0.5)
    >>> one = gaussian_expansion(2, lengthscale=0.5).eigenvalues
    >>> bool(np.allclose(exp.eigenvalues, [one[0] ** 2, one[0] * one[1], one[0] * one[1], one[1] ** 2]))
    True
    >>> round(exp.tail_l2(0) ** 2 * 17, 12)  # ((1 + 4 / 0.25)^(-1/2))^2
    1.0
    """
    d = check_int(rank, "rank", minimum=1)
    p = check_int(dim, "dim", minimum=1)
    tol = check_positive(tol, "tol")
    one = gaussian_expansion(1, lengthscale=lengthscale, std=std)
    lam0 = float(one.eigenvalues[0])
    ratio = float(gaussian_expansion(2, lengthscale=lengthscale, std=std).eigenvalues[1]) / lam0
    indices: list[tuple[int, ...]] = []
    level = 0
    while len(indices) < d:
        indices += sorted((k for k in itertools.product(range(level + 1), repeat=p) if sum(k) == level),
                          reverse=True)
        level += 1
    kept, rest_of_level = indices[:d], len(indices) - d
    eigenvalues = lam0**p * ratio ** np.array([sum(k) for k in kept], dtype=float)
    # the rest of the last level reached, then whole levels, summed from the small ones upwards
    terms = [rest_of_level * (lam0**p * ratio ** (level - 1)) ** 2]
    n = level
    while True:
        term = math.comb(n + p - 1, p - 1) * (lam0**p * ratio**n) ** 2
        terms.append(term)
        if term < tol * lam0 ** (2 * p):
            break
        n += 1
    remainder = float(math.fsum(sorted(terms)))
    top = max(max(k) for k in kept) + 1
    index = np.array(kept)

    def basis(points: NDArray[np.float64], r: int) -> NDArray[np.float64]:
        if points.shape[1] != p:
            raise ValueError(f"x must be points of R^{p} ({p} columns); got shape {points.shape}")
        per_axis = [one.basis(points[:, [i]], top) for i in range(p)]
        out = np.ones((points.shape[0], r))
        for i in range(p):
            out *= per_axis[i][:, index[:r, i]]
        return out

    return MercerExpansion(
        eigenvalues=eigenvalues,
        spectrum=eigenvalues,
        remainder_squared=remainder,
        total_squared=float(one.total_squared) ** p,
        trace=1.0,
        name=f"gaussian(lengthscale={lengthscale:g}) under N(0, {std:g}^2 I_{p}), closed form",
        basis=basis,
    )


def mercer_decomposition(kernel: Kernel, nodes: ArrayLike, weights: ArrayLike, rank: int) -> MercerExpansion:
    r"""The first ``rank`` Mercer pairs of a kernel under a measure, by quadrature and the Nyström extension.

    Diagonalise :math:`A = W^{1/2} K W^{1/2} = U \Lambda U^\top`
    (:func:`discretized_operator`); then the eigenfunctions, extended to any
    point :math:`x` by the eigen-equation :math:`\lambda e = T_k e`
    with :math:`T_k` replaced by the quadrature, are

    .. math::

        e_i(x) = \frac{1}{\lambda_i} \sum_{j=1}^n w_j\, k(x, x_j)\, e_i(x_j)
               = \frac{1}{\lambda_i} \sum_{j=1}^n \sqrt{w_j}\, k(x, x_j)\, U_{ji},

    where :math:`(x_j, w_j)` is the rule and :math:`U_{ji} = \sqrt{w_j}\, e_i(x_j)`.
    They are orthonormal in :math:`L^2(\hat\mu)` for the discrete measure
    :math:`\hat\mu = \sum_j w_j \delta_{x_j}`.  ``total_squared`` is
    :math:`\sum_{ij} w_i w_j k(x_i, x_j)^2`, ``trace`` is :math:`\sum_j w_j k(x_j, x_j)`.
    Signs: each :math:`e_i` is positive at the first node (in the given order)
    where it is not negligible.

    Parameters
    ----------
    kernel : callable
        ``kernel(X, Y) -> (n, k)``, symmetric and PSD on the nodes.
    nodes : array_like, shape (n, m) or (n,)
    weights : array_like, shape (n,)
        Non-negative, summing to 1.
    rank : int
        Number :math:`d` of pairs kept; at most the numerical rank of :math:`A`
        (eigenvalues above :math:`10^{-12}\lambda_1`: the Nyström extension
        divides by :math:`\lambda_i`).

    Returns
    -------
    MercerExpansion

    Examples
    --------
    >>> from relnb import kernels, quadrature
    >>> x, w = quadrature.uniform(300)
    >>> exp = mercer_decomposition(kernels.brownian, x, w, rank=3)
    >>> np.round(exp.eigenvalues * ((np.arange(1, 4) - 0.5) * np.pi) ** 2, 3)  # lambda_k (k - 1/2)^2 pi^2 = 1
    array([1., 1., 1.])
    """
    x, w, K, A = _operator(kernel, nodes, weights)
    n = x.shape[0]
    d = check_int(rank, "rank", minimum=1, maximum=n)
    values, vectors = np.linalg.eigh(A)
    values, vectors = values[::-1].copy(), vectors[:, ::-1]
    top = float(values[0])
    if top <= 0:
        raise ValueError(f"kernel must be positive semidefinite and not 0; got largest eigenvalue {top:.6g}")
    if values[-1] < -1e-10 * top:
        raise ValueError(
            f"kernel must be positive semidefinite on the nodes; got eigenvalue {values[-1]:.6g} "
            f"(largest {top:.6g}): Mercer's theorem does not apply"
        )
    if values[d - 1] <= 1e-12 * top:
        numerical_rank = int(np.sum(values > 1e-12 * top))
        raise ValueError(
            f"rank must be at most the numerical rank of the discretised operator ({numerical_rank}); "
            f"got rank={d} with eigenvalue {values[d - 1]:.3g} <= 1e-12 * {top:.6g}"
        )
    U = _fix_signs(vectors[:, :d])
    coefficients = np.sqrt(w)[:, None] * U / values[:d]
    name = getattr(kernel, "__name__", None) or getattr(getattr(kernel, "func", None), "__name__", "kernel")

    def basis(points: NDArray[np.float64], r: int) -> NDArray[np.float64]:
        if points.shape[1] != x.shape[1]:
            raise ValueError(f"x must be points of the nodes' dimension {x.shape[1]}; got shape {points.shape}")
        return np.asarray(kernel(points, x), dtype=np.float64) @ coefficients[:, :r]

    return MercerExpansion(
        eigenvalues=values[:d],
        spectrum=values,
        remainder_squared=0.0,
        total_squared=float(np.einsum("i,j,ij->", w, w, K**2)),
        trace=float(w @ np.diag(K)),
        name=f"{name}, quadrature with {n} nodes",
        basis=basis,
    )


def brownian_expansion(rank: int) -> MercerExpansion:
    r"""Closed-form Mercer expansion of :math:`\min(x, y)` under the uniform measure on :math:`[0, 1]`.

    .. math::

        \lambda_k = \frac{1}{(k - \frac12)^2 \pi^2}, \qquad
        e_k(x) = \sqrt2\, \sin\big((k - \tfrac12)\pi x\big), \qquad k = 1, 2, \dots

    with :math:`\sum_k \lambda_k = \int_0^1 x\, dx = \frac12`,
    :math:`\sum_k \lambda_k^2 = \int_0^1\!\int_0^1 \min(x, y)^2 = \frac16`, and the
    tail :math:`\sum_{k > d} \lambda_k^2 = \psi'''(d + \frac12) / (6\pi^4)`
    (:math:`\psi` the digamma function).

    Parameters
    ----------
    rank : int
        Number :math:`d` of terms kept.

    Returns
    -------
    MercerExpansion
        Its eigenfunctions accept points of :math:`[0, 1]` only.

    Examples
    --------
    >>> exp = brownian_expansion(2)
    >>> float(exp.eigenvalues[0] * np.pi**2 / 4), float(exp.total_squared * 6)
    (1.0, 1.0)
    """
    d = check_int(rank, "rank", minimum=1)
    k = np.arange(1, d + 1)
    frequencies = (k - 0.5) * np.pi

    def basis(points: NDArray[np.float64], r: int) -> NDArray[np.float64]:
        check_unit_interval(points, "x")
        return math.sqrt(2.0) * np.sin(points[:, :1] * frequencies[None, :r])

    return MercerExpansion(
        eigenvalues=1.0 / frequencies**2,
        spectrum=1.0 / frequencies**2,
        remainder_squared=float(polygamma(3, d + 0.5)) / (6.0 * np.pi**4),
        total_squared=1.0 / 6.0,
        trace=0.5,
        name="min(x, y) on [0, 1], closed form",
        basis=basis,
    )


def gaussian_expansion(rank: int, *, lengthscale: float, mean: float = 0.0, std: float = 1.0) -> MercerExpansion:
    r"""Closed-form Mercer expansion of the Gaussian kernel under the normal measure :math:`N(m, s^2)`.

    For :math:`k(x, y) = e^{-(x - y)^2 / (2\ell^2)}` put :math:`a = 1/(4 s^2)`,
    :math:`b = 1/(2\ell^2)`, :math:`c = \sqrt{a^2 + 2ab}`, :math:`A = a + b + c`,
    :math:`B = b / A`.  Then, for :math:`k = 0, 1, 2, \dots`
    (Rasmussen and Williams, sec. 4.3.1),

    .. math::

        \lambda_k = \sqrt{\frac{2a}{A}}\, B^k, \qquad
        e_k(x) = \Big(\frac{c}{a}\Big)^{1/4} e^{-(c - a)(x - m)^2}\,
                 \frac{H_k\big(\sqrt{2c}\,(x - m)\big)}{\sqrt{2^k k!}},

    with :math:`H_k` the physicists' Hermite polynomials, evaluated by the stable
    three-term recurrence of the normalised Hermite functions.  The tail is a
    geometric series, :math:`\sum_{k \ge d} \lambda_k^2 = \lambda_0^2 B^{2d} / (1 - B^2)`,
    and :math:`\sum_k \lambda_k^2 = (1 + 4 s^2/\ell^2)^{-1/2}`, :math:`\sum_k \lambda_k = 1`.

    Parameters
    ----------
    rank : int
        Number :math:`d` of terms kept (eigenvalues :math:`\lambda_0, \dots, \lambda_{d-1}`).
    lengthscale : float
        :math:`\ell > 0`.
    mean, std : float
        :math:`m` and :math:`s > 0` of the measure.

    Returns
    -------
    MercerExpansion

    Examples
    --------
    >>> exp = gaussian_expansion(3, lengthscale=0.5)
    >>> np.round(exp.eigenvalues, 6)
    array([0.390388, 0.237985, 0.145079])
    >>> round(float(exp.total_squared * np.sqrt(17)), 12)  # (1 + 4 / 0.25)^(-1/2)
    1.0
    """
    d = check_int(rank, "rank", minimum=1)
    ell = check_positive(lengthscale, "lengthscale")
    s = check_positive(std, "std")
    mean = as_real(mean, "mean")
    if not math.isfinite(mean):
        raise ValueError(f"mean must be a finite real number; got {mean!r}")
    # s * s and ell * ell give inf or 0 where s**2 would raise OverflowError; the same value otherwise
    s2, ell2 = s * s, ell * ell
    a = 1.0 / (4.0 * s2) if s2 > 0 else math.inf
    b = 1.0 / (2.0 * ell2) if ell2 > 0 else math.inf
    if not a > 0:
        raise ValueError(f"std must be at most about 1e153 (1 / (4 std^2) underflows to 0); got {s:g}")
    if not math.isfinite(a):
        raise ValueError(f"std must be at least about 1e-154 (1 / (4 std^2) overflows); got {s:g}")
    if not math.isfinite(b):
        raise ValueError(f"lengthscale must be at least about 1e-154 (1 / (2 lengthscale^2) overflows); "
                         f"got {ell:g}")
    c = math.sqrt(a**2 + 2.0 * a * b)
    big_a = a + b + c
    ratio = b / big_a
    lam0 = math.sqrt(2.0 * a / big_a)
    eigenvalues = lam0 * ratio ** np.arange(d)

    def basis(points: NDArray[np.float64], r: int) -> NDArray[np.float64]:
        if points.shape[1] != 1:
            raise ValueError(f"x must be points of the real line (one column); got shape {points.shape}")
        z = points[:, 0] - mean
        t = math.sqrt(2.0 * c) * z
        # normalised Hermite functions psi_k(t) = e^{-t^2/2} H_k(t) / sqrt(2^k k! sqrt(pi)) * pi^{1/4}
        def hermite(start: NDArray[np.float64]) -> NDArray[np.float64]:
            out = np.empty((z.shape[0], r))
            out[:, 0] = start
            if r > 1:
                out[:, 1] = math.sqrt(2.0) * t * out[:, 0]
            for k in range(1, r - 1):
                out[:, k + 1] = math.sqrt(2.0 / (k + 1)) * t * out[:, k] - math.sqrt(k / (k + 1)) * out[:, k - 1]
            return out

        # e^{-(c - a) z^2} = e^{-t^2 / 2} e^{a z^2}
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            values = (c / a) ** 0.25 * np.exp(a * z**2)[:, None] * hermite(np.exp(-(t**2) / 2.0))
        tail = ~np.isfinite(values).all(axis=1) | (np.exp(-(t**2) / 2.0) == 0)
        if tail.any():  # far out e^{-t^2/2} underflows and e^{a z^2} overflows: one exponent, c > a
            values[tail] = (c / a) ** 0.25 * hermite(np.exp(-(c - a) * z**2))[tail]
        return values

    return MercerExpansion(
        eigenvalues=eigenvalues,
        spectrum=eigenvalues,
        remainder_squared=lam0**2 * ratio ** (2 * d) / (1.0 - ratio**2),
        total_squared=1.0 / math.sqrt(1.0 + 4.0 * s2 / ell2),
        trace=1.0,
        name=f"gaussian(lengthscale={ell:g}) under N({mean:g}, {s:g}^2), closed form",
        basis=basis,
    )


def von_mises_expansion(rank: int, *, kappa: float) -> MercerExpansion:
    r"""Closed-form Mercer expansion of :math:`e^{\kappa\cos(x - y)}` under the uniform measure on the circle.

    By the Jacobi--Anger expansion
    :math:`e^{\kappa\cos\theta} = I_0(\kappa) + 2\sum_{n\ge1} I_n(\kappa)\cos n\theta`
    and :math:`\cos n(x - y) = \cos nx \cos ny + \sin nx \sin ny`, the Mercer pairs are

    .. math::

        (I_0(\kappa), 1), \quad (I_1(\kappa), \sqrt2\cos x), \quad (I_1(\kappa), \sqrt2\sin x), \quad
        (I_2(\kappa), \sqrt2\cos 2x), \quad \dots

    where :math:`I_n` is the modified Bessel function of the first kind
    (:math:`I_0 > I_1 > \dots` for :math:`\kappa > 0`).  Every eigenvalue after the first
    has multiplicity 2, so the eigenfunctions are defined only up to a rotation
    within each pair; ``rank`` may split a pair.  Also
    :math:`\sum_i \lambda_i = e^\kappa` and :math:`\sum_i \lambda_i^2 = I_0(2\kappa)`.

    Parameters
    ----------
    rank : int
        Number :math:`d` of terms kept.
    kappa : float
        :math:`\kappa > 0`.

    Returns
    -------
    MercerExpansion

    Examples
    --------
    >>> exp = von_mises_expansion(3, kappa=1.0)
    >>> np.round(exp.eigenvalues, 6)
    array([1.266066, 0.565159, 0.565159])
    """
    d = check_int(rank, "rank", minimum=1)
    kap = check_positive(kappa, "kappa")
    if not math.isfinite(float(iv(0, 2.0 * kap))):  # I_0(2 kappa) ~ e^{2 kappa} / sqrt(4 pi kappa)
        raise ValueError(f"kappa must be at most about 357 (the sum of squared eigenvalues I_0(2 kappa) "
                         f"overflows float64); got {kap:g}")
    orders = (np.arange(d) + 1) // 2  # 0, 1, 1, 2, 2, ...
    eigenvalues = iv(orders, kap)
    # remainder: the terms after the first d, summed from the smallest upwards
    last = int(orders[-1])
    n_max = last + 1
    while iv(n_max, kap) > 1e-300 and n_max < last + 10_000:
        n_max += 1
    later = iv(np.arange(last + 1, n_max + 1), kap)
    remainder = 2.0 * float(np.sum(later[::-1] ** 2))
    if d % 2 == 0:  # the sine partner of the last cosine is not kept
        remainder += float(iv(last, kap)) ** 2

    def basis(points: NDArray[np.float64], r: int) -> NDArray[np.float64]:
        if points.shape[1] != 1:
            raise ValueError(f"x must be angles (one column); got shape {points.shape}")
        theta = points[:, :1]
        n = orders[None, :r]
        is_sine = (np.arange(r) % 2 == 0) & (np.arange(r) > 0)
        return np.where(n == 0, 1.0, math.sqrt(2.0) * np.where(is_sine[None, :], np.sin(n * theta), np.cos(n * theta)))

    return MercerExpansion(
        eigenvalues=eigenvalues,
        spectrum=eigenvalues,
        remainder_squared=remainder,
        total_squared=float(iv(0, 2.0 * kap)),
        trace=math.exp(kap),
        name=f"von_mises(kappa={kap:g}) on the circle, closed form",
        basis=basis,
    )
