r"""Answer checks of Chapter D, *Preorders, utilities and Debreu's theorem*."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike

from relnb.checks._feedback import (
    ExerciseError,
    Feedback,
    Wrong,
    answer_check,
    as_array,
    as_index,
    as_reals,
    feature_pair,
)
from relnb.preorder import Preorder

__all__ = [
    "check_film_ranking",
    "check_first_float_tie",
    "check_nearest_key_features",
    "check_utility",
]


@answer_check("utility", "utility")
def check_utility(utility: ArrayLike | None, preorder: Preorder, *, item: str = "item") -> Feedback:
    r"""Check that :math:`u_i \le u_j \iff i \preccurlyeq j` for every pair, naming the first pair that fails.

    Examples
    --------
    >>> p = Preorder.from_utility([0, 2, 1])
    >>> check_utility([0, 1, 2], p)
    Not yet. Your utility puts item 1 at or below item 2 (u = 1 <= 2), but item 1
    is strictly better than item 2.
    """
    if not preorder.is_complete():
        i, j = preorder.incomparable_pair() or (0, 0)
        raise Wrong(f"{item.capitalize()}s {i} and {j} are incomparable: no utility represents an incomplete "
                    "preorder.")
    values = as_reals(utility, "utility")
    if len(values) != preorder.n:
        raise Wrong(f"Your utility has {len(values)} values, but there are {preorder.n} {item}s.")
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


@answer_check("matrix and utility", "matrix", "utility")
def check_film_ranking(
    matrix: ArrayLike | None, utility: ArrayLike | None, *, classes: Sequence[Sequence[int]] | None = None,
) -> Feedback:
    r"""Check the relation matrix and utility of a critic's ranking of films (the exercise "A utility by hand").

    ``matrix[i][j]`` is 1 when film ``i`` ≼ film ``j`` (film ``j`` is at least as good).  ``classes`` is the
    ranking, as classes of equally good films from the worst to the best (films :math:`0, \dots, n - 1`); by
    default the six films of the exercise.  With ``instance=(classes,)`` the answers are functions of the
    classes.

    Examples
    --------
    >>> check_film_ranking(np.ones((6, 6)), [0] * 6)
    Not yet. Entry (0, 1) of your matrix is 1, but film 0 is strictly better than
    film 1, so 0 ≼ 1 fails.
    >>> check_film_ranking([[1, 1], [0, 1]], [0, 1], classes=[[0], [1]]).passed
    True
    """
    if classes is None:
        truth = Preorder.from_utility(list(_FILM_UTILITY))
    else:
        films = [f for c in classes for f in c]
        if not films or sorted(films) != list(range(len(films))) or any(not c for c in classes):
            raise ExerciseError(f"classes must split the films 0, ..., n - 1 into non-empty classes; got {classes!r}")
        rank = {f: k for k, c in enumerate(classes) for f in c}
        truth = Preorder.from_utility([rank[f] for f in range(len(films))])
    n = truth.relation.shape[0]
    r = as_array(matrix, "matrix", ndim=2)
    if r.shape != (n, n):
        return Feedback(False, f"The matrix should be {n} x {n} (one row and one column per film); got shape "
                               f"{r.shape}.")
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


@answer_check("prediction (an index i)", "answer")
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
    exact = [Fraction(v) for v in utility]
    if any(b <= a for a, b in itertools.pairwise(exact)):
        raise ExerciseError("utility must be strictly increasing (a chain)")
    floats = [float(v) for v in exact]
    ties = [i for i in range(len(floats) - 1) if floats[i] == floats[i + 1]]
    if not ties:
        return Feedback(False, f"float64 separates all {len(floats)} values: no tie to predict in this chain.")
    first = ties[0]
    i = as_index(answer, "prediction (an index)")

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


@answer_check("feature maps phi and psi", "phi", "psi")
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
    x, y = np.linspace(0, 1, queries), np.linspace(0, 1, keys)
    fx, fy = feature_pair(phi, psi, x, y, max_features)
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
