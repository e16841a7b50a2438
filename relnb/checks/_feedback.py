r"""The answer-checking framework: a check raises, one decorator turns that into feedback in words.

After Kaggle's learntools (``core/problem.py``, ``core/problem_view.py``): a check's body starts at its
mathematics.  It reads the student's answer with ``as_number``, ``as_index``, ``as_array``,
``as_mapping`` or ``call_answer``, which raise ``Wrong`` with a sentence when the answer is
malformed, and it raises ``Wrong`` itself for a wrong answer.  The decorator ``answer_check``

- returns "No answer yet" when an answer is ``None`` (the starter cells assign ``None``),
- with the keyword ``instance=(...)`` (every decorated check takes it), asks for answers that are *functions* of
  the exercise's instance: it calls each answer on ``*instance`` (with ``call_answer``) and checks what they return,
  so that a grader can ask the same function about other instances (other sizes, seeds, parameters),
- turns ``Wrong`` into ``Feedback(False, message)``,
- turns any other exception raised while the answer is handled into a ``Feedback`` that names it,

so a check never raises on a student's answer.  Errors in the exercise's own data (the teacher's side) are
raised as ``ExerciseError``, a ``ValueError`` the decorator lets through.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ExerciseError",
    "Feedback",
    "NotAnswered",
    "Wrong",
    "answer_check",
    "as_array",
    "as_index",
    "as_mapping",
    "as_number",
    "as_reals",
    "call_answer",
    "close",
    "feature_matrix",
    "feature_pair",
    "worst_entry",
]

P = ParamSpec("P")


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer: ``passed`` and a message in words."""

    passed: bool
    message: str

    def __repr__(self) -> str:
        # wrapped to the 79 characters a page of the book shows
        text = ("Correct. " if self.passed else "Not yet. ") + self.message
        return textwrap.fill(text, width=79, break_long_words=False, break_on_hyphens=False)

    def __bool__(self) -> bool:
        return self.passed


class Wrong(Exception):
    """The answer is wrong or malformed; the message says why, in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAnswered(Exception):
    """The student has not answered yet (an answer is ``None``); ``name`` says what to assign."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class ExerciseError(ValueError):
    """The exercise's own data (not the student's answer) is invalid: raised, not turned into feedback."""


def _not_answered(name: str) -> Feedback:
    return Feedback(False, f"No answer yet: assign your {name} and run the check again.")


def answer_check(name: str, *answers: str) -> Callable[[Callable[P, Feedback]], Callable[P, Feedback]]:
    """Decorate a check whose parameters ``answers`` hold the student's answers, described as ``name``.

    Parameters
    ----------
    name : str
        What the student assigns, for the "No answer yet" message ("distance", "feature maps phi and psi").
    *answers : str
        Names of the parameters that hold the student's answers.

    Examples
    --------
    >>> @answer_check("sum", "answer")
    ... def check_sum(answer: object) -> Feedback:
    ...     if as_number(answer, "sum") != 3:
    ...         raise Wrong("1 + 2 is 3.")
    ...     return Feedback(True, "1 + 2 = 3.")
    >>> check_sum(None)
    Not yet. No answer yet: assign your sum and run the check again.
    >>> check_sum("three")
    Not yet. Your sum should be a number; got 'three'.
    >>> check_sum(3).passed
    True
    >>> check_sum(lambda a, b: a + b, instance=(1, 2)).passed  # the answer as a function of the instance
    True
    >>> check_sum(lambda a, b: a * b, instance=(1, 2)).passed
    False
    >>> check_sum(3, instance=(1, 2))
    Not yet. Your sum should be a function (of the exercise's instance, called on
    (1, 2)); got 3.
    """

    def decorate(check: Callable[P, Feedback]) -> Callable[P, Feedback]:
        signature = inspect.signature(check)
        missing = [a for a in answers if a not in signature.parameters]
        if missing:
            raise TypeError(f"{check.__name__} has no parameters {missing}")

        @functools.wraps(check)
        def wrapper(*args: P.args, instance: tuple[object, ...] | None = None, **kwargs: P.kwargs) -> Feedback:
            bound = signature.bind(*args, **kwargs)
            if any(bound.arguments.get(a) is None for a in answers):
                return _not_answered(name)
            if instance is not None:
                if not isinstance(instance, tuple | list):
                    raise ExerciseError(f"instance must be a tuple of the answer functions' arguments; "
                                        f"got {instance!r:.60}")
                if any(v is None for v in instance):  # e.g. a hand answer the answer functions receive
                    return _not_answered("answers")
                try:
                    for a in answers:
                        what = name if len(answers) == 1 else f"{name} ({a})"
                        f = bound.arguments[a]
                        if not callable(f):
                            raise Wrong(f"Your {what} should be a function (of the exercise's instance, called "
                                        f"on {_show(instance)}); got {f!r:.60}.")
                        bound.arguments[a] = call_answer(f, f"the function giving your {what}", *instance)
                except Wrong as verdict:  # a sentence: its first letter capital
                    return Feedback(False, verdict.message[:1].upper() + verdict.message[1:])
                args, kwargs = bound.args, bound.kwargs  # type: ignore[assignment]
            try:
                return check(*args, **kwargs)
            except NotAnswered as missing_answer:
                return _not_answered(missing_answer.name)
            except Wrong as verdict:
                return Feedback(False, verdict.message)
            except ExerciseError:
                raise
            except Exception as error:  # the contract: a student's answer never makes a check raise
                return Feedback(False, f"Your {name} could not be checked: {type(error).__name__}: {error}")

        keyword = inspect.Parameter("instance", inspect.Parameter.KEYWORD_ONLY, default=None,
                                    annotation="tuple | None")
        params = list(signature.parameters.values())
        at = next((i for i, p in enumerate(params) if p.kind is inspect.Parameter.VAR_KEYWORD), len(params))
        wrapper.__signature__ = signature.replace(parameters=[*params[:at], keyword, *params[at:]])  # type: ignore
        return wrapper

    return decorate


def _show(instance: tuple[object, ...] | list[object]) -> str:
    """The instance in a few words: arrays by their shape."""
    parts = [f"an array of shape {np.shape(v)}" if isinstance(v, np.ndarray) and v.size > 4 else f"{v!r:.40}"
             for v in instance]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def worst_entry(approx: NDArray[np.float64], target: NDArray[np.float64]) -> tuple[int, int, float]:
    """Where :math:`|A_{ij} - T_{ij}|` is largest: ``(i, j, error)``, the entry a verdict names."""
    error = np.abs(approx - target)
    i, j = (int(k) for k in np.unravel_index(np.argmax(error), error.shape))
    return i, j, float(error[i, j])


def close(value: float, target: float, rtol: float) -> bool:
    """``value`` within relative tolerance ``rtol`` of ``target`` (and an absolute 1e-15)."""
    return bool(np.isclose(value, target, rtol=rtol, atol=1e-15))


def _is_complex(value: object) -> bool:
    return isinstance(value, complex | np.complexfloating) or (
        isinstance(value, np.ndarray) and np.iscomplexobj(value))


def _real_array(value: object, subject: str, expected: str) -> NDArray[np.float64]:
    """``value`` as a float array; :class:`Wrong` "<subject> <expected>" for text, ragged or complex values."""
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise Wrong(f"{subject} {expected}; got {value!r:.60}.") from error
    if raw.dtype.kind == "c" or (raw.dtype.kind == "O" and any(_is_complex(v) for v in raw.ravel())):
        raise Wrong(f"{subject} has complex values; they should be real.")
    if raw.dtype.kind not in "biufO":
        raise Wrong(f"{subject} {expected}; got {value!r:.60}.")
    try:
        return raw.astype(float)
    except (TypeError, ValueError, OverflowError) as error:
        raise Wrong(f"{subject} {expected}; got {value!r:.60}.") from error


def as_number(answer: object, name: str) -> float:
    """The answer as a finite real float, or :class:`Wrong` saying why it is not one.

    Accepts Python and numpy reals, 0-d arrays and exact numbers (``Fraction``, sympy rationals); rejects text,
    containers, complex numbers (even with a zero imaginary part) and NaN or infinity.
    """
    if isinstance(answer, str | bytes | bool | np.bool_) or _is_complex(answer):
        raise Wrong(f"Your {name} should be a number; got {answer!r}.")
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer[()]
    if isinstance(answer, np.ndarray | list | tuple | Mapping | set):
        raise Wrong(f"Your {name} should be a number; got {answer!r}.")
    if not isinstance(answer, numbers.Real):
        try:  # e.g. a sympy number: exact, real
            if complex(answer).imag != 0:  # type: ignore[arg-type]
                raise Wrong(f"Your {name} should be a real number; got {answer!r}.")
        except (TypeError, ValueError, AttributeError) as error:
            raise Wrong(f"Your {name} should be a number; got {answer!r}.") from error
    try:
        value = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError) as error:
        raise Wrong(f"Your {name} should be a number; got {answer!r}.") from error
    if not math.isfinite(value):
        raise Wrong(f"Your {name} is {value}, not a finite number.")
    return value


def as_index(answer: object, name: str) -> int:
    """The answer as an int (an integral real such as ``54`` or ``54.0``), or :class:`Wrong`; ``54.7`` is no index."""
    if isinstance(answer, numbers.Integral) and not isinstance(answer, bool | np.bool_):
        return int(answer)
    value = as_number(answer, name)
    if not value.is_integer():
        raise Wrong(f"Your {name} should be a whole number; got {answer!r}.")
    return int(value)


def as_array(answer: object, name: str, *, ndim: int, size: int | None = None) -> NDArray[np.float64]:
    """The answer as a finite real float array with ``ndim`` dimensions (and ``size`` entries), or :class:`Wrong`."""
    if isinstance(answer, str | bytes | Mapping) or callable(answer):
        raise Wrong(f"Your {name} should be an array of numbers; got {answer!r}.")
    values = _real_array(answer, f"Your {name}", "should be an array of numbers")
    if values.ndim != ndim:
        shape = "a list of numbers" if ndim == 1 else f"an array with {ndim} dimensions"
        raise Wrong(f"Your {name} should be {shape}; got shape {values.shape}.")
    if size is not None and values.size != size:
        raise Wrong(f"Your {name} has {values.size} entries; it should have {size}.")
    if not np.all(np.isfinite(values)):
        raise Wrong(f"Your {name} has entries that are not finite numbers (NaN or inf).")
    return values


def as_reals(answer: object, name: str, *, size: int | None = None) -> list[numbers.Real]:
    """The answer as finite reals kept exact (ints, ``Fraction``), ``size`` of them, or :class:`Wrong` saying why."""
    if isinstance(answer, str | bytes | Mapping) or callable(answer):
        raise Wrong(f"Your {name} should be a list of numbers; got {answer!r}.")
    as_array(answer, name, ndim=1, size=size)  # shape, text, complex and NaN, in words
    values = list(np.asarray(answer, dtype=object).reshape(-1))
    reals: list[numbers.Real] = []
    for v in values:
        if isinstance(v, bool | np.bool_):
            raise Wrong(f"Your {name} should hold numbers; got {v!r}.")
        reals.append(v.item() if isinstance(v, np.generic) else v)  # numpy scalars as Python numbers
    return reals


def as_mapping(answer: object, what: str) -> Mapping[Any, Any]:
    """The answer as a non-empty mapping, or :class:`Wrong` asking for ``what`` (e.g. "a dict {n: beta}")."""
    if not isinstance(answer, Mapping) or not answer:
        raise Wrong(f"Give your answer as {what}.")
    return answer


def call_answer(f: object, name: str, *args: object) -> object:
    """Call the student's function ``f`` on ``args``; :class:`Wrong` if it is no function, fails or returns None."""
    if not callable(f):
        raise Wrong(f"Your {name} should be a function; got {f!r}.")
    try:
        result = f(*args)
    except Exception as error:  # a student's function may fail in any way; report it in words
        raise Wrong(f"Calling {name} failed: {type(error).__name__}: {error}") from error
    if result is None:
        raise Wrong(f"{name} returns None: fill in its body and run the check again.")
    return result


def feature_matrix(f: object, points: NDArray[np.float64], name: str) -> NDArray[np.float64]:
    """``f(points)`` as a real ``(n, d)`` feature matrix (a 1-D result is one feature), or :class:`Wrong`."""
    if not callable(f):
        raise Wrong(f"{name} should be a function of an array of points; got {f!r}.")
    try:
        result = f(points)
    except Exception as error:  # a student's function may fail in any way; report it in words
        raise Wrong(f"Calling {name} on an array of {points.size} points failed: "
                    f"{type(error).__name__}: {error}") from error
    if result is None:
        raise Wrong(f"{name} returns None: fill in its body and run the check again.")
    values = _real_array(result, name, "should return numbers")
    if values.ndim == 1 and values.shape[0] == points.size:
        values = values[:, None]
    if values.ndim != 2 or values.shape[0] != points.size:
        raise Wrong(f"{name}(x) for an array of {points.size} points should have shape "
                    f"({points.size}, d); got {values.shape}. Use np.stack([...], axis=1).")
    if not np.all(np.isfinite(values)):
        raise Wrong(f"{name} returns non-finite values (NaN or inf).")
    return values


def feature_pair(
    phi: object, psi: object, x: NDArray[np.float64], y: NDArray[np.float64], max_features: int | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """phi(x) and psi(y) as feature matrices of the same width d <= max_features, or :class:`Wrong`."""
    fx, fy = feature_matrix(phi, x, "phi"), feature_matrix(psi, y, "psi")
    if fx.shape[1] != fy.shape[1]:
        raise Wrong(f"phi has {fx.shape[1]} features but psi has {fy.shape[1]}: an inner product needs the same d.")
    if max_features is not None and fx.shape[1] > max_features:
        raise Wrong(f"You used d = {fx.shape[1]} features; the exercise asks for at most {max_features}.")
    return fx, fy


