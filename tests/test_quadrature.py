"""Tests of relnb.quadrature: exactness on polynomials, probability weights, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnb import quadrature

RULES = {
    "uniform": lambda n: quadrature.uniform(n),
    "uniform[-2,3]": lambda n: quadrature.uniform(n, -2.0, 3.0),
    "gaussian": lambda n: quadrature.gaussian(n),
    "gaussian(1,2)": lambda n: quadrature.gaussian(n, mean=1.0, std=2.0),
    "circle": lambda n: quadrature.circle(n),
}


@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("n", [1, 2, 7, 80, 400])
def test_shapes_and_probability_weights(name: str, n: int) -> None:
    nodes, weights = RULES[name](n)
    assert nodes.shape == (n, 1) and weights.shape == (n,)
    assert nodes.dtype == np.float64 and weights.dtype == np.float64
    assert np.isfinite(nodes).all() and (weights >= 0).all()
    assert abs(weights.sum() - 1.0) < 1e-13  # normalised in float64: a few ulps


@given(n=st.integers(1, 40), degree=st.integers(0, 79), low=st.floats(-3, 3), width=st.floats(0.1, 4))
@settings(max_examples=60, deadline=None)
def test_gauss_legendre_exact_to_degree_2n_minus_1(n: int, degree: int, low: float, width: float) -> None:
    degree = min(degree, 2 * n - 1)
    high = low + width
    x, w = quadrature.uniform(n, low, high)
    exact = (high ** (degree + 1) - low ** (degree + 1)) / ((degree + 1) * width)
    # rounding is relative to the sum of |terms|: about (degree + n) * 1e-16 of it
    scale = w @ np.abs(x[:, 0]) ** degree
    assert abs(w @ x[:, 0] ** degree - exact) <= 1e-14 * (degree + n + 1) * scale + 1e-15


def _normal_moment(k: int, mean: float, std: float) -> float:
    """E[(mean + std Z)^k] by the binomial theorem and E Z^j = (j-1)!! for even j."""
    total = 0.0
    for j in range(0, k + 1, 2):
        double_factorial = math.prod(range(j - 1, 0, -2)) if j else 1
        total += math.comb(k, j) * mean ** (k - j) * std**j * double_factorial
    return total


@given(n=st.integers(1, 30), degree=st.integers(0, 59), mean=st.floats(-2, 2), std=st.floats(0.2, 2))
@settings(max_examples=60, deadline=None)
def test_gauss_hermite_exact_to_degree_2n_minus_1(n: int, degree: int, mean: float, std: float) -> None:
    degree = min(degree, 2 * n - 1)
    x, w = quadrature.gaussian(n, mean, std)
    exact = _normal_moment(degree, mean, std)
    # rounding is relative to the sum of |terms| (odd moments cancel to 0): each node and its power
    # carry a relative error of about degree * 1e-16 and the sum adds n more roundings
    scale = w @ np.abs(x[:, 0]) ** degree
    assert abs(w @ x[:, 0] ** degree - exact) <= 1e-14 * (degree + n + 1) * scale + 1e-15


@given(n=st.integers(1, 50), frequency=st.integers(0, 49))
@settings(max_examples=60, deadline=None)
def test_circle_exact_for_trigonometric_polynomials(n: int, frequency: int) -> None:
    frequency = min(frequency, n - 1)
    x, w = quadrature.circle(n)
    # the mean of cos(k x) over the circle is 1 for k = 0 and 0 otherwise; sin always 0
    assert abs(w @ np.cos(frequency * x[:, 0]) - (1.0 if frequency == 0 else 0.0)) < 1e-13
    assert abs(w @ np.sin(frequency * x[:, 0])) < 1e-13


def test_circle_is_not_exact_at_frequency_n() -> None:
    # the rule aliases cos(n x) to 1: the degree n - 1 in the docstring is sharp
    x, w = quadrature.circle(8)
    assert abs(w @ np.cos(8 * x[:, 0]) - 1.0) < 1e-13


def test_gauss_legendre_is_not_exact_at_degree_2n() -> None:
    x, w = quadrature.uniform(3)
    assert abs(w @ x[:, 0] ** 6 - 1 / 7) > 1e-6


def test_product_weights() -> None:
    _, w = quadrature.uniform(4)
    _, v = quadrature.gaussian(3)
    p = quadrature.product_weights(w, v)
    assert p.shape == (4, 3) and abs(p.sum() - 1.0) < 1e-14
    assert np.array_equal(quadrature.product_weights(w), np.outer(w, w))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: quadrature.uniform(0), "n must be >= 1"),
        (lambda: quadrature.uniform(2.5), "n must be an integer"),
        (lambda: quadrature.uniform(3, 1.0, 1.0), "low must be < high"),
        (lambda: quadrature.uniform(3, 0.0, math.nan), "high must be finite"),
        (lambda: quadrature.uniform(3, "a", 1.0), "low must be a real number"),
        (lambda: quadrature.gaussian(3, std=0.0), "std must be > 0"),
        (lambda: quadrature.gaussian(3, mean=math.inf), "mean must be finite"),
        (lambda: quadrature.gaussian(-1), "n must be >= 1"),
        (lambda: quadrature.circle(0), "n must be >= 1"),
        (lambda: quadrature.product_weights(np.array([0.5, 0.6])), "weights_x must sum to 1"),
    ],
)
def test_bad_inputs(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_product_rule_integrates_products_and_validates() -> None:
    x, w = quadrature.product_rule(quadrature.gaussian(4), 3)
    assert x.shape == (64, 3) and w.shape == (64,) and math.isclose(w.sum(), 1.0)
    # E x1^2 x2^4 x3^6 = 1 * 3 * 15 under N(0, I_3): degree <= 7 per variable, exact for 4 Hermite nodes
    assert float(w @ (x[:, 0] ** 2 * x[:, 1] ** 4 * x[:, 2] ** 6)) == pytest.approx(45.0, rel=1e-12)
    with pytest.raises(ValueError, match="rule must be one-dimensional nodes"):
        quadrature.product_rule((np.zeros((3, 2)), np.ones(3) / 3), 2)
    with pytest.raises(ValueError, match="dim must be >= 1"):
        quadrature.product_rule(quadrature.gaussian(3), 0)


def test_sobol_normal_is_an_unbiased_rule_for_the_standard_normal() -> None:
    """Moments of N(0, I_3) by 16 independent scrambles: their mean within 4 standard errors of the exact value."""
    moments = {  # f, exact E f and Var f under N(0, I_3)
        "x^2": (lambda x: x[:, 0] ** 2, 1.0, 2.0),
        "x^2 y^2 z^2": (lambda x: np.prod(x**2, axis=1), 1.0, 26.0),
        "x^4": (lambda x: x[:, 1] ** 4, 3.0, 96.0),
        "cos(x + y + z)": (lambda x: np.cos(x.sum(axis=1)), math.exp(-1.5), (1 + math.exp(-6)) / 2 - math.exp(-3)),
    }
    rules = [quadrature.sobol_normal(10, 3, seed=s) for s in range(16)]
    for name, (f, exact, variance) in moments.items():
        estimates = np.array([w @ f(x) for x, w in rules])
        spread = estimates.std(ddof=1) / 4  # standard error of the mean of 16
        assert abs(estimates.mean() - exact) < 4 * spread + 1e-15, name
        # and better than plain Monte Carlo with as many points, whose standard error is sqrt(Var f / 16384)
        # (measured: 0.05, 0.42, 0.28 and 0.13 of it; the heavy-tailed products gain least)
        assert spread < 0.5 * math.sqrt(variance / (16 * 1024)), name
    x0, x1 = rules[0][0], rules[1][0]
    assert x0.shape == (1024, 3) and np.all(np.isfinite(x0)) and not np.any(np.isin(x0, x1))
    np.testing.assert_array_equal(quadrature.sobol_normal(10, 3, seed=0)[0], x0)  # the seed fixes the rule
    with pytest.raises(ValueError, match="log2_points"):
        quadrature.sobol_normal(25, 3, seed=0)
