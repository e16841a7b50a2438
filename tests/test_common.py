"""Family contracts, one general test per property over a registry of every member (scikit-learn's test_common).

The assertions live in :mod:`relnb.testing`; here are the registries:

- ``RELATIONS``: every relation-like callable ``r(X, Y=None)`` of the package, with points from its domain and the
  property sets ``SYMMETRIC`` and ``PSD``;
- ``EXPANSIONS``: Mercer and Schmidt expansions, from quadrature and in closed form;
- ``CHECKS`` (in ``test_checks_contract``): every answer check with a reference answer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pytest

from relnb import kernels, mercer, quadrature, relations, rkbs, schmidt
from relnb.attention import nearest_key_task
from relnb.inner_product import MLP, AsymmetricInnerProduct, SymmetricInnerProduct
from relnb.preorder import lexicographic_order, utility_relation
from relnb.testing import assert_expansion_contract, assert_relation_contract


def _normal(dim: int) -> Callable[[np.random.Generator, int], np.ndarray]:
    return lambda rng, n: rng.normal(size=(n, dim))


def _uniform(low: float = 0.0, high: float = 1.0, dim: int = 1) -> Callable[[np.random.Generator, int], np.ndarray]:
    return lambda rng, n: rng.uniform(low, high, size=(n, dim))


_ORDER_SCHMIDT = schmidt.order_schmidt(6)
_BROWNIAN = mercer.brownian_expansion(5)
_PAIR = rkbs.RKBSPair(lambda x: np.hstack([-x**2, 2 * x, np.ones_like(x)]),
                      lambda y: np.hstack([np.ones_like(y), y, -y**2]))
_SYMMETRIC_MODEL = SymmetricInnerProduct(MLP(1, 3, width=8, seed=0))
_ASYMMETRIC_MODEL = AsymmetricInnerProduct(MLP(1, 3, width=8, seed=0), MLP(1, 3, width=8, seed=1))

# name -> (callable, sampler of points, dtype of its matrices)
RELATIONS: dict[str, tuple[Callable[..., Any], Callable[[np.random.Generator, int], np.ndarray], type]] = {
    "kernels.gaussian": (partial(kernels.gaussian, lengthscale=0.5), _normal(2), np.float64),
    "kernels.laplace": (partial(kernels.laplace, lengthscale=0.7), _normal(2), np.float64),
    "kernels.brownian": (kernels.brownian, _uniform(0.0, 3.0), np.float64),
    "kernels.brownian_bridge": (kernels.brownian_bridge, _uniform(), np.float64),
    "kernels.von_mises": (partial(kernels.von_mises, kappa=2.0), _uniform(-7.0, 7.0), np.float64),
    "kernels.polynomial": (partial(kernels.polynomial, degree=3, c=0.5), _normal(2), np.float64),
    "relations.order": (relations.order, _uniform(), np.float64),
    "relations.neg_squared_distance": (relations.neg_squared_distance, _normal(2), np.float64),
    "relations.soft_order": (partial(relations.soft_order, beta=5.0), _uniform(), np.float64),
    "MercerExpansion.truncated": (_BROWNIAN.truncated, _uniform(), np.float64),
    "SchmidtExpansion.truncated": (_ORDER_SCHMIDT.truncated, _uniform(), np.float64),
    "bernstein_approximation": (schmidt.bernstein_approximation(relations.order, 6), _uniform(), np.float64),
    "RKBSPair.kernel": (_PAIR.kernel, _uniform(), np.float64),
    "RetrievalTask.relation": (nearest_key_task().relation, _uniform(-1.0, 1.0), np.float64),
    "SymmetricInnerProduct.relation": (_SYMMETRIC_MODEL.relation, _uniform(), np.float64),
    "AsymmetricInnerProduct.relation": (_ASYMMETRIC_MODEL.relation, _uniform(), np.float64),
    "lexicographic_order": (lexicographic_order, _uniform(dim=2), np.bool_),
    "utility_relation": (utility_relation(lambda p: p.sum(axis=1)), _uniform(dim=2), np.bool_),
}
SYMMETRIC = {name for name in RELATIONS if name.startswith("kernels.")} | {
    "relations.neg_squared_distance", "MercerExpansion.truncated", "SymmetricInnerProduct.relation"}
PSD = {name for name in RELATIONS if name.startswith("kernels.")} | {
    "MercerExpansion.truncated", "SymmetricInnerProduct.relation"}


@pytest.mark.parametrize("name", sorted(RELATIONS))
@pytest.mark.parametrize("seed", [0, 1])
def test_relation_contract(name: str, seed: int) -> None:
    relation, sample, dtype = RELATIONS[name]
    rng = np.random.default_rng(seed)
    assert_relation_contract(relation, sample(rng, 13), sample(rng, 5), dtype=dtype,
                             symmetric=name in SYMMETRIC, psd=name in PSD)


def _gauss_rule() -> tuple[np.ndarray, np.ndarray]:
    return quadrature.gaussian_legendre(120)


_UNIFORM_60 = quadrature.uniform(60)
_UNIFORM_400 = quadrature.uniform(400)
_GAUSS = _gauss_rule()

# name -> (expansion, the relation it expands, rule of mu, rule of nu or None, quadrature tolerance)
EXPANSIONS: dict[str, tuple[Any, Callable[..., Any], Any, Any, float]] = {
    "mercer_decomposition (brownian)": (mercer.mercer_decomposition(kernels.brownian, *_UNIFORM_60, 6),
                                        kernels.brownian, _UNIFORM_60, None, 1e-10),
    "mercer_decomposition (gaussian)": (
        mercer.mercer_decomposition(partial(kernels.gaussian, lengthscale=0.5), *_GAUSS, 5),
        partial(kernels.gaussian, lengthscale=0.5), _GAUSS, None, 1e-10),
    "brownian_expansion (closed form)": (mercer.brownian_expansion(6), kernels.brownian, _UNIFORM_400, None, 1e-4),
    "gaussian_expansion (closed form)": (mercer.gaussian_expansion(6, lengthscale=0.5),
                                         partial(kernels.gaussian, lengthscale=0.5), _GAUSS, None, 1e-8),
    "schmidt_decomposition (order)": (
        schmidt.schmidt_decomposition(relations.order, *_UNIFORM_60, *quadrature.uniform(50), 5),
        relations.order, _UNIFORM_60, quadrature.uniform(50), 1e-10),
    "order_schmidt (closed form)": (schmidt.order_schmidt(6), relations.order, _UNIFORM_400, None, 2e-3),
}


@pytest.mark.parametrize("name", sorted(EXPANSIONS))
def test_expansion_contract(name: str) -> None:
    expansion, relation, rule_x, rule_y, atol = EXPANSIONS[name]
    assert_expansion_contract(expansion, relation, rule_x, rule_y, atol=atol)
