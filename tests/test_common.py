"""Family contracts, one general test per property over a registry of every member (scikit-learn's test_common).

The assertions live in :mod:`relnb.testing`; here are the registries:

- ``RELATIONS``: every relation-like callable ``r(X, Y=None)`` of the package, with points from its domain and the
  property sets ``SYMMETRIC`` and ``PSD``;
- ``EXPANSIONS``: Mercer and Schmidt expansions, from quadrature and in closed form;
- ``CHECKS`` (in ``test_checks_contract``): every answer check with a reference answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np
import pytest

from relnb import kernel_approx, kernels, mercer, quadrature, relations, rkbs, schmidt
from relnb.debreu import lexicographic_order, utility_relation
from relnb.inner_product import MLP, AsymmetricInnerProduct, SymmetricInnerProduct
from relnb.retrieval import nearest_key_task
from relnb.testing import assert_check_contract, assert_expansion_contract, assert_relation_contract


def _normal(dim: int) -> Callable[[np.random.Generator, int], np.ndarray]:
    return lambda rng, n: rng.normal(size=(n, dim))


def _uniform(low: float = 0.0, high: float = 1.0, dim: int = 1) -> Callable[[np.random.Generator, int], np.ndarray]:
    return lambda rng, n: rng.uniform(low, high, size=(n, dim))


_ORDER_SCHMIDT = schmidt.order_schmidt(6)
_BROWNIAN = mercer.brownian_expansion(5)
_PAIR = rkbs.RKBSPair(lambda x: np.hstack([-x**2, 2 * x, np.ones_like(x)]),
                      lambda y: np.hstack([np.ones_like(y), y, -y**2]))
_SYMMETRIC_MODEL = SymmetricInnerProduct(MLP(1, 3, width=8, seed=0))
_ASYMMETRIC_MODEL = AsymmetricInnerProduct(MLP(1, 3, width=8, seed=0), MLP(1, 3, width=8, seed=1))

# name -> (callable, sampler of points, dtype of its matrices)
RELATIONS: dict[str, tuple[Callable[..., Any], Callable[[np.random.Generator, int], np.ndarray], type]] = {
    "kernels.gaussian": (partial(kernels.gaussian, lengthscale=0.5), _normal(2), np.float64),
    "kernels.laplace": (partial(kernels.laplace, lengthscale=0.7), _normal(2), np.float64),
    "kernels.brownian": (kernels.brownian, _uniform(0.0, 3.0), np.float64),
    "kernels.brownian_bridge": (kernels.brownian_bridge, _uniform(), np.float64),
    "kernels.von_mises": (partial(kernels.von_mises, kappa=2.0), _uniform(-7.0, 7.0), np.float64),
    "kernels.polynomial": (partial(kernels.polynomial, degree=3, c=0.5), _normal(2), np.float64),
    "relations.order": (relations.order, _uniform(), np.float64),
    "relations.neg_squared_distance": (relations.neg_squared_distance, _normal(2), np.float64),
    "relations.soft_order": (partial(relations.soft_order, beta=5.0), _uniform(), np.float64),
    "MercerExpansion.truncated": (_BROWNIAN.truncated, _uniform(), np.float64),
    "SchmidtExpansion.truncated": (_ORDER_SCHMIDT.truncated, _uniform(), np.float64),
    "bernstein_approximation": (schmidt.bernstein_approximation(relations.order, 6), _uniform(), np.float64),
    "RKBSPair.kernel": (_PAIR.kernel, _uniform(), np.float64),
    "RetrievalTask.relation": (nearest_key_task().relation, _uniform(-1.0, 1.0), np.float64),
    "SymmetricInnerProduct.relation": (_SYMMETRIC_MODEL.relation, _uniform(), np.float64),
    "AsymmetricInnerProduct.relation": (_ASYMMETRIC_MODEL.relation, _uniform(), np.float64),
    "lexicographic_order": (lexicographic_order, _uniform(dim=2), np.bool_),
    "utility_relation": (utility_relation(lambda p: p.sum(axis=1)), _uniform(dim=2), np.bool_),
}
SYMMETRIC = {name for name in RELATIONS if name.startswith("kernels.")} | {
    "relations.neg_squared_distance", "MercerExpansion.truncated", "SymmetricInnerProduct.relation"}
PSD = {name for name in RELATIONS if name.startswith("kernels.")} | {
    "MercerExpansion.truncated", "SymmetricInnerProduct.relation"}


@pytest.mark.parametrize("name", sorted(RELATIONS))
@pytest.mark.parametrize("seed", [0, 1])
def test_relation_contract(name: str, seed: int) -> None:
    relation, sample, dtype = RELATIONS[name]
    rng = np.random.default_rng(seed)
    assert_relation_contract(relation, sample(rng, 13), sample(rng, 5), dtype=dtype,
                             symmetric=name in SYMMETRIC, psd=name in PSD)


def _gauss_rule() -> tuple[np.ndarray, np.ndarray]:
    return quadrature.gaussian_legendre(120)


_UNIFORM_60 = quadrature.uniform(60)
_UNIFORM_400 = quadrature.uniform(400)
_GAUSS = _gauss_rule()

# name -> (expansion, the relation it expands, rule of mu, rule of nu or None, quadrature tolerance)
EXPANSIONS: dict[str, tuple[Any, Callable[..., Any], Any, Any, float]] = {
    "mercer_decomposition (brownian)": (mercer.mercer_decomposition(kernels.brownian, *_UNIFORM_60, 6),
                                        kernels.brownian, _UNIFORM_60, None, 1e-10),
    "mercer_decomposition (gaussian)": (
        mercer.mercer_decomposition(partial(kernels.gaussian, lengthscale=0.5), *_GAUSS, 5),
        partial(kernels.gaussian, lengthscale=0.5), _GAUSS, None, 1e-10),
    "brownian_expansion (closed form)": (mercer.brownian_expansion(6), kernels.brownian, _UNIFORM_400, None, 1e-4),
    "gaussian_expansion (closed form)": (mercer.gaussian_expansion(6, lengthscale=0.5),
                                         partial(kernels.gaussian, lengthscale=0.5), _GAUSS, None, 1e-8),
    "schmidt_decomposition (order)": (
        schmidt.schmidt_decomposition(relations.order, *_UNIFORM_60, *quadrature.uniform(50), 5),
        relations.order, _UNIFORM_60, quadrature.uniform(50), 1e-10),
    "order_schmidt (closed form)": (schmidt.order_schmidt(6), relations.order, _UNIFORM_400, None, 2e-3),
}


@pytest.mark.parametrize("name", sorted(EXPANSIONS))
def test_expansion_contract(name: str) -> None:
    expansion, relation, rule_x, rule_y, atol = EXPANSIONS[name]
    assert_expansion_contract(expansion, relation, rule_x, rule_y, atol=atol)


# --- answer checks ---------------------------------------------------------------------------------------------

def _phi3(x: np.ndarray) -> np.ndarray:
    return np.stack([-(x**2), 2 * x, np.ones_like(x)], axis=1)


def _psi3(y: np.ndarray) -> np.ndarray:
    return np.stack([np.ones_like(y), y, -(y**2)], axis=1)


def _key_phi(x: np.ndarray) -> np.ndarray:
    return np.stack([np.ones_like(x), 2 * x**2, -(x**4)], axis=1)


def _key_psi(y: np.ndarray) -> np.ndarray:
    return np.stack([-(y**2), y, np.ones_like(y)], axis=1)


def _floor(n: int) -> float:
    return float(np.sqrt(1 - 1 / n**2) / 2)


def _check_registry() -> dict[str, tuple[tuple[Any, ...], dict[int, str], dict[str, Any]]]:
    """check name -> (a call that passes, position of each answer -> its kind, keyword arguments)."""
    from relnb import gram
    from relnb.attention import min_beta, required_beta
    from relnb.preorder import Preorder

    r2 = np.array([[0.0, 1.0], [0.0, 0.0]])
    r4 = relations.order(np.linspace(0, 1, 4))
    u, s, vt = np.linalg.svd(r4)
    a4 = 1 / (2 * np.arange(1, 5) - 1)
    expansion = mercer.brownian_expansion(8)
    x60, w60 = quadrature.uniform(60)
    soft = schmidt.schmidt_decomposition(relations.soft_order, x60, w60, x60, w60, rank=8)
    bern = gram.l2_distance(relations.soft_order, schmidt.bernstein_approximation(relations.soft_order, 4),
                               x60, w60, x60, w60)
    x100, w100 = quadrature.uniform(100)
    floor = gram.distance_to_psd_cone(relations.soft_order(x100), weights=w100).distance
    films = np.array([3, 2, 0, 2, 3, 1])
    chain = Preorder.from_utility(np.arange(70)).utility("dyadic")
    scores = np.array([0.0, -0.1, -0.3, -1.0])
    rule = quadrature.gaussian_legendre(200)
    return {
        "check_psd_distance": ((np.sqrt(3) / 2, r2), {0: "number"}, {}),
        "check_factorization": ((u[:, :4] * np.sqrt(s[:4]), vt[:4].T * np.sqrt(s[:4]), r4),
                                {0: "array", 1: "array"}, {}),
        "check_floor_formula": ((_floor, relations.order), {0: "function"}, {}),
        "check_mercer_sums": ((1 / 2, 1 / 6, kernels.brownian, *quadrature.uniform(400)),
                              {0: "number", 1: "number"}, {}),
        "check_allocation": ((1000 * a4 ** (2 / 3) / np.sum(a4 ** (2 / 3)), a4, 1000), {0: "array"}, {}),
        "check_rff_expected_error": ((kernel_approx.rff_expected_error(8, lengthscale=0.5) ** 2, 8,
                                      lambda t: np.exp(-(t**2) / (2 * 0.5**2)), *rule), {0: "number"}, {}),
        "check_truncation_error": ((expansion.tail_l2(4), expansion, 4), {0: "number"}, {}),
        "check_feature_maps": ((_phi3, _psi3, relations.neg_squared_distance), {0: "function", 1: "function"},
                               {"max_features": 3}),
        "check_symmetric_floor": ((floor, relations.soft_order, x100, w100), {0: "number"}, {}),
        "check_bernstein_schmidt": (({4: (bern, soft.tail_l2(5))}, relations.soft_order, x60, w60),
                                    {0: "mapping"}, {"degrees": (4,)}),
        "check_utility": (([0, 2, 1], Preorder.from_utility([0, 2, 1])), {0: "array"}, {}),
        "check_film_ranking": (((films[:, None] <= films[None, :]).astype(int), films), {0: "array", 1: "array"}, {}),
        "check_first_float_tie": ((54, chain), {0: "int"}, {}),
        "check_nearest_key_features": ((_key_phi, _key_psi, lambda x: x**2), {0: "function", 1: "function"},
                                       {"max_features": 3}),
        "check_min_beta": (({10: float(min_beta(10, 0.05, 0.01))}, 0.05, 0.01), {0: "mapping"}, {}),
        "check_smallest_gap": ((0.1, [[0.0, 1.0, 0.5], [0.2, 0.1, 0.0]]), {0: "number"}, {}),
        "check_temperature": ((float(required_beta(scores, 0, 0.01)), scores, 0.01), {0: "number"}, {}),
    }


CHECKS = _check_registry()


def test_every_check_is_registered() -> None:
    from relnb import checks

    assert sorted(CHECKS) == sorted(name for name in checks.__all__ if name.startswith("check_"))


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_contract(name: str) -> None:
    from relnb import checks

    args, answers, kwargs = CHECKS[name]
    assert_check_contract(getattr(checks, name), args, answers, kwargs=kwargs)


def test_known_bad_answers_get_words() -> None:
    """The probes of the bad-input review that raised or passed."""
    from relnb import checks

    assert not checks.check_temperature(5.0, [0.0, -1.0], 0.6).passed  # was ZeroDivisionError
    assert checks.check_temperature(0.0, [0.0, -1.0], 0.6).passed  # beta = 0 already gives weight 0.73 >= 0.4
    chain = [1 - Fraction(1, 2**i) for i in range(70)]
    assert not checks.check_first_float_tie(54.7, chain).passed  # was truncated to 54 and passed
    assert not checks.check_first_float_tie(np.float64(54.9), chain).passed
    assert checks.check_first_float_tie(np.int64(54), chain).passed
    assert "should be a number" in checks.check_psd_distance("0.8x", [[0.0, 1.0], [0.0, 0.0]]).message
    assert "should be a number" in checks.check_psd_distance("0.866", [[0.0, 1.0], [0.0, 0.0]]).message
    assert not checks.check_min_beta({10.7: float(np.log(9 * 99) * 100)}, 0.01, 0.01).passed


# --- any answer at all (hypothesis) -----------------------------------------------------------------------------

def _reals_only(value: object) -> bool:
    """No complex and no non-finite number anywhere in ``value`` (containers searched)."""
    if isinstance(value, str | bytes):
        return True
    if isinstance(value, complex | np.complexfloating):
        return False
    if isinstance(value, float | np.floating):
        return bool(np.isfinite(value))
    if isinstance(value, np.ndarray):
        return value.dtype.kind != "c" and (value.dtype.kind not in "f" or bool(np.all(np.isfinite(value))))
    if isinstance(value, dict):
        return all(_reals_only(k) and _reals_only(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_reals_only(v) for v in value)
    return True


def _any_answer() -> Any:
    """Arbitrary answers: numbers of every kind (NaN, inf, complex), text, containers, arrays, functions."""
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import array_shapes, arrays

    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.complex_numbers(), st.text(max_size=5),
                        st.binary(max_size=3), st.fractions())
    numbers = st.one_of(st.floats(), st.complex_numbers(), st.integers(-10**6, 10**6))
    array_values = st.one_of(
        arrays(np.float64, array_shapes(max_dims=3, max_side=6)),
        arrays(np.complex128, array_shapes(max_dims=2, max_side=6)),
        arrays(np.int64, array_shapes(max_dims=2, max_side=6), elements=st.integers(-5, 5)),
    )
    containers = st.one_of(st.lists(numbers, max_size=6), st.tuples(numbers, numbers),
                           st.dictionaries(st.one_of(st.integers(-3, 20), st.floats(), st.text(max_size=2)),
                                           st.one_of(numbers, st.tuples(numbers, numbers)), max_size=3))
    values = st.one_of(scalars, array_values, containers)

    def constant(value: object) -> Callable[..., object]:
        def answer(*args: object) -> object:
            return value
        answer.returns = value  # type: ignore[attr-defined]
        return answer

    def raising(error: type[Exception]) -> Callable[..., object]:
        def answer(*args: object) -> object:
            raise error("raised by the student's function")
        return answer

    functions = st.one_of(values.map(constant),
                          st.sampled_from([ValueError, ZeroDivisionError, KeyError, IndexError]).map(raising))
    return st.one_of(values, functions)


def _spoiled(reference: object) -> Any:
    """The right answer made complex (any imaginary part, 0 included) or non-finite somewhere: must never pass."""
    from hypothesis import strategies as st

    bad = st.one_of(st.complex_numbers(allow_nan=False, allow_infinity=False).map(lambda z: ("complex", z)),
                    st.sampled_from([math.nan, math.inf, -math.inf]).map(lambda v: ("value", v)))

    def spoil(value: object, how: tuple[str, object], index: int) -> object:
        kind, z = how
        if callable(value):
            def answer(*args: object) -> object:
                return spoil(value(*args), how, index)
            answer.returns = spoil(1.0, how, 0)  # type: ignore[attr-defined]
            return answer
        if isinstance(value, dict):
            key = list(value)[index % len(value)]
            return {**value, key: spoil(value[key], how, index)}
        if isinstance(value, tuple | list):
            out = list(value)
            out[index % len(out)] = spoil(out[index % len(out)], how, index)
            return type(value)(out)
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            return value
        if kind == "complex":
            return array.astype(complex) + (1j * z.imag if array.ndim else complex(0.0, z.imag))
        spoilt = array.astype(float).copy()
        spoilt.flat[index % max(spoilt.size, 1)] = z
        return spoilt

    return st.tuples(bad, st.integers(0, 10**6)).map(lambda pair: spoil(reference, *pair))


def _probe_any_answer(name: str, args: tuple[Any, ...], answers: dict[int, str], kwargs: dict[str, Any]) -> None:
    """Hypothesis: any answer in any answer position of ``check(*args, **kwargs)``, and the reference spoiled."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from relnb import checks

    check = getattr(checks, name)

    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(position=st.sampled_from(sorted(answers)), arbitrary=_any_answer(), data=st.data())
    def probe(position: int, arbitrary: object, data: Any) -> None:
        answer = data.draw(st.one_of(st.just(arbitrary), _spoiled(args[position])), label="answer")
        call = list(args)
        call[position] = answer
        try:
            feedback = check(*call, **kwargs)
        except Exception as error:  # the contract under test
            raise AssertionError(f"{name} raised {type(error).__name__}: {error} on {answer!r}") from error
        assert isinstance(feedback, checks.Feedback), f"{name} returned {feedback!r}"
        assert sum(c.isalpha() for c in feedback.message) >= 5, f"{name}: no words on {answer!r}"
        if feedback.passed:
            assert _reals_only(answer) and _reals_only(getattr(answer, "returns", None)), (
                f"{name} passed a complex or non-finite answer {answer!r}")

    probe()


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_never_raises_on_any_answer(name: str) -> None:
    """Every check, any answer in any position: Feedback in words, never an exception, never a pass for complex or
    non-finite values (also when a student's function returns them)."""
    args, answers, kwargs = CHECKS[name]
    _probe_any_answer(name, args, answers, kwargs)


def _as_function_of(instance: tuple[Any, ...], value: object) -> Callable[..., object]:
    """The reference answer as the function of the instance an assignment asks for."""
    def answer(*args: object) -> object:
        if args != instance:
            raise TypeError(f"called on {args!r}, not on the instance {instance!r}")
        return value
    answer.returns = value  # type: ignore[attr-defined]
    return answer


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_of_answers_that_are_functions_of_the_instance(name: str) -> None:
    """The assignments' form, ``check(f, ..., instance=(...))``: the right function passes; a value where a function
    is asked, a function that fails or returns None, an unanswered instance, and any answer at all (hypothesis) get
    feedback in words, never an exception, never a pass for complex or non-finite values."""
    from relnb import checks

    check = getattr(checks, name)
    args, answers, kwargs = CHECKS[name]
    instance = (3, 0.25)
    right = list(args)
    for i in answers:
        right[i] = _as_function_of(instance, args[i])
    assert check(*right, **kwargs, instance=instance).passed
    position = min(answers)
    cases = {"should be a function (of the exercise's instance": 0.5 if callable(args[position]) else args[position],
             "failed: ZeroDivisionError": lambda *a: 1 / 0,
             "returns None": lambda *a: None, "No answer yet": None}
    for words, answer in cases.items():
        call = list(right)
        call[position] = answer
        feedback = check(*call, **kwargs, instance=instance)
        assert not feedback.passed and words in feedback.message, f"{name}: {words!r} not in {feedback.message!r}"
    feedback = check(*right, **kwargs, instance=(3, None))  # e.g. a hand answer the functions receive, unset
    assert not feedback.passed and "No answer yet" in feedback.message
    with pytest.raises(ValueError, match="instance must be a tuple"):  # the exercise's side: raised
        check(*right, **kwargs, instance=3)
    _probe_any_answer(name, tuple(right), answers, {**kwargs, "instance": instance})
