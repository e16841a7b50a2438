"""Tests of relnb.gram: Gram matrices, symmetric parts and the exact distance to the PSD cone."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from relnb.gram import (
    antisymmetric_part,
    distance_to_psd_cone,
    gram_matrix,
    numerical_rank,
    psd_projection,
    relation_norm,
    symmetric_part,
)

EPS = np.finfo(float).eps

square = st.integers(1, 7).flatmap(
    lambda n: arrays(np.float64, (n, n), elements=st.floats(-10, 10, allow_nan=False, width=64))
)


@settings(max_examples=100, deadline=None)
@given(square)
def test_split_is_orthogonal_and_exact(r: np.ndarray) -> None:
    s, k = symmetric_part(r), antisymmetric_part(r)
    np.testing.assert_allclose(s + k, r, atol=1e-12)
    assert np.array_equal(s, s.T) and np.array_equal(k, -k.T)
    # <S, K>_F = 0: the terms s_ij k_ij and s_ji k_ji cancel exactly; summing n^2 terms
    # in floating point leaves at most n^2 eps sum|s_ij k_ij| (standard summation bound).
    assert abs(np.sum(s * k)) <= r.size * EPS * np.sum(np.abs(s * k))


@settings(max_examples=100, deadline=None)
@given(square, st.integers(0, 7))
def test_distance_formula_pythagoras_and_nearest_point(r: np.ndarray, rank: int) -> None:
    n = r.shape[0]
    rank = min(rank, n)
    result = distance_to_psd_cone(r, rank=rank)
    scale = max(np.abs(r).max(), 1.0)
    assert result.distance == pytest.approx(np.hypot(result.symmetric, result.antisymmetric))
    b = result.nearest
    eig = np.linalg.eigvalsh((b + b.T) / 2)
    assert np.allclose(b, b.T, atol=1e-12 * scale)
    assert eig.min() >= -1e-10 * scale  # PSD up to rounding of the eigendecomposition
    assert numerical_rank(b, rtol=1e-9) <= rank
    assert np.linalg.norm(r - b) == pytest.approx(result.distance, rel=1e-9, abs=1e-9 * scale)


@settings(max_examples=60, deadline=None)
@given(square, st.integers(0, 2**31 - 1))
def test_no_random_psd_matrix_is_closer(r: np.ndarray, seed: int) -> None:
    n = r.shape[0]
    rng = np.random.default_rng(seed)
    best = distance_to_psd_cone(r).distance
    for _ in range(20):
        f = rng.standard_normal((n, n)) * rng.uniform(0, 5)
        b = f @ f.T
        assert np.linalg.norm(r - b) >= best - 1e-9 * max(1.0, np.abs(r).max())


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("rank", [1, 2, 5])
def test_distance_matches_independent_optimisation(seed: int, rank: int) -> None:
    """Minimise ||R - L L^T||_F over L (n x rank) with scipy: an independent route to the same minimum."""
    rng = np.random.default_rng(seed)
    n = 5
    r = rng.standard_normal((n, n))

    def loss(flat: np.ndarray) -> float:
        low = flat.reshape(n, rank)
        return float(np.sum((r - low @ low.T) ** 2))

    best = min(
        scipy.optimize.minimize(loss, rng.standard_normal(n * rank), method="BFGS", options={"gtol": 1e-10}).fun
        for _ in range(8)
    )
    exact = distance_to_psd_cone(r, rank=rank).distance ** 2
    assert best >= exact - 1e-9  # nothing beats the formula
    assert best == pytest.approx(exact, rel=1e-6)  # and the optimiser reaches it


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6).flatmap(lambda n: st.tuples(
    arrays(np.float64, (n, n), elements=st.floats(-5, 5, allow_nan=False)),
    arrays(np.float64, (n,), elements=st.floats(0.05, 1.0)),
)))
def test_weighted_distance_is_unweighted_distance_after_rescaling(args: tuple[np.ndarray, np.ndarray]) -> None:
    r, w = args
    w = w / w.sum()
    root = np.sqrt(w)
    weighted = distance_to_psd_cone(r, weights=w)
    plain = distance_to_psd_cone(root[:, None] * r * root[None, :])
    assert weighted.distance == pytest.approx(plain.distance, rel=1e-9, abs=1e-12)
    assert relation_norm(r - weighted.nearest, weights=w) == pytest.approx(weighted.distance, rel=1e-7, abs=1e-10)


def test_psd_matrix_is_its_own_projection_and_distance_decreases_with_rank() -> None:
    rng = np.random.default_rng(0)
    f = rng.standard_normal((6, 3))
    g = gram_matrix(f)
    assert distance_to_psd_cone(g).distance == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(psd_projection(g), g, atol=1e-12)
    r = rng.standard_normal((6, 6))
    distances = [distance_to_psd_cone(r, rank=d).distance for d in range(7)]
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(distances))
    assert distances[0] == pytest.approx(np.linalg.norm(r))  # rank 0: the zero matrix
    assert distances[-1] == pytest.approx(distance_to_psd_cone(r).distance)


def test_gram_matrix_is_psd_with_rank_at_most_d() -> None:
    rng = np.random.default_rng(1)
    for d in (1, 2, 4):
        f = rng.standard_normal((10, d))
        g = gram_matrix(f)
        assert numerical_rank(g) == d
        assert np.linalg.eigvalsh(g).min() >= -1e-12 * np.abs(g).max()
    assert gram_matrix(np.ones((2, 3)), np.ones((4, 3))).shape == (2, 4)


def test_order_relation_closed_form() -> None:
    """1{y < x} on n points, uniform weights: distance sqrt(1 - 1/n^2) / 2 (see Chapter A)."""
    for n in (2, 5, 40):
        r = np.tril(np.ones((n, n)), k=-1)
        result = distance_to_psd_cone(r, weights=np.full(n, 1 / n))
        assert result.distance == pytest.approx(np.sqrt(1 - 1 / n**2) / 2, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: distance_to_psd_cone(np.ones((2, 3))), r"square matrix; got shape \(2, 3\)"),
        (lambda: distance_to_psd_cone([[1.0, np.nan], [0.0, 1.0]]), r"finite; got nan at index \(0, 1\)"),
        (lambda: distance_to_psd_cone([["a", "b"], ["c", "d"]]), "numeric"),
        (lambda: distance_to_psd_cone(np.ones(3)), "2-dimensional"),
        (lambda: distance_to_psd_cone(np.eye(2), rank=3), "rank must be <= 2; got 3"),
        (lambda: distance_to_psd_cone(np.eye(2), rank=1.5), "rank must be an integer"),
        (lambda: distance_to_psd_cone(np.eye(2), weights=[0.7, 0.7]), "sum to 1"),
        (lambda: distance_to_psd_cone(np.eye(2), weights=[1.2, -0.2]), "non-negative; got -0.2"),
        (lambda: distance_to_psd_cone(np.eye(2), weights=[1.0, 0.0]), "weights must be > 0"),
        (lambda: distance_to_psd_cone(np.eye(2), weights=[1.0]), r"one weight per node \(2\)"),
        (lambda: gram_matrix(np.ones((2, 3)), np.ones((2, 2))), "same feature dimension d; got 3 and 2"),
        (lambda: symmetric_part([[1.0, 2.0]]), "square"),
        (lambda: relation_norm([[1 + 1j]]), "real"),
        (lambda: numerical_rank("abc"), "numeric"),
    ],
)
def test_bad_input_is_rejected_with_a_message(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
