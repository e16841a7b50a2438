r"""Softmax attention and the exact selection bound.

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
key wins by a controlled gap (:mod:`relnb.retrieval`); the learned model is
:class:`relnb.inner_product.QueryKeyAttention`, and :mod:`relnb.certify` bounds its sup error.

numpy only (feature maps may be networks with a numpy ``features`` method); see the chapter
"Attention approximates preorder retrieval".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.special import expit, logsumexp

from relnb._validation import (
    as_float_array,
    as_points,
    check_int,
    check_open_unit,
    check_positive,
    check_real,
    check_size,
)

__all__ = [
    "AttentionResult",
    "attention_scores",
    "min_beta",
    "required_beta",
    "selection_error",
    "selection_error_bound",
    "softmax_attention",
    "softmax_weights",
    "worst_case_scores",
]

FeatureMap = Callable[[NDArray[np.float64]], ArrayLike]


class Network(Protocol):
    """A trained feature map with a numpy entry point, e.g. :class:`relnb.inner_product.MLP`."""

    def features(self, X: ArrayLike) -> NDArray[np.float64]: ...  # pragma: no cover

Utility = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


# ---------------------------------------------------------------------------------------------------------
# private checks
# ---------------------------------------------------------------------------------------------------------


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


def _scaled(scores: NDArray[np.float64], beta: float) -> NDArray[np.float64]:
    """:math:`\beta s` for a validated :math:`\beta \\ge 0`, checked to be finite in float64."""
    b = check_positive(beta, "beta", strict=False)
    with np.errstate(over="ignore", invalid="ignore"):
        z = b * scores
    if not np.isfinite(z).all():
        raise ValueError(
            f"beta * scores must be finite in float64; got beta={b:g} and largest |score| {np.abs(scores).max():g}"
        )
    return z


def _check_beta_finite(beta: NDArray[np.float64], gap: NDArray[np.float64], name: str) -> None:
    """A temperature ``log(...) / gap`` that overflows float64 has no representable value: say so."""
    bad = ~np.isfinite(beta)
    if bad.any():
        index = int(np.argmax(bad.ravel()))
        raise ValueError(
            f"{name} is too small for a finite temperature: beta = log(...) / {name} overflows float64 "
            f"at {name} = {np.ravel(gap)[index]:.3g} (the gap must exceed about 1e-306)"
        )


def _scalar_or_array(array: NDArray[np.float64]) -> float | NDArray[np.float64]:
    return float(array) if array.ndim == 0 else array


def _features(phi: FeatureMap | Network | None, points: NDArray[np.float64], name: str) -> NDArray[np.float64]:
    """Evaluate a feature map on ``(N, m)`` points and check it returns an ``(N, d)`` finite array."""
    if phi is None:
        return points
    if callable(getattr(phi, "features", None)):  # a network (relnb.inner_product.MLP): numpy in, numpy out
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
    z = _scaled(s, beta)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def attention_scores(
    queries: ArrayLike,
    keys: ArrayLike,
    *,
    phi_q: FeatureMap | Network | None = None,
    phi_k: FeatureMap | Network | None = None,
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
    check_size((q.shape[0], n), "the attention scores")
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
    phi_q: FeatureMap | Network | None = None,
    phi_k: FeatureMap | Network | None = None,
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
    >>> from relnb.retrieval import lift_key, lift_query
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
    z = _scaled(s, beta)
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
    e = check_open_unit(eps, "eps")
    with np.errstate(over="ignore"):
        value = np.maximum((math.log(n - 1) + math.log1p(-e) - math.log(e)) / g, 0.0)
    _check_beta_finite(value, g, "gap")
    return _scalar_or_array(value)


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
    e = check_open_unit(eps, "eps")
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
        with np.errstate(over="ignore"):
            high = float(np.float64(math.log(n - 1) - target) / delta)
        _check_beta_finite(np.array([high]), np.array([delta]), f"score margin of row {row}")

        def log_f(b: float, margins: NDArray[np.float64] = margins) -> float:
            return float(logsumexp(-b * margins)) - target

        if log_f(high) >= 0.0:  # only when all margins are equal: the bracket's right end is the root
            out[row] = high
        else:
            out[row] = brentq(log_f, low, high, xtol=1e-300, rtol=1e-13) if log_f(low) > 0 else low
    return float(out[0]) if single else out
