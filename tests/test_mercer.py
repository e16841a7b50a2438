"""Tests of relnb.mercer: numerical expansions against closed forms, tails, optimality, validation."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import iv, polygamma

from relnb import kernels, mercer, quadrature, readout
from relnb.gram import relation_norm
from relnb.relations import neg_squared_distance, order

GAUSS = partial(kernels.gaussian, lengthscale=0.5)
VON_MISES = partial(kernels.von_mises, kappa=2.0)


@pytest.fixture(scope="module")
def gaussian_pair() -> tuple[mercer.MercerExpansion, mercer.MercerExpansion]:
    x, w = quadrature.gaussian(200)
    return mercer.mercer_decomposition(GAUSS, x, w, rank=20), mercer.gaussian_expansion(20, lengthscale=0.5)


def test_discretized_operator_is_symmetric_psd_and_similar_to_kw() -> None:
    x, w = quadrature.uniform(40)
    A = mercer.discretized_operator(kernels.brownian, x, w)
    assert np.array_equal(A, A.T)
    assert np.linalg.eigvalsh(A)[0] > 0  # min(x, y) is strictly PD on distinct positive nodes
    KW = kernels.brownian(x) * w[None, :]
    # similar matrices: same spectrum (K W is not symmetric, its eigenvalues are real)
    assert np.allclose(np.sort(np.linalg.eigvals(KW).real), np.linalg.eigvalsh(A), rtol=0, atol=1e-13)


def test_gaussian_closed_form_matches_quadrature(gaussian_pair) -> None:
    num, closed = gaussian_pair
    # Gauss-Hermite with 200 nodes integrates these analytic functions to ~1e-14; eigh then adds an
    # absolute error of about n * eps * lambda_1 = 200 * 2.2e-16 * 0.39 ~ 2e-14
    assert np.allclose(num.eigenvalues, closed.eigenvalues, rtol=0, atol=1e-13)
    assert num.total_squared == pytest.approx(1 / math.sqrt(17), rel=1e-12)
    assert num.trace == pytest.approx(1.0, rel=1e-12)
    t = np.linspace(-4, 4, 41)
    # eigenfunctions agree up to sign (numerical: positive at the leftmost node; closed: H_k's sign)
    e_num, e_closed = num.eigenfunctions(t), closed.eigenfunctions(t)
    signs = np.sign(np.sum(e_num * e_closed, axis=0))
    assert np.allclose(e_num, e_closed * signs, atol=1e-8)
    assert np.allclose(num.truncated(t), closed.truncated(t), atol=1e-10)  # sign-free comparison


def test_brownian_closed_form_matches_quadrature_at_rate_n_minus_2() -> None:
    closed = mercer.brownian_expansion(6)
    errors = []
    for n in (200, 400):
        x, w = quadrature.uniform(n)
        num = mercer.mercer_decomposition(kernels.brownian, x, w, rank=6)
        errors.append(np.abs(num.eigenvalues / closed.eigenvalues - 1))
    ratio = errors[0] / errors[1]
    # the kink of min(x, y) on the diagonal limits the rule to O(n^-2): doubling n divides the error by 4
    assert np.all((ratio > 3.8) & (ratio < 4.2))
    assert np.all(errors[1] < 1e-3)  # and it is already small at n = 400


def test_von_mises_closed_form_matches_quadrature() -> None:
    closed = mercer.von_mises_expansion(9, kappa=2.0)
    x, w = quadrature.circle(64)
    num = mercer.mercer_decomposition(VON_MISES, x, w, rank=9)
    # the trapezoidal rule is exact for trigonometric polynomials of degree < 64 and I_n(2) < 1e-60 there
    assert np.allclose(num.eigenvalues, closed.eigenvalues, rtol=1e-12, atol=0)
    assert closed.total_squared == pytest.approx(num.total_squared, rel=1e-13)
    assert closed.trace == pytest.approx(math.exp(2.0), rel=1e-15)
    # multiplicity 2: eigenfunctions differ by rotations within pairs, but the truncated kernels agree
    # when no pair is split (rank 9 = 1 + 2 * 4)
    t = np.linspace(0, 2 * np.pi, 17)
    assert np.allclose(num.truncated(t), closed.truncated(t), atol=1e-12)
    assert [closed.tail_l2(d) for d in range(10)] == pytest.approx([num.tail_l2(d) for d in range(10)], rel=1e-10)


@pytest.mark.parametrize(
    ("closed", "rule"),
    [
        (mercer.brownian_expansion(12), quadrature.uniform(400)),
        (mercer.gaussian_expansion(12, lengthscale=0.5), quadrature.gaussian(200)),
        (mercer.von_mises_expansion(12, kappa=1.5), quadrature.circle(100)),
    ],
    ids=["brownian", "gaussian", "von_mises"],
)
def test_closed_forms_are_orthonormal_and_sum_to_the_totals(closed: mercer.MercerExpansion, rule) -> None:
    x, w = rule
    E = closed.eigenfunctions(x)
    # the products e_i e_j are polynomials of degree < 2n (uniform), analytic (Gauss-Hermite) or
    # trigonometric of degree < 100 (circle): the rules integrate them to ~1e-13
    assert np.allclose(E.T @ (w[:, None] * E), np.eye(12), atol=1e-11)
    head = np.sum(closed.eigenvalues**2)
    assert head + closed.tail_l2() ** 2 == pytest.approx(closed.total_squared, rel=1e-14)


def test_brownian_closed_form_totals_and_tails() -> None:
    closed = mercer.brownian_expansion(5)
    lam = 1 / (((np.arange(1, 200_001) - 0.5) * np.pi) ** 2)
    assert closed.tail_l2() ** 2 == pytest.approx(np.sum(lam[5:][::-1] ** 2), rel=1e-12)  # series tail ~k^-3
    # sum_{k > 5} 1 / ((k - 1/2) pi)^2 = psi'(5.5) / pi^2 (trigamma); trace - head loses ~1e-16 of 0.5
    assert closed.tail_sum(5) == pytest.approx(polygamma(1, 5.5) / np.pi**2, rel=1e-13)
    assert closed.total_squared == pytest.approx(np.sum(lam[::-1] ** 2), rel=1e-14)


def test_brownian_sup_error_is_twice_the_tail_sum_attained_at_one() -> None:
    closed = mercer.brownian_expansion(4)
    t = np.linspace(0, 1, 401)
    residual = kernels.brownian(t) - closed.truncated(t)
    assert np.abs(residual).max() == pytest.approx(residual[-1, -1], rel=1e-12)
    assert residual[-1, -1] == pytest.approx(2 * closed.tail_sum(), rel=1e-12)


@pytest.mark.parametrize("d", [1, 3, 8, 15])
def test_tail_l2_equals_direct_quadrature_error(d: int, gaussian_pair) -> None:
    num, closed = gaussian_pair
    x, w = quadrature.gaussian(200)
    K = GAUSS(x)
    direct = relation_norm(K - num.truncate(d).truncated(x), w)
    # on the training rule the Nyström truncation is the exact discrete Eckart-Young minimiser
    assert direct == pytest.approx(num.tail_l2(d), rel=1e-8)
    assert direct**2 == pytest.approx(num.total_squared - np.sum(num.eigenvalues[:d] ** 2), rel=1e-6)
    # the closed form on an independent rule: K - K_d is analytic, Gauss-Hermite 211 is exact to ~1e-12
    xe, we = quadrature.gaussian(211)
    assert relation_norm(GAUSS(xe) - closed.truncate(d).truncated(xe), we) == pytest.approx(closed.tail_l2(d), rel=1e-7)


def test_nystrom_extension_interpolates_the_eigenvectors() -> None:
    x, w = quadrature.uniform(50)
    num = mercer.mercer_decomposition(kernels.brownian, x, w, rank=4)
    A = mercer.discretized_operator(kernels.brownian, x, w)
    E = num.eigenfunctions(x)
    # at the nodes, sqrt(w) e_i is an eigenvector of A with eigenvalue lambda_i
    assert np.allclose(A @ (np.sqrt(w)[:, None] * E), np.sqrt(w)[:, None] * E * num.eigenvalues, atol=1e-13)
    assert np.allclose(E.T @ (w[:, None] * E), np.eye(4), atol=1e-12)
    assert np.all(E[0] > 0)  # sign convention: positive at the first node


@given(seed=st.integers(0, 10_000), d=st.integers(1, 6))
@settings(max_examples=40, deadline=None)
def test_no_rank_d_matrix_beats_the_tail(seed: int, d: int) -> None:
    # Eckart-Young on the weighted grid: any F G^T with d columns has error >= tail_l2(d)
    x, w = quadrature.uniform(30)
    num = mercer.mercer_decomposition(kernels.brownian, x, w, rank=6)
    rng = np.random.default_rng(seed)
    F = num.features(x)[:, :d] + 0.1 * rng.standard_normal((30, d))
    G = num.features(x)[:, :d] + 0.1 * rng.standard_normal((30, d))
    error = relation_norm(kernels.brownian(x) - F @ G.T, w)
    assert error >= num.tail_l2(d) * (1 - 1e-12)


def test_rank_one_psd_kernel_is_recovered_exactly() -> None:
    x, w = quadrature.uniform(20, -1, 1)
    exp = mercer.mercer_decomposition(lambda X, Y: np.cos(X) @ np.cos(Y).T, x, w, rank=1)
    assert exp.tail_l2() < 1e-12
    t = np.linspace(-1, 1, 7)
    assert np.allclose(exp.truncated(t), np.outer(np.cos(t), np.cos(t)), atol=1e-13)


def test_von_mises_remainder_with_a_split_pair() -> None:
    closed = mercer.von_mises_expansion(2, kappa=1.0)  # keeps cos x, drops its partner sin x
    rest = iv(1, 1.0) ** 2 + 2 * sum(iv(n, 1.0) ** 2 for n in range(2, 40))
    assert closed.tail_l2() ** 2 == pytest.approx(rest, rel=1e-14)


def test_repr_and_truncate() -> None:
    closed = mercer.gaussian_expansion(8, lengthscale=0.5)
    assert repr(closed).startswith("MercerExpansion(gaussian(lengthscale=0.5) under N(0, 1^2), closed form, rank=8")
    short = closed.truncate(3)
    assert short.rank == 3 and short.tail_l2() == pytest.approx(closed.tail_l2(3), rel=1e-15)
    assert short.features([0.0]).shape == (1, 3)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mercer.mercer_decomposition(kernels.brownian, *quadrature.uniform(5), rank=6), "rank must be <= 5"),
        (lambda: mercer.mercer_decomposition(kernels.brownian, *quadrature.uniform(5), rank=0), "rank must be >= 1"),
        (lambda: mercer.mercer_decomposition(neg_squared_distance, *quadrature.uniform(9), rank=1),
         "kernel must be positive semidefinite on the nodes; got eigenvalue -"),
        (lambda: mercer.mercer_decomposition(order, *quadrature.uniform(4), rank=1),
         r"kernel\(nodes, nodes\) must be symmetric"),
        (lambda: mercer.mercer_decomposition(partial(kernels.polynomial, degree=2), *quadrature.uniform(9), rank=4),
         r"rank must be at most the numerical rank of the discretised operator \(3\)"),
        (lambda: mercer.mercer_decomposition(kernels.brownian, np.linspace(0, 1, 3), [0.5, 0.5, 0.5], rank=1),
         "weights must sum to 1"),
        (lambda: mercer.mercer_decomposition(kernels.brownian, np.linspace(0, 1, 3), [0.5, 0.5], rank=1),
         r"weights must have one weight per node \(3\)"),
        (lambda: mercer.mercer_decomposition(lambda X, Y: np.zeros((2, 2)), *quadrature.uniform(3), rank=1),
         r"kernel\(nodes, nodes\) must have shape \(3, 3\)"),
        (lambda: mercer.brownian_expansion(3).eigenfunctions([0.5, 1.2]), r"x must lie in \[0, 1\].*x\[1\] = 1.2"),
        (lambda: mercer.brownian_expansion(0), "rank must be >= 1"),
        (lambda: mercer.gaussian_expansion(3, lengthscale=-0.5), "lengthscale must be > 0"),
        (lambda: mercer.gaussian_expansion(3, lengthscale=0.5, std=0.0), "std must be > 0"),
        (lambda: mercer.gaussian_expansion(3, lengthscale=0.5, mean=math.nan), "mean must be a finite real number"),
        (lambda: mercer.von_mises_expansion(3, kappa=-1.0), "kappa must be > 0"),
        (lambda: mercer.gaussian_expansion(3, lengthscale=0.5).truncate(4), "d must be <= 3"),
        (lambda: mercer.gaussian_expansion(3, lengthscale=0.5).tail_l2(4), "d must be <= 3"),
        (lambda: mercer.gaussian_expansion(3, lengthscale=0.5).features(np.zeros((2, 2))), "one column"),
    ],
)
def test_bad_inputs(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


# --- the best readout of fixed features (prop-variable-projection) ----------------------------------------


def _readout_problem(seed: int, n: int = 14, p: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random features on a Gauss-Legendre rule and the Gaussian kernel there (not in the features' span)."""
    x, w = quadrature.gaussian_legendre(n)
    rng = np.random.default_rng(seed)
    H = np.tanh(x @ rng.normal(size=(1, p)) * 2 + rng.normal(size=p))
    return H, GAUSS(x), w


@pytest.mark.parametrize(("seed", "d"), [(0, 1), (1, 2), (2, 3), (3, 5)])
def test_best_readout_beats_every_readout_found_by_brute_force(seed: int, d: int) -> None:
    H, K, w = _readout_problem(seed)
    best = readout.best_readout(H, K, w, d)
    found = readout.readout_by_search(H, K, w, d, starts=6, seed=seed,
                                     options={"ftol": 1e-15, "gtol": 1e-14, "maxiter": 5000})
    # minimal: no start beats the formula (up to rounding); attained: the search reaches it, and the returned
    # readout, evaluated directly on the grid, has exactly the error it reports
    assert found >= best.error * (1 - 1e-9)
    assert found == pytest.approx(best.error, rel=1e-6)
    fitted = H @ best.coefficients
    assert relation_norm(K - fitted @ fitted.T, w) == pytest.approx(best.error, rel=1e-10)


def test_best_readout_of_a_kernel_in_the_span_is_its_mercer_truncation() -> None:
    # K = H B H^T lies in the span: the readout's error is the discrete Mercer tail of K itself
    x, w = quadrature.gaussian_legendre(30)
    H = np.hstack([np.ones((30, 1)), x, x**2, np.cos(x)])
    B = np.diag([1.0, 0.5, 0.1, 0.02])
    K = H @ B @ H.T
    lam = np.linalg.eigvalsh(np.sqrt(w)[:, None] * K * np.sqrt(w)[None, :])[::-1]
    for d in (1, 2, 3):
        assert readout.best_readout(H, K, w, d).error == pytest.approx(math.sqrt(np.sum(lam[d:4] ** 2)), rel=1e-9)
    best = readout.best_readout(H, K, w, 4)
    assert best.error < 1e-12 and np.allclose(best.ritz_values, lam[:4], rtol=1e-10)


def test_best_readout_keeps_the_kernel_psd_and_pads_missing_directions() -> None:
    # a duplicated feature adds no direction; a kernel with a negative part is fitted by its positive part only
    x, w = quadrature.uniform(20, -1, 1)
    H = np.hstack([np.ones((20, 1)), x, x])
    K = 1.0 - np.outer(x, x)  # eigenvalues 1 and -E x^2 in the span
    best = readout.best_readout(H, K, w, 3)
    assert best.ritz_values.shape == (2,) and best.coefficients.shape == (3, 3)
    assert np.all(best.coefficients[:, 1:] == 0)  # one positive eigenvalue, the rest clipped or missing
    second_moment = float(w @ x[:, 0] ** 2)
    assert best.error == pytest.approx(second_moment, rel=1e-10)
    fitted = H @ best.coefficients
    assert relation_norm(K - fitted @ fitted.T, w) == pytest.approx(best.error, rel=1e-10)


def test_best_readout_adds_the_antisymmetric_part_to_the_error() -> None:
    H, K, w = _readout_problem(7)
    skew = np.triu(np.ones_like(K), 1) * 0.1
    sym, asym = readout.best_readout(H, K, w, 2), readout.best_readout(H, K + skew - skew.T, w, 2)
    assert np.allclose(sym.coefficients, asym.coefficients)
    fitted = H @ asym.coefficients
    assert asym.error == pytest.approx(relation_norm(K + skew - skew.T - fitted @ fitted.T, w), rel=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"features": np.ones((3, 2)), "kernel_matrix": np.eye(4)}, r"kernel_matrix must have shape \(3, 3\)"),
        ({"features": np.ones(3)}, "features must be 2-dimensional"),
        ({"features": np.zeros((3, 2))}, "features must not be identically 0"),
        ({"weights": [0.5, 0.5, 0.5]}, "weights must sum to 1"),
        ({"d": 0}, "d must be >= 1"),
        ({"rcond": 1.0}, "rcond must be < 1"),
        ({"kernel_matrix": np.ones((3, 2))}, "kernel_matrix must be a square matrix"),
    ],
)
def test_best_readout_validates(kwargs: dict, match: str) -> None:
    args = {"features": np.ones((3, 2)), "kernel_matrix": np.eye(3), "weights": np.full(3, 1 / 3), "d": 1}
    with pytest.raises(ValueError, match=match):
        readout.best_readout(**{**args, **kwargs})


def test_gaussian_tensor_expansion_is_the_brute_force_nystroem_spectrum_in_the_plane() -> None:
    exp = mercer.gaussian_tensor_expansion(40, dim=2, lengthscale=0.5)
    x, w = quadrature.product_rule(quadrature.gaussian_legendre(50, half_width=6.0), 2)
    K = kernels.gaussian(x, lengthscale=0.5)
    root = np.sqrt(w)
    spectrum = np.linalg.eigvalsh(root[:, None] * K * root[None, :])[::-1]
    # the 50 x 50 rule's eigenvalues agree with the products to 1.1e-5 (measured; 70 x 70: 5e-10), so 1e-4
    np.testing.assert_allclose(spectrum[:40], exp.eigenvalues, rtol=1e-4)
    for d in (1, 8, 16, 32):
        grid_tail = math.sqrt(float(np.sum(spectrum[d:][::-1] ** 2)))
        assert grid_tail == pytest.approx(exp.tail_l2(d), rel=1e-4), d
        # the eigenfunctions are the products too: the truncation's error is the tail on the rule
        assert relation_norm(K - exp.truncate(d).truncated(x), w) == pytest.approx(exp.tail_l2(d), rel=1e-4), d
    # multiplicities binomial(n + p - 1, p - 1): level n of the plane holds n + 1 equal eigenvalues
    levels = np.round(np.log(exp.eigenvalues / exp.eigenvalues[0]) / math.log(exp.eigenvalues[1] / exp.eigenvalues[0]))
    assert [int(np.sum(levels == n)) for n in range(7)] == [1, 2, 3, 4, 5, 6, 7]
    # p = 1 is gaussian_expansion
    one, flat = mercer.gaussian_expansion(10, lengthscale=0.5), mercer.gaussian_tensor_expansion(10, dim=1,
                                                                                                lengthscale=0.5)
    np.testing.assert_allclose(flat.eigenvalues, one.eigenvalues, rtol=1e-14)
    assert flat.tail_l2(4) == pytest.approx(one.tail_l2(4), rel=1e-12)
    with pytest.raises(ValueError, match="x must be points of R\\^2"):
        exp.eigenfunctions(np.zeros((3, 1)))


@pytest.mark.parametrize(("seed", "d"), [(0, 1), (1, 3), (2, 6)])
def test_best_readout_low_rank_is_best_readout_of_the_product(seed: int, d: int) -> None:
    """The factored readout against the dense one on K = F F^T (an independent formula: no cancellation)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(60, 1))
    w = rng.dirichlet(np.ones(60))
    F = np.hstack([np.exp(-x**2 / (k + 1)) * x**k for k in range(5)])  # a rank-5 PSD kernel
    H = np.hstack([np.tanh(x * s + t) for s, t in rng.normal(size=(4, 2))] + [x, x])  # two equal columns
    dense, low = readout.best_readout(H, F @ F.T, w, d), readout.best_readout_low_rank(H, F, w, d)
    # entries O(1), 60 nodes: both sum O(60^2) products, so they agree to ~1e-13 of ||A||
    assert low.error == pytest.approx(dense.error, abs=1e-12)
    np.testing.assert_allclose(low.ritz_values, dense.ritz_values, atol=1e-12)
    np.testing.assert_allclose((H @ low.coefficients) @ (H @ low.coefficients).T,
                               (H @ dense.coefficients) @ (H @ dense.coefficients).T, atol=1e-10)
    with pytest.raises(ValueError, match="factor must have shape"):
        readout.best_readout_low_rank(H, F[:-1], w, d)


def test_mercer_error_is_the_double_integral_up_to_its_truncation_bound() -> None:
    """mercer_error (single integrals, J terms) against the dense double integral on a fine plane rule."""
    from relnb.kernel_approx import mercer_error, mercer_problem

    problem = mercer_problem("gaussian2")  # levels <= 13 of the plane, the 60 x 60 and 70 x 70 product rules
    exp, fine = problem.expansion, problem.valid[1]
    rng = np.random.default_rng(0)
    W, b, C = rng.normal(size=(2, 6)), rng.normal(size=6), 0.3 * rng.normal(size=(6, 3))

    def phi(x: np.ndarray) -> np.ndarray:
        return np.tanh(x @ W + b) @ C

    error = mercer_error(problem, phi)
    x, w = fine
    dense = relation_norm(GAUSS(x) - phi(x) @ phi(x).T, w)
    assert exp.rank == 105 and problem.next_eigenvalue < exp.eigenvalues[-1]
    # the 70 x 70 rule's double integrals agree with the 60 x 60 rule's to ~1e-9 (the validation rules of
    # gaussian2); the terms j > J can only lower the estimate, by at most error.truncation (2.4e-7 here)
    assert error.value - error.truncation - 1e-8 <= dense <= error.value + 1e-8
    assert 0 < error.truncation < 1e-6 and error.stderr < 1e-8
    # the Mercer truncation is the optimum and lies in the span of the J terms: no truncation, the tail exactly
    truncated = mercer_error(problem, exp.truncate(5).features)
    assert truncated.truncation == 0.0
    assert truncated.value == pytest.approx(exp.tail_l2(5), rel=1e-8)
    with pytest.raises(ValueError, match="phi\\(x\\) must be finite"):
        mercer_error(problem, lambda x: np.full((len(x), 2), np.nan))
