r"""Debreu's constructions on the continuum: orders on points, utilities built from a measure, dyadic grids.

Relations on points are boolean functions ``leq(X, Y=None)`` (:data:`OrderFn`): ``leq(X, Y)[i, j]`` is
:math:`x_i \preccurlyeq y_j`.  This module carries the constructions of the continuous case of Debreu's theorem:
the lexicographic order (:func:`lexicographic_order`), which has no utility at all; the relation of a utility
(:func:`utility_relation`); the measure-based utility :math:`u(y) = \mu\{z : z \prec y\}`
(:func:`measure_utility`, :func:`uniform_sum_utility`) and its version for a family of preorders indexed by a
query (:func:`parametric_measure_utility`, :func:`target_distance_utility`); the dyadic grids and the rationals
between two reals used to enumerate a dense set (:func:`dyadic_grid`, :func:`rational_between`).  The finite
preorder and the enumeration constructions (dyadic utility, open-gap repair) are in :mod:`relnb.preorder`.

Introduced in the chapter "Preorders and Debreu's theorem"; the attention chapter uses the measure utility of
a family of preorders.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import (
    as_float_array,
    as_points,
    check_callable,
    check_int,
    check_positive,
    check_real,
    check_size,
    points_pair,
)
from relnb.preorder import _as_real_list, _transitivity_witness

__all__ = [
    "MeasureUtilityValues",
    "OrderFn",
    "Score",
    "dyadic_grid",
    "lexicographic_order",
    "measure_utility",
    "parametric_measure_utility",
    "rational_between",
    "relation_matrix",
    "strictly_below",
    "target_distance_utility",
    "uniform_sum_utility",
    "utility_relation",
]


#: A relation on points: ``relation(A, B)`` is the ``(len(A), len(B))`` boolean matrix of :math:`a_i \preccurlyeq b_j`.
OrderFn = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.bool_]]


def lexicographic_order(X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.bool_]:
    r"""The lexicographic order: :math:`x \preccurlyeq y` iff :math:`x = y` or x is smaller at the first difference.

    .. math::

        x \preccurlyeq_{\mathrm{lex}} y \iff x_1 < y_1 \ \text{or}\ (x_1 = y_1 \text{ and } x_2 \le y_2)
        \qquad (m = 2).

    Complete and transitive, but not continuous, and on :math:`[0,1]^2` represented
    by no utility at all.

    Parameters
    ----------
    X : array_like, shape (n, m)
    Y : array_like, shape (k, m), optional (default ``X``)

    Returns
    -------
    numpy.ndarray of bool, shape (n, k)
        Entry ``[i, j]`` is :math:`x_i \preccurlyeq_{\mathrm{lex}} y_j`.

    Examples
    --------
    >>> lexicographic_order([[0.5, 1.0]], [[0.5, 0.0], [0.6, 0.0]]).tolist()
    [[False, True]]
    """
    x, y = points_pair(X, Y, itemsize=None)
    check_size((x.shape[0], y.shape[0], x.shape[1]), "the coordinate differences y_j - x_i")
    sign = np.sign(y[None, :, :] - x[:, None, :])
    nonzero = sign != 0
    first = np.argmax(nonzero, axis=2)
    first_sign = np.take_along_axis(sign, first[:, :, None], axis=2)[:, :, 0]
    return first_sign >= 0  # all coordinates equal gives sign 0: x = y, so x ≼ y


def utility_relation(f: Callable[[NDArray[np.float64]], ArrayLike]) -> OrderFn:
    r"""The relation :math:`x \preccurlyeq y \iff f(x) \le f(y)` of a utility on points, as a function ``(X, Y=None)``.

    Parameters
    ----------
    f : callable
        Maps points of shape ``(n, m)`` to ``n`` finite real values.

    Examples
    --------
    >>> leq = utility_relation(lambda p: p.sum(axis=1))
    >>> leq([[0.2, 0.3]], [[0.1, 0.1], [0.5, 0.5]]).tolist()
    [[False, True]]
    """
    if not callable(f):
        raise ValueError(f"f must be callable; got {type(f).__name__}")

    def relation(X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.bool_]:
        x, y = points_pair(X, Y, itemsize=1)
        fx = as_float_array(f(x), "f(X)", ndim=1)
        fy = fx if Y is None else as_float_array(f(y), "f(Y)", ndim=1)
        if fx.shape[0] != x.shape[0] or fy.shape[0] != y.shape[0]:
            raise ValueError(f"f must return one value per point; got {fx.shape[0]} values for {x.shape[0]} points")
        return fx[:, None] <= fy[None, :]

    return relation


def relation_matrix(relation: OrderFn, A: NDArray[np.float64], B: NDArray[np.float64]) -> NDArray[np.bool_]:
    check_callable(relation, "relation", "relation(A, B) -> boolean (n_A, n_B)")
    A, B = as_points(A, "A"), as_points(B, "B")
    check_size((A.shape[0], B.shape[0]), "relation(A, B)", itemsize=1)
    r = np.asarray(relation(A, B))
    if r.shape != (A.shape[0], B.shape[0]):
        raise ValueError(
            f"relation(A, B) must return a matrix of shape ({A.shape[0]}, {B.shape[0]}); got shape {r.shape}"
        )
    if r.dtype != np.bool_:
        raise ValueError(f"relation(A, B) must return a boolean matrix; got dtype {r.dtype}")
    return r


#: Points of each set on which :func:`strictly_below` and :func:`measure_utility` check that the
#: relation is a preorder (a (2 * 128)^2 relation matrix and one boolean matrix product: cheap).
PREORDER_SAMPLE = 128


def _check_preorder_on_sample(relation: OrderFn, a: NDArray[np.float64], b: NDArray[np.float64]) -> None:
    """Raise with a witness unless ``relation`` is reflexive and transitive on the first points of a and b.

    "Strictly below" and the measure utility are meaningful for a preorder only: a cyclic relation
    would give a constant "utility" without a word.  A sample can refute, never certify.
    """
    points = np.vstack([a[:PREORDER_SAMPLE], b[:PREORDER_SAMPLE]])
    r = relation_matrix(relation, points, points)
    missing = np.flatnonzero(~np.diagonal(r))
    if missing.size:
        p = points[int(missing[0])]
        raise ValueError(f"relation must be a preorder (reflexive); got not p ≼ p for p = {p.tolist()}")
    witness = _transitivity_witness(r)
    if witness is not None:
        i, j, k = (points[t].tolist() for t in witness)
        raise ValueError(
            f"relation must be a preorder (transitive); got p ≼ q and q ≼ s but not p ≼ s "
            f"for p = {i}, q = {j}, s = {k}"
        )


def strictly_below(relation: OrderFn, Z: ArrayLike, Y: ArrayLike) -> NDArray[np.bool_]:
    r"""The matrix of :math:`z_k \prec y_i`: :math:`z_k \preccurlyeq y_i` and not :math:`y_i \preccurlyeq z_k`.

    Parameters
    ----------
    relation : callable
        ``relation(A, B)`` is the boolean matrix of :math:`a \preccurlyeq b`.
    Z : array_like, shape (N, m)
    Y : array_like, shape (n, m)

    Returns
    -------
    numpy.ndarray of bool, shape (n, N)

    Examples
    --------
    >>> strictly_below(lexicographic_order, [[0.0, 1.0], [1.0, 0.0]], [[0.5, 0.5]]).tolist()
    [[True, False]]
    """
    if not callable(relation):
        raise ValueError(f"relation must be callable; got {type(relation).__name__}")
    z, y = points_pair(Z, Y, itemsize=1, names=("Z", "Y"))
    _check_preorder_on_sample(relation, z, y)
    return relation_matrix(relation, z, y).T & ~relation_matrix(relation, y, z)


def measure_utility(
    Y: ArrayLike, relation: OrderFn, Z: ArrayLike, weights: ArrayLike | None = None, *, chunk: int = 4_000_000
) -> NDArray[np.float64]:
    r"""The measure-based utility :math:`u(y) = \mu\{z : z \prec y\}` of a discrete (or sampled) measure.

    .. math::

        u(y_i) = \sum_{k} w_k\, \mathbf 1\{z_k \prec y_i\}, \qquad \mu = \sum_k w_k \delta_{z_k}.

    With ``weights=None`` the :math:`z_k` are read as :math:`M` independent samples
    of :math:`\mu` (:math:`w_k = 1/M`): a Monte Carlo estimate with standard error
    :math:`\sqrt{u(1-u)/M}`.  With weights it is the exact value for that discrete measure.

    Parameters
    ----------
    Y : array_like, shape (n, m)
        Points at which to evaluate :math:`u`.
    relation : callable
        ``relation(A, B)`` is the boolean matrix of :math:`a \preccurlyeq b`.
    Z : array_like, shape (M, m)
        Atoms (or samples) of :math:`\mu`.
    weights : array_like, shape (M,), optional
        Non-negative weights of the atoms (any total mass); default :math:`1/M` each.
    chunk : int
        Largest number of (y, z) pairs compared at once (memory bound).

    Returns
    -------
    numpy.ndarray, shape (n,)

    Examples
    --------
    >>> leq = utility_relation(lambda p: p[:, 0])
    >>> measure_utility([[0.5], [2.0]], leq, [[0.0], [1.0], [1.0], [3.0]]).tolist()
    [0.25, 0.75]
    """
    if not callable(relation):
        raise ValueError(f"relation must be callable; got {type(relation).__name__}")
    y, z = points_pair(Y, Z, itemsize=None, names=("Y", "Z"))  # chunked below
    _check_preorder_on_sample(relation, z, y)
    m = z.shape[0]
    if weights is None:
        w = np.full(m, 1.0 / m)
    else:
        w = as_float_array(weights, "weights", ndim=1)
        if w.shape[0] != m:
            raise ValueError(f"weights must have one entry per atom of Z ({m}); got {w.shape[0]}")
        if (w < 0).any():
            index = int(np.argmax(w < 0))
            raise ValueError(f"weights must be non-negative; got {w[index]} at index {index}")
    step = max(1, check_int(chunk, "chunk", minimum=1) // y.shape[0])
    total = np.zeros(y.shape[0])
    for start in range(0, m, step):
        block = z[start : start + step]
        below = relation_matrix(relation, block, y).T & ~relation_matrix(relation, y, block)
        total += below.astype(np.float64) @ w[start : start + step]
    return total


def uniform_sum_utility(Y: ArrayLike, side: float = 1.0) -> NDArray[np.float64]:
    r"""Exact measure-based utility of :math:`y_1 + y_2` for :math:`\mu` uniform on :math:`[0, a]^2`.

    .. math::

        u(y) = \mu\{z : z_1 + z_2 < y_1 + y_2\} = F\big((y_1 + y_2)/a\big), \qquad
        F(t) = \begin{cases} 0 & t \le 0 \\ t^2/2 & 0 \le t \le 1 \\
               1 - (2-t)^2/2 & 1 \le t \le 2 \\ 1 & t \ge 2 \end{cases}

    with :math:`a` = ``side`` and :math:`F` the distribution function of the sum of
    two independent uniform variables on :math:`[0, 1]`.

    Parameters
    ----------
    Y : array_like, shape (n, 2)
    side : float
        Side :math:`a > 0` of the square carrying :math:`\mu`.

    Examples
    --------
    >>> uniform_sum_utility([[0.5, 0.5], [0.25, 0.25], [1.0, 1.0]]).tolist()
    [0.5, 0.125, 1.0]
    """
    y = as_points(Y, "Y", dim=2)
    a = check_positive(side, "side")
    t = np.clip(y.sum(axis=1) / a, 0.0, 2.0)
    return np.where(t <= 1.0, t**2 / 2, 1.0 - (2.0 - t) ** 2 / 2)


#: A score ``score(x, y)`` in the convention of
#: :class:`relnb.retrieval.RetrievalTask`: arrays of shapes ``(..., m_x)`` and
#: ``(..., 1)`` in, the broadcast shape ``(...)`` out.
Score = Callable[[NDArray[np.float64], NDArray[np.float64]], ArrayLike]


@dataclass(frozen=True, repr=False)
class MeasureUtilityValues:
    r"""Values of a parametric measure utility with an error bound.

    The bound holds whenever every strict lower set is a union of at most
    :math:`J` intervals; the routine detects some violations of this
    hypothesis but cannot confirm it (components narrower than the
    spacing of the midpoints are invisible).

    Attributes
    ----------
    values : numpy.ndarray, shape (q, n)
        :math:`u_N(x_i, y_j)`, the quadrature values.
    error_bound : float
        :math:`\varepsilon` with :math:`|u_N - u| \le \varepsilon` at every
        entry, where :math:`u(x, y) = \mu\{z : z \prec_x y\}` is exact.
    nodes : int
        :math:`N`, the number of midpoints of the uniform part.
    intervals : int
        :math:`J`, the number of intervals assumed for strict lower sets.
    """

    values: NDArray[np.float64]
    error_bound: float
    nodes: int
    intervals: int

    def __repr__(self) -> str:
        q, n = self.values.shape
        return (f"MeasureUtilityValues(queries={q}, keys={n}, "
                f"nodes={self.nodes}, error_bound={self.error_bound:.3g})")


def _interval(support: tuple[float, float], name: str) -> tuple[float, float]:
    if isinstance(support, str | bytes) or np.ndim(support) != 1 or (
            len(support) != 2):
        raise ValueError(f"{name} must be a pair (low, high); "
                         f"got {support!r:.40}")
    low = check_real(support[0], f"{name}[0]")
    high = check_real(support[1], f"{name}[1]")
    if not low < high:
        raise ValueError(f"{name} must satisfy low < high; got {support!r}")
    return low, high


def _scores(score: Score, x: NDArray[np.float64], points: NDArray[np.float64],
            name: str) -> NDArray[np.float64]:
    """``score(x, p)`` for one query ``x`` (shape (m_x,)) and points (k, 1)."""
    value = as_float_array(score(x[None, :], points), f"score(x, {name})")
    if value.shape != (points.shape[0],):
        raise ValueError(
            f"score(x, {name}) must return one value per point, shape "
            f"({points.shape[0]},), for x of shape (1, m_x) and {name} of "
            f"shape ({points.shape[0]}, 1); got shape {value.shape}")
    return value


def parametric_measure_utility(
    score: Score,
    queries: ArrayLike,
    keys: ArrayLike,
    *,
    support: tuple[float, float] = (0.0, 1.0),
    nodes: int = 4096,
    intervals: int = 2,
    atoms: ArrayLike | None = None,
    atom_weights: ArrayLike | None = None,
) -> MeasureUtilityValues:
    r"""The measure utility :math:`\mu\{z : z \prec_x y\}` of a family of preorders.

    The preorders :math:`\preccurlyeq_x` on keys :math:`y \in \R` are given
    by a score, :math:`y \preccurlyeq_x y' \iff s(x, y) \le s(x, y')`; only
    the order of the scores is used.  The measure is

    .. math::

        \mu = (1 - w)\, \mathrm{Unif}[a, b] + \sum_k w_k \delta_{c_k},
        \qquad w = \sum_k w_k \le 1,

    and :math:`u(x, y) = \mu\{z : s(x, z) < s(x, y)\}`.  The atoms are
    counted exactly; the uniform part by the midpoint count

    .. math::

        u_N(x, y) = \frac{1 - w}{N}\, \#\{k : s(x, z_k) < s(x, y)\},
        \qquad z_k = a + (k + \tfrac12)\frac{b - a}{N},

    where :math:`a, b` are the ends of ``support``, :math:`N` = ``nodes``
    and :math:`c_k, w_k` are the atoms and their weights.  If every strict
    lower set :math:`\{z \in [a, b] : s(x, z) < s(x, y)\}` is a union of at
    most :math:`J` = ``intervals`` intervals, then (lemma "Counting
    midpoints" of the chapter)

    .. math::

        |u_N(x, y) - u(x, y)| \le (1 - w)\, J / N,

    up to the rounding of the score comparisons.  The hypothesis is checked
    where it can be: if the nodes below some key form more than :math:`J`
    runs, the set is no union of :math:`J` intervals and ``ValueError`` is
    raised.

    Parameters
    ----------
    score : callable
        :math:`s(x, y)`, elementwise with broadcasting: arrays of shapes
        ``(..., m_x)`` and ``(..., 1)`` in, shape ``(...)`` out (the
        convention of :class:`relnb.retrieval.RetrievalTask`).
    queries : array_like, shape (q, m_x) or (q,)
    keys : array_like, shape (n, 1) or (n,)
        Keys :math:`y_j`; they may lie outside ``support``.
    support : (float, float)
        :math:`[a, b]`, which carries the uniform part of :math:`\mu`.
    nodes : int
        :math:`N \ge 1`.
    intervals : int
        :math:`J \ge 1`.
    atoms : array_like, shape (r, 1) or (r,), optional
        Atom locations :math:`c_k`.
    atom_weights : array_like, shape (r,), optional
        :math:`w_k \ge 0` with :math:`\sum_k w_k \le 1` (required with
        ``atoms``).

    Returns
    -------
    MeasureUtilityValues
        ``values`` of shape (q, n) and ``error_bound``, certified when
        the strict lower sets are unions of at most :math:`J` intervals.

    Examples
    --------
    >>> near = lambda x, y: -np.abs(y[..., 0] - x[..., 0])
    >>> res = parametric_measure_utility(near, [0.5], [0.5, 0.0], nodes=8)
    >>> res.values.tolist(), res.error_bound
    ([[1.0, 0.0]], 0.25)

    See the chapter "Preorders and Debreu's theorem" (the theorem "A jointly
    continuous utility for a family of preorders"); the attention chapter
    uses it for its retrieval tasks.
    """
    if not callable(score):
        raise ValueError(
            f"score must be callable s(x, y); got {type(score).__name__}")
    x = as_points(queries, "queries")
    y = as_points(keys, "keys", dim=1)
    low, high = _interval(support, "support")
    n_nodes = check_int(nodes, "nodes", minimum=1, maximum=2**24)
    n_int = check_int(intervals, "intervals", minimum=1)
    if (atoms is None) != (atom_weights is None):
        raise ValueError("atoms and atom_weights must be given together; "
                         f"got atoms={atoms is not None}, "
                         f"atom_weights={atom_weights is not None}")
    c = np.empty((0, 1)) if atoms is None else as_points(atoms, "atoms",
                                                        dim=1)
    w = np.empty(0) if atom_weights is None else as_float_array(
        atom_weights, "atom_weights", ndim=1)
    if w.shape[0] != c.shape[0]:
        raise ValueError(f"atom_weights must have one entry per atom "
                         f"({c.shape[0]}); got {w.shape[0]}")
    if (w < 0).any():
        k = int(np.argmax(w < 0))
        raise ValueError(
            f"atom_weights must be non-negative; got {w[k]} at index {k}")
    if w.sum() > 1.0 + 1e-12:
        raise ValueError(f"atom_weights must sum to at most 1 (mu is a "
                         f"probability measure); got sum {w.sum():.17g}")
    mass = max(0.0, 1.0 - float(w.sum()))
    z = low + (np.arange(n_nodes)[:, None] + 0.5) * ((high - low) / n_nodes)
    check_size((x.shape[0], y.shape[0]), "the utility values u(x_i, y_j)")
    values = np.empty((x.shape[0], y.shape[0]))
    for i, xi in enumerate(x):
        s = _scores(score, xi, z, "nodes")
        t = _scores(score, xi, y, "keys")
        below = np.searchsorted(np.sort(s), t, side="left")  # #{k: s_k < t}
        runs = _runs_below(s, t, below)
        if (runs > n_int).any():
            j = int(np.argmax(runs > n_int))
            raise ValueError(
                f"the strict lower set of key {j} (y = {y[j, 0]:.6g}) for "
                f"query {i} meets the nodes in {int(runs[j])} runs, so it "
                f"is no union of intervals={n_int} intervals; raise "
                "intervals")
        values[i] = mass * below / n_nodes
        if c.shape[0]:
            sc = _scores(score, xi, c, "atoms")
            values[i] += (sc[None, :] < t[:, None]).astype(float) @ w
    return MeasureUtilityValues(values, mass * n_int / n_nodes, n_nodes,
                                n_int)


def _runs_below(s: NDArray[np.float64], t: NDArray[np.float64],
                below: NDArray[np.int64]) -> NDArray[np.int64]:
    r"""Number of maximal runs of consecutive nodes with :math:`s_k < t`.

    A run starts at :math:`k` when :math:`s_k < t` and (:math:`k = 0` or
    :math:`s_{k-1} \ge t`), so the count is
    :math:`[s_0 < t] + \#\{k \ge 1 : s_k < t\}
    - \#\{k \ge 1 : \max(s_k, s_{k-1}) < t\}`.
    """
    both = np.sort(np.maximum(s[1:], s[:-1]))
    tail = below - (s[0] < t)  # #{k >= 1 : s_k < t}
    return (s[0] < t) + tail - np.searchsorted(both, t, side="left")


def target_distance_utility(
    targets: ArrayLike, keys: ArrayLike, *,
    support: tuple[float, float] = (0.0, 1.0),
) -> NDArray[np.float64]:
    r"""Exact measure utility of "nearer to the target is better", uniform mu.

    For the preorders :math:`y \preccurlyeq_x y' \iff |y - t(x)| \ge
    |y' - t(x)|` and :math:`\mu` uniform on :math:`[a, b]`,

    .. math::

        u(x, y) = \mu\{z : |z - t| > d\}
        = \frac{\operatorname{clip}(t - d) - a + b - \operatorname{clip}(t + d)}
               {b - a},
        \qquad d = |y - t|,

    where :math:`t = t(x)` is the target of the query, :math:`a, b` are the
    ends of ``support`` and :math:`\operatorname{clip}` clips to
    :math:`[a, b]`.  It is Lipschitz with constant :math:`2/(b - a)` in
    :math:`t` and in :math:`y` separately.

    Parameters
    ----------
    targets : array_like, shape (q,)
        :math:`t(x_i)`, one target per query.
    keys : array_like, shape (n,) or (n, 1)
    support : (float, float)
        :math:`[a, b]`.

    Returns
    -------
    numpy.ndarray, shape (q, n)

    Examples
    --------
    >>> target_distance_utility([0.5], [0.5, 0.0, 0.25]).tolist()
    [[1.0, 0.0, 0.5]]

    See the chapter "Preorders and Debreu's theorem".
    """
    t = as_float_array(targets, "targets", ndim=1)[:, None]
    y = as_points(keys, "keys", dim=1)[:, 0][None, :]
    low, high = _interval(support, "support")
    check_size((t.shape[0], y.shape[1]), "the utility values u(x_i, y_j)")
    d = np.abs(y - t)
    inside = (np.clip(t - d, low, high) - low) + (high - np.clip(t + d, low,
                                                                 high))
    return inside / (high - low)


def dyadic_grid(level: int, dim: int = 2) -> NDArray[np.float64]:
    r"""The dyadic points of :math:`[0,1]^m` up to a level, enumerated level by level.

    .. math::

        Z_L = \{2^{-L} k : k \in \{0, \dots, 2^L\}^m\}, \qquad
        Z_0 \subset Z_1 \subset \dots, \qquad \bigcup_L Z_L \ \text{dense in}\ [0,1]^m ,

    listed as :math:`Z_0`, then :math:`Z_1 \setminus Z_0`, then :math:`Z_2 \setminus Z_1`, ...
    (in lexicographic order within a level), so that the first
    :math:`(2^l + 1)^m` points are :math:`Z_l`: a prefix of one enumeration of a countable dense set.

    Parameters
    ----------
    level : int
        :math:`L \ge 0`.
    dim : int
        :math:`m \ge 1`.

    Returns
    -------
    numpy.ndarray, shape ((2^L + 1)^m, m)
        Exact dyadic coordinates.

    Examples
    --------
    >>> dyadic_grid(1, dim=1).ravel().tolist()
    [0.0, 1.0, 0.5]
    >>> dyadic_grid(1).shape
    (9, 2)
    """
    top = check_int(level, "level", minimum=0, maximum=20)
    m = check_int(dim, "dim", minimum=1, maximum=3)
    # the product, not each factor: the integer points and their levels, int64 each
    check_size(((2**top + 1) ** m, 2 * m), "the dyadic grid's integer coordinates and levels")
    axis = np.arange(2**top + 1)
    # integer coordinates on the finest grid, in lexicographic order (first coordinate slowest)
    points = np.stack(np.meshgrid(*([axis] * m), indexing="ij"), axis=-1).reshape(-1, m)
    # the level of a point is the smallest l with every coordinate a multiple of 2^(top - l)
    trailing = np.full(points.shape, top)
    for bit in range(top):
        odd = ((points >> bit) & 1 == 1) & (trailing == top)
        trailing[odd] = bit
    point_level = top - trailing.min(axis=1)
    order = np.argsort(point_level, kind="stable")
    return points[order] / 2**top


def rational_between(low: numbers.Real, high: numbers.Real) -> Fraction:
    r"""The simplest rational in the open interval :math:`(\mathrm{low}, \mathrm{high})`: smallest denominator.

    Found by descending the Stern--Brocot tree (the continued-fraction recursion)

    .. math::

        q(a, b) = \begin{cases} \lfloor a \rfloor + 1 & \text{if } \lfloor a \rfloor + 1 < b, \\
        n + 1 / q\big(1/(b - n),\ 1/(a - n)\big) & \text{otherwise, with } n = \lfloor a \rfloor,
        \end{cases}

    where :math:`1/0 = \infty`, computed exactly (``low`` and ``high`` may be floats, ints or
    ``Fraction``).  The impossibility argument for the lexicographic order picks one rational
    in each of uncountably many disjoint intervals; this makes the choice concrete.

    Parameters
    ----------
    low, high : real numbers with low < high

    Returns
    -------
    fractions.Fraction

    Examples
    --------
    >>> rational_between(0.3, 0.35), rational_between(Fraction(1, 3), Fraction(1, 2))
    (Fraction(1, 3), Fraction(2, 5))
    """
    a, b = (Fraction(v) for v in _as_real_list([low, high], "[low, high]"))
    if not a < b:
        raise ValueError(f"low must be < high (a non-empty open interval); got low={low}, high={high}")
    return _simplest_rational(a, b)


def _simplest_rational(a: Fraction, b: Fraction | None) -> Fraction:
    """Simplest rational in (a, b); ``b=None`` means +infinity.

    The recursion of :func:`rational_between` unrolled into a loop (its depth is the length of the
    continued fraction, unbounded for Fraction inputs: no RecursionError), then folded back.
    """
    terms: list[int] = []
    while True:
        n = math.floor(a)
        if b is None or n + 1 < b:
            value = Fraction(n + 1)
            break
        # now n <= a < b <= n + 1: write x = n + 1/y with y in (1/(b - n), 1/(a - n))
        terms.append(n)
        a, b = 1 / (b - n), None if a == n else 1 / (a - n)
    for n in reversed(terms):
        value = n + 1 / value
    return value
