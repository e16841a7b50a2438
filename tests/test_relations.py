"""Tests of relnb.relations: the calling convention and the laws each relation is used for."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from relnb._validation import points_pair
from relnb.gram import numerical_rank
from relnb.relations import neg_squared_distance, order, soft_order

points = arrays(np.float64, st.integers(1, 8), elements=st.floats(-3, 3, allow_nan=False))


# The calling convention (shape, dtype, Y=None, (n,) as (n, 1), NaN and text rejected) is in tests/test_common.py.


@settings(max_examples=60, deadline=None)
@given(points, points)
def test_order_and_soft_order_laws(x: np.ndarray, y: np.ndarray) -> None:
    R = order(x, y)
    assert np.array_equal(R, (y[None, :] < x[:, None]).astype(float))
    # symmetric part 1/2 off the diagonal: r(x, y) + r(y, x) = 1 whenever x != y
    S = soft_order(x, y, beta=3.0) + soft_order(y, x, beta=3.0).T
    assert np.allclose(S, 1.0, atol=1e-15)
    square = order(x) + order(x).T
    distinct = x[:, None] != x[None, :]
    assert np.array_equal(square[distinct], np.ones(distinct.sum())) and np.all(square[~distinct] == 0)


def test_soft_order_tends_to_order_off_the_diagonal() -> None:
    x = np.linspace(0, 1, 11)
    y = x + 0.05  # never on the diagonal; |x - y| >= 0.05
    for beta, expected in ((100.0, 1 / (1 + np.exp(5.0))), (1000.0, 1 / (1 + np.exp(50.0)))):
        # the largest gap is at |x - y| = 0.05: sigma(-0.05 beta)
        assert np.abs(soft_order(x, y, beta=beta) - order(x, y)).max() == pytest.approx(expected, rel=1e-12)
    big = soft_order([0.0], [1e6], beta=1e3)  # no overflow warnings for huge arguments
    assert big[0, 0] == 0.0


def test_soft_order_is_not_separable_but_neg_squared_distance_is() -> None:
    # a finite sum of d products has matrices of rank <= d on every grid; soft_order's rank keeps growing
    ranks = [numerical_rank(soft_order(np.linspace(0, 1, n), beta=20.0), rtol=1e-13) for n in (10, 20, 40)]
    assert ranks[0] == 10 and ranks[1] > 15 and ranks[2] > ranks[1]
    for n in (10, 40):
        assert numerical_rank(neg_squared_distance(np.linspace(-1, 1, n))) == 3


def test_neg_squared_distance_inertia_and_features() -> None:
    x = np.linspace(-1, 1, 30)
    eigenvalues = np.linalg.eigvalsh(neg_squared_distance(x))
    scale = np.abs(eigenvalues).max()
    # Sylvester: the inertia of the coefficient form -x^2 + 2xy - y^2 on (1, x, x^2), eigenvalues 2, 1, -1
    # (a squared-distance matrix has exactly one positive eigenvalue, so its negative has exactly one negative)
    assert (eigenvalues > 1e-10 * scale).sum() == 2 and (eigenvalues < -1e-10 * scale).sum() == 1
    # -(x - y)^2 = <(-x^2, 2x, 1), (1, y, -y^2)>: the rank-3 factorisation of the docstring
    phi_q = np.stack([-(x**2), 2 * x, np.ones_like(x)], axis=1)
    phi_k = np.stack([np.ones_like(x), x, -(x**2)], axis=1)
    assert np.allclose(phi_q @ phi_k.T, neg_squared_distance(x), atol=1e-14)


def test_bad_inputs_raise() -> None:
    with pytest.raises(ValueError, match="1 column"):
        order(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="1 column"):
        soft_order(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"beta must be > 0; got -1\.0"):
        soft_order([0.0], beta=-1.0)
    with pytest.raises(ValueError, match="same dimension"):
        points_pair(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="at least one point"):
        neg_squared_distance(np.zeros((0, 1)))
