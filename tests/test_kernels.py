"""Tests of relnb.kernels: the kernel contract for every kernel, closed values, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from relnb import kernels

# The kernel contract (shape, dtype, Y=None, (n,) as (n, 1), symmetry, PSD, NaN) is in tests/test_common.py.


def test_closed_values() -> None:
    x = np.array([[0.0, 0.0], [3.0, 4.0]])  # distance 5
    assert kernels.gaussian(x, lengthscale=5.0)[0, 1] == pytest.approx(math.exp(-0.5), rel=1e-15)
    assert kernels.laplace(x, lengthscale=5.0)[0, 1] == pytest.approx(math.exp(-1.0), rel=1e-15)
    assert kernels.polynomial(x, degree=2, c=1.0)[1, 1] == 26.0**2
    assert kernels.brownian([0.3, 0.8])[0, 1] == 0.3
    assert kernels.brownian_bridge([0.3, 0.8])[0, 1] == pytest.approx(0.3 - 0.24, abs=1e-16)
    assert kernels.von_mises([0.0], [np.pi / 2], kappa=3.0)[0, 0] == pytest.approx(1.0, abs=1e-15)


def test_brownian_bridge_vanishes_at_the_ends_and_von_mises_is_periodic() -> None:
    t = np.linspace(0, 1, 11)
    assert np.all(kernels.brownian_bridge([0.0, 1.0], t) == 0.0)
    a = np.linspace(0, 2 * np.pi, 9)
    assert np.allclose(kernels.von_mises(a, kappa=1.5), kernels.von_mises(a + 2 * np.pi, kappa=1.5), atol=1e-13)


def test_polynomial_kernel_has_rank_p_plus_one_on_the_line() -> None:
    x = np.linspace(-1, 1, 20)
    K = kernels.polynomial(x, degree=3, c=1.0)
    assert np.linalg.matrix_rank(K) == 4


def test_negative_offset_polynomial_is_not_psd() -> None:
    # the rule c >= 0 is not cosmetic: c = -1 gives an indefinite Gram matrix (witness: x = 0, 2)
    x = np.array([0.0, 2.0])
    assert np.linalg.eigvalsh((np.outer(x, x) - 1.0) ** 1)[0] < 0
    with pytest.raises(ValueError, match="c must be >= 0"):
        kernels.polynomial(x, degree=1, c=-1.0)


@given(arrays(np.float64, st.tuples(st.integers(1, 12), st.just(1)), elements=st.floats(0, 1)))
@settings(max_examples=50, deadline=None)
def test_brownian_kernels_psd_for_all_inputs(x: np.ndarray) -> None:
    for K in (kernels.brownian(x), kernels.brownian_bridge(x)):
        scale = max(1.0, float(np.abs(K).max()))
        assert np.linalg.eigvalsh(K)[0] >= -1e-13 * scale


@given(
    arrays(np.float64, st.tuples(st.integers(1, 10), st.integers(1, 3)), elements=st.floats(-5, 5)),
    st.floats(0.1, 5),
)
@settings(max_examples=50, deadline=None)
def test_stationary_kernels_one_on_the_diagonal(x: np.ndarray, ell: float) -> None:
    assert np.all(np.diag(kernels.gaussian(x, lengthscale=ell)) == 1.0)
    assert np.all(np.diag(kernels.laplace(x, lengthscale=ell)) == 1.0)
    assert np.all(np.abs(kernels.gaussian(x, lengthscale=ell)) <= 1.0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: kernels.brownian([0.5, -0.1]), r"brownian is defined on \[0, inf\).*X\[1\] = -0.1"),
        (lambda: kernels.brownian([0.5], [-2.0]), r"Y\[0\] = -2"),
        (lambda: kernels.brownian_bridge([0.5, 1.5]), r"brownian_bridge is defined on \[0, 1\].*X\[1\] = 1.5"),
        (lambda: kernels.brownian(np.zeros((3, 2))), "brownian is a kernel on the real line"),
        (lambda: kernels.von_mises(np.zeros((3, 2))), "von_mises is a kernel on the real line"),
        (lambda: kernels.gaussian([0.0], lengthscale=0.0), "lengthscale must be > 0; got 0.0"),
        (lambda: kernels.laplace([0.0], lengthscale=-1.0), "lengthscale must be > 0; got -1.0"),
        (lambda: kernels.von_mises([0.0], kappa=0.0), "kappa must be > 0"),
        (lambda: kernels.polynomial([0.0], degree=0), "degree must be >= 1"),
        (lambda: kernels.polynomial([0.0], degree=1.5), "degree must be an integer"),
        (lambda: kernels.gaussian(np.zeros((3, 2)), np.zeros((3, 1))), "X and Y must be points of the same dimension"),
        (lambda: kernels.gaussian([0.0, np.nan]), "X must be finite"),
        (lambda: kernels.gaussian("abc"), "X must be numeric"),
        (lambda: kernels.gaussian(np.zeros((2, 2, 2))), r"X must have shape \(n, m\) or \(n,\)"),
    ],
)
def test_bad_inputs(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()
