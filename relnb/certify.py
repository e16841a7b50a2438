r"""Certified sup errors of a trained query/key model against a utility, from a grid and derivative bounds.

For one-input networks :math:`\phi_q, \phi_k` and a utility :math:`u` on :math:`[0, 1]^2`,
:func:`certify_sup_error` bounds :math:`\sup_{x, y} |s(x, y) - u(x, y)|`, :math:`s = \langle \phi_q(x),
\phi_k(y)\rangle`, by the largest error on a grid plus a second-order remainder
(:func:`grid_sup_bound`), with :func:`mlp_derivative_bounds` bounding the networks' derivatives layer by
layer.  It reads the weights of trained networks (torch); see the chapter "Attention approximates preorder
retrieval".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from relnb._validation import check_int, check_positive
from relnb.inner_product import MLP, AsymmetricInnerProduct
from relnb.retrieval import RetrievalTask

__all__ = ["ACTIVATION_DERIVATIVE_BOUNDS", "SupErrorCertificate", "certify_sup_error", "grid_sup_bound",
           "mlp_derivative_bounds"]


#: Bounds :math:`(\sup|\sigma'|, \sup|\sigma''|)` of the activations that
#: :func:`mlp_derivative_bounds` supports: :math:`\tanh'' = -2\tanh\,
#: \mathrm{sech}^2` peaks at :math:`4/(3\sqrt3)`; for SiLU
#: :math:`\sigma(z) = z/(1 + e^{-z})`, :math:`\sup\sigma' = 1.0998\ldots`
#: (rounded up to 1.1) and :math:`\sigma''` is even with maximum
#: :math:`\sigma''(0) = 1/2` (tested in ``tests/test_attention.py``).
ACTIVATION_DERIVATIVE_BOUNDS: dict[str, tuple[float, float]] = {
    "tanh": (1.0, 4.0 / (3.0 * math.sqrt(3.0))),
    "silu": (1.1, 0.5),
}


def mlp_derivative_bounds(mlp: MLP) -> tuple[float, float]:
    r"""Bounds on :math:`\sup_x \|\phi'(x)\|` and :math:`\sup_x \|\phi''(x)\|`.

    For an MLP :math:`\phi : \mathbb R \to \mathbb R^d` with one input,
    :math:`z_1 = w_1 x + b_1`, :math:`z_{l+1} = W_{l+1}\sigma(z_l) +
    b_{l+1}`, :math:`\phi = z_{L+1}`, differentiate in :math:`x`:

    .. math::

        z_{l+1}' = W_{l+1}\big(\sigma'(z_l) \odot z_l'\big), \qquad
        z_{l+1}'' = W_{l+1}\big(\sigma''(z_l) \odot z_l' \odot z_l'
        + \sigma'(z_l) \odot z_l''\big),

    so with :math:`c_1 = \sup|\sigma'|`, :math:`c_2 = \sup|\sigma''|` and
    the spectral norms :math:`\|W_{l+1}\|`, the bounds
    :math:`p_l \ge \|z_l'\|`, :math:`q_l \ge \|z_l''\|` obey

    .. math::

        p_{l+1} = \|W_{l+1}\|\, c_1 p_l, \qquad
        q_{l+1} = \|W_{l+1}\|\,\big(c_2 r_l + c_1 q_l\big),

    where :math:`r_l \ge \|z_l' \odot z_l'\| = \|z_l'\|_4^2`:
    :math:`r_1 = \|w_1\|_4^2` exactly, and :math:`r_l = p_l^2` later
    (:math:`\|v\|_4 \le \|v\|_2`); :math:`p_1 = \|w_1\|`, :math:`q_1 = 0`.
    The bounds hold for every real :math:`x`, not only on a grid; they
    are crude (products of norms), and meant to multiply a small mesh.

    Parameters
    ----------
    mlp : relnb.inner_product.MLP
        One input; activation ``"tanh"`` or ``"silu"``
        (:data:`ACTIVATION_DERIVATIVE_BOUNDS`).

    Returns
    -------
    (float, float)
        :math:`(p_{L+1}, q_{L+1})`.

    Examples
    --------
    >>> phi = MLP(1, 2, width=3, depth=1, seed=0)
    >>> first = phi.net[0].weight.detach().numpy()[:, 0]
    >>> p, q = mlp_derivative_bounds(phi)
    >>> bool(p <= np.linalg.norm(first) * np.linalg.norm(
    ...     phi.net[2].weight.detach().numpy(), 2) + 1e-12)
    True
    """
    if not isinstance(mlp, MLP):
        raise ValueError(
            f"mlp must be a relnb.inner_product.MLP; got {type(mlp).__name__}")
    if mlp.in_dim != 1:
        raise ValueError(
            f"mlp must have one input (in_dim = 1); got in_dim={mlp.in_dim}")
    if mlp.activation not in ACTIVATION_DERIVATIVE_BOUNDS:
        raise ValueError(
            "mlp.activation must be one of "
            f"{sorted(ACTIVATION_DERIVATIVE_BOUNDS)} (bounds on sigma', "
            f"sigma'' are known); got {mlp.activation!r}")
    c1, c2 = ACTIVATION_DERIVATIVE_BOUNDS[mlp.activation]
    weights = [layer.weight.detach().double().numpy()
               for layer in mlp.net if isinstance(layer, torch.nn.Linear)]
    first = weights[0][:, 0]
    p, q = float(np.linalg.norm(first)), 0.0
    r = float(np.sqrt(np.sum(first**4)))
    for w in weights[1:]:
        norm = float(np.linalg.norm(w, 2))
        p, q = norm * c1 * p, norm * (c2 * r + c1 * q)
        r = p**2
    return p, q


def grid_sup_bound(
    grid_max: float,
    spacing: tuple[float, float],
    *,
    lipschitz: tuple[float, float] | None = None,
    curvature: tuple[float, float] | None = None,
) -> float:
    r"""A certified bound on :math:`\sup|e|` from a grid maximum.

    For :math:`e` on a rectangle sampled on a uniform grid with spacings
    :math:`h_x, h_y` (corners included), every point lies in a cell, within
    :math:`h_x/2` and :math:`h_y/2` of a grid point, so

    .. math::

        \sup|e| \le \max_{\text{grid}}|e| + \frac{h_x L_x + h_y L_y}{2}
        \quad\text{or}\quad
        \sup|e| \le \max_{\text{grid}}|e|
        + \frac{h_x^2 C_x + h_y^2 C_y}{8},

    where :math:`L_x, L_y` bound :math:`|e(x, y) - e(x', y)|/|x - x'|`
    and its analogue in :math:`y`, and :math:`C_x \ge \sup|\partial_x^2
    e|`, :math:`C_y \ge \sup|\partial_y^2 e|`.  The second form is the
    error of bilinear interpolation: the interpolant of :math:`e` in a
    cell is bounded by its corner values, and differs from :math:`e` by at
    most :math:`h_x^2 C_x/8` (linear interpolation in :math:`x`) plus
    :math:`h_y^2 C_y/8` (then in :math:`y`).

    Parameters
    ----------
    grid_max : float
        :math:`\max_{\text{grid}}|e| \ge 0`.
    spacing : (float, float)
        :math:`(h_x, h_y)`, both > 0.
    lipschitz, curvature : (float, float)
        Exactly one of them: :math:`(L_x, L_y)` or :math:`(C_x, C_y)`,
        all :math:`\ge 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(grid_sup_bound(0.1, (0.01, 0.01), lipschitz=(2.0, 2.0)), 12)
    0.12
    >>> round(grid_sup_bound(0.1, (0.1, 0.1), curvature=(8.0, 0.0)), 12)
    0.11
    """
    top = check_positive(grid_max, "grid_max", strict=False)
    if len(spacing) != 2:
        raise ValueError(f"spacing must be a pair (h_x, h_y); got {spacing!r}")
    hx, hy = (check_positive(h, f"spacing[{i}]")
              for i, h in enumerate(spacing))
    if (lipschitz is None) == (curvature is None):
        raise ValueError(
            "give exactly one of lipschitz and curvature; got "
            f"lipschitz={lipschitz!r}, curvature={curvature!r}")
    pair = lipschitz if lipschitz is not None else curvature
    label = "lipschitz" if lipschitz is not None else "curvature"
    if pair is None or len(pair) != 2:
        raise ValueError(f"{label} must be a pair; got {pair!r}")
    a, b = (check_positive(v, f"{label}[{i}]", strict=False)
            for i, v in enumerate(pair))
    if lipschitz is not None:
        return top + (hx * a + hy * b) / 2
    return top + (hx**2 * a + hy**2 * b) / 8


@dataclass(frozen=True)
class SupErrorCertificate:
    r"""What :func:`certify_sup_error` returns.

    Attributes
    ----------
    grid_max : float
        :math:`\max|s - u|` on the grid: a lower bound of the supremum.
    bound : float
        A certified upper bound of :math:`\sup_{X \times Y}|s - u|`.
    spacing : float
        The grid spacing :math:`h` (the same in :math:`x` and :math:`y`).
    curvature : (float, float)
        The bounds :math:`(C_x, C_y)` on :math:`|\partial_x^2(s - u)|`,
        :math:`|\partial_y^2(s - u)|` that were used.
    """

    grid_max: float
    bound: float
    spacing: float
    curvature: tuple[float, float]

    def __repr__(self) -> str:
        return (f"SupErrorCertificate(grid_max={self.grid_max:.4g}, "
                f"bound={self.bound:.4g}, spacing={self.spacing:.3g})")


def certify_sup_error(
    model: AsymmetricInnerProduct,
    task: RetrievalTask,
    *,
    utility_curvature: tuple[float, float],
    grid: int = 4001,
    chunk: int = 500,
) -> SupErrorCertificate:
    r"""A certified bound on :math:`\sup|s - u|` over the square.

    For scores :math:`s(x, y) = \langle\phi_q(x), \phi_k(y)\rangle` of two
    one-input MLPs and the task's utility :math:`u` on
    :math:`X \times Y` (intervals), with :math:`e = s - u`:

    .. math::

        |\partial_x^2 e| \le \sup\|\phi_q''\|\,\sup_Y\|\phi_k\|
        + \sup|\partial_x^2 u| =: C_x, \qquad
        |\partial_y^2 e| \le \sup\|\phi_k''\|\,\sup_X\|\phi_q\|
        + \sup|\partial_y^2 u| =: C_y,

    by Cauchy--Schwarz, with :math:`\sup\|\phi''\|` from
    :func:`mlp_derivative_bounds` and
    :math:`\sup_Y\|\phi_k\| \le \max_{\text{grid}}\|\phi_k\|
    + h \sup\|\phi_k'\|/2` (every point is within :math:`h/2` of a node).
    Then :func:`grid_sup_bound` with the curvature form gives the bound.
    Rounding in the grid evaluation (about :math:`10^{-15}` here) is
    ignored.

    Parameters
    ----------
    model : relnb.inner_product.AsymmetricInnerProduct
        E.g. a :class:`QueryKeyAttention`; both maps one-input MLPs.
    task : RetrievalTask
        With ``query_dim = key_dim = 1``.
    utility_curvature : (float, float)
        Bounds on :math:`\sup|\partial_x^2 u|` and
        :math:`\sup|\partial_y^2 u|` (derived by hand for the task).
    grid : int
        Nodes per axis (``linspace`` over each interval, ends included).
    chunk : int
        Query nodes per block of the grid evaluation (memory bound).

    Returns
    -------
    SupErrorCertificate

    Examples
    --------
    >>> from relnb.inner_product import QueryKeyAttention
    >>> from relnb.retrieval import nearest_key_task
    >>> task = nearest_key_task(low=0.0, high=1.0)  # u = -(x - y)^2
    >>> model = QueryKeyAttention(MLP(1, 2, width=4, seed=0),
    ...                           MLP(1, 2, width=4, seed=1))
    >>> c = certify_sup_error(model, task, utility_curvature=(2.0, 2.0),
    ...                       grid=101)
    >>> bool(c.grid_max <= c.bound)
    True
    """
    if not isinstance(model, AsymmetricInnerProduct):
        raise ValueError("model must be an AsymmetricInnerProduct (e.g. a "
                         f"QueryKeyAttention); got {type(model).__name__}")
    if not isinstance(task, RetrievalTask):
        raise ValueError(
            f"task must be a RetrievalTask; got {type(task).__name__}")
    if task.query_dim != 1 or task.key_dim != 1:
        raise ValueError(
            "certify_sup_error needs one-dimensional queries and keys; got "
            f"query_dim={task.query_dim}, key_dim={task.key_dim}")
    if len(utility_curvature) != 2:
        raise ValueError("utility_curvature must be a pair (C_x, C_y); got "
                         f"{utility_curvature!r}")
    ux, uy = (check_positive(v, f"utility_curvature[{i}]", strict=False)
              for i, v in enumerate(utility_curvature))
    n = check_int(grid, "grid", minimum=2)
    step = check_int(chunk, "chunk", minimum=1)
    tx = np.linspace(*task.query_box, n)[:, None]
    ty = np.linspace(*task.key_box, n)[:, None]
    hx = (task.query_box[1] - task.query_box[0]) / (n - 1)
    hy = (task.key_box[1] - task.key_box[0]) / (n - 1)
    fq, fk = model.phi.features(tx), model.psi.features(ty)
    top = 0.0
    for start in range(0, n, step):
        block = fq[start:start + step] @ fk.T
        block -= task.relation(tx[start:start + step], ty)
        top = max(top, float(np.abs(block).max()))
    (p_q, q_q), (p_k, q_k) = (mlp_derivative_bounds(model.phi),
                              mlp_derivative_bounds(model.psi))
    norm_q = float(np.linalg.norm(fq, axis=1).max()) + p_q * hx / 2
    norm_k = float(np.linalg.norm(fk, axis=1).max()) + p_k * hy / 2
    curvature = (q_q * norm_k + ux, q_k * norm_q + uy)
    bound = grid_sup_bound(top, (hx, hy), curvature=curvature)
    return SupErrorCertificate(top, bound, hx, curvature)
