r"""Preorders, utilities, and the constructions behind Debreu's representation theorem.

A *preorder* :math:`\preccurlyeq` on a set is a reflexive and transitive relation;
it is *complete* when any two items are comparable.  A *utility* represents it when

.. math::

    y \preccurlyeq z \iff u(y) \le u(z) \qquad \text{for all } y, z .

On a finite set of :math:`n` items a preorder is an ``(n, n)`` boolean matrix
:math:`R` with :math:`R_{ij}` true iff item :math:`i \preccurlyeq` item :math:`j`;
:class:`Preorder` validates it (with a witness when a law fails) and computes
utilities exactly.  The module-level functions carry the enumeration constructions
behind Debreu's theorem: the dyadic utility over an enumerated dense set
(:func:`dyadic_utility`), the midpoint embedding and Debreu's open-gap repair
(:func:`gap_repair`).  The constructions on the continuum (the measure-based
utility :math:`u(y) = \mu\{z : z \prec y\}`, the lexicographic order, which has
no utility at all) are in :mod:`relnb.debreu`.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import (
    as_float_array,
    check_int,
    check_size,
    check_square,
)

__all__ = [
    "UTILITY_METHODS",
    "Preorder",
    "dyadic_utility",
    "gap_repair",
    "midpoint_embedding",
]

#: The utility constructions of :meth:`Preorder.utility`.
UTILITY_METHODS = ("dyadic", "rank", "count", "midpoint")


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
        check_size((ranks.shape[0], ranks.shape[0]), "the preorder's relation matrix", itemsize=1)
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
        check_size((n, n), "the preorder's relation matrix", itemsize=1)
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
# the measure utility of a family of preorders (keys on an interval)
# ---------------------------------------------------------------------------
