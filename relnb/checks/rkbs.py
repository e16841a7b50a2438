r"""Answer checks of Chapter C, *Asymmetric relations and reproducing kernel Banach spaces*."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from relnb._validation import as_float_array
from relnb.checks._feedback import (
    ExerciseError,
    Feedback,
    Wrong,
    answer_check,
    as_mapping,
    as_number,
    close,
    feature_pair,
    worst_entry,
)
from relnb.gram import distance_to_psd_cone, l2_distance, relation_norm
from relnb.schmidt import bernstein_approximation, schmidt_decomposition

__all__ = [
    "check_bernstein_schmidt",
    "check_feature_maps",
    "check_symmetric_floor",
]


@answer_check("feature maps phi and psi", "phi", "psi")
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
    x = np.linspace(low, high, grid)
    fx, fy = feature_pair(phi, psi, x, x, max_features)
    target = np.asarray(relation(x, x), dtype=float)
    i, j, error = worst_entry(fx @ fy.T, target)
    if error > atol:
        return Feedback(False, f"At x = {x[i]:.3g}, y = {x[j]:.3g} your features give <phi(x), psi(y)> = "
                               f"{float(fx[i] @ fy[j]):.6g} but r(x, y) = {target[i, j]:.6g}.")
    return Feedback(True, f"<phi(x), psi(y)> = r(x, y) on a {grid} x {grid} grid of [{low:g}, {high:g}]^2 "
                          f"(every value within {atol:g}), with d = {fx.shape[1]} features.")


@answer_check("symmetric floor", "answer")
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
    value = as_number(answer, "symmetric floor")
    w = as_float_array(weights, "weights", ndim=1)
    r = np.asarray(relation(nodes, nodes), dtype=float)
    exact = distance_to_psd_cone(r, weights=w).distance
    if close(value, exact, rtol):
        return Feedback(True, f"The best symmetric model has error {exact:.6g} on this rule.")
    if close(value, 0.5, rtol):
        return Feedback(False, "Your value 0.5 is the floor of the sharp order relation; a smooth relation is "
                               "close to 1/2 near the diagonal, so its antisymmetric part is smaller.")
    if close(value, relation_norm(r, w), rtol):
        return Feedback(False, f"Your value {value:.6g} is ||r|| itself, the error of the model s = 0; a better "
                               "symmetric model exists (which constant is the symmetric part of r?).")
    if close(value, exact**2, rtol):
        return Feedback(False, f"Your value {value:.6g} is the squared error: take the square root.")
    side = "above" if value > exact else "below"
    return Feedback(False, f"Your value {value:.6g} is {side} the best symmetric error {exact:.6g}: split r into its "
                           "symmetric and antisymmetric parts, which are orthogonal.")


@answer_check("errors (a dict {n: (bernstein, schmidt)})", "errors")
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
    try:  # the exercise's side: a relation of too low a numerical rank on the rule is no fault of the answer
        expansion = schmidt_decomposition(relation, nodes, weights, nodes, weights, rank=max(degrees) + 2)
    except ValueError as error:
        raise ExerciseError(f"the reference Schmidt expansion cannot be computed: {error}") from error
    errors = as_mapping(errors, "a dict {n: (bernstein_error, schmidt_error)} of the errors")
    for n in degrees:
        if n not in errors:
            raise Wrong(f"No entry for n = {n}.")
        pair = errors[n]
        if isinstance(pair, str | bytes | Mapping) or not isinstance(pair, Sequence | np.ndarray) or len(pair) != 2:
            raise Wrong(f"errors[{n}] should be a pair of numbers (bernstein, schmidt); got {pair!r}.")
        bern, schm = (as_number(v, f"errors[{n}] entry") for v in pair)
        true_bern = l2_distance(relation, bernstein_approximation(relation, n), nodes, weights, nodes, weights)
        true_schm = expansion.tail_l2(n + 1)
        if close(bern, true_schm, rtol) and close(schm, true_bern, rtol):
            return Feedback(False, f"For n = {n} your two errors look swapped.")
        if not close(bern, true_bern, rtol):
            return Feedback(False, f"For n = {n} your Bernstein error {bern:.4g} differs from "
                                   f"||r - B_n r|| = {true_bern:.4g}.")
        if not close(schm, true_schm, rtol):
            hint = (f"that is the rank-{n} truncation; B_n has rank n + 1 = {n + 1}, so compare at equal rank"
                    if close(schm, expansion.tail_l2(n), rtol) else
                    f"the Schmidt error at rank {n + 1} is (sum_{{k>{n + 1}}} sigma_k^2)^(1/2)")
            return Feedback(False, f"For n = {n} your Schmidt error {schm:.4g} differs from {true_schm:.4g}: {hint}.")
    return Feedback(True, "Both errors match for n = " + ", ".join(str(n) for n in degrees) + "; the Schmidt "
                          "truncation is never worse (Eckart-Young).")
