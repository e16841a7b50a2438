r"""The family contracts of :mod:`relnb`, as assertions a test can call (GPyTorch's shipped kernel test case).

Each family of the package promises the same things for every member:

- a **relation-like callable** ``r(X, Y=None)`` returns an ``(n, k)`` array of one dtype, reads ``Y=None`` as
  ``Y = X`` bit for bit and ``(n,)`` as ``(n, 1)``, and rejects NaN with a ``ValueError``;
- an **expansion** (Mercer or Schmidt) has orthonormal singular functions on a quadrature rule, tails that add
  up to the total, :math:`\tau_d^2 + \sum_{k \le d} \sigma_k^2 = \|r\|^2`, and a truncation whose error is its tail;
- a **figure helper** ``plot(data, *, ax=None, ...)`` returns ``(fig, ax)``, draws on a given ``ax``, and leaves
  no figure open that it did not return;
- an **answer check** returns a :class:`relnb.checks.Feedback` in words for any answer, however malformed: never
  an exception, and never a pass for a malformed, complex or non-finite answer.

``tests/test_common.py`` holds the registries that run every member through its contract.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MALFORMED_ANSWERS",
    "assert_check_contract",
    "assert_expansion_contract",
    "assert_figure_contract",
    "assert_relation_contract",
    "malformed_answers",
]


def _assert_size_guarded(relation: Callable[..., Any], X: NDArray[np.float64], Y: NDArray[np.float64]) -> None:
    """With the byte limit below even a boolean r(X, Y), the call must be refused before allocating."""
    from relnb import _validation

    limit = _validation.MAX_BYTES
    _validation.MAX_BYTES = len(X) * len(Y) - 1
    try:
        relation(X, Y)
    except ValueError as error:
        assert "MAX_BYTES" in str(error), f"refused for another reason than its size: {error}"
    else:
        raise AssertionError(f"an r(X, Y) of {len(X)} x {len(Y)} entries must be refused above MAX_BYTES")
    finally:
        _validation.MAX_BYTES = limit


def assert_relation_contract(
    relation: Callable[..., Any], X: NDArray[np.float64], Y: NDArray[np.float64], *,
    dtype: type = np.float64, symmetric: bool = False, psd: bool = False,
) -> None:
    r"""Assert the calling convention of a relation-like callable :math:`r(X, Y=None)`.

    Parameters
    ----------
    relation : callable
        ``relation(X, Y)`` is the matrix :math:`r(x_i, y_j)`.
    X, Y : numpy.ndarray, shapes (n, m) and (k, m)
        Points in the relation's domain; with ``m = 1`` the flat forms ``(n,)`` are checked too.
    dtype : numpy dtype
        The dtype of every result (``float64``, or ``bool`` for orders).
    symmetric, psd : bool
        Also assert :math:`r(X) = r(X)^\top` bit for bit, and that :math:`r(X)` is positive semi-definite up to
        rounding (:math:`\lambda_{\min} \ge -10\, n\, \varepsilon\, \lambda_{\max}`).

    Bad input too: a NaN point and points that are not numbers are refused, and so is an
    :math:`r(X, Y)` larger than ``relnb._validation.MAX_BYTES``, before it is allocated.
    """
    value = relation(X, Y)
    assert isinstance(value, np.ndarray), f"relation returned {type(value).__name__}, not a numpy array"
    assert value.shape == (len(X), len(Y)), f"shape {value.shape}, expected {(len(X), len(Y))}"
    assert value.dtype == dtype, f"dtype {value.dtype}, expected {np.dtype(dtype)}"
    square = relation(X)
    assert np.array_equal(square, relation(X, X)), "Y=None must mean Y = X, bit for bit"
    assert square.shape == (len(X), len(X)) and square.dtype == dtype
    if X.ndim == 2 and X.shape[1] == 1:
        assert np.array_equal(relation(X[:, 0], Y[:, 0]), value), "(n,) must read as (n, 1)"
    bad = np.array(X, dtype=float, copy=True)
    bad.flat[0] = np.nan
    try:
        relation(bad, Y)
    except ValueError as error:
        assert "finite" in str(error) or "nan" in str(error).lower(), f"NaN rejected with an unclear message: {error}"
    else:
        raise AssertionError("a NaN point must raise ValueError")
    try:
        relation(np.array([["a"], ["b"]]))
    except (ValueError, TypeError):
        pass
    else:
        raise AssertionError("points that are not numbers must raise ValueError or TypeError")
    _assert_size_guarded(relation, X, Y)
    if symmetric:
        assert np.array_equal(square, square.T), "a symmetric relation must give a symmetric matrix, bit for bit"
        assert np.allclose(value, relation(Y, X).T, rtol=1e-12, atol=1e-300), "r(X, Y) must equal r(Y, X)^T"
    if psd:
        eigenvalues = np.linalg.eigvalsh(square)
        floor = -10 * len(X) * np.finfo(float).eps * max(float(eigenvalues[-1]), 1.0)
        assert eigenvalues[0] >= floor, f"not PSD: smallest eigenvalue {eigenvalues[0]:.3g}"


def assert_expansion_contract(
    expansion: Any, relation: Callable[..., Any], rule_x: tuple[NDArray[np.float64], NDArray[np.float64]],
    rule_y: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None, *, atol: float = 1e-8,
) -> None:
    r"""Assert the laws every Mercer or Schmidt expansion obeys on a quadrature rule.

    With :math:`a_k, b_k` its singular functions (eigenfunctions :math:`e_k` for Mercer) and
    :math:`\sigma_k` its singular values (eigenvalues :math:`\lambda_k`):

    .. math::

        \langle a_j, a_k \rangle_{\mu} = \delta_{jk}, \quad
        \tau_d^2 + \sum_{k \le d} \sigma_k^2 = \|r\|^2, \quad
        \|r - r_d\|_{L^2(\mu\otimes\nu)} = \tau_d \ \text{(within ``atol``)}, \quad
        \tau_d \text{ non-increasing in } d.

    Parameters
    ----------
    expansion : MercerExpansion or SchmidtExpansion
    relation : callable
        The expanded relation ``relation(X, Y)``.
    rule_x, rule_y : tuple of arrays
        Quadrature rules ``(nodes, weights)`` of :math:`\mu` and :math:`\nu` (``rule_y`` defaults to ``rule_x``).
    atol : float
        Tolerance of the quadrature (0-ish for an expansion computed on the same rule, the rule's error for a
        closed form).
    """
    x, wx = rule_x
    y, wy = rule_x if rule_y is None else rule_y
    if hasattr(expansion, "singular_values"):
        values, left, right = expansion.singular_values, expansion.left(x), expansion.right(y)
    else:
        values, left, right = expansion.eigenvalues, expansion.eigenfunctions(x), expansion.eigenfunctions(y)
    d = values.shape[0]
    for basis, w in ((left, wx), (right, wy)):
        gram = basis.T @ (w[:, None] * basis)
        assert np.allclose(gram, np.eye(d), atol=max(atol, 1e-10) * 10), "singular functions are not orthonormal"
    for k in range(d + 1):
        head = float(np.sum(expansion.spectrum[:k] ** 2))
        assert math.isclose(expansion.tail_l2(k) ** 2 + head, expansion.total_squared, rel_tol=1e-10, abs_tol=1e-14)
    tails = [expansion.tail_l2(k) for k in range(d + 1)]
    assert all(b <= a for a, b in itertools.pairwise(tails)), "tail_l2 must not increase with d"
    assert expansion.truncate(d).rank == d and expansion.truncate(1).rank == 1
    target = np.asarray(relation(x, y), dtype=float)
    for k in sorted({1, d}):
        error = target - expansion.truncate(k).truncated(x, y)
        measured = math.sqrt(float(wx @ error**2 @ wy))
        assert abs(measured - expansion.tail_l2(k)) <= atol, (
            f"the rank-{k} truncation misses by {measured:.6g}, but its tail is {expansion.tail_l2(k):.6g}")
    assert type(expansion).__name__ in repr(expansion) and "tail_l2=" in repr(expansion)


def assert_figure_contract(helper: Callable[..., Any], data: Any, **kwargs: Any) -> None:
    """Assert that ``helper(data, *, ax=None, **kwargs)`` returns ``(fig, ax)``, draws on a given ``ax`` and leaves
    no figure open that it did not return.

    Parameters
    ----------
    helper : callable
        A figure helper of :mod:`relnb.plotting`.
    data : object
        Its first argument.
    **kwargs
        Its other arguments.
    """
    import matplotlib.pyplot as plt  # only the test helpers of figures need matplotlib
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    before = set(plt.get_fignums())
    fig, ax = helper(data, **kwargs)
    assert isinstance(fig, Figure), f"{helper.__name__} returned {type(fig).__name__}, not a Figure"
    first = np.ravel(np.asarray(ax, dtype=object))[0]
    assert isinstance(first, Axes), f"{helper.__name__} returned {type(first).__name__}, not Axes"
    assert set(plt.get_fignums()) - before <= {fig.number}, "the helper left another figure open"
    plt.close(fig)
    given_fig, given_ax = plt.subplots()
    fig2, ax2 = helper(data, ax=given_ax, **kwargs)
    assert fig2 is given_fig and ax2 is given_ax, f"{helper.__name__} must draw on the ax it is given"
    assert given_ax.has_data() or given_ax.get_lines() or given_ax.images, "nothing drawn on the given ax"
    assert set(plt.get_fignums()) - before <= {given_fig.number}
    plt.close(given_fig)


class _Raises:
    """A student's function that raises (``repr`` names it, for the failure message)."""

    def __call__(self, *args: Any) -> Any:
        raise RuntimeError("the student's function failed")

    def __repr__(self) -> str:
        return "<function that raises>"


#: Answers no check may pass, whatever it expects: nothing, text, containers of the wrong kind, non-finite.
MALFORMED_ANSWERS: tuple[object, ...] = ("abc", "", b"1", object(), {"a": 1}, [[1.0], [1.0, 2.0]], math.nan, math.inf,
                                         -math.inf, _Raises(), 1.0 + 2.0j, np.complex128(1.0 + 0.5j))


def malformed_answers(reference: object, kind: str) -> list[object]:
    r"""Malformed variants of a correct answer ``reference`` of the given kind.

    Parameters
    ----------
    reference : object
        A correct answer.
    kind : {"number", "int", "array", "function", "mapping"}
        What the check expects.

    Returns
    -------
    list
        :data:`MALFORMED_ANSWERS` plus, for a number, the right value with an imaginary part or in a list; for an
        int, a non-integer near it and its text; for an array, its complex, NaN and wrongly shaped forms; for a
        function, functions returning None, text, complex or NaN values, the wrong shape, or raising; for a mapping,
        keys and values of the wrong kind.
    """
    out: list[object] = list(MALFORMED_ANSWERS)
    if kind == "number":
        value = float(reference)  # type: ignore[arg-type]
        out += [complex(value, 5.0), np.complex128(value + 5j), np.complex128(value), [value], (value,),
                np.array([value]), {value: value}]
    elif kind == "int":
        value = int(reference)  # type: ignore[call-overload]
        out += [value + 0.7, np.float64(value + 0.9), value - 0.5, str(value), complex(value, 1.0),
                np.complex128(value), [value], 1e300, -1e300]
    elif kind == "array":
        array = np.asarray(reference, dtype=float)
        nan = array.copy()
        nan.flat[0] = np.nan
        out += [array + 1j, array.astype(complex), nan, array.ravel()[:1], array[..., None], np.full(array.shape, "a")]
    elif kind == "function":
        f = reference

        def none(*args: Any) -> None:
            return None

        def text(*args: Any) -> str:
            return "phi"

        def complex_values(*args: Any) -> Any:
            return np.asarray(f(*args)) + 1j  # type: ignore[operator]

        def zero_imaginary(*args: Any) -> Any:
            return np.asarray(f(*args)).astype(complex)  # type: ignore[operator]

        def nan_values(*args: Any) -> Any:
            return np.asarray(f(*args)) * np.nan  # type: ignore[operator]

        def wrong_shape(*args: Any) -> Any:
            return np.ones((2, 2, 2))

        def scalar(*args: Any) -> float:
            return 0.5

        out += [none, text, complex_values, zero_imaginary, nan_values, wrong_shape, scalar, 3.0]
    elif kind == "mapping":
        items = list(reference.items())  # type: ignore[attr-defined]
        n, beta = items[0]
        out += [{}, [beta], {"ten": beta}, {str(n): beta}, {n + 0.7: beta}, {True: beta}, {(n,): beta}, {0: beta},
                {1: beta}, {-3: beta}, {n: "abc"}, {n: math.nan}, {n: complex(1.0, 5.0)}, {n: [beta]}]
    else:
        raise ValueError(f"kind must be number, int, array, function or mapping; got {kind!r}")
    return out


def _words(message: object) -> bool:
    return isinstance(message, str) and sum(c.isalpha() for c in message) >= 5


def assert_check_contract(
    check: Callable[..., Any], args: Sequence[object], answers: Mapping[int, str], *,
    kwargs: Mapping[str, object] | None = None, extra: Iterable[tuple[int, object]] = (),
) -> None:
    """Assert the contract of an answer check: feedback in words for every answer, never an exception.

    Parameters
    ----------
    check : callable
        A ``relnb.checks.check_*`` function.
    args : sequence
        A call that passes: the reference answers in their positions, then the exercise's data.
    answers : mapping
        Position of each answer in ``args`` -> its kind (see :func:`malformed_answers`).
    kwargs : mapping, optional
        Keyword arguments of every call.
    extra : iterable of (position, answer)
        More malformed answers particular to this check.

    Raises
    ------
    AssertionError
        Naming the answer that raised, was passed, or got no message in words.
    """
    from relnb.checks import Feedback

    kwargs = dict(kwargs or {})
    good = check(*args, **kwargs)
    assert isinstance(good, Feedback) and good.passed, f"{check.__name__}: the reference answer fails: {good!r}"
    assert _words(good.message) and isinstance(repr(good), str)
    probes = [(i, a) for i, kind in answers.items() for a in malformed_answers(args[i], kind)]
    probes += [(i, None) for i in answers] + list(extra)
    for position, answer in probes:
        call = list(args)
        call[position] = answer
        try:
            feedback = check(*call, **kwargs)
        except Exception as error:  # the contract: never an exception on a student's answer
            raise AssertionError(f"{check.__name__} raised {type(error).__name__}: {error} on answer {answer!r} "
                                 f"(argument {position})") from error
        assert isinstance(feedback, Feedback), f"{check.__name__} returned {feedback!r} on {answer!r}"
        assert not feedback.passed, f"{check.__name__} passed the malformed answer {answer!r} (argument {position})"
        assert _words(feedback.message), f"{check.__name__} gave no words on {answer!r}: {feedback.message!r}"
        if answer is None:
            assert "No answer yet" in feedback.message, f"{check.__name__}: None must read 'No answer yet'"
        repr(feedback)
