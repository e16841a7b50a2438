r"""A Barron-type neuron bound for symmetric inner-product models, and Maurey's sampling argument.

The chapter "Mercer's theorem and symmetric relations" proves: if each
:math:`f_i = \sqrt{\lambda_i} e_i` is approximated by a one-hidden-layer network
:math:`g_i` with :math:`n_i` units and
:math:`\|f_i - g_i\|_{L^2(\mu)} \le 2\sqrt{\lambda_i}\, C_i / \sqrt{n_i}`
(Barron's rate, with constant :math:`C_i` of the eigenfunction :math:`e_i`), then the stacked
network :math:`g = (g_1, \dots, g_d)` satisfies

.. math::

    \|k - \langle g, g \rangle\|_{L^2(\mu\otimes\mu)}
    \le \Big(\sum_{i > d} \lambda_i^2\Big)^{1/2}
      + \sum_{i=1}^{d} \Big(\frac{4 \lambda_i C_i}{\sqrt{n_i}} + \frac{4 \lambda_i C_i^2}{n_i}\Big).

On an interval, Maurey's sampling argument with step units gives the rate with
:math:`C_i = V(e_i)/2`, half the total variation (:func:`maurey_network`,
:func:`maurey_variance`).  Minimising the leading term under
:math:`\sum_i n_i = N` (Lagrange) gives :math:`n_i \propto (\lambda_i C_i)^{2/3}`
(:func:`optimal_allocation`) and a total of order
:math:`(\sum_{i \le d} (\lambda_i C_i)^{2/3})^3 / \varepsilon^2` neurons
(:func:`neurons_for_error`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import (
    as_float_array,
    as_real,
    check_callable,
    check_int,
    check_positive,
    check_probability_weights,
    check_real,
    check_size,
)

__all__ = [
    "StepNetwork",
    "barron_bound",
    "certified_sup_error",
    "maurey_network",
    "maurey_variance",
    "neurons_for_error",
    "optimal_allocation",
    "staircase_network",
    "total_variation",
]

Function = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def _interval(low: float, high: float) -> tuple[float, float]:
    low, high = as_real(low, "low"), as_real(high, "high")
    for value, name in ((low, "low"), (high, "high")):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite real number; got {value!r}")
    if not low < high:
        raise ValueError(f"low must be < high (a non-empty interval); got low={low} and high={high}")
    return low, high


def _on_grid(f: Function, low: float, high: float, grid: int, *, columns: bool = False
             ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    check_callable(f, "f", "f(t) -> array of t's shape")
    n = check_int(grid, "grid", minimum=2)
    check_size((n,), "the grid")
    t = np.linspace(low, high, n)
    raw = np.asarray(f(t))
    if raw.dtype == object or not (np.issubdtype(raw.dtype, np.number) or raw.dtype == np.bool_) \
            or np.iscomplexobj(raw):
        raise ValueError(f"f must return real numbers; got {raw.dtype} values")
    values = raw.astype(np.float64)
    if values.shape != t.shape and not (columns and values.ndim == 2 and values.shape[0] == n):
        shapes = f"{t.shape} or (N, m)" if columns else f"{t.shape}"
        raise ValueError(f"f must map an array of shape {t.shape} to shape {shapes}; got {values.shape}")
    if not np.isfinite(values).all():
        i = int(np.argmax(~np.isfinite(values)))
        raise ValueError(f"f must be finite on [{low}, {high}]; got {values[i]} at x = {t[i]:.6g}")
    return t, values


def total_variation(f: Function, low: float, high: float, *, grid: int = 20_001) -> float | NDArray[np.float64]:
    r"""Total variation :math:`V(f) = \int_a^b |f'(t)|\, dt` of a function on :math:`[a, b]`, on a fine grid.

    .. math::

        V(f) \approx \sum_{j} |f(t_{j+1}) - f(t_j)|, \qquad t_j = a + j (b - a) / (N - 1),

    a lower bound that increases to :math:`V(f)` as the grid refines, exact for
    functions monotone between grid points.

    Parameters
    ----------
    f : callable
        Vectorised: ``f(t)`` for ``t`` of shape (N,) returns shape (N,), or shape (N, m) for
        :math:`m` functions at once (e.g. all the eigenfunctions of an expansion, evaluated once).
    low, high : float
        The interval :math:`[a, b]`.
    grid : int
        Number :math:`N` of grid points.

    Returns
    -------
    float, or numpy.ndarray of shape (m,)
        One variation per column if ``f`` returns shape (N, m): bit for bit what the column alone gives.

    Examples
    --------
    >>> round(total_variation(np.sin, 0.0, 2 * np.pi), 6)  # up 1, down 2, up 1
    4.0
    >>> total_variation(lambda t: np.stack([np.sin(t), 2 * t], axis=1), 0.0, 2 * np.pi).round(6).tolist()
    [4.0, 12.566371]
    """
    low, high = _interval(low, high)
    _, values = _on_grid(f, low, high, grid, columns=True)
    if values.ndim == 1:
        return float(np.sum(np.abs(np.diff(values))))
    # one contiguous row per function: np.sum adds each row pairwise, exactly as for a single function
    return np.sum(np.ascontiguousarray(np.abs(np.diff(values, axis=0)).T), axis=1)


# |z| >= 20 gives tanh(z) = +-1 exactly in float64 (1 - tanh 20 = 8.5e-18 < 2^-54, half an ulp below 1) and
# sech^2(z) <= 4 exp(-2z) < 1e-17: the banded sums evaluate a unit only within _BAND / s of a point (25 > 20 allows
# for the rounding of s * (x - t)).
_BAND = 25.0


def _band_pairs(thresholds: NDArray[np.float64], low: NDArray[np.float64], high: NDArray[np.float64]
                ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """All pairs (i, k) with ``low[i] <= thresholds[k] <= high[i]``, for sorted ``thresholds``."""
    first = np.searchsorted(thresholds, low, side="left")
    counts = np.maximum(np.searchsorted(thresholds, high, side="right") - first, 0)
    rows = np.repeat(np.arange(low.shape[0]), counts)
    starts = np.cumsum(counts) - counts
    return rows, np.repeat(first - starts, counts) + np.arange(rows.shape[0])


@dataclass(frozen=True, eq=False)
class StepNetwork:
    r"""A one-hidden-layer network of step units on the line.

    .. math::

        g(x) = b + \sum_{k=1}^{n} c_k\, \mathbf 1\{x > t_k\},

    with bias :math:`b`, output weights :math:`c_k` and thresholds :math:`t_k`.

    Attributes
    ----------
    bias : float
    weights, thresholds : numpy.ndarray, shape (n,)
    """

    bias: float
    weights: NDArray[np.float64]
    thresholds: NDArray[np.float64]

    def __post_init__(self) -> None:
        # validated when built: lists become arrays, one weight per threshold, all finite
        weights = as_float_array(self.weights, "weights", ndim=1)
        thresholds = as_float_array(self.thresholds, "thresholds", ndim=1)
        if weights.shape != thresholds.shape:
            raise ValueError(f"weights and thresholds must have one entry per unit; got {weights.shape[0]} weights "
                             f"and {thresholds.shape[0]} thresholds")
        object.__setattr__(self, "bias", check_real(self.bias, "bias"))
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "thresholds", thresholds)

    @property
    def units(self) -> int:
        """The number :math:`n` of hidden units."""
        return int(self.thresholds.shape[0])

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Evaluate at points ``x`` of shape (N,) or (N, 1); returns shape (N,)."""
        t = as_float_array(x, "x")
        t = t[:, 0] if t.ndim == 2 and t.shape[1] == 1 else t
        if t.ndim != 1:
            raise ValueError(f"x must have shape (N,) or (N, 1); got {t.shape}")
        order = np.argsort(self.thresholds, kind="stable")
        cumulative = np.concatenate([[0.0], np.cumsum(self.weights[order])])
        count = np.searchsorted(self.thresholds[order], t, side="left")  # number of t_k < x
        return self.bias + cumulative[count]

    def smooth(self, x: ArrayLike, sharpness: float) -> NDArray[np.float64]:
        r"""The tanh network with the same units, each step replaced by a steep tanh.

        .. math::

            g_s(x) = b + \sum_{k=1}^{n} c_k\, \frac{1 + \tanh(s (x - t_k))}{2},

        a one-hidden-layer tanh network with :math:`n` units (input weights
        :math:`s`, biases :math:`-s t_k`).  As :math:`s \to \infty` it tends to
        :math:`g` away from the thresholds, and near a threshold it stays between
        the two values of :math:`g` on either side (chapter "Mercer's theorem and
        symmetric relations", lemma on staircases).

        Parameters
        ----------
        x : array_like, shape (N,) or (N, 1)
        sharpness : float
            :math:`s > 0`.

        Returns
        -------
        numpy.ndarray, shape (N,)

        Examples
        --------
        >>> g = StepNetwork(bias=0.0, weights=np.array([1.0]), thresholds=np.array([0.5]))
        >>> g.smooth([0.0, 0.5, 1.0], sharpness=1e3).round(6).tolist()
        [0.0, 0.5, 1.0]
        """
        s = check_positive(sharpness, "sharpness")
        t = as_float_array(x, "x")
        t = t[:, 0] if t.ndim == 2 and t.shape[1] == 1 else t
        if t.ndim != 1:
            raise ValueError(f"x must have shape (N,) or (N, 1); got {t.shape}")
        # a unit with |s (x - t_k)| >= _BAND adds exactly c_k or 0 (tanh = +-1): only the others are evaluated
        order = np.argsort(self.thresholds, kind="stable")
        thresholds, weights = self.thresholds[order], self.weights[order]
        reach = _BAND / s
        cumulative = np.concatenate([[0.0], np.cumsum(weights)])
        below = cumulative[np.searchsorted(thresholds, t - reach, side="left")]  # sum of c_k, t_k < x - reach
        rows, units = _band_pairs(thresholds, t - reach, t + reach)
        steps = weights[units] * (1 + np.tanh(s * (t[rows] - thresholds[units]))) / 2
        return self.bias + below + np.bincount(rows, weights=steps, minlength=t.shape[0])

    def __repr__(self) -> str:
        return f"StepNetwork(units={self.units}, bias={self.bias:.4g})"


def certified_sup_error(f: Function, network: StepNetwork, low: float, high: float, *, sharpness: float,
                        derivative_bound: float, grid: int = 40_001) -> float:
    r"""A certified upper bound on :math:`\sup_{[a, b]} |f - g_s|` for the tanh version of a step network.

    On each cell :math:`[x_j, x_{j+1}]` of a grid with spacing :math:`h`, the error
    :math:`e = f - g_s` (with :math:`g_s` from :meth:`StepNetwork.smooth`) satisfies

    .. math::

        \sup_{[x_j, x_{j+1}]} |e| \le \max(|e(x_j)|, |e(x_{j+1})|) + \frac h2 D_j, \qquad
        D_j = F' + \frac s2 \sum_k |c_k| \max_{[x_j, x_{j+1}]} \operatorname{sech}^2(s(x - t_k)),

    where :math:`F' \ge \sup |f'|` is ``derivative_bound`` and :math:`D_j` bounds
    :math:`|e'|` on the cell (each :math:`\operatorname{sech}^2` is largest at the point of
    the cell nearest to :math:`t_k`).  The bound is the largest right-hand side over the cells.

    Parameters
    ----------
    f : callable
        Vectorised, differentiable on :math:`[a, b]` with :math:`|f'| \le F'`.
    network : StepNetwork
    low, high : float
        :math:`[a, b]`.
    sharpness : float
        :math:`s > 0`.
    derivative_bound : float
        :math:`F' \ge 0`.
    grid : int
        Number of grid points.

    Returns
    -------
    float

    Examples
    --------
    >>> g = staircase_network(lambda t: t, 0.0, 1.0, tolerance=1 / 8)
    >>> bound = certified_sup_error(lambda t: t, g, 0.0, 1.0, sharpness=1e3, derivative_bound=1.0)
    >>> round(bound, 3)  # the true sup is 0.1214: the tanh steps round the corners
    0.121
    """
    low, high = _interval(low, high)
    if not isinstance(network, StepNetwork):
        raise ValueError(f"network must be a StepNetwork; got {type(network).__name__}")
    s = check_positive(sharpness, "sharpness")
    slope = check_positive(derivative_bound, "derivative_bound", strict=False)
    x, fx = _on_grid(f, low, high, grid)
    error = np.abs(fx - network.smooth(x, s))
    h = x[1] - x[0]
    order = np.argsort(network.thresholds, kind="stable")
    thresholds, size = network.thresholds[order], np.abs(network.weights[order])
    # units farther than _BAND / s from a cell add sech^2 <= 4 exp(-2 _BAND) each: bounded all at once by `far`
    cells, units = _band_pairs(thresholds, x[:-1] - _BAND / s, x[1:] + _BAND / s)
    left, right, t = x[:-1][cells], x[1:][cells], thresholds[units]
    distance = np.where((left <= t) & (t <= right), 0.0, np.minimum(np.abs(t - left), np.abs(t - right)))
    peak = 1.0 / np.cosh(np.minimum(s * distance, 350.0)) ** 2  # sech^2 at the nearest point of the cell
    far = 4.0 * math.exp(-2.0 * _BAND) * float(size.sum())
    near = np.bincount(cells, weights=peak * size[units], minlength=x.shape[0] - 1)
    derivative = slope + s / 2 * (near + far)
    return float(np.max(np.maximum(error[:-1], error[1:]) + h / 2 * derivative))


def staircase_network(f: Function, low: float, high: float, tolerance: float, *,
                      grid: int = 200_001) -> StepNetwork:
    r"""A deterministic step network with sup error at most ``tolerance``: a staircase.

    Split :math:`[a, b]` into the maximal pieces :math:`P_1, \dots, P_M` on which
    :math:`f` is monotone, with variations :math:`V_1, \dots, V_M`
    (:math:`\sum_j V_j = V`).  Piece :math:`j` gets
    :math:`n_j = \lceil V_j / (2\eta) \rceil` units, with thresholds where the
    variation of :math:`f` inside the piece reaches
    :math:`(k - \tfrac12) V_j / n_j`, :math:`k = 1, \dots, n_j`, and weights
    :math:`\pm V_j / n_j` (the direction of :math:`f` on the piece).  Then

    .. math::

        \sup_{[a, b]} |f - g| = \max_j \frac{V_j}{2 n_j} \le \eta,
        \qquad n = \sum_j n_j \le \frac{V}{2\eta} + M,

    and for monotone :math:`f` with :math:`\eta = V / (2n)` exactly :math:`n` units.
    On the grid, the variation is the sum of the increments of :math:`f`
    (:func:`total_variation`) and is interpolated linearly between grid points.

    Parameters
    ----------
    f : callable
        Vectorised, continuous on :math:`[a, b]`.
    low, high : float
        :math:`[a, b]`.
    tolerance : float
        :math:`\eta > 0`.
    grid : int
        Grid on which the variation of :math:`f` is computed.

    Returns
    -------
    StepNetwork

    Examples
    --------
    >>> g = staircase_network(lambda t: t, 0.0, 1.0, tolerance=1 / 8)  # V = 1: n = 4
    >>> g.units, g.thresholds.round(6).tolist()
    (4, [0.125, 0.375, 0.625, 0.875])
    """
    low, high = _interval(low, high)
    eta = check_positive(tolerance, "tolerance")
    t, values = _on_grid(f, low, high, grid)
    steps = np.diff(values)
    direction = np.sign(steps)
    # carry the last direction over flat grid cells, so a plateau does not split a piece
    for i in range(1, direction.shape[0]):
        if direction[i] == 0:
            direction[i] = direction[i - 1]
    cuts = np.flatnonzero(np.diff(direction) != 0) + 1  # piece boundaries, as grid indices
    thresholds, weights = [], []
    for start, stop in zip(np.r_[0, cuts], np.r_[cuts, steps.shape[0]], strict=True):
        running = np.concatenate([[0.0], np.cumsum(np.abs(steps[start:stop]))])
        variation = float(running[-1])
        if variation == 0.0:
            continue
        n = math.ceil(variation / (2 * eta) - 1e-9)  # 1e-9: V / (2 eta) = n up to rounding gives n
        levels = (np.arange(1, n + 1) - 0.5) * variation / n
        thresholds.append(np.interp(levels, running, t[start : stop + 1]))
        weights.append(np.full(n, np.sign(values[stop] - values[start]) * variation / n))
    if not thresholds:
        return StepNetwork(bias=float(values[0]), weights=np.zeros(0), thresholds=np.zeros(0))
    return StepNetwork(bias=float(values[0]), weights=np.concatenate(weights),
                       thresholds=np.concatenate(thresholds))


def maurey_network(
    f: Function, low: float, high: float, units: int, rng: np.random.Generator, *, grid: int = 20_001
) -> StepNetwork:
    r"""Maurey's random step network for :math:`f` on :math:`[a, b]`: an unbiased estimate of :math:`f`.

    Write :math:`f(x) = f(a) + \int_a^b f'(t)\, \mathbf 1\{x > t\}\, dt` and
    :math:`V = \int_a^b |f'|`.  Draw thresholds :math:`T_1, \dots, T_n` i.i.d. with
    density :math:`|f'| / V` and put

    .. math::

        g_n(x) = f(a) + \frac{V}{n} \sum_{k=1}^n \operatorname{sign} f'(T_k)\, \mathbf 1\{x > T_k\},

    so that :math:`\mathbb E\, g_n(x) = f(x)` and
    :math:`\mathbb E \|f - g_n\|^2_{L^2(\mu)} = \sigma^2 / n \le V^2 / n`
    (:func:`maurey_variance`).  On the grid, :math:`f'` is replaced by the
    increments of :math:`f` and a threshold is placed uniformly inside its grid cell.

    Parameters
    ----------
    f : callable
        Vectorised function on :math:`[a, b]`.
    low, high : float
    units : int
        Number :math:`n` of step units.
    rng : numpy.random.Generator
    grid : int
        Grid on which :math:`f'` is discretised.

    Returns
    -------
    StepNetwork

    Examples
    --------
    >>> g = maurey_network(lambda t: t, 0.0, 1.0, 4, np.random.default_rng(0))
    >>> g.units, float(g.weights.sum())  # four steps of height V / n = 1/4
    (4, 1.0)
    """
    low, high = _interval(low, high)
    n = check_int(units, "units", minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    t, values = _on_grid(f, low, high, grid)
    increments = np.diff(values)
    variation = float(np.sum(np.abs(increments)))
    if variation == 0.0:
        return StepNetwork(bias=float(values[0]), weights=np.zeros(n), thresholds=np.full(n, low))
    cells = rng.choice(increments.shape[0], size=n, p=np.abs(increments) / variation)
    thresholds = t[cells] + rng.uniform(size=n) * (t[1] - t[0])
    return StepNetwork(
        bias=float(values[0]), weights=variation / n * np.sign(increments[cells]), thresholds=thresholds
    )


def maurey_variance(f: Function, low: float, high: float, nodes: ArrayLike, weights: ArrayLike,
                    *, grid: int = 20_001) -> float:
    r"""The exact constant :math:`\sigma^2 = n\, \mathbb E \|f - g_n\|^2_{L^2(\mu)}` of Maurey's step network.

    Each unit is :math:`Z(x) = V \operatorname{sign} f'(T)\, \mathbf 1\{x > T\}` with
    :math:`\mathbb E Z(x) = f(x) - f(a)` and :math:`Z(x)^2 = V^2 \mathbf 1\{x > T\}`, so

    .. math::

        \sigma^2 = \int \operatorname{Var} Z(x)\, d\mu(x)
                 = V \int V_a^x(f)\, d\mu(x) - \int (f(x) - f(a))^2\, d\mu(x) \le V^2,

    where :math:`V_a^x(f) = \int_a^x |f'|` is the variation up to :math:`x`.
    For :math:`f = \sqrt2 \sin(\pi x / 2)` and :math:`\mu` uniform on :math:`[0, 1]`,
    :math:`\sigma^2 = 4/\pi - 1`.

    Parameters
    ----------
    f : callable
    low, high : float
        :math:`[a, b]`, containing the nodes.
    nodes, weights : array_like, shapes (m,) or (m, 1), and (m,)
        Quadrature rule of :math:`\mu`.
    grid : int

    Returns
    -------
    float

    Examples
    --------
    >>> from relnb.quadrature import uniform
    >>> x, w = uniform(50)
    >>> f = lambda t: np.sqrt(2) * np.sin(np.pi * t / 2)
    >>> round(maurey_variance(f, 0.0, 1.0, x, w) - (4 / np.pi - 1), 6)
    0.0
    """
    low, high = _interval(low, high)
    x = as_float_array(nodes, "nodes")
    x = x[:, 0] if x.ndim == 2 and x.shape[1] == 1 else x
    if x.ndim != 1:
        raise ValueError(f"nodes must be points of the line, shape (m,) or (m, 1); got {x.shape}")
    w = check_probability_weights(weights, "weights", size=x.shape[0])
    if (x < low).any() or (x > high).any():
        i = int(np.argmax((x < low) | (x > high)))
        raise ValueError(f"nodes must lie in [{low}, {high}]; got nodes[{i}] = {x[i]:.6g}")
    t, values = _on_grid(f, low, high, grid)
    running = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(values)))])
    variation_to_x = np.interp(x, t, running)
    f_x = np.interp(x, t, values)
    return float(running[-1] * (w @ variation_to_x) - w @ (f_x - values[0]) ** 2)


def _eigen_constants(eigenvalues: ArrayLike, constants: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lam = as_float_array(eigenvalues, "eigenvalues", ndim=1)
    c = as_float_array(constants, "constants", ndim=1)
    if lam.shape != c.shape:
        raise ValueError(f"eigenvalues and constants must have the same length; got {lam.shape[0]} and {c.shape[0]}")
    if lam.shape[0] == 0:
        raise ValueError("eigenvalues must not be empty; got length 0")
    for name, array in (("eigenvalues", lam), ("constants", c)):
        if (array < 0).any():
            i = int(np.argmax(array < 0))
            raise ValueError(f"{name} must be >= 0; got {name}[{i}] = {array[i]:.6g}")
    return lam, c


def barron_bound(eigenvalues: ArrayLike, constants: ArrayLike, neurons: ArrayLike, tail: float) -> float:
    r"""The neuron bound on the :math:`L^2(\mu\otimes\mu)` error of a stacked network.

    .. math::

        \varepsilon(n_1, \dots, n_d) = \tau_d + \sum_{i=1}^{d}
            \Big(\frac{4 \lambda_i C_i}{\sqrt{n_i}} + \frac{4 \lambda_i C_i^2}{n_i}\Big),

    where :math:`\tau_d = (\sum_{i > d}\lambda_i^2)^{1/2}` is the Mercer tail,
    :math:`\lambda_i` the eigenvalues, :math:`C_i` the Barron constants of the
    eigenfunctions and :math:`n_i` the units spent on coordinate :math:`i`.

    Parameters
    ----------
    eigenvalues, constants : array_like, shape (d,)
    neurons : array_like of int, shape (d,)
        :math:`n_i \ge 1`.
    tail : float
        :math:`\tau_d \ge 0`, e.g. ``MercerExpansion.tail_l2()``.

    Returns
    -------
    float

    Examples
    --------
    >>> barron_bound([1.0], [1.0], [4], tail=0.0)  # 4 * 1 * 1 / 2 + 4 * 1 * 1 / 4
    3.0
    """
    lam, c = _eigen_constants(eigenvalues, constants)
    n = as_float_array(neurons, "neurons", ndim=1)
    if (n != np.round(n)).any():
        i = int(np.argmax(n != np.round(n)))
        raise ValueError(f"neurons must be integers (numbers of units); got neurons[{i}] = {n[i]:.6g}")
    if n.shape != lam.shape:
        raise ValueError(f"neurons must have one entry per eigenvalue ({lam.shape[0]}); got {n.shape[0]}")
    if (n < 1).any():
        i = int(np.argmax(n < 1))
        raise ValueError(f"neurons must be >= 1; got neurons[{i}] = {n[i]:.6g}")
    tau = check_positive(tail, "tail", strict=False)
    return float(tau + np.sum(4 * lam * c / np.sqrt(n) + 4 * lam * c**2 / n))


def optimal_allocation(eigenvalues: ArrayLike, constants: ArrayLike, total: int) -> NDArray[np.int64]:
    r"""Split :math:`N` units among the coordinates to minimise the leading term of :func:`barron_bound`.

    Minimising :math:`\sum_i a_i n_i^{-1/2}` with :math:`a_i = 4\lambda_i C_i` under
    :math:`\sum_i n_i = N` (a Lagrange multiplier: :math:`a_i n_i^{-3/2} / 2 = \nu`) gives

    .. math::

        n_i^\star = N \frac{a_i^{2/3}}{\sum_j a_j^{2/3}}, \qquad
        \sum_i \frac{a_i}{\sqrt{n_i^\star}} = \frac{\big(\sum_i a_i^{2/3}\big)^{3/2}}{\sqrt N}.

    Rounded down to integers (at least 1 each), then the remaining units go to the
    largest remainders, so the result sums to :math:`N`.

    Parameters
    ----------
    eigenvalues, constants : array_like, shape (d,)
    total : int
        :math:`N \ge d`.

    Returns
    -------
    numpy.ndarray of int, shape (d,)

    Examples
    --------
    >>> optimal_allocation([1.0, 1 / 8], [1.0, 1.0], 10)  # weights 1 : 1/4
    array([8, 2])
    """
    lam, c = _eigen_constants(eigenvalues, constants)
    d = lam.shape[0]
    # N * share is exact to within one unit only while N is an exact float (<= 2^53): this bounds
    # the loops below by d + 1 iterations
    N = check_int(total, "total", minimum=d, maximum=2**53)
    share = (lam * c) ** (2.0 / 3.0)
    share = np.full(d, 1.0 / d) if share.sum() == 0 else share / share.sum()
    ideal = N * share
    n = np.maximum(np.floor(ideal), 1).astype(np.int64)
    while n.sum() < N:  # largest remainders first
        n[int(np.argmax(ideal - n))] += 1
    while n.sum() > N:  # only when the floor at 1 overspent: take from the most over-served
        n[int(np.argmax(np.where(n > 1, n - ideal, -np.inf)))] -= 1
    return n


def neurons_for_error(
    epsilon: float, eigenvalues: ArrayLike, constants: ArrayLike, tails: ArrayLike
) -> tuple[int, int]:
    r"""The smallest total number of units for which :func:`barron_bound` guarantees error :math:`\le \varepsilon`.

    For each :math:`d` with :math:`\tau_d < \varepsilon`, the optimal allocation
    turns the bound into :math:`\tau_d + \ell_d / \sqrt N + q_d / N` with
    :math:`\ell_d = (\sum_{i \le d} a_i^{2/3})^{3/2}`, :math:`a_i = 4\lambda_i C_i`, and
    :math:`q_d = (\sum_j a_j^{2/3}) \sum_{i \le d} 4\lambda_i C_i^2 / a_i^{2/3}`;
    solving the quadratic in :math:`1/\sqrt N` gives the smallest :math:`N(d)`,
    and the function returns the :math:`d` (the :math:`d(\varepsilon)` of the theorem)
    and :math:`N` that minimise it.  For small :math:`\varepsilon` this is of order
    :math:`\big(\sum_{i \le d(\varepsilon)} (\lambda_i C_i)^{2/3}\big)^3 / \varepsilon^2`.

    Parameters
    ----------
    epsilon : float
        Target :math:`\varepsilon > 0`.
    eigenvalues, constants : array_like, shape (D,)
        :math:`\lambda_i` and :math:`C_i` for :math:`i \le D`, all positive.
    tails : array_like, shape (D + 1,)
        :math:`\tau_0, \dots, \tau_D` (``[expansion.tail_l2(d) for d in range(D + 1)]``).

    Returns
    -------
    (d, N) : tuple of int
        (0, 0) when :math:`\tau_0 = \|k\| \le \varepsilon` already: the zero network will do.

    Examples
    --------
    >>> neurons_for_error(1.0, [1.0], [1.0], [2.0, 0.0])  # 4 / sqrt(N) + 4 / N <= 1 from N = 24 on
    (1, 24)
    """
    eps = check_positive(epsilon, "epsilon")
    lam, c = _eigen_constants(eigenvalues, constants)
    if (lam * c <= 0).any():
        i = int(np.argmax(lam * c <= 0))
        raise ValueError(f"eigenvalues and constants must be > 0; got lambda_{i + 1} C_{i + 1} = {lam[i] * c[i]:.3g}")
    tau = as_float_array(tails, "tails", ndim=1)
    if tau.shape[0] != lam.shape[0] + 1:
        raise ValueError(f"tails must have length len(eigenvalues) + 1 = {lam.shape[0] + 1}; got {tau.shape[0]}")
    if (tau < 0).any():
        i = int(np.argmax(tau < 0))
        raise ValueError(f"tails must be >= 0 (L2 norms of the remainders); got tails[{i}] = {tau[i]:.6g}")
    if tau[0] <= eps:
        return 0, 0
    a = 4 * lam * c
    best: tuple[int, int] | None = None
    for d in range(1, lam.shape[0] + 1):
        room = eps - tau[d]
        if room <= 0:
            continue
        s = np.sum(a[:d] ** (2 / 3))
        lead = s**1.5
        second = s * np.sum(4 * lam[:d] * c[:d] ** 2 / a[:d] ** (2 / 3))
        # u = 1 / sqrt(N) is the positive root of second u^2 + lead u - room = 0, written without
        # the cancelling difference -lead + sqrt(...): u = 2 room / (lead + sqrt(lead^2 + 4 second room))
        inverse_u = (lead + math.sqrt(lead**2 + 4 * second * room)) / (2 * room)  # sqrt(N)
        if not math.isfinite(inverse_u * inverse_u):
            raise ValueError(f"epsilon is too small: the number of units needed at d = {d} overflows float64 "
                             f"(about ({inverse_u:.3g})^2); got epsilon={eps:.3g}")
        N = max(math.ceil(inverse_u * inverse_u - 1e-9), d)
        if best is None or N < best[1]:
            best = (d, N)
    if best is None:
        raise ValueError(
            f"epsilon must exceed the smallest available tail tau_{lam.shape[0]} = {tau[-1]:.4g}; got {eps:.4g} "
            f"(pass more eigenvalues)"
        )
    return best
