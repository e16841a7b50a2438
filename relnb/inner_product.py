r"""Inner-product models of relations: the networks the book trains (torch).

A symmetric model is :math:`\hat r(x, y) = \langle \phi(x), \phi(y) \rangle`, an
asymmetric one :math:`\hat r(x, y) = \langle \phi(x), \psi(y) \rangle`, with
:math:`\phi, \psi` multilayer perceptrons into :math:`\mathbb R^d`.
:class:`QueryKeyAttention` is the asymmetric model read as softmax attention.
:func:`spread_first_layer` initialises a first layer so that its units switch all over a box, and
:func:`order_model` and :func:`retrieval_model` are the recipes of the models of the RKBS and attention
chapters, used by the chapters and the benchmarks alike.  :func:`relnb.training.fit_relation` trains them.

torch is used here, in :mod:`relnb.training` and in :mod:`relnb.certify` only; numpy arrays go in
and come out at their boundary.  Introduced in the chapter "Relation functions
and inner products"; the Mercer, RKBS and attention chapters train with it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray
from torch import nn

from relnb._validation import (
    as_float_array,
    as_points,
    check_int,
    check_positive,
    check_real,
    check_size,
)
from relnb.attention import AttentionResult, attention_scores, softmax_attention

__all__ = [
    "MLP",
    "AsymmetricInnerProduct",
    "QueryKeyAttention",
    "SymmetricInnerProduct",
    "order_model",
    "retrieval_model",
    "spread_first_layer",
]

_ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "softplus": nn.Softplus,
}


class MLP(nn.Module):
    r"""A multilayer perceptron :math:`\mathbb R^m \to \mathbb R^d`.

    .. math::

        \phi(x) = W_{L+1}\, \sigma(W_L \cdots \sigma(W_1 x + b_1) \cdots + b_L) + b_{L+1}

    with ``depth`` = :math:`L` hidden layers of ``width`` units and activation :math:`\sigma`.

    Parameters
    ----------
    in_dim : int
        Input dimension :math:`m`.
    out_dim : int
        Feature dimension :math:`d`.
    width : int
        Units per hidden layer.
    depth : int
        Number of hidden layers (at least 1).
    activation : {"tanh", "relu", "gelu", "silu", "softplus"}
    seed : int
        Seed of the parameter initialisation (PyTorch's default initialisation,
        drawn from a private generator so global random state is untouched).
    dtype : torch.dtype
        ``torch.float64`` by default: the book measures errors far below float32's resolution.

    Examples
    --------
    >>> phi = MLP(1, 3, width=8, depth=2, seed=0)
    >>> phi
    MLP(1 -> [8 x 2, tanh] -> 3)
    >>> phi.features(np.zeros((5, 1))).shape
    (5, 3)
    """

    def __init__(
        self,
        in_dim: int,
        out_dim: int,
        *,
        width: int = 64,
        depth: int = 2,
        activation: str = "tanh",
        seed: int = 0,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__()
        self.in_dim = check_int(in_dim, "in_dim", minimum=1)
        self.out_dim = check_int(out_dim, "out_dim", minimum=1)
        self.width = check_int(width, "width", minimum=1)
        self.depth = check_int(depth, "depth", minimum=1)
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}; got {activation!r}")
        self.activation = activation
        check_int(seed, "seed")
        layers: list[nn.Module] = []
        sizes = [self.in_dim] + [self.width] * self.depth
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            for a, b in itertools.pairwise(sizes):
                layers += [nn.Linear(a, b, dtype=dtype), _ACTIVATIONS[activation]()]
            layers.append(nn.Linear(sizes[-1], self.out_dim, dtype=dtype))
        self.net = nn.Sequential(*layers)

    @property
    def dtype(self) -> torch.dtype:
        return next(self.parameters()).dtype

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def features(self, X: ArrayLike) -> NDArray[np.float64]:
        """Evaluate :math:`\\phi` on points ``X`` of shape (n, m) (numpy in, numpy out)."""
        x = as_points(X, "X", dim=self.in_dim)
        with torch.no_grad():
            return self(torch.as_tensor(x, dtype=self.dtype)).double().numpy()

    def hidden_features(self, X: ArrayLike) -> NDArray[np.float64]:
        r"""The last hidden layer and a constant, :math:`(h(x), 1)`, at points ``X``: shape (n, width + 1).

        These are the features the readout (the last layer, :math:`\phi = W_{L+1} h + b_{L+1}`) combines;
        :func:`relnb.training.solve_readout` chooses it.

        Examples
        --------
        >>> MLP(1, 3, width=8, seed=0).hidden_features(np.zeros((5, 1))).shape
        (5, 9)
        """
        x = as_points(X, "X", dim=self.in_dim)
        with torch.no_grad():
            hidden = self.net[:-1](torch.as_tensor(x, dtype=self.dtype)).double().numpy()
        return np.hstack([hidden, np.ones((hidden.shape[0], 1))])

    def __repr__(self) -> str:
        return f"MLP({self.in_dim} -> [{self.width} x {self.depth}, {self.activation}] -> {self.out_dim})"


def _check_mlp(net: object, name: str) -> None:
    """Inner-product models are built from :class:`MLP` feature networks (validated when built)."""
    if not isinstance(net, MLP):
        raise ValueError(f"{name} must be an MLP (relnb.inner_product.MLP); got {type(net).__name__} {net!r:.60}")


class _InnerProductModel(nn.Module):
    phi: MLP
    psi: MLP

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.phi(x) @ self.psi(y).T

    def __call__(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # typed for readers
        return super().__call__(x, y)

    def relation(self, X: ArrayLike, Y: ArrayLike | None = None) -> NDArray[np.float64]:
        r"""The model as a relation function ``r(X, Y=None) -> (n, k)`` (numpy in, numpy out)."""
        fx = self.phi.features(X)
        fy = self.psi.features(X if Y is None else Y)
        check_size((fx.shape[0], fy.shape[0]), "the model's relation matrix")
        return fx @ fy.T


class SymmetricInnerProduct(_InnerProductModel):
    r"""The symmetric model :math:`\hat r(x, y) = \langle \phi(x), \phi(y) \rangle`.

    Examples
    --------
    >>> model = SymmetricInnerProduct(MLP(1, 2, width=4, seed=0))
    >>> R = model.relation(np.linspace(0, 1, 3))
    >>> bool(np.allclose(R, R.T))
    True
    """

    def __init__(self, phi: MLP) -> None:
        super().__init__()
        _check_mlp(phi, "phi")
        self.phi = phi

    @property
    def psi(self) -> MLP:  # type: ignore[override]
        return self.phi

    def __repr__(self) -> str:
        return f"SymmetricInnerProduct(phi={self.phi!r})"


class AsymmetricInnerProduct(_InnerProductModel):
    r"""The asymmetric model :math:`\hat r(x, y) = \langle \phi(x), \psi(y) \rangle` with two networks.

    Examples
    --------
    >>> model = AsymmetricInnerProduct(MLP(1, 2, width=4, seed=0), MLP(1, 2, width=4, seed=1))
    >>> model.relation([0.0, 1.0], [0.5]).shape
    (2, 1)
    """

    def __init__(self, phi: MLP, psi: MLP) -> None:
        super().__init__()
        _check_mlp(phi, "phi")
        _check_mlp(psi, "psi")
        if phi.out_dim != psi.out_dim:
            raise ValueError(f"phi and psi must have the same feature dimension d; got {phi.out_dim} and {psi.out_dim}")
        self.phi = phi
        self.psi = psi

    def __repr__(self) -> str:
        return f"AsymmetricInnerProduct(phi={self.phi!r}, psi={self.psi!r})"


class QueryKeyAttention(AsymmetricInnerProduct):
    r"""Softmax attention with learned query and key maps :math:`\phi_q, \phi_k` (two MLPs).

    .. math::

        s(x, y) = \langle \phi_q(x), \phi_k(y) \rangle, \qquad
        \alpha_i(x) = \operatorname{softmax}_i\big(\beta\, s(x, y_i)\big).

    An :class:`relnb.inner_product.AsymmetricInnerProduct` whose ``phi`` is :math:`\phi_q` and ``psi`` is
    :math:`\phi_k`: calling it gives the score matrix, so :func:`relnb.training.fit_relation` trains the
    score on a utility (``fit_relation(model, task.relation, ...)``), the one training routine of the book.
    The inverse temperature :math:`\beta` is not learned; it is chosen afterwards from the bound
    (:func:`relnb.attention.min_beta`), which is the same as folding it into :math:`\phi_q`.

    Examples
    --------
    >>> model = QueryKeyAttention(MLP(1, 3, width=8, seed=0), MLP(1, 3, width=8, seed=1))
    >>> model
    QueryKeyAttention(phi_q=MLP(1 -> [8 x 2, tanh] -> 3), phi_k=MLP(1 -> [8 x 2, tanh] -> 3))
    >>> result = model.attention([[0.2]], [[[0.0], [1.0]]], [[1.0, 2.0]], beta=2.0)
    >>> result.weights.shape, bool(np.isclose(result.weights.sum(), 1.0))
    ((1, 2), True)
    """

    @property
    def phi_q(self) -> MLP:
        return self.phi

    @property
    def phi_k(self) -> MLP:
        return self.psi

    def scores(self, queries: ArrayLike, keys: ArrayLike) -> NDArray[np.float64]:
        r"""Scores :math:`s(x, y)`: keys (n, m_k) shared -> (q, n); keys (q, n, m_k) per query -> (q, n)."""
        return attention_scores(queries, keys, phi_q=self.phi, phi_k=self.psi)

    def attention(
        self, queries: ArrayLike, keys: ArrayLike, values: ArrayLike, *, beta: float = 1.0
    ) -> AttentionResult:
        """:func:`relnb.attention.softmax_attention` with this model's feature maps (numpy in, numpy out)."""
        return softmax_attention(queries, keys, values, beta=beta, phi_q=self.phi, phi_k=self.psi)

    def attend(
        self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, *, beta: float = 1.0
    ) -> tuple[torch.Tensor, torch.Tensor]:
        r"""The differentiable torch forward pass: queries (b, m_q), keys (b, n, m_k), values (b, n, ...).

        Returns ``(weights, retrieved)`` of shapes (b, n) and (b, ...).
        """
        if queries.ndim != 2 or keys.ndim != 3 or keys.shape[0] != queries.shape[0]:
            raise ValueError(
                "attend needs queries (b, m_q) and keys (b, n, m_k); "
                f"got {tuple(queries.shape)} and {tuple(keys.shape)}"
            )
        if values.shape[:2] != keys.shape[:2]:
            raise ValueError(f"values must have shape (b, n, ...) = {tuple(keys.shape[:2])}; got {tuple(values.shape)}")
        check_positive(beta, "beta", strict=False)
        scores = torch.einsum("bd,bnd->bn", self.phi(queries), self.psi(keys))
        weights = torch.softmax(beta * scores, dim=-1)
        return weights, torch.einsum("bn,bn...->b...", weights, values)

    def __repr__(self) -> str:
        return f"QueryKeyAttention(phi_q={self.phi!r}, phi_k={self.psi!r})"


def spread_first_layer(mlp: MLP, low: ArrayLike, high: ArrayLike, *, scale: float, seed: int) -> MLP:
    r"""Re-initialise the first layer of an MLP so that its units switch all over a box.

    Unit :math:`i` of the first layer computes :math:`\sigma(\langle s_i, x - c_i \rangle)` with

    .. math::

        s_i \sim N(0, \text{scale}^2 I_m), \qquad c_i \sim \text{Uniform}([\text{low}, \text{high}]),

    i.e. weight :math:`s_i` and bias :math:`-\langle s_i, c_i \rangle`.  PyTorch's default
    initialisation (weights and biases uniform in :math:`[-1, 1]` for a 1-D input) gives
    slow units that switch near the origin: their span is numerically a space of
    low-degree polynomials, far from features such as :math:`\sin(48 x)`.  The
    slopes set the finest scale the features resolve; too steep and the hidden
    features interpolate the training nodes with wiggles in between.

    Parameters
    ----------
    mlp : relnb.inner_product.MLP
        Modified in place and returned.
    low, high : array_like, shape (m,) or scalars
        Corners of the box of inputs.
    scale : float
        Standard deviation of the slopes (inverse length scale of the units).
    seed : int
        Seed of the private torch generator (global state untouched).

    Returns
    -------
    relnb.inner_product.MLP

    Examples
    --------
    >>> phi = spread_first_layer(MLP(1, 2, width=8, seed=0), 0.0, 1.0, scale=10.0, seed=0)
    >>> centres = -phi.net[0].bias.detach().numpy() / phi.net[0].weight.detach().numpy()[:, 0]
    >>> bool(((0 <= centres) & (centres <= 1)).all())
    True
    """
    first = _first_linear(mlp)
    m = first.weight.shape[1]
    lo, hi = as_float_array(low, "low"), as_float_array(high, "high")
    for name, bound in (("low", lo), ("high", hi)):
        if bound.ndim > 1 or bound.size not in (1, m):
            raise ValueError(f"{name} must be a scalar or have shape ({m},) (one bound per input coordinate); "
                             f"got shape {bound.shape}")
    lo, hi = np.broadcast_to(lo.reshape(-1), (m,)).copy(), np.broadcast_to(hi.reshape(-1), (m,)).copy()
    if (hi <= lo).any():
        raise ValueError(f"low must be < high in every coordinate; got low={lo.tolist()} and high={hi.tolist()}")
    s = check_positive(scale, "scale")
    generator = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0))
    dtype = first.weight.dtype
    slopes = s * torch.randn(first.weight.shape, generator=generator, dtype=torch.float64)
    u = torch.rand(first.weight.shape, generator=generator, dtype=torch.float64)
    centres = torch.as_tensor(lo) + torch.as_tensor(hi - lo) * u
    with torch.no_grad():
        first.weight.copy_(slopes.to(dtype))
        first.bias.copy_((-(slopes * centres).sum(dim=1)).to(dtype))
    return mlp


def _first_linear(mlp: MLP) -> nn.Linear:
    """The first ``nn.Linear`` of an :class:`MLP` (validated)."""
    if not isinstance(mlp, MLP):
        raise ValueError(f"mlp must be a relnb.inner_product.MLP; got {type(mlp).__name__}")
    return mlp.net[0]


def order_model(
    d: int, *, seed: int = 0, spread: bool = True, width: int = 64, depth: int = 1, low: float = 0.0,
    high: float = 1.0, scale: float = 10.0,
) -> AsymmetricInnerProduct:
    r"""The model :math:`\langle\phi(x), \psi(y)\rangle` of the chapter on asymmetric relations, one recipe.

    Two tanh MLPs :math:`\mathbb R \to \mathbb R^d` (``depth`` hidden layers of ``width`` units, seeds
    ``2 seed`` and ``2 seed + 1``) whose first layers are, with ``spread``, spread over
    :math:`[\text{low}, \text{high}]` with slopes of standard deviation ``scale`` (:func:`spread_first_layer`),
    so that the hidden units can resolve oscillating singular functions.  The chapter and ``benchmarks/`` build
    their models with it.

    Parameters
    ----------
    d : int
        Feature dimension.
    seed : int
        Seeds ``2 seed`` (:math:`\phi`) and ``2 seed + 1`` (:math:`\psi`) of the weights and of the spread.
    spread : bool
        Spread the first layers (the chapter's design choice); ``False`` keeps PyTorch's initialisation.
    width, depth : int
        Hidden layers of the two MLPs.
    low, high : float
        The interval of the inputs.
    scale : float
        Slope scale of the first layer (10 for the order relation, 1 for a polynomial).

    Returns
    -------
    AsymmetricInnerProduct

    Examples
    --------
    >>> order_model(4, width=16, depth=2)
    AsymmetricInnerProduct(phi=MLP(1 -> [16 x 2, tanh] -> 4), psi=MLP(1 -> [16 x 2, tanh] -> 4))
    """
    seed = check_int(seed, "seed", minimum=0)
    low, high = check_real(low, "low"), check_real(high, "high")
    phi = MLP(1, d, width=width, depth=depth, seed=2 * seed)
    psi = MLP(1, d, width=width, depth=depth, seed=2 * seed + 1)
    if spread:
        spread_first_layer(phi, low, high, scale=scale, seed=2 * seed)
        spread_first_layer(psi, low, high, scale=scale, seed=2 * seed + 1)
    return AsymmetricInnerProduct(phi, psi)


def retrieval_model(
    d: int = 8, *, width: int = 32, depth: int = 3, activation: str = "silu", seed: int = 0
) -> QueryKeyAttention:
    r"""The learned attention of the attention chapter, one recipe: :math:`\phi_q, \phi_k` two MLPs into
    :math:`\mathbb R^d`.

    Both have ``depth`` hidden layers of ``width`` units with ``activation``; :math:`\phi_q` is seeded with
    ``seed`` and :math:`\phi_k` with ``seed + 1``.  The chapter and ``benchmarks/retrieval.py`` build their
    model with it and train it with :func:`relnb.training.fit_relation` on the task's utility.

    Parameters
    ----------
    d : int
        Feature dimension.
    width, depth : int
        Hidden layers.
    activation : str
        As in :class:`MLP` (SiLU: smooth, with the derivative bounds :mod:`relnb.certify` uses).
    seed : int

    Returns
    -------
    QueryKeyAttention

    Examples
    --------
    >>> retrieval_model()
    QueryKeyAttention(phi_q=MLP(1 -> [32 x 3, silu] -> 8), phi_k=MLP(1 -> [32 x 3, silu] -> 8))
    """
    seed = check_int(seed, "seed", minimum=0)
    return QueryKeyAttention(MLP(1, d, width=width, depth=depth, activation=activation, seed=seed),
                             MLP(1, d, width=width, depth=depth, activation=activation, seed=seed + 1))
