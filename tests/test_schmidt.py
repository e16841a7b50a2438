"""Tests of relnb.schmidt: Schmidt expansions against closed forms and Mercer, optimality, rules, validation."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnb import kernels, quadrature
from relnb.gram import l2_distance, numerical_rank
from relnb.inner_product import MLP, spread_first_layer
from relnb.quadrature import composite_legendre
from relnb.quadrature import split_rule as split_rule_package
from relnb.relations import neg_squared_distance, order, soft_order
from relnb.schmidt import (
    SchmidtExpansion,
    bernstein_approximation,
    bernstein_error_bound,
    bernstein_networks,
    order_schmidt,
    schmidt_decomposition,
)


def split_rule(n: int, order_per_panel: int = 2) -> tuple[np.ndarray, ...]:
    """Gauss-Legendre for x, and a composite rule for y whose panels end at the x nodes."""
    x, w = quadrature.uniform(n)
    y, v = composite_legendre(np.r_[0.0, x[:, 0], 1.0], order=order_per_panel)
    return x, w, y, v


@pytest.fixture(scope="module")
def order_pair() -> tuple[SchmidtExpansion, SchmidtExpansion, tuple[np.ndarray, ...]]:
    rule = split_rule(200)
    return schmidt_decomposition(order, *rule, rank=16), order_schmidt(16), rule


def lookup(matrix: np.ndarray, x_nodes: np.ndarray, y_nodes: np.ndarray):
    """A relation defined on finitely many nodes by a matrix (to test the decomposition on arbitrary matrices)."""

    def relation(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        i = np.searchsorted(x_nodes, X[:, 0])
        j = np.searchsorted(y_nodes, Y[:, 0])
        return matrix[np.ix_(i, j)]

    return relation


# --- the order relation: closed form against quadrature ---------------------------------------


def test_order_closed_form_matches_split_quadrature(order_pair) -> None:
    num, closed, rule = order_pair
    # T T* on the split rule is exactly the Nystrom matrix of min(x, y) on Gauss-Legendre nodes, whose
    # eigenvalues converge like n^-2 (the kink of min); measured 3.4e-4 at n = 100 and 8.3e-5 at n = 200,
    # so 2e-4 at n = 200 is the n^-2 law with a factor 2 of room.
    assert np.abs(num.singular_values - closed.singular_values).max() < 2e-4
    assert num.total_squared == pytest.approx(0.5, abs=1e-13)  # partial sums of whole panels: exact
    x, _, y, _ = rule
    k = np.arange(1, 17)
    t = np.linspace(0.0, 1.0, 1001)
    a_num, a_closed = num.left(t), closed.left(t)
    assert np.array_equal(np.sign(np.sum(a_num * a_closed, axis=0)), np.ones(16))  # sign rule: mean of a_k > 0
    # At the nodes, a singular vector's error is (singular value error ~ n^-2) / (gap to the next one,
    # sigma_k - sigma_{k+1} ~ 1 / (pi k^2)), i.e. ~ k^2 / n^2; measured 4.2 k^2 / n^2 at k = 16, bound 5 k^2 / n^2.
    assert np.all(np.abs(num.left(x) - closed.left(x)).max(axis=0) < 5 * k**2 / 200**2)
    # Off the nodes the Nystrom extension a_k(x) = sum_j v_j 1{y_j < x} b_k(y_j) / sigma_k is a staircase
    # with a step at every y node: it cannot be closer than about half a step, and is within one step,
    # sqrt2 omega_k h (the slope of sqrt2 sin(omega_k x) times the largest gap h between the y nodes).
    h_y = np.diff(np.r_[0.0, y[:, 0], 1.0]).max()
    h_x = np.diff(np.r_[0.0, x[:, 0], 1.0]).max()
    omega = (k - 0.5) * np.pi
    assert np.all(np.abs(a_num - a_closed).max(axis=0) < np.sqrt(2) * omega * h_y)
    assert np.all(np.abs(num.right(t) - closed.right(t)).max(axis=0) < np.sqrt(2) * omega * h_x)


def test_order_closed_form_identities() -> None:
    expansion = order_schmidt(5)
    k = np.arange(1, 6)
    assert np.allclose(expansion.singular_values, 2 / ((2 * k - 1) * np.pi), rtol=0, atol=1e-15)
    # tail from the trigamma function against the partial sums of 1/2 - sum sigma^2 (both to rounding)
    assert expansion.tail_l2() ** 2 == pytest.approx(0.5 - np.sum(expansion.singular_values**2), rel=1e-12)
    assert expansion.tail_l2(0) ** 2 == pytest.approx(0.5, rel=1e-14)
    assert [round(order_schmidt(d).tail_l2(), 4) for d in (2, 4, 8, 16)] == [0.2229, 0.1587, 0.1125, 0.0796]
    # T b_k = sigma_k a_k: the integral from 0 to x of sqrt2 cos(w y) is sqrt2 sin(w x) / w
    x, w = quadrature.uniform(60, 0.0, 0.7)
    integral = 0.7 * (w @ expansion.right(x))
    assert np.allclose(integral, expansion.singular_values * expansion.left([0.7])[0], atol=1e-13)


def test_plain_product_rule_converges_only_like_one_over_n() -> None:
    sigma = order_schmidt(4).singular_values
    errors = []
    for n in (50, 100, 200):
        x, w = quadrature.uniform(n)
        errors.append(np.abs(schmidt_decomposition(order, x, w, x, w, rank=4).singular_values - sigma).max())
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert errors[-1] > 1e-3  # far worse than the split rule's 8e-5
    assert np.all((ratios > 1.7) & (ratios < 2.3))  # halving the spacing halves the error: order 1


def test_order_t_tstar_is_the_brownian_kernel() -> None:
    x, _, y, v = split_rule(50)
    R = order(x, y)
    # (T T*)(x, x') = int 1{y < x} 1{y < x'} dy = min(x, x'); on the split rule the sum is exact
    assert np.allclose((R * v) @ R.T, kernels.brownian(x), rtol=0, atol=1e-14)


# --- laws of every Schmidt expansion ------------------------------------------------------------


def test_orthonormality_and_svd_relations(order_pair) -> None:
    num, _, (x, w, y, v) = order_pair
    A, B = num.left(x), num.right(y)
    # Gram matrices of orthonormal vectors from an SVD: identity up to ~n eps
    assert np.allclose(A.T @ (w[:, None] * A), np.eye(16), atol=1e-12)
    assert np.allclose(B.T @ (v[:, None] * B), np.eye(16), atol=1e-12)
    # T b_k = sigma_k a_k and T* a_k = sigma_k b_k, with T discretised by the same rule, at points off the grid
    t = np.linspace(0.013, 0.987, 37)[:, None]
    assert np.allclose(order(t, y) @ (v[:, None] * B), num.left(t) * num.singular_values, atol=1e-12)
    assert np.allclose(order(x, t).T @ (w[:, None] * A), num.right(t) * num.singular_values, atol=1e-12)


def test_balanced_split_and_truncation() -> None:
    x, w = quadrature.uniform(80)
    rel = partial(soft_order, beta=6.0)
    expansion = schmidt_decomposition(rel, x, w, x, w, rank=6)
    phi, psi = expansion.features_x(x), expansion.features_y(x)
    assert np.allclose(phi @ psi.T, expansion.truncated(x, x), atol=1e-14)
    # ||phi_k||^2 = ||psi_k||^2 = sigma_k: the balanced split puts half of each singular value on each side
    assert np.allclose(w @ phi**2, expansion.singular_values, rtol=1e-12)
    assert np.allclose(w @ psi**2, expansion.singular_values, rtol=1e-12)
    assert expansion.truncate(3).rank == 3
    assert np.allclose(expansion.truncate(3).truncated(x, x), phi[:, :3] @ psi[:, :3].T, atol=1e-14)


def test_parseval_and_tail_equals_truncation_error(order_pair) -> None:
    num, _, rule = order_pair
    total = num.total_squared
    assert num.tail_l2() ** 2 + np.sum(num.singular_values**2) == pytest.approx(total, rel=1e-12)
    # the tail is the L2 error of the truncation, measured on the same grid
    assert l2_distance(order, num.truncated, *rule) == pytest.approx(num.tail_l2(), rel=1e-9)
    for d in (1, 4, 9):
        assert l2_distance(order, num.truncate(d).truncated, *rule) == pytest.approx(num.tail_l2(d), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 5))
def test_eckart_young_no_rank_d_product_does_better(seed: int, d: int) -> None:
    rng = np.random.default_rng(seed)
    x, w = quadrature.uniform(30)
    y, v = quadrature.uniform(25)
    rel = partial(soft_order, beta=float(rng.uniform(1, 20)))
    expansion = schmidt_decomposition(rel, x, w, y, v, rank=d)
    best = expansion.tail_l2()
    truth = rel(x, y)
    F = expansion.features_x(x) + 0.3 * rng.standard_normal((30, d))  # perturb the optimum ...
    G = rng.standard_normal((25, d))  # ... and try unrelated factors
    for f, g in ((F, expansion.features_y(y)), (F, G), (rng.standard_normal((30, d)), G)):
        error = np.sqrt(np.einsum("i,j,ij->", w, v, (truth - f @ g.T) ** 2))
        assert error >= best * (1 - 1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(2, 9), st.integers(2, 9))
def test_matches_weighted_svd_of_any_matrix(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    R = rng.standard_normal((n, k))
    w, v = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(k))
    xs, ys = np.sort(rng.uniform(size=n)), np.sort(rng.uniform(size=k))
    rel = lookup(R, xs, ys)
    d = int(rng.integers(1, min(n, k) + 1))
    expansion = schmidt_decomposition(rel, xs, w, ys, v, rank=d)
    s = np.linalg.svd(np.sqrt(w)[:, None] * R * np.sqrt(v)[None, :], compute_uv=False)
    assert np.allclose(expansion.singular_values, s[:d], rtol=1e-10, atol=1e-12 * s[0])
    full = schmidt_decomposition(rel, xs, w, ys, v, rank=min(n, k)) if s[-1] > 1e-8 * s[0] else None
    if full is not None:  # all terms: the expansion reproduces the matrix at the nodes
        assert np.allclose(full.truncated(xs, ys), R, atol=1e-8 * max(1.0, np.abs(R).max()) / s[-1] * s[0])


def test_neg_squared_distance_has_rank_three() -> None:
    x, w = quadrature.uniform(40, -1.0, 1.0)
    expansion = schmidt_decomposition(neg_squared_distance, x, w, x, w, rank=3)
    assert expansion.tail_l2() < 1e-13 * expansion.singular_values[0]
    t = np.linspace(-1, 1, 17)
    assert np.allclose(expansion.truncated(t, t), neg_squared_distance(t), atol=1e-12)
    with pytest.raises(ValueError, match="numerical rank 3"):
        schmidt_decomposition(neg_squared_distance, x, w, x, w, rank=4)


# --- Schmidt = Mercer on PSD kernels ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kernel", "rule"),
    [
        (partial(kernels.gaussian, lengthscale=0.5), quadrature.gaussian(120)),
        (kernels.brownian, quadrature.uniform(150)),
        (partial(kernels.von_mises, kappa=2.0), quadrature.circle(64)),
    ],
    ids=["gaussian", "brownian", "von_mises"],
)
def test_schmidt_equals_mercer_on_psd_kernels(kernel, rule) -> None:
    from relnb.mercer import mercer_decomposition

    x, w = rule
    d = 5  # von Mises: I_0 and the pairs (I_1, I_1), (I_2, I_2); a split pair would make r_d ambiguous
    m = mercer_decomposition(kernel, x, w, rank=d)
    s = schmidt_decomposition(kernel, x, w, x, w, rank=d)
    # singular values of a symmetric PSD matrix are its eigenvalues (eigh and svd agree to ~n eps lambda_1)
    assert np.allclose(s.singular_values, m.eigenvalues, rtol=0, atol=1e-13)
    assert s.tail_l2() == pytest.approx(m.tail_l2(), rel=1e-9, abs=1e-14)
    t = np.linspace(float(x.min()), float(x.max()), 29)
    # the rank-d kernels agree without any sign convention; von Mises has double eigenvalues, so its
    # eigenfunctions are only defined up to a rotation inside each pair: compare the kernels only
    assert np.allclose(s.truncated(t, t), m.truncated(t, t), atol=1e-10)
    simple = np.abs(np.diff(m.eigenvalues)) > 1e-6 * m.eigenvalues[0]
    keep = np.r_[simple, True] & np.r_[True, simple]  # eigenvalues separated from both neighbours
    e, a, b = m.eigenfunctions(t)[:, keep], s.left(t)[:, keep], s.right(t)[:, keep]
    signs = np.sign(np.sum(a * e, axis=0))
    assert np.allclose(a * signs, e, atol=1e-8) and np.allclose(b * signs, e, atol=1e-8)  # a_k = b_k = e_k


# --- composite_legendre and l2_distance ---------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.01, 1.0), min_size=1, max_size=6), st.integers(1, 5), st.floats(-2, 2))
def test_composite_rule_is_exact_for_piecewise_polynomials(steps: list[float], q: int, start: float) -> None:
    t = start + np.r_[0.0, np.cumsum(steps)]
    y, v = composite_legendre(t, order=q)
    assert y.shape == (len(steps) * q, 1) and v.min() > 0 and v.sum() == pytest.approx(1.0, abs=1e-14)
    # exact on each panel for degree 2q - 1: test |y - c|^(2q-1) with c a breakpoint (a piecewise polynomial)
    c = t[len(t) // 2]
    degree = 2 * q - 1
    exact = ((t[-1] - c) ** (degree + 1) + (c - t[0]) ** (degree + 1)) / (degree + 1) / (t[-1] - t[0])
    assert v @ np.abs(y[:, 0] - c) ** degree == pytest.approx(exact, rel=1e-11)


def test_l2_distance() -> None:
    x, w = quadrature.uniform(30)
    zero = lambda X, Y: np.zeros((len(X), len(Y)))  # noqa: E731
    one = lambda X, Y: np.ones((len(X), len(Y)))  # noqa: E731
    assert l2_distance(one, zero, x, w, x, w) == pytest.approx(1.0, abs=1e-14)
    assert l2_distance(order, order, x, w, x, w) == 0.0
    # the split rule integrates 1{y < x}^2 exactly: ||order||^2 = 1/2
    assert l2_distance(order, zero, *split_rule(30)) == pytest.approx(np.sqrt(0.5), abs=1e-14)


def test_spread_first_layer() -> None:
    phi = spread_first_layer(MLP(2, 3, width=50, seed=0), [0.0, -1.0], [1.0, 1.0], scale=10.0, seed=3)
    W = phi.net[0].weight.detach().numpy()
    b = phi.net[0].bias.detach().numpy()
    assert 5 < W.std() < 15  # slopes N(0, 10^2)
    # each unit is tanh(<s, x - c>) with c in the box: the level set <s, x> = -b passes through the box
    corners = np.array([[0, -1], [0, 1], [1, -1], [1, 1]], dtype=float)
    values = corners @ W.T + b
    assert np.all(values.min(axis=0) <= 0) and np.all(values.max(axis=0) >= 0)
    again = spread_first_layer(MLP(2, 3, width=50, seed=0), [0.0, -1.0], [1.0, 1.0], scale=10.0, seed=3)
    assert np.array_equal(W, again.net[0].weight.detach().numpy())  # deterministic given the seed


@pytest.mark.parametrize("beta", [2.0, 8.0, 30.0])
def test_bernstein_rate_and_rank(beta: float) -> None:
    rel = partial(soft_order, beta=beta)
    t = np.linspace(0, 1, 81)
    for n in (3, 10, 40):
        approx = bernstein_approximation(rel, n)(t, t)
        # the lemma: sup error <= (L_x + L_y) / (2 sqrt n) with L_x = L_y = beta / 4
        assert np.abs(approx - rel(t, t)).max() <= beta / (4 * np.sqrt(n))
        assert numerical_rank(approx) <= n + 1  # a sum of n + 1 products
    # B_n reproduces affine functions exactly: r(x, y) = 2x - 3y + 1 (E S/n = x)
    affine = lambda X, Y: 2 * X[:, :1] - 3 * Y[:, 0][None, :] + 1  # noqa: E731
    assert np.allclose(bernstein_approximation(affine, 5)(t, t), affine(t[:, None], t[:, None]), atol=1e-13)


@pytest.mark.parametrize("beta", [4.0, 8.0, 16.0])
def test_bernstein_curvature_bound_holds_and_is_nearly_sharp(
        beta: float) -> None:
    # |d^2/dz^2 sigmoid| <= 1/(6 sqrt 3), so M_x = M_y = beta^2 / (6 sqrt 3)
    rel = partial(soft_order, beta=beta)
    curvature = 2 * (beta**2 / (6 * np.sqrt(3)),)
    t = np.linspace(0, 1, 401)
    ratios = []
    for n in (8, 32, 128, 512):
        err = np.abs(bernstein_approximation(rel, n)(t, t) - rel(t, t)).max()
        bound = bernstein_error_bound(n, curvature=curvature)
        assert err <= bound
        ratios.append(err / bound)
    # B_n r - r = (x(1-x) r_xx + y(1-y) r_yy) / (2n) + O(n^-2): the bound
    # (M_x + M_y) / (8n) is approached where both curvatures peak near
    # x = y = 1/2; from beta = 8 on that point lies inside the square
    assert np.all(np.diff(ratios) > 0)
    if beta >= 8:
        assert ratios[-1] > 0.9


def test_bernstein_lipschitz_bound_on_a_kink() -> None:
    # |x - y| is Lipschitz (1, 1) and not differentiable: only the first
    # bound applies; at x = y = 1/2 the error is E|S - T| / n ~ c / sqrt(n)
    rel = lambda X, Y: np.abs(X[:, :1] - Y[:, 0][None, :])  # noqa: E731
    t = np.linspace(0, 1, 201)
    for n in (4, 16, 64, 256):
        exact = rel(t[:, None], t[:, None])
        err = np.abs(bernstein_approximation(rel, n)(t, t) - exact).max()
        assert err <= bernstein_error_bound(n, lipschitz=(1.0, 1.0))
        assert err > 0.5 / np.sqrt(n)  # and the n^-1/2 rate is real here


def test_bernstein_error_bound_validation() -> None:
    assert bernstein_error_bound(4, lipschitz=(1.0, 3.0)) == 1.0
    assert bernstein_error_bound(4, curvature=(8.0, 8.0)) == 0.5
    assert bernstein_error_bound(4, lipschitz=(1.0, 3.0),
                                 curvature=(80.0, 0.0)) == 1.0
    with pytest.raises(ValueError, match="got neither"):
        bernstein_error_bound(4)
    with pytest.raises(ValueError, match="lipschitz must be >= 0"):
        bernstein_error_bound(4, lipschitz=(1.0, -1.0))
    with pytest.raises(ValueError, match="a pair"):
        bernstein_error_bound(4, curvature=(1.0,))
    with pytest.raises(ValueError, match="degree must be >= 1"):
        bernstein_error_bound(0, lipschitz=(1.0, 1.0))


@pytest.mark.parametrize("relation", [
    partial(soft_order, beta=8.0), neg_squared_distance,
    lambda X, Y: np.abs(X[:, :1] - Y[:, 0][None, :])])
def test_bernstein_networks_interpolate_and_obey_their_bound(
        relation) -> None:
    from scipy.stats import binom

    n, m = 6, 40
    model, bound = bernstein_networks(relation, n, m)
    phi = model.phi
    assert (phi.depth, phi.width, phi.activation) == (1, m, "relu")
    assert model.psi.out_dim == n + 1
    # an independent route: numpy's piecewise linear interpolation of the
    # factors b_{i,n} and g_i at the knots k/m, against the ReLU sums
    knots = np.arange(m + 1) / m
    grid = np.arange(n + 1) / n
    samples = relation(grid[:, None], grid[:, None])
    basis = binom.pmf(np.arange(n + 1)[None, :], n, knots[:, None])
    t = np.random.default_rng(0).uniform(0, 1, 500)
    interp_x = np.column_stack([np.interp(t, knots, b) for b in basis.T])
    factors_y = (basis @ samples.T).T               # g_i at the knots
    interp_y = np.column_stack([np.interp(t, knots, g) for g in factors_y])
    assert np.allclose(model.phi.features(t[:, None]), interp_x, atol=1e-12)
    assert np.allclose(model.psi.features(t[:, None]), interp_y, atol=1e-12)
    # the certified bound, on the knot midpoints (where interpolation errs)
    mid = (np.arange(m) + 0.5) / m
    B = bernstein_approximation(relation, n)
    net = model.relation(mid[:, None], mid[:, None])
    assert np.abs(B(mid, mid) - net).max() <= bound
    # the bound is sum_i (n R_i + Lambda_i) / (2m): it halves when m doubles
    doubled = bernstein_networks(relation, n, 2 * m)[1]
    assert doubled == pytest.approx(bound / 2, rel=1e-12)


def test_bernstein_networks_bad_input() -> None:
    with pytest.raises(ValueError, match="units must be >= 1"):
        bernstein_networks(order, 3, 0)
    with pytest.raises(ValueError, match="degree must be >= 1"):
        bernstein_networks(order, 0, 5)
    with pytest.raises(ValueError, match="relation must be callable"):
        bernstein_networks("order", 3, 5)


def test_split_rule_makes_the_order_relation_exact() -> None:
    x, _, y, v = split_rule_package(30, order=3)
    assert x.shape == (30, 1) and y.shape == (93, 1)
    R = order(x, y)
    # k_r(x_i, x_k) = sum_j v_j r(x_i, y_j) r(x_k, y_j) = min(x_i, x_k):
    # sums of whole panels, exact up to rounding
    assert np.allclose((R * v) @ R.T, kernels.brownian(x), rtol=0, atol=1e-14)
    # int_0^x y^5 dy = x^6 / 6: degree 5 = 2 * 3 - 1 is integrated exactly
    assert np.allclose(R @ (v * y[:, 0] ** 5), x[:, 0] ** 6 / 6, atol=1e-15)


# --- validation ---------------------------------------------------------------------------------


def test_bad_inputs_raise() -> None:
    x, w = quadrature.uniform(10)
    with pytest.raises(ValueError, match="one weight per node"):
        schmidt_decomposition(order, x, w[:-1], x, w, rank=2)
    with pytest.raises(ValueError, match="one weight per node"):
        schmidt_decomposition(order, x, w, x[:-1], w, rank=2)
    bad = w.copy()
    bad[0], bad[1] = -bad[0], bad[1] + 2 * bad[0]
    with pytest.raises(ValueError, match="non-negative"):
        schmidt_decomposition(order, x, bad, x, w, rank=2)
    with pytest.raises(ValueError, match="sum to 1"):
        schmidt_decomposition(order, x, 2 * w, x, w, rank=2)
    with pytest.raises(ValueError, match="rank must be <= 10; got 11"):
        schmidt_decomposition(order, x, w, x, w, rank=11)
    with pytest.raises(ValueError, match="rank must be >= 1"):
        schmidt_decomposition(order, x, w, x, w, rank=0)
    with pytest.raises(ValueError, match="rank must be an integer"):
        schmidt_decomposition(order, x, w, x, w, rank=2.5)
    with pytest.raises(ValueError, match="callable"):
        schmidt_decomposition("order", x, w, x, w, rank=2)
    with pytest.raises(ValueError, match="must have shape"):
        schmidt_decomposition(lambda X, Y: np.zeros((3, 3)), x, w, x, w, rank=2)
    with pytest.raises(ValueError, match="finite"):
        schmidt_decomposition(lambda X, Y: np.full((len(X), len(Y)), np.nan), x, w, x, w, rank=2)
    with pytest.raises(ValueError, match="nodes_x must be finite"):
        schmidt_decomposition(order, np.full((10, 1), np.nan), w, x, w, rank=2)
    with pytest.raises(ValueError, match="numerical rank 0"):
        schmidt_decomposition(lambda X, Y: np.zeros((len(X), len(Y))), x, w, x, w, rank=1)
    expansion = schmidt_decomposition(order, x, w, x, w, rank=2)
    with pytest.raises(ValueError, match="1 column"):
        expansion.left(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="d must be <= 10"):
        expansion.tail_l2(11)
    with pytest.raises(ValueError, match="d must be <= 2"):
        expansion.truncate(3)
    with pytest.raises(ValueError, match="strictly increasing"):
        composite_legendre([0.0, 0.5, 0.5, 1.0])
    with pytest.raises(ValueError, match="at least 2"):
        composite_legendre([0.0])
    with pytest.raises(ValueError, match="order must be >= 1"):
        composite_legendre([0.0, 1.0], order=0)
    with pytest.raises(ValueError, match="low must be < high"):
        spread_first_layer(MLP(1, 2, width=4), 1.0, 0.0, scale=1.0, seed=0)
    with pytest.raises(ValueError, match="scale must be > 0"):
        spread_first_layer(MLP(1, 2, width=4), 0.0, 1.0, scale=-1.0, seed=0)
    with pytest.raises(ValueError, match=r"relnb\.inner_product\.MLP"):
        spread_first_layer(object(), 0.0, 1.0, scale=1.0, seed=0)
    with pytest.raises(ValueError, match="rank must be >= 1"):
        order_schmidt(0)
    with pytest.raises(ValueError, match="degree must be >= 1"):
        bernstein_approximation(order, 0)
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        bernstein_approximation(order, 3)([1.5], [0.5])


def test_repr_has_no_address(order_pair) -> None:
    num, closed, _ = order_pair
    assert "0x" not in repr(num) and "order" in repr(num) and "rank=16" in repr(num)
    assert repr(closed).startswith("SchmidtExpansion(order on [0, 1]^2, closed form, rank=16")
