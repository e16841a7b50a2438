r"""Answer checks of Chapter B, *Mercer's theorem and symmetric relations*."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from relnb._validation import as_float_array
from relnb.checks._feedback import Feedback, answer_check, as_array, as_number, close
from relnb.gram import relation_norm
from relnb.mercer import MercerExpansion

__all__ = [
    "check_allocation",
    "check_mercer_sums",
    "check_rff_expected_error",
    "check_truncation_error",
]


@answer_check("two sums", "trace", "square_sum")
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
    t, q = as_number(trace, "sum of eigenvalues"), as_number(square_sum, "sum of squared eigenvalues")
    w = as_float_array(weights, "weights", ndim=1)
    gram = np.asarray(kernel(nodes), dtype=float)
    true_trace = float(w @ np.diagonal(gram))
    true_square = relation_norm(gram, w) ** 2
    if close(t, true_trace, rtol) and close(q, true_square, rtol):
        return Feedback(True, f"sum lambda_k = {t:.6g} = int k(x, x) dmu and sum lambda_k^2 = {q:.6g} = ||k||^2 "
                              f"(quadrature: {true_trace:.5g} and {true_square:.5g}).")
    if close(t, true_square, rtol) and close(q, true_trace, rtol):
        return Feedback(False, f"Your two sums look swapped: sum lambda_k is the trace {true_trace:.5g} and "
                               f"sum lambda_k^2 is ||k||^2 = {true_square:.5g}.")
    if not close(t, true_trace, rtol):
        return Feedback(False, f"Your sum of eigenvalues {t:.6g} differs from the trace int k(x, x) dmu = "
                               f"{true_trace:.5g}: set y = x in the Mercer series and integrate, using "
                               "||e_k|| = 1.")
    hint = ("that is sum lambda_k squared; the squares of the eigenvalues sum to less"
            if close(q, t * t, rtol) else
            "that is ||k||, not its square" if close(q, math.sqrt(true_square), rtol) else
            "Parseval in L2(mu x mu): the products e_k(x) e_k(y) are orthonormal")
    return Feedback(False, f"Your sum of squared eigenvalues {q:.6g} differs from ||k||^2 = {true_square:.5g}: "
                           f"{hint}.")


@answer_check("allocation", "allocation")
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
    a = as_float_array(constants, "constants", ndim=1)
    n = as_array(allocation, "allocation", ndim=1)
    if n.size != a.size:
        return Feedback(False, f"Your allocation has {n.size} entries, but there are {a.size} terms "
                               "(one n_i per eigenfunction).")
    if np.any(n <= 0):
        i = int(np.argmax(n <= 0))
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


@answer_check("expected squared error", "answer")
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
    value = as_number(answer, "expected squared error")
    d = int(d)
    x = as_float_array(nodes, "nodes").reshape(len(np.asarray(nodes)), -1)[:, 0]
    w = as_float_array(weights, "weights", ndim=1)
    delta = x[:, None] - x[None, :]
    k = profile(delta)
    per_feature = float(np.einsum("i,j,ij->", w, w, 1 + 0.5 * profile(2 * delta) - k**2))
    exact = per_feature / d
    if close(value, exact, rtol):
        return Feedback(True, f"E||k - <z, z>||^2 = {exact:.6g} at d = {d} ({per_feature:.6g} / d).")
    if close(value, per_feature, rtol):
        return Feedback(False, f"{value:.6g} is the variance of one feature; the average of d = {d} independent "
                               "features has 1/d of it.")
    without = float(np.einsum("i,j,ij->", w, w, 1 - k**2)) / d
    if close(value, without, rtol):
        return Feedback(False, f"{value:.6g} misses the term k(2(x - y))/2: the phase b adds cos(w(x + y) + 2b), "
                               "whose square averages to 1/2.")
    if close(value, math.sqrt(exact), rtol):
        return Feedback(False, f"{value:.6g} is the root of the expected squared error, not the expected squared "
                               "error itself.")
    side = "above" if value > exact else "below"
    return Feedback(False, f"Your value {value:.6g} is {side} E||k - <z, z>||^2 = {exact:.6g} at d = {d}: square "
                           "one feature's product, average over b, then over w, then integrate.")


@answer_check("truncation error", "answer")
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
    value = as_number(answer, "truncation error")
    exact = expansion.tail_l2(d)
    if close(value, exact, rtol):
        return Feedback(True, f"tau_{d} = {exact:.6g}: the L2 norm of k - k_{d} is (sum_{{k>{d}}} lambda_k^2)^(1/2).")
    if close(value, exact**2, rtol):
        return Feedback(False, f"Your value {value:.4g} is tau_{d}^2 = sum_{{k>{d}}} lambda_k^2: take the square "
                               "root.")
    if close(value, expansion.tail_sum(d), rtol):
        return Feedback(False, f"Your value {value:.4g} is sum_{{k>{d}}} lambda_k, the integral of the remainder on "
                               "the diagonal, not its L2 norm: the products e_k(x) e_k(y) are orthonormal in "
                               "L2(mu x mu), so the squares of the eigenvalues add up.")
    if d < expansion.spectrum.shape[0] and close(value, float(expansion.spectrum[d]), rtol):
        return Feedback(False, f"Your value {value:.4g} is lambda_{d + 1}, the operator norm of the remainder; "
                               "the L2 norm counts every remaining eigenvalue.")
    for shift in (-1, 1):
        if 0 <= d + shift <= expansion.spectrum.shape[0] and close(value, expansion.tail_l2(d + shift), rtol):
            return Feedback(False, f"Your value {value:.6g} is tau_{d + shift}: check where the tail starts "
                                   f"(the first {d} terms are kept).")
    side = "above" if value > exact else "below"
    return Feedback(False, f"Your value {value:.6g} is {side} tau_{d} = {exact:.6g}.")
