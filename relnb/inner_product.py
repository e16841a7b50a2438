r"""Inner-product models of relations, and the one training loop the book uses.

A symmetric model is :math:`\hat r(x, y) = \langle \phi(x), \phi(y) \rangle`, an
asymmetric one :math:`\hat r(x, y) = \langle \phi(x), \psi(y) \rangle`, with
:math:`\phi, \psi` multilayer perceptrons into :math:`\mathbb R^d`.
:func:`fit_relation` trains either to minimise the squared
:math:`L^2(\mu \otimes \nu)` error on a product quadrature grid,

.. math::

    L(\theta) = \sum_{i,j} w_i\, w'_j\, \big(r(x_i, y_j) - \hat r_\theta(x_i, y_j)\big)^2 .

This is the only module of :mod:`relnb` that uses torch; numpy arrays go in
and come out at its boundary.  Introduced in the chapter "Relation functions
and inner products"; the Mercer, RKBS and attention chapters train with it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray
from torch import nn

from relnb._validation import as_points, check_int, check_positive, check_probability_weights

__all__ = [
    "MLP",
    "AsymmetricInnerProduct",
    "FitHistory",
    "SymmetricInnerProduct",
    "fit_relation",
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

    def __repr__(self) -> str:
        return f"MLP({self.in_dim} -> [{self.width} x {self.depth}, {self.activation}] -> {self.out_dim})"


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
        if phi.out_dim != psi.out_dim:
            raise ValueError(f"phi and psi must have the same feature dimension d; got {phi.out_dim} and {psi.out_dim}")
        self.phi = phi
        self.psi = psi

    def __repr__(self) -> str:
        return f"AsymmetricInnerProduct(phi={self.phi!r}, psi={self.psi!r})"


@dataclass
class FitHistory:
    """What :func:`fit_relation` did: the loss after every step and the final error.

    Attributes
    ----------
    adam_loss, lbfgs_loss : list of float
        Squared weighted L2 error after each Adam step / each L-BFGS iteration.
    l2_error : float
        Final :math:`L^2(\\mu\\otimes\\nu)` error on the training grid (square root of the loss).
    """

    adam_loss: list[float] = field(default_factory=list)
    lbfgs_loss: list[float] = field(default_factory=list)
    l2_error: float = math.nan

    def __repr__(self) -> str:
        return (
            f"FitHistory(adam_steps={len(self.adam_loss)}, lbfgs_steps={len(self.lbfgs_loss)}, "
            f"l2_error={self.l2_error:.4g})"
        )


def fit_relation(
    model: _InnerProductModel,
    relation: Callable[..., NDArray[np.float64]],
    nodes: ArrayLike,
    weights: ArrayLike,
    *,
    nodes_y: ArrayLike | None = None,
    weights_y: ArrayLike | None = None,
    steps: int = 2000,
    lr: float = 1e-2,
    lbfgs_steps: int = 0,
    seed: int = 0,
) -> tuple[_InnerProductModel, FitHistory]:
    r"""Train an inner-product model on a relation, full batch, on a product quadrature grid.

    Minimises :math:`L(\theta) = \sum_{i,j} w_i w'_j (r(x_i, y_j) - \hat r_\theta(x_i, y_j))^2`
    with Adam (``steps`` steps, learning rate ``lr`` with cosine decay), then
    optionally L-BFGS with strong-Wolfe line search (``lbfgs_steps`` iterations),
    which is what takes the error from about :math:`10^{-3}` to the limit of the model.

    Parameters
    ----------
    model : SymmetricInnerProduct or AsymmetricInnerProduct
        Trained in place and returned.
    relation : callable
        ``relation(X, Y) -> (n, k)`` array, e.g. a function of :mod:`relnb.relations`.
    nodes, weights : array_like, shapes (n, m) and (n,)
        Quadrature rule of :math:`\mu` (the first argument).
    nodes_y, weights_y : array_like, optional
        Quadrature rule of :math:`\nu` (the second argument); default: the same as :math:`\mu`.
    steps, lr, lbfgs_steps : int, float, int
        Optimiser budget.
    seed : int
        Seeds torch's global generator for the duration of the fit (no randomness is
        drawn by full-batch training today; the seed makes any future stochastic step reproducible).

    Returns
    -------
    (model, FitHistory)

    Examples
    --------
    >>> from relnb.relations import neg_squared_distance
    >>> x = np.linspace(-1, 1, 9)[:, None]; w = np.full(9, 1 / 9)
    >>> model = AsymmetricInnerProduct(MLP(1, 3, width=16, seed=0), MLP(1, 3, width=16, seed=1))
    >>> _, history = fit_relation(model, neg_squared_distance, x, w, steps=300, lbfgs_steps=200)
    >>> history.l2_error < 1e-2  # the relation's L2 norm is about 1.2
    True
    """
    if not isinstance(model, _InnerProductModel):
        raise ValueError(f"model must be a SymmetricInnerProduct or AsymmetricInnerProduct; got {type(model).__name__}")
    x = as_points(nodes, "nodes")
    w = check_probability_weights(weights, "weights", size=x.shape[0])
    y = x if nodes_y is None else as_points(nodes_y, "nodes_y")
    if weights_y is None and nodes_y is not None:
        raise ValueError("weights_y must be given together with nodes_y")
    v = w if weights_y is None else check_probability_weights(weights_y, "weights_y", size=y.shape[0])
    check_int(steps, "steps", minimum=0)
    check_int(lbfgs_steps, "lbfgs_steps", minimum=0)
    check_positive(lr, "lr")
    check_int(seed, "seed")
    target_np = np.asarray(relation(x, y), dtype=np.float64)
    if target_np.shape != (x.shape[0], y.shape[0]):
        raise ValueError(
            f"relation(nodes, nodes_y) must have shape {(x.shape[0], y.shape[0])}; got {target_np.shape}"
        )
    dtype = model.phi.dtype
    tx, ty = torch.as_tensor(x, dtype=dtype), torch.as_tensor(y, dtype=dtype)
    target = torch.as_tensor(target_np, dtype=dtype)
    weight = torch.as_tensor(np.outer(w, v), dtype=dtype)

    def loss_fn() -> torch.Tensor:
        return (weight * (model(tx, ty) - target) ** 2).sum()

    history = FitHistory()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if steps:
            adam = torch.optim.Adam(model.parameters(), lr=lr)
            schedule = torch.optim.lr_scheduler.CosineAnnealingLR(adam, T_max=steps)
            for _ in range(steps):
                adam.zero_grad()
                loss = loss_fn()
                loss.backward()
                adam.step()
                schedule.step()
                history.adam_loss.append(loss.item())
        if lbfgs_steps:
            lbfgs = torch.optim.LBFGS(
                model.parameters(), lr=1.0, max_iter=lbfgs_steps, history_size=50,
                line_search_fn="strong_wolfe", tolerance_grad=1e-12, tolerance_change=1e-16,
            )

            def closure() -> torch.Tensor:
                lbfgs.zero_grad()
                loss = loss_fn()
                loss.backward()
                history.lbfgs_loss.append(loss.item())
                return loss

            lbfgs.step(closure)
    with torch.no_grad():
        history.l2_error = math.sqrt(max(float(loss_fn()), 0.0))
    return model, history
