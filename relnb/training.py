r"""The one training loop of the book: :func:`fit_relation` and the exact readout :func:`solve_readout`.

An inner-product model :math:`\hat r_\theta(x, y) = \langle \phi(x), \psi(y) \rangle`
(:mod:`relnb.inner_product`) is trained to minimise the squared :math:`L^2(\mu \otimes \nu)` error on a
product quadrature grid,

.. math::

    L(\theta) = \sum_{i,j} w_i\, w'_j\, \big(r(x_i, y_j) - \hat r_\theta(x_i, y_j)\big)^2 ,

by Adam and L-BFGS, optionally with variable projection (the last layer solved exactly at every step by
:func:`relnb.readout.best_readout`).  torch inside, numpy arrays at the boundary.  Introduced in the chapter
"Relation functions and inner products"; the Mercer, RKBS and attention chapters train with it.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray

from relnb._validation import (
    as_float_array,
    as_points,
    check_int,
    check_positive,
    check_probability_weights,
    relation_values,
)
from relnb.inner_product import MLP, SymmetricInnerProduct, _InnerProductModel, spread_first_layer
from relnb.kernel_approx import MercerProblem, SymmetricProblem, readout_error
from relnb.quadrature import Rule
from relnb.readout import READOUT_RCOND, _weighted_basis, best_readout, best_readout_low_rank

__all__ = [
    "FitHistory", "fit_low_rank", "fit_relation", "initial_network", "random_network_errors", "solve_readout",
]


@dataclass
class FitHistory:
    """What :func:`fit_relation` did: the loss after every step and the final error.

    Attributes
    ----------
    adam_loss, lbfgs_loss : list of float
        Squared weighted L2 error after each Adam step / each L-BFGS iteration.
    l2_error : float
        Final :math:`L^2(\\mu\\otimes\\nu)` error on the training grid (square root of the loss).
    validation_l2 : float
        Final error on the validation rule, if one was given (else NaN).
    checkpoints : list of (str, float, float)
        ``(phase, training L2 error, validation L2 error)`` at the end of every
        phase (``"readout"`` at the start with ``readout="eckart_young"``, then
        ``"adam"``, ``"lbfgs"``), validation NaN without a rule.
    """

    adam_loss: list[float] = field(default_factory=list)
    lbfgs_loss: list[float] = field(default_factory=list)
    l2_error: float = math.nan
    validation_l2: float = math.nan
    checkpoints: list[tuple[str, float, float]] = field(default_factory=list)

    def __repr__(self) -> str:
        valid = "" if math.isnan(self.validation_l2) else f", validation_l2={self.validation_l2:.4g}"
        return (
            f"FitHistory(adam_steps={len(self.adam_loss)}, lbfgs_steps={len(self.lbfgs_loss)}, "
            f"l2_error={self.l2_error:.4g}{valid})"
        )


def _readout_basis(net: MLP, x: NDArray[np.float64], w: NDArray[np.float64]) -> tuple[NDArray[np.float64], ...]:
    """Weighted hidden features [h(x), 1] of ``net``: left singular vectors, singular values, right vectors
    (the basis of :func:`relnb.readout.best_readout`, directions below ``READOUT_RCOND`` dropped)."""
    return _weighted_basis(net.hidden_features(x), w, READOUT_RCOND)


def _set_readout(net: MLP, coefficients: NDArray[np.float64]) -> None:
    """Write ``[W^T; b]`` (shape (width + 1, d), zero-padded on the right) into the last layer of ``net``."""
    d = net.out_dim
    padded = np.zeros((coefficients.shape[0], d))
    padded[:, : min(d, coefficients.shape[1])] = coefficients[:, :d]
    layer = net.net[-1]
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(padded[:-1].T, dtype=layer.weight.dtype))
        layer.bias.copy_(torch.as_tensor(padded[-1], dtype=layer.bias.dtype))


def solve_readout(
    model: _InnerProductModel,
    relation_matrix: ArrayLike,
    nodes: ArrayLike,
    weights: ArrayLike,
    *,
    nodes_y: ArrayLike | None = None,
    weights_y: ArrayLike | None = None,
) -> _InnerProductModel:
    r"""Set the last layer(s) to the best rank-:math:`d` readout of the current hidden features (in place).

    With the hidden layers fixed, :math:`\phi(x) = C^\top \tilde h(x)` where
    :math:`\tilde h = (h, 1)` are the last hidden units and a constant.  Write
    :math:`D_w^{1/2} \tilde H = U_x S_x V_x^\top` (SVD, directions with
    :math:`s < 10^{-12} s_1` dropped) and :math:`A = D_w^{1/2} R D_v^{1/2}` for
    the target matrix :math:`R`.  The error is
    :math:`\|A - U_x M U_y^\top\|_F` with :math:`M` the readout in these
    coordinates, so by Eckart--Young the best :math:`M` is the rank-:math:`d`
    truncation of :math:`U_x^\top A U_y`: its top eigenpairs (positive part)
    for a symmetric model (computed by :func:`relnb.readout.best_readout`), its
    top singular triples split as :math:`\sqrt{\sigma}` on each side for an
    asymmetric one.  This is the Mercer truncation of the chapter "Mercer's
    theorem and symmetric relations" restricted to the span of the hidden units
    (a Rayleigh--Ritz step).

    Parameters
    ----------
    model : SymmetricInnerProduct or AsymmetricInnerProduct
        Its last layer(s) are overwritten; the model is returned.
    relation_matrix : array_like, shape (n, k)
        :math:`R_{ij} = r(x_i, y_j)`.
    nodes, weights : array_like, shapes (n, m) and (n,)
        Quadrature rule of the first measure.
    nodes_y, weights_y : array_like, optional
        Quadrature rule of the second measure (default: the first; a symmetric
        model has one measure, so for it they must equal the first).

    Returns
    -------
    The model, its readout replaced.

    Examples
    --------
    >>> x = np.linspace(-1, 1, 20)[:, None]; w = np.full(20, 1 / 20)
    >>> model = SymmetricInnerProduct(MLP(1, 2, width=8, seed=0))
    >>> R = np.full((20, 20), 2.0)  # rank 1 and constant: the readout's bias reaches it exactly
    >>> bool(np.abs(solve_readout(model, R, x, w).relation(x) - R).max() < 1e-12)
    True
    """
    if not isinstance(model, _InnerProductModel):
        raise ValueError(f"model must be a SymmetricInnerProduct or AsymmetricInnerProduct; got {type(model).__name__}")
    x = as_points(nodes, "nodes", dim=model.phi.in_dim)
    w = check_probability_weights(weights, "weights", size=x.shape[0])
    if (nodes_y is None) != (weights_y is None):
        raise ValueError("nodes_y and weights_y must be given together")
    y = x if nodes_y is None else as_points(nodes_y, "nodes_y", dim=model.psi.in_dim)
    v = w if weights_y is None else check_probability_weights(weights_y, "weights_y", size=y.shape[0])
    target = as_float_array(relation_matrix, "relation_matrix", ndim=2)
    if target.shape != (x.shape[0], y.shape[0]):
        raise ValueError(f"relation_matrix must have shape {(x.shape[0], y.shape[0])}; got {target.shape}")
    if isinstance(model, SymmetricInnerProduct):
        if nodes_y is not None and not (np.array_equal(y, x) and np.array_equal(v, w)):
            raise ValueError("a symmetric model has one measure: nodes_y and weights_y must equal nodes and weights")
        readout = best_readout(model.phi.hidden_features(x), target, w, model.phi.out_dim, rcond=READOUT_RCOND)
        _set_readout(model.phi, readout.coefficients)
        return model
    A = np.sqrt(w)[:, None] * target * np.sqrt(v)[None, :]
    ux, sx, vtx = _readout_basis(model.phi, x, w)
    uy, sy, vty = _readout_basis(model.psi, y, v)
    p, sigma, qt = np.linalg.svd(ux.T @ A @ uy, full_matrices=False)
    root = np.sqrt(sigma)
    _set_readout(model.phi, vtx.T @ (p / sx[:, None] * root))
    _set_readout(model.psi, vty.T @ (qt.T / sy[:, None] * root))
    return model


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
    readout: str = "gradient",
    validation: tuple[ArrayLike, ArrayLike] | None = None,
    validation_y: tuple[ArrayLike, ArrayLike] | None = None,
) -> tuple[_InnerProductModel, FitHistory]:
    r"""Train an inner-product model on a relation, full batch, on a product quadrature grid.

    Minimises :math:`L(\theta) = \sum_{i,j} w_i w'_j (r(x_i, y_j) - \hat r_\theta(x_i, y_j))^2`
    with Adam (``steps`` steps, learning rate ``lr`` with cosine decay), then
    optionally L-BFGS with strong-Wolfe line search (``lbfgs_steps`` iterations),
    which is what takes the error from about :math:`10^{-3}` to the limit of the model.

    With ``readout="eckart_young"`` the last layer is not left to the optimiser
    (variable projection): it is always the best rank-:math:`d` readout of the
    hidden units (:func:`solve_readout`), and Adam and L-BFGS train only the
    hidden layers, on the error that this readout leaves,

    .. math::

        L_{\mathrm{VP}}(\theta_{\mathrm{hidden}}) = \min_{\text{readout}} L(\theta)
        = \|A - Q_x M Q_y^\top\|_F^2 + \sum_{i > d} s_i(M)^2 ,

    where :math:`Q_x, Q_y` are orthonormal bases of the weighted hidden features,
    :math:`A = D_w^{1/2} R D_v^{1/2}`, :math:`M = Q_x^\top A Q_y` and :math:`s_i(M)`
    its eigenvalues (symmetric model) or singular values; the objective is divided by
    its initial value so that the optimisers' tolerances are relative.  The readout
    is solved at the start and at the end of every phase.  The factorisation
    :math:`\phi\phi^\top` is badly conditioned when the target's eigenvalues span
    orders of magnitude; this removes exactly that part of the problem (see the
    chapter "Mercer's theorem and symmetric relations").  This mode runs on one torch
    thread (restored afterwards): its small QR and eigenvalue factorisations are faster
    there, and the result is then the same whatever the caller's thread count.

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
    readout : {"gradient", "eckart_young"}
        How the last layer is fitted (default: by the optimiser like every other layer).
    validation, validation_y : (nodes, weights), optional
        An independent quadrature rule of :math:`\mu` (and of :math:`\nu`) on which the
        error is also measured at the end of every phase (``history.checkpoints``)
        and at the end (``history.validation_l2``), to see interpolation between
        the training nodes.  Not used for training.

    Returns
    -------
    (model, FitHistory)

    Examples
    --------
    >>> from relnb.relations import neg_squared_distance
    >>> x = np.linspace(-1, 1, 9)[:, None]; w = np.full(9, 1 / 9)
    >>> from relnb.inner_product import AsymmetricInnerProduct
    >>> model = AsymmetricInnerProduct(MLP(1, 3, width=16, seed=0), MLP(1, 3, width=16, seed=1))
    >>> _, history = fit_relation(model, neg_squared_distance, x, w, steps=300, lbfgs_steps=200)
    >>> history.l2_error < 1e-2  # the relation's L2 norm is about 1.2
    True
    >>> model = AsymmetricInnerProduct(MLP(1, 3, width=16, seed=0), MLP(1, 3, width=16, seed=1))
    >>> _, history = fit_relation(model, neg_squared_distance, x, w, steps=0, readout="eckart_young")
    >>> history.l2_error < 1e-6  # -(x - y)^2 has rank 3: the readout alone reaches it
    True
    """
    if not isinstance(model, _InnerProductModel):
        raise ValueError(f"model must be a SymmetricInnerProduct or AsymmetricInnerProduct; got {type(model).__name__}")
    x = as_points(nodes, "nodes")
    w = check_probability_weights(weights, "weights", size=x.shape[0])
    y = x if nodes_y is None else as_points(nodes_y, "nodes_y")
    if (weights_y is None) != (nodes_y is None):
        raise ValueError("weights_y must be given together with nodes_y (the rule of nu); got "
                         f"nodes_y={'None' if nodes_y is None else 'an array'} and "
                         f"weights_y={'None' if weights_y is None else 'an array'}")
    v = w if weights_y is None else check_probability_weights(weights_y, "weights_y", size=y.shape[0])
    check_int(steps, "steps", minimum=0)
    check_int(lbfgs_steps, "lbfgs_steps", minimum=0)
    check_positive(lr, "lr")
    check_int(seed, "seed")
    if readout not in ("gradient", "eckart_young"):
        raise ValueError(f"readout must be 'gradient' or 'eckart_young'; got {readout!r}")
    # callable, (n, k) within MAX_BYTES, real and finite: never train on NaN
    target_np = relation_values(relation, x, y)
    valid = _validation_problem(relation, validation, validation_y, x.shape[1], y.shape[1])
    dtype = model.phi.dtype
    tx, ty = torch.as_tensor(x, dtype=dtype), torch.as_tensor(y, dtype=dtype)
    target = torch.as_tensor(target_np, dtype=dtype)
    weight = torch.as_tensor(np.outer(w, v), dtype=dtype)

    def loss_fn() -> torch.Tensor:
        return (weight * (model(tx, ty) - target) ** 2).sum()

    # variable projection runs small dense factorisations (QR, eigh) at every step: on one thread they are
    # faster, and their rounding, hence the whole L-BFGS trajectory, does not depend on the caller's thread count
    with _torch_threads(1 if readout == "eckart_young" else None):
        history = FitHistory()

        def checkpoint(phase: str) -> None:
            with torch.no_grad():
                train = math.sqrt(max(float(loss_fn()), 0.0))
            history.checkpoints.append((phase, train, _validation_error(model, valid)))

        if readout == "eckart_young":
            # variable projection: optimise the hidden layers on the error left by the best readout
            params = list(model.phi.net[:-1].parameters())
            if model.psi is not model.phi:
                params += list(model.psi.net[:-1].parameters())
            root_w, root_v = torch.as_tensor(np.sqrt(w), dtype=dtype), torch.as_tensor(np.sqrt(v), dtype=dtype)
            A = root_w[:, None] * target * root_v[None, :]
            with torch.no_grad():  # relative tolerances: the objective starts at 1
                scale = float(_projected_loss(model, tx, ty, root_w, root_v, A)) or 1.0

            def objective() -> torch.Tensor:
                return _projected_loss(model, tx, ty, root_w, root_v, A) / scale

            def solve() -> None:
                solve_readout(model, target_np, x, w, nodes_y=y, weights_y=v)
        else:
            params, scale = list(model.parameters()), 1.0

            def objective() -> torch.Tensor:
                return loss_fn()

            def solve() -> None:
                pass

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            if readout == "eckart_young":
                solve()
                checkpoint("readout")
            if steps:
                # foreach: the multi-tensor Adam, the same arithmetic per element as the default single-tensor
                # loop on CPU (bit for bit: tests/test_inner_product.py), about 10 % less time per step here
                adam = torch.optim.Adam(params, lr=lr, foreach=True)
                schedule = torch.optim.lr_scheduler.CosineAnnealingLR(adam, T_max=steps)
                for _ in range(steps):
                    adam.zero_grad()
                    loss = objective()
                    loss.backward()
                    adam.step()
                    schedule.step()
                    history.adam_loss.append(loss.item() * scale)
                solve()
                checkpoint("adam")
            if lbfgs_steps:
                _run_lbfgs(params, objective, lbfgs_steps, history, scale)
                solve()
                checkpoint("lbfgs")
        with torch.no_grad():
            history.l2_error = math.sqrt(max(float(loss_fn()), 0.0))
        history.validation_l2 = _validation_error(model, valid)
        return model, history


def _run_lbfgs(
    params: list[torch.nn.Parameter], objective: Callable[[], torch.Tensor], steps: int, history: FitHistory,
    scale: float,
) -> None:
    """``steps`` iterations of L-BFGS (strong Wolfe line search) on ``objective``; each loss, times ``scale``,
    is appended to ``history.lbfgs_loss``."""
    lbfgs = torch.optim.LBFGS(
        params, lr=1.0, max_iter=steps, history_size=50,
        line_search_fn="strong_wolfe", tolerance_grad=1e-12, tolerance_change=1e-16,
    )

    def closure() -> torch.Tensor:
        lbfgs.zero_grad()
        loss = objective()
        loss.backward()
        history.lbfgs_loss.append(loss.item() * scale)
        return loss

    lbfgs.step(closure)


def fit_low_rank(
    model: SymmetricInnerProduct,
    factor: ArrayLike,
    nodes: ArrayLike,
    weights: ArrayLike,
    *,
    lbfgs_steps: int,
    seed: int = 0,
) -> tuple[SymmetricInnerProduct, FitHistory]:
    r"""Variable projection (as :func:`fit_relation` with ``readout="eckart_young"``) on a kernel given by a factor.

    The target kernel matrix on the rule is :math:`K = F F^\top` (e.g. a Mercer expansion truncated after
    :math:`J` terms, :math:`F_{ij} = \sqrt{\lambda_j} e_j(x_i)`) and is never formed.  With
    :math:`G = W^{1/2} F`, the orthonormal basis :math:`Q` of the weighted hidden units and
    :math:`B = Q^\top G`, the error left by the best rank-:math:`d` readout is

    .. math::

        L_{\mathrm{VP}} = \|G^\top G\|_F^2 - \|M\|_F^2 + \sum_{i > d} \nu_i(M)^2, \qquad M = B B^\top
        \succeq 0,

    at :math:`O(n m J)` per step instead of :math:`O(n^2 m)` (:func:`relnb.readout.best_readout_low_rank`, whose
    caveat on cancellation applies).  L-BFGS trains the hidden layers; the readout is then solved exactly.

    Parameters
    ----------
    model : SymmetricInnerProduct
        Trained in place and returned.
    factor : array_like, shape (n, J)
        :math:`F`.
    nodes, weights : array_like, shapes (n, p) and (n,)
        The training rule.
    lbfgs_steps : int
        At least 1.
    seed : int

    Returns
    -------
    model, FitHistory
        ``history.l2_error`` is the error on the rule against :math:`F F^\top`; no validation.

    Examples
    --------
    >>> x = np.linspace(-2, 2, 41)[:, None]; w = np.full(41, 1 / 41)
    >>> F = np.hstack([np.ones_like(x), x, x**2])       # the kernel 1 + xy + x^2 y^2, rank 3
    >>> model = SymmetricInnerProduct(MLP(1, 2, width=8, seed=0))
    >>> _, history = fit_low_rank(model, F, x, w, lbfgs_steps=50)
    >>> dense = best_readout(model.phi.hidden_features(x), F @ F.T, w, 2).error
    >>> bool(abs(history.l2_error - dense) < 1e-9 and history.lbfgs_loss[-1] < history.lbfgs_loss[0])
    True
    """
    if not isinstance(model, SymmetricInnerProduct):
        raise ValueError(f"model must be a SymmetricInnerProduct; got {type(model).__name__}")
    x = as_points(nodes, "nodes", dim=model.phi.in_dim)
    w = check_probability_weights(weights, "weights", size=x.shape[0])
    F = as_float_array(factor, "factor", ndim=2)
    if F.shape[0] != x.shape[0] or F.shape[1] == 0:
        raise ValueError(f"factor must have shape ({x.shape[0]}, J) with J >= 1; got {F.shape}")
    steps = check_int(lbfgs_steps, "lbfgs_steps", minimum=1)
    check_int(seed, "seed")
    dtype, d = model.phi.dtype, model.phi.out_dim
    tx, root = torch.as_tensor(x, dtype=dtype), torch.as_tensor(np.sqrt(w), dtype=dtype)
    G = root[:, None] * torch.as_tensor(F, dtype=dtype)
    total = float(((G.T @ G) ** 2).sum())

    def loss() -> torch.Tensor:
        B = _orthonormal_hidden(model.phi, tx, root).T @ G
        M = B @ B.T
        return total - (M**2).sum() + (torch.linalg.eigvalsh(M)[:-d] ** 2).sum()

    def solve() -> float:
        readout = best_readout_low_rank(model.phi.hidden_features(x), F, w, d, rcond=READOUT_RCOND)
        _set_readout(model.phi, readout.coefficients)
        return readout.error

    history = FitHistory()
    with _torch_threads(1), torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        params = list(model.phi.net[:-1].parameters())
        with torch.no_grad():
            scale = float(loss()) or 1.0
        _run_lbfgs(params, lambda: loss() / scale, steps, history, scale)
        history.l2_error = solve()
    return model, history


@contextlib.contextmanager
def _torch_threads(count: int | None) -> Iterator[None]:
    """Run a block with ``count`` torch threads (``None``: leave the setting alone), then restore it."""
    if count is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _orthonormal_hidden(net: MLP, t: torch.Tensor, root: torch.Tensor) -> torch.Tensor:
    """Orthonormal basis (QR) of the weighted hidden features [h(t), 1] * sqrt(w), differentiably."""
    hidden = net.net[:-1](t)
    design = torch.cat([hidden, torch.ones(hidden.shape[0], 1, dtype=hidden.dtype)], dim=1) * root[:, None]
    return torch.linalg.qr(design)[0]


def _projected_loss(
    model: _InnerProductModel, tx: torch.Tensor, ty: torch.Tensor, root_w: torch.Tensor, root_v: torch.Tensor,
    A: torch.Tensor,
) -> torch.Tensor:
    r"""Squared error of the best rank-d readout of the hidden units: ``||A - Q M Q^T||^2 + (tail of M)``.

    With orthonormal bases :math:`Q_x, Q_y` of the weighted hidden features and
    :math:`M = Q_x^\top A Q_y`, the error splits orthogonally into the part of
    :math:`A` outside the span and the Eckart--Young tail of :math:`M`; both are
    summed from small terms (no cancellation of large ones).
    """
    d = model.phi.out_dim
    qx = _orthonormal_hidden(model.phi, tx, root_w)
    if isinstance(model, SymmetricInnerProduct):
        M = qx.T @ A @ qx
        M = (M + M.T) / 2
        outside = A - qx @ M @ qx.T
        mu = torch.linalg.eigvalsh(M)  # ascending
        kept = mu[-d:]
        return (outside**2).sum() + (mu[:-d] ** 2).sum() + (torch.clamp(kept, max=0.0) ** 2).sum()
    qy = _orthonormal_hidden(model.psi, ty, root_v)
    M = qx.T @ A @ qy
    outside = A - qx @ M @ qy.T
    return (outside**2).sum() + (torch.linalg.svdvals(M)[d:] ** 2).sum()


_Array = NDArray[np.float64]


_Problem = tuple[_Array, _Array, _Array, _Array, _Array]


def _validation_problem(
    relation: Callable[..., NDArray[np.float64]],
    validation: tuple[ArrayLike, ArrayLike] | None,
    validation_y: tuple[ArrayLike, ArrayLike] | None,
    dim_x: int,
    dim_y: int,
) -> _Problem | None:
    """Validated validation rule(s) and the relation on their grid, or None."""
    if validation is None:
        if validation_y is not None:
            raise ValueError("validation_y must be given together with validation")
        return None
    rules = []
    for rule, name, dim in ((validation, "validation", dim_x), (validation_y, "validation_y", dim_y)):
        if rule is None:
            rules.append(rules[0])
            continue
        if not isinstance(rule, tuple | list) or len(rule) != 2:
            raise ValueError(f"{name} must be a pair (nodes, weights); got {type(rule).__name__}")
        nodes = as_points(rule[0], f"{name} nodes", dim=dim)
        rules.append((nodes, check_probability_weights(rule[1], f"{name} weights", size=nodes.shape[0])))
    (vx, vw), (vy, vv) = rules
    return vx, vw, vy, vv, np.asarray(relation(vx, vy), dtype=np.float64)


def _validation_error(model: _InnerProductModel, problem: _Problem | None) -> float:
    if problem is None:
        return math.nan
    vx, vw, vy, vv, target = problem
    residual = target - model.relation(vx, vy)
    return math.sqrt(max(float(np.einsum("i,j,ij->", vw, vv, residual**2)), 0.0))


def initial_network(
    inputs: int, d: int, *, width: int, depth: int, seed: int, spread: tuple[float, float, float] | None = None
) -> MLP:
    """``MLP(inputs, d, width=width, depth=depth, seed=seed)``, its first layer spread over ``[low, high]`` with
    slopes of standard deviation ``scale`` when ``spread = (low, high, scale)``
    (:func:`relnb.inner_product.spread_first_layer`)."""
    inputs, d = check_int(inputs, "inputs", minimum=1), check_int(d, "d", minimum=1)
    width, depth = check_int(width, "width", minimum=1), check_int(depth, "depth", minimum=1)
    mlp = MLP(inputs, d, width=width, depth=depth, seed=check_int(seed, "seed"))
    if spread is None:
        return mlp
    if not isinstance(spread, tuple | list) or len(spread) != 3:
        raise ValueError(f"spread must be (low, high, scale); got {spread!r}")
    low, high, scale = spread
    return spread_first_layer(mlp, low, high, scale=scale, seed=seed)


def random_network_errors(
    problem: SymmetricProblem | MercerProblem, d: int, seeds: int, *, width: int, depth: int, train: Rule | None = None,
    spread: tuple[float, float, float] | None = None,
) -> list[float]:
    r"""Errors of untrained networks with the best readout: random hidden layers, one per seed.

    The hidden layers of :class:`relnb.inner_product.MLP` (tanh, ``depth`` layers of ``width`` units, PyTorch's
    default initialisation with ``seed``) are left as initialised; their :math:`m = \text{width} + 1` features
    :math:`(h, 1)` get the best rank-:math:`d` readout of :func:`relnb.readout.best_readout` on ``train`` (default:
    the problem's training rule; what :func:`relnb.training.solve_readout` sets), and the error is measured
    on the validation rule.
    What training the hidden layers adds is the difference to ``fit_symmetric`` (``benchmarks/problems.py``) with
    the same ``seed``.

    Parameters
    ----------
    problem : SymmetricProblem
    d : int
        Feature dimension, at least 1.
    seeds : int
        Seeds ``0 .. seeds - 1``.
    width, depth : int
    train : (nodes, weights), optional
        The rule the readout is fitted on.
    spread : (low, high, scale), optional
        Initialise the first layer by :func:`relnb.inner_product.spread_first_layer` over ``[low, high]`` with
        slopes of standard deviation ``scale`` (seeded with ``seed``), as the trained networks it is compared with.

    Returns
    -------
    list of float

    Examples
    --------
    >>> from relnb.kernel_approx import symmetric_problem
    >>> problem = symmetric_problem("gaussian")
    >>> errors = random_network_errors(problem, 4, 2, width=32, depth=2)
    >>> bool(max(errors) < 1.01 * problem.expansion.tail_l2(4))
    True
    """
    d, seeds = check_int(d, "d", minimum=1), check_int(seeds, "seeds", minimum=1)
    width, depth = check_int(width, "width", minimum=1), check_int(depth, "depth", minimum=1)
    K = None if isinstance(problem, MercerProblem) else problem.kernel(problem.valid[0])
    inputs = problem.train[0].shape[1]  # points of R^p
    return [readout_error(problem, initial_network(inputs, d, width=width, depth=depth, seed=seed,
                                                   spread=spread).hidden_features, d, K, train)
            for seed in range(seeds)]
