r"""Preorders, utilities, and the constructions behind Debreu's representation theorem.

A *preorder* :math:`\preccurlyeq` on a set is a reflexive and transitive relation;
it is *complete* when any two items are comparable.  A *utility* represents it when

.. math::

    y \preccurlyeq z \iff u(y) \le u(z) \qquad \text{for all } y, z .

On a finite set of :math:`n` items a preorder is an ``(n, n)`` boolean matrix
:math:`R` with :math:`R_{ij}` true iff item :math:`i \preccurlyeq` item :math:`j`;
:class:`Preorder` validates it (with a witness when a law fails) and computes
utilities exactly.  The module-level functions carry the constructions of the
continuous case: the dyadic utility over an enumerated dense set, Debreu's
open-gap repair (:func:`gap_repair`), the measure-based utility
:math:`u(y) = \mu\{z : z \prec y\}` (:func:`measure_utility`) and the
lexicographic order (:func:`lexicographic_order`), which has no utility at all.

Everything that decides an order is computed exactly: dyadic utilities are
:class:`fractions.Fraction` values (float64 cannot separate :math:`2^{-n}` terms
beyond about 52 items), and comparisons of utilities are exact comparisons of
Python numbers.  Introduced in the chapter "Preorders and Debreu's theorem"; the
attention chapter builds its retrieval tasks on :class:`Preorder`.
"""

from __future__ import annotations

import bisect
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from relnb._validation import (
    as_float_array,
    as_points,
    check_int,
    check_positive,
    check_real,
    check_square,
)

__all__ = [
    "UTILITY_METHODS",
    "MeasureUtilityValues",
    "Preorder",
    "dyadic_grid",
    "dyadic_utility",
    "gap_repair",
    "lexicographic_order",
    "measure_utility",
    "midpoint_embedding",
    "parametric_measure_utility",
    "plot_contour_sets",
    "plot_intervals",
    "plot_paths",
    "plot_value_sets",
    "rational_between",
    "strictly_below",
    "target_distance_utility",
    "uniform_sum_utility",
    "utility_relation",
]

#: The utility constructions of :meth:`Preorder.utility`.
UTILITY_METHODS = ("dyadic", "rank", "count", "midpoint")

#: A relation on points: ``relation(A, B)`` is the ``(len(A), len(B))`` boolean matrix of :math:`a_i \preccurlyeq b_j`.
Relation = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.bool_]]


# ---------------------------------------------------------------------------
# exact comparisons of real numbers
# ---------------------------------------------------------------------------


def _exact_ranks(values: ArrayLike | Sequence[numbers.Real], name: str) -> NDArray[np.int64]:
    """Dense ranks (0 for the smallest value) of a 1-D sequence of reals, compared exactly.

    Numeric numpy arrays are ranked by numpy; anything else (lists of ``Fraction``,
    Python ``int`` beyond 64 bits, object arrays) is ranked with Python's exact comparisons.
    """
    if isinstance(values, str | bytes):
        raise ValueError(f"{name} must be a 1-D sequence of real numbers; got a string")
    if isinstance(values, np.ndarray) and values.dtype != object:
        array = as_float_array(values, name, ndim=1) if not np.issubdtype(values.dtype, np.integer) else values
        if array.ndim != 1 or array.shape[0] == 0:
            raise ValueError(f"{name} must be a non-empty 1-D sequence of real numbers; got shape {values.shape}")
        return np.unique(array, return_inverse=True)[1].astype(np.int64)
    try:
        items = list(np.asarray(values, dtype=object).ravel()) if np.ndim(values) == 1 else None
    except Exception:  # ragged input
        items = None
    if items is None:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of real numbers; got {values!r:.60}")
    if not items:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of real numbers; got an empty sequence")
    for index, value in enumerate(items):
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} must contain real numbers; got {value!r:.40} at index {index}")
        if not isinstance(value, numbers.Rational) and not math.isfinite(value):
            raise ValueError(f"{name} must be finite; got {value} at index {index}")
    order = {value: rank for rank, value in enumerate(sorted(set(items)))}
    return np.array([order[value] for value in items], dtype=np.int64)


def _describe_items(items: tuple[object, ...] | None, indices: Sequence[int]) -> str:
    if items is None:
        return ""
    shown = ", ".join(f"{i}: {items[i]!r:.30}" for i in dict.fromkeys(indices))
    return f" (items {shown})"


# ---------------------------------------------------------------------------
# the finite case
# ---------------------------------------------------------------------------


def _check_relation_matrix(relation: ArrayLike) -> NDArray[np.bool_]:
    if isinstance(relation, np.ndarray) and relation.dtype == np.bool_:
        if relation.ndim != 2 or relation.shape[0] != relation.shape[1] or relation.shape[0] == 0:
            raise ValueError(f"R must be a non-empty square (n, n) matrix; got shape {relation.shape}")
        return relation.copy()
    matrix = check_square(relation, "R")
    bad = (matrix != 0) & (matrix != 1)
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise ValueError(f"R must be boolean (True/False or 0/1); got R[{i}, {j}] = {matrix[i, j]:.6g}")
    return matrix == 1


def _transitivity_witness(relation: NDArray[np.bool_]) -> tuple[int, int, int] | None:
    """A triple (i, j, k) with i ≼ j, j ≼ k and not i ≼ k, or None if the relation is transitive.

    Complete relations are checked in O(n²): a complete relation is transitive iff
    it equals the order of the down-set sizes :math:`c_i = \\#\\{k : k ≼ i\\}`.  Others use one
    boolean matrix product (O(n³)).
    """
    r = relation
    if bool((r | r.T).all()):
        counts = r.sum(axis=0)
        mismatch = r != (counts[:, None] <= counts[None, :])
        if not mismatch.any():
            return None
        i, j = (int(k) for k in np.argwhere(mismatch)[0])
        a, b = (i, j) if r[i, j] else (j, i)  # a ≼ b holds and down(a) is not inside down(b)
        k = int(np.argmax(r[:, a] & ~r[:, b]))
        return k, a, b
    rf = r.astype(np.float64)
    violation = ((rf @ rf) > 0.5) & ~r
    if not violation.any():
        return None
    i, k = (int(t) for t in np.argwhere(violation)[0])
    j = int(np.argmax(r[i] & r[:, k]))
    return i, j, k


def dyadic_utility(below: ArrayLike) -> NDArray[np.object_]:
    r"""The dyadic utility of an enumerated set, computed exactly.

    .. math::

        u(y_i) = \sum_{k \,:\, z_k \prec y_i} 2^{-(k+1)}

    where :math:`z_0, z_1, \dots, z_{N-1}` is an enumeration of (a prefix of) a
    countable set and ``below[i, k]`` says whether :math:`z_k \prec y_i`.  The values
    are exact :class:`fractions.Fraction` numbers with denominator dividing :math:`2^N`.

    Parameters
    ----------
    below : array_like of bool, shape (n, N)
        ``below[i, k]`` is true iff the enumerated point :math:`z_k` is strictly below :math:`y_i`.

    Returns
    -------
    numpy.ndarray of Fraction, shape (n,)

    Examples
    --------
    >>> [str(v) for v in dyadic_utility([[False, False], [True, False], [True, True]])]
    ['0', '1/2', '3/4']

    See the chapter "Preorders and Debreu's theorem" (the countable construction).
    """
    b = np.asarray(below)
    if b.dtype != np.bool_:
        b = as_float_array(below, "below", ndim=2)
        bad = (b != 0) & (b != 1)
        if bad.any():
            i, k = (int(t) for t in np.argwhere(bad)[0])
            raise ValueError(f"below must be boolean (True/False or 0/1); got below[{i}, {k}] = {b[i, k]:.6g}")
        b = b == 1
    if b.ndim != 2:
        raise ValueError(f"below must be 2-dimensional (n, N); got shape {b.shape}")
    n, size = b.shape
    pad = (-size) % 8
    denominator = 1 << size
    packed = np.packbits(b, axis=1)  # most significant bit first: column k has weight 2^(size-1-k)
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = Fraction(int.from_bytes(packed[i].tobytes(), "big") >> pad, denominator)
    return out


def midpoint_embedding(values: ArrayLike | Sequence[numbers.Real]) -> NDArray[np.object_]:
    r"""Place an enumerated set of reals, one by one, at dyadic midpoints.

    For :math:`d_0, d_1, \dots` taken in order, :math:`\varphi(d_k)` is
    :math:`\varphi(d_j)` if :math:`d_k = d_j` for an earlier :math:`j`, and otherwise

    .. math::

        \varphi(d_k) = \tfrac12\big(\varphi(d^-) + \varphi(d^+)\big),

    where :math:`d^-` (:math:`d^+`) is the largest (smallest) earlier value below
    (above) :math:`d_k`, with :math:`\varphi = 0` (:math:`1`) when there is none.
    :math:`\varphi` is strictly increasing, takes dyadic values in :math:`(0, 1)`, and
    an interval between two placed values is halved each time a later point falls
    between them: the building block of the open-gap repair (:func:`gap_repair`).

    Parameters
    ----------
    values : sequence of real numbers, shape (N,)
        The enumeration :math:`d_0, d_1, \dots`, compared exactly (``Fraction`` allowed).

    Returns
    -------
    numpy.ndarray of Fraction, shape (N,)

    Examples
    --------
    >>> [str(v) for v in midpoint_embedding([0.3, 0.1, 0.2, 0.1, 0.9])]
    ['1/2', '1/4', '3/8', '1/4', '3/4']
    """
    ranks = _exact_ranks(values, "values")
    return _midpoints(ranks)


def _midpoints(ranks: NDArray[np.int64]) -> NDArray[np.object_]:
    placed: list[int] = []  # sorted ranks placed so far
    phi: dict[int, Fraction] = {}
    out = np.empty(ranks.shape[0], dtype=object)
    for index, rank in enumerate(int(r) for r in ranks):
        if rank not in phi:
            pos = bisect.bisect_left(placed, rank)
            low = phi[placed[pos - 1]] if pos > 0 else Fraction(0)
            high = phi[placed[pos]] if pos < len(placed) else Fraction(1)
            phi[rank] = (low + high) / 2
            placed.insert(pos, rank)
        out[index] = phi[rank]
    return out


def gap_repair(
    dense: ArrayLike | Sequence[numbers.Real], values: ArrayLike | Sequence[numbers.Real]
) -> NDArray[np.object_]:
    r"""Debreu's open-gap repair: a strictly increasing :math:`g` whose image has only open gaps.

    Given an enumeration :math:`d_0, d_1, \dots` of a countable set :math:`D \subset S`
    (order-dense in :math:`S`, containing the points of :math:`S` that end a gap),

    .. math::

        g(s) = \sup\{\varphi(d) : d \in D,\ d \le s\}, \qquad s \in S,

    with :math:`\varphi` the :func:`midpoint_embedding` of the enumeration and
    :math:`\sup \emptyset = 0`.  With a finite prefix of the enumeration this is the
    exact value of :math:`g` at every :math:`s \in D`; elsewhere it is the value
    obtained from the prefix.

    Parameters
    ----------
    dense : sequence of real numbers, shape (N,)
        The enumeration of :math:`D` (a prefix of it).
    values : sequence of real numbers, shape (n,)
        Points :math:`s \in S` at which to evaluate :math:`g`.

    Returns
    -------
    numpy.ndarray of Fraction, shape (n,)

    Examples
    --------
    >>> [str(v) for v in gap_repair([0.5, 0.0, 1.0], [0.0, 0.25, 0.5, 2.0])]
    ['1/4', '1/4', '1/2', '3/4']

    See the chapter "Preorders and Debreu's theorem" (the open-gap lemma).
    """
    dense_list = _as_real_list(dense, "dense")
    value_list = _as_real_list(values, "values")
    ranks = _exact_ranks(dense_list + value_list, "dense and values")
    dense_ranks, value_ranks = ranks[: len(dense_list)], ranks[len(dense_list) :]
    phi = _midpoints(dense_ranks)
    table = dict(zip((int(r) for r in dense_ranks), phi, strict=True))
    placed = sorted(table)
    out = np.empty(len(value_list), dtype=object)
    for index, rank in enumerate(int(r) for r in value_ranks):
        pos = bisect.bisect_right(placed, rank)
        out[index] = table[placed[pos - 1]] if pos > 0 else Fraction(0)
    return out


def _as_real_list(values: ArrayLike | Sequence[numbers.Real], name: str) -> list[numbers.Real]:
    _exact_ranks(values, name)  # validates
    if isinstance(values, np.ndarray) and values.dtype != object:
        return values.tolist()
    return list(np.asarray(values, dtype=object).ravel())


@dataclass(frozen=True, eq=False, repr=False)
class Preorder:
    r"""A preorder on the items :math:`0, \dots, n-1`, stored as its relation matrix.

    .. math::

        R_{ij} = \mathbf 1\{i \preccurlyeq j\}, \qquad
        R_{ii} = 1, \qquad R_{ij} R_{jk} \le R_{ik},

    i.e. :math:`\preccurlyeq` is reflexive and transitive.  Construction checks both
    laws and raises ``ValueError`` with a witness when one fails.  The strict part is
    :math:`i \prec j \iff R_{ij} \wedge \neg R_{ji}`, indifference
    :math:`i \sim j \iff R_{ij} \wedge R_{ji}`.

    Parameters
    ----------
    relation : array_like of bool, shape (n, n)
        :math:`R`; ``relation[i, j]`` is true iff item ``i`` ≼ item ``j``.
    items : tuple, optional
        The objects the indices stand for (set by :meth:`from_comparison`; used in messages).

    Examples
    --------
    >>> p = Preorder.from_utility([3, 1, 3, 2])
    >>> p
    Preorder(n=4, complete=True, classes=3)
    >>> p.classes()
    [[1], [3], [0, 2]]
    >>> p.strict(1, 0), p.indifferent(0, 2), p.maximal([1, 2, 3])
    (True, True, [2])
    >>> p.utility("rank").tolist()
    [2, 0, 2, 1]
    >>> [str(v) for v in p.utility("dyadic")]
    ['5/16', '0', '5/16', '1/4']
    >>> p.represents([10.0, -1.0, 10.0, 0.5])
    True

    See the chapter "Preorders and Debreu's theorem".
    """

    relation: NDArray[np.bool_]
    items: tuple[object, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        r = _check_relation_matrix(self.relation)
        missing = np.flatnonzero(~np.diagonal(r))
        if missing.size:
            i = int(missing[0])
            raise ValueError(f"R is not reflexive: not {i} ≼ {i} (R[{i}, {i}] is False)" + self._items(i))
        witness = _transitivity_witness(r)
        if witness is not None:
            i, j, k = witness
            raise ValueError(
                f"R is not transitive: {i} ≼ {j} and {j} ≼ {k} but not {i} ≼ {k}" + self._items(i, j, k)
            )
        self._freeze(r)

    def _freeze(self, r: NDArray[np.bool_]) -> None:
        r = np.array(r, dtype=np.bool_, copy=True)
        r.setflags(write=False)
        object.__setattr__(self, "relation", r)
        if self.items is not None:
            if len(self.items) != r.shape[0]:
                raise ValueError(f"items must have one entry per row of R ({r.shape[0]}); got {len(self.items)}")
            object.__setattr__(self, "items", tuple(self.items))

    def _items(self, *indices: int) -> str:
        return _describe_items(self.items, indices)

    @classmethod
    def _trusted(cls, relation: NDArray[np.bool_], items: tuple[object, ...] | None = None) -> Preorder:
        """Wrap a matrix already known to be a preorder (no O(n³) check)."""
        self = object.__new__(cls)
        object.__setattr__(self, "items", items)
        self._freeze(relation)
        return self

    # -- constructors ------------------------------------------------------

    @classmethod
    def from_matrix(cls, R: ArrayLike) -> Preorder:
        r"""The preorder with relation matrix ``R`` (validated: reflexive and transitive).

        Parameters
        ----------
        R : array_like of bool (or 0/1), shape (n, n)
            ``R[i, j]`` true iff item ``i`` ≼ item ``j``.

        Examples
        --------
        >>> Preorder.from_matrix([[1, 1], [0, 1]]).strict(0, 1)
        True
        >>> Preorder.from_matrix([[1, 1, 0], [0, 1, 1], [0, 0, 1]])
        Traceback (most recent call last):
        ...
        ValueError: R is not transitive: 0 ≼ 1 and 1 ≼ 2 but not 0 ≼ 2
        """
        return cls(_check_relation_matrix(R))

    @classmethod
    def from_utility(cls, u: ArrayLike | Sequence[numbers.Real]) -> Preorder:
        r"""The complete preorder :math:`i \preccurlyeq j \iff u_i \le u_j` induced by a utility.

        Parameters
        ----------
        u : sequence of real numbers, shape (n,)
            Floats, ints or :class:`fractions.Fraction`; compared exactly.

        Examples
        --------
        >>> Preorder.from_utility([0.5, 0.25]).relation.astype(int).tolist()
        [[1, 0], [1, 1]]
        """
        ranks = _exact_ranks(u, "u")
        return cls._trusted(ranks[:, None] <= ranks[None, :])

    @classmethod
    def from_comparison(cls, items: Sequence[object], leq: Callable[[object, object], object]) -> Preorder:
        r"""The preorder :math:`R_{ij} = \mathrm{leq}(\mathrm{items}_i, \mathrm{items}_j)` (validated).

        Parameters
        ----------
        items : sequence, length n
        leq : callable
            ``leq(a, b)`` returns ``True`` iff ``a`` ≼ ``b`` (a ``bool`` or ``numpy.bool_``).

        Examples
        --------
        >>> p = Preorder.from_comparison(["bb", "a", "cc"], lambda a, b: len(a) <= len(b))
        >>> p.classes()
        [[1], [0, 2]]
        """
        if isinstance(items, str | bytes) or not isinstance(items, Sequence | np.ndarray):
            raise ValueError(f"items must be a sequence; got {type(items).__name__}")
        items = tuple(items)
        if not items:
            raise ValueError("items must contain at least one item; got an empty sequence")
        if not callable(leq):
            raise ValueError(f"leq must be callable; got {type(leq).__name__}")
        n = len(items)
        r = np.empty((n, n), dtype=np.bool_)
        for i, a in enumerate(items):
            for j, b in enumerate(items):
                value = leq(a, b)
                if not isinstance(value, bool | np.bool_):
                    raise ValueError(
                        f"leq must return True or False; got {value!r:.30} for items {i}, {j}"
                        + _describe_items(items, (i, j))
                    )
                r[i, j] = bool(value)
        return cls(r, items=items)

    # -- queries -------------------------------------------------------------

    @property
    def n(self) -> int:
        """Number of items."""
        return int(self.relation.shape[0])

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        return f"Preorder(n={self.n}, complete={self.is_complete()}, classes={len(self.classes())})"

    def _index(self, i: int, name: str) -> int:
        return check_int(i, name, minimum=0, maximum=self.n - 1)

    def incomparable_pair(self) -> tuple[int, int] | None:
        r = self.relation
        missing = ~(r | r.T)
        if not missing.any():
            return None
        i, j = (int(k) for k in np.argwhere(missing)[0])
        return i, j

    def is_complete(self) -> bool:
        r"""Whether any two items are comparable: :math:`R_{ij} \vee R_{ji}` for all :math:`i, j`."""
        return self.incomparable_pair() is None

    def strict(self, i: int, j: int) -> bool:
        r"""Whether :math:`i \prec j`, i.e. :math:`i \preccurlyeq j` and not :math:`j \preccurlyeq i`."""
        i, j = self._index(i, "i"), self._index(j, "j")
        return bool(self.relation[i, j] and not self.relation[j, i])

    def indifferent(self, i: int, j: int) -> bool:
        r"""Whether :math:`i \sim j`, i.e. :math:`i \preccurlyeq j` and :math:`j \preccurlyeq i`."""
        i, j = self._index(i, "i"), self._index(j, "j")
        return bool(self.relation[i, j] and self.relation[j, i])

    def strict_matrix(self) -> NDArray[np.bool_]:
        r"""The strict part as a matrix: :math:`P_{ij} = R_{ij} \wedge \neg R_{ji}`."""
        return self.relation & ~self.relation.T

    def classes(self) -> list[list[int]]:
        r"""The indifference classes, lowest first, each as a sorted list of items.

        For a complete preorder the order is the preorder's; for an incomplete one
        it is one linear extension (classes sorted by the size of their down-sets,
        ties broken by the smallest item).
        """
        r = self.relation
        key = r.sum(axis=0)  # |{k : k ≼ i}|, strictly increasing along ≺
        seen = np.zeros(self.n, dtype=np.bool_)
        found: list[list[int]] = []
        for i in range(self.n):
            if not seen[i]:
                members = np.flatnonzero(r[i] & r[:, i])
                seen[members] = True
                found.append([int(m) for m in members])
        found.sort(key=lambda c: (int(key[c[0]]), c[0]))
        return found

    def maximal(self, subset: Sequence[int] | None = None) -> list[int]:
        r"""The maximal items of ``subset``: those :math:`i` with no :math:`j` in ``subset``, :math:`i \prec j`.

        Parameters
        ----------
        subset : sequence of int, optional
            Items to choose from (default: all). For a complete preorder the answer is
            the top indifference class within the subset: the retrieved items.

        Returns
        -------
        list of int, sorted
        """
        if subset is None:
            chosen = np.arange(self.n)
        else:
            if isinstance(subset, str | bytes) or np.ndim(subset) != 1:
                raise ValueError(f"subset must be a 1-D sequence of item indices; got {subset!r:.60}")
            chosen = np.array(
                sorted({self._index(i, f"subset[{k}]") for k, i in enumerate(subset)}), dtype=np.int64
            )
            if chosen.size == 0:
                raise ValueError("subset must contain at least one item; got an empty sequence")
        strict = self.strict_matrix()[np.ix_(chosen, chosen)]
        return [int(i) for i in chosen[~strict.any(axis=1)]]

    # -- utilities -------------------------------------------------------------

    def utility(self, method: str = "dyadic") -> NDArray[np.object_] | NDArray[np.int64]:
        r"""A utility :math:`u` with :math:`R_{ij} \iff u_i \le u_j`, computed exactly.

        ``"dyadic"``
            the construction of the countable case, with items in index order,
            :math:`u_i = \sum_{k \prec i} 2^{-(k+1)}` (``Fraction`` values in :math:`[0, 1)`);
        ``"rank"``
            the index of the item's indifference class, lowest class 0 (``int64``);
        ``"count"``
            the number of items strictly below, :math:`u_i = \#\{k : k \prec i\}`: the
            measure-based utility for the counting measure (``int64``);
        ``"midpoint"``
            :func:`midpoint_embedding` of the classes in index order (``Fraction`` values in :math:`(0, 1)`).

        Raises ``ValueError`` with an incomparable pair when the preorder is not complete
        (no utility can represent it).

        Returns
        -------
        numpy.ndarray, shape (n,)
            ``Fraction`` objects for ``"dyadic"`` and ``"midpoint"``, ``int64`` otherwise.
        """
        if method not in UTILITY_METHODS:
            raise ValueError(f"method must be one of {UTILITY_METHODS}; got {method!r}")
        pair = self.incomparable_pair()
        if pair is not None:
            i, j = pair
            raise ValueError(
                f"preorder is not complete: neither {i} ≼ {j} nor {j} ≼ {i}, so no utility represents it"
                + self._items(i, j)
            )
        strict = self.strict_matrix()
        if method == "dyadic":
            return dyadic_utility(strict.T)
        if method == "count":
            return strict.sum(axis=0).astype(np.int64)
        ranks = np.unique(self.relation.sum(axis=0), return_inverse=True)[1].astype(np.int64)
        if method == "rank":
            return ranks
        return _midpoints(ranks)

    def misrepresented_pair(self, u: ArrayLike | Sequence[numbers.Real]) -> tuple[int, int] | None:
        r"""The first pair :math:`(i, j)` with :math:`R_{ij} \ne (u_i \le u_j)`, or ``None`` if ``u`` represents."""
        ranks = _exact_ranks(u, "u")
        if ranks.shape[0] != self.n:
            raise ValueError(f"u must have one value per item ({self.n}); got {ranks.shape[0]}")
        wrong = self.relation != (ranks[:, None] <= ranks[None, :])
        if not wrong.any():
            return None
        i, j = (int(k) for k in np.argwhere(wrong)[0])
        return i, j

    def represents(self, u: ArrayLike | Sequence[numbers.Real]) -> bool:
        r"""Whether :math:`R_{ij} \iff u_i \le u_j` on all :math:`n^2` pairs (exact comparisons)."""
        return self.misrepresented_pair(u) is None


# ---------------------------------------------------------------------------
# relations on points, and the continuous constructions
# ---------------------------------------------------------------------------


def _point_sets(X: ArrayLike, Y: ArrayLike | None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = as_points(X, "X")
    y = x if Y is None else as_points(Y, "Y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"X and Y must be points of the same dimension; got shapes {x.shape} and {y.shape}")
    return x, y


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
    x, y = _point_sets(X, Y)
    sign = np.sign(y[None, :, :] - x[:, None, :])
    nonzero = sign != 0
    first = np.argmax(nonzero, axis=2)
    first_sign = np.take_along_axis(sign, first[:, :, None], axis=2)[:, :, 0]
    return first_sign >= 0  # all coordinates equal gives sign 0: x = y, so x ≼ y


def utility_relation(f: Callable[[NDArray[np.float64]], ArrayLike]) -> Relation:
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
        x, y = _point_sets(X, Y)
        fx = as_float_array(f(x), "f(X)", ndim=1)
        fy = fx if Y is None else as_float_array(f(y), "f(Y)", ndim=1)
        if fx.shape[0] != x.shape[0] or fy.shape[0] != y.shape[0]:
            raise ValueError(f"f must return one value per point; got {fx.shape[0]} values for {x.shape[0]} points")
        return fx[:, None] <= fy[None, :]

    return relation


def _relation_matrix(relation: Relation, A: NDArray[np.float64], B: NDArray[np.float64]) -> NDArray[np.bool_]:
    r = np.asarray(relation(A, B))
    if r.shape != (A.shape[0], B.shape[0]):
        raise ValueError(
            f"relation(A, B) must return a matrix of shape ({A.shape[0]}, {B.shape[0]}); got shape {r.shape}"
        )
    if r.dtype != np.bool_:
        raise ValueError(f"relation(A, B) must return a boolean matrix; got dtype {r.dtype}")
    return r


def strictly_below(relation: Relation, Z: ArrayLike, Y: ArrayLike) -> NDArray[np.bool_]:
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
    z, y = _point_sets(Z, Y)
    return _relation_matrix(relation, z, y).T & ~_relation_matrix(relation, y, z)


def measure_utility(
    Y: ArrayLike, relation: Relation, Z: ArrayLike, weights: ArrayLike | None = None, *, chunk: int = 4_000_000
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
    y, z = _point_sets(Y, Z)
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
        below = _relation_matrix(relation, block, y).T & ~_relation_matrix(relation, y, block)
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


# ---------------------------------------------------------------------------
# the measure utility of a family of preorders (keys on an interval)
# ---------------------------------------------------------------------------

#: A score ``score(x, y)`` in the convention of
#: :class:`relnb.attention.RetrievalTask`: arrays of shapes ``(..., m_x)`` and
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
        convention of :class:`relnb.attention.RetrievalTask`).
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
    """Simplest rational in (a, b); ``b=None`` means +infinity.  Depth = continued-fraction length."""
    n = math.floor(a)
    if b is None or n + 1 < b:
        return Fraction(n + 1)
    # now n <= a < b <= n + 1: write x = n + 1/y with y in (1/(b - n), 1/(a - n))
    return n + 1 / _simplest_rational(1 / (b - n), None if a == n else 1 / (a - n))


# ---------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------


def plot_contour_sets(
    relation: Relation,
    point: ArrayLike,
    *,
    resolution: int = 201,
    ax: Axes | None = None,
    title: str = "Contour sets",
) -> tuple[Figure, Axes]:
    r"""Lower set :math:`\{y \prec x\}`, indifference set and upper set :math:`\{x \prec y\}` of a point of the square.

    Parameters
    ----------
    relation : callable
        ``relation(A, B)`` is the boolean matrix of :math:`a \preccurlyeq b` for points in the plane.
    point : array_like, shape (2,)
        The point :math:`x`.
    resolution : int
        Grid points per axis.

    Returns
    -------
    (fig, ax)
    """
    x = as_float_array(point, "point", ndim=1)
    if x.shape[0] != 2:
        raise ValueError(f"point must be a point of the plane (2 coordinates); got shape {x.shape}")
    n = check_int(resolution, "resolution", minimum=2)
    t = np.linspace(0.0, 1.0, n)
    grid = np.stack(np.meshgrid(t, t), axis=-1).reshape(-1, 2)  # rows: y2 increases slowest
    up = _relation_matrix(relation, x[None, :], grid)[0]
    down = _relation_matrix(relation, grid, x[None, :])[:, 0]
    code = np.where(up & down, 1, np.where(up, 2, 0)).reshape(n, n)
    if ax is None:
        fig, ax = plt.subplots(figsize=(3.6, 3.4))
    else:
        fig = ax.figure
    cmap = ListedColormap(["#56B4E9", "#000000", "#E69F00"])
    ax.imshow(code, origin="lower", extent=(0, 1, 0, 1), cmap=cmap, vmin=0, vmax=2, interpolation="nearest")
    ax.plot([x[0]], [x[1]], marker="o", color="white", markeredgecolor="black", linestyle="none", label="$x$")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color="#56B4E9", label=r"$y \prec x$"),
        plt.Rectangle((0, 0), 1, 1, color="#000000", label=r"$y \sim x$"),
        plt.Rectangle((0, 0), 1, 1, color="#E69F00", label=r"$x \prec y$"),
    ]
    ax.legend(handles=handles, loc="upper left", fontsize=8)
    ax.set_xlabel("$y_1$")
    ax.set_ylabel("$y_2$")
    ax.set_title(title)
    ax.grid(False)
    return fig, ax


def plot_value_sets(
    sets: Mapping[str, ArrayLike | Sequence[numbers.Real]],
    *,
    ax: Axes | None = None,
    title: str = "Image sets and their gaps",
    xlabel: str = "value",
) -> tuple[Figure, Axes]:
    r"""Finite sets of reals as rug plots on stacked number lines (first on top), the largest gap of each shaded.

    Parameters
    ----------
    sets : mapping of label -> sequence of reals
        Each set (e.g. :math:`u(Z_N)` and :math:`g(u(Z_N))`) on its own line.

    Returns
    -------
    (fig, ax)
    """
    if not sets:
        raise ValueError("sets must contain at least one set; got an empty mapping")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 0.9 + 0.6 * len(sets)))
    else:
        fig = ax.figure
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for row, (label, values) in enumerate(sets.items()):
        v = np.unique(np.array([float(s) for s in _as_real_list(values, f"sets[{label!r}]")]))
        color = colors[row % len(colors)]
        ax.vlines(v, row - 0.3, row + 0.3, color=color, linewidth=0.6)
        if v.size > 1:
            k = int(np.argmax(np.diff(v)))
            ax.fill_between([v[k], v[k + 1]], row - 0.3, row + 0.3, color=color, alpha=0.2, linewidth=0)
    ax.set_yticks(range(len(sets)), list(sets))
    ax.set_ylim(len(sets) - 0.4, -0.6)  # the first set on top
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(False)
    fig.tight_layout()
    return fig, ax


def plot_paths(
    t: ArrayLike,
    curves: Mapping[str, ArrayLike | Sequence[numbers.Real]],
    *,
    ax: Axes | None = None,
    title: str = "Utilities along a path",
    xlabel: str = "$t$",
    ylabel: str = "utility",
    markers: bool = False,
) -> tuple[Figure, Axes]:
    r"""Utilities evaluated along a path :math:`t \mapsto x(t)`, one curve each (``Fraction`` values allowed).

    Parameters
    ----------
    t : array_like, shape (n,)
        Path parameter.
    curves : mapping of label -> sequence of reals, each of shape (n,)
    markers : bool
        Draw points instead of lines (for functions with jumps, where a line would hide them).

    Returns
    -------
    (fig, ax)
    """
    x = as_float_array(t, "t", ndim=1)
    if not curves:
        raise ValueError("curves must contain at least one curve; got an empty mapping")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 3.4))
    else:
        fig = ax.figure
    for label, values in curves.items():
        y = np.array([float(v) for v in _as_real_list(values, f"curves[{label!r}]")])
        if y.shape != x.shape:
            raise ValueError(f"curves[{label!r}] must have one value per t ({x.shape[0]}); got {y.shape[0]}")
        if markers:
            ax.plot(x, y, marker="o", markersize=2.5, linestyle="none", label=label)
        else:
            ax.plot(x, y, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig, ax


def plot_intervals(
    positions: ArrayLike,
    low: ArrayLike | Sequence[numbers.Real],
    high: ArrayLike | Sequence[numbers.Real],
    marks: ArrayLike | Sequence[numbers.Real] | None = None,
    *,
    ax: Axes | None = None,
    title: str = "Intervals",
    xlabel: str = "value",
    ylabel: str = "position",
) -> tuple[Figure, Axes]:
    r"""Horizontal intervals :math:`[\mathrm{low}_i, \mathrm{high}_i]` at heights ``positions``, with optional marks.

    Parameters
    ----------
    positions : array_like, shape (k,)
    low, high : sequences of reals, shape (k,)
    marks : sequence of reals, shape (k,), optional
        One point per interval (e.g. the rational chosen inside it).

    Returns
    -------
    (fig, ax)
    """
    y = as_float_array(positions, "positions", ndim=1)
    lo = np.array([float(v) for v in _as_real_list(low, "low")])
    hi = np.array([float(v) for v in _as_real_list(high, "high")])
    if not lo.shape == hi.shape == y.shape:
        raise ValueError(f"positions, low and high must have the same length; got {y.shape}, {lo.shape}, {hi.shape}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 3.4))
    else:
        fig = ax.figure
    ax.hlines(y, lo, hi, linewidth=3, label=r"$I_a$")
    if marks is not None:
        mk = np.array([float(v) for v in _as_real_list(marks, "marks")])
        if mk.shape != y.shape:
            raise ValueError(f"marks must have one entry per interval ({y.shape[0]}); got {mk.shape[0]}")
        ax.plot(mk, y, marker="|", markersize=10, color="#D55E00", linestyle="none", label="chosen rational")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig, ax
