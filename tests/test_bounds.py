"""Tests of relnb.bounds: total variation, Maurey's step networks, the neuron bound and its allocation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnb import bounds, mercer, quadrature

SINE = lambda t: math.sqrt(2) * np.sin(np.pi * t / 2)  # noqa: E731  (the first Brownian eigenfunction)


def test_total_variation_of_brownian_eigenfunctions() -> None:
    closed = mercer.brownian_expansion(6)
    for k in range(6):
        # sqrt(2) sin((k + 1/2) pi x) runs through k + 1/2 half-periods on [0, 1]: V = sqrt(2) (2k + 1);
        # the grid misses the peaks by at most (pi k h)^2 / 2 per peak, h = 5e-5
        tv = bounds.total_variation(lambda t, k=k: closed.eigenfunctions(t)[:, k], 0.0, 1.0)
        assert tv == pytest.approx(math.sqrt(2) * (2 * k + 1), rel=1e-7)
    # all six at once: the same numbers, bit for bit (the Gaussian's 40 Hermite functions in chapter B)
    together = bounds.total_variation(closed.eigenfunctions, 0.0, 1.0)
    gauss = mercer.gaussian_expansion(12, lengthscale=0.5)
    alone = [bounds.total_variation(lambda t, k=k: gauss.eigenfunctions(t)[:, k], -9.0, 9.0, grid=3001)
             for k in range(12)]
    assert together.shape == (6,) and together.tolist() == [
        bounds.total_variation(lambda t, k=k: closed.eigenfunctions(t)[:, k], 0.0, 1.0) for k in range(6)]
    assert bounds.total_variation(gauss.eigenfunctions, -9.0, 9.0, grid=3001).tolist() == alone


def test_step_network_evaluates_its_formula() -> None:
    g = bounds.StepNetwork(bias=0.5, weights=np.array([1.0, -2.0, 0.25]), thresholds=np.array([0.3, 0.1, 0.7]))
    x = np.array([0.0, 0.1, 0.2, 0.5, 0.8])
    expected = 0.5 + (x > 0.3) * 1.0 - (x > 0.1) * 2.0 + (x > 0.7) * 0.25
    assert np.array_equal(g(x), expected) and np.array_equal(g(x[:, None]), expected)
    assert repr(g) == "StepNetwork(units=3, bias=0.5)"


def test_maurey_network_is_unbiased_with_the_exact_variance() -> None:
    x = (np.arange(4000) + 0.5) / 4000  # midpoint rule: step functions are integrated to ~1e-4
    w = np.full(4000, 1 / 4000)
    rng = np.random.default_rng(0)
    n, draws = 8, 1500
    nets = [bounds.maurey_network(SINE, 0.0, 1.0, n, rng) for _ in range(draws)]
    values = np.array([g(x) for g in nets])
    errors = ((values - SINE(x)) ** 2) @ w
    sigma2 = bounds.maurey_variance(SINE, 0.0, 1.0, x, w)
    assert sigma2 == pytest.approx(4 / np.pi - 1, abs=1e-6)  # closed form V int f - int f^2
    # Monte Carlo mean of n ||f - g_n||^2 within 4 standard errors of sigma^2
    assert abs(n * errors.mean() - sigma2) < 4 * n * errors.std() / math.sqrt(draws)
    # unbiased pointwise, at five points: within 5 standard errors, plus the grid's discretisation of f'
    # (thresholds fall in cells of width h = 5e-5, where f moves by at most max|f'| h ~ 1.1e-4)
    points = [400, 1200, 2000, 2800, 3600]
    se = values[:, points].std(axis=0) / math.sqrt(draws)
    assert np.all(np.abs(values[:, points].mean(axis=0) - SINE(x[points])) < 5 * se + 2e-4)


def test_maurey_network_of_a_constant_is_exact() -> None:
    g = bounds.maurey_network(lambda t: np.full_like(t, 2.0), 0.0, 1.0, 3, np.random.default_rng(0))
    assert np.array_equal(g(np.linspace(0, 1, 5)), np.full(5, 2.0))


@given(st.lists(st.floats(1e-6, 1.0), min_size=1, max_size=8), st.integers(0, 200), st.integers(0, 9999))
@settings(max_examples=60, deadline=None)
def test_optimal_allocation_sums_to_n_and_beats_uniform(lam: list[float], extra: int, seed: int) -> None:
    d = len(lam)
    c = np.random.default_rng(seed).uniform(0.1, 10, size=d)
    N = d + extra
    n = bounds.optimal_allocation(lam, c, N)
    assert n.sum() == N and n.min() >= 1
    a = 4 * np.asarray(lam) * c
    # the continuous optimum is a lower bound for every integer split with the same total
    assert np.sum(a / np.sqrt(n)) >= np.sum(a ** (2 / 3)) ** 1.5 / math.sqrt(N) * (1 - 1e-12)
    if N >= 4 * d:  # with room to allocate, rounding costs little against the uniform split
        uniform = np.full(d, N // d)
        uniform[: N - uniform.sum()] += 1
        assert np.sum(a / np.sqrt(n)) <= np.sum(a / np.sqrt(uniform)) * 1.05


def test_barron_bound_and_its_inverse_agree() -> None:
    closed = mercer.brownian_expansion(30)
    lam = closed.eigenvalues
    C = math.sqrt(2) * (2 * np.arange(1, 31) - 1) / 2  # half the total variation
    tails = [closed.tail_l2(d) for d in range(31)]
    d, N = bounds.neurons_for_error(0.05, lam, C, tails)
    n = bounds.optimal_allocation(lam[:d], C[:d], N)
    # integer rounding can cost a little over the continuous optimum used to find N
    assert bounds.barron_bound(lam[:d], C[:d], n, tails[d]) <= 0.05 * 1.01
    fewer = bounds.optimal_allocation(lam[:d], C[:d], int(N * 0.9))
    assert bounds.barron_bound(lam[:d], C[:d], fewer, tails[d]) > 0.05  # N is (nearly) the smallest
    assert bounds.neurons_for_error(1.0, lam, C, tails) == (0, 0)  # ||k|| = 6^(-1/2) < 1


def test_epsilon_squared_scaling() -> None:
    # with the tail out of the way, N(eps) grows like eps^-2
    lam, C = np.array([0.5, 0.1]), np.array([1.0, 2.0])
    tails = [1.0, 0.5, 0.0]
    _, n1 = bounds.neurons_for_error(1e-2, lam, C, tails)
    _, n2 = bounds.neurons_for_error(1e-3, lam, C, tails)
    assert n2 / n1 == pytest.approx(100, rel=0.02)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: bounds.total_variation(np.sin, 1.0, 0.0), "low must be < high"),
        (lambda: bounds.total_variation(np.sin, 0.0, math.inf), "high must be a finite real number"),
        (lambda: bounds.total_variation(lambda t: np.where(t > 0.5, t, np.inf), 0.0, 1.0), "f must be finite on"),
        (lambda: bounds.total_variation(lambda t: t[:3], 0.0, 1.0), "f must map an array of shape"),
        (lambda: bounds.total_variation(lambda t: t[:, None, None], 0.0, 1.0), "f must map an array of shape"),
        (lambda: bounds.maurey_network(lambda t: t[:, None], 0.0, 1.0, 4, np.random.default_rng(0)),
         "f must map an array of shape"),
        (lambda: bounds.maurey_network(np.sin, 0.0, 1.0, 0, np.random.default_rng(0)), "units must be >= 1"),
        (lambda: bounds.maurey_network(np.sin, 0.0, 1.0, 2, 0), "rng must be a numpy.random.Generator"),
        (lambda: bounds.maurey_variance(np.sin, 0.0, 1.0, [0.5, 2.0], [0.5, 0.5]), r"nodes\[1\] = 2"),
        (lambda: bounds.barron_bound([1.0, 0.5], [1.0], [1, 1], 0.0), "same length; got 2 and 1"),
        (lambda: bounds.barron_bound([1.0], [1.0], [0], 0.0), r"neurons must be >= 1; got neurons\[0\] = 0"),
        (lambda: bounds.barron_bound([1.0], [-1.0], [1], 0.0), r"constants must be >= 0; got constants\[0\] = -1"),
        (lambda: bounds.barron_bound([1.0], [1.0], [1], -0.1), "tail must be >= 0"),
        (lambda: bounds.optimal_allocation([1.0, 1.0], [1.0, 1.0], 1), "total must be >= 2"),
        (lambda: bounds.neurons_for_error(0.0, [1.0], [1.0], [2.0, 1.0]), "epsilon must be > 0"),
        (lambda: bounds.neurons_for_error(0.5, [1.0], [1.0], [2.0]), "tails must have length"),
        (lambda: bounds.neurons_for_error(0.5, [1.0], [1.0], [2.0, 0.9]), "epsilon must exceed the smallest"),
        (lambda: bounds.neurons_for_error(0.5, [1.0, 0.0], [1.0, 1.0], [2.0, 1.0, 0.0]), "must be > 0"),
    ],
)
def test_bad_inputs(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_quadrature_rule_is_accepted_by_maurey_variance() -> None:
    x, w = quadrature.uniform(64)
    assert bounds.maurey_variance(SINE, 0.0, 1.0, x, w) == pytest.approx(4 / np.pi - 1, abs=1e-7)


@pytest.mark.parametrize("n", [1, 4, 16, 64])
def test_staircase_of_a_monotone_function_has_sup_error_v_over_2n(n: int) -> None:
    # f = sqrt(2) sin(pi x / 2) increases from 0 to sqrt(2): V = sqrt(2), and the quantile staircase
    # misses by exactly V / (2n) just before each threshold (a grid of 10^6 points comes within 1e-6 of it)
    g = bounds.staircase_network(SINE, 0.0, 1.0, tolerance=math.sqrt(2) / (2 * n))
    x = np.linspace(0.0, 1.0, 1_000_001)
    assert g.units == n
    assert np.abs(SINE(x) - g(x)).max() == pytest.approx(math.sqrt(2) / (2 * n), abs=3e-6)


def test_staircase_of_an_oscillating_function_stays_within_the_tolerance() -> None:
    # e_4 of min(x, y): sqrt(2) sin(3.5 pi x) has 4 monotone pieces; each starts with zero error
    f = lambda t: math.sqrt(2) * np.sin(3.5 * np.pi * t)  # noqa: E731
    x = np.linspace(0.0, 1.0, 1_000_001)
    for eta in (0.2, 0.05, 0.01):
        g = bounds.staircase_network(f, 0.0, 1.0, tolerance=eta)
        assert np.abs(f(x) - g(x)).max() <= eta + 1e-6
        # at most V / (2 eta) + M units, V = 7 sqrt(2), M = 4 monotone pieces
        assert g.units <= 7 * math.sqrt(2) / (2 * eta) + 4


def test_smoothed_staircase_tends_to_the_staircase_bound() -> None:
    g = bounds.staircase_network(SINE, 0.0, 1.0, tolerance=math.sqrt(2) / 8)
    x = np.linspace(0.0, 1.0, 200_001)
    errors = [np.abs(SINE(x) - g.smooth(x, s)).max() for s in (3.0, 1e2, 1e4)]
    assert errors[0] > math.sqrt(2) / 8 + 0.05  # too gentle: the tanh tails spill over the ends
    assert errors[-1] <= math.sqrt(2) / 8 + 1e-3  # a steep one is within the staircase's error


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), units=st.integers(1, 40), points=st.integers(1, 300),
       sharpness=st.sampled_from([0.3, 3.0, 40.0, 1e3, 1e5]))
def test_smooth_and_certified_bound_agree_with_the_dense_formulas(seed: int, units: int, points: int,
                                                                  sharpness: float) -> None:
    # smooth() and certified_sup_error() evaluate a unit only within 25 / s of a point; against the definitions
    # summed over every unit (unsorted thresholds, repeated ones, points outside their range)
    rng = np.random.default_rng(seed)
    thresholds = np.round(rng.uniform(-0.5, 1.5, size=units), 2)  # rounded: some coincide
    g = bounds.StepNetwork(bias=rng.normal(), weights=rng.normal(size=units), thresholds=thresholds)
    x = np.sort(rng.uniform(-1.0, 2.0, size=points))
    dense = g.bias + (1 + np.tanh(sharpness * (x[:, None] - thresholds[None, :]))) / 2 @ g.weights
    # the two sums differ only in the order of the additions: a few units in the last place of sum |c_k| + |b|
    scale = np.abs(g.weights).sum() + abs(g.bias)
    assert np.abs(g.smooth(x, sharpness) - dense).max() <= 1e-14 * scale
    grid = np.linspace(0.0, 1.0, 257)
    left, right, t = grid[:-1, None], grid[1:, None], thresholds[None, :]
    distance = np.where((left <= t) & (t <= right), 0.0, np.minimum(np.abs(t - left), np.abs(t - right)))
    slope = 1.0 + sharpness / 2 * (np.cosh(np.minimum(sharpness * distance, 350.0)) ** -2 @ np.abs(g.weights))
    error = np.abs(np.sin(grid) - (g.bias + (1 + np.tanh(sharpness * (grid[:, None] - t))) / 2 @ g.weights))
    reference = np.max(np.maximum(error[:-1], error[1:]) + (grid[1] - grid[0]) / 2 * slope)
    bound = bounds.certified_sup_error(np.sin, g, 0.0, 1.0, sharpness=sharpness, derivative_bound=1.0, grid=257)
    assert reference - 1e-14 * scale <= bound <= reference + 1e-12 * scale


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), "0.1"])
def test_staircase_rejects_a_bad_tolerance(bad: object) -> None:
    with pytest.raises((ValueError, TypeError), match="tolerance"):
        bounds.staircase_network(SINE, 0.0, 1.0, tolerance=bad)  # type: ignore[arg-type]


def test_certified_sup_error_bounds_a_dense_evaluation_and_is_nearly_tight() -> None:
    g = bounds.staircase_network(SINE, 0.0, 1.0, tolerance=math.sqrt(2) / 16)
    s = 200.0
    bound = bounds.certified_sup_error(SINE, g, 0.0, 1.0, sharpness=s, derivative_bound=math.sqrt(2) * np.pi / 2,
                                       grid=2001)
    dense = np.linspace(0.0, 1.0, 2_000_001)
    actual = np.abs(SINE(dense) - g.smooth(dense, s)).max()
    # an upper bound, and within h times the largest slope (s/2 max|c| + |f'|) of the truth
    assert actual <= bound <= actual + 1e-3 * (s / 2 * np.abs(g.weights).max() + 2.3)


def test_certified_sup_error_catches_a_wrong_network() -> None:
    g = bounds.staircase_network(SINE, 0.0, 1.0, tolerance=0.05)
    shifted = bounds.StepNetwork(bias=g.bias + 0.3, weights=g.weights, thresholds=g.thresholds)
    assert bounds.certified_sup_error(SINE, shifted, 0.0, 1.0, sharpness=1e3, derivative_bound=2.3) > 0.3
