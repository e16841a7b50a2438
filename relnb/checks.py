r"""Checks for the exercises: say in words what is right or wrong in a student's answer.

Every check returns a :class:`Feedback` whose ``message`` explains the verdict ("your distance is
below the true minimum 0.866, which is impossible: ..."), never a bare ``False``. In a notebook the
feedback prints itself; a solution cell ends with ``assert feedback.passed``.

The checks are grouped by chapter. They compare an answer with what :mod:`relnb` computes, and name
the first thing that is wrong.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import as_float_array
from relnb.attention import min_beta, required_beta, softmax_weights
from relnb.gram import distance_to_psd_cone, relation_norm
from relnb.mercer import MercerExpansion
from relnb.preorder import Preorder
from relnb.schmidt import bernstein_approximation, l2_distance, schmidt_decomposition

__all__ = [
    "Feedback",
    "check_allocation",
    "check_bernstein_schmidt",
    "check_factorization",
    "check_feature_maps",
    "check_film_ranking",
    "check_first_float_tie",
    "check_floor_formula",
    "check_mercer_sums",
    "check_min_beta",
    "check_nearest_key_features",
    "check_psd_distance",
    "check_rff_expected_error",
    "check_smallest_gap",
    "check_symmetric_floor",
    "check_temperature",
    "check_truncation_error",
    "check_utility",
]


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer: ``passed`` and a message in words."""

    passed: bool
    message: str

    def __repr__(self) -> str:
        # wrapped to the 79 characters a page of the book shows
        text = ("Correct. " if self.passed else "Not yet. ") + self.message
        return textwrap.fill(text, width=79, break_long_words=False, break_on_hyphens=False)

    def __bool__(self) -> bool:
        return self.passed


def _not_answered(name: str) -> Feedback:
    return Feedback(False, f"No answer yet: assign your {name} and run the check again.")


def _close(value: float, target: float, rtol: float) -> bool:
    return bool(np.isclose(value, target, rtol=rtol, atol=1e-15))


def _number(answer: object, name: str) -> float | Feedback:
    """The answer as a finite float, or the Feedback explaining why it is not one."""
    try:
        value = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return Feedback(False, f"Your {name} should be a number; got {answer!r}.")
    if not math.isfinite(value):
        return Feedback(False, f"Your {name} is {value}, not a finite number.")
    return value


# --- Chapter A: relation functions and inner products ------------------------------------------


def check_psd_distance(
    answer: float | None, matrix: ArrayLike, *, weights: ArrayLike | None = None, rank: int | None = None,
    rtol: float = 1e-6,
) -> Feedback:
    r"""Check a computed distance from ``matrix`` to the PSD matrices of rank at most ``rank``.

    Parameters
    ----------
    answer : float or None
        The student's value of :math:`\min_{B \succeq 0, \operatorname{rank} B \le d} \|R - B\|_w`.
    matrix, weights, rank
        As in :func:`relnb.gram.distance_to_psd_cone`.
    rtol : float
        Relative tolerance (a hand computation to 6 digits passes).

    Examples
    --------
    >>> check_psd_distance(0.866, [[0.0, 1.0], [0.0, 0.0]], rtol=1e-3)
    Correct. Your distance 0.866 matches 0.866025 (symmetric part 0.5,
    antisymmetric part 0.707107).
    >>> check_psd_distance(0.5, [[0.0, 1.0], [0.0, 0.0]]).passed
    False
    """
    if answer is None:
        return _not_answered("distance")
    exact = distance_to_psd_cone(matrix, weights=weights, rank=rank)
    value = float(answer)
    parts = f"(symmetric part {exact.symmetric:.6g}, antisymmetric part {exact.antisymmetric:.6g})"
    if np.isclose(value, exact.distance, rtol=rtol, atol=1e-12):
        return Feedback(True, f"Your distance {value:.6g} matches {exact.distance:.6g} {parts}.")
    if value < exact.distance:
        if np.isclose(value, exact.symmetric, rtol=rtol):
            hint = "did you forget the antisymmetric part, which no PSD matrix can match?"
        elif np.isclose(value, exact.antisymmetric, rtol=rtol):
            hint = "that is the antisymmetric part alone; the negative eigenvalues of the symmetric part count too."
        else:
            hint = "no PSD matrix is that close; did you drop the contribution of some eigenvalues?"
        return Feedback(False, f"Your distance {value:.6g} is below the true minimum {exact.distance:.6g}: {hint}")
    hint = "some PSD matrix is closer: keep max(lambda_i, 0) for the d largest eigenvalues of the symmetric part."
    return Feedback(False, f"Your distance {value:.6g} is above the true minimum {exact.distance:.6g} {parts}: {hint}")


def check_factorization(
    features_x: ArrayLike | None, features_y: ArrayLike | None, matrix: ArrayLike, *, atol: float = 1e-8
) -> Feedback:
    r"""Check that rows :math:`\phi(x_i)`, :math:`\psi(y_j)` reproduce ``matrix`` as inner products.

    Examples
    --------
    >>> check_factorization([[1.0], [2.0]], [[1.0], [0.0]], [[1.0, 0.0], [2.0, 0.0]])
    Correct. <phi(x_i), psi(y_j)> reproduces the 2 x 2 matrix with d = 1 features
    (every entry within 1e-08).
    """
    if features_x is None or features_y is None:
        return _not_answered("feature matrices")
    r = as_float_array(matrix, "matrix", ndim=2)
    fx = as_float_array(features_x, "features_x", ndim=2)
    fy = as_float_array(features_y, "features_y", ndim=2)
    if fx.shape[0] != r.shape[0] or fy.shape[0] != r.shape[1]:
        return Feedback(False, f"Shapes do not fit: phi gives {fx.shape[0]} rows and psi {fy.shape[0]}, "
                               f"but the matrix is {r.shape[0]} x {r.shape[1]} (one row per point).")
    if fx.shape[1] != fy.shape[1]:
        return Feedback(False, f"phi has {fx.shape[1]} features but psi has {fy.shape[1]}: "
                               "an inner product needs the same d.")
    error = np.abs(fx @ fy.T - r)
    i, j = (int(k) for k in np.unravel_index(np.argmax(error), error.shape))
    if error[i, j] > atol:
        return Feedback(False, f"Entry ({i}, {j}): <phi(x_{i}), psi(y_{j})> = {float(fx[i] @ fy[j]):.6g} "
                               f"but the matrix has {r[i, j]:.6g}.")
    return Feedback(True, f"<phi(x_i), psi(y_j)> reproduces the {r.shape[0]} x {r.shape[1]} matrix with "
                          f"d = {fx.shape[1]} features (every entry within {atol:g}).")


def check_floor_formula(
    formula: Callable[[int], float] | None, relation: Callable[[np.ndarray], np.ndarray],
    *, sizes: tuple[int, ...] = (2, 3, 5, 10, 40), rtol: float = 1e-9,
) -> Feedback:
    r"""Check a closed-form symmetric floor :math:`n \mapsto \min_{B\succeq0}\|R_n - B\|_w` (uniform weights).

    ``relation(points)`` gives the :math:`n \times n` relation matrix on ``n`` equally spaced points of [0, 1].

    Examples
    --------
    >>> from relnb.relations import order
    >>> check_floor_formula(lambda n: np.sqrt(1 - 1 / n**2) / 2, order).passed
    True
    """
    if formula is None:
        return _not_answered("formula (a function of n)")
    for n in sizes:
        points = np.linspace(0, 1, n)
        exact = distance_to_psd_cone(relation(points), weights=np.full(n, 1 / n)).distance
        value = float(formula(n))
        if not np.isclose(value, exact, rtol=rtol):
            return Feedback(False, f"For n = {n} your formula gives {value:.8g}, the exact floor is {exact:.8g}.")
    return Feedback(True, f"Your formula matches the exact floor for n in {list(sizes)}.")


# --- Chapter B: Mercer's theorem and symmetric relations ---------------------------------------


def check_mercer_sums(
    trace: float | None, square_sum: float | None, kernel: Callable[[np.ndarray], np.ndarray],
    nodes: ArrayLike, weights: ArrayLike, *, rtol: float = 1e-3,
) -> Feedback:
    r"""Check the identities :math:`\sum_k \lambda_k = \int k(x, x)\, d\mu` and :math:`\sum_k \lambda_k^2 = \|k\|^2`.

    The two sides are computed by the quadrature rule ``(nodes, weights)``.

    Parameters
    ----------
    trace, square_sum : float or None
        The student's :math:`\sum_k \lambda_k` and :math:`\sum_k \lambda_k^2` (numbers or sympy rationals).
    kernel : callable
        ``kernel(X)`` gives the Gram matrix on the nodes.
    nodes, weights
        A quadrature rule of :math:`\mu`.
    rtol : float
        Relative tolerance. Kernels with a kink on the diagonal (``min``) converge as :math:`O(n^{-2})`
        under Gauss--Legendre rules, so 400 nodes give about four digits; ``1e-3`` leaves a margin.

    Examples
    --------
    >>> from relnb import kernels, quadrature
    >>> check_mercer_sums(1 / 2, 1 / 6, kernels.brownian, *quadrature.uniform(400)).passed
    True
    >>> check_mercer_sums(1 / 6, 1 / 2, kernels.brownian, *quadrature.uniform(400)).message
    'Your two sums look swapped: sum lambda_k is the trace 0.5 and sum lambda_k^2 is ||k||^2 = 0.16667.'
    """
    if trace is None or square_sum is None:
        return _not_answered("two sums")
    t, q = _number(trace, "sum of eigenvalues"), _number(square_sum, "sum of squared eigenvalues")
    for value in (t, q):
        if isinstance(value, Feedback):
            return value
    assert isinstance(t, float) and isinstance(q, float)
    w = as_float_array(weights, "weights", ndim=1)
    gram = np.asarray(kernel(nodes), dtype=float)
    true_trace = float(w @ np.diagonal(gram))
    true_square = relation_norm(gram, w) ** 2
    if _close(t, true_trace, rtol) and _close(q, true_square, rtol):
        return Feedback(True, f"sum lambda_k = {t:.6g} = int k(x, x) dmu and sum lambda_k^2 = {q:.6g} = ||k||^2 "
                              f"(quadrature: {true_trace:.5g} and {true_square:.5g}).")
    if _close(t, true_square, rtol) and _close(q, true_trace, rtol):
        return Feedback(False, f"Your two sums look swapped: sum lambda_k is the trace {true_trace:.5g} and "
                               f"sum lambda_k^2 is ||k||^2 = {true_square:.5g}.")
    if not _close(t, true_trace, rtol):
        return Feedback(False, f"Your sum of eigenvalues {t:.6g} differs from the trace int k(x, x) dmu = "
                               f"{true_trace:.5g}: set y = x in the Mercer series and integrate, using "
                               "||e_k|| = 1.")
    hint = ("that is sum lambda_k squared; the squares of the eigenvalues sum to less"
            if _close(q, t * t, rtol) else
            "that is ||k||, not its square" if _close(q, math.sqrt(true_square), rtol) else
            "Parseval in L2(mu x mu): the products e_k(x) e_k(y) are orthonormal")
    return Feedback(False, f"Your sum of squared eigenvalues {q:.6g} differs from ||k||^2 = {true_square:.5g}: "
                           f"{hint}.")


def check_allocation(
    allocation: ArrayLike | None, constants: ArrayLike, total: int, *, rtol: float = 0.01
) -> Feedback:
    r"""Check a split of ``total`` neurons that minimises :math:`\sum_i a_i n_i^{-1/2}`.

    The least value over real :math:`n_i > 0` with :math:`\sum n_i = N` is
    :math:`(\sum_i a_i^{2/3})^{3/2} / \sqrt N`; an integer allocation passes when it uses at most
    :math:`N` neurons (and at least :math:`N - d`, for rounding) and comes within ``rtol`` of that value.

    Examples
    --------
    >>> a = 1 / (2 * np.arange(1, 5) - 1)
    >>> check_allocation(1000 * a ** (2 / 3) / np.sum(a ** (2 / 3)), a, 1000).passed
    True
    >>> check_allocation([250, 250, 250, 250], a, 1000).message[:44]
    'The uniform split gives sum a_i n_i^(-1/2) ='
    """
    if allocation is None:
        return _not_answered("allocation")
    a = as_float_array(constants, "constants", ndim=1)
    try:
        n = np.asarray(allocation, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return Feedback(False, f"Your allocation should be a list of {a.size} numbers; got {allocation!r}.")
    if n.size != a.size:
        return Feedback(False, f"Your allocation has {n.size} entries, but there are {a.size} terms "
                               "(one n_i per eigenfunction).")
    if not np.all(np.isfinite(n)) or np.any(n <= 0):
        i = int(np.argmax(~np.isfinite(n) | (n <= 0)))
        return Feedback(False, f"n_{i + 1} = {n[i]:g}: every term needs a positive number of neurons.")
    used = float(n.sum())
    if used > total * (1 + 1e-9):
        return Feedback(False, f"Your allocation uses {used:g} neurons, more than the budget N = {total}.")
    if used < total - a.size:
        return Feedback(False, f"Your allocation uses only {used:g} of the N = {total} neurons: spend them all.")
    value = float(np.sum(a / np.sqrt(n)))
    best = float(np.sum(a ** (2 / 3)) ** 1.5 / math.sqrt(total))
    excess = value / best - 1
    if excess <= rtol:
        return Feedback(True, f"Your allocation gives sum a_i n_i^(-1/2) = {value:.6g}, within {100 * excess:.2f}% "
                              f"of the least possible {best:.6g}.")
    if np.allclose(n, n[0]):
        lead = "The uniform split gives"
        hint = "larger a_i deserve more neurons"
    elif np.allclose(n / n.sum(), a / a.sum(), rtol=1e-3):
        lead = "Neurons in proportion to a_i give"
        hint = "that overshoots: the Lagrange condition a_i n_i^(-3/2) = const gives a smaller power of a_i"
    else:
        lead = "Your allocation gives"
        hint = "write the Lagrange condition for min sum a_i n_i^(-1/2) subject to sum n_i = N"
    return Feedback(False, f"{lead} sum a_i n_i^(-1/2) = {value:.6g}, {100 * excess:.1f}% above the least "
                           f"possible {best:.6g}: {hint}.")


def check_rff_expected_error(
    answer: float | None, d: int, profile: Callable[[np.ndarray], np.ndarray],
    nodes: ArrayLike, weights: ArrayLike, *, rtol: float = 1e-6,
) -> Feedback:
    r"""Check :math:`\mathbb E\|k - \langle z, z\rangle\|^2_{L^2(\mu\otimes\mu)}` for ``d`` random Fourier features.

    For a stationary kernel :math:`k(x, y) = \kappa(x - y)` (``profile`` is :math:`\kappa`) the expectation is
    :math:`\frac1d \iint \big(1 + \frac12\kappa(2(x - y)) - \kappa(x - y)^2\big)\, d\mu(x)\, d\mu(y)`,
    computed here on the product rule of ``(nodes, weights)``.

    Examples
    --------
    >>> from relnb import quadrature
    >>> kappa = lambda t: np.exp(-t**2 / 2)
    >>> x, w = quadrature.gaussian_legendre(200)
    >>> check_rff_expected_error(0.0, 8, kappa, x, w).passed
    False
    """
    if answer is None:
        return _not_answered("expected squared error")
    value = _number(answer, "expected squared error")
    if isinstance(value, Feedback):
        return value
    d = int(d)
    x = as_float_array(nodes, "nodes").reshape(len(np.asarray(nodes)), -1)[:, 0]
    w = as_float_array(weights, "weights", ndim=1)
    delta = x[:, None] - x[None, :]
    k = profile(delta)
    per_feature = float(np.einsum("i,j,ij->", w, w, 1 + 0.5 * profile(2 * delta) - k**2))
    exact = per_feature / d
    if _close(value, exact, rtol):
        return Feedback(True, f"E||k - <z, z>||^2 = {exact:.6g} at d = {d} ({per_feature:.6g} / d).")
    if _close(value, per_feature, rtol):
        return Feedback(False, f"{value:.6g} is the variance of one feature; the average of d = {d} independent "
                               "features has 1/d of it.")
    without = float(np.einsum("i,j,ij->", w, w, 1 - k**2)) / d
    if _close(value, without, rtol):
        return Feedback(False, f"{value:.6g} misses the term k(2(x - y))/2: the phase b adds cos(w(x + y) + 2b), "
                               "whose square averages to 1/2.")
    if _close(value, math.sqrt(exact), rtol):
        return Feedback(False, f"{value:.6g} is the root of the expected squared error, not the expected squared "
                               "error itself.")
    side = "above" if value > exact else "below"
    return Feedback(False, f"Your value {value:.6g} is {side} E||k - <z, z>||^2 = {exact:.6g} at d = {d}: square "
                           "one feature's product, average over b, then over w, then integrate.")


def check_truncation_error(
    answer: float | None, expansion: MercerExpansion, d: int, *, rtol: float = 1e-6
) -> Feedback:
    r"""Check the :math:`L^2(\mu\otimes\mu)` error :math:`\tau_d = (\sum_{k > d}\lambda_k^2)^{1/2}` of a truncation.

    Examples
    --------
    >>> from relnb.mercer import brownian_expansion
    >>> check_truncation_error(brownian_expansion(8).tail_l2(4), brownian_expansion(8), 4).passed
    True
    >>> check_truncation_error(brownian_expansion(8).tail_sum(4), brownian_expansion(8), 4).message[:30]
    'Your value 0.0252 is sum_{k>4}'
    """
    if answer is None:
        return _not_answered("truncation error")
    value = _number(answer, "truncation error")
    if isinstance(value, Feedback):
        return value
    exact = expansion.tail_l2(d)
    if _close(value, exact, rtol):
        return Feedback(True, f"tau_{d} = {exact:.6g}: the L2 norm of k - k_{d} is (sum_{{k>{d}}} lambda_k^2)^(1/2).")
    if _close(value, exact**2, rtol):
        return Feedback(False, f"Your value {value:.4g} is tau_{d}^2 = sum_{{k>{d}}} lambda_k^2: take the square "
                               "root.")
    if _close(value, expansion.tail_sum(d), rtol):
        return Feedback(False, f"Your value {value:.4g} is sum_{{k>{d}}} lambda_k, the integral of the remainder on "
                               "the diagonal, not its L2 norm: the products e_k(x) e_k(y) are orthonormal in "
                               "L2(mu x mu), so the squares of the eigenvalues add up.")
    if d < expansion.spectrum.shape[0] and _close(value, float(expansion.spectrum[d]), rtol):
        return Feedback(False, f"Your value {value:.4g} is lambda_{d + 1}, the operator norm of the remainder; "
                               "the L2 norm counts every remaining eigenvalue.")
    for shift in (-1, 1):
        if 0 <= d + shift <= expansion.spectrum.shape[0] and _close(value, expansion.tail_l2(d + shift), rtol):
            return Feedback(False, f"Your value {value:.6g} is tau_{d + shift}: check where the tail starts "
                                   f"(the first {d} terms are kept).")
    side = "above" if value > exact else "below"
    return Feedback(False, f"Your value {value:.6g} is {side} tau_{d} = {exact:.6g}.")


# --- Chapter C: asymmetric relations and RKBS --------------------------------------------------


def _feature_matrix(f: Callable[[np.ndarray], ArrayLike], points: NDArray[np.float64], name: str
                    ) -> NDArray[np.float64] | Feedback:
    try:
        result = f(points)
        if result is None:
            return Feedback(False, f"{name} returns None: fill in its body and run the check again.")
        values = np.asarray(result, dtype=float)
    except Exception as error:  # a student's function may fail in any way; report it in words
        return Feedback(False, f"Calling {name} on an array of {points.size} points failed: "
                               f"{type(error).__name__}: {error}")
    if values.ndim == 1 and values.shape[0] == points.size:
        values = values[:, None]
    if values.ndim != 2 or values.shape[0] != points.size:
        return Feedback(False, f"{name}(x) for an array of {points.size} points should have shape "
                               f"({points.size}, d); got {values.shape}. Use np.stack([...], axis=1).")
    if not np.all(np.isfinite(values)):
        return Feedback(False, f"{name} returns non-finite values (NaN or inf).")
    return values


def _feature_pair(
    phi: Callable[[np.ndarray], ArrayLike], psi: Callable[[np.ndarray], ArrayLike],
    x: NDArray[np.float64], y: NDArray[np.float64], max_features: int | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | Feedback:
    """phi(x) and psi(y) as feature matrices of the same width d <= max_features, or what is wrong with them."""
    fx, fy = _feature_matrix(phi, x, "phi"), _feature_matrix(psi, y, "psi")
    for f in (fx, fy):
        if isinstance(f, Feedback):
            return f
    assert isinstance(fx, np.ndarray) and isinstance(fy, np.ndarray)
    if fx.shape[1] != fy.shape[1]:
        return Feedback(False, f"phi has {fx.shape[1]} features but psi has {fy.shape[1]}: an inner product "
                               "needs the same d.")
    if max_features is not None and fx.shape[1] > max_features:
        return Feedback(False, f"You used d = {fx.shape[1]} features; the exercise asks for at most {max_features}.")
    return fx, fy


def check_feature_maps(
    phi: Callable[[np.ndarray], ArrayLike] | None, psi: Callable[[np.ndarray], ArrayLike] | None,
    relation: Callable[[np.ndarray, np.ndarray], np.ndarray], *, max_features: int | None = None,
    low: float = 0.0, high: float = 1.0, grid: int = 41, atol: float = 1e-9,
) -> Feedback:
    r"""Check that :math:`\langle\phi(x), \psi(y)\rangle = r(x, y)` on a grid of the square.

    ``phi`` and ``psi`` map an array of ``n`` points to an ``(n, d)`` feature matrix.

    Examples
    --------
    >>> from relnb.relations import neg_squared_distance
    >>> phi = lambda x: np.stack([-x**2, 2 * x, np.ones_like(x)], axis=1)
    >>> psi = lambda y: np.stack([np.ones_like(y), y, -y**2], axis=1)
    >>> check_feature_maps(phi, psi, neg_squared_distance, max_features=3).passed
    True
    """
    if phi is None or psi is None:
        return _not_answered("feature maps phi and psi")
    x = np.linspace(low, high, grid)
    pair = _feature_pair(phi, psi, x, x, max_features)
    if isinstance(pair, Feedback):
        return pair
    fx, fy = pair
    target = np.asarray(relation(x, x), dtype=float)
    error = np.abs(fx @ fy.T - target)
    i, j = (int(k) for k in np.unravel_index(np.argmax(error), error.shape))
    if error[i, j] > atol:
        return Feedback(False, f"At x = {x[i]:.3g}, y = {x[j]:.3g} your features give <phi(x), psi(y)> = "
                               f"{float(fx[i] @ fy[j]):.6g} but r(x, y) = {target[i, j]:.6g}.")
    return Feedback(True, f"<phi(x), psi(y)> = r(x, y) on a {grid} x {grid} grid of [{low:g}, {high:g}]^2 "
                          f"(every value within {atol:g}), with d = {fx.shape[1]} features.")


def check_symmetric_floor(
    answer: float | None, relation: Callable[[np.ndarray, np.ndarray], np.ndarray],
    nodes: ArrayLike, weights: ArrayLike, *, rtol: float = 1e-6,
) -> Feedback:
    r"""Check the error :math:`\min_{s \text{ PSD}} \|r - s\|_{L^2(\mu\otimes\mu)}` of the best symmetric model.

    Computed on the quadrature rule as the weighted distance to the PSD cone
    (:func:`relnb.gram.distance_to_psd_cone`), which bounds every :math:`\langle\phi(x), \phi(y)\rangle`.

    Examples
    --------
    >>> from relnb import quadrature
    >>> from relnb.relations import soft_order
    >>> check_symmetric_floor(0.5, soft_order, *quadrature.uniform(100)).message[:33]
    'Your value 0.5 is the floor of th'
    """
    if answer is None:
        return _not_answered("symmetric floor")
    value = _number(answer, "symmetric floor")
    if isinstance(value, Feedback):
        return value
    w = as_float_array(weights, "weights", ndim=1)
    r = np.asarray(relation(nodes, nodes), dtype=float)
    exact = distance_to_psd_cone(r, weights=w).distance
    if _close(value, exact, rtol):
        return Feedback(True, f"The best symmetric model has error {exact:.6g} on this rule.")
    if _close(value, 0.5, rtol):
        return Feedback(False, "Your value 0.5 is the floor of the sharp order relation; a smooth relation is "
                               "close to 1/2 near the diagonal, so its antisymmetric part is smaller.")
    if _close(value, relation_norm(r, w), rtol):
        return Feedback(False, f"Your value {value:.6g} is ||r|| itself, the error of the model s = 0; a better "
                               "symmetric model exists (which constant is the symmetric part of r?).")
    if _close(value, exact**2, rtol):
        return Feedback(False, f"Your value {value:.6g} is the squared error: take the square root.")
    side = "above" if value > exact else "below"
    return Feedback(False, f"Your value {value:.6g} is {side} the best symmetric error {exact:.6g}: split r into its "
                           "symmetric and antisymmetric parts, which are orthogonal.")


def check_bernstein_schmidt(
    errors: Mapping[int, Sequence[float]] | None, relation: Callable[[np.ndarray, np.ndarray], np.ndarray],
    nodes: ArrayLike, weights: ArrayLike, *, degrees: Sequence[int] = (4, 8, 16), rtol: float = 1e-3,
) -> Feedback:
    r"""Check the :math:`L^2` errors of the Bernstein polynomial :math:`B_n r` and the Schmidt truncation.

    ``errors`` maps each degree :math:`n` to the pair ``(bernstein_error, schmidt_error)``, both on the product
    of the rule ``(nodes, weights)`` with itself.  ``rtol`` allows the student another quadrature rule of the same
    measure (a few digits).

    Examples
    --------
    >>> from relnb import quadrature
    >>> from relnb.relations import soft_order
    >>> check_bernstein_schmidt({4: (0.1, 0.01)}, soft_order, *quadrature.uniform(60), degrees=(4,)).passed
    False
    """
    if errors is None:
        return _not_answered("errors (a dict {n: (bernstein, schmidt)})")
    if not isinstance(errors, Mapping):
        return Feedback(False, "Give the errors as a dict {n: (bernstein_error, schmidt_error)}.")
    expansion = schmidt_decomposition(relation, nodes, weights, nodes, weights, rank=max(degrees) + 2)
    for n in degrees:
        if n not in errors:
            return Feedback(False, f"No entry for n = {n}.")
        try:
            bern, schm = (float(v) for v in errors[n])
        except (TypeError, ValueError):
            return Feedback(False, f"errors[{n}] should be a pair of numbers (bernstein, schmidt); got {errors[n]!r}.")
        true_bern = l2_distance(relation, bernstein_approximation(relation, n), nodes, weights, nodes, weights)
        true_schm = expansion.tail_l2(n + 1)
        if _close(bern, true_schm, rtol) and _close(schm, true_bern, rtol):
            return Feedback(False, f"For n = {n} your two errors look swapped.")
        if not _close(bern, true_bern, rtol):
            return Feedback(False, f"For n = {n} your Bernstein error {bern:.4g} differs from "
                                   f"||r - B_n r|| = {true_bern:.4g}.")
        if not _close(schm, true_schm, rtol):
            hint = (f"that is the rank-{n} truncation; B_n has rank n + 1 = {n + 1}, so compare at equal rank"
                    if _close(schm, expansion.tail_l2(n), rtol) else
                    f"the Schmidt error at rank {n + 1} is (sum_{{k>{n + 1}}} sigma_k^2)^(1/2)")
            return Feedback(False, f"For n = {n} your Schmidt error {schm:.4g} differs from {true_schm:.4g}: {hint}.")
    return Feedback(True, "Both errors match for n = " + ", ".join(str(n) for n in degrees) + "; the Schmidt "
                          "truncation is never worse (Eckart-Young).")


# --- Chapter D: preorders and Debreu's theorem --------------------------------------------------


def check_utility(utility: ArrayLike | None, preorder: Preorder, *, item: str = "item") -> Feedback:
    r"""Check that :math:`u_i \le u_j \iff i \preccurlyeq j` for every pair, naming the first pair that fails.

    Examples
    --------
    >>> p = Preorder.from_utility([0, 2, 1])
    >>> check_utility([0, 1, 2], p)
    Not yet. Your utility puts item 1 at or below item 2 (u = 1 <= 2), but item 1
    is strictly better than item 2.
    """
    if utility is None:
        return _not_answered("utility")
    if not preorder.is_complete():
        i, j = preorder._incomparable_pair() or (0, 0)
        return Feedback(False, f"{item.capitalize()}s {i} and {j} are incomparable: no utility represents an "
                               "incomplete preorder.")
    values = list(np.asarray(utility, dtype=object).reshape(-1))
    if len(values) != preorder.n:
        return Feedback(False, f"Your utility has {len(values)} values, but there are {preorder.n} {item}s.")
    pair = preorder.misrepresented_pair(values)
    if pair is None:
        return Feedback(True, f"Your utility represents the preorder on all {preorder.n ** 2} pairs.")
    i, j = pair  # R_ij differs from (u_i <= u_j)
    ui, uj = values[i], values[j]
    if preorder.relation[i, j]:
        verdict = (f"equally good as {item} {j}" if preorder.relation[j, i] else f"strictly worse than {item} {j}")
        return Feedback(False, f"Your utility puts {item} {i} strictly above {item} {j} (u = {ui} > {uj}), but "
                               f"{item} {i} is {verdict}.")
    return Feedback(False, f"Your utility puts {item} {i} at or below {item} {j} (u = {ui} <= {uj}), but {item} {i} "
                           f"is strictly better than {item} {j}.")


_FILM_UTILITY = (3, 2, 0, 2, 3, 1)  # the critic's ranking of ex-debreu-hand-utility (the answer; not printed)


def check_film_ranking(matrix: ArrayLike | None, utility: ArrayLike | None) -> Feedback:
    r"""Check the relation matrix and utility of the six films of the exercise "A utility by hand".

    ``matrix[i][j]`` is 1 when film ``i`` ≼ film ``j`` (film ``j`` is at least as good).

    Examples
    --------
    >>> check_film_ranking(np.ones((6, 6)), [0] * 6)
    Not yet. Entry (0, 1) of your matrix is 1, but film 0 is strictly better than
    film 1, so 0 ≼ 1 fails.
    """
    if matrix is None or utility is None:
        return _not_answered("matrix and utility")
    truth = Preorder.from_utility(list(_FILM_UTILITY))
    r = np.asarray(matrix)
    if r.shape != (6, 6):
        return Feedback(False, f"The matrix should be 6 x 6 (one row and one column per film); got shape {r.shape}.")
    if not np.isin(r, (0, 1)).all():
        return Feedback(False, "Every entry of the matrix should be 0 or 1 (or False/True).")
    wrong = np.argwhere(r.astype(bool) != truth.relation)
    if wrong.size:
        i, j = (int(k) for k in wrong[0])
        if truth.relation[i, j] and truth.relation[j, i]:
            why = f"films {i} and {j} are equally good, so {i} ≼ {j}"
        elif truth.relation[i, j]:
            why = f"film {j} is better than film {i}, so {i} ≼ {j}"
        else:
            why = f"film {i} is strictly better than film {j}, so {i} ≼ {j} fails"
        return Feedback(False, f"Entry ({i}, {j}) of your matrix is {int(r[i, j])}, but {why}.")
    answer = check_utility(utility, Preorder.from_matrix(r), item="film")
    if not answer:
        return Feedback(False, "Your matrix is right. " + answer.message)
    return Feedback(True, "Your matrix is the critic's preorder and your utility represents it.")


def check_first_float_tie(answer: int | None, utility: Sequence[Fraction | int]) -> Feedback:
    r"""Check the first index :math:`i` where an exact increasing utility gets ``float(u[i]) == float(u[i + 1])``.

    Parameters
    ----------
    answer : int or None
        The student's prediction of :math:`i`.
    utility : sequence of Fraction
        Exact values :math:`u_0 < u_1 < \dots` (a chain), e.g. ``Preorder.utility("dyadic")`` of a chain.

    Examples
    --------
    >>> u = [1 - Fraction(1, 2**i) for i in range(70)]
    >>> check_first_float_tie(54, u).passed
    True
    >>> check_first_float_tie(53, u).message[:45]
    'float64 still separates items 53 and 54: floa'
    """
    if answer is None:
        return _not_answered("prediction (an index i)")
    exact = [Fraction(v) for v in utility]
    if any(b <= a for a, b in itertools.pairwise(exact)):
        raise ValueError("utility must be strictly increasing (a chain)")
    floats = [float(v) for v in exact]
    ties = [i for i in range(len(floats) - 1) if floats[i] == floats[i + 1]]
    if not ties:
        return Feedback(False, f"float64 separates all {len(floats)} values: no tie to predict in this chain.")
    first = ties[0]
    try:
        i = int(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"Your prediction should be an index (an int); got {answer!r}.")

    def show(k: int) -> str:
        return f"float(u_{k}) = {floats[k]!r}" if k < len(floats) else f"u_{k} does not exist"

    if i == first:
        return Feedback(True, f"Items {i} and {i + 1} are the first to coincide in float64: {show(i)} = "
                              f"float(u_{i + 1}); exactly, u_{i + 1} - u_{i} = {exact[i + 1] - exact[i]}.")
    if 0 <= i < first:
        gap = 1.0 - floats[i] if floats[i] < 1 else floats[i + 1] - floats[i]
        return Feedback(False, f"float64 still separates items {i} and {i + 1}: {show(i)} < {show(i + 1)} "
                               f"(their float distance is 2^{math.log2(gap):.0f}). Where is the spacing of "
                               "float64 numbers larger than the exact gap?")
    if i > first:
        return Feedback(False, f"Items {first} and {first + 1} already coincide in float64, before {i}: both are "
                               f"{floats[first]!r}. Remember round-half-to-even.")
    return Feedback(False, f"Your index {i} is negative; items are numbered from 0.")


def check_nearest_key_features(
    phi: Callable[[np.ndarray], ArrayLike] | None, psi: Callable[[np.ndarray], ArrayLike] | None,
    target: Callable[[np.ndarray], np.ndarray], *, max_features: int | None = None,
    queries: int = 21, keys: int = 41, tol: float = 1e-9,
) -> Feedback:
    r"""Check that :math:`u(x, y) = \langle\phi(x), \psi(y)\rangle` represents "nearer to :math:`T(x)` is better".

    For every query :math:`x` on a grid of :math:`[0, 1]`, the key preorder is
    :math:`y \preccurlyeq_x y' \iff |y - T(x)| \ge |y' - T(x)|` on a grid of keys in :math:`[0, 1]`;
    :math:`u(x, \cdot)` must order the keys the same way.  Differences within ``tol`` count as ties
    on both sides (the grids make exact ties, which floating point does not keep exact).

    Examples
    --------
    >>> phi = lambda x: np.stack([np.ones_like(x), 2 * x**2, -x**4], axis=1)
    >>> psi = lambda y: np.stack([-y**2, y, np.ones_like(y)], axis=1)
    >>> check_nearest_key_features(phi, psi, lambda x: x**2, max_features=3).passed
    True
    """
    if phi is None or psi is None:
        return _not_answered("feature maps phi and psi")
    x, y = np.linspace(0, 1, queries), np.linspace(0, 1, keys)
    pair = _feature_pair(phi, psi, x, y, max_features)
    if isinstance(pair, Feedback):
        return pair
    fx, fy = pair
    u = fx @ fy.T
    t = np.asarray(target(x), dtype=float)
    for q in range(queries):
        distance = np.abs(y - t[q])
        closer = distance[:, None] < distance[None, :] - tol  # key a strictly nearer than key b
        tied = np.abs(distance[:, None] - distance[None, :]) <= tol
        above = u[q][:, None] > u[q][None, :] + tol
        level = np.abs(u[q][:, None] - u[q][None, :]) <= tol
        bad = (closer & ~above) | (tied & ~level)
        if bad.any():
            a, b = (int(k) for k in np.argwhere(bad)[0])
            if closer[a, b]:
                return Feedback(False, f"For the query x = {x[q]:.3g} (T(x) = {t[q]:.4g}) key y = {y[a]:.3g} is "
                                       f"nearer than key y = {y[b]:.3g}, but your utility does not rank it higher "
                                       f"(u = {u[q, a]:.6g} vs {u[q, b]:.6g}).")
            return Feedback(False, f"For the query x = {x[q]:.3g} (T(x) = {t[q]:.4g}) keys y = {y[a]:.3g} and "
                                   f"y = {y[b]:.3g} are equally near, but your utility separates them "
                                   f"(u = {u[q, a]:.6g} vs {u[q, b]:.6g}).")
    return Feedback(True, f"u(x, y) = <phi(x), psi(y)> represents the nearest-key preorder for all {queries} "
                          f"queries and {keys} keys, with d = {fx.shape[1]} features.")


# --- Chapter E: attention as retrieval ----------------------------------------------------------


def check_min_beta(answers: Mapping[int, float] | None, gap: float, eps: float, *, rtol: float = 1e-6) -> Feedback:
    r"""Check :math:`\beta_{\min}(n, g, \varepsilon) = \frac1g \log\frac{(n-1)(1-\varepsilon)}{\varepsilon}` per ``n``.

    Examples
    --------
    >>> check_min_beta({10: 100 * np.log(9 * 99)}, 0.01, 0.01).passed
    True
    >>> check_min_beta({10: 100 * np.log(10 * 99)}, 0.01, 0.01).message[:40]
    'For n = 10 your beta 689.8 uses n keys c'
    """
    if answers is None:
        return _not_answered("temperatures (a dict {n: beta})")
    if not isinstance(answers, Mapping) or not answers:
        return Feedback(False, "Give your temperatures as a dict {n: beta}.")
    for n, answer in answers.items():
        value = _number(answer, f"beta for n = {n}")
        if isinstance(value, Feedback):
            return value
        exact = float(min_beta(int(n), gap, eps))
        if _close(value, exact, rtol):
            continue
        odds = math.log((1 - eps) / eps)
        if _close(value, odds / gap, rtol):
            hint = "that is the value for two keys; the n - 1 competitors add up"
        elif _close(value, (math.log(n) + odds) / gap, rtol):
            hint = "uses n keys competing with the selected one; only the other n - 1 do"
        elif _close(value, math.log((n - 1) / eps) / gap, rtol):
            hint = "drops the factor 1 - eps: the weight is 1 / (1 + t), so t must be at most eps / (1 - eps)"
        else:
            hint = f"differs from beta_min = {exact:.4g}"
        return Feedback(False, f"For n = {n} your beta {value:.4g} {hint}.")
    return Feedback(True, "beta_min matches for n = " + ", ".join(str(n) for n in answers) + ".")


def check_smallest_gap(answer: float | None, utilities: ArrayLike, *, rtol: float = 1e-6) -> Feedback:
    r"""Check :math:`\eta = \min_{\text{instances}} (u_{(1)} - u_{(2)})`, the smallest gap between best and runner-up.

    ``utilities`` has one row per instance and one column per key.

    Examples
    --------
    >>> u = [[0.0, 1.0, 0.5], [0.2, 0.1, 0.0]]
    >>> check_smallest_gap(0.1, u).passed
    True
    >>> check_smallest_gap(0.3, u).message[:27]
    'Your value 0.3 is the mean '
    """
    if answer is None:
        return _not_answered("smallest gap")
    value = _number(answer, "smallest gap")
    if isinstance(value, Feedback):
        return value
    u = as_float_array(utilities, "utilities", ndim=2)
    if u.shape[1] < 2:
        raise ValueError(f"utilities need at least two keys per instance; got shape {u.shape}")
    top = np.sort(u, axis=1)
    gaps = top[:, -1] - top[:, -2]
    exact = float(gaps.min())
    if _close(value, exact, rtol):
        return Feedback(True, f"The smallest gap over the {u.shape[0]} instances is {exact:.6g} (instance "
                              f"{int(np.argmin(gaps))}).")
    if _close(value, float(gaps.mean()), rtol):
        return Feedback(False, f"Your value {value:.6g} is the mean gap; the theorem needs the smallest, {exact:.4g} "
                               "is far below it?")
    if _close(value, float((top[:, -1] - top[:, 0]).min()), rtol):
        return Feedback(False, f"Your value {value:.6g} compares the best key with the worst; the gap is between the "
                               "best and the runner-up.")
    if _close(value, float(gaps.max()), rtol):
        return Feedback(False, f"Your value {value:.6g} is the largest gap; the theorem needs the smallest.")
    side = "above" if value > exact else "below"
    return Feedback(False, f"Your value {value:.6g} is {side} the smallest gap {exact:.6g}.")


def check_temperature(beta: float | None, scores: ArrayLike, eps: float, *, rtol: float = 0.01) -> Feedback:
    r"""Check an inverse temperature :math:`\beta` for one score vector: enough weight on the top key, not more.

    Passes when :math:`\alpha_{i^*}(\beta) \ge 1 - \varepsilon` and
    :math:`\beta \le (1 + \mathrm{rtol})\,\beta_{\mathrm{req}}`.

    Examples
    --------
    >>> check_temperature(3.0, [0.0, -1.0, -1.0], 0.01).message[:34]
    'At beta = 3 the top key gets weigh'
    >>> check_temperature(np.log(198), [0.0, -1.0, -1.0], 0.01).passed
    True
    """
    if beta is None:
        return _not_answered("beta")
    value = _number(beta, "beta")
    if isinstance(value, Feedback):
        return value
    s = as_float_array(scores, "scores", ndim=1)
    top = int(np.argmax(s))
    needed = float(required_beta(s, top, eps))
    weight = float(softmax_weights(s, beta=max(value, 0.0))[top])
    if value < 0:
        return Feedback(False, "beta must be non-negative: a negative beta favours the worst key.")
    if weight < 1 - eps - 1e-12:
        return Feedback(False, f"At beta = {value:.4g} the top key gets weight {weight:.4f} < 1 - eps = {1 - eps:.4f}: "
                               "increase beta (colder softmax).")
    if value > needed * (1 + rtol):
        return Feedback(False, f"beta = {value:.4g} works (weight {weight:.4f}), but it is "
                               f"{100 * (value / needed - 1):.0f}% above the least beta that works: the weight "
                               "increases with beta, so solve weight(beta) = 1 - eps.")
    return Feedback(True, f"At beta = {value:.6g} the top key gets weight {weight:.6f} >= {1 - eps:g}, and no beta "
                          f"below {needed:.6g} does.")
