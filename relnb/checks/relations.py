r"""Answer checks of Chapter A, *Relation functions and inner products*."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from relnb._validation import as_float_array
from relnb.checks._feedback import Feedback, answer_check, as_array, as_number, call_answer, worst_entry
from relnb.gram import distance_to_psd_cone

__all__ = [
    "check_factorization",
    "check_floor_formula",
    "check_psd_distance",
]


@answer_check("distance", "answer")
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
    value = as_number(answer, "distance")
    exact = distance_to_psd_cone(matrix, weights=weights, rank=rank)
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


@answer_check("feature matrices", "features_x", "features_y")
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
    r = as_float_array(matrix, "matrix", ndim=2)
    fx = as_array(features_x, "features_x", ndim=2)
    fy = as_array(features_y, "features_y", ndim=2)
    if fx.shape[0] != r.shape[0] or fy.shape[0] != r.shape[1]:
        return Feedback(False, f"Shapes do not fit: phi gives {fx.shape[0]} rows and psi {fy.shape[0]}, "
                               f"but the matrix is {r.shape[0]} x {r.shape[1]} (one row per point).")
    if fx.shape[1] != fy.shape[1]:
        return Feedback(False, f"phi has {fx.shape[1]} features but psi has {fy.shape[1]}: "
                               "an inner product needs the same d.")
    i, j, error = worst_entry(fx @ fy.T, r)
    if error > atol:
        return Feedback(False, f"Entry ({i}, {j}): <phi(x_{i}), psi(y_{j})> = {float(fx[i] @ fy[j]):.6g} "
                               f"but the matrix has {r[i, j]:.6g}.")
    return Feedback(True, f"<phi(x_i), psi(y_j)> reproduces the {r.shape[0]} x {r.shape[1]} matrix with "
                          f"d = {fx.shape[1]} features (every entry within {atol:g}).")


@answer_check("formula (a function of n)", "formula")
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
    for n in sizes:
        points = np.linspace(0, 1, n)
        exact = distance_to_psd_cone(relation(points), weights=np.full(n, 1 / n)).distance
        value = as_number(call_answer(formula, "your formula", n), f"formula's value at n = {n}")
        if not np.isclose(value, exact, rtol=rtol):
            return Feedback(False, f"For n = {n} your formula gives {value:.8g}, the exact floor is {exact:.8g}.")
    return Feedback(True, f"Your formula matches the exact floor for n in {list(sizes)}.")
