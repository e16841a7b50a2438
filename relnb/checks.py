r"""Checks for the exercises: say in words what is right or wrong in a student's answer.

Every check returns a :class:`Feedback` whose ``message`` explains the verdict ("your distance is
below the true minimum 0.866, which is impossible: ..."), never a bare ``False``. In a notebook the
feedback prints itself; a solution cell ends with ``assert feedback.passed``.

The checks are grouped by chapter. They compare an answer with what :mod:`relnb` computes, and name
the first thing that is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from relnb._validation import as_float_array
from relnb.gram import distance_to_psd_cone

__all__ = ["Feedback", "check_factorization", "check_floor_formula", "check_psd_distance"]


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer: ``passed`` and a message in words."""

    passed: bool
    message: str

    def __repr__(self) -> str:
        return ("Correct. " if self.passed else "Not yet. ") + self.message

    def __bool__(self) -> bool:
        return self.passed


def _not_answered(name: str) -> Feedback:
    return Feedback(False, f"No answer yet: assign your {name} and run the check again.")


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
    Correct. Your distance 0.866 matches 0.866025 (symmetric part 0.5, antisymmetric part 0.707107).
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
    Correct. <phi(x_i), psi(y_j)> reproduces the 2 x 2 matrix with d = 1 features (every entry within 1e-08).
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
