"""The exercise checks accept right answers and explain wrong ones in words."""

from __future__ import annotations

from fractions import Fraction
from functools import partial

import numpy as np
import pytest

from relnb import checks, kernels, quadrature
from relnb.attention import required_beta
from relnb.gram import l2_distance
from relnb.mercer import brownian_expansion
from relnb.preorder import Preorder
from relnb.relations import neg_squared_distance, order, soft_order
from relnb.schmidt import bernstein_approximation, schmidt_decomposition

R2 = [[0.0, 1.0], [0.0, 0.0]]


def test_feedback_prints_its_verdict() -> None:
    assert repr(checks.Feedback(True, "x")) == "Correct. x"
    assert repr(checks.Feedback(False, "y")) == "Not yet. y"
    assert not checks.Feedback(False, "y")


@pytest.mark.parametrize(
    ("answer", "passed", "words"),
    [
        (np.sqrt(3) / 2, True, "matches"),
        (None, False, "No answer yet"),
        (0.5, False, "below the true minimum"),          # the symmetric part alone
        (np.sqrt(0.5), False, "antisymmetric part alone"),
        (1.0, False, "above the true minimum"),
        (0.1, False, "no PSD matrix is that close"),
    ],
)
def test_check_psd_distance(answer, passed: bool, words: str) -> None:
    feedback = checks.check_psd_distance(answer, R2)
    assert feedback.passed is passed and words in feedback.message


def test_check_factorization_names_the_wrong_entry() -> None:
    r = np.array(order(np.linspace(0, 1, 4)))
    u, s, vt = np.linalg.svd(r)
    good = checks.check_factorization(u[:, :3] * np.sqrt(s[:3]), vt[:3].T * np.sqrt(s[:3]), r)
    assert good.passed
    bad = checks.check_factorization(u[:, :2] * np.sqrt(s[:2]), vt[:2].T * np.sqrt(s[:2]), r)
    assert not bad.passed and bad.message.startswith("Entry (")
    shapes = checks.check_factorization(np.ones((3, 2)), np.ones((4, 2)), r)
    assert not shapes.passed and "one row per point" in shapes.message
    dims = checks.check_factorization(np.ones((4, 2)), np.ones((4, 3)), r)
    assert not dims.passed and "same d" in dims.message
    assert "No answer yet" in checks.check_factorization(None, None, r).message


def test_check_floor_formula_reports_the_first_wrong_n() -> None:
    assert checks.check_floor_formula(lambda n: np.sqrt(1 - 1 / n**2) / 2, order).passed
    wrong = checks.check_floor_formula(lambda n: 0.5, order)
    assert not wrong.passed and "For n = 2" in wrong.message


# --- Chapter B ----------------------------------------------------------------------------------


BRIDGE_RULE = quadrature.uniform(400)


@pytest.mark.parametrize(
    ("trace", "square", "passed", "words"),
    [
        (Fraction(1, 6), Fraction(1, 90), True, "= int k(x, x) dmu"),
        (1 / 90, 1 / 6, False, "swapped"),
        (1 / 3, 1 / 90, False, "differs from the trace"),
        (1 / 6, 1 / 36, False, "sum lambda_k squared"),
        (1 / 6, np.sqrt(1 / 90), False, "not its square"),
        (None, 1 / 90, False, "No answer yet"),
        ("one sixth", 1 / 90, False, "should be a number"),
    ],
)
def test_check_mercer_sums(trace, square, passed: bool, words: str) -> None:
    feedback = checks.check_mercer_sums(trace, square, kernels.brownian_bridge, *BRIDGE_RULE)
    assert feedback.passed is passed and words in feedback.message


A16 = 1 / (2 * np.arange(1, 17) - 1)


def test_check_allocation_accepts_the_rounded_optimum_and_explains_the_rest() -> None:
    best = 1000 * A16 ** (2 / 3) / np.sum(A16 ** (2 / 3))
    assert checks.check_allocation(np.floor(best), A16, 1000).passed
    uniform = checks.check_allocation(np.full(16, 62.5), A16, 1000)
    assert not uniform.passed and "uniform split" in uniform.message and "% above" in uniform.message
    proportional = checks.check_allocation(1000 * A16 / A16.sum(), A16, 1000)
    assert not proportional.passed and "smaller power" in proportional.message
    assert "more than the budget" in checks.check_allocation(best * 1.1, A16, 1000).message
    assert "spend them all" in checks.check_allocation(best * 0.5, A16, 1000).message
    assert "positive" in checks.check_allocation(np.r_[best[:-1], 0.0], A16, 1000).message
    assert "16 terms" in checks.check_allocation(best[:4], A16, 1000).message


GAUSS_PROFILE = lambda t: np.exp(-(t**2) / (2 * 0.5**2))  # noqa: E731


def test_check_rff_expected_error_names_the_missing_piece() -> None:
    x, w = quadrature.gaussian_legendre(200)
    x = x.reshape(-1)
    delta = x[:, None] - x[None, :]
    k = GAUSS_PROFILE(delta)
    per_feature = np.einsum("i,j,ij->", w, w, 1 + 0.5 * k**4 - k**2)
    assert checks.check_rff_expected_error(per_feature / 8, 8, GAUSS_PROFILE, x, w).passed
    assert "variance of one feature" in checks.check_rff_expected_error(per_feature, 8, GAUSS_PROFILE, x, w).message
    no_phase = np.einsum("i,j,ij->", w, w, 1 - k**2) / 8
    assert "k(2(x - y))/2" in checks.check_rff_expected_error(no_phase, 8, GAUSS_PROFILE, x, w).message
    root = np.sqrt(per_feature / 8)
    assert "root of the expected" in checks.check_rff_expected_error(root, 8, GAUSS_PROFILE, x, w).message
    assert "below" in checks.check_rff_expected_error(0.0, 8, GAUSS_PROFILE, x, w).message


def test_check_truncation_error_recognises_the_usual_slips() -> None:
    exp = brownian_expansion(16)
    assert checks.check_truncation_error(exp.tail_l2(4), exp, 4).passed
    assert "take the square root" in checks.check_truncation_error(exp.tail_l2(4) ** 2, exp, 4).message
    assert "on the diagonal" in checks.check_truncation_error(exp.tail_sum(4), exp, 4).message
    assert "operator norm" in checks.check_truncation_error(exp.eigenvalues[4], exp, 4).message
    assert "where the tail starts" in checks.check_truncation_error(exp.tail_l2(5), exp, 4).message
    assert "is above" in checks.check_truncation_error(1.0, exp, 4).message


# --- Chapter C ----------------------------------------------------------------------------------


def test_check_feature_maps_finds_the_worst_point() -> None:
    phi = lambda x: np.stack([-(x**2), 2 * x, np.ones_like(x)], axis=1)  # noqa: E731
    psi = lambda y: np.stack([np.ones_like(y), y, -(y**2)], axis=1)  # noqa: E731
    assert checks.check_feature_maps(phi, psi, neg_squared_distance, max_features=3).passed
    sign = lambda y: np.stack([np.ones_like(y), y, y**2], axis=1)  # noqa: E731
    wrong = checks.check_feature_maps(phi, sign, neg_squared_distance)
    assert not wrong.passed and wrong.message.startswith("At x = ") and "r(x, y) =" in wrong.message
    too_many = checks.check_feature_maps(lambda x: np.zeros((x.size, 5)), lambda y: np.zeros((y.size, 5)),
                                         neg_squared_distance, max_features=3)
    assert "at most 3" in too_many.message
    assert "same d" in checks.check_feature_maps(phi, lambda y: np.ones((y.size, 2)), neg_squared_distance).message
    assert "shape" in checks.check_feature_maps(lambda x: np.ones((2, 2)), psi, neg_squared_distance).message
    failing = checks.check_feature_maps(lambda x: undefined_name, psi, neg_squared_distance)  # noqa: F821
    assert "failed: NameError" in failing.message
    assert "returns None: fill in" in checks.check_feature_maps(lambda x: None, psi, neg_squared_distance).message


SOFT_RULE = quadrature.uniform(120)


def test_check_symmetric_floor() -> None:
    r = soft_order(SOFT_RULE[0], SOFT_RULE[0])
    floor = float(np.sqrt(np.einsum("i,j,ij->", SOFT_RULE[1], SOFT_RULE[1], (r - 0.5) ** 2)))
    assert checks.check_symmetric_floor(floor, soft_order, *SOFT_RULE).passed
    assert "sharp order relation" in checks.check_symmetric_floor(0.5, soft_order, *SOFT_RULE).message
    norm = float(np.sqrt(np.einsum("i,j,ij->", SOFT_RULE[1], SOFT_RULE[1], r**2)))
    assert "model s = 0" in checks.check_symmetric_floor(norm, soft_order, *SOFT_RULE).message
    assert "square root" in checks.check_symmetric_floor(floor**2, soft_order, *SOFT_RULE).message


def test_check_bernstein_schmidt() -> None:
    x, w = quadrature.uniform(60)
    exp = schmidt_decomposition(soft_order, x, w, x, w, rank=8)
    bern = l2_distance(soft_order, bernstein_approximation(soft_order, 4), x, w, x, w)
    right = {4: (bern, exp.tail_l2(5))}
    assert checks.check_bernstein_schmidt(right, soft_order, x, w, degrees=(4,)).passed
    off_by_one = checks.check_bernstein_schmidt({4: (bern, exp.tail_l2(4))}, soft_order, x, w, degrees=(4,))
    assert "compare at equal rank" in off_by_one.message
    swapped = checks.check_bernstein_schmidt({4: (exp.tail_l2(5), bern)}, soft_order, x, w, degrees=(4,))
    assert "swapped" in swapped.message
    assert "No entry for n = 8" in checks.check_bernstein_schmidt(right, soft_order, x, w, degrees=(4, 8)).message
    assert "dict" in checks.check_bernstein_schmidt([1, 2], soft_order, x, w).message
    # the exercise's side: a smooth relation has too low a numerical rank for 18 singular pairs on 300 nodes
    smooth = partial(soft_order, beta=4.0)
    x300, w300 = quadrature.uniform(300)
    with pytest.raises(ValueError, match="reference Schmidt expansion"):
        checks.check_bernstein_schmidt(right, smooth, x300, w300)


# --- Chapter D ----------------------------------------------------------------------------------


def test_check_utility_names_the_pair_and_the_reason() -> None:
    p = Preorder.from_utility([0, 2, 1, 2])
    assert checks.check_utility([5, 7, 6, 7], p).passed
    above = checks.check_utility([0, 3, 1, 2], p)
    assert "puts item 1 strictly above item 3" in above.message and "equally good" in above.message
    below = checks.check_utility([0, 1, 1, 1], p)
    assert "at or below" in below.message and "strictly better" in below.message
    assert "4 items" in checks.check_utility([0, 1], p).message
    incomplete = Preorder.from_matrix([[1, 0], [0, 1]])
    assert "incomparable" in checks.check_utility([0, 1], incomplete).message


def test_check_film_ranking() -> None:
    u = np.array([3, 2, 0, 2, 3, 1])
    R = (u[:, None] <= u[None, :]).astype(int)
    assert checks.check_film_ranking(R, u).passed
    assert checks.check_film_ranking(R, 10 * u + 1).passed
    wrong_entry = R.copy()
    wrong_entry[1, 3] = 0
    assert "films 1 and 3 are equally good" in checks.check_film_ranking(wrong_entry, u).message
    bad_utility = checks.check_film_ranking(R, [3, 2, 0, 1, 3, 1])
    assert bad_utility.message.startswith("Your matrix is right.") and "film 1" in bad_utility.message
    assert "6 x 6" in checks.check_film_ranking(np.ones((5, 5)), u).message


def test_check_first_float_tie() -> None:
    u = Preorder.from_utility(np.arange(70)).utility("dyadic")
    assert checks.check_first_float_tie(54, u).passed
    early = checks.check_first_float_tie(53, u)
    assert "still separates items 53 and 54" in early.message and "2^-53" in early.message
    late = checks.check_first_float_tie(60, u)
    assert "Items 54 and 55 already coincide" in late.message
    with pytest.raises(ValueError, match="strictly increasing"):
        checks.check_first_float_tie(1, [0, 0, 1])


def test_check_nearest_key_features() -> None:
    phi = lambda x: np.stack([np.ones_like(x), 2 * x**2, -(x**4)], axis=1)  # noqa: E731
    psi = lambda y: np.stack([-(y**2), y, np.ones_like(y)], axis=1)  # noqa: E731
    assert checks.check_nearest_key_features(phi, psi, lambda x: x**2, max_features=3).passed
    # the nearest key to x, not x^2: ranks keys wrongly for most queries
    wrong_target = checks.check_nearest_key_features(
        lambda x: np.stack([np.ones_like(x), 2 * x, -(x**2)], axis=1), psi, lambda x: x**2)
    assert "is nearer than key" in wrong_target.message
    # distance without a sign: prefers far keys
    flipped = checks.check_nearest_key_features(lambda x: -phi(x), psi, lambda x: x**2)
    assert not flipped.passed and "does not rank it higher" in flipped.message


# --- Chapter E ----------------------------------------------------------------------------------


def test_check_min_beta() -> None:
    g, eps = 0.05, 0.01
    right = {n: np.log((n - 1) * (1 - eps) / eps) / g for n in (10, 1000)}
    assert checks.check_min_beta(right, g, eps).passed
    assert "two keys" in checks.check_min_beta({10: np.log((1 - eps) / eps) / g}, g, eps).message
    assert "only the other n - 1" in checks.check_min_beta({10: np.log(10 * (1 - eps) / eps) / g}, g, eps).message
    assert "factor 1 - eps" in checks.check_min_beta({10: np.log(9 / eps) / g}, g, eps).message
    assert "differs from beta_min" in checks.check_min_beta({10: 1.0}, g, eps).message


def test_check_smallest_gap() -> None:
    u = np.array([[0.0, 1.0, 0.5], [0.2, 0.1, 0.0], [0.0, 0.9, 0.0]])
    assert checks.check_smallest_gap(0.1, u).passed
    assert "mean gap" in checks.check_smallest_gap((0.5 + 0.1 + 0.9) / 3, u).message
    assert "best key with the worst" in checks.check_smallest_gap(0.2, u).message
    assert "largest gap" in checks.check_smallest_gap(0.9, u).message


def test_check_temperature() -> None:
    s = np.array([0.0, -0.1, -0.3, -1.0])
    least = float(required_beta(s, 0, 0.01))
    assert checks.check_temperature(least, s, 0.01).passed
    assert "increase beta" in checks.check_temperature(0.5 * least, s, 0.01).message
    assert "above the least beta" in checks.check_temperature(2 * least, s, 0.01).message
    assert "non-negative" in checks.check_temperature(-1.0, s, 0.01).message


def test_feedback_fits_the_page() -> None:
    long = checks.Feedback(True, "word " * 40 + "end.")
    lines = repr(long).splitlines()
    assert len(lines) > 1 and max(len(line) for line in lines) <= 79
    assert " ".join(lines) == "Correct. " + "word " * 40 + "end."
