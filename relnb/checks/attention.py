r"""Answer checks of Chapter E, *Attention as retrieval*."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from relnb._validation import as_float_array
from relnb.attention import min_beta, required_beta, softmax_weights
from relnb.checks._feedback import ExerciseError, Feedback, Wrong, answer_check, as_index, as_mapping, as_number, close

__all__ = [
    "check_min_beta",
    "check_smallest_gap",
    "check_temperature",
]


@answer_check("temperatures (a dict {n: beta})", "answers")
def check_min_beta(
    answers: Mapping[int, float] | None, gap: float, eps: float, *, sizes: Sequence[int] | None = None,
    rtol: float = 1e-6,
) -> Feedback:
    r"""Check :math:`\beta_{\min}(n, g, \varepsilon) = \frac1g \log\frac{(n-1)(1-\varepsilon)}{\varepsilon}` per ``n``.

    Examples
    --------
    >>> check_min_beta({10: 100 * np.log(9 * 99)}, 0.01, 0.01).passed
    True
    >>> check_min_beta({10: 100 * np.log(10 * 99)}, 0.01, 0.01).message[:40]
    'For n = 10 your beta 689.8 uses n keys c'
    >>> check_min_beta({10: 100 * np.log(9 * 99)}, 0.01, 0.01, sizes=(10, 20)).message[:36]
    'Give beta_min for n = 10, 20 exactly'
    """
    answers = as_mapping(answers, "a dict {n: beta} of your temperatures")
    if sizes is not None:  # the exercise's numbers of keys, all of them and no others
        wanted, given = sorted(int(n) for n in sizes), sorted(answers, key=repr)
        if len(answers) != len(wanted) or any(n not in answers for n in wanted):
            raise Wrong(f"Give beta_min for n = {', '.join(map(str, wanted))} exactly; your dict has the keys "
                        f"{given!r:.80}.")
    for key, answer in answers.items():
        n = as_index(key, f"number of keys {key!r}")
        if n < 2:
            raise Wrong(f"n = {key!r} keys: the bound needs at least two keys (n >= 2).")
        value = as_number(answer, f"beta for n = {n}")
        exact = float(min_beta(n, gap, eps))
        if close(value, exact, rtol):
            continue
        odds = math.log((1 - eps) / eps)
        if close(value, odds / gap, rtol):
            hint = "that is the value for two keys; the n - 1 competitors add up"
        elif close(value, (math.log(n) + odds) / gap, rtol):
            hint = "uses n keys competing with the selected one; only the other n - 1 do"
        elif close(value, math.log((n - 1) / eps) / gap, rtol):
            hint = "drops the factor 1 - eps: the weight is 1 / (1 + t), so t must be at most eps / (1 - eps)"
        else:
            hint = f"differs from beta_min = {exact:.4g}"
        return Feedback(False, f"For n = {n} your beta {value:.4g} {hint}.")
    return Feedback(True, "beta_min matches for n = " + ", ".join(str(n) for n in answers) + ".")


@answer_check("smallest gap", "answer")
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
    value = as_number(answer, "smallest gap")
    u = as_float_array(utilities, "utilities", ndim=2)
    if u.shape[1] < 2:
        raise ExerciseError(f"utilities need at least two keys per instance; got shape {u.shape}")
    top = np.sort(u, axis=1)
    gaps = top[:, -1] - top[:, -2]
    exact = float(gaps.min())
    if close(value, exact, rtol):
        return Feedback(True, f"The smallest gap over the {u.shape[0]} instances is {exact:.6g} (instance "
                              f"{int(np.argmin(gaps))}).")
    if close(value, float(gaps.mean()), rtol):
        return Feedback(False, f"Your value {value:.6g} is the mean gap; the theorem needs the smallest, {exact:.4g} "
                               "is far below it?")
    if close(value, float((top[:, -1] - top[:, 0]).min()), rtol):
        return Feedback(False, f"Your value {value:.6g} compares the best key with the worst; the gap is between the "
                               "best and the runner-up.")
    if close(value, float(gaps.max()), rtol):
        return Feedback(False, f"Your value {value:.6g} is the largest gap; the theorem needs the smallest.")
    side = "above" if value > exact else "below"
    return Feedback(False, f"Your value {value:.6g} is {side} the smallest gap {exact:.6g}.")


@answer_check("beta", "beta")
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
    value = as_number(beta, "beta")
    s = as_float_array(scores, "scores", ndim=1)
    top = int(np.argmax(s))
    needed = float(required_beta(s, top, eps))
    weight = float(softmax_weights(s, beta=max(value, 0.0))[top])
    if value < 0:
        return Feedback(False, "beta must be non-negative: a negative beta favours the worst key.")
    if weight < 1 - eps - 1e-12:
        return Feedback(False, f"At beta = {value:.4g} the top key gets weight {weight:.4f} < 1 - eps = {1 - eps:.4f}: "
                               "increase beta (colder softmax).")
    if needed == 0 and value > 0:  # beta = 0 already puts 1 - eps on the top key: no percentage of 0
        return Feedback(False, f"beta = {value:.4g} works (weight {weight:.4f}), but so does beta = 0: the uniform "
                               f"weight 1/n already reaches 1 - eps = {1 - eps:g}.")
    if value > needed * (1 + rtol):
        return Feedback(False, f"beta = {value:.4g} works (weight {weight:.4f}), but it is "
                               f"{100 * (value / needed - 1):.0f}% above the least beta that works: the weight "
                               "increases with beta, so solve weight(beta) = 1 - eps.")
    return Feedback(True, f"At beta = {value:.6g} the top key gets weight {weight:.6f} >= {1 - eps:g}, and no beta "
                          f"below {needed:.6g} does.")
