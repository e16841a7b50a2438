r"""Retrieval tasks: queries prefer keys by a utility :math:`u(x, y)`; instances with a controlled gap; reports.

A :class:`RetrievalTask` describes a query-dependent preference over keys by a utility,
:math:`y \preccurlyeq_x y' \iff u(x, y) \le u(x, y')`, and samples (query, key set) instances whose best key
wins by at least a gap.  The task factories build the tasks of the chapter (:func:`nearest_key_task`,
:func:`moving_target_task`, and the counterexamples :func:`switching_target_task`, :func:`moving_bump_task`);
:func:`retrieval_report` measures how a learned score retrieves against the selection bound of
:mod:`relnb.attention`.  numpy only; see the chapter "Attention approximates preorder retrieval".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import (
    as_float_array,
    as_points,
    check_int,
    check_open_unit,
    check_positive,
    check_real,
    check_size,
    finite_output,
)
from relnb.attention import min_beta, required_beta, selection_error
from relnb.preorder import Preorder
from relnb.quadrature import tensor_rule

__all__ = [
    "RetrievalBatch",
    "RetrievalReport",
    "RetrievalTask",
    "instance_scores",
    "lift_key",
    "lift_query",
    "moving_bump_task",
    "moving_target",
    "moving_target_task",
    "nearest_key_task",
    "retrieval_report",
    "switching_target_task",
]

Utility = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


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
    with np.errstate(over="ignore"):
        features = np.hstack([-np.sum(x**2, axis=1, keepdims=True), 2.0 * x, np.ones((x.shape[0], 1))])
    return finite_output(features, "lift_query(X)")


def lift_key(Y: ArrayLike) -> NDArray[np.float64]:
    r"""Key features :math:`\phi_k(y) = (1, y, -\|y\|^2)` of nearest-key retrieval (see :func:`lift_query`).

    Examples
    --------
    >>> lift_key([[1.0, 2.0]])
    array([[ 1.,  1.,  2., -5.]])
    """
    y = as_points(Y, "Y")
    with np.errstate(over="ignore"):
        features = np.hstack([np.ones((y.shape[0], 1)), y, -np.sum(y**2, axis=1, keepdims=True)])
    return finite_output(features, "lift_key(Y)")


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
        corner = []
        for label, box in (("query_box", self.query_box), ("key_box", self.key_box)):
            if len(box) != 2:
                raise ValueError(f"{label} must be a pair (low, high); got {box!r}")
            low, high = check_real(box[0], f"{label}[0]"), check_real(box[1], f"{label}[1]")
            if not low < high:
                raise ValueError(f"{label} must satisfy low < high (a non-empty interval); got {box!r}")
            corner.append(low)
        self._evaluate(np.full((1, self.query_dim), corner[0]), np.full((1, self.key_dim), corner[1]))  # probe

    def _evaluate(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        value = as_float_array(self.utility(x, y), f"utility of task {self.name!r}")  # real and finite
        expected = np.broadcast_shapes(x.shape[:-1], y.shape[:-1])
        if value.shape != expected:
            raise ValueError(f"utility(x, y) must have the broadcast shape {expected}; got {value.shape}")
        return value

    def relation(self, X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.float64]:
        r"""The utility as a relation function ``r(X, Y) -> (q, n)`` with ``r[i, j] = u(x_i, y_j)``.

        Same calling convention as :mod:`relnb.relations` (``Y=None`` means ``Y = X``), so
        :func:`relnb.training.fit_relation` trains on it directly.
        """
        x = as_points(X, "X", dim=self.query_dim)
        y = x if Y is None else as_points(Y, "Y", dim=self.key_dim)
        if Y is None and self.query_dim != self.key_dim:
            raise ValueError(f"Y=None needs query_dim == key_dim; got {self.query_dim} and {self.key_dim}")
        check_size((x.shape[0], y.shape[0], max(x.shape[1], y.shape[1])), "the utility's broadcast pairs (x_i, y_j)")
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
        :func:`relnb.training.fit_relation` trains on.
        """
        n_query = check_int(n_query, "n_query", minimum=1)
        n_key = n_query if n_key is None else check_int(n_key, "n_key", minimum=1)
        return (*tensor_rule(n_query, self.query_box, self.query_dim),
                *tensor_rule(n_key, self.key_box, self.key_dim))

    def preorder(self, query: ArrayLike, keys: ArrayLike) -> Preorder:
        r"""The preorder :math:`\preccurlyeq_x` of one query on a key set.

        Returned as a :class:`relnb.preorder.Preorder`.
        """
        x = as_points(query, "query", dim=self.query_dim)
        if x.shape[0] != 1:
            raise ValueError(f"query must be a single point; got {x.shape[0]} points")
        y = as_points(keys, "keys", dim=self.key_dim)
        return Preorder.from_utility(self.relation(x, y)[0])


def nearest_key_task(dim: int = 1, low: float = -1.0, high: float = 1.0) -> RetrievalTask:
    r"""Nearest-key retrieval on :math:`[a, b]^m`: :math:`u(x, y) = -\|x - y\|^2`.

    Exactly an inner product of lifted features (:func:`lift_query`, :func:`lift_key`), of rank :math:`m + 2`.

    Examples
    --------
    >>> nearest_key_task(dim=2).relation([[0.0, 0.0]], [[1.0, 1.0]])
    array([[-2.]])
    """
    dim = check_int(dim, "dim", minimum=1)
    low, high = check_real(low, "low"), check_real(high, "high")

    def utility(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        return -np.sum((x - y) ** 2, axis=-1)

    return RetrievalTask("nearest key", utility, dim, dim, (low, high), (low, high))


def _target(t: NDArray[np.float64]) -> NDArray[np.float64]:
    t = np.where(np.abs(t) >= 2.0**52, 0.0, t)  # such floats are integers, where T = T(0); 2 pi t may overflow
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
        :math:`i^*` (:func:`relnb.attention.required_beta`, maximised over the batch; ``nan`` if some argmax is wrong).
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
        """``bound_beta / measured_beta`` (how far the guarantee is from what the batch needs); if
        ``measured_beta = 0`` (two keys, eps >= 1/2): ``nan`` if ``bound_beta = 0`` too, else ``inf``."""
        if self.measured_beta == 0:
            return math.nan if self.bound_beta == 0 or math.isnan(self.bound_beta) else math.inf
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
    e = check_open_unit(eps, "eps")
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
