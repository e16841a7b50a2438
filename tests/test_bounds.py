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
