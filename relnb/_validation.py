"""Shared input checks for the public functions of :mod:`relnb`.

Every public function validates at its boundary and raises a ``ValueError``
that names the rule that was broken and the value that broke it, so that a
reader who passes a wrong object gets told what is wrong instead of a silent
wrong answer.  This module is private: the messages are the contract, the
helpers are not.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "MAX_BYTES",
    "as_float_array",
    "as_points",
    "as_real",
    "check_callable",
    "check_finite",
    "check_int",
    "check_open_unit",
    "check_positive",
    "check_probability_weights",
    "check_real",
    "check_rtol",
    "check_size",
    "check_square",
    "check_symmetric",
    "check_unit_interval",
    "finite_output",
    "points_pair",
    "relation_values",
]


#: Largest array, in bytes, that a relnb function forms at once (an n x k kernel, relation or Gram
#: matrix, product weights, a grid).  Calls that would need more are refused before allocating, with
#: the size in the message.  Raise it (``relnb._validation.MAX_BYTES = 8 * 2**30``) when the memory
#: is there, or pass fewer points / chunk the call (as :func:`relnb.debreu.measure_utility` does).
MAX_BYTES: int = 2 * 2**30


def _bytes(nbytes: int) -> str:
    """A byte count for a message: ``'74.5 GiB (80000000000 bytes)'``."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if nbytes >= size:
            return f"{nbytes / size:.3g} {unit} ({nbytes} bytes)"
    return f"{nbytes} bytes"


def check_size(shape: tuple[int, ...], what: str, *, itemsize: int = 8) -> None:
    """Refuse, before allocating, an array of ``shape`` larger than :data:`MAX_BYTES`.

    The product is taken in Python integers, so it cannot overflow.

    Examples
    --------
    >>> check_size((1000, 1000), "the kernel matrix")
    >>> check_size((10**5, 10**5), "the kernel matrix")
    Traceback (most recent call last):
    ...
    ValueError: the kernel matrix of shape (100000, 100000) would take 74.5 GiB (80000000000 bytes), \
above relnb._validation.MAX_BYTES = 2 GiB (2147483648 bytes); pass fewer points (or chunk the call), \
or raise relnb._validation.MAX_BYTES if the memory is there
    """
    nbytes = itemsize * math.prod(int(n) for n in shape)
    if nbytes > MAX_BYTES:
        raise ValueError(
            f"{what} of shape {tuple(int(n) for n in shape)} would take {_bytes(nbytes)}, above "
            f"relnb._validation.MAX_BYTES = {_bytes(MAX_BYTES)}; pass fewer points (or chunk the call), "
            f"or raise relnb._validation.MAX_BYTES if the memory is there"
        )


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


def finite_output(array: NDArray[np.float64], what: str) -> NDArray[np.float64]:
    """Return ``array`` if finite; else the value has no float64 representation: say so, with a witness.

    For results promised finite whose inputs are finite but so large that the value overflows
    (a polynomial kernel of points near 1e154, a squared norm near 1e308).
    """
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{what} overflows float64: got {array[index]} at index {index} (the inputs are too large for a "
            f"finite value; rescale them)"
        )
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


def points_pair(
    X: ArrayLike, Y: ArrayLike | None, *, itemsize: int | None = 8, names: tuple[str, str] = ("X", "Y")
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate the two point sets of a relation call ``r(X, Y=None)`` (``Y=None`` means ``X``).

    Returns ``(n, m)`` and ``(k, m)`` float64 arrays with the same ``m``.  The ``(n, k)`` matrix
    the caller forms, of ``itemsize`` bytes per entry, is checked against :data:`MAX_BYTES`
    first (``itemsize=None``: the caller chunks, no check).  ``names`` are the caller's names of
    the two arguments, for the messages.

    Examples
    --------
    >>> x, y = points_pair([0.0, 1.0], None)
    >>> x.shape, y.shape
    ((2, 1), (2, 1))
    """
    a, b = names
    x = as_points(X, a)
    y = x if Y is None else as_points(Y, b)
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"{a} and {b} must be points of the same dimension; got {a} of shape {x.shape} and {b} of shape {y.shape}"
        )
    if itemsize is not None:
        check_size((x.shape[0], y.shape[0]), "the matrix r(X, Y)", itemsize=itemsize)
    return x, y


def check_unit_interval(points: NDArray[np.float64], name: str) -> None:
    """Raise unless every point (one column) lies in [0, 1], the support of the uniform measure."""
    if points.shape[1] != 1:
        raise ValueError(f"{name} must be points of [0, 1] (one column); got shape {points.shape}")
    bad = (points[:, 0] < 0) | (points[:, 0] > 1)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name} must lie in [0, 1] (the measure's support); got {name}[{i}] = {points[i, 0]:.6g}")


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


def as_real(value: object, name: str) -> float:
    """``value`` as a float if it is a real number: ``numbers.Real`` (numpy scalars included) or a
    0-d array or tensor of a real dtype (duck-typed by ``ndim == 0`` and ``.item()``: no torch import);
    booleans are not numbers here."""
    item = value
    if not isinstance(value, numbers.Number) and getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        try:
            item = value.item()
        except Exception:
            item = value
    if isinstance(item, bool | np.bool_) or not isinstance(item, numbers.Real):
        raise ValueError(f"{name} must be a real number; got {_describe(value)}")
    return float(item)


def check_positive(value: float, name: str, *, strict: bool = True) -> float:
    """A finite real number that is > 0 (or >= 0 with ``strict=False``).

    Examples
    --------
    >>> check_positive(np.float32(0.5), "lengthscale")
    0.5
    """
    value = as_real(value, name)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if strict and value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    if not strict and value < 0:
        raise ValueError(f"{name} must be >= 0; got {value}")
    return value


def check_real(value: float, name: str) -> float:
    """A finite real number of either sign (numpy scalars and 0-d arrays or tensors included)."""
    value = as_real(value, name)
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
    """An integer within ``[minimum, maximum]`` (numpy integers and 0-d integer arrays or tensors included)."""
    if not isinstance(value, numbers.Number) and getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        try:
            value = value.item()
        except Exception:
            pass
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer; got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}")
    return value


def check_rtol(value: float | None, name: str = "rtol") -> float | None:
    """A relative tolerance: ``None`` (the caller's default) or a finite real in ``[0, 1)``.

    A negative tolerance counts every rounding error as signal; one of 1 or more counts nothing.
    """
    if value is None:
        return None
    r = check_real(value, name)
    if not 0.0 <= r < 1.0:
        raise ValueError(f"{name} must satisfy 0 <= {name} < 1 (a relative tolerance); got {r}")
    return r


def check_callable(f: object, name: str, usage: str) -> None:
    """Raise unless ``f`` is callable; ``usage`` says how it is called (``"kernel(X, Y) -> (n, k)"``).

    Where the domain is known and a call is cheap, the caller then calls it once on a probe point
    and checks the shape (e.g. :class:`relnb.retrieval.RetrievalTask` when built); elsewhere every
    call's result is checked (:func:`relation_values`).

    Examples
    --------
    >>> check_callable("gaussian", "kernel", "kernel(X, Y) -> (n, k)")
    Traceback (most recent call last):
    ...
    ValueError: kernel must be a callable kernel(X, Y) -> (n, k); got str 'gaussian'
    """
    if not callable(f):
        raise ValueError(f"{name} must be a callable {usage}; got {type(f).__name__} {_describe(f)}")


def check_probability_weights(weights: ArrayLike, name: str, *, size: int | None = None) -> NDArray[np.float64]:
    """Non-negative weights of a discrete probability measure.

    They must sum to 1 within ``max(1e-10, n * eps)``, with ``eps`` the machine epsilon of the
    input's own float type: n weights rounded to float32 (eps = 1.2e-7) carry a sum error of up
    to n * eps, and float32 weights that sum to 1 in float32 are a probability measure.
    """
    dtype = getattr(weights, "dtype", None)
    eps = float(np.finfo(dtype).eps) if dtype is not None and np.issubdtype(dtype, np.floating) else 0.0
    w = as_float_array(weights, name, ndim=1)
    if size is not None and w.shape[0] != size:
        raise ValueError(f"{name} must have one weight per node ({size}); got {w.shape[0]}")
    if (w < 0).any():
        index = int(np.argmax(w < 0))
        raise ValueError(f"{name} must be non-negative; got {w[index]} at index {index}")
    total = float(w.sum())
    if abs(total - 1.0) > max(1e-10, w.shape[0] * eps):
        raise ValueError(f"{name} must sum to 1 (a probability measure); got sum {total:.12g}")
    return w


def relation_values(
    relation: object, x: NDArray[np.float64], y: NDArray[np.float64], *, name: str = "relation"
) -> NDArray[np.float64]:
    """``relation(x, y)`` checked to be a finite float64 array of shape ``(len(x), len(y))``."""
    if not callable(relation):
        raise ValueError(f"{name} must be callable as relation(X, Y); got {type(relation).__name__}")
    check_size((x.shape[0], y.shape[0]), "the relation matrix r(X, Y)")
    value = as_float_array(relation(x, y), "relation(X, Y)")
    if value.shape != (x.shape[0], y.shape[0]):
        raise ValueError(f"relation(X, Y) must have shape {(x.shape[0], y.shape[0])}; got {value.shape}")
    return value
