"""Tests of relnb.rkbs: the RKBS pair of two feature maps, its reproducing properties and the density check."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnb.inner_product import MLP, AsymmetricInnerProduct
from relnb.rkbs import PairedFunction, RKBSPair


def random_features(rng: np.random.Generator, m: int, d: int, width: int = 12):
    """A random tanh feature map R^m -> R^d (full rank on generic points when width >= d)."""
    A, b, C = rng.standard_normal((m, width)), rng.standard_normal(width), rng.standard_normal((width, d))
    return lambda x: np.tanh(x @ A + b) @ C


def random_pair(seed: int, d: int, m: int = 2, p: float = 2.0) -> tuple[RKBSPair, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pair = RKBSPair(random_features(rng, m, d), random_features(rng, m, d), p=p)
    return pair, rng.standard_normal((3 * d + 5, m)), rng.standard_normal((3 * d + 4, m))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 6), st.floats(1.1, 6.0))
def test_reproducing_properties_on_random_full_rank_maps(seed: int, d: int, p: float) -> None:
    pair, X, Y = random_pair(seed, d, p=p)
    assert pair.check_density(X, Y) == (d, d)
    rng = np.random.default_rng(seed + 1)
    f, g = pair.left(rng.standard_normal(d)), pair.right(rng.standard_normal(d))
    scale = 1 + np.abs(pair.features_x(X)).max() * np.abs(f.coef).max() * d
    # <f, K(x, .)> = f(x) and <K(., y), g> = g(y): two ways of computing the same d-term sum
    assert np.allclose(pair.reproduce_x(f, X), f(X), rtol=0, atol=1e-13 * scale)
    scale_y = 1 + np.abs(pair.features_y(Y)).max() * np.abs(g.coef).max() * d
    assert np.allclose(pair.reproduce_y(g, Y), g(Y), rtol=0, atol=1e-13 * scale_y)
    # the kernel is the pairing of its two sections: K(x, y) = <K(., y), K(x, .)>
    K = pair.kernel(X[:3], Y[:2])
    sections = [[pair.pairing(pair.section_y(Y[j : j + 1]), pair.section_x(X[i : i + 1])) for j in range(2)]
                for i in range(3)]
    assert np.allclose(K, sections, rtol=1e-12, atol=1e-12)
    # Hoelder: |<f, g>| <= ||f||_B ||g||_B', and point evaluation is bounded: |f(x)| <= ||f||_B ||phi(x)||_q
    assert abs(pair.pairing(f, g)) <= f.norm() * g.norm() * (1 + 1e-12)
    bound = f.norm() * np.linalg.norm(pair.features_x(X), ord=pair.q, axis=1)
    assert np.all(np.abs(f(X)) <= bound * (1 + 1e-12) + 1e-300)


def test_density_check_fires_on_rank_deficient_maps() -> None:
    def phi(x: np.ndarray) -> np.ndarray:  # rank 1 in R^2: phi(x) is always a multiple of (1, 2)
        return np.hstack([x, 2 * x])

    def psi(y: np.ndarray) -> np.ndarray:
        return np.hstack([np.ones_like(y), y])

    X = np.linspace(-1, 1, 9)[:, None]
    pair = RKBSPair(phi, psi)
    with pytest.raises(ValueError, match=r"phi\(X\) must span R\^2 .* got rank 1 of 2 needed"):
        pair.check_density(X, X)
    flipped = RKBSPair(psi, phi)
    with pytest.raises(ValueError, match=r"psi\(Y\) must span R\^2 .* got rank 1 of 2 needed"):
        flipped.check_density(X, X)
    # the direction named in the message is orthogonal to every feature: (2, -1) / sqrt5 up to sign
    with pytest.raises(ValueError, match=r"direction \[ ?-?0\.8944 +-?0\.4472\]"):
        pair.check_density(X, X)
    # one sample point cannot certify a span of dimension 2 either
    with pytest.raises(ValueError, match="got rank 1 of 2"):
        RKBSPair(psi, psi).check_density(X[:1], X)


def test_pairing_is_ill_defined_without_density() -> None:
    pair = RKBSPair(lambda x: np.hstack([x, 2 * x]), lambda y: np.hstack([np.ones_like(y), y]))
    X = np.linspace(-1, 1, 9)[:, None]
    w = np.array([2.0, -1.0])  # orthogonal to phi(x) = x (1, 2) for every x
    f1, f2 = pair.left([1.0, 0.0]), pair.left(np.array([1.0, 0.0]) + w)
    assert np.allclose(f1(X), f2(X), atol=0)  # one function ...
    g = pair.right(w)
    assert pair.pairing(f1, g) != pair.pairing(f2, g)  # ... two pairings: <v, w> = 2 and <v + w, w> = 7
    assert (pair.pairing(f1, g), pair.pairing(f2, g)) == (2.0, 7.0)
    with pytest.raises(ValueError, match="representer v to be unique; got rank 1 of 2"):
        pair.left_from_values(X, f1(X))


def test_psi_equal_phi_is_the_rkhs() -> None:
    rng = np.random.default_rng(0)
    phi = random_features(rng, 1, 4)
    pair = RKBSPair(phi, phi)
    X = np.linspace(-2, 2, 7)[:, None]
    K = pair.kernel(X, X)
    assert np.allclose(K, K.T, atol=1e-14) and np.linalg.eigvalsh(K).min() > -1e-12 * np.abs(K).max()
    # f = sum_i alpha_i K(., x_i) = f_v with v = Phi^T alpha; the pairing is the RKHS inner product alpha^T K beta
    alpha, beta = rng.standard_normal(7), rng.standard_normal(7)
    F = pair.features_x(X)
    f, g = pair.left(F.T @ alpha), pair.right(F.T @ beta)
    assert pair.pairing(f, g) == pytest.approx(alpha @ K @ beta, rel=1e-12)
    assert pair.pairing(f, pair.right(f.coef)) == pytest.approx(f.norm() ** 2, rel=1e-12)  # = ||f||_H^2
    assert "RKHS" in repr(pair) and "0x" not in repr(pair)


def test_left_from_values_recovers_the_representer() -> None:
    pair, X, _ = random_pair(3, 4)
    v = np.array([1.0, -2.0, 0.5, 3.0])
    f = pair.left_from_values(X, pair.left(v)(X))
    assert np.allclose(f.coef, v, atol=1e-9)


def test_from_model_and_sum() -> None:
    model = AsymmetricInnerProduct(MLP(1, 3, width=8, seed=0), MLP(1, 3, width=8, seed=1))
    pair = RKBSPair.from_model(model)
    t = np.linspace(0, 1, 11)[:, None]
    assert np.allclose(pair.kernel(t, t), model.relation(t, t), atol=1e-14)
    assert pair.check_density(t, t) == (3, 3)
    f = pair.left([1.0, 0.0, 0.0]) + pair.left([0.0, 1.0, 0.0])
    assert isinstance(f, PairedFunction) and np.allclose(f.coef, [1.0, 1.0, 0.0])
    assert np.allclose(f(t), model.phi.features(t)[:, :2].sum(axis=1), atol=1e-14)


def test_bad_inputs_raise() -> None:
    pair, X, Y = random_pair(1, 3)
    f, g = pair.left(np.ones(3)), pair.right(np.ones(3))
    with pytest.raises(ValueError, match="1 < p < inf"):
        RKBSPair(pair.phi, pair.psi, p=1.0)
    with pytest.raises(ValueError, match="p must be > 0"):
        RKBSPair(pair.phi, pair.psi, p=-2.0)
    with pytest.raises(ValueError, match="callables"):
        RKBSPair("phi", pair.psi)
    with pytest.raises(ValueError, match="f must be a function of B"):
        pair.pairing(g, g)
    with pytest.raises(ValueError, match="g must be a function of B'"):
        pair.pairing(f, f)
    other, _, _ = random_pair(2, 3)
    with pytest.raises(ValueError, match="f must be a function of B"):
        pair.pairing(other.left(np.ones(3)), g)
    with pytest.raises(ValueError, match="same length d"):
        pair.pairing(pair.left(np.ones(2)), g)
    with pytest.raises(ValueError, match="one point x; got 2 points"):
        pair.section_x(X[:2])
    with pytest.raises(ValueError, match="one point y; got 3 points"):
        pair.section_y(Y[:3])
    with pytest.raises(ValueError, match="v must be 1-dimensional"):
        pair.left(np.ones((3, 1)))
    with pytest.raises(ValueError, match="u must be finite"):
        pair.right([1.0, np.nan, 0.0])
    with pytest.raises(ValueError, match="same R\\^d"):
        RKBSPair(pair.phi, lambda y: np.ones((len(y), 2))).kernel(X, Y)
    with pytest.raises(ValueError, match="one row per point"):
        RKBSPair(lambda x: np.ones((1, 3)), pair.psi).features_x(X)
    with pytest.raises(ValueError, match="one entry per point"):
        pair.left_from_values(X, np.ones(2))
    with pytest.raises(ValueError, match="same space"):
        _ = f + g
    with pytest.raises(ValueError, match="feature networks phi and psi"):
        RKBSPair.from_model(object())


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 6), st.floats(1.2, 5.0))
def test_norming_function_attains_the_dual_norm(
        seed: int, d: int, p: float) -> None:
    from scipy.optimize import minimize

    pair, _, _ = random_pair(seed, d, p=p)
    rng = np.random.default_rng(seed + 2)
    g = pair.right(rng.standard_normal(d))
    f = pair.norming_function(g)
    assert f.side == "x" and f.norm() == pytest.approx(1.0, rel=1e-12)
    assert pair.pairing(f, g) == pytest.approx(g.norm(), rel=1e-12)
    # a second route: maximise <v, u> over the unit ball of l^p numerically
    u = g.coef
    ball = {"type": "ineq", "fun": lambda v: 1 - np.sum(np.abs(v) ** p)}
    best = minimize(lambda v: -(v @ u), np.zeros(d), method="SLSQP",
                    constraints=[ball],
                    options={"ftol": 1e-14, "maxiter": 1000})
    # the optimiser may step outside the ball by its tolerance: pull back
    v = best.x / max(1.0, np.linalg.norm(best.x, p))
    assert v @ u <= g.norm() * (1 + 1e-12)      # Hoelder: nobody beats it
    assert v @ u >= g.norm() * (1 - 1e-6)       # ... and the sup is ||u||_q
    # the other side: for f_v in B the representer lies in B', and the dual
    # norm is ||v||_p
    h = pair.left(rng.standard_normal(d))
    k = pair.norming_function(h)
    assert k.side == "y" and k.norm() == pytest.approx(1.0, rel=1e-12)
    assert pair.pairing(h, k) == pytest.approx(h.norm(), rel=1e-12)


def test_norming_function_is_the_hilbert_answer_only_for_p_2() -> None:
    u = np.array([3.0, -1.0, 0.5])
    for p in (2.0, 3.0):
        pair = RKBSPair(lambda x: np.hstack([x, x**2, x**3]),
                        lambda y: np.hstack([y, y**2, y**3]), p=p)
        g = pair.right(u)
        f = pair.norming_function(g)
        if p == 2.0:
            assert np.allclose(f.coef, u / np.linalg.norm(u), atol=1e-15)
        else:  # u / ||u||_p has norm 1 in B but pairs to less than ||u||_q
            guess = pair.left(u / np.linalg.norm(u, 3.0))
            assert pair.pairing(guess, g) < pair.pairing(f, g) - 1e-3


def test_norming_function_bad_input() -> None:
    pair, _, _ = random_pair(1, 3)
    other, _, _ = random_pair(2, 3)
    with pytest.raises(ValueError, match="must be nonzero"):
        pair.norming_function(pair.right(np.zeros(3)))
    with pytest.raises(ValueError, match="function of this pair"):
        pair.norming_function(other.right(np.ones(3)))
