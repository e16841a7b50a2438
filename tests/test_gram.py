"""Tests of relnb.gram: Gram matrices, symmetric parts and the exact distance to the PSD cone."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.optimize
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from relnb.gram import (
    antisymmetric_part,
    distance_to_psd_cone,
    gram_matrix,
    numerical_rank,
    psd_projection,
    relation_norm,
    sup_norm_gram_fit,
    symmetric_part,
    tanh_interpolation,
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


distinct_points = st.integers(1, 12).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(-5, 5, allow_nan=False), min_size=n, max_size=n, unique=True),
        arrays(np.float64, (n, 2), elements=st.floats(-3, 3, allow_nan=False)),
    )
)


def _value_bound(net, points: np.ndarray) -> float:
    """Rounding bound for |g(x_i) - v_i|: unit arguments s (u.x - c) carry 2 s (|u.x| + |c|) eps each,
    the solve and the sum (n + 2) eps each per |a_k| (standard backward-error bounds)."""
    t = np.abs(points @ (net.hidden_weight[0] / net.slope)).max()
    c = np.abs(net.hidden_bias / net.slope).max()
    n = net.hidden_bias.size
    bound = (2 * net.slope * (t + c) + 2 * n + 4) * EPS * np.abs(net.output_weight).sum(axis=1).max()
    return bound + 1e-300  # subnormal values round absolutely, not relatively


@settings(max_examples=60, deadline=None)
@given(distinct_points)
def test_tanh_interpolation_takes_the_values_and_is_well_conditioned(args: tuple[list[float], np.ndarray]) -> None:
    t, values = args
    points = np.array(t)
    gaps = np.diff(np.sort(points))
    assume(gaps.size == 0 or gaps.min() > 1e-9)  # closer points: the slope ln(4n) / gap may overflow
    net = tanh_interpolation(points, values)
    hidden = np.tanh(points[:, None] @ net.hidden_weight.T + net.hidden_bias)
    # the lemma of Chapter A: sigma_min(A) >= 1/2 (A within 1/2 of a matrix with sigma_min >= 1)
    assert np.linalg.svd(hidden, compute_uv=False).min() >= 0.5
    assert np.abs(net(points) - values).max() <= _value_bound(net, points[:, None])


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 10), st.integers(0, 2**31 - 1))
def test_tanh_interpolation_in_the_plane_and_as_an_mlp(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = rng.integers(0, 3, size=(n, 2)).astype(float) + rng.integers(0, 2, size=(n, 2)) * 0.5
    points = np.unique(points, axis=0)  # distinct, with many ties along the first default direction (1, 1)
    values = rng.standard_normal((points.shape[0], 3))
    net = tanh_interpolation(points, values)
    assert np.abs(net(points) - values).max() <= _value_bound(net, points)
    # the torch MLP computes the same function, also between the points
    probe = rng.uniform(-1, 3, size=(20, 2))
    np.testing.assert_allclose(net.to_mlp().features(probe), net(probe), rtol=0, atol=1e-9)


def test_tanh_interpolation_limit_matrix_inverse_is_exact() -> None:
    """Step 2 of the lemma: M (I - C) = 2 I with M = sign(t_i - c_k), C the signed cyclic shift."""
    for n in range(1, 30):
        m = 2 * np.tril(np.ones((n, n), dtype=int)) - 1
        c = np.eye(n, k=-1, dtype=int)
        c[0, -1] = -1
        assert np.array_equal(m @ (np.eye(n, dtype=int) - c), 2 * np.eye(n, dtype=int))
    # and the construction's matrix does tend to M as the units get steep
    net = tanh_interpolation([0.0, 1.0, 2.0, 3.0], np.eye(4))
    signs = np.sign(np.array([0.0, 1.0, 2.0, 3.0])[:, None] - (-net.hidden_bias / net.slope)[None, :])
    np.testing.assert_array_equal(signs, 2 * np.tril(np.ones((4, 4))) - 1)


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
        (lambda: tanh_interpolation([0.0, 1.0, 1.0], [1.0, 2.0, 3.0]),
         r"points must be distinct; got points\[1\] = \[1.0\] and points\[2\] = \[1.0\]"),
        (lambda: tanh_interpolation([[0.0, 1.0], [1.0, 0.0]], [1.0, 2.0], direction=[1.0, 1.0]),
         r"distinct projections on direction \[1.0, 1.0\]"),
        (lambda: tanh_interpolation([[0.0, 1.0], [0.0, 1.0]], [1.0, 2.0]), "points must be distinct"),
        (lambda: tanh_interpolation([0.0, 1.0], [1.0, 2.0, 3.0]), r"values must have shape \(2,\) or \(2, d\)"),
        (lambda: tanh_interpolation([[0.0, 1.0]], [1.0], direction=[1.0]), "direction must have 2 entries"),
        (lambda: tanh_interpolation([[0.0, 1.0]], [1.0], direction=[0.0, 0.0]), "non-zero"),
        (lambda: tanh_interpolation([0.0, 5e-324], [1.0, 2.0]), "slope ln"),
    ],
)
def test_bad_input_is_rejected_with_a_message(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_sup_norm_gram_fit_beats_the_l2_truncation_in_the_largest_entry() -> None:
    # a nearly diagonal kernel matrix: the L2-best rank-8 Gram matrix is far off in the largest entry,
    # the sup-norm fit much closer (a local method: an upper bound on the optimum)
    points = 1.5 * np.arange(-16, 17)
    K = np.exp(-((points[:, None] - points[None, :]) ** 2) / 0.5)
    lam, vec = np.linalg.eigh(K)
    F_l2 = vec[:, -8:] * np.sqrt(lam[-8:])
    F_sup = sup_norm_gram_fit(K, 8)
    assert np.abs(K - F_sup @ F_sup.T).max() < 0.5 < np.abs(K - F_l2 @ F_l2.T).max()


@pytest.mark.parametrize("bad", [[[1.0, 2.0], [0.0, 1.0]], [[np.nan]]])
def test_sup_norm_gram_fit_rejects_bad_matrices(bad: object) -> None:
    with pytest.raises(ValueError, match="kernel_matrix"):
        sup_norm_gram_fit(bad, 1)
