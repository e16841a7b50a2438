"""Tests of relnb.attention: softmax attention, the exact selection bound, retrieval tasks, the learned model."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from relnb.attention import (
    AttentionResult,
    attention_scores,
    min_beta,
    required_beta,
    selection_error,
    selection_error_bound,
    softmax_attention,
    softmax_weights,
    worst_case_scores,
)
from relnb.certify import ACTIVATION_DERIVATIVE_BOUNDS, certify_sup_error, grid_sup_bound, mlp_derivative_bounds
from relnb.inner_product import MLP, QueryKeyAttention
from relnb.relations import neg_squared_distance
from relnb.retrieval import (
    RetrievalBatch,
    RetrievalReport,
    RetrievalTask,
    instance_scores,
    lift_key,
    lift_query,
    moving_bump_task,
    moving_target,
    moving_target_task,
    nearest_key_task,
    retrieval_report,
    switching_target_task,
)
from relnb.training import fit_relation

PROPERTY = settings(max_examples=100, deadline=None)


def exact_selection_error(scores: np.ndarray, selected: int, beta: float) -> float:
    """1 - alpha_selected in 60-digit arithmetic: an independent reference."""
    with mpmath.workdps(60):
        e = [mpmath.exp(mpmath.mpf(beta) * mpmath.mpf(float(s))) for s in scores]
        return float(1 - e[selected] / mpmath.fsum(e))


# ---------------------------------------------------------------------------------------------------------
# softmax weights and attention
# ---------------------------------------------------------------------------------------------------------


def test_softmax_weights_match_torch_and_sum_to_one() -> None:
    rng = np.random.default_rng(0)
    s = rng.normal(size=(6, 5))
    w = softmax_weights(s, beta=2.5)
    assert np.allclose(w.sum(axis=1), 1.0, atol=1e-15)
    reference = torch.softmax(2.5 * torch.as_tensor(s), dim=-1).numpy()
    assert np.allclose(w, reference, rtol=1e-13, atol=0)


def test_softmax_weights_shift_invariant_and_uniform_at_beta_zero() -> None:
    s = np.array([0.3, -1.0, 2.0])
    assert np.allclose(softmax_weights(s + 1e3, beta=1.0), softmax_weights(s, beta=1.0), rtol=1e-12)
    assert np.array_equal(softmax_weights(s, beta=0.0), np.full(3, 1 / 3))


def test_softmax_stable_at_large_beta() -> None:
    s = np.array([[1.0, 0.999, -5.0], [2.0, 3.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / invalid-value warnings either
        w = softmax_weights(s, beta=1e4)
    assert np.isfinite(w).all()
    # beta * (1 - 0.999) = 10 up to the rounding of 0.999 (relative 1e-13 after scaling)
    assert w[0, 1] == pytest.approx(math.exp(-10.0) / (1 + math.exp(-10.0)), rel=1e-9)
    assert np.allclose(w[1], [0.0, 0.5, 0.5])


def test_softmax_overflow_is_an_error_not_nan() -> None:
    with pytest.raises(ValueError, match="beta \\* scores must be finite"):
        softmax_weights([1e305, 0.0], beta=1e4)


@pytest.mark.parametrize(
    ("scores", "beta", "message"),
    [
        ([1.0, float("nan")], 1.0, "scores must be finite"),
        (np.zeros((2, 0)), 1.0, "n >= 1"),
        (3.0, 1.0, "shape"),
        ([1.0, 2.0], -1.0, "beta must be >= 0"),
        ([1.0, 2.0], float("inf"), "beta must be finite"),
        (["a", "b"], 1.0, "scores must be numeric"),
    ],
)
def test_softmax_weights_rejects_bad_input(scores: object, beta: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        softmax_weights(scores, beta=beta)


def test_attention_shapes_shared_keys() -> None:
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(4, 3)), rng.normal(size=(6, 3))
    scalar = softmax_attention(q, k, rng.normal(size=6), beta=2.0)
    vector = softmax_attention(q, k, rng.normal(size=(6, 2)), beta=2.0)
    assert isinstance(scalar, AttentionResult)
    assert scalar.weights.shape == (4, 6) and scalar.retrieved.shape == (4,)
    assert vector.weights.shape == (4, 6) and vector.retrieved.shape == (4, 2)
    assert np.allclose(scalar.weights, softmax_weights(q @ k.T, beta=2.0))


def test_attention_shapes_per_query_keys_match_a_loop() -> None:
    rng = np.random.default_rng(2)
    q, k, v = rng.normal(size=(3, 2)), rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 4))
    weights, retrieved = softmax_attention(q, k, v, beta=1.5)
    assert weights.shape == (3, 5) and retrieved.shape == (3, 4)
    for r in range(3):
        single = softmax_attention(q[r : r + 1], k[r], v[r], beta=1.5)
        assert np.allclose(single.weights[0], weights[r]) and np.allclose(single.retrieved[0], retrieved[r])
    assert softmax_attention(q, k, v[..., 0], beta=1.5).retrieved.shape == (3,)


def test_attention_with_lifted_features_is_nearest_key_attention() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-1, 1, size=(5, 2)), rng.uniform(-1, 1, size=(7, 2))
    assert np.allclose(lift_query(x) @ lift_key(y).T, neg_squared_distance(x, y), atol=1e-14)
    result = softmax_attention(x, y, np.arange(7.0), beta=3.0, phi_q=lift_query, phi_k=lift_key)
    assert np.allclose(result.weights, softmax_weights(neg_squared_distance(x, y), beta=3.0), atol=1e-14)
    nearest = np.argmin(((x[:, None] - y[None]) ** 2).sum(-1), axis=1)
    hard = softmax_attention(x, y, np.arange(7.0), beta=1e4, phi_q=lift_query, phi_k=lift_key)
    assert np.array_equal(np.argmax(hard.weights, axis=1), nearest)


def test_attention_accepts_mlp_feature_maps() -> None:
    phi_q, phi_k = MLP(1, 3, width=8, seed=0), MLP(2, 3, width=8, seed=1)
    x, y = np.linspace(0, 1, 4)[:, None], np.random.default_rng(0).normal(size=(5, 2))
    result = softmax_attention(x, y, np.ones(5), phi_q=phi_q, phi_k=phi_k)
    assert np.allclose(result.weights, softmax_weights(phi_q.features(x) @ phi_k.features(y).T))
    assert np.allclose(result.retrieved, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": np.ones(4)}, "values must have shape \\(n,\\) or \\(n, d_v\\)"),
        ({"values": np.ones((3, 1, 1))}, "values must have shape"),
        ({"keys": np.ones((3, 2))}, "same dimension d"),
        ({"keys": np.ones((2, 3, 1))}, "one key set per query"),
        ({"phi_q": lambda x: x[:1]}, "phi_q must map points of shape"),
        ({"phi_k": 3}, "phi_k must be None, a callable"),
        ({"beta": -0.5}, "beta must be >= 0"),
        ({"queries": [[np.nan]]}, "queries must be finite"),
    ],
)
def test_attention_rejects_bad_input(kwargs: dict, message: str) -> None:
    args = {"queries": np.zeros((2, 1)), "keys": np.ones((3, 1)), "values": np.ones(3)} | kwargs
    queries, keys, values = args.pop("queries"), args.pop("keys"), args.pop("values")
    with pytest.raises(ValueError, match=message):
        softmax_attention(queries, keys, values, **args)


# ---------------------------------------------------------------------------------------------------------
# the selection bound
# ---------------------------------------------------------------------------------------------------------


def test_selection_error_matches_high_precision_reference() -> None:
    scores = np.array([0.0, -0.3, -2.0, -0.31])
    for beta in [0.0, 1.0, 50.0, 200.0]:  # at beta = 200 the error is ~1e-26: 1 - weight would round to 0
        assert selection_error(scores, 0, beta=beta) == pytest.approx(exact_selection_error(scores, 0, beta), rel=1e-12)
    assert selection_error(scores, 2, beta=200.0) == pytest.approx(1.0, rel=1e-15)


def test_selection_error_rows() -> None:
    scores = np.array([[0.0, -1.0], [-1.0, 0.0]])
    out = selection_error(scores, np.array([0, 0]), beta=1.0)
    assert out.shape == (2,)
    assert out[0] == pytest.approx(1 / (1 + math.e)) and out[1] == pytest.approx(math.e / (1 + math.e))


@PROPERTY
@given(
    n=st.integers(2, 30),
    gap=st.floats(1e-3, 10.0),
    beta=st.floats(0.0, 300.0),
    extra=st.lists(st.floats(0.0, 5.0), min_size=29, max_size=29),
    position=st.integers(0, 29),
)
def test_selection_bound_never_violated(n: int, gap: float, beta: float, extra: list[float], position: int) -> None:
    # any scores in which the selected key wins by at least `gap`: others sit gap + extra >= gap below
    scores = np.concatenate([[0.0], -gap - np.asarray(extra[: n - 1])])
    i = position % n
    scores[[0, i]] = scores[[i, 0]]
    error = selection_error(scores, i, beta=beta)
    bound = selection_error_bound(n, gap, beta)
    # both are computed to ~1e-15 relative accuracy; 1e-12 leaves room for the rounding of beta * scores
    assert error <= bound * (1 + 1e-12) + 1e-300


@PROPERTY
@given(n=st.integers(2, 1000), gap=st.floats(1e-3, 10.0), beta=st.floats(0.0, 300.0), top=st.floats(-5.0, 5.0))
def test_selection_bound_attained_at_worst_case(n: int, gap: float, beta: float, top: float) -> None:
    error = selection_error(worst_case_scores(n, gap, top=top), 0, beta=beta)
    # equal up to the rounding of top - gap (relative 1e-16) amplified by beta * |top| <= 1500: 1e-11 is safe
    assert error == pytest.approx(selection_error_bound(n, gap, beta), rel=1e-11, abs=1e-300)


def test_selection_bound_closed_form_and_high_precision() -> None:
    n, gap, beta = 10, 0.2, 150.0
    t = (n - 1) * math.exp(-beta * gap)
    assert selection_error_bound(n, gap, beta) == pytest.approx(t / (1 + t), rel=1e-14)
    assert selection_error_bound(n, gap, beta) == pytest.approx(
        exact_selection_error(worst_case_scores(n, gap), 0, beta), rel=1e-12
    )
    assert selection_error_bound(2, 1.0, 0.0) == 0.5


def test_selection_bound_broadcasts() -> None:
    out = selection_error_bound(5, np.array([0.1, 1.0]), np.array([[1.0], [10.0]]))
    assert out.shape == (2, 2)
    assert out[1, 1] < out[0, 1] and out[1, 1] < out[1, 0]  # decreasing in beta and in the gap


@PROPERTY
@given(n=st.integers(2, 10_000), gap=st.floats(1e-3, 10.0), eps=st.floats(1e-12, 0.99))
def test_min_beta_is_the_minimum(n: int, gap: float, eps: float) -> None:
    beta = min_beta(n, gap, eps)
    if beta == 0.0:  # already uniform weights are good enough: (n - 1) / n <= eps
        assert (n - 1) / n <= eps * (1 + 1e-12)
        return
    assert selection_error_bound(n, gap, beta) == pytest.approx(eps, rel=1e-9)
    # just below the minimum the worst case fails: its error is the bound, which exceeds eps
    below = beta * (1 - 1e-6)
    assert selection_error(worst_case_scores(n, gap), 0, beta=below) > eps


def test_min_beta_formula() -> None:
    assert min_beta(8, 0.5, 0.01) == pytest.approx(math.log(7 * 0.99 / 0.01) / 0.5, rel=1e-14)
    assert min_beta(3, 0.5, 0.9) == 0.0
    assert np.allclose(min_beta(8, np.array([0.5, 1.0]), 0.01), [min_beta(8, 0.5, 0.01), min_beta(8, 1.0, 0.01)])


@PROPERTY
@given(
    n=st.integers(2, 20),
    margins=st.lists(st.floats(1e-2, 5.0), min_size=19, max_size=19),
    eps=st.floats(1e-8, 0.9),
)
def test_required_beta_bracket_and_root(n: int, margins: list[float], eps: float) -> None:
    scores = np.concatenate([[1.0], 1.0 - np.asarray(margins[: n - 1])])
    beta = required_beta(scores, 0, eps)
    delta = float(np.min(margins[: n - 1]))
    assert max(0.0, math.log((1 - eps) / eps) / delta) * (1 - 1e-9) <= beta <= min_beta(n, delta, eps) * (1 + 1e-9)
    if beta > 0:
        assert selection_error(scores, 0, beta=beta) == pytest.approx(eps, rel=1e-9)
    else:
        assert selection_error(scores, 0, beta=0.0) <= eps


def test_required_beta_worst_case_is_min_beta_and_rows() -> None:
    assert required_beta(worst_case_scores(6, 0.3), 0, 0.01) == pytest.approx(min_beta(6, 0.3, 0.01), rel=1e-12)
    rows = np.stack([worst_case_scores(4, 1.0), worst_case_scores(4, 2.0)])
    assert np.allclose(required_beta(rows, np.array([0, 0]), 0.1), [min_beta(4, 1.0, 0.1), min_beta(4, 2.0, 0.1)])


def test_required_beta_rejects_a_selection_that_does_not_win() -> None:
    with pytest.raises(ValueError, match="key 1 scores 2 >= 1 of selected key 0"):
        required_beta([1.0, 2.0, 0.0], 0, 0.1)
    with pytest.raises(ValueError, match="strictly beat"):
        required_beta([1.0, 1.0], 0, 0.1)  # a tie: no beta gets past 1/2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: selection_error_bound(1, 1.0, 1.0), "n must be >= 2"),
        (lambda: selection_error_bound(2.5, 1.0, 1.0), "n must be an integer"),
        (lambda: selection_error_bound(3, 0.0, 1.0), "gap must be > 0; got 0.0"),
        (lambda: selection_error_bound(3, [1.0, -1.0], 1.0), "gap must be > 0; got -1.0 at index \\(1,\\)"),
        (lambda: selection_error_bound(3, float("nan"), 1.0), "gap must be finite"),
        (lambda: selection_error_bound(3, 1.0, -2.0), "beta must be >= 0"),
        (lambda: min_beta(3, 1.0, 0.0), "eps must satisfy 0 < eps < 1; got 0.0"),
        (lambda: min_beta(3, 1.0, 1.0), "eps must satisfy 0 < eps < 1; got 1.0"),
        (lambda: min_beta(3, -1.0, 0.1), "gap must be > 0"),
        (lambda: min_beta(1, 1.0, 0.1), "n must be >= 2"),
        (lambda: min_beta(3, 1.0, True), "eps must be a real number"),
        (lambda: worst_case_scores(3, 0.0), "gap must be > 0"),
        (lambda: selection_error([1.0], 0), "at least 2 keys"),
        (lambda: selection_error([1.0, 0.0], 2), "selected must be in \\[0, 2\\)"),
        (lambda: selection_error([1.0, 0.0], 0.5), "selected must be integer"),
        (lambda: selection_error([[1.0, 0.0]] * 2, [0]), "one index per row"),
        (lambda: required_beta([1.0, 0.0], 0, 1.5), "eps must satisfy"),
    ],
)
def test_bound_functions_reject_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------------------------------------------
# retrieval tasks
# ---------------------------------------------------------------------------------------------------------


def test_nearest_key_task_is_neg_squared_distance() -> None:
    rng = np.random.default_rng(4)
    task = nearest_key_task(dim=2)
    x, y = rng.uniform(-1, 1, (4, 2)), rng.uniform(-1, 1, (6, 2))
    assert np.allclose(task.relation(x, y), neg_squared_distance(x, y), atol=1e-15)
    assert np.allclose(task.relation(x), neg_squared_distance(x), atol=1e-15)


@pytest.mark.parametrize(
    "task", [nearest_key_task(), moving_target_task(), switching_target_task()], ids=lambda task: task.name
)
def test_sample_respects_the_gap_and_the_argmax(task: RetrievalTask) -> None:
    batch = task.sample(50, 6, gap=0.05, max_gap=0.3, rng=np.random.default_rng(5))
    assert isinstance(batch, RetrievalBatch) and len(batch) == 50 and batch.n_keys == 6
    assert batch.keys.shape == (50, 6, 1) and batch.queries.shape == (50, 1)
    assert np.allclose(batch.utilities, task.utilities(batch.queries, batch.keys))
    assert np.array_equal(batch.selected, np.argmax(batch.utilities, axis=1))
    top = np.sort(batch.utilities, axis=1)
    assert np.allclose(batch.gaps, top[:, -1] - top[:, -2])
    assert ((batch.gaps >= 0.05) & (batch.gaps <= 0.3)).all()
    lo, hi = task.key_box
    assert ((batch.keys >= lo) & (batch.keys <= hi)).all()
    for r in range(3):
        assert np.allclose(batch.utilities[r], task.relation(batch.queries[r : r + 1], batch.keys[r])[0])


def test_sample_is_reproducible() -> None:
    task = moving_target_task()
    a = task.sample(20, 4, gap=0.1, rng=np.random.default_rng(9))
    b = task.sample(20, 4, gap=0.1, rng=np.random.default_rng(9))
    assert np.array_equal(a.keys, b.keys) and np.array_equal(a.queries, b.queries)


def test_grid_is_a_product_rule() -> None:
    xq, wq, xk, wk = nearest_key_task(dim=2).grid(4, 3)
    assert xq.shape == (16, 2) and xk.shape == (9, 2)
    assert wq.sum() == pytest.approx(1.0) and wk.sum() == pytest.approx(1.0)
    # the mean of x_1^2 x_2^2 on [-1, 1]^2 is 1/9, exact for 3-point Gauss--Legendre in each direction
    assert wk @ (xk[:, 0] ** 2 * xk[:, 1] ** 2) == pytest.approx(1 / 9, rel=1e-13)


def test_moving_target_prefers_the_key_at_the_target() -> None:
    task = moving_target_task(width=0.15)
    x = np.array([[0.25]])  # target 0.5 + 0.35 = 0.85
    keys = np.linspace(0, 1, 101)
    assert keys[np.argmax(task.relation(x, keys)[0])] == pytest.approx(0.85)
    # a bilinear score x * w * y picks an end of [0, 1], never the interior target
    assert np.argmax(x[0, 0] * 1.0 * keys) in (0, 100)


def test_moving_target_utilities_represent_the_same_preorders() -> None:
    rng = np.random.default_rng(8)
    x, y = rng.uniform(0, 1, (20, 1)), rng.uniform(0, 1, (30, 1))
    squared, gaussian = moving_target_task().relation(x, y), moving_target_task("gaussian").relation(x, y)
    for r in range(20):  # same order of the keys for every query: same preorder, same maximal key
        assert np.array_equal(np.argsort(squared[r]), np.argsort(gaussian[r]))
    # u_sq has Schmidt rank 3: -(y - T)^2 = <(-T^2, 2T, -1), (1, y, y^2)>
    assert np.linalg.matrix_rank(squared, tol=1e-10) == 3 and np.linalg.matrix_rank(gaussian, tol=1e-10) > 3


def test_switching_target_jumps_but_keeps_a_gap() -> None:
    task = switching_target_task()
    u = task.relation(np.array([0.5 - 1e-9, 0.5]), np.array([0.25, 0.75]))
    assert np.allclose(np.abs(u[:, 0] - u[:, 1]), 0.25)
    assert np.argmax(u[0]) == 0 and np.argmax(u[1]) == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: nearest_key_task().sample(5, 1, gap=0.1, rng=np.random.default_rng(0)), "n_keys must be >= 2"),
        (lambda: nearest_key_task().sample(5, 3, gap=-0.1, rng=np.random.default_rng(0)), "gap must be >= 0"),
        (lambda: nearest_key_task().sample(5, 3, gap=0.2, max_gap=0.1, rng=np.random.default_rng(0)),
         "max_gap must be > gap"),
        (lambda: nearest_key_task().sample(5, 3, gap=0.1, rng=0), "rng must be a numpy.random.Generator"),
        (lambda: nearest_key_task().sample(5, 3, gap=50.0, max_draws=2000, rng=np.random.default_rng(0)),
         "only 0 of 5 instances"),
        (lambda: nearest_key_task().relation([[0.0, 1.0]], [[0.0]]), "X must have 1 column"),
        (lambda: nearest_key_task().utilities([[0.0]], np.zeros((2, 3, 1))), "keys must have shape"),
        (lambda: RetrievalTask("t", lambda x, y: x[..., 0], 1, 1).relation([0.0], [1.0, 2.0]), "broadcast shape"),
        (lambda: RetrievalTask("t", lambda x, y: np.log(y[..., 0]), 1, 1).relation([0.0], [-1.0]), "finite"),
        (lambda: RetrievalTask("t", 3), "utility must be callable"),
        (lambda: RetrievalTask("t", lambda x, y: x, query_box=(1.0, 0.0)), "query_box must satisfy low < high"),
        (lambda: switching_target_task(1.5), "switch must lie in \\(0, 1\\)"),
        (lambda: moving_target_task("gaussian", width=0.0), "width must be > 0"),
        (lambda: moving_target_task("cubic"), "kind must be 'squared' or 'gaussian'"),
    ],
)
def test_tasks_reject_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message), np.errstate(invalid="ignore", divide="ignore"):
        call()


def test_preorder_of_a_query_selects_the_argmax() -> None:
    preorder_module = pytest.importorskip("relnb.preorder")
    task = moving_target_task()
    batch = task.sample(10, 5, gap=0.05, rng=np.random.default_rng(6))
    for r in range(len(batch)):
        preorder = task.preorder(batch.queries[r], batch.keys[r])
        assert isinstance(preorder, preorder_module.Preorder)
        assert list(preorder.maximal(range(5))) == [int(batch.selected[r])]


def test_attention_scores_shapes_and_identity() -> None:
    rng = np.random.default_rng(10)
    q, k = rng.normal(size=(3, 2)), rng.normal(size=(5, 2))
    assert np.allclose(attention_scores(q, k), q @ k.T)
    per_query = attention_scores(q, np.stack([k, 2 * k, -k]))
    assert per_query.shape == (3, 5) and np.allclose(per_query[1], 2 * q[1] @ k.T)


def test_retrieval_report_exact_scores_and_guarantee() -> None:
    task = moving_target_task()
    batch = task.sample(300, 6, gap=0.05, rng=np.random.default_rng(11))
    exact = retrieval_report(batch.utilities, batch, gap=0.05, eps=0.01)
    assert isinstance(exact, RetrievalReport) and exact.accuracy == 1.0 and exact.delta == 0.0
    assert exact.bound_beta == pytest.approx(min_beta(6, 0.05, 0.01))
    assert 1.0 <= exact.ratio and exact.worst_weight >= 0.99
    # perturbed scores: the guarantee at beta_min(n, eta - 2 delta, eps) holds whatever the perturbation
    noisy = batch.utilities + np.random.default_rng(12).uniform(-0.01, 0.01, batch.utilities.shape)
    report = retrieval_report(noisy, batch, gap=0.05, eps=0.01, delta=0.005)
    assert 0.005 <= report.delta <= 0.01 and report.accuracy == 1.0
    assert report.worst_weight >= 0.99 and report.measured_beta <= report.bound_beta
    assert "ratio=" in repr(report)
    # too large an error: no guarantee, reported as nan
    assert math.isnan(retrieval_report(noisy, batch, gap=0.05, eps=0.01, delta=0.03).bound_beta)


def test_retrieval_report_rejects_bad_input() -> None:
    batch = nearest_key_task().sample(10, 3, gap=0.1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="scores must have the batch's shape"):
        retrieval_report(np.zeros((10, 4)), batch, gap=0.1, eps=0.1)
    with pytest.raises(ValueError, match="every instance must have gap >= 10"):
        retrieval_report(batch.utilities, batch, gap=10.0, eps=0.1)
    with pytest.raises(ValueError, match="batch must be a RetrievalBatch"):
        retrieval_report(batch.utilities, "batch", gap=0.1, eps=0.1)


# ---------------------------------------------------------------------------------------------------------
# the learned model
# ---------------------------------------------------------------------------------------------------------


def test_query_key_attention_numpy_and_torch_agree() -> None:
    model = QueryKeyAttention(MLP(1, 4, width=8, seed=0), MLP(2, 4, width=8, seed=1))
    assert model.phi_q is model.phi and model.phi_k is model.psi
    rng = np.random.default_rng(7)
    q, k, v = rng.normal(size=(3, 1)), rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 2))
    numpy_result = model.attention(q, k, v, beta=2.0)
    with torch.no_grad():
        weights, retrieved = model.attend(torch.as_tensor(q), torch.as_tensor(k), torch.as_tensor(v), beta=2.0)
    assert np.allclose(weights.numpy(), numpy_result.weights, rtol=1e-12)
    assert np.allclose(retrieved.numpy(), numpy_result.retrieved, rtol=1e-12)
    assert np.allclose(model.scores(q, k), np.einsum("qd,qnd->qn", model.phi.features(q),
                                                     model.psi.features(k.reshape(-1, 2)).reshape(3, 5, 4)))
    assert model.scores(q, k[0]).shape == (3, 5)


def test_query_key_attention_trains_with_fit_relation() -> None:
    task = nearest_key_task()
    xq, wq, xk, wk = task.grid(12)
    model = QueryKeyAttention(MLP(1, 3, width=16, seed=0), MLP(1, 3, width=16, seed=1))
    _, history = fit_relation(model, task.relation, xq, wq, nodes_y=xk, weights_y=wk, steps=300, lbfgs_steps=200)
    assert history.l2_error < 1e-2  # ||u||_L2 is about 1.2; the same budget as fit_relation's doctest
    assert np.abs(model.scores(xq, xk) - task.relation(xq, xk)).max() < 0.05


def test_query_key_attention_rejects_bad_input() -> None:
    model = QueryKeyAttention(MLP(1, 2, width=4, seed=0), MLP(1, 2, width=4, seed=1))
    with pytest.raises(ValueError, match="attend needs queries"):
        model.attend(torch.zeros(2, 1), torch.zeros(2, 3), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="values must have shape"):
        model.attend(torch.zeros(2, 1), torch.zeros(2, 3, 1), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="one key set per query"):
        model.scores(np.zeros((2, 1)), np.zeros((3, 3, 1)))
    with pytest.raises(ValueError, match="X must have 1 column"):
        model.scores(np.zeros((2, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="same feature dimension"):
        QueryKeyAttention(MLP(1, 2, seed=0), MLP(1, 3, seed=0))


# -------------------------------------------------------------------------
# the moving target, the moving bump, per-instance scores
# -------------------------------------------------------------------------


def test_moving_target_is_the_task_target() -> None:
    x = np.linspace(0, 1, 9)[:, None]
    t = moving_target(x)
    assert np.array_equal(t, 0.5 + 0.35 * np.sin(2 * np.pi * x[:, 0]))
    u = moving_target_task().utilities(x, t[:, None, None])  # key at target
    assert np.array_equal(u, np.zeros((9, 1)))
    with pytest.raises(ValueError, match="1 column"):
        moving_target(np.zeros((2, 2)))


def test_moving_bump_is_separately_not_jointly_continuous() -> None:
    task = moving_bump_task()
    x = np.geomspace(1e-8, 0.19, 50)[:, None]
    keys = np.stack([2 * x, np.full_like(x, 0.5)], axis=1)
    tops = task.utilities(x, keys)
    assert np.allclose(tops[:, 0], 1 + 2 * x[:, 0], rtol=0, atol=1e-15)
    assert np.array_equal(tops[:, 1], np.full(50, 0.5))
    # for fixed y > 0 the tent has left y once x < y / 2.5; at y = 0 always
    y = np.array([[0.0], [1e-6], [0.3]])
    small = task.relation(np.array([[1e-9], [3e-7]]), y)
    assert np.array_equal(small, np.tile(y.T, (2, 1)))
    assert np.array_equal(task.relation([[0.0]], y), y.T)
    # the tent: half-width x / 2, height 1, centre 2x
    tent = task.relation([[0.1]], [[0.15], [0.225], [0.25]])[0]
    assert tent == pytest.approx([0.15, 0.225 + 0.5, 0.25], abs=1e-15)


def test_instance_scores_match_a_loop() -> None:
    rng = np.random.default_rng(3)
    q, k = rng.normal(size=(7, 2)), rng.normal(size=(7, 5, 2))
    loop = np.array([neg_squared_distance(q[i:i + 1], k[i])[0]
                     for i in range(7)])
    for chunk in (1, 3, 100):
        scores = instance_scores(neg_squared_distance, q, k, chunk=chunk)
        assert np.array_equal(scores, loop)
    with pytest.raises(ValueError, match="keys must have shape"):
        instance_scores(neg_squared_distance, q, k[:3])
    with pytest.raises(ValueError, match="must be callable"):
        instance_scores(None, q, k)
    with pytest.raises(ValueError, match=r"len\(X\), len\(Y\)"):
        instance_scores(lambda X, Y: np.zeros((1, 1)), q, k)


# -------------------------------------------------------------------------
# certified sup errors
# -------------------------------------------------------------------------


def test_grid_sup_bound_is_attained() -> None:
    # e = x (1 - x) vanishes at the nodes 0, 1 and has sup 1/4 = h^2 C / 8
    assert grid_sup_bound(0.0, (1.0, 1.0), curvature=(2.0, 0.0)) == 0.25
    # e = 1/2 - |x - 1/2|: 0 at the nodes, Lipschitz 1, sup 1/2 = h L / 2
    assert grid_sup_bound(0.0, (1.0, 1.0), lipschitz=(1.0, 0.0)) == 0.5


@pytest.mark.parametrize("k", [1.0, 5.0, 17.0])
def test_grid_sup_bound_dominates_the_supremum(k: float) -> None:
    def e(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.sin(k * x)[:, None] * np.cos(3 * y)[None, :]

    dense = np.linspace(0, 1, 4001)
    truth = np.abs(e(dense, dense)).max()
    for n in (5, 11, 41):
        t = np.linspace(0, 1, n)
        top, h = np.abs(e(t, t)).max(), (t[1], t[1])
        # 1e-12: the dense grid itself is rounded
        assert truth <= grid_sup_bound(top, h, lipschitz=(k, 3.0)) + 1e-12
        assert truth <= grid_sup_bound(top, h, curvature=(k**2, 9.0)) + 1e-12


def test_grid_sup_bound_rejects_bad_input() -> None:
    one = "exactly one of lipschitz and curvature"
    with pytest.raises(ValueError, match=one):
        grid_sup_bound(0.1, (0.1, 0.1))
    with pytest.raises(ValueError, match=one):
        grid_sup_bound(0.1, (0.1, 0.1), lipschitz=(1.0, 1.0),
                       curvature=(1.0, 1.0))
    with pytest.raises(ValueError, match="spacing must be a pair"):
        grid_sup_bound(0.1, (0.1,), lipschitz=(1.0, 1.0))
    with pytest.raises(ValueError, match=r"spacing\[1\] must be > 0"):
        grid_sup_bound(0.1, (0.1, 0.0), lipschitz=(1.0, 1.0))
    with pytest.raises(ValueError, match=r"curvature\[0\] must be >= 0"):
        grid_sup_bound(0.1, (0.1, 0.1), curvature=(-1.0, 1.0))
    with pytest.raises(ValueError, match="grid_max must be >= 0"):
        grid_sup_bound(-0.1, (0.1, 0.1), curvature=(1.0, 1.0))


@pytest.mark.parametrize("name", ["tanh", "silu"])
def test_activation_bounds_hold_and_are_nearly_attained(name: str) -> None:
    z = torch.linspace(-40, 40, 400_001, dtype=torch.float64,
                       requires_grad=True)
    sigma = {"tanh": torch.tanh, "silu": torch.nn.functional.silu}[name]
    (d1,) = torch.autograd.grad(sigma(z).sum(), z, create_graph=True)
    (d2,) = torch.autograd.grad(d1.sum(), z)
    c1, c2 = ACTIVATION_DERIVATIVE_BOUNDS[name]
    s1, s2 = float(d1.detach().abs().max()), float(d2.abs().max())
    assert s1 <= c1 and s2 <= c2 + 1e-12  # silu'' peaks at 0 with 1/2
    assert c1 - s1 < 1e-3 and c2 - s2 < 1e-6  # and the bounds are sharp


@pytest.mark.parametrize(("activation", "depth"),
                         [("tanh", 1), ("tanh", 3), ("silu", 2), ("silu", 3)])
def test_mlp_derivative_bounds_dominate_autograd(activation: str,
                                                 depth: int) -> None:
    from torch.func import jacrev, vmap

    x = torch.linspace(-6, 6, 4001, dtype=torch.float64)[:, None]
    for seed in range(3):
        net = MLP(1, 4, width=16, depth=depth, activation=activation,
                  seed=seed)

        def f(t: torch.Tensor, net: MLP = net) -> torch.Tensor:
            return net(t[None])[0]

        first = vmap(jacrev(f))(x).reshape(len(x), -1).norm(dim=1).max()
        second = vmap(jacrev(jacrev(f)))(x).reshape(len(x), -1)
        p, q = mlp_derivative_bounds(net)
        assert float(first.detach()) <= p
        assert float(second.norm(dim=1).max().detach()) <= q


def test_mlp_derivative_bounds_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp_derivative_bounds(MLP(1, 2, width=4, activation="relu", seed=0))
    with pytest.raises(ValueError, match="one input"):
        mlp_derivative_bounds(MLP(2, 2, width=4, seed=0))
    with pytest.raises(ValueError, match=r"relnb\.inner_product\.MLP"):
        mlp_derivative_bounds(torch.nn.Linear(1, 1))


def test_certify_sup_error_dominates_a_dense_grid() -> None:
    task = nearest_key_task(low=0.0, high=1.0)  # u = -(x - y)^2
    dense = np.linspace(0, 1, 3001)[:, None]
    for seed in range(3):
        model = QueryKeyAttention(
            MLP(1, 3, width=8, activation="silu", seed=seed),
            MLP(1, 3, width=8, activation="tanh", seed=seed + 10))
        truth = np.abs(model.scores(dense, dense)
                       - task.relation(dense, dense)).max()
        for grid in (11, 101):
            cert = certify_sup_error(model, task, grid=grid, chunk=7,
                                     utility_curvature=(2.0, 2.0))
            assert cert.grid_max <= truth + 1e-12 <= cert.bound + 1e-12
            assert cert.spacing == pytest.approx(1 / (grid - 1))
    assert "SupErrorCertificate(grid_max=" in repr(cert)


def test_certify_sup_error_counts_the_utility_curvature() -> None:
    # zero networks: e = (y - T(x))^2 has sup 0.85^2 at (1/4, 0), between
    # the nodes 0, 1/3, 2/3, 1 of a 4-point grid
    model = QueryKeyAttention(MLP(1, 2, width=4, seed=0),
                              MLP(1, 2, width=4, seed=1))
    with torch.no_grad():
        for net in (model.phi, model.psi):
            net.net[-1].weight.zero_()
            net.net[-1].bias.zero_()
    assert mlp_derivative_bounds(model.phi) == (0.0, 0.0)
    cert = certify_sup_error(model, moving_target_task(), grid=4,
                             utility_curvature=(3.36 * np.pi**2, 2.0))
    # the grid misses the supremum; the certificate does not
    assert cert.grid_max < 0.85**2 <= cert.bound


def test_certify_sup_error_rejects_bad_input() -> None:
    model = QueryKeyAttention(MLP(1, 2, width=4, seed=0),
                              MLP(1, 2, width=4, seed=1))
    curvature = (2.0, 2.0)
    with pytest.raises(ValueError, match="one-dimensional queries and keys"):
        certify_sup_error(model, nearest_key_task(dim=2),
                          utility_curvature=curvature)
    with pytest.raises(ValueError, match="an AsymmetricInnerProduct"):
        certify_sup_error(None, nearest_key_task(),
                          utility_curvature=curvature)
    with pytest.raises(ValueError, match="must be a RetrievalTask"):
        certify_sup_error(model, None, utility_curvature=curvature)
    with pytest.raises(ValueError, match="utility_curvature must be a pair"):
        certify_sup_error(model, nearest_key_task(), utility_curvature=(2.0,))
