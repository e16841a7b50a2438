r"""Softmax attention as retrieval: the exact selection bound, retrieval tasks, a learned query/key model.

A query :math:`x` attends to keys :math:`y_1, \dots, y_n` with values :math:`v_1, \dots, v_n` through

.. math::

    \alpha_i(x) = \frac{\exp\big(\beta \langle \phi_q(x), \phi_k(y_i) \rangle\big)}
                       {\sum_{j=1}^n \exp\big(\beta \langle \phi_q(x), \phi_k(y_j) \rangle\big)},
    \qquad
    \operatorname{Attn}(x) = \sum_{i=1}^n \alpha_i(x)\, v_i ,

where :math:`\phi_q, \phi_k` map queries and keys into :math:`\mathbb R^d` and :math:`\beta \ge 0` is the
inverse temperature.  When the score of a selected key :math:`i^*` beats every other score by at least
:math:`g > 0`, the weight that misses it obeys the exact worst-case bound

.. math::

    1 - \alpha_{i^*} \;\le\; \frac{(n-1) e^{-\beta g}}{1 + (n-1) e^{-\beta g}},

with equality exactly when every other score sits :math:`g` below (:func:`selection_error_bound`,
:func:`min_beta`).  Retrieval tasks (:class:`RetrievalTask`) describe a query-dependent preference over keys
by a utility :math:`u(x, y)` and sample (query, key set) pairs whose best
key wins by a controlled gap; :class:`QueryKeyAttention` is the learned
model, trained on :math:`u` with :func:`relnb.inner_product.fit_relation`.
:func:`certify_sup_error` bounds the supremum of :math:`|s - u|` over the
whole square, from a grid and bounds on second derivatives.

numpy everywhere except :class:`QueryKeyAttention` (torch, since it is trained); see the chapter
"Attention approximates preorder retrieval".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.special import expit, logsumexp

from relnb._validation import as_float_array, as_points, check_finite, check_int, check_positive, check_real
from relnb.inner_product import MLP, AsymmetricInnerProduct
from relnb.quadrature import uniform

if TYPE_CHECKING:  # pragma: no cover
    from relnb.preorder import Preorder

__all__ = [
    "ACTIVATION_DERIVATIVE_BOUNDS",
    "AttentionResult",
    "QueryKeyAttention",
    "RetrievalBatch",
    "RetrievalReport",
    "RetrievalTask",
    "SupErrorCertificate",
    "attention_scores",
    "certify_sup_error",
    "grid_sup_bound",
    "instance_scores",
    "lift_key",
    "lift_query",
    "min_beta",
    "mlp_derivative_bounds",
    "moving_bump_task",
    "moving_target",
    "moving_target_task",
    "nearest_key_task",
    "plot_attention_2d",
    "plot_retrieval_instance",
    "plot_selection_error",
    "required_beta",
    "retrieval_report",
    "selection_error",
    "selection_error_bound",
    "softmax_attention",
    "softmax_weights",
    "switching_target_task",
    "worst_case_scores",
]

FeatureMap = Callable[[NDArray[np.float64]], ArrayLike]
Utility = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


# ---------------------------------------------------------------------------------------------------------
# private checks
# ---------------------------------------------------------------------------------------------------------


def _check_probability(value: float, name: str) -> float:
    """A real number strictly between 0 and 1."""
    p = check_real(value, name)
    if not 0.0 < p < 1.0:
        raise ValueError(f"{name} must satisfy 0 < {name} < 1; got {p}")
    return p


def _positive_values(value: ArrayLike, name: str, *, strict: bool) -> NDArray[np.float64]:
    """A finite float64 array (any shape, scalars allowed) with every entry > 0 (or >= 0)."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a real number or an array of them; got {value!r}")
    array = as_float_array(value, name)
    bad = array <= 0 if strict else array < 0
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        rule = "> 0" if strict else ">= 0"
        where = f" at index {index}" if array.ndim else ""
        raise ValueError(f"{name} must be {rule}; got {array[index]}{where}")
    return array


def _scalar_or_array(array: NDArray[np.float64]) -> float | NDArray[np.float64]:
    return float(array) if array.ndim == 0 else array


def _features(phi: FeatureMap | MLP | None, points: NDArray[np.float64], name: str) -> NDArray[np.float64]:
    """Evaluate a feature map on ``(N, m)`` points and check it returns an ``(N, d)`` finite array."""
    if phi is None:
        return points
    if isinstance(phi, MLP):
        out = phi.features(points)
    elif callable(phi):
        out = phi(points)
    else:
        raise ValueError(f"{name} must be None, a callable (N, m) -> (N, d) or an MLP; got {type(phi).__name__}")
    out = as_float_array(out, f"{name}(points)")
    if out.ndim == 1 and points.shape[0] != 1:
        out = out[:, None]
    if out.ndim != 2 or out.shape[0] != points.shape[0]:
        raise ValueError(
            f"{name} must map points of shape (N, m) to features of shape (N, d); "
            f"got {out.shape} for points of shape {points.shape}"
        )
    return out


def _selected_indices(selected: ArrayLike, rows: int, n: int) -> NDArray[np.int64]:
    """Indices ``selected`` as an int array of shape ``(rows,)`` with entries in ``[0, n)``."""
    array = np.asarray(selected)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"selected must be integer indices; got dtype {array.dtype}")
    array = np.broadcast_to(array, (rows,)) if array.ndim == 0 else array
    if array.shape != (rows,):
        raise ValueError(f"selected must have one index per row of scores ({rows}); got shape {array.shape}")
    bad = (array < 0) | (array >= n)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"selected must be in [0, {n}) (a key index); got {int(array[i])} at row {i}")
    return array.astype(np.int64)


def _score_rows(scores: ArrayLike) -> tuple[NDArray[np.float64], bool]:
    """Scores as ``(b, n)`` with n >= 2; the flag says whether the input was one row."""
    s = as_float_array(scores, "scores")
    single = s.ndim == 1
    if single:
        s = s[None, :]
    if s.ndim != 2:
        raise ValueError(f"scores must have shape (n,) or (b, n); got shape {s.shape}")
    if s.shape[1] < 2:
        raise ValueError(f"scores must compare at least 2 keys; got shape {s.shape}")
    return s, single


# ---------------------------------------------------------------------------------------------------------
# softmax attention
# ---------------------------------------------------------------------------------------------------------


class AttentionResult(NamedTuple):
    r"""What :func:`softmax_attention` returns (a named tuple: ``weights, retrieved = result`` works).

    Attributes
    ----------
    weights : numpy.ndarray, shape (q, n)
        :math:`\alpha_i(x)` for every query (rows sum to 1).
    retrieved : numpy.ndarray, shape (q,) or (q, d_v)
        :math:`\sum_i \alpha_i(x) v_i`.
    """

    weights: NDArray[np.float64]
    retrieved: NDArray[np.float64]


def softmax_weights(scores: ArrayLike, *, beta: float = 1.0) -> NDArray[np.float64]:
    r"""Softmax of ``beta * scores`` along the last axis, stable for any finite ``beta * scores``.

    .. math::

        \alpha_i = \frac{e^{\beta s_i - \beta s_{\max}}}{\sum_j e^{\beta s_j - \beta s_{\max}}},

    where :math:`s_{\max} = \max_j s_j` is subtracted first, so no exponential exceeds 1 and none overflows
    (entries far below the maximum underflow to an exact 0, which is their correct value to double precision).

    Parameters
    ----------
    scores : array_like, shape (..., n)
        Finite scores :math:`s_i`, with :math:`n \ge 1`.
    beta : float
        Inverse temperature :math:`\beta \ge 0`.

    Returns
    -------
    numpy.ndarray, shape (..., n)

    Examples
    --------
    >>> softmax_weights([0.0, -1.0], beta=1e4)  # no overflow; the loser's weight underflows to 0
    array([1., 0.])
    >>> softmax_weights([[1.0, 1.0]], beta=0.0)
    array([[0.5, 0.5]])
    """
    s = as_float_array(scores, "scores")
    if s.ndim == 0 or s.shape[-1] == 0:
        raise ValueError(f"scores must have shape (..., n) with n >= 1; got shape {s.shape}")
    b = check_positive(beta, "beta", strict=False)
    with np.errstate(over="ignore", invalid="ignore"):
        z = b * s
    if not np.isfinite(z).all():
        raise ValueError(
            f"beta * scores must be finite in float64; got beta={b:g} and largest |score| {np.abs(s).max():g}"
        )
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def attention_scores(
    queries: ArrayLike,
    keys: ArrayLike,
    *,
    phi_q: FeatureMap | MLP | None = None,
    phi_k: FeatureMap | MLP | None = None,
) -> NDArray[np.float64]:
    r"""Attention scores :math:`s(x, y_i) = \langle \phi_q(x), \phi_k(y_i) \rangle` of queries against keys.

    Parameters
    ----------
    queries : array_like, shape (q, m_q) or (q,)
    keys : array_like, shape (n, m_k), (n,) or (q, n, m_k)
        Keys shared by every query, or one key set per query.
    phi_q, phi_k : callable or MLP, optional
        Feature maps ``(N, m) -> (N, d)``; the identity when ``None`` (then :math:`m_q = m_k`).

    Returns
    -------
    numpy.ndarray, shape (q, n)

    Examples
    --------
    >>> attention_scores([[1.0, 0.0]], [[[1.0, 1.0], [0.0, 3.0]]])
    array([[1., 0.]])
    """
    q = as_points(queries, "queries")
    k_raw = as_float_array(keys, "keys")
    per_query = k_raw.ndim == 3
    if per_query:
        if k_raw.shape[0] != q.shape[0] or 0 in k_raw.shape[1:]:
            raise ValueError(
                f"keys of shape (q, n, m_k) must have one key set per query (q = {q.shape[0]}) and n, m_k >= 1; "
                f"got shape {k_raw.shape}"
            )
        k = k_raw.reshape(-1, k_raw.shape[2])
    else:
        k = as_points(k_raw, "keys")
    n = k_raw.shape[1] if per_query else k.shape[0]
    fq = _features(phi_q, q, "phi_q")
    fk = _features(phi_k, k, "phi_k")
    if fq.shape[1] != fk.shape[1]:
        raise ValueError(
            f"query and key features must have the same dimension d; got {fq.shape[1]} and {fk.shape[1]} "
            "(without phi_q, phi_k the queries and keys themselves must have the same dimension)"
        )
    if per_query:
        return np.einsum("qd,qnd->qn", fq, fk.reshape(q.shape[0], n, -1))
    return fq @ fk.T


def softmax_attention(
    queries: ArrayLike,
    keys: ArrayLike,
    values: ArrayLike,
    *,
    beta: float = 1.0,
    phi_q: FeatureMap | MLP | None = None,
    phi_k: FeatureMap | MLP | None = None,
) -> AttentionResult:
    r"""Softmax attention of queries over keys, and the values it retrieves.

    .. math::

        \alpha_i(x) = \operatorname{softmax}_i\big(\beta \langle \phi_q(x), \phi_k(y_i) \rangle\big),
        \qquad \operatorname{Attn}(x) = \sum_{i=1}^n \alpha_i(x)\, v_i ,

    where :math:`x` is a query, :math:`y_1, \dots, y_n` its keys with values :math:`v_1, \dots, v_n`,
    :math:`\phi_q, \phi_k` the query and key feature maps (the identity when ``None``, which needs
    :math:`m_q = m_k`) and :math:`\beta` the inverse temperature.  Computed with
    :func:`softmax_weights`, so it neither overflows nor returns NaN at large :math:`\beta`
    (e.g. :math:`10^4`).

    Parameters
    ----------
    queries : array_like, shape (q, m_q) or (q,)
        One query per row (a 1-D array is ``q`` queries in :math:`\mathbb R^1`).
    keys : array_like, shape (n, m_k), (n,) or (q, n, m_k)
        Keys shared by every query, or one key set per query.
    values : array_like
        Shared keys: shape (n,) or (n, d_v).  One key set per query: shape (q, n) or (q, n, d_v).
    beta : float
        Inverse temperature :math:`\beta \ge 0`.
    phi_q, phi_k : callable or MLP, optional
        Feature maps, ``(N, m) -> (N, d)`` numpy arrays, or :class:`relnb.inner_product.MLP` (evaluated
        with its ``features`` method).

    Returns
    -------
    AttentionResult
        ``weights`` of shape (q, n) and ``retrieved`` of shape (q,) or (q, d_v).

    Examples
    --------
    >>> weights, retrieved = softmax_attention([[1.0]], [[1.0], [-1.0]], [10.0, 20.0], beta=1e4)
    >>> weights, retrieved
    (array([[1., 0.]]), array([10.]))
    >>> softmax_attention([0.0, 1.0], [0.0, 1.0], [0.0, 1.0],  # nearest key, -|x - y|^2 lifted
    ...                   beta=50.0, phi_q=lift_query, phi_k=lift_key).retrieved.round(12)
    array([0., 1.])
    """
    b = check_positive(beta, "beta", strict=False)
    scores = attention_scores(queries, keys, phi_q=phi_q, phi_k=phi_k)
    q, n = scores.shape
    per_query = np.ndim(keys) == 3
    weights = softmax_weights(scores, beta=b)
    v = as_float_array(values, "values")
    expected = (q, n) if per_query else (n,)
    if v.shape[: len(expected)] != expected or v.ndim > len(expected) + 1:
        layout = "(q, n) or (q, n, d_v)" if per_query else "(n,) or (n, d_v)"
        raise ValueError(
            f"values must have shape {layout} with q = {q}, n = {n} "
            f"({'one key set per query' if per_query else 'keys shared by all queries'}); got shape {v.shape}"
        )
    if per_query:
        retrieved = np.einsum("qn,qn...->q...", weights, v)
    else:
        retrieved = np.einsum("qn,n...->q...", weights, v)
    return AttentionResult(weights=weights, retrieved=retrieved)


# ---------------------------------------------------------------------------------------------------------
# the selection bound
# ---------------------------------------------------------------------------------------------------------


def selection_error(scores: ArrayLike, selected: ArrayLike, *, beta: float = 1.0) -> float | NDArray[np.float64]:
    r"""The weight that softmax attention puts off the selected key, computed without cancellation.

    .. math::

        1 - \alpha_{i^*} = \frac{\sum_{j \ne i^*} e^{\beta s_j}}{\sum_{j} e^{\beta s_j}}
        = \exp\Big(\operatorname{logsumexp}_{j \ne i^*}(\beta s_j) - \operatorname{logsumexp}_j(\beta s_j)\Big),

    where :math:`s_j` are the scores and :math:`i^*` the selected index.  Evaluated in log space, it keeps
    full relative precision where ``1 - weights[i]`` would round to 0 (below about :math:`10^{-16}`).

    Parameters
    ----------
    scores : array_like, shape (n,) or (b, n)
        Finite scores, :math:`n \ge 2`.
    selected : int or array_like of int, shape (b,)
        The index :math:`i^*` in each row.
    beta : float
        Inverse temperature :math:`\beta \ge 0`.

    Returns
    -------
    float or numpy.ndarray of shape (b,)

    Examples
    --------
    >>> f"{selection_error([0.0, -1.0, -1.0], 0, beta=40.0):.4e}"  # 2 e^{-40} / (1 + 2 e^{-40})
    '8.4967e-18'
    """
    s, single = _score_rows(scores)
    sel = _selected_indices(selected, s.shape[0], s.shape[1])
    b = check_positive(beta, "beta", strict=False)
    with np.errstate(over="ignore", invalid="ignore"):
        z = b * s
    if not np.isfinite(z).all():
        raise ValueError(
            f"beta * scores must be finite in float64; got beta={b:g} and largest |score| {np.abs(s).max():g}"
        )
    others = z.copy()
    others[np.arange(s.shape[0]), sel] = -np.inf
    out = np.exp(logsumexp(others, axis=1) - logsumexp(z, axis=1))
    return float(out[0]) if single else out


def selection_error_bound(n: int, gap: ArrayLike, beta: ArrayLike) -> float | NDArray[np.float64]:
    r"""The exact worst case of :math:`1 - \alpha_{i^*}` over all scores where :math:`i^*` wins by ``gap``.

    For :math:`n` scores with :math:`s_{i^*} \ge s_j + g` for every :math:`j \ne i^*`,

    .. math::

        1 - \alpha_{i^*}
        = \frac{\sum_{j\ne i^*} e^{-\beta (s_{i^*} - s_j)}}{1 + \sum_{j\ne i^*} e^{-\beta (s_{i^*} - s_j)}}
        \;\le\; \frac{(n-1)\, e^{-\beta g}}{1 + (n-1)\, e^{-\beta g}}
        = \sigma\big(\log(n-1) - \beta g\big),

    because :math:`t \mapsto t / (1 + t)` is increasing and each term is at most :math:`e^{-\beta g}`;
    :math:`\sigma` is the logistic function (evaluated stably).  Equality holds exactly when every other score
    sits :math:`g` below the selected one (:func:`worst_case_scores`), so no smaller bound holds for all such
    scores: the bound is the supremum, and it is attained.

    Parameters
    ----------
    n : int
        Number of keys, :math:`n \ge 2`.
    gap : float or array_like
        The margin :math:`g > 0` of the selected score.
    beta : float or array_like
        Inverse temperature :math:`\beta \ge 0`; ``gap`` and ``beta`` broadcast together.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> selection_error_bound(2, 1.0, 0.0)  # beta = 0: uniform weights
    0.5
    >>> bool(np.isclose(selection_error_bound(3, 1.0, 40.0), selection_error([0.0, -1.0, -1.0], 0, beta=40.0)))
    True
    """
    n = check_int(n, "n", minimum=2)
    g = _positive_values(gap, "gap", strict=True)
    b = _positive_values(beta, "beta", strict=False)
    return _scalar_or_array(np.asarray(expit(math.log(n - 1) - b * g), dtype=np.float64))


def min_beta(n: int, gap: ArrayLike, eps: float) -> float | NDArray[np.float64]:
    r"""The smallest inverse temperature that guarantees weight :math:`\ge 1 - \varepsilon` on the selected key.

    Solving :func:`selection_error_bound` :math:`\le \varepsilon` for :math:`\beta`:

    .. math::

        \beta_{\min}(n, g, \varepsilon) = \max\Big(0,\ \frac{1}{g}\log\frac{(n-1)(1-\varepsilon)}{\varepsilon}\Big).

    Since the bound is attained (by :func:`worst_case_scores`), every smaller :math:`\beta` fails on some
    scores with gap :math:`g`: this is the minimum, not merely a sufficient value.

    Parameters
    ----------
    n : int
        Number of keys, :math:`n \ge 2`.
    gap : float or array_like
        The margin :math:`g > 0` of the selected score.
    eps : float
        Allowed weight off the selected key, :math:`0 < \varepsilon < 1`.

    Returns
    -------
    float or numpy.ndarray (the shape of ``gap``)

    Examples
    --------
    >>> round(min_beta(2, 1.0, 0.5), 12)  # two keys, half the weight: beta = 0 suffices
    0.0
    >>> b = min_beta(10, 0.1, 0.01)
    >>> round(b, 4), round(selection_error_bound(10, 0.1, b), 12)
    (67.9234, 0.01)
    """
    n = check_int(n, "n", minimum=2)
    g = _positive_values(gap, "gap", strict=True)
    e = _check_probability(eps, "eps")
    value = (math.log(n - 1) + math.log1p(-e) - math.log(e)) / g
    return _scalar_or_array(np.maximum(value, 0.0))


def worst_case_scores(n: int, gap: float, *, top: float = 0.0) -> NDArray[np.float64]:
    r"""The scores that attain :func:`selection_error_bound`: key 0 scores ``top``, every other ``top - gap``.

    .. math::

        s = (t,\ t - g,\ \dots,\ t - g) \in \mathbb R^n .

    Examples
    --------
    >>> worst_case_scores(3, 0.5)
    array([ 0. , -0.5, -0.5])
    """
    n = check_int(n, "n", minimum=2)
    g = check_positive(gap, "gap")
    t = check_real(top, "top")
    scores = np.full(n, t - g)
    scores[0] = t
    return scores


def required_beta(scores: ArrayLike, selected: ArrayLike, eps: float) -> float | NDArray[np.float64]:
    r"""The smallest :math:`\beta \ge 0` at which given scores put weight :math:`\ge 1 - \varepsilon` on a key.

    With margins :math:`\Delta_j = s_{i^*} - s_j > 0`, the selection error
    :math:`f(\beta)/(1 + f(\beta))`, :math:`f(\beta) = \sum_{j \ne i^*} e^{-\beta\Delta_j}`, decreases in
    :math:`\beta`, so the answer is the root of :math:`f(\beta) = \varepsilon / (1 - \varepsilon)` (or 0 when
    :math:`f(0) = n - 1` is already below it).  With :math:`\Delta = \min_j \Delta_j` it lies in

    .. math::

        \frac{1}{\Delta}\log\frac{1 - \varepsilon}{\varepsilon} \;\le\; \beta_{\mathrm{req}}
        \;\le\; \beta_{\min}(n, \Delta, \varepsilon),

    the right end attained by :func:`worst_case_scores`; the root is found by Brent's method in that bracket
    (relative tolerance :math:`10^{-13}`).

    Parameters
    ----------
    scores : array_like, shape (n,) or (b, n)
    selected : int or array_like of int, shape (b,)
        Must be the strict argmax of its row (otherwise no :math:`\beta` works; the error names a witness).
    eps : float
        :math:`0 < \varepsilon < 1`.

    Returns
    -------
    float or numpy.ndarray of shape (b,)

    Examples
    --------
    >>> round(required_beta([0.0, -1.0, -1.0], 0, 0.01), 10) == round(min_beta(3, 1.0, 0.01), 10)
    True
    """
    s, single = _score_rows(scores)
    sel = _selected_indices(selected, s.shape[0], s.shape[1])
    e = _check_probability(eps, "eps")
    n = s.shape[1]
    target = math.log(e) - math.log1p(-e)  # log(eps / (1 - eps))
    out = np.empty(s.shape[0])
    for row in range(s.shape[0]):
        i = int(sel[row])
        margins = np.delete(s[row, i] - s[row], i)
        if (margins <= 0).any():
            j = int(np.delete(np.arange(n), i)[np.argmin(margins)])
            raise ValueError(
                f"selected key must strictly beat every other key; in row {row}, key {j} scores "
                f"{s[row, j]:.6g} >= {s[row, i]:.6g} of selected key {i}"
            )
        if math.log(n - 1) <= target:
            out[row] = 0.0
            continue
        delta = float(margins.min())
        low = max(0.0, -target / delta)
        high = (math.log(n - 1) - target) / delta

        def log_f(b: float, margins: NDArray[np.float64] = margins) -> float:
            return float(logsumexp(-b * margins)) - target

        if log_f(high) >= 0.0:  # only when all margins are equal: the bracket's right end is the root
            out[row] = high
        else:
            out[row] = brentq(log_f, low, high, xtol=1e-300, rtol=1e-13) if log_f(low) > 0 else low
    return float(out[0]) if single else out


# ---------------------------------------------------------------------------------------------------------
# retrieval tasks
# ---------------------------------------------------------------------------------------------------------


def lift_query(X: ArrayLike) -> NDArray[np.float64]:
    r"""Query features :math:`\phi_q(x) = (-\|x\|^2, 2x, 1)` that make nearest-key retrieval an inner product.

    .. math::

        \phi_q(x) = (-\|x\|^2,\ 2x,\ 1), \quad \phi_k(y) = (1,\ y,\ -\|y\|^2), \quad
        \langle \phi_q(x), \phi_k(y) \rangle = -\|x - y\|^2 .

    Parameters
    ----------
    X : array_like, shape (n, m) or (n,)

    Returns
    -------
    numpy.ndarray, shape (n, m + 2)

    Examples
    --------
    >>> lift_query([[1.0, 2.0]])
    array([[-5.,  2.,  4.,  1.]])
    >>> lift_query([[1.0, 2.0]]) @ lift_key([[0.0, 0.0]]).T  # -|(1, 2) - (0, 0)|^2
    array([[-5.]])
    """
    x = as_points(X, "X")
    return np.hstack([-np.sum(x**2, axis=1, keepdims=True), 2.0 * x, np.ones((x.shape[0], 1))])


def lift_key(Y: ArrayLike) -> NDArray[np.float64]:
    r"""Key features :math:`\phi_k(y) = (1, y, -\|y\|^2)` of nearest-key retrieval (see :func:`lift_query`).

    Examples
    --------
    >>> lift_key([[1.0, 2.0]])
    array([[ 1.,  1.,  2., -5.]])
    """
    y = as_points(Y, "Y")
    return np.hstack([np.ones((y.shape[0], 1)), y, -np.sum(y**2, axis=1, keepdims=True)])


@dataclass(frozen=True)
class RetrievalBatch:
    r"""Sampled retrieval instances: one query and one key set per row, with the utilities they induce.

    Attributes
    ----------
    queries : numpy.ndarray, shape (b, m_q)
    keys : numpy.ndarray, shape (b, n, m_k)
    utilities : numpy.ndarray, shape (b, n)
        :math:`u(x_r, y_{r,i})`.
    selected : numpy.ndarray of int, shape (b,)
        :math:`i^*_r = \arg\max_i u(x_r, y_{r,i})`, the key the query prefers.
    gaps : numpy.ndarray, shape (b,)
        :math:`u(x_r, y_{r,i^*}) - \max_{i \ne i^*} u(x_r, y_{r,i})`, the margin of the preferred key.
    """

    queries: NDArray[np.float64]
    keys: NDArray[np.float64]
    utilities: NDArray[np.float64]
    selected: NDArray[np.int64]
    gaps: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.queries.shape[0])

    @property
    def n_keys(self) -> int:
        return int(self.keys.shape[1])

    def __repr__(self) -> str:
        return (
            f"RetrievalBatch(instances={len(self)}, n_keys={self.n_keys}, "
            f"min_gap={float(self.gaps.min()):.4g})"
        )


def _top_two(utilities: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Argmax per row and its margin over the runner-up."""
    selected = np.argmax(utilities, axis=1)
    rows = np.arange(utilities.shape[0])
    best = utilities[rows, selected]
    rest = utilities.copy()
    rest[rows, selected] = -np.inf
    return selected.astype(np.int64), best - rest.max(axis=1)


@dataclass(frozen=True)
class RetrievalTask:
    r"""A retrieval task: queries prefer keys by a utility :math:`u(x, y)`.

    The utility is jointly continuous for the tasks the chapter's theorem
    covers; :func:`switching_target_task` and :func:`moving_bump_task` are
    counterexamples, continuous in the key only.

    For each query :math:`x \in X = [a_q, b_q]^{m_q}` the utility orders the keys :math:`y \in Y = [a_k, b_k]^{m_k}`
    by the complete preorder

    .. math::

        y \preccurlyeq_x y' \iff u(x, y) \le u(x, y'),

    and retrieval returns the :math:`\preccurlyeq_x`-maximal key of a key
    set.  ``utility`` is evaluated
    elementwise with numpy broadcasting: ``utility(x, y)`` takes arrays of shapes ``(..., m_q)`` and
    ``(..., m_k)`` and returns an array of the broadcast shape ``(...)``.

    Attributes
    ----------
    name : str
    utility : callable
        :math:`u`, elementwise as described above.
    query_dim, key_dim : int
        :math:`m_q, m_k`.
    query_box, key_box : (float, float)
        The intervals :math:`[a_q, b_q]`, :math:`[a_k, b_k]` whose powers are :math:`X` and :math:`Y`.

    Examples
    --------
    >>> task = nearest_key_task()
    >>> task.relation([0.0], [0.5, -1.0])
    array([[-0.25, -1.  ]])
    >>> batch = task.sample(4, n_keys=5, gap=0.1, rng=np.random.default_rng(0))
    >>> batch.keys.shape, bool((batch.gaps >= 0.1).all())
    ((4, 5, 1), True)
    """

    name: str
    utility: Utility
    query_dim: int = 1
    key_dim: int = 1
    query_box: tuple[float, float] = (0.0, 1.0)
    key_box: tuple[float, float] = (0.0, 1.0)

    def __post_init__(self) -> None:
        if not callable(self.utility):
            raise ValueError(f"utility must be callable u(x, y); got {type(self.utility).__name__}")
        check_int(self.query_dim, "query_dim", minimum=1)
        check_int(self.key_dim, "key_dim", minimum=1)
        for label, box in (("query_box", self.query_box), ("key_box", self.key_box)):
            if len(box) != 2:
                raise ValueError(f"{label} must be a pair (low, high); got {box!r}")
            low, high = check_real(box[0], f"{label}[0]"), check_real(box[1], f"{label}[1]")
            if not low < high:
                raise ValueError(f"{label} must satisfy low < high (a non-empty interval); got {box!r}")

    def _evaluate(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        value = np.asarray(self.utility(x, y), dtype=np.float64)
        expected = np.broadcast_shapes(x.shape[:-1], y.shape[:-1])
        if value.shape != expected:
            raise ValueError(f"utility(x, y) must have the broadcast shape {expected}; got {value.shape}")
        check_finite(value, f"utility of task {self.name!r}")
        return value

    def relation(self, X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.float64]:
        r"""The utility as a relation function ``r(X, Y) -> (q, n)`` with ``r[i, j] = u(x_i, y_j)``.

        Same calling convention as :mod:`relnb.relations` (``Y=None`` means ``Y = X``), so
        :func:`relnb.inner_product.fit_relation` trains on it directly.
        """
        x = as_points(X, "X", dim=self.query_dim)
        y = x if Y is None else as_points(Y, "Y", dim=self.key_dim)
        if Y is None and self.query_dim != self.key_dim:
            raise ValueError(f"Y=None needs query_dim == key_dim; got {self.query_dim} and {self.key_dim}")
        return self._evaluate(x[:, None, :], y[None, :, :])

    def utilities(self, queries: ArrayLike, keys: ArrayLike) -> NDArray[np.float64]:
        r"""Utilities :math:`u(x_r, y_{r,i})` of batched instances: queries (b, m_q), keys (b, n, m_k) -> (b, n)."""
        x = as_points(queries, "queries", dim=self.query_dim)
        y = as_float_array(keys, "keys", ndim=3)
        if y.shape[0] != x.shape[0] or y.shape[2] != self.key_dim or y.shape[1] == 0:
            raise ValueError(
                f"keys must have shape (b, n, m_k) = ({x.shape[0]}, n, {self.key_dim}) with n >= 1; got {y.shape}"
            )
        return self._evaluate(x[:, None, :], y)

    def sample(
        self,
        n_instances: int,
        n_keys: int,
        *,
        gap: float,
        rng: np.random.Generator,
        max_gap: float | None = None,
        max_draws: int = 1_000_000,
    ) -> RetrievalBatch:
        r"""Sample (query, key set) instances whose preferred key wins by a gap in ``[gap, max_gap]``.

        Queries and keys are drawn independently and uniformly from :math:`X` and :math:`Y`; an instance is
        kept when :math:`\eta \le u(x, y_{i^*}) - \max_{i \ne i^*} u(x, y_i) \le \eta_{\max}` (rejection
        sampling, so the kept instances follow the uniform law conditioned on the gap event).

        Parameters
        ----------
        n_instances : int
            How many instances to return, at least 1.
        n_keys : int
            Keys per instance :math:`n \ge 2`.
        gap : float
            The least margin :math:`\eta \ge 0` (0 keeps every instance without an exact tie).
        rng : numpy.random.Generator
        max_gap : float, optional
            Largest margin kept, :math:`\eta_{\max} > \eta` (default: no upper limit).
        max_draws : int
            Give up (``ValueError``) after drawing this many instances.

        Returns
        -------
        RetrievalBatch
        """
        n_instances = check_int(n_instances, "n_instances", minimum=1)
        n_keys = check_int(n_keys, "n_keys", minimum=2)
        eta = check_positive(gap, "gap", strict=False)
        eta_max = math.inf if max_gap is None else check_positive(max_gap, "max_gap")
        if eta_max <= eta:
            raise ValueError(f"max_gap must be > gap; got max_gap={eta_max} and gap={eta}")
        max_draws = check_int(max_draws, "max_draws", minimum=1)
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
        qa, qb = self.query_box
        ka, kb = self.key_box
        parts: list[tuple[NDArray[np.float64], ...]] = []
        kept = drawn = 0
        while kept < n_instances:
            if drawn >= max_draws:
                raise ValueError(
                    f"only {kept} of {n_instances} instances with gap in [{eta:g}, {eta_max:g}] among "
                    f"{drawn} draws (acceptance rate {kept / drawn:.3g}); lower gap or raise max_draws"
                )
            chunk = min(max(4 * (n_instances - kept), 1024), max_draws - drawn)
            x = rng.uniform(qa, qb, size=(chunk, self.query_dim))
            y = rng.uniform(ka, kb, size=(chunk, n_keys, self.key_dim))
            u = self._evaluate(x[:, None, :], y)
            selected, gaps = _top_two(u)
            ok = (gaps >= eta) & (gaps <= eta_max) & (gaps > 0)
            parts.append((x[ok], y[ok], u[ok], selected[ok], gaps[ok]))
            kept += int(ok.sum())
            drawn += chunk
        x, y, u, selected, gaps = (np.concatenate(p)[:n_instances] for p in zip(*parts, strict=True))
        return RetrievalBatch(queries=x, keys=y, utilities=u, selected=selected, gaps=gaps)

    def grid(self, n_query: int, n_key: int | None = None) -> tuple[NDArray[np.float64], ...]:
        r"""Product Gauss--Legendre rules of the uniform measures on :math:`X` and :math:`Y`.

        Returns ``(query_nodes, query_weights, key_nodes, key_weights)`` with ``n_query ** m_q`` query nodes
        and ``n_key ** m_k`` key nodes (tensor products of :func:`relnb.quadrature.uniform`), the grid that
        :func:`relnb.inner_product.fit_relation` trains on.
        """
        n_query = check_int(n_query, "n_query", minimum=1)
        n_key = n_query if n_key is None else check_int(n_key, "n_key", minimum=1)
        return (*_tensor_rule(n_query, self.query_box, self.query_dim),
                *_tensor_rule(n_key, self.key_box, self.key_dim))

    def preorder(self, query: ArrayLike, keys: ArrayLike) -> Preorder:
        r"""The preorder :math:`\preccurlyeq_x` of one query on a key set.

        Returned as a :class:`relnb.preorder.Preorder`.
        """
        from relnb.preorder import Preorder  # Chapter D's module

        x = as_points(query, "query", dim=self.query_dim)
        if x.shape[0] != 1:
            raise ValueError(f"query must be a single point; got {x.shape[0]} points")
        y = as_points(keys, "keys", dim=self.key_dim)
        return Preorder.from_utility(self.relation(x, y)[0])


def _tensor_rule(n: int, box: tuple[float, float], dim: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    nodes, weights = uniform(n, box[0], box[1])
    grids = np.meshgrid(*([nodes[:, 0]] * dim), indexing="ij")
    points = np.stack([g.ravel() for g in grids], axis=1)
    w = weights
    for _ in range(dim - 1):
        w = np.outer(w, weights).ravel()
    return points, w


def nearest_key_task(dim: int = 1, low: float = -1.0, high: float = 1.0) -> RetrievalTask:
    r"""Nearest-key retrieval on :math:`[a, b]^m`: :math:`u(x, y) = -\|x - y\|^2`.

    Exactly an inner product of lifted features (:func:`lift_query`, :func:`lift_key`), of rank :math:`m + 2`.

    Examples
    --------
    >>> nearest_key_task(dim=2).relation([[0.0, 0.0]], [[1.0, 1.0]])
    array([[-2.]])
    """
    dim = check_int(dim, "dim", minimum=1)

    def utility(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        return -np.sum((x - y) ** 2, axis=-1)

    return RetrievalTask("nearest key", utility, dim, dim, (low, high), (low, high))


def _target(t: NDArray[np.float64]) -> NDArray[np.float64]:
    return 0.5 + 0.35 * np.sin(2 * np.pi * t)


def moving_target(queries: ArrayLike) -> NDArray[np.float64]:
    r"""The target :math:`T(x)` of each query in :func:`moving_target_task`.

    .. math::

        T(x) = \tfrac12 + 0.35 \sin(2\pi x), \qquad
        |T'(x)| \le 0.7\pi, \qquad |T''(x)| \le 1.4\pi^2 ,

    where :math:`x \in [0, 1]` is a query.

    Parameters
    ----------
    queries : array_like, shape (q, 1) or (q,)

    Returns
    -------
    numpy.ndarray, shape (q,)

    Examples
    --------
    >>> moving_target([0.0, 0.25]).tolist()
    [0.5, 0.85]
    """
    return _target(as_points(queries, "queries", dim=1)[:, 0])


def moving_target_task(kind: str = "squared", width: float = 0.15) -> RetrievalTask:
    r"""Each query wants the key closest to its own target :math:`T(x) = \tfrac12 + 0.35 \sin(2\pi x)`.

    .. math::

        u_{\mathrm{sq}}(x, y) = -\big(y - T(x)\big)^2, \qquad
        u_{\mathrm{gauss}}(x, y) = \exp\Big(-\frac{(y - T(x))^2}{2 w^2}\Big), \qquad x, y \in [0, 1],

    with width :math:`w` (``kind="squared"`` or ``"gaussian"``).  Both are jointly continuous (smooth) and
    represent the same preorders :math:`\preccurlyeq_x` (one is a strictly
    increasing function of the other), but
    their gaps and their Schmidt ranks differ: :math:`u_{\mathrm{sq}}` has rank 3, the Gaussian one infinite
    rank.  Neither is a function :math:`x^\top W y` of the raw inputs: that is linear in :math:`y`, so its
    argmax over a key set is always the smallest or the largest key, whereas the preferred key here is usually
    interior.

    Examples
    --------
    >>> moving_target_task().relation([0.0], [0.5, 0.0])
    array([[ 0.  , -0.25]])
    >>> moving_target_task("gaussian").relation([0.0], [0.5, 0.0]).round(4)
    array([[1.    , 0.0039]])
    """
    if kind not in ("squared", "gaussian"):
        raise ValueError(f"kind must be 'squared' or 'gaussian'; got {kind!r}")
    w = check_positive(width, "width")

    def target(x: NDArray[np.float64]) -> NDArray[np.float64]:
        return _target(x[..., 0])

    if kind == "squared":

        def utility(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
            return -((y[..., 0] - target(x)) ** 2) + 0.0  # + 0.0 turns -0.0 into 0.0

        return RetrievalTask("moving target (squared)", utility, 1, 1, (0.0, 1.0), (0.0, 1.0))

    def gaussian(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.exp(-((y[..., 0] - target(x)) ** 2) / (2 * w**2))

    return RetrievalTask(f"moving target (gaussian, width {w:g})", gaussian, 1, 1, (0.0, 1.0), (0.0, 1.0))


def switching_target_task(switch: float = 0.5) -> RetrievalTask:
    r"""A task that breaks query-continuity: the target jumps at ``switch``.

    .. math::

        u(x, y) = -(y - T(x))^2, \qquad T(x) = \begin{cases} 1/4, & x < s \\ 3/4, & x \ge s, \end{cases}
        \qquad x, y \in [0, 1].

    Each :math:`u(x, \cdot)` is continuous (key-continuity holds) but :math:`u` jumps across :math:`x = s`.
    For the keys :math:`1/4` and :math:`3/4` the gap is :math:`1/4` at every query, yet the preferred key flips
    at :math:`s`, which no continuous score can follow.

    Examples
    --------
    >>> switching_target_task().relation([0.4, 0.6], [0.25, 0.75])
    array([[ 0.  , -0.25],
           [-0.25,  0.  ]])
    """
    s = check_real(switch, "switch")
    if not 0.0 < s < 1.0:
        raise ValueError(f"switch must lie in (0, 1); got {s}")

    def utility(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        target = np.where(x[..., 0] < s, 0.25, 0.75)
        return -((y[..., 0] - target) ** 2) + 0.0  # + 0.0 turns -0.0 into 0.0

    return RetrievalTask(f"switching target (at {s:g})", utility, 1, 1, (0.0, 1.0), (0.0, 1.0))


def moving_bump_task() -> RetrievalTask:
    r"""A utility continuous in each variable separately, not jointly.

    .. math::

        u(x, y) = y + h(x, y), \qquad
        h(x, y) = \Big(1 - \frac{2 |y - 2x|}{x}\Big)_+ \ (x > 0),
        \qquad h(0, y) = 0, \qquad x, y \in [0, 1],

    a tent of height 1 and half-width :math:`x/2` centred at :math:`2x`.
    For fixed :math:`x`, :math:`u(x, \cdot)` is continuous; for fixed
    :math:`y`, :math:`h(x, y) = 0` once :math:`x < y/2.5` (and always at
    :math:`y = 0`), so :math:`u(\cdot, y)` is continuous too.  But along
    :math:`y = 2x` the tent keeps height 1 as :math:`x \to 0`: the keys
    :math:`2x` and :math:`\tfrac12` have utilities :math:`1 + 2x` and
    :math:`\tfrac12` for :math:`0 < x < \tfrac15`, while at :math:`x = 0`
    the key :math:`\tfrac12` wins, by :math:`\tfrac12` in every case.

    Examples
    --------
    >>> task = moving_bump_task()
    >>> task.relation([0.0, 0.1], [0.0, 0.2, 0.5])
    array([[0. , 0.2, 0.5],
           [0. , 1.2, 0.5]])
    """

    def utility(x: NDArray[np.float64],
                y: NDArray[np.float64]) -> NDArray[np.float64]:
        q, k = np.broadcast_arrays(x[..., 0], y[..., 0])
        width = np.where(q > 0, q, 1.0)  # any value at q = 0: h is 0 there
        tent = np.clip(1 - 2 * np.abs(k - 2 * q) / width, 0.0, None)
        return k + np.where(q > 0, tent, 0.0)

    return RetrievalTask("moving bump", utility, 1, 1, (0.0, 1.0), (0.0, 1.0))


def instance_scores(
    relation: Callable[[NDArray[np.float64], NDArray[np.float64]], ArrayLike],
    queries: ArrayLike,
    keys: ArrayLike,
    *,
    chunk: int = 256,
) -> NDArray[np.float64]:
    r"""Scores :math:`r(x_b, y_{b,i})` of a relation on per-instance keys.

    .. math::

        S_{b i} = r(x_b, y_{b,i}), \qquad b \le B, \ i \le n,

    where :math:`r` is a relation function ``r(X, Y) -> (len(X), len(Y))``
    (the convention of :mod:`relnb.relations`; e.g. a Bernstein polynomial
    of :func:`relnb.schmidt.bernstein_approximation`), :math:`x_b` the
    queries and :math:`y_{b,1}, \dots, y_{b,n}` the keys of instance
    :math:`b`.  Evaluated ``chunk`` instances at a time: the block of all
    pairs, of which the diagonal blocks are kept.

    Parameters
    ----------
    relation : callable
    queries : array_like, shape (B, m_q)
    keys : array_like, shape (B, n, m_k)
    chunk : int
        Instances per call of ``relation``.

    Returns
    -------
    numpy.ndarray, shape (B, n)

    Examples
    --------
    >>> from relnb.relations import neg_squared_distance
    >>> instance_scores(neg_squared_distance, [[0.0], [1.0]],
    ...                 [[[0.5], [1.0]], [[0.0], [3.0]]])
    array([[-0.25, -1.  ],
           [-1.  , -4.  ]])
    """
    if not callable(relation):
        raise ValueError("relation must be callable r(X, Y); got "
                         f"{type(relation).__name__}")
    x = as_points(queries, "queries")
    y = as_float_array(keys, "keys", ndim=3)
    if y.shape[0] != x.shape[0] or y.shape[1] == 0:
        raise ValueError(
            f"keys must have shape (B, n, m_k) with B = {x.shape[0]} and "
            f"n >= 1; got {y.shape}")
    step = check_int(chunk, "chunk", minimum=1)
    n = y.shape[1]
    out = np.empty((x.shape[0], n))
    for start in range(0, x.shape[0], step):
        xs, ys = x[start:start + step], y[start:start + step]
        block = as_float_array(
            relation(xs, ys.reshape(-1, ys.shape[2])), "relation(X, Y)")
        if block.shape != (xs.shape[0], xs.shape[0] * n):
            raise ValueError(
                "relation(X, Y) must have shape (len(X), len(Y)) = "
                f"{(xs.shape[0], xs.shape[0] * n)}; got {block.shape}")
        rows = np.arange(xs.shape[0])
        cols = rows[:, None] * n + np.arange(n)[None, :]
        out[start:start + xs.shape[0]] = block[rows[:, None], cols]
    return out


@dataclass(frozen=True)
class RetrievalReport:
    r"""How well scores retrieve on a batch of gap instances, next to the selection bound.

    Attributes
    ----------
    accuracy : float
        Fraction of instances where :math:`\arg\max_i s(x, y_i)` is the preferred key :math:`i^*`.
    delta : float
        The approximation error :math:`\delta` used: the larger of the given sup estimate and
        :math:`\max |s(x, y_i) - u(x, y_i)|` over every pair of the batch.
    gap : float
        The gap :math:`\eta` of the event (every instance's utility margin is at least this).
    bound_beta : float
        :math:`\beta_{\min}(n, \eta - 2\delta, \varepsilon)`: the theorem's temperature (``nan`` unless
        :math:`\delta < \eta / 2`).
    measured_beta : float
        The smallest :math:`\beta` at which every instance puts weight :math:`\ge 1 - \varepsilon` on
        :math:`i^*` (:func:`required_beta`, maximised over the batch; ``nan`` if some argmax is wrong).
    worst_weight : float
        :math:`\min` over the batch of :math:`\alpha_{i^*}` at ``bound_beta`` (``nan`` if that is ``nan``).
    eps : float
    """

    accuracy: float
    delta: float
    gap: float
    bound_beta: float
    measured_beta: float
    worst_weight: float
    eps: float

    @property
    def ratio(self) -> float:
        """``bound_beta / measured_beta``: how far the worst-case guarantee is from what the batch needs."""
        return self.bound_beta / self.measured_beta

    def __repr__(self) -> str:
        return (
            f"RetrievalReport(accuracy={self.accuracy:.4g}, delta={self.delta:.4g}, gap={self.gap:.4g}, "
            f"bound_beta={self.bound_beta:.4g}, measured_beta={self.measured_beta:.4g}, "
            f"ratio={self.ratio:.4g}, worst_weight={self.worst_weight:.6f}, eps={self.eps:g})"
        )


def retrieval_report(
    scores: ArrayLike, batch: RetrievalBatch, *, gap: float, eps: float, delta: float = 0.0
) -> RetrievalReport:
    r"""Compare scores :math:`s(x, y_i)` of a batch of gap instances with the theorem's guarantee.

    With :math:`\delta \ge \max |s - u|` over the batch's pairs, every score margin is at least
    :math:`\eta - 2\delta` (argmax preserved), so at :math:`\beta = \beta_{\min}(n, \eta - 2\delta, \varepsilon)`
    every instance must put weight :math:`\ge 1 - \varepsilon` on its preferred key; the report gives that
    :math:`\beta`, the smallest :math:`\beta` the batch actually needs, and the worst weight at the former.

    Parameters
    ----------
    scores : array_like, shape (b, n)
        :math:`s(x_r, y_{r,i})` for the batch's instances.
    batch : RetrievalBatch
        Instances sampled with ``gap``.
    gap : float
        :math:`\eta > 0`; every ``batch.gaps`` must be at least this.
    eps : float
        :math:`0 < \varepsilon < 1`.
    delta : float
        A sup estimate of :math:`|s - u|` over the whole domain (default 0: only the batch's pairs count).

    Returns
    -------
    RetrievalReport

    Examples
    --------
    >>> task = nearest_key_task()
    >>> batch = task.sample(100, 4, gap=0.1, rng=np.random.default_rng(0))
    >>> report = retrieval_report(batch.utilities, batch, gap=0.1, eps=0.01)  # exact scores: delta = 0
    >>> report.accuracy, report.delta, bool(report.worst_weight >= 0.99), bool(report.ratio >= 1)
    (1.0, 0.0, True, True)
    """
    if not isinstance(batch, RetrievalBatch):
        raise ValueError(f"batch must be a RetrievalBatch; got {type(batch).__name__}")
    s = as_float_array(scores, "scores", ndim=2)
    if s.shape != batch.utilities.shape:
        raise ValueError(f"scores must have the batch's shape {batch.utilities.shape}; got {s.shape}")
    eta = check_positive(gap, "gap")
    if (batch.gaps < eta).any():
        r = int(np.argmax(batch.gaps < eta))
        raise ValueError(f"every instance must have gap >= {eta:g}; instance {r} has gap {batch.gaps[r]:.6g}")
    e = _check_probability(eps, "eps")
    d = max(check_positive(delta, "delta", strict=False), float(np.abs(s - batch.utilities).max()))
    correct = np.argmax(s, axis=1) == batch.selected
    n = batch.n_keys
    bound_beta = float(min_beta(n, eta - 2 * d, e)) if d < eta / 2 else math.nan
    measured = float(np.max(required_beta(s, batch.selected, e))) if correct.all() else math.nan
    worst = math.nan
    if not math.isnan(bound_beta):
        worst = 1.0 - float(np.max(selection_error(s, batch.selected, beta=bound_beta)))
    return RetrievalReport(
        accuracy=float(correct.mean()), delta=d, gap=eta, bound_beta=bound_beta,
        measured_beta=measured, worst_weight=worst, eps=e,
    )


# ---------------------------------------------------------------------------------------------------------
# the learned model
# ---------------------------------------------------------------------------------------------------------


class QueryKeyAttention(AsymmetricInnerProduct):
    r"""Softmax attention with learned query and key maps :math:`\phi_q, \phi_k` (two MLPs).

    .. math::

        s(x, y) = \langle \phi_q(x), \phi_k(y) \rangle, \qquad
        \alpha_i(x) = \operatorname{softmax}_i\big(\beta\, s(x, y_i)\big).

    An :class:`relnb.inner_product.AsymmetricInnerProduct` whose ``phi`` is :math:`\phi_q` and ``psi`` is
    :math:`\phi_k`: calling it gives the score matrix, so :func:`relnb.inner_product.fit_relation` trains the
    score on a utility (``fit_relation(model, task.relation, ...)``), the one training routine of the book.
    The inverse temperature :math:`\beta` is not learned; it is chosen afterwards from the bound
    (:func:`min_beta`), which is the same as folding it into :math:`\phi_q`.

    Examples
    --------
    >>> model = QueryKeyAttention(MLP(1, 3, width=8, seed=0), MLP(1, 3, width=8, seed=1))
    >>> model
    QueryKeyAttention(phi_q=MLP(1 -> [8 x 2, tanh] -> 3), phi_k=MLP(1 -> [8 x 2, tanh] -> 3))
    >>> result = model.attention([[0.2]], [[[0.0], [1.0]]], [[1.0, 2.0]], beta=2.0)
    >>> result.weights.shape, bool(np.isclose(result.weights.sum(), 1.0))
    ((1, 2), True)
    """

    @property
    def phi_q(self) -> MLP:
        return self.phi

    @property
    def phi_k(self) -> MLP:
        return self.psi

    def scores(self, queries: ArrayLike, keys: ArrayLike) -> NDArray[np.float64]:
        r"""Scores :math:`s(x, y)`: keys (n, m_k) shared -> (q, n); keys (q, n, m_k) per query -> (q, n)."""
        return attention_scores(queries, keys, phi_q=self.phi, phi_k=self.psi)

    def attention(
        self, queries: ArrayLike, keys: ArrayLike, values: ArrayLike, *, beta: float = 1.0
    ) -> AttentionResult:
        """:func:`softmax_attention` with this model's feature maps (numpy in, numpy out)."""
        return softmax_attention(queries, keys, values, beta=beta, phi_q=self.phi, phi_k=self.psi)

    def attend(
        self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, *, beta: float = 1.0
    ) -> tuple[torch.Tensor, torch.Tensor]:
        r"""The differentiable torch forward pass: queries (b, m_q), keys (b, n, m_k), values (b, n, ...).

        Returns ``(weights, retrieved)`` of shapes (b, n) and (b, ...).
        """
        if queries.ndim != 2 or keys.ndim != 3 or keys.shape[0] != queries.shape[0]:
            raise ValueError(
                "attend needs queries (b, m_q) and keys (b, n, m_k); "
                f"got {tuple(queries.shape)} and {tuple(keys.shape)}"
            )
        if values.shape[:2] != keys.shape[:2]:
            raise ValueError(f"values must have shape (b, n, ...) = {tuple(keys.shape[:2])}; got {tuple(values.shape)}")
        check_positive(beta, "beta", strict=False)
        scores = torch.einsum("bd,bnd->bn", self.phi(queries), self.psi(keys))
        weights = torch.softmax(beta * scores, dim=-1)
        return weights, torch.einsum("bn,bn...->b...", weights, values)

    def __repr__(self) -> str:
        return f"QueryKeyAttention(phi_q={self.phi!r}, phi_k={self.psi!r})"


# -------------------------------------------------------------------------
# certified sup errors
# -------------------------------------------------------------------------

#: Bounds :math:`(\sup|\sigma'|, \sup|\sigma''|)` of the activations that
#: :func:`mlp_derivative_bounds` supports: :math:`\tanh'' = -2\tanh\,
#: \mathrm{sech}^2` peaks at :math:`4/(3\sqrt3)`; for SiLU
#: :math:`\sigma(z) = z/(1 + e^{-z})`, :math:`\sup\sigma' = 1.0998\ldots`
#: (rounded up to 1.1) and :math:`\sigma''` is even with maximum
#: :math:`\sigma''(0) = 1/2` (tested in ``tests/test_attention.py``).
ACTIVATION_DERIVATIVE_BOUNDS: dict[str, tuple[float, float]] = {
    "tanh": (1.0, 4.0 / (3.0 * math.sqrt(3.0))),
    "silu": (1.1, 0.5),
}


def mlp_derivative_bounds(mlp: MLP) -> tuple[float, float]:
    r"""Bounds on :math:`\sup_x \|\phi'(x)\|` and :math:`\sup_x \|\phi''(x)\|`.

    For an MLP :math:`\phi : \mathbb R \to \mathbb R^d` with one input,
    :math:`z_1 = w_1 x + b_1`, :math:`z_{l+1} = W_{l+1}\sigma(z_l) +
    b_{l+1}`, :math:`\phi = z_{L+1}`, differentiate in :math:`x`:

    .. math::

        z_{l+1}' = W_{l+1}\big(\sigma'(z_l) \odot z_l'\big), \qquad
        z_{l+1}'' = W_{l+1}\big(\sigma''(z_l) \odot z_l' \odot z_l'
        + \sigma'(z_l) \odot z_l''\big),

    so with :math:`c_1 = \sup|\sigma'|`, :math:`c_2 = \sup|\sigma''|` and
    the spectral norms :math:`\|W_{l+1}\|`, the bounds
    :math:`p_l \ge \|z_l'\|`, :math:`q_l \ge \|z_l''\|` obey

    .. math::

        p_{l+1} = \|W_{l+1}\|\, c_1 p_l, \qquad
        q_{l+1} = \|W_{l+1}\|\,\big(c_2 r_l + c_1 q_l\big),

    where :math:`r_l \ge \|z_l' \odot z_l'\| = \|z_l'\|_4^2`:
    :math:`r_1 = \|w_1\|_4^2` exactly, and :math:`r_l = p_l^2` later
    (:math:`\|v\|_4 \le \|v\|_2`); :math:`p_1 = \|w_1\|`, :math:`q_1 = 0`.
    The bounds hold for every real :math:`x`, not only on a grid; they
    are crude (products of norms), and meant to multiply a small mesh.

    Parameters
    ----------
    mlp : relnb.inner_product.MLP
        One input; activation ``"tanh"`` or ``"silu"``
        (:data:`ACTIVATION_DERIVATIVE_BOUNDS`).

    Returns
    -------
    (float, float)
        :math:`(p_{L+1}, q_{L+1})`.

    Examples
    --------
    >>> phi = MLP(1, 2, width=3, depth=1, seed=0)
    >>> first = phi.net[0].weight.detach().numpy()[:, 0]
    >>> p, q = mlp_derivative_bounds(phi)
    >>> bool(p <= np.linalg.norm(first) * np.linalg.norm(
    ...     phi.net[2].weight.detach().numpy(), 2) + 1e-12)
    True
    """
    if not isinstance(mlp, MLP):
        raise ValueError(
            f"mlp must be a relnb.inner_product.MLP; got {type(mlp).__name__}")
    if mlp.in_dim != 1:
        raise ValueError(
            f"mlp must have one input (in_dim = 1); got in_dim={mlp.in_dim}")
    if mlp.activation not in ACTIVATION_DERIVATIVE_BOUNDS:
        raise ValueError(
            "mlp.activation must be one of "
            f"{sorted(ACTIVATION_DERIVATIVE_BOUNDS)} (bounds on sigma', "
            f"sigma'' are known); got {mlp.activation!r}")
    c1, c2 = ACTIVATION_DERIVATIVE_BOUNDS[mlp.activation]
    weights = [layer.weight.detach().double().numpy()
               for layer in mlp.net if isinstance(layer, torch.nn.Linear)]
    first = weights[0][:, 0]
    p, q = float(np.linalg.norm(first)), 0.0
    r = float(np.sqrt(np.sum(first**4)))
    for w in weights[1:]:
        norm = float(np.linalg.norm(w, 2))
        p, q = norm * c1 * p, norm * (c2 * r + c1 * q)
        r = p**2
    return p, q


def grid_sup_bound(
    grid_max: float,
    spacing: tuple[float, float],
    *,
    lipschitz: tuple[float, float] | None = None,
    curvature: tuple[float, float] | None = None,
) -> float:
    r"""A certified bound on :math:`\sup|e|` from a grid maximum.

    For :math:`e` on a rectangle sampled on a uniform grid with spacings
    :math:`h_x, h_y` (corners included), every point lies in a cell, within
    :math:`h_x/2` and :math:`h_y/2` of a grid point, so

    .. math::

        \sup|e| \le \max_{\text{grid}}|e| + \frac{h_x L_x + h_y L_y}{2}
        \quad\text{or}\quad
        \sup|e| \le \max_{\text{grid}}|e|
        + \frac{h_x^2 C_x + h_y^2 C_y}{8},

    where :math:`L_x, L_y` bound :math:`|e(x, y) - e(x', y)|/|x - x'|`
    and its analogue in :math:`y`, and :math:`C_x \ge \sup|\partial_x^2
    e|`, :math:`C_y \ge \sup|\partial_y^2 e|`.  The second form is the
    error of bilinear interpolation: the interpolant of :math:`e` in a
    cell is bounded by its corner values, and differs from :math:`e` by at
    most :math:`h_x^2 C_x/8` (linear interpolation in :math:`x`) plus
    :math:`h_y^2 C_y/8` (then in :math:`y`).

    Parameters
    ----------
    grid_max : float
        :math:`\max_{\text{grid}}|e| \ge 0`.
    spacing : (float, float)
        :math:`(h_x, h_y)`, both > 0.
    lipschitz, curvature : (float, float)
        Exactly one of them: :math:`(L_x, L_y)` or :math:`(C_x, C_y)`,
        all :math:`\ge 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(grid_sup_bound(0.1, (0.01, 0.01), lipschitz=(2.0, 2.0)), 12)
    0.12
    >>> round(grid_sup_bound(0.1, (0.1, 0.1), curvature=(8.0, 0.0)), 12)
    0.11
    """
    top = check_positive(grid_max, "grid_max", strict=False)
    if len(spacing) != 2:
        raise ValueError(f"spacing must be a pair (h_x, h_y); got {spacing!r}")
    hx, hy = (check_positive(h, f"spacing[{i}]")
              for i, h in enumerate(spacing))
    if (lipschitz is None) == (curvature is None):
        raise ValueError(
            "give exactly one of lipschitz and curvature; got "
            f"lipschitz={lipschitz!r}, curvature={curvature!r}")
    pair = lipschitz if lipschitz is not None else curvature
    label = "lipschitz" if lipschitz is not None else "curvature"
    if pair is None or len(pair) != 2:
        raise ValueError(f"{label} must be a pair; got {pair!r}")
    a, b = (check_positive(v, f"{label}[{i}]", strict=False)
            for i, v in enumerate(pair))
    if lipschitz is not None:
        return top + (hx * a + hy * b) / 2
    return top + (hx**2 * a + hy**2 * b) / 8


@dataclass(frozen=True)
class SupErrorCertificate:
    r"""What :func:`certify_sup_error` returns.

    Attributes
    ----------
    grid_max : float
        :math:`\max|s - u|` on the grid: a lower bound of the supremum.
    bound : float
        A certified upper bound of :math:`\sup_{X \times Y}|s - u|`.
    spacing : float
        The grid spacing :math:`h` (the same in :math:`x` and :math:`y`).
    curvature : (float, float)
        The bounds :math:`(C_x, C_y)` on :math:`|\partial_x^2(s - u)|`,
        :math:`|\partial_y^2(s - u)|` that were used.
    """

    grid_max: float
    bound: float
    spacing: float
    curvature: tuple[float, float]

    def __repr__(self) -> str:
        return (f"SupErrorCertificate(grid_max={self.grid_max:.4g}, "
                f"bound={self.bound:.4g}, spacing={self.spacing:.3g})")


def certify_sup_error(
    model: AsymmetricInnerProduct,
    task: RetrievalTask,
    *,
    utility_curvature: tuple[float, float],
    grid: int = 4001,
    chunk: int = 500,
) -> SupErrorCertificate:
    r"""A certified bound on :math:`\sup|s - u|` over the square.

    For scores :math:`s(x, y) = \langle\phi_q(x), \phi_k(y)\rangle` of two
    one-input MLPs and the task's utility :math:`u` on
    :math:`X \times Y` (intervals), with :math:`e = s - u`:

    .. math::

        |\partial_x^2 e| \le \sup\|\phi_q''\|\,\sup_Y\|\phi_k\|
        + \sup|\partial_x^2 u| =: C_x, \qquad
        |\partial_y^2 e| \le \sup\|\phi_k''\|\,\sup_X\|\phi_q\|
        + \sup|\partial_y^2 u| =: C_y,

    by Cauchy--Schwarz, with :math:`\sup\|\phi''\|` from
    :func:`mlp_derivative_bounds` and
    :math:`\sup_Y\|\phi_k\| \le \max_{\text{grid}}\|\phi_k\|
    + h \sup\|\phi_k'\|/2` (every point is within :math:`h/2` of a node).
    Then :func:`grid_sup_bound` with the curvature form gives the bound.
    Rounding in the grid evaluation (about :math:`10^{-15}` here) is
    ignored.

    Parameters
    ----------
    model : relnb.inner_product.AsymmetricInnerProduct
        E.g. a :class:`QueryKeyAttention`; both maps one-input MLPs.
    task : RetrievalTask
        With ``query_dim = key_dim = 1``.
    utility_curvature : (float, float)
        Bounds on :math:`\sup|\partial_x^2 u|` and
        :math:`\sup|\partial_y^2 u|` (derived by hand for the task).
    grid : int
        Nodes per axis (``linspace`` over each interval, ends included).
    chunk : int
        Query nodes per block of the grid evaluation (memory bound).

    Returns
    -------
    SupErrorCertificate

    Examples
    --------
    >>> task = nearest_key_task(low=0.0, high=1.0)  # u = -(x - y)^2
    >>> model = QueryKeyAttention(MLP(1, 2, width=4, seed=0),
    ...                           MLP(1, 2, width=4, seed=1))
    >>> c = certify_sup_error(model, task, utility_curvature=(2.0, 2.0),
    ...                       grid=101)
    >>> bool(c.grid_max <= c.bound)
    True
    """
    if not isinstance(model, AsymmetricInnerProduct):
        raise ValueError("model must be an AsymmetricInnerProduct (e.g. a "
                         f"QueryKeyAttention); got {type(model).__name__}")
    if not isinstance(task, RetrievalTask):
        raise ValueError(
            f"task must be a RetrievalTask; got {type(task).__name__}")
    if task.query_dim != 1 or task.key_dim != 1:
        raise ValueError(
            "certify_sup_error needs one-dimensional queries and keys; got "
            f"query_dim={task.query_dim}, key_dim={task.key_dim}")
    if len(utility_curvature) != 2:
        raise ValueError("utility_curvature must be a pair (C_x, C_y); got "
                         f"{utility_curvature!r}")
    ux, uy = (check_positive(v, f"utility_curvature[{i}]", strict=False)
              for i, v in enumerate(utility_curvature))
    n = check_int(grid, "grid", minimum=2)
    step = check_int(chunk, "chunk", minimum=1)
    tx = np.linspace(*task.query_box, n)[:, None]
    ty = np.linspace(*task.key_box, n)[:, None]
    hx = (task.query_box[1] - task.query_box[0]) / (n - 1)
    hy = (task.key_box[1] - task.key_box[0]) / (n - 1)
    fq, fk = model.phi.features(tx), model.psi.features(ty)
    top = 0.0
    for start in range(0, n, step):
        block = fq[start:start + step] @ fk.T
        block -= task.relation(tx[start:start + step], ty)
        top = max(top, float(np.abs(block).max()))
    (p_q, q_q), (p_k, q_k) = (mlp_derivative_bounds(model.phi),
                              mlp_derivative_bounds(model.psi))
    norm_q = float(np.linalg.norm(fq, axis=1).max()) + p_q * hx / 2
    norm_k = float(np.linalg.norm(fk, axis=1).max()) + p_k * hy / 2
    curvature = (q_q * norm_k + ux, q_k * norm_q + uy)
    bound = grid_sup_bound(top, (hx, hy), curvature=curvature)
    return SupErrorCertificate(top, bound, hx, curvature)


# ---------------------------------------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------------------------------------


def plot_selection_error(
    curves: Mapping[str, tuple[ArrayLike, ArrayLike]],
    *,
    points: Mapping[str, tuple[ArrayLike, ArrayLike]] | None = None,
    vlines: Mapping[str, float] | None = None,
    xlabel: str = r"inverse temperature $\beta$",
    title: str = "Weight off the selected key",
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    r"""Selection error :math:`1 - \alpha_{i^*}` on a log scale: bound curves as lines, instances as dots.

    Parameters
    ----------
    curves : mapping label -> (x, y)
        Drawn as lines.
    points : mapping label -> (x, y), optional
        Drawn as small markers (e.g. random instances).
    vlines : mapping label -> x, optional
        Vertical dashed lines (e.g. :func:`min_beta`).

    Returns
    -------
    (fig, ax)
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.8, 3.6))
    else:
        fig = ax.figure
    for (label, (x, y)), style in zip(curves.items(), ["-", "--", "-.", ":"] * 4, strict=False):
        ax.plot(as_float_array(x, f"curves[{label!r}] x"), as_float_array(y, f"curves[{label!r}] y"),
                style, label=label)
    for label, (x, y) in (points or {}).items():
        ax.plot(as_float_array(x, f"points[{label!r}] x"), as_float_array(y, f"points[{label!r}] y"),
                ".", markersize=3, alpha=0.5, label=label)
    for (label, x), color in zip((vlines or {}).items(), ["#333333", "#CC79A7", "#009E73"] * 3, strict=False):
        ax.axvline(check_real(x, f"vlines[{label!r}]"), linestyle="--", linewidth=1, color=color, label=label)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"$1 - \alpha_{i^*}$")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig, ax


def plot_retrieval_instance(
    key_grid: ArrayLike,
    curves: Mapping[str, ArrayLike],
    keys: ArrayLike,
    weights: ArrayLike,
    selected: int,
    *,
    title: str = "One query and its keys",
) -> tuple[Figure, NDArray[np.object_]]:
    r"""One query's utility (and scores) over 1-D keys, and the attention weights on its keys.

    Parameters
    ----------
    key_grid : array_like, shape (G,)
        Key positions where the curves are drawn.
    curves : mapping label -> array_like of shape (G,)
        E.g. the utility :math:`u(x, \cdot)` and the learned score :math:`s(x, \cdot)`.
    keys : array_like, shape (n,)
        The key set :math:`y_1, \dots, y_n` (1-D).
    weights : array_like, shape (n,)
        Attention weights :math:`\alpha_i(x)`.
    selected : int
        Index of the preferred key.

    Returns
    -------
    (fig, axes)
    """
    grid = as_float_array(key_grid, "key_grid", ndim=1)
    y = as_float_array(keys, "keys").ravel()
    a = as_float_array(weights, "weights", ndim=1)
    if a.shape != y.shape:
        raise ValueError(f"weights must have one entry per key ({y.size}); got shape {a.shape}")
    i = check_int(selected, "selected", minimum=0, maximum=y.size - 1)
    fig, axes = plt.subplots(2, 1, figsize=(5.8, 4.4), sharex=True, height_ratios=[3, 2])
    for label, values in curves.items():
        v = as_float_array(values, f"curves[{label!r}]", ndim=1)
        if v.shape != grid.shape:
            raise ValueError(f"curves[{label!r}] must have the shape of key_grid {grid.shape}; got {v.shape}")
        axes[0].plot(grid, v, label=label)
    for yi in y:
        axes[0].axvline(yi, color="#999999", linewidth=0.6)
    axes[0].axvline(y[i], color="#000000", linestyle="--", linewidth=1.2, label="preferred key")
    axes[0].set_ylabel("utility / score")
    axes[0].set_title(title)
    axes[0].legend(fontsize=8)
    axes[1].vlines(y, 0, a, color="#0072B2")
    axes[1].plot(y, a, "o", color="#0072B2", markersize=4, label=r"$\alpha_i(x)$")
    axes[1].set_ylim(0, 1.05)
    axes[1].set_xlabel("key $y$")
    axes[1].set_ylabel("attention weight")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    return fig, axes


def plot_attention_2d(
    query: ArrayLike,
    keys: ArrayLike,
    weights: ArrayLike,
    selected: int,
    *,
    title: str = "Attention weights on keys in the plane",
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    r"""One query and its keys in :math:`\mathbb R^2`, each key's disc sized and coloured by its weight.

    Parameters
    ----------
    query : array_like, shape (2,) or (1, 2)
    keys : array_like, shape (n, 2)
    weights : array_like, shape (n,)
        Attention weights :math:`\alpha_i(x)`.
    selected : int
        Index of the preferred key (circled).

    Returns
    -------
    (fig, ax)
    """
    x = as_float_array(query, "query").reshape(-1)
    y = as_float_array(keys, "keys", ndim=2)
    a = as_float_array(weights, "weights", ndim=1)
    if x.shape != (2,) or y.shape[1] != 2 or a.shape != (y.shape[0],):
        raise ValueError(
            f"need query (2,), keys (n, 2) and weights (n,); got {x.shape}, {y.shape} and {a.shape}"
        )
    i = check_int(selected, "selected", minimum=0, maximum=y.shape[0] - 1)
    if ax is None:
        fig, ax = plt.subplots(figsize=(3.6, 3.4))
    else:
        fig = ax.figure
    image = ax.scatter(y[:, 0], y[:, 1], s=20 + 280 * a, c=a, cmap="viridis", vmin=0, vmax=1,
                       edgecolors="#333333", linewidths=0.5, label="keys")
    ax.plot(*y[i], "o", markersize=19, markerfacecolor="none", markeredgecolor="#D55E00", label="preferred key")
    ax.plot(*x, "*", markersize=12, color="#000000", label="query")
    ax.set_aspect("equal")
    ax.set_xlabel("$y_1$")
    ax.set_ylabel("$y_2$")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="lower left", markerscale=0.5)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=r"$\alpha_i(x)$")
    return fig, ax
