"""Shared input checks for the public functions of :mod:`relnb`.

Every public function validates at its boundary and raises a ``ValueError``
that names the rule that was broken and the value that broke it, so that a
reader who passes a wrong object gets told what is wrong instead of a silent
wrong answer.  This module is private: the messages are the contract, the
helpers are not.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "as_float_array",
    "as_points",
    "check_finite",
    "check_int",
    "check_open_unit",
    "check_positive",
    "check_probability_weights",
    "check_real",
    "check_square",
    "check_symmetric",
    "points_pair",
    "relation_values",
]


def _describe(value: object) -> str:
    """Short description of a value for an error message."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(value: ArrayLike, name: str, *, ndim: int | None = None) -> NDArray[np.float64]:
    """Convert ``value`` to a finite float64 array, optionally of a fixed rank."""
    if isinstance(value, str | bytes):
        raise ValueError(f"{name} must be numeric; got a string {_describe(value)}")
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} must be an array of numbers; got {_describe(value)} ({exc})") from exc
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)
    ):
        raise ValueError(f"{name} must be numeric; got {_describe(array)}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"{name} must be real; got complex dtype {array.dtype}")
    array = array.astype(np.float64, copy=False)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {array.shape}")
    check_finite(array, name)
    return array


def check_finite(array: NDArray[np.float64], name: str) -> None:
    """Raise if ``array`` contains NaN or infinity, naming the first bad index."""
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} must be finite; got {array[index]} at index {index}")


def as_points(value: ArrayLike, name: str, *, dim: int | None = None) -> NDArray[np.float64]:
    """Points as an ``(n, m)`` float64 array; a 1-D input of length n is read as ``(n, 1)``."""
    array = as_float_array(value, name)
    if array.ndim == 0:
        raise ValueError(f"{name} must be an array of points of shape (n, m) or (n,); got a scalar")
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (n, m) or (n,); got shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError(f"{name} must contain at least one point; got shape {array.shape}")
    if dim is not None and array.shape[1] != dim:
        raise ValueError(f"{name} must have {dim} column(s) (points in R^{dim}); got shape {array.shape}")
    return array


def points_pair(X: ArrayLike, Y: ArrayLike | None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate the two point sets of a relation call ``r(X, Y=None)`` (``Y=None`` means ``X``).

    Returns ``(n, m)`` and ``(k, m)`` float64 arrays with the same ``m``.

    Examples
    --------
    >>> x, y = points_pair([0.0, 1.0], None)
    >>> x.shape, y.shape
    ((2, 1), (2, 1))
    """
    x = as_points(X, "X")
    y = x if Y is None else as_points(Y, "Y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"X and Y must be points of the same dimension; got X of shape {x.shape} and Y of shape {y.shape}"
        )
    return x, y


def check_square(array: ArrayLike, name: str) -> NDArray[np.float64]:
    """A finite, real, square float64 matrix."""
    matrix = as_float_array(array, name, ndim=2)
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be a square matrix; got shape {matrix.shape}")
    if matrix.shape[0] == 0:
        raise ValueError(f"{name} must not be empty; got shape {matrix.shape}")
    return matrix


def check_symmetric(array: ArrayLike, name: str, *, rtol: float = 1e-10) -> NDArray[np.float64]:
    """A square matrix equal to its transpose up to ``rtol`` relative to its largest entry."""
    matrix = check_square(array, name)
    scale = max(float(np.abs(matrix).max()), np.finfo(float).tiny)
    asym = np.abs(matrix - matrix.T)
    if asym.max() > rtol * scale:
        i, j = (int(k) for k in np.unravel_index(np.argmax(asym), asym.shape))
        raise ValueError(
            f"{name} must be symmetric; got {name}[{i}, {j}] = {matrix[i, j]:.6g} "
            f"but {name}[{j}, {i}] = {matrix[j, i]:.6g}"
        )
    return matrix


def check_positive(value: float, name: str, *, strict: bool = True) -> float:
    """A finite real number that is > 0 (or >= 0 with ``strict=False``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number; got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if strict and value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    if not strict and value < 0:
        raise ValueError(f"{name} must be >= 0; got {value}")
    return value


def check_real(value: float, name: str) -> float:
    """A finite real number of either sign."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number; got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def check_open_unit(value: float, name: str) -> float:
    """A real number strictly between 0 and 1 (a probability that is neither impossible nor certain)."""
    p = check_real(value, name)
    if not 0.0 < p < 1.0:
        raise ValueError(f"{name} must satisfy 0 < {name} < 1; got {p}")
    return p


def check_int(value: int, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer; got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}")
    return value


def check_probability_weights(weights: ArrayLike, name: str, *, size: int | None = None) -> NDArray[np.float64]:
    """Non-negative weights of a discrete probability measure (summing to 1 within 1e-10)."""
    w = as_float_array(weights, name, ndim=1)
    if size is not None and w.shape[0] != size:
        raise ValueError(f"{name} must have one weight per node ({size}); got {w.shape[0]}")
    if (w < 0).any():
        index = int(np.argmax(w < 0))
        raise ValueError(f"{name} must be non-negative; got {w[index]} at index {index}")
    total = float(w.sum())
    if abs(total - 1.0) > 1e-10:
        raise ValueError(f"{name} must sum to 1 (a probability measure); got sum {total:.12g}")
    return w


def relation_values(relation: object, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """``relation(x, y)`` checked to be a finite float64 array of shape ``(len(x), len(y))``."""
    if not callable(relation):
        raise ValueError(f"relation must be callable as relation(X, Y); got {type(relation).__name__}")
    value = as_float_array(relation(x, y), "relation(X, Y)")
    if value.shape != (x.shape[0], y.shape[0]):
        raise ValueError(f"relation(X, Y) must have shape {(x.shape[0], y.shape[0])}; got {value.shape}")
    return value
