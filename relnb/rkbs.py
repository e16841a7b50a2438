r"""The reproducing kernel Banach space (RKBS) pair built from two feature maps.

Given feature maps :math:`\phi : X \to \mathbb R^d` and :math:`\psi : Y \to \mathbb R^d`
(for instance the two networks of a trained :class:`relnb.inner_product.AsymmetricInnerProduct`),
define two spaces of functions and a pairing between them,

.. math::

    \mathcal B = \{ f_v(x) = \langle \phi(x), v \rangle : v \in \mathbb R^d \}, \qquad
    \mathcal B' = \{ g_u(y) = \langle u, \psi(y) \rangle : u \in \mathbb R^d \}, \qquad
    \langle f_v, g_u \rangle_{\mathcal B \times \mathcal B'} = \langle v, u \rangle,

normed by :math:`\|f_v\|_{\mathcal B} = \|v\|_p` and :math:`\|g_u\|_{\mathcal B'} = \|u\|_q`,
:math:`1/p + 1/q = 1` (Zhang, Xu and Zhang 2009; Lin, Zhang and Zhang 2022).
The kernel :math:`K(x, y) = \langle \phi(x), \psi(y) \rangle` reproduces in both directions:
:math:`K(x, \cdot) = g_{\phi(x)} \in \mathcal B'`, :math:`K(\cdot, y) = f_{\psi(y)} \in \mathcal B`, and

.. math::

    \langle f, K(x, \cdot) \rangle = f(x), \qquad \langle K(\cdot, y), g \rangle = g(y)
    \qquad (f \in \mathcal B,\ g \in \mathcal B').

The pairing is well defined (a function of :math:`f` and :math:`g`, not of the
coefficient vectors chosen to write them) exactly when :math:`v \mapsto f_v` and
:math:`u \mapsto g_u` are injective, that is when :math:`\phi(X)` and
:math:`\psi(Y)` both span :math:`\mathbb R^d`: :meth:`RKBSPair.check_density`.
With :math:`\psi = \phi` and :math:`p = 2` the pair is the reproducing kernel
Hilbert space of :math:`K`.  See the chapter "Asymmetric relations and the RKBS construction".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relnb._validation import (
    as_float_array,
    as_points,
    check_positive,
    check_size,
    finite_output,
)
from relnb.gram import numerical_rank

__all__ = ["PairedFunction", "RKBSPair"]

FeatureMap = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def _rank(matrix: NDArray[np.float64], rtol: float | None) -> int:
    """Numerical rank: singular values above ``rtol`` (default ``max(shape) * eps``) times the largest."""
    return numerical_rank(matrix, rtol=rtol)


@dataclass(frozen=True, eq=False, repr=False)
class PairedFunction:
    r"""An element of :math:`\mathcal B` (``side="x"``: :math:`f_v = \langle \phi(\cdot), v\rangle`)
    or of :math:`\mathcal B'` (``side="y"``: :math:`g_u = \langle u, \psi(\cdot)\rangle`).

    Calling it evaluates the function: ``f(X)`` has shape (n,).

    Attributes
    ----------
    pair : RKBSPair
        The pair of spaces it belongs to.
    side : {"x", "y"}
        :math:`\mathcal B` (functions of :math:`x`) or :math:`\mathcal B'` (functions of :math:`y`).
    coef : numpy.ndarray, shape (d,)
        The coefficient vector :math:`v` or :math:`u` that represents it.
    """

    pair: RKBSPair
    side: str
    coef: NDArray[np.float64]

    def __post_init__(self) -> None:
        if not isinstance(self.pair, RKBSPair):
            raise TypeError(f"pair must be an RKBSPair; got {type(self.pair).__name__}")
        if self.side not in ("x", "y"):
            raise ValueError(f"side must be 'x' or 'y'; got {self.side!r}")
        name = "coef (v)" if self.side == "x" else "coef (u)"
        coef = as_float_array(self.coef, name, ndim=1)
        if coef.size == 0:
            raise ValueError(f"{name} must have at least one coefficient; got shape {coef.shape}")
        object.__setattr__(self, "coef", coef)

    def __call__(self, points: ArrayLike) -> NDArray[np.float64]:
        features = self.pair.features_x(points) if self.side == "x" else self.pair.features_y(points)
        if features.shape[1] != self.coef.shape[0]:
            name = "v" if self.side == "x" else "u"
            raise ValueError(f"{name} must have one coefficient per feature (d = {features.shape[1]}); "
                             f"got length {self.coef.shape[0]}")
        return features @ self.coef

    def norm(self) -> float:
        r""":math:`\|f_v\|_{\mathcal B} = \|v\|_p` or :math:`\|g_u\|_{\mathcal B'} = \|u\|_q`."""
        order = self.pair.p if self.side == "x" else self.pair.q
        return float(np.linalg.norm(self.coef, ord=order))

    def __add__(self, other: PairedFunction) -> PairedFunction:
        if not isinstance(other, PairedFunction) or other.pair is not self.pair or other.side != self.side:
            raise ValueError("only functions of the same space of the same RKBSPair can be added")
        return PairedFunction(self.pair, self.side, self.coef + other.coef)

    def __repr__(self) -> str:
        space = "B (functions of x)" if self.side == "x" else "B' (functions of y)"
        return f"PairedFunction(in {space}, coef={np.array2string(self.coef, precision=4)})"


@dataclass(frozen=True, eq=False, repr=False)
class RKBSPair:
    r"""The RKBS pair :math:`(\mathcal B, \mathcal B')` of two feature maps, with pairing and kernel.

    .. math::

        K(x, y) = \langle \phi(x), \psi(y) \rangle, \qquad
        \langle f_v, g_u \rangle = \langle v, u \rangle, \qquad
        \|f_v\|_{\mathcal B} = \|v\|_p, \quad \|g_u\|_{\mathcal B'} = \|u\|_q,

    where :math:`\phi, \psi` map points to :math:`\mathbb R^d` and :math:`1/p + 1/q = 1`.

    Parameters
    ----------
    phi, psi : callable
        Feature maps ``(n, m) -> (n, d)`` and ``(k, m') -> (k, d)`` (numpy in, numpy out),
        e.g. ``model.phi.features`` of a trained model, or the balanced Schmidt features.
    p : float
        Exponent of the norm of :math:`\mathcal B`, :math:`1 < p < \infty` (2: Hilbert norms).

    Examples
    --------
    >>> pair = RKBSPair(lambda x: np.hstack([-x**2, 2 * x, np.ones_like(x)]),
    ...                 lambda y: np.hstack([np.ones_like(y), y, -y**2]))
    >>> pair.kernel([[1.0]], [[3.0]])  # -(1 - 3)^2
    array([[-4.]])
    >>> f = pair.left([0.0, 1.0, 0.0])  # f(x) = 2x
    >>> float(pair.pairing(f, pair.section_x([[5.0]])))  # <f, K(5, .)> = f(5)
    10.0
    """

    phi: FeatureMap
    psi: FeatureMap
    p: float = 2.0

    def __post_init__(self) -> None:
        if not callable(self.phi) or not callable(self.psi):
            raise ValueError("phi and psi must be callables mapping points (n, m) to features (n, d)")
        p = check_positive(self.p, "p")
        if not 1.0 < p < np.inf:
            raise ValueError(f"p must satisfy 1 < p < inf (a reflexive l^p norm); got {p}")

    @classmethod
    def from_model(cls, model: Any, *, p: float = 2.0) -> RKBSPair:
        r"""The pair of a trained inner-product model (its networks ``model.phi`` and ``model.psi``)."""
        if not (hasattr(model, "phi") and hasattr(model, "psi")):
            raise ValueError(f"model must have feature networks phi and psi; got {type(model).__name__}")
        return cls(model.phi.features, model.psi.features, p)

    @property
    def q(self) -> float:
        r"""The dual exponent :math:`q = p / (p - 1)`."""
        return self.p / (self.p - 1.0)

    def _features(self, fmap: FeatureMap, points: ArrayLike, name: str) -> NDArray[np.float64]:
        pts = as_points(points, name)
        features = as_float_array(fmap(pts), f"features of {name}", ndim=2)
        if features.shape[0] != pts.shape[0]:
            raise ValueError(f"the feature map must return one row per point ({pts.shape[0]}); got {features.shape}")
        return features

    def features_x(self, x: ArrayLike) -> NDArray[np.float64]:
        r""":math:`\phi(x_i)`, shape (n, d)."""
        return self._features(self.phi, x, "x")

    def features_y(self, y: ArrayLike) -> NDArray[np.float64]:
        r""":math:`\psi(y_j)`, shape (k, d)."""
        return self._features(self.psi, y, "y")

    def kernel(self, x: ArrayLike, y: ArrayLike | None = None) -> NDArray[np.float64]:
        r"""The reproducing kernel :math:`K(x_i, y_j) = \langle \phi(x_i), \psi(y_j) \rangle`, shape (n, k).

        ``y=None`` means ``y = x``, as for every relation of the package.
        """
        fx, fy = self.features_x(x), self.features_y(x if y is None else y)
        if fx.shape[1] != fy.shape[1]:
            raise ValueError(f"phi and psi must map into the same R^d; got d = {fx.shape[1]} and {fy.shape[1]}")
        check_size((fx.shape[0], fy.shape[0]), "the kernel matrix K(x, y)")
        with np.errstate(over="ignore", invalid="ignore"):
            return finite_output(fx @ fy.T, "the kernel matrix K(x, y)")

    def _coef(self, coef: ArrayLike, name: str) -> NDArray[np.float64]:
        return as_float_array(coef, name, ndim=1)

    def left(self, v: ArrayLike) -> PairedFunction:
        r"""The function :math:`f_v(x) = \langle \phi(x), v \rangle` of :math:`\mathcal B`."""
        return PairedFunction(self, "x", self._coef(v, "v"))

    def right(self, u: ArrayLike) -> PairedFunction:
        r"""The function :math:`g_u(y) = \langle u, \psi(y) \rangle` of :math:`\mathcal B'`."""
        return PairedFunction(self, "y", self._coef(u, "u"))

    def pairing(self, f: PairedFunction, g: PairedFunction) -> float:
        r"""The bilinear pairing :math:`\langle f_v, g_u \rangle_{\mathcal B\times\mathcal B'} = \langle v, u \rangle`.

        It depends on the coefficient vectors; it is a function of :math:`f` and
        :math:`g` themselves only when :meth:`check_density` passes.
        """
        if not (isinstance(f, PairedFunction) and f.pair is self and f.side == "x"):
            raise ValueError("f must be a function of B (built by this pair's left(v) or section_y(y))")
        if not (isinstance(g, PairedFunction) and g.pair is self and g.side == "y"):
            raise ValueError("g must be a function of B' (built by this pair's right(u) or section_x(x))")
        if f.coef.shape != g.coef.shape:
            raise ValueError(f"coefficient vectors must have the same length d; got {f.coef.shape} and {g.coef.shape}")
        return float(f.coef @ g.coef)

    def norming_function(self, h: PairedFunction) -> PairedFunction:
        r"""The unit vector of the other space at which ``h`` attains its norm.

        For :math:`h = g_u \in \mathcal B'` it returns
        :math:`f_v \in \mathcal B` with

        .. math::

            v = \frac{\operatorname{sign}(u)\, |u|^{q - 1}}
                     {\|u\|_q^{q - 1}}, \qquad
            \|f_v\|_{\mathcal B} = \|v\|_p = 1, \qquad
            \langle f_v, g_u \rangle = \|u\|_q
            = \sup_{\|f\|_{\mathcal B} \le 1} \langle f, g_u \rangle,

        where :math:`u` is the coefficient vector of :math:`h`, the powers act
        entrywise and :math:`1/p + 1/q = 1` (Hölder's inequality and its case
        of equality); for :math:`h = f_v \in \mathcal B` it returns
        :math:`g_u` with
        :math:`u = \operatorname{sign}(v)|v|^{p-1}/\|v\|_p^{p-1}`.
        With :math:`p = 2` this is :math:`u / \|u\|_2`, the Hilbert answer.

        Parameters
        ----------
        h : PairedFunction
            A nonzero function of :math:`\mathcal B` or :math:`\mathcal B'`
            of this pair.

        Returns
        -------
        PairedFunction

        Examples
        --------
        >>> pair = RKBSPair(lambda x: np.hstack([x, x**2]),
        ...                 lambda y: np.hstack([y, y**2]), p=3.0)
        >>> g = pair.right([2.0, -1.0])
        >>> f = pair.norming_function(g)
        >>> round(f.norm(), 12), round(pair.pairing(f, g) - g.norm(), 12)
        (1.0, 0.0)
        """
        if not (isinstance(h, PairedFunction) and h.pair is self):
            raise ValueError("h must be a function of this pair (built by "
                             "its left, right or section methods)")
        dual = self.q if h.side == "y" else self.p  # the exponent of h's norm
        size = np.linalg.norm(h.coef, ord=dual)
        if size == 0:
            raise ValueError("h must be nonzero: the zero function attains "
                             "its dual norm 0 at every unit vector")
        coef = np.sign(h.coef) * (np.abs(h.coef) / size) ** (dual - 1.0)
        return self.left(coef) if h.side == "y" else self.right(coef)

    def section_x(self, x: ArrayLike) -> PairedFunction:
        r"""The kernel section :math:`K(x, \cdot) = g_{\phi(x)} \in \mathcal B'` at one point :math:`x`."""
        features = self.features_x(x)
        if features.shape[0] != 1:
            raise ValueError(f"section_x takes one point x; got {features.shape[0]} points")
        return self.right(features[0])

    def section_y(self, y: ArrayLike) -> PairedFunction:
        r"""The kernel section :math:`K(\cdot, y) = f_{\psi(y)} \in \mathcal B` at one point :math:`y`."""
        features = self.features_y(y)
        if features.shape[0] != 1:
            raise ValueError(f"section_y takes one point y; got {features.shape[0]} points")
        return self.left(features[0])

    def reproduce_x(self, f: PairedFunction, x: ArrayLike) -> NDArray[np.float64]:
        r"""The pairings :math:`\langle f, K(x_i, \cdot) \rangle` for each point :math:`x_i`, shape (n,).

        The reproducing property says they equal :math:`f(x_i)`; computed through the
        pairing, not by evaluating :math:`f`.
        """
        features = self.features_x(x)  # one batch: the sections K(x_i, .) = g_{phi(x_i)}
        return np.array([self.pairing(f, self.right(row)) for row in features])

    def reproduce_y(self, g: PairedFunction, y: ArrayLike) -> NDArray[np.float64]:
        r"""The pairings :math:`\langle K(\cdot, y_j), g \rangle` for each point :math:`y_j`, shape (k,)."""
        features = self.features_y(y)  # one batch: the sections K(., y_j) = f_{psi(y_j)}
        return np.array([self.pairing(self.left(row), g) for row in features])

    def check_density(self, x: ArrayLike, y: ArrayLike, *, rtol: float | None = None) -> tuple[int, int]:
        r"""Check that :math:`\phi(X)` and :math:`\psi(Y)` span :math:`\mathbb R^d` on the sample points.

        .. math::

            \operatorname{rank} [\phi(x_1), \dots, \phi(x_n)] = d
            \quad\text{and}\quad
            \operatorname{rank} [\psi(y_1), \dots, \psi(y_k)] = d .

        Then :math:`v \mapsto f_v` and :math:`u \mapsto g_u` are injective and the
        pairing is well defined.  If :math:`\phi(X)` misses a direction :math:`w \ne 0`
        (:math:`\langle \phi(x), w \rangle = 0` for all :math:`x`), then :math:`f_v = f_{v + w}`
        while :math:`\langle v + w, u \rangle \ne \langle v, u \rangle` for :math:`u = w`:
        one function, two pairings.

        Parameters
        ----------
        x, y : array_like, shapes (n, m) and (k, m')
            Sample points of :math:`X` and :math:`Y` (a sample can only certify the span,
            never refute it for the whole space: use points that cover the domains).
        rtol : float, optional
            Relative tolerance of the numerical rank (default ``max(n, d) * eps``).

        Returns
        -------
        (int, int)
            The two ranks, both equal to :math:`d`.

        Raises
        ------
        ValueError
            Naming the rank found and the rank :math:`d` needed.

        Examples
        --------
        >>> pair = RKBSPair(lambda x: np.hstack([x, 2 * x]), lambda y: np.hstack([np.ones_like(y), y]))
        >>> pair.check_density([[0.0], [1.0]], [[0.0], [1.0]])
        Traceback (most recent call last):
        ...
        ValueError: phi(X) must span R^2 for the pairing to be well defined; got rank 1 of 2 ...
        """
        fx, fy = self.features_x(x), self.features_y(y)
        d = fx.shape[1]
        if fy.shape[1] != d:
            raise ValueError(f"phi and psi must map into the same R^d; got d = {d} and {fy.shape[1]}")
        ranks = []
        for name, features in (("phi(X)", fx), ("psi(Y)", fy)):
            found = _rank(features, rtol)
            if found < d:
                _, _, vt = np.linalg.svd(features)
                witness = np.array2string(vt[-1], precision=4)
                raise ValueError(
                    f"{name} must span R^{d} for the pairing to be well defined; got rank {found} of {d} needed "
                    f"(on {features.shape[0]} sample points; direction {witness} is orthogonal to every feature)"
                )
            ranks.append(found)
        return ranks[0], ranks[1]

    def left_from_values(self, x: ArrayLike, values: ArrayLike) -> PairedFunction:
        r"""The element :math:`f_v \in \mathcal B` with :math:`f_v(x_i) = ` ``values[i]``: least squares for :math:`v`.

        Unique only when :math:`\phi(X)` spans :math:`\mathbb R^d` on the sample
        (checked; raises otherwise).
        """
        fx = self.features_x(x)
        target = as_float_array(values, "values", ndim=1)
        if target.shape[0] != fx.shape[0]:
            raise ValueError(f"values must have one entry per point ({fx.shape[0]}); got {target.shape[0]}")
        found = _rank(fx, None)
        if found < fx.shape[1]:
            raise ValueError(
                f"phi(X) must span R^{fx.shape[1]} for the representer v to be unique; got rank {found} "
                f"of {fx.shape[1]} needed"
            )
        v, *_ = np.linalg.lstsq(fx, target, rcond=None)
        return self.left(v)

    def __repr__(self) -> str:
        kind = "RKHS (psi = phi)" if self.psi is self.phi else "RKBS pair"
        return f"RKBSPair({kind}, p={self.p:g})"
