"""Tests of relnb.preorder: the preorder laws, witnesses, utilities, and the continuous constructions."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from relnb.debreu import (
    dyadic_grid,
    lexicographic_order,
    measure_utility,
    parametric_measure_utility,
    rational_between,
    strictly_below,
    target_distance_utility,
    uniform_sum_utility,
    utility_relation,
)
from relnb.preorder import UTILITY_METHODS, Preorder, dyadic_utility, gap_repair, midpoint_embedding

SETTINGS = settings(max_examples=100, deadline=None)

# A complete preorder with ties: item i has level levels[i]; few levels, many ties.
levels_strategy = st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=40)


def relation_of(levels: list[int] | np.ndarray) -> np.ndarray:
    lev = np.asarray(levels)
    return lev[:, None] <= lev[None, :]


def brute_force_transitive(r: np.ndarray) -> bool:
    n = r.shape[0]
    return all(not (r[i, j] and r[j, k]) or r[i, k] for i in range(n) for j in range(n) for k in range(n))


TRANSITIVE = re.compile(r"not transitive: (\d+) ≼ (\d+) and (\d+) ≼ (\d+) but not (\d+) ≼ (\d+)")
COMPLETE = re.compile(r"not complete: neither (\d+) ≼ (\d+) nor (\d+) ≼ (\d+)")


def assert_transitivity_witness(r: np.ndarray, message: str) -> None:
    """The witness in the message is consistent and really violates transitivity in r."""
    match = TRANSITIVE.search(message)
    assert match, message
    i, j, j2, k, i2, k2 = (int(g) for g in match.groups())
    assert (j, i, k) == (j2, i2, k2)
    assert r[i, j] and r[j, k] and not r[i, k]


# ---------------------------------------------------------------------------
# construction and laws
# ---------------------------------------------------------------------------


@SETTINGS
@given(levels_strategy)
def test_complete_preorders_with_ties_are_accepted(levels: list[int]) -> None:
    p = Preorder.from_matrix(relation_of(levels))
    assert p.is_complete()
    assert p.n == len(p) == len(levels)
    lev = np.asarray(levels)
    for i, j in itertools.product(range(min(p.n, 8)), repeat=2):
        assert p.strict(i, j) == (lev[i] < lev[j])
        assert p.indifferent(i, j) == (lev[i] == lev[j])


@SETTINGS
@given(levels_strategy)
def test_every_utility_method_represents(levels: list[int]) -> None:
    p = Preorder.from_matrix(relation_of(levels))
    for method in UTILITY_METHODS:
        u = p.utility(method)
        assert p.represents(u), method
        assert p.misrepresented_pair(u) is None
    dyadic = p.utility("dyadic")
    assert all(isinstance(v, Fraction) and 0 <= v < 1 for v in dyadic)
    assert all((v.denominator & (v.denominator - 1)) == 0 for v in dyadic)  # powers of two
    assert all(0 < v < 1 for v in p.utility("midpoint"))
    # the rank utility is the dense rank of the level, the count utility the number strictly below
    lev = np.asarray(levels)
    assert p.utility("rank").tolist() == np.unique(lev, return_inverse=True)[1].tolist()
    assert p.utility("count").tolist() == [int((lev < v).sum()) for v in lev]


@SETTINGS
@given(levels_strategy, st.randoms(use_true_random=False))
def test_classes_and_maximal(levels: list[int], random) -> None:
    p = Preorder.from_matrix(relation_of(levels))
    lev = np.asarray(levels)
    classes = p.classes()
    assert [sorted(np.flatnonzero(lev == v).tolist()) for v in np.unique(lev)] == classes
    subset = random.sample(range(p.n), random.randint(1, p.n))
    top = max(lev[subset])
    assert p.maximal(subset) == sorted(i for i in subset if lev[i] == top)
    assert p.maximal() == sorted(np.flatnonzero(lev == lev.max()).tolist())


@SETTINGS
@given(
    st.lists(st.sampled_from([0.0, -1.5, 2.25, 1e-300, 7.0, Fraction(1, 3)]), min_size=1, max_size=30),
)
def test_from_utility_round_trips(u: list) -> None:
    p = Preorder.from_utility(u)
    assert p.represents(u)
    assert p.is_complete()
    expected = np.array([[a <= b for b in u] for a in u])
    assert (p.relation == expected).all()
    for method in UTILITY_METHODS:
        assert (Preorder.from_utility(p.utility(method)).relation == p.relation).all()
    assert (Preorder.from_matrix(p.relation).relation == p.relation).all()


@SETTINGS
@given(st.integers(min_value=2, max_value=9).flatmap(
    lambda n: st.lists(st.booleans(), min_size=n * n, max_size=n * n).map(lambda b: (n, b))
))
def test_random_relations_transitive_or_correct_witness(data: tuple[int, list[bool]]) -> None:
    n, bits = data
    r = np.array(bits).reshape(n, n)
    np.fill_diagonal(r, True)
    event("transitive" if brute_force_transitive(r) else "not transitive: witness checked")
    if brute_force_transitive(r):
        assert (Preorder.from_matrix(r).relation == r).all()
    else:
        with pytest.raises(ValueError, match="not transitive") as info:
            Preorder.from_matrix(r)
        assert_transitivity_witness(r, str(info.value))


@SETTINGS
@given(st.integers(min_value=2, max_value=12).flatmap(
    lambda n: st.lists(st.sampled_from(["<", ">", "~"]), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2).map(
        lambda c: (n, c)
    )
))
def test_complete_relations_fast_path_witness(data: tuple[int, list[str]]) -> None:
    """Complete relations (tournaments with ties) take the O(n²) path; its witness must be correct too."""
    n, choices = data
    r = np.eye(n, dtype=bool)
    for (i, j), c in zip(itertools.combinations(range(n), 2), choices, strict=True):
        r[i, j] = c in "<~"
        r[j, i] = c in ">~"
    event("transitive" if brute_force_transitive(r) else "not transitive: witness checked")
    if brute_force_transitive(r):
        p = Preorder.from_matrix(r)
        assert p.is_complete() and p.represents(p.utility("dyadic"))
    else:
        with pytest.raises(ValueError, match="not transitive") as info:
            Preorder.from_matrix(r)
        assert_transitivity_witness(r, str(info.value))


@SETTINGS
@given(levels_strategy.filter(lambda v: len(v) >= 2), st.data())
def test_one_flipped_entry(levels: list[int], data) -> None:
    r = relation_of(levels)
    n = r.shape[0]
    i = data.draw(st.integers(0, n - 1))
    j = (i + data.draw(st.integers(1, n - 1))) % n  # any other item
    r[i, j] = ~r[i, j]
    event("transitive" if brute_force_transitive(r) else "not transitive: witness checked")
    if brute_force_transitive(r):
        assert (Preorder.from_matrix(r).relation == r).all()
    else:
        with pytest.raises(ValueError, match="not transitive") as info:
            Preorder.from_matrix(r)
        assert_transitivity_witness(r, str(info.value))


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=25))
def test_incomplete_preorders_raise_with_incomparable_pair(points: list[tuple[int, int]]) -> None:
    """The componentwise (Pareto) order: transitive, usually incomplete."""
    x = np.array(points)
    r = (x[:, None, :] <= x[None, :, :]).all(axis=2)
    p = Preorder.from_matrix(r)
    dominated = [any((x[j] >= x[i]).all() and (x[j] > x[i]).any() for j in range(len(x))) for i in range(len(x))]
    pareto = [i for i in range(len(x)) if not dominated[i]]
    assert p.maximal() == pareto
    assert sorted(i for c in p.classes() for i in c) == list(range(len(x)))
    for earlier, later in itertools.combinations(p.classes(), 2):
        assert not p.strict(later[0], earlier[0])  # classes come in a linear extension
    event("complete" if p.is_complete() else "incomplete: witness checked")
    if p.is_complete():
        assert p.represents(p.utility())
        return
    for method in UTILITY_METHODS:
        with pytest.raises(ValueError, match="not complete") as info:
            p.utility(method)
        match = COMPLETE.search(str(info.value))
        assert match, str(info.value)
        i, j, j2, i2 = (int(g) for g in match.groups())
        assert (i, j) == (i2, j2)
        assert not r[i, j] and not r[j, i]
    assert not p.represents(np.zeros(len(x)))


def test_not_reflexive_witness() -> None:
    r = np.ones((4, 4), dtype=bool)
    r[2, 2] = False
    with pytest.raises(ValueError, match=r"not reflexive: not 2 ≼ 2"):
        Preorder.from_matrix(r)


def test_cycle_message_is_the_documented_one() -> None:
    r = np.eye(8, dtype=bool)
    r[2, 5] = r[5, 7] = True
    with pytest.raises(ValueError, match=r"R is not transitive: 2 ≼ 5 and 5 ≼ 7 but not 2 ≼ 7"):
        Preorder.from_matrix(r)


def test_items_appear_in_messages() -> None:
    rock_paper_scissors = {("rock", "paper"), ("paper", "scissors"), ("scissors", "rock")}
    with pytest.raises(ValueError, match=r"not transitive.*items .*'rock'"):
        Preorder.from_comparison(["rock", "paper", "scissors"], lambda a, b: a == b or (a, b) in rock_paper_scissors)


def test_from_comparison_matches_from_utility() -> None:
    words = ["pear", "fig", "banana", "kiwi", "apple", "date"]
    p = Preorder.from_comparison(words, lambda a, b: len(a) <= len(b))
    assert (p.relation == Preorder.from_utility([len(w) for w in words]).relation).all()
    assert p.items == tuple(words)
    assert p.classes() == [[1], [0, 3, 5], [4], [2]]


def test_relation_is_read_only() -> None:
    p = Preorder.from_utility([1.0, 2.0])
    with pytest.raises(ValueError):
        p.relation[0, 1] = True


def test_repr() -> None:
    assert repr(Preorder.from_utility([1, 1, 2])) == "Preorder(n=3, complete=True, classes=2)"


# ---------------------------------------------------------------------------
# exactness for large n
# ---------------------------------------------------------------------------


def test_large_n_with_ties_is_exact_where_float64_is_not() -> None:
    rng = np.random.default_rng(6)
    levels = rng.integers(0, 37, size=400)
    p = Preorder.from_matrix(relation_of(levels))
    u = p.utility("dyadic")
    assert p.represents(u)
    assert len({v.denominator for v in u}) > 1 and max(v.denominator for v in u) > 2**300
    # the same numbers rounded to float64 collide: the reason the module is exact
    assert not p.represents(np.array([float(v) for v in u]))
    for method in ("rank", "count", "midpoint"):
        assert p.represents(p.utility(method))
    assert [len(c) for c in p.classes()] == np.bincount(levels).tolist()


def test_chain_of_300_dyadic_values_and_float_failure() -> None:
    p = Preorder.from_utility(np.arange(300))
    u = p.utility("dyadic")
    assert all(u[i] == 1 - Fraction(1, 2**i) for i in range(300))
    assert p.represents(u)
    floats = np.array([float(v) for v in u])
    assert p.misrepresented_pair(floats) == (55, 54)  # 55 ≼ 54 is false, but both round to 1.0


def test_large_from_comparison_fast_path() -> None:
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 50, size=600)
    r = relation_of(scores)
    r[10, 20] = not r[10, 20]
    with pytest.raises(ValueError, match="not transitive") as info:
        Preorder.from_matrix(r)
    assert_transitivity_witness(r, str(info.value))


# ---------------------------------------------------------------------------
# dyadic utility, midpoint embedding and the open-gap repair
# ---------------------------------------------------------------------------


def test_dyadic_utility_formula() -> None:
    below = np.array([[True, False, True], [False, False, False]])
    assert dyadic_utility(below).tolist() == [Fraction(1, 2) + Fraction(1, 8), Fraction(0)]
    assert dyadic_utility(np.zeros((1, 0), dtype=bool)).tolist() == [Fraction(0)]
    wide = np.ones((1, 1000), dtype=bool)
    assert dyadic_utility(wide)[0] == 1 - Fraction(1, 2**1000)


@SETTINGS
@given(st.lists(st.integers(-20, 20), min_size=1, max_size=40))
def test_midpoint_embedding_is_strictly_increasing_dyadic(values: list[int]) -> None:
    phi = midpoint_embedding(values)
    assert Preorder.from_utility(values).represents(phi)
    assert all(0 < v < 1 and (v.denominator & (v.denominator - 1)) == 0 for v in phi)
    assert phi[0] == Fraction(1, 2)


@SETTINGS
@given(
    st.lists(st.integers(-30, 30), min_size=1, max_size=30, unique=True),
    st.lists(st.integers(-40, 40), min_size=1, max_size=30),
)
def test_gap_repair_is_monotone_and_exact_on_dense(dense: list[int], values: list[int]) -> None:
    g = gap_repair(dense, values)
    phi = midpoint_embedding(dense)
    assert gap_repair(dense, dense).tolist() == phi.tolist()  # g = φ on D
    for a, b in itertools.combinations(range(len(values)), 2):  # weakly increasing everywhere
        if values[a] <= values[b]:
            assert g[a] <= g[b]
    # strictly increasing on D ∪ values when D contains all of S (here S = D ∪ values)
    s = sorted(set(dense) | set(values))
    g_all = gap_repair(list(dense) + [v for v in s if v not in dense], s)
    assert all(x < y for x, y in itertools.pairwise(g_all))


def _rationals(low: int, high: int, max_denominator: int) -> list[Fraction]:
    """Rationals of [low, high] by increasing denominator (each once)."""
    seen: dict[Fraction, None] = {}
    for q in range(1, max_denominator + 1):
        for p in range(low * q, high * q + 1):
            seen.setdefault(Fraction(p, q))
    return list(seen)


def test_gap_repair_keeps_open_gaps_and_closes_half_open_ones() -> None:
    both = [r for r in _rationals(0, 3, 30) if not 1 < r < 2]  # S = [0,1] ∪ [2,3]: gap (1,2) open
    half = [r for r in both if r != 2]  # S = [0,1] ∪ (2,3]: gap (1,2] half-open
    gaps = []
    for dense in (both, half):
        g = gap_repair(dense, dense)
        above = min(v for d, v in zip(dense, g, strict=True) if d > 1)
        below = max(v for d, v in zip(dense, g, strict=True) if d <= 1)
        gaps.append(above - below)
    open_gap, closing_gap = gaps
    assert open_gap == gap_repair(both[:6], [Fraction(2)])[0] - gap_repair(both[:6], [Fraction(1)])[0]
    assert closing_gap < Fraction(1, 2**20) < open_gap


@SETTINGS
@given(st.fractions(min_value=-3, max_value=3, max_denominator=50), st.fractions(min_value=0, max_value=2,
                                                                                  max_denominator=50).filter(bool))
def test_rational_between_has_the_smallest_denominator(low: Fraction, width: Fraction) -> None:
    high = low + width
    q = rational_between(low, high)
    assert low < q < high
    for d in range(1, q.denominator):  # no rational with a smaller denominator fits
        assert not any(low < Fraction(p, d) < high for p in range(int(low * d) - 1, int(high * d) + 2))


def test_rational_between_accepts_floats_exactly() -> None:
    assert rational_between(0.3, 0.35) == Fraction(1, 3)
    assert rational_between(0.0, 2.0**-60) == Fraction(1, 2**60 + 1)


def test_dyadic_grid_levels_are_prefixes() -> None:
    grid = dyadic_grid(4)
    assert grid.shape == (17**2, 2)
    assert len({tuple(p) for p in grid}) == len(grid)
    for level in range(4):
        prefix = grid[: (2**level + 1) ** 2]
        assert {tuple(p) for p in prefix} == {tuple(p) for p in dyadic_grid(level)}
        assert (np.round(prefix * 2**level) == prefix * 2**level).all()  # exactly level-l dyadics
    assert dyadic_grid(2, dim=1).ravel().tolist() == [0.0, 1.0, 0.5, 0.25, 0.75]


# ---------------------------------------------------------------------------
# relations on points and the measure-based utility
# ---------------------------------------------------------------------------


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=20))
def test_lexicographic_order_is_tuple_order(points: list[tuple[int, int, int]]) -> None:
    x = np.array(points, dtype=float)
    r = lexicographic_order(x)
    assert r.tolist() == [[a <= b for b in points] for a in points]  # Python compares tuples lexicographically
    p = Preorder.from_matrix(r)
    assert p.is_complete()
    assert p.classes() == sorted(p.classes(), key=lambda c: points[c[0]])


def test_lexicographic_discontinuity() -> None:
    x = np.array([[0.5, 0.5]])
    sequence = np.array([[0.5 + 1.0 / k, 0.0] for k in range(1, 200)])
    assert lexicographic_order(x, sequence).all()  # x ≼ y_k for every k
    assert not lexicographic_order(x, [[0.5, 0.0]])[0, 0]  # but not x ≼ lim y_k


def test_utility_relation_and_strictly_below() -> None:
    rng = np.random.default_rng(0)
    pts = rng.integers(0, 4, size=(30, 2)).astype(float)
    leq = utility_relation(lambda p: p.sum(axis=1))
    p = Preorder.from_matrix(leq(pts))
    assert (p.relation == Preorder.from_utility(pts.sum(axis=1)).relation).all()
    assert (strictly_below(leq, pts, pts) == p.strict_matrix().T).all()


@SETTINGS
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=12),
    st.lists(st.integers(0, 5), min_size=1, max_size=12),
    st.data(),
)
def test_measure_utility_exact_for_discrete_measures(ys: list[int], zs: list[int], data) -> None:
    w = np.array(data.draw(st.lists(st.integers(0, 9), min_size=len(zs), max_size=len(zs))), dtype=float)
    leq = utility_relation(lambda p: p[:, 0])
    u = measure_utility(np.array(ys, float), leq, np.array(zs, float), w, chunk=7)
    expected = [sum(wk for zk, wk in zip(zs, w, strict=True) if zk < y) for y in ys]
    assert u.tolist() == expected
    for a, b in itertools.product(range(len(ys)), repeat=2):  # weakly monotone
        if ys[a] <= ys[b]:
            assert u[a] <= u[b]


def test_measure_utility_monte_carlo_matches_exact() -> None:
    rng = np.random.default_rng(3)
    y = rng.random((40, 2))
    z = rng.random((100_000, 2))
    leq = utility_relation(lambda p: p.sum(axis=1))
    estimate = measure_utility(y, leq, z)
    exact = uniform_sum_utility(y)
    se = np.sqrt(exact * (1 - exact) / len(z)) + 1e-12
    # 5 standard errors: a false alarm has probability about 40 * 6e-7 (and the seed is fixed)
    assert (np.abs(estimate - exact) <= 5 * se).all()


def test_measure_utility_of_lexicographic_order_is_first_coordinate() -> None:
    grid = (np.arange(20) + 0.5) / 20
    z = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2)
    y = np.array([[0.3, 0.0], [0.3, 1.0], [0.8, 0.5]])
    counts = measure_utility(y, lexicographic_order, z, weights=np.ones(len(z)))  # integer counts: exact
    assert counts.tolist() == [120.0, 120.0, 320.0]  # 6/20 and 16/20 of the 400 atoms: u = y_1 on the grid


def test_uniform_sum_utility_closed_form() -> None:
    assert uniform_sum_utility([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0], [0.25, 0.0]]).tolist() == [0.0, 0.5, 1.0, 0.03125]
    assert uniform_sum_utility([[0.5, 0.5], [0.25, 0.25]], side=0.5).tolist() == [1.0, 0.5]


# ---------------------------------------------------------------------------
# the parametric measure utility
# ---------------------------------------------------------------------------


def _near(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Score of "nearer to the query is better"."""
    return -np.abs(y[..., 0] - x[..., 0])


def _exact_far_length(t: Fraction, d: Fraction, a: Fraction, b: Fraction) -> Fraction:
    """Length of {z in [a, b] : |z - t| > d}, as (b - a) minus [t - d, t + d] ∩ [a, b]."""
    inside = max(Fraction(0), min(b, t + d) - max(a, t - d))
    return (b - a) - inside


@SETTINGS
@given(
    st.lists(st.integers(-128, 192), min_size=1, max_size=6),
    st.lists(st.integers(-128, 192), min_size=1, max_size=6),
    st.integers(-16, 16),
    st.integers(1, 32),
)
def test_target_distance_utility_is_exact(targets, keys, a, width) -> None:
    # dyadic inputs (k/64, k/16): every operation before the last division is exact in float64
    targets, keys = [Fraction(t, 64) for t in targets], [Fraction(y, 64) for y in keys]
    a = Fraction(a, 16)
    b = a + Fraction(width, 16)
    u = target_distance_utility([float(t) for t in targets], [float(y) for y in keys],
                                support=(float(a), float(b)))
    for i, t in enumerate(targets):
        for j, y in enumerate(keys):
            exact = _exact_far_length(t, abs(y - t), a, b) / (b - a)
            assert u[i, j] == float(exact)  # one correctly rounded division: the float of the exact value


@SETTINGS
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_target_distance_utility_is_lipschitz(t1, t2, y1, y2) -> None:
    u = target_distance_utility([t1, t2], [y1, y2])
    # the docstring's constant 2/(b - a) in each argument, plus rounding
    assert abs(u[0, 0] - u[1, 0]) <= 2 * abs(t1 - t2) + 1e-12
    assert abs(u[0, 0] - u[0, 1]) <= 2 * abs(y1 - y2) + 1e-12


@pytest.mark.parametrize("nodes", [16, 100, 1024])
def test_parametric_measure_utility_within_its_bound(nodes: int) -> None:
    targets = np.linspace(-0.2, 1.2, 29)
    keys = np.linspace(-0.1, 1.1, 37)
    res = parametric_measure_utility(_near, targets, keys, nodes=nodes)
    exact = target_distance_utility(targets, keys)
    assert res.error_bound == 2 / nodes
    error = np.abs(res.values - exact).max()
    assert error <= res.error_bound + 1e-15
    assert error >= 0.25 / nodes  # the bound is of the right order, not vacuous


def test_counting_lemma_is_sharp_and_the_run_check_bites() -> None:
    # A = [z_0 - e, z_1 + e] ∪ [z_4 - e, z_5 + e]: two intervals of length h + 2e with two midpoints each,
    # so the count overestimates by 2 (h - 2e): close to the bound J h = 2h
    n, e = 10, 1e-4
    z = (np.arange(n) + 0.5) / n

    def bumps(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        y = y[..., 0] + 0 * x[..., 0]
        inside = ((y >= z[0] - e) & (y <= z[1] + e)) | ((y >= z[4] - e) & (y <= z[5] + e))
        return np.where(inside, -1.0, 1.0)  # strictly below the key y = 0.9: exactly A

    res = parametric_measure_utility(bumps, [0.0], [0.95], nodes=n)
    true = 2 * (1 / n + 2 * e)
    assert res.values[0, 0] == 4 / n
    assert abs(res.values[0, 0] - true) > 0.99 * res.error_bound - 1e-12
    with pytest.raises(ValueError, match="2 runs, so it is no union of intervals=1 intervals"):
        parametric_measure_utility(bumps, [0.0], [0.95], nodes=n, intervals=1)


@pytest.mark.parametrize("k", [1, 3, 6])
def test_parametric_measure_utility_of_a_wave(k: int) -> None:
    # s(y) = cos(2 pi k y) on [0, 1]: {z : cos(2 pi k z) < c} has measure 1 - arccos(c)/pi and is a
    # union of at most k + 1 intervals
    def wave(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.cos(2 * np.pi * k * y[..., 0]) + 0 * x[..., 0]

    keys = np.linspace(0.013, 0.49, 23) / k
    res = parametric_measure_utility(wave, [0.0], keys, nodes=2000, intervals=k + 1)
    exact = 1 - np.arccos(np.cos(2 * np.pi * k * keys)) / np.pi
    assert np.abs(res.values[0] - exact).max() <= res.error_bound
    if k > 1:
        with pytest.raises(ValueError, match="runs"):
            parametric_measure_utility(wave, [0.0], keys, nodes=2000, intervals=1)


def test_parametric_measure_utility_depends_only_on_the_order() -> None:
    x, y = np.linspace(0, 1, 13), np.linspace(0, 1, 17)

    def squared(q: np.ndarray, k: np.ndarray) -> np.ndarray:
        return -((k[..., 0] - q[..., 0] ** 2) ** 2)

    def gauss(q: np.ndarray, k: np.ndarray) -> np.ndarray:  # a strictly increasing function of squared
        return np.exp(squared(q, k) / 0.02)

    a = parametric_measure_utility(squared, x, y, nodes=512).values
    b = parametric_measure_utility(gauss, x, y, nodes=512).values
    c = parametric_measure_utility(lambda q, k: -gauss(q, k), x, y, nodes=512).values
    assert (a == b).all()  # identical counts
    assert not (a == c).all()  # the reversed order gives another utility


def test_parametric_measure_utility_with_atoms() -> None:
    x, y = np.array([0.0, 0.5]), np.linspace(0, 1, 11)
    res = parametric_measure_utility(_near, x, y, nodes=256, atoms=[0.5, 0.2], atom_weights=[0.25, 0.25])
    lebesgue = target_distance_utility(x, y)
    atoms = np.array([[0.5, 0.2]])
    atom_part = 0.25 * (np.abs(atoms - x[:, None])[:, None, :] > np.abs(y[None, :, None] - x[:, None, None])).sum(-1)
    assert np.abs(res.values - (0.5 * lebesgue + atom_part)).max() <= res.error_bound + 1e-15
    assert res.error_bound == 0.5 * 2 / 256
    assert "error_bound=0.00391" in repr(res)


def test_parametric_measure_utility_validation() -> None:
    with pytest.raises(ValueError, match="score must be callable"):
        parametric_measure_utility(None, [0.0], [0.0])
    with pytest.raises(ValueError, match="keys must have 1 column"):
        parametric_measure_utility(_near, [0.0], [[0.0, 1.0]])
    with pytest.raises(ValueError, match="support must satisfy low < high"):
        parametric_measure_utility(_near, [0.0], [0.0], support=(1.0, 1.0))
    with pytest.raises(ValueError, match="support must be a pair"):
        parametric_measure_utility(_near, [0.0], [0.0], support=(0.0,))
    with pytest.raises(ValueError, match="nodes must be >= 1"):
        parametric_measure_utility(_near, [0.0], [0.0], nodes=0)
    with pytest.raises(ValueError, match="intervals must be >= 1"):
        parametric_measure_utility(_near, [0.0], [0.0], intervals=0)
    with pytest.raises(ValueError, match="given together"):
        parametric_measure_utility(_near, [0.0], [0.0], atoms=[0.5])
    with pytest.raises(ValueError, match="one entry per atom"):
        parametric_measure_utility(_near, [0.0], [0.0], atoms=[0.5], atom_weights=[0.1, 0.1])
    with pytest.raises(ValueError, match="non-negative"):
        parametric_measure_utility(_near, [0.0], [0.0], atoms=[0.5], atom_weights=[-0.1])
    with pytest.raises(ValueError, match="sum to at most 1"):
        parametric_measure_utility(_near, [0.0], [0.0], atoms=[0.5, 0.6], atom_weights=[0.6, 0.6])
    with pytest.raises(ValueError, match=r"one value per point, shape \(8,\)"):
        parametric_measure_utility(lambda x, y: np.zeros(3), [0.0], [0.0], nodes=8)
    with pytest.raises(ValueError, match="finite"):
        parametric_measure_utility(lambda x, y: np.inf * y[..., 0], [0.0], [1.0], nodes=8)
    with pytest.raises(ValueError, match="targets must be 1-dimensional"):
        target_distance_utility([[0.0, 1.0]], [0.0])


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 1]], "square"),
        ([[1, 0.5], [0, 1]], r"boolean .* R\[0, 1\] = 0.5"),
        ([[1, np.nan], [0, 1]], "finite"),
        (np.zeros((0, 0), dtype=bool), "non-empty"),
        ("ab", "numeric"),
    ],
)
def test_from_matrix_validation(matrix, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Preorder.from_matrix(matrix)


@pytest.mark.parametrize(
    ("u", "message"),
    [
        ([1.0, np.nan], "finite"),
        ([[1.0, 2.0]], "1-D"),
        ([], "non-empty"),
        (["a", "b"], "real numbers"),
        ([True, False], "real numbers"),
        ([1.0, float("inf")], "finite"),
        (np.array([1.0, np.inf]), "finite"),
        ("12", "string"),
    ],
)
def test_from_utility_validation(u, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Preorder.from_utility(u)


def test_from_comparison_validation() -> None:
    with pytest.raises(ValueError, match=r"True or False; got 0\.5 for items 0, 0"):
        Preorder.from_comparison([1, 2], lambda a, b: 0.5)
    with pytest.raises(ValueError, match="callable"):
        Preorder.from_comparison([1, 2], "<=")
    with pytest.raises(ValueError, match="at least one item"):
        Preorder.from_comparison([], lambda a, b: True)
    with pytest.raises(ValueError, match="sequence"):
        Preorder.from_comparison("abc", lambda a, b: True)


def test_method_and_index_validation() -> None:
    p = Preorder.from_utility([1.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="method must be one of"):
        p.utility("softmax")
    with pytest.raises(ValueError, match="one value per item"):
        p.represents([1.0, 2.0])
    with pytest.raises(ValueError, match="i must be <= 2; got 3"):
        p.strict(3, 0)
    with pytest.raises(ValueError, match="j must be an integer"):
        p.indifferent(0, 1.5)
    with pytest.raises(ValueError, match="at least one item"):
        p.maximal([])
    with pytest.raises(ValueError, match=r"subset\[1\] must be >= 0; got -1"):
        p.maximal([0, -1])
    with pytest.raises(ValueError, match="one entry per row"):
        Preorder(np.eye(2, dtype=bool), items=("a",))


def test_continuous_part_validation() -> None:
    leq = utility_relation(lambda p: p.sum(axis=1))
    with pytest.raises(ValueError, match="boolean"):
        dyadic_utility([[0.5]])
    with pytest.raises(ValueError, match="2-dimensional"):
        dyadic_utility(np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="same dimension"):
        lexicographic_order([[0.0, 1.0]], [[0.0]])
    with pytest.raises(ValueError, match="non-negative"):
        measure_utility([[0.0, 0.0]], leq, [[0.0, 0.0]], weights=[-1.0])
    with pytest.raises(ValueError, match="one entry per atom"):
        measure_utility([[0.0, 0.0]], leq, [[0.0, 0.0]], weights=[1.0, 1.0])
    with pytest.raises(ValueError, match="relation must be callable"):
        measure_utility([[0.0, 0.0]], None, [[0.0, 0.0]])
    with pytest.raises(ValueError, match="shape"):
        measure_utility([[0.0, 0.0]], lambda a, b: np.ones((1, 1), dtype=bool), [[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="boolean matrix"):
        strictly_below(lambda a, b: np.ones((len(a), len(b))), [[0.0]], [[1.0]])
    with pytest.raises(ValueError, match="one value per point"):
        utility_relation(lambda p: np.zeros(1))([[0.0], [1.0]])
    with pytest.raises(ValueError, match="f must be callable"):
        utility_relation(3)
    with pytest.raises(ValueError, match="2 column"):
        uniform_sum_utility([[0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="side must be > 0"):
        uniform_sum_utility([[0.0, 0.0]], side=0.0)
    with pytest.raises(ValueError, match="finite"):
        midpoint_embedding([0.0, np.nan])
    with pytest.raises(ValueError, match="non-empty"):
        gap_repair([], [1.0])
    with pytest.raises(ValueError, match="low must be < high"):
        rational_between(0.5, 0.5)
    with pytest.raises(ValueError, match="finite"):
        rational_between(0.0, float("inf"))
    with pytest.raises(ValueError, match="level must be <= 20"):
        dyadic_grid(21)
    with pytest.raises(ValueError, match="dim must be >= 1"):
        dyadic_grid(2, dim=0)
