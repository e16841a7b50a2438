"""Bad input never passes silently (issue 20): the probes of ``shared/reviews/bad-input.md``, per class.

Every probe is one call a careless user makes.  It expects either

* ``reject``: a ``ValueError``/``TypeError`` whose message matches a pattern naming the rule
  and the value (class A of the review), or
* ``accept``: an ordinary input (numpy scalars, 0-d tensors, float32 weights, huge but
  representable parameters) that must give a finite result (the review's A* rejections
  and silent NaN/inf results).

:func:`classify` sorts each outcome into the review's classes: ``A`` good, ``A*`` ordinary
input refused, ``B`` exception that explains nothing, ``C`` silent wrong or non-finite
result, ``D`` hang or huge allocation.  Every probe runs under a 1 GiB address-space
headroom and a 20 s alarm, so an unguarded n x n allocation fails fast as ``MemoryError``
(class D) instead of paging the machine.  ``python tests/test_bad_input.py`` prints the
counts per class.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import pkgutil
import re
import resource
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import relnb
import relnb._validation as V
from relnb import (
    attention,
    bounds,
    certify,
    debreu,
    gram,
    inner_product,
    kernel_approx,
    kernels,
    mercer,
    preorder,
    quadrature,
    readout,
    relations,
    reproducibility,
    retrieval,
    rkbs,
    schmidt,
    training,
)

HUGE = 10**5  # n x n float64 at this n is 74.5 GiB: far above relnb._validation.MAX_BYTES
SIZE = r"(GiB|bytes).*MAX_BYTES"  # a size refusal gives the size and the way around it


@dataclass(frozen=True)
class Probe:
    name: str
    review_class: str  # the class the review found at ceff564: A*, B, C or D
    call: Callable[[], Any]
    reject: str | None = None  # regex the error message must match; None: the input must be accepted


def _x(n: int = 3) -> np.ndarray:
    return np.linspace(0.0, 1.0, n)[:, None]


def _huge_points() -> np.ndarray:
    return np.zeros((HUGE, 1))


def _cyclic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A relation on {0, 1, 2} with 0 < 1 < 2 < 0 strictly: not transitive."""
    i, j = a[:, 0].astype(int)[:, None], b[:, 0].astype(int)[None, :]
    return (i == j) | ((j - i) % 3 == 1)


def _finite(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_finite(v) for v in value)
    if isinstance(value, np.ndarray) and value.dtype != object:
        return bool(np.isfinite(value).all()) if np.issubdtype(value.dtype, np.number) else True
    if isinstance(value, float | np.floating):
        return math.isfinite(value)
    if isinstance(value, mercer.MercerExpansion):
        return bool(np.isfinite(value.eigenvalues).all()) and math.isfinite(value.total_squared)
    return True


def _with_threads(value: str) -> object:
    previous = os.environ.get("RELNB_THREADS")
    os.environ["RELNB_THREADS"] = value
    try:
        return reproducibility.start_chapter(0)
    finally:
        if previous is None:
            del os.environ["RELNB_THREADS"]
        else:
            os.environ["RELNB_THREADS"] = previous


def _fibonacci_interval() -> tuple[Fraction, Fraction]:
    """An interval around F(3001) / F(3000): its simplest rational has a continued fraction of ~3000 terms."""
    f = [1, 1]
    for _ in range(3000):
        f.append(f[-1] + f[-2])
    low = Fraction(f[-1], f[-2])
    return low, low + Fraction(1, 3 * f[-2] ** 2)


def _model() -> inner_product.AsymmetricInnerProduct:
    return inner_product.AsymmetricInnerProduct(
        inner_product.MLP(1, 2, width=4, seed=0), inner_product.MLP(1, 2, width=4, seed=1))


def _report_two_keys() -> str:
    task = retrieval.nearest_key_task()
    batch = task.sample(20, 2, gap=0.1, rng=np.random.default_rng(0))
    return repr(retrieval.retrieval_report(batch.utilities, batch, gap=0.1, eps=0.6))


PROBES: list[Probe] = [
    # --- A*: ordinary inputs refused --------------------------------------------------------
    Probe("gaussian_expansion-mean-float32", "A*",
          lambda: mercer.gaussian_expansion(2, lengthscale=1.0, mean=np.float32(0))),
    Probe("gaussian_expansion-mean-int64", "A*",
          lambda: mercer.gaussian_expansion(2, lengthscale=1.0, mean=np.int64(0))),
    Probe("total_variation-low-float32", "A*", lambda: bounds.total_variation(np.sin, np.float32(0), 1.0)),
    Probe("gaussian-lengthscale-0d-tensor", "A*", lambda: kernels.gaussian(_x(), lengthscale=torch.tensor(0.5))),
    Probe("soft_order-beta-0d-tensor", "A*", lambda: relations.soft_order(_x(), beta=torch.tensor(2.0))),
    Probe("softmax_weights-beta-0d-tensor", "A*",
          lambda: attention.softmax_weights([1.0, 2.0], beta=torch.tensor(1.0))),
    Probe("product_weights-float32", "A*",
          lambda: quadrature.product_weights(np.full(7, 1 / 7, dtype=np.float32))),
    Probe("relation_norm-float32-weights", "A*",
          lambda: gram.relation_norm(np.eye(7), np.full(7, 1 / 7, dtype=np.float32))),
    Probe("uniform-int64-n", "A*", lambda: quadrature.uniform(np.int64(3), np.float32(0), np.float32(1))),
    # --- B: exceptions that explain nothing ----------------------------------------------------
    Probe("gaussian-lengthscale-1e155", "B", lambda: kernels.gaussian(_x(), lengthscale=1e155)),
    Probe("gaussian_expansion-lengthscale-1e155", "B",
          lambda: mercer.gaussian_expansion(2, lengthscale=1e155)),
    Probe("gaussian_expansion-std-1e155", "B",
          lambda: mercer.gaussian_expansion(2, lengthscale=1.0, std=1e155), r"std.*underflows.*1e\+155"),
    Probe("neurons_for_error-eps-1e-20", "B",
          lambda: bounds.neurons_for_error(1e-20, [1.0], [1.0], [2.0, 0.0])),
    Probe("retrieval_report-repr-two-keys", "B", _report_two_keys),
    Probe("mercer_decomposition-kernel-str", "B",
          lambda: mercer.mercer_decomposition("gaussian", *quadrature.uniform(5), 2), r"callable.*str"),
    Probe("fit_relation-relation-str", "B",
          lambda: training.fit_relation(_model(), "order", *quadrature.uniform(5), steps=1), r"callable.*str"),
    Probe("total_variation-f-str", "B", lambda: bounds.total_variation("sin", 0.0, 1.0), r"callable.*str"),
    Probe("von_mises_expansion-kappa-1000", "B", lambda: mercer.von_mises_expansion(3, kappa=1000.0),
          r"kappa.*(overflow|too large).*1000"),
    Probe("numerical_rank-rtol-str", "B", lambda: gram.numerical_rank(np.eye(2), rtol="a"), r"rtol.*'a'"),
    Probe("check_density-rtol-nan", "B",
          lambda: rkbs.RKBSPair(lambda x: x, lambda y: y).check_density(_x(), _x(), rtol=float("nan")),
          r"rtol.*nan"),
    Probe("StepNetwork-lists", "B", lambda: bounds.StepNetwork(0.0, [1.0, 2.0], [0.1, 0.5])(np.array([0.3]))),
    Probe("RKBSPair-left-wrong-length", "B",
          lambda: rkbs.RKBSPair(lambda x: np.hstack([x, x]), lambda y: np.hstack([y, y])).left([1.0, 2.0, 3.0])(
              [[0.5]]),
          r"v must have.*2.*got.*3"),
    Probe("AsymmetricInnerProduct-strings", "B", lambda: inner_product.AsymmetricInnerProduct("a", "b"),
          r"phi.*MLP.*str"),
    Probe("SymmetricInnerProduct-linear", "B",
          lambda: inner_product.SymmetricInnerProduct(torch.nn.Linear(1, 2)), r"phi.*MLP.*Linear"),
    Probe("distance_to_psd_cone-1e300", "B",
          lambda: gram.distance_to_psd_cone(np.array([[1e300, 6e16], [6e16, 1.0]]))),
    # --- C: silent wrong or non-finite results -----------------------------------------------------
    Probe("gaussian_legendre-half_width-67", "C", lambda: quadrature.gaussian_legendre(2, half_width=67.0)),
    Probe("gaussian_legendre-half_width-1e3", "C", lambda: quadrature.gaussian_legendre(5, half_width=1e3)),
    Probe("uniform-huge-interval", "C", lambda: quadrature.uniform(3, -1e308, 1e308)),
    Probe("composite_legendre-huge-interval", "C", lambda: quadrature.composite_legendre([-1e308, 0.0, 1e308])),
    Probe("gaussian-lengthscale-1e-200", "C", lambda: kernels.gaussian(_x(), lengthscale=1e-200)),
    Probe("von_mises-kappa-1000", "C", lambda: kernels.von_mises(_x(), kappa=1000.0),
          r"kappa.*overflow.*1000"),
    Probe("von_mises_expansion-kappa-705", "C", lambda: mercer.von_mises_expansion(3, kappa=705.0),
          r"kappa.*(overflow|too large).*705"),
    Probe("gaussian_expansion-eigenfunctions-tail", "C",
          lambda: mercer.gaussian_expansion(5, lengthscale=1.0).eigenfunctions(np.array([[60.0], [-80.0]]))),
    Probe("neurons_for_error-negative-tail", "C",
          lambda: bounds.neurons_for_error(1.0, [1.0], [1.0], [-2.0, 0.0]), r"tails.*>= 0.*-2"),
    Probe("fit_relation-nan-target", "C",
          lambda: training.fit_relation(_model(), lambda a, b: np.full((len(a), len(b)), np.nan),
                                        *quadrature.uniform(5), steps=1), r"finite.*nan"),
    Probe("fit_relation-weights_y-without-nodes_y", "C",
          lambda: training.fit_relation(_model(), relations.order, *quadrature.uniform(5),
                                        weights_y=np.full(5, 0.2), steps=1), r"nodes_y.*weights_y"),
    Probe("numerical_rank-negative-rtol", "C", lambda: gram.numerical_rank([[1.0, 2.0], [2.0, 4.0]], rtol=-1.0),
          r"rtol.*-1"),
    Probe("numerical_rank-nan-rtol", "C", lambda: gram.numerical_rank(np.eye(2), rtol=float("nan")), r"rtol.*nan"),
    Probe("check_density-negative-rtol", "C",
          lambda: rkbs.RKBSPair(lambda x: np.hstack([x, x]), lambda y: np.hstack([y, y])).check_density(
              _x(), _x(), rtol=-1.0), r"rtol.*-1"),
    Probe("measure_utility-cyclic", "C",
          lambda: debreu.measure_utility([[0.0], [1.0], [2.0]], _cyclic, [[0.0], [1.0], [2.0]]),
          r"transitive"),
    Probe("strictly_below-cyclic", "C",
          lambda: debreu.strictly_below(_cyclic, [[0.0], [1.0], [2.0]], [[0.0], [1.0], [2.0]]), r"transitive"),
    Probe("barron_bound-fractional-neurons", "C", lambda: bounds.barron_bound([1.0], [1.0], [1.5], 0.0),
          r"neurons.*integer.*1.5"),
    Probe("StepNetwork-3-weights-2-thresholds", "C",
          lambda: bounds.StepNetwork(0.0, np.ones(3), np.array([0.1, 0.5])), r"weights.*thresholds.*3.*2"),
    Probe("order_schmidt-left-outside", "C", lambda: schmidt.order_schmidt(3).left([[5.0]]), r"\[0, 1\].*5"),
    Probe("min_beta-subnormal-gap", "C", lambda: attention.min_beta(3, 1e-310, 0.1), r"gap.*overflows.*1e-310"),
    Probe("required_beta-subnormal-gap", "C",
          lambda: attention.required_beta([[1e-310, 0.0, 0.0]], [0], 0.1), r"margin.*overflows.*1e-310"),
    Probe("distance_to_psd_cone-1e169", "C",
          lambda: gram.distance_to_psd_cone(np.array([[1e169, -1e169], [-1e169, -1e169]]))),
    Probe("distance_to_psd_cone-1.7e308", "C",
          lambda: gram.distance_to_psd_cone(np.array([[1.7e308, -1.7e308], [1.7e308, -1.7e308]])),
          r"distance.*overflows"),
    Probe("nystroem_errors-d-1500", "C",
          lambda: kernel_approx.nystroem_errors(kernel_approx.symmetric_problem("gaussian"), 1500, 1),
          r"d must be <= 1000.*1500"),
    Probe("glue-0d-tensor", "A*", lambda: reproducibility.glue("probe", torch.tensor(1.5))),
    Probe("start_chapter-2**64", "B", lambda: reproducibility.start_chapter(2**64), r"seed.*<=.*18446744073709551616"),
    Probe("RELNB_THREADS-superscript-two", "B", lambda: _with_threads("\u00b2"), r"RELNB_THREADS.*\u00b2"),
    Probe("rational_between-long-continued-fraction", "B", lambda: debreu.rational_between(*_fibonacci_interval())),
    # --- D: hangs and unguarded huge allocations -----------------------------------------------------
    Probe("optimal_allocation-total-1e20", "D", lambda: bounds.optimal_allocation([1.0, 0.5], [1.0, 1.0], 10**20),
          r"total.*<=.*100000000000000000000"),
    Probe("dyadic_grid-20-2", "D", lambda: debreu.dyadic_grid(20, 2), SIZE),
    Probe("dyadic_grid-20-3", "D", lambda: debreu.dyadic_grid(20, 3), SIZE),
    Probe("gram_matrix-huge", "D", lambda: gram.gram_matrix(np.zeros((HUGE, 2))), SIZE),
    Probe("gaussian-huge", "D", lambda: kernels.gaussian(_huge_points()), SIZE),
    Probe("laplace-huge", "D", lambda: kernels.laplace(_huge_points()), SIZE),
    Probe("brownian-huge", "D", lambda: kernels.brownian(_huge_points()), SIZE),
    Probe("brownian_bridge-huge", "D", lambda: kernels.brownian_bridge(_huge_points()), SIZE),
    Probe("von_mises-huge", "D", lambda: kernels.von_mises(_huge_points()), SIZE),
    Probe("polynomial-huge", "D", lambda: kernels.polynomial(_huge_points()), SIZE),
    Probe("order-huge", "D", lambda: relations.order(_huge_points()), SIZE),
    Probe("neg_squared_distance-huge", "D", lambda: relations.neg_squared_distance(_huge_points()), SIZE),
    Probe("soft_order-huge", "D", lambda: relations.soft_order(_huge_points()), SIZE),
    Probe("product_weights-huge", "D", lambda: quadrature.product_weights(np.full(HUGE, 1.0 / HUGE)), SIZE),
    Probe("tensor_rule-huge", "D", lambda: quadrature.tensor_rule(10**4, (0.0, 1.0), 3), SIZE),
    Probe("mercer_decomposition-huge", "D",
          lambda: mercer.mercer_decomposition(kernels.gaussian, _huge_points(), np.full(HUGE, 1.0 / HUGE), 2),
          SIZE),
    Probe("schmidt_decomposition-huge", "D",
          lambda: schmidt.schmidt_decomposition(relations.order, _huge_points(), np.full(HUGE, 1.0 / HUGE),
                                                _huge_points(), np.full(HUGE, 1.0 / HUGE), 2), SIZE),
    Probe("l2_distance-huge", "D",
          lambda: gram.l2_distance(relations.order, relations.order, _huge_points(), np.full(HUGE, 1.0 / HUGE),
                                   _huge_points(), np.full(HUGE, 1.0 / HUGE)), SIZE),
    Probe("bernstein_approximation-huge", "D", lambda: schmidt.bernstein_approximation(relations.order, HUGE),
          SIZE),
    Probe("fit_relation-huge", "D",
          lambda: training.fit_relation(_model(), relations.order, _huge_points(), np.full(HUGE, 1.0 / HUGE),
                                        steps=1), SIZE),
    Probe("Preorder.from_utility-huge", "D", lambda: preorder.Preorder.from_utility(np.arange(3 * HUGE)), SIZE),
    Probe("Preorder.from_comparison-huge", "D",
          lambda: preorder.Preorder.from_comparison(list(range(3 * HUGE)), lambda a, b: a <= b), SIZE),
    Probe("lexicographic_order-huge", "D", lambda: debreu.lexicographic_order(np.zeros((4 * HUGE, 2))), SIZE),
    Probe("softmax_attention-huge", "D",
          lambda: attention.softmax_attention(_huge_points(), _huge_points(), np.zeros(HUGE)), SIZE),
    Probe("attention_scores-huge", "D", lambda: attention.attention_scores(_huge_points(), _huge_points()), SIZE),
    Probe("RKBSPair.kernel-huge", "D",
          lambda: rkbs.RKBSPair(lambda x: x, lambda y: y).kernel(_huge_points()), SIZE),
    Probe("uniform-1e5-nodes", "D", lambda: quadrature.uniform(10**5), r"MAX_LEGENDRE_NODES.*100000"),
    Probe("gaussian_legendre-1e5-nodes", "D", lambda: quadrature.gaussian_legendre(10**5),
          r"MAX_LEGENDRE_NODES.*100000"),
    Probe("RetrievalTask-nan-utility", "C",
          lambda: retrieval.RetrievalTask("nan", lambda x, y: np.full(np.broadcast_shapes(x.shape[:-1],
                                                                                            y.shape[:-1]), np.nan)),
          r"utility.*finite.*nan"),
    Probe("parametric_measure_utility-huge", "D",
          lambda: debreu.parametric_measure_utility(lambda x, y: y[:, 0], _huge_points(), _huge_points(), nodes=4),
          SIZE),
    Probe("target_distance_utility-huge", "D",
          lambda: debreu.target_distance_utility(np.zeros(HUGE), _huge_points()), SIZE),
    Probe("tanh_interpolation-huge", "D", lambda: gram.tanh_interpolation(np.arange(float(HUGE)), np.zeros(HUGE)),
          SIZE),
    Probe("bernstein_networks-huge", "D", lambda: schmidt.bernstein_networks(relations.order, 4, 10**9), SIZE),
    Probe("RetrievalTask.preorder-huge", "D",
          lambda: retrieval.nearest_key_task().preorder([[0.0]], np.zeros((3 * HUGE, 1))), SIZE),
]


@contextlib.contextmanager
def _guarded(seconds: int = 20, headroom: int = 2**30) -> Iterator[None]:
    """Run with at most ``headroom`` more address space and an alarm after ``seconds``."""
    def alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"probe still running after {seconds} s")

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        used = int(f.read().split()[0]) * resource.getpagesize()
    limit = used + headroom if hard == resource.RLIM_INFINITY else min(hard, used + headroom)
    previous = signal.signal(signal.SIGALRM, alarm)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, previous)


def classify(probe: Probe) -> tuple[str, str]:
    """The review's class of the probe's outcome today, and what happened."""
    try:
        with _guarded():
            result = probe.call()
    except (MemoryError, TimeoutError) as exc:
        return "D", f"{type(exc).__name__}: {exc}"
    except (ValueError, TypeError) as exc:
        message = str(exc)
        if probe.reject is None:
            return "A*", f"ordinary input refused: {message}"
        if re.search(probe.reject, message, flags=re.IGNORECASE | re.DOTALL) and _raised_in_relnb(exc):
            return "A", message
        return "B", f"{type(exc).__name__}: {message}"
    except Exception as exc:
        return "B", f"{type(exc).__name__}: {exc}"
    if probe.reject is not None:
        return "C", f"accepted without a word: {_short(result)}"
    if not _finite(result):
        return "C", f"non-finite result: {_short(result)}"
    return "A", "accepted"


def _raised_in_relnb(exc: BaseException) -> bool:
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return last is not None and "relnb" in last.replace("\\", "/").split("/tests/")[-1]


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # a result that cannot even be printed
        text = f"<{type(value).__name__} whose repr raises {type(exc).__name__}: {exc}>"
    return text if len(text) < 200 else text[:197] + "..."


@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
def test_probe(probe: Probe) -> None:
    category, detail = classify(probe)
    assert category == "A", f"{probe.name} (review class {probe.review_class}): class {category}: {detail}"


def test_every_review_class_is_probed() -> None:
    assert {p.review_class for p in PROBES} == {"A*", "B", "C", "D"}


def test_size_limit_is_a_constant_a_user_can_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refusal names the limit; raising ``MAX_BYTES`` lets the same call through."""
    x = np.zeros((300, 1))
    monkeypatch.setattr(V, "MAX_BYTES", 300 * 300 * 8 - 1)
    with pytest.raises(ValueError, match="MAX_BYTES"):
        kernels.gaussian(x)
    monkeypatch.setattr(V, "MAX_BYTES", 300 * 300 * 8)
    assert kernels.gaussian(x).shape == (300, 300)


def main() -> None:
    counts: dict[str, dict[str, int]] = {}
    for probe in PROBES:
        category, detail = classify(probe)
        counts.setdefault(probe.review_class, {}).setdefault(category, 0)
        counts[probe.review_class][category] += 1
        if category != "A":
            print(f"{probe.name:45s} review {probe.review_class:2s} now {category:2s} {detail[:150]}")
    total: dict[str, int] = {}
    for review_class in sorted(counts):
        print(f"review class {review_class}: now {counts[review_class]}")
        for k, v in counts[review_class].items():
            total[k] = total.get(k, 0) + v
    print(f"all {len(PROBES)} probes: {total}")




# --- every parameter of every public numpy/torch-layer function, swept with generic bad values --------------

def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


_X5, _W5 = quadrature.uniform(5)
_GRAM = kernels.gaussian(_X5)
_TASK = retrieval.nearest_key_task()
_BATCH = _TASK.sample(10, 3, gap=0.1, rng=np.random.default_rng(0))
_PAIR = rkbs.RKBSPair(lambda x: np.hstack([x, np.ones_like(x)]), lambda y: np.hstack([np.ones_like(y), y]))


def _leq(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[:, :1].sum(axis=1)[:, None] <= b[:, :1].sum(axis=1)[None, :]


#: name -> (callable, keyword arguments of one valid call); every argument is then replaced by bad values
CALLS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "relations.order": (relations.order, {"X": _X5, "Y": _X5}),
    "relations.neg_squared_distance": (relations.neg_squared_distance, {"X": _X5, "Y": _X5}),
    "relations.soft_order": (relations.soft_order, {"X": _X5, "Y": _X5, "beta": 3.0}),
    "kernels.gaussian": (kernels.gaussian, {"X": _X5, "Y": _X5, "lengthscale": 0.5}),
    "kernels.laplace": (kernels.laplace, {"X": _X5, "Y": _X5, "lengthscale": 0.5}),
    "kernels.brownian": (kernels.brownian, {"X": _X5, "Y": _X5}),
    "kernels.brownian_bridge": (kernels.brownian_bridge, {"X": _X5, "Y": _X5}),
    "kernels.von_mises": (kernels.von_mises, {"X": _X5, "Y": _X5, "kappa": 2.0}),
    "kernels.polynomial": (kernels.polynomial, {"X": _X5, "Y": _X5, "degree": 2, "c": 1.0}),
    "gram.gram_matrix": (gram.gram_matrix, {"features_x": _GRAM, "features_y": _GRAM}),
    "gram.symmetric_part": (gram.symmetric_part, {"matrix": _GRAM}),
    "gram.antisymmetric_part": (gram.antisymmetric_part, {"matrix": _GRAM}),
    "gram.relation_norm": (gram.relation_norm, {"matrix": _GRAM, "weights": _W5}),
    "gram.numerical_rank": (gram.numerical_rank, {"matrix": _GRAM, "rtol": 1e-8}),
    "gram.distance_to_psd_cone": (gram.distance_to_psd_cone, {"matrix": _GRAM, "weights": _W5, "rank": 2}),
    "gram.psd_projection": (gram.psd_projection, {"matrix": _GRAM, "weights": _W5, "rank": 2}),
    "gram.l2_distance": (gram.l2_distance, {"relation_a": relations.order, "relation_b": kernels.gaussian,
                                            "nodes_x": _X5, "weights_x": _W5, "nodes_y": _X5, "weights_y": _W5}),
    "gram.tanh_interpolation": (gram.tanh_interpolation, {"points": _X5, "values": _X5[:, 0]}),
    "quadrature.uniform": (quadrature.uniform, {"n": 3, "low": 0.0, "high": 1.0}),
    "quadrature.gaussian": (quadrature.gaussian, {"n": 3, "mean": 0.0, "std": 1.0}),
    "quadrature.gaussian_legendre": (quadrature.gaussian_legendre, {"n": 3, "mean": 0.0, "std": 1.0,
                                                                    "half_width": 8.0}),
    "quadrature.circle": (quadrature.circle, {"n": 3}),
    "quadrature.product_weights": (quadrature.product_weights, {"weights_x": _W5, "weights_y": _W5}),
    "quadrature.tensor_rule": (quadrature.tensor_rule, {"n": 3, "box": (0.0, 1.0), "dim": 2}),
    "quadrature.composite_legendre": (quadrature.composite_legendre, {"breakpoints": np.array([0.0, 0.5, 1.0]),
                                                                      "order": 2}),
    "quadrature.split_rule": (quadrature.split_rule, {"nodes": 3, "order": 2}),
    "mercer.brownian_expansion": (mercer.brownian_expansion, {"rank": 3}),
    "mercer.gaussian_expansion": (mercer.gaussian_expansion, {"rank": 3, "lengthscale": 0.5, "mean": 0.0,
                                                              "std": 1.0}),
    "mercer.von_mises_expansion": (mercer.von_mises_expansion, {"rank": 3, "kappa": 1.0}),
    "mercer.discretized_operator": (mercer.discretized_operator, {"kernel": kernels.gaussian, "nodes": _X5,
                                                                  "weights": _W5}),
    "mercer.mercer_decomposition": (mercer.mercer_decomposition, {"kernel": kernels.gaussian, "nodes": _X5,
                                                                  "weights": _W5, "rank": 2}),
    "bounds.total_variation": (bounds.total_variation, {"f": np.sin, "low": 0.0, "high": 1.0, "grid": 101}),
    "bounds.staircase_network": (bounds.staircase_network, {"f": np.sin, "low": 0.0, "high": 1.0,
                                                            "tolerance": 0.1, "grid": 101}),
    "bounds.maurey_network": (bounds.maurey_network, {"f": np.sin, "low": 0.0, "high": 1.0, "units": 4,
                                                      "rng": _rng(), "grid": 101}),
    "bounds.maurey_variance": (bounds.maurey_variance, {"f": np.sin, "low": 0.0, "high": 1.0, "nodes": _X5[:, 0],
                                                        "weights": _W5, "grid": 101}),
    "bounds.barron_bound": (bounds.barron_bound, {"eigenvalues": np.array([1.0, 0.5]),
                                                  "constants": np.array([1.0, 1.0]),
                                                  "neurons": np.array([4.0, 4.0]), "tail": 0.1}),
    "bounds.optimal_allocation": (bounds.optimal_allocation, {"eigenvalues": np.array([1.0, 0.5]),
                                                              "constants": np.array([1.0, 1.0]), "total": 10}),
    "bounds.neurons_for_error": (bounds.neurons_for_error, {"epsilon": 0.5, "eigenvalues": np.array([1.0]),
                                                            "constants": np.array([1.0]),
                                                            "tails": np.array([2.0, 0.0])}),
    "schmidt.order_schmidt": (schmidt.order_schmidt, {"rank": 3}),
    "schmidt.schmidt_decomposition": (schmidt.schmidt_decomposition, {
        "relation": relations.order, "nodes_x": _X5, "weights_x": _W5, "nodes_y": _X5, "weights_y": _W5,
        "rank": 2}),
    "schmidt.bernstein_approximation": (schmidt.bernstein_approximation, {"relation": relations.order,
                                                                          "degree": 4}),
    "schmidt.bernstein_error_bound": (schmidt.bernstein_error_bound, {"degree": 4, "lipschitz": (1.0, 1.0)}),
    "preorder.midpoint_embedding": (preorder.midpoint_embedding, {"values": np.array([0.5, 0.25, 1.0])}),
    "debreu.dyadic_grid": (debreu.dyadic_grid, {"level": 2, "dim": 2}),
    "debreu.lexicographic_order": (debreu.lexicographic_order, {"X": _X5, "Y": _X5}),
    "debreu.measure_utility": (debreu.measure_utility, {"Y": _X5, "relation": _leq, "Z": _X5,
                                                        "weights": _W5, "chunk": 100}),
    "debreu.strictly_below": (debreu.strictly_below, {"relation": _leq, "Z": _X5, "Y": _X5}),
    "debreu.uniform_sum_utility": (debreu.uniform_sum_utility, {"Y": np.hstack([_X5, _X5]), "side": 1.0}),
    "debreu.target_distance_utility": (debreu.target_distance_utility, {"targets": _X5[:, 0], "keys": _X5[:, 0]}),
    "debreu.rational_between": (debreu.rational_between, {"low": 0.25, "high": 0.5}),
    "attention.softmax_weights": (attention.softmax_weights, {"scores": _GRAM, "beta": 2.0}),
    "attention.attention_scores": (attention.attention_scores, {"queries": _X5, "keys": _X5}),
    "attention.softmax_attention": (attention.softmax_attention, {"queries": _X5, "keys": _X5,
                                                                  "values": _X5[:, 0], "beta": 2.0}),
    "attention.selection_error": (attention.selection_error, {"scores": _GRAM, "selected": np.arange(5),
                                                              "beta": 2.0}),
    "attention.selection_error_bound": (attention.selection_error_bound, {"n": 3, "gap": 0.5, "beta": 2.0}),
    "attention.min_beta": (attention.min_beta, {"n": 3, "gap": 0.5, "eps": 0.1}),
    "attention.worst_case_scores": (attention.worst_case_scores, {"n": 3, "gap": 0.5, "top": 0.0}),
    "attention.required_beta": (attention.required_beta, {"scores": _GRAM, "selected": np.arange(5),
                                                          "eps": 0.1}),
    "retrieval.lift_query": (retrieval.lift_query, {"X": _X5}),
    "retrieval.lift_key": (retrieval.lift_key, {"Y": _X5}),
    "retrieval.moving_target": (retrieval.moving_target, {"queries": _X5}),
    "retrieval.nearest_key_task": (retrieval.nearest_key_task, {"dim": 1, "low": -1.0, "high": 1.0}),
    "retrieval.switching_target_task": (retrieval.switching_target_task, {"switch": 0.5}),
    "retrieval.instance_scores": (retrieval.instance_scores, {"relation": _TASK.relation, "queries": _X5,
                                                              "keys": np.stack([_X5] * 5), "chunk": 2}),
    "retrieval.retrieval_report": (retrieval.retrieval_report, {"scores": _BATCH.utilities, "batch": _BATCH,
                                                                "gap": 0.1, "eps": 0.1, "delta": 0.0}),
    "RKBSPair": (rkbs.RKBSPair, {"phi": _PAIR.phi, "psi": _PAIR.psi, "p": 2.0}),
    "RKBSPair.kernel": (_PAIR.kernel, {"x": _X5, "y": _X5}),
    "RKBSPair.check_density": (_PAIR.check_density, {"x": _X5, "y": _X5, "rtol": 1e-8}),
    "StepNetwork": (bounds.StepNetwork, {"bias": 0.0, "weights": np.ones(2), "thresholds": np.array([0.2, 0.6])}),
    "inner_product.MLP": (inner_product.MLP, {"in_dim": 1, "out_dim": 2, "width": 4, "seed": 0}),
    "training.fit_relation": (training.fit_relation, {"model": _model(), "relation": relations.order,
                                                      "nodes": _X5, "weights": _W5, "steps": 1, "lr": 0.01}),
}

_PROBLEM = kernel_approx.symmetric_problem("gaussian")
_PROBLEM4 = kernel_approx.mercer_problem("gaussian4")
_MLP = inner_product.MLP(1, 2, width=4, seed=0)
_PRE = preorder.Preorder.from_utility(np.array([0.5, 0.25, 1.0]))
_LEQ3 = _PRE.relation
_NET = bounds.staircase_network(np.sin, 0.0, 1.0, tolerance=0.1, grid=101)
_FEATURES = _GRAM[:, :2]


def _score(x: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    return -((x - nodes) ** 2).sum(axis=1)


#: the heavier callables of issue 20's second round: tiny sizes, few steps, one seed
CALLS.update({
    "bounds.certified_sup_error": (bounds.certified_sup_error, {
        "f": np.sin, "network": _NET, "low": 0.0, "high": 1.0, "sharpness": 50.0, "derivative_bound": 1.0,
        "grid": 101}),
    "certify.certify_sup_error": (certify.certify_sup_error, {
        "model": inner_product.order_model(1, width=4), "task": _TASK, "utility_curvature": (1.0, 1.0),
        "grid": 11, "chunk": 50}),
    "certify.grid_sup_bound": (certify.grid_sup_bound, {"grid_max": 0.1, "spacing": (0.01, 0.01),
                                                        "lipschitz": (1.0, 1.0)}),
    "certify.mlp_derivative_bounds": (certify.mlp_derivative_bounds, {"mlp": _MLP}),
    "debreu.parametric_measure_utility": (debreu.parametric_measure_utility, {
        "score": _score, "queries": _X5, "keys": _X5, "nodes": 16, "intervals": 2}),
    "debreu.relation_matrix": (debreu.relation_matrix, {"relation": _leq, "A": _X5, "B": _X5}),
    "debreu.utility_relation": (debreu.utility_relation, {"f": np.sin}),
    "gram.sup_norm_gram_fit": (gram.sup_norm_gram_fit, {"kernel_matrix": _GRAM, "d": 2, "seed": 0,
                                                        "max_iter": 20}),
    "inner_product.AsymmetricInnerProduct": (inner_product.AsymmetricInnerProduct, {"phi": _MLP, "psi": _MLP}),
    "inner_product.QueryKeyAttention": (inner_product.QueryKeyAttention, {"phi": _MLP, "psi": _MLP}),
    "inner_product.SymmetricInnerProduct": (inner_product.SymmetricInnerProduct, {"phi": _MLP}),
    "inner_product.order_model": (inner_product.order_model, {"d": 2, "seed": 0, "width": 4, "depth": 1,
                                                              "low": 0.0, "high": 1.0, "scale": 10.0}),
    "inner_product.retrieval_model": (inner_product.retrieval_model, {"d": 2, "width": 4, "depth": 1,
                                                                      "activation": "silu", "seed": 0}),
    "inner_product.spread_first_layer": (inner_product.spread_first_layer, {
        "mlp": inner_product.MLP(1, 2, width=4, seed=0), "low": np.array([0.0]), "high": np.array([1.0]),
        "scale": 10.0, "seed": 0}),
    "kernel_approx.nystroem_errors": (kernel_approx.nystroem_errors, {"problem": _PROBLEM, "d": 2, "seeds": 1}),
    "kernel_approx.readout_error": (kernel_approx.readout_error, {
        "problem": _PROBLEM, "features": lambda x: np.hstack([np.ones_like(x), x]), "d": 2,
        "valid_kernel": _PROBLEM.kernel(_PROBLEM.valid[0])}),
    "kernel_approx.rff_errors": (kernel_approx.rff_errors, {"problem": _PROBLEM, "d": 2, "seeds": 1}),
    "kernel_approx.mercer_problem": (kernel_approx.mercer_problem, {"name": "gaussian4"}),
    "kernel_approx.mercer_error": (kernel_approx.mercer_error, {
        "problem": _PROBLEM4, "phi": _PROBLEM4.expansion.truncate(2).features}),
    "quadrature.sobol_normal": (quadrature.sobol_normal, {"log2_points": 4, "dim": 2, "seed": 0}),
    "readout.best_readout_low_rank": (readout.best_readout_low_rank, {
        "features": np.hstack([np.ones((5, 1)), _X5]), "factor": np.hstack([np.ones((5, 1)), _X5 ** 2]),
        "weights": np.full(5, 0.2), "d": 1, "rcond": 1e-12}),
    "training.initial_network": (training.initial_network, {
        "inputs": 1, "d": 2, "width": 4, "depth": 1, "seed": 0, "spread": (0.0, 1.0, 10.0)}),
    "training.fit_low_rank": (training.fit_low_rank, {
        "model": inner_product.SymmetricInnerProduct(inner_product.MLP(1, 2, width=4, seed=0)),
        "factor": np.hstack([np.ones((5, 1)), _X5]), "nodes": _X5, "weights": np.full(5, 0.2), "lbfgs_steps": 2,
        "seed": 0}),
    "kernel_approx.rff_expected_error": (kernel_approx.rff_expected_error, {"d": 2, "lengthscale": 0.5,
                                                                            "std": 1.0}),
    "kernel_approx.symmetric_problem": (kernel_approx.symmetric_problem, {"name": "gaussian"}),
    "mercer.gaussian_tensor_expansion": (mercer.gaussian_tensor_expansion, {
        "rank": 3, "dim": 2, "lengthscale": 0.5, "std": 1.0, "tol": 1e-40}),
    "preorder.Preorder": (preorder.Preorder, {"relation": _LEQ3}),
    "preorder.Preorder.from_matrix": (preorder.Preorder.from_matrix, {"R": _LEQ3.astype(float)}),
    "preorder.Preorder.from_utility": (preorder.Preorder.from_utility, {"u": np.array([0.5, 0.25, 1.0])}),
    "preorder.Preorder.from_comparison": (preorder.Preorder.from_comparison, {
        "items": (0.5, 0.25, 1.0), "leq": lambda a, b: a <= b}),
    "preorder.Preorder.represents": (_PRE.represents, {"u": np.array([0.5, 0.25, 1.0])}),
    "preorder.Preorder.misrepresented_pair": (_PRE.misrepresented_pair, {"u": np.array([0.5, 0.25, 1.0])}),
    "preorder.Preorder.strict": (_PRE.strict, {"i": 0, "j": 2}),
    "preorder.Preorder.indifferent": (_PRE.indifferent, {"i": 0, "j": 2}),
    "preorder.Preorder.maximal": (_PRE.maximal, {"subset": [0, 1]}),
    "preorder.Preorder.utility": (_PRE.utility, {"method": "rank"}),
    "preorder.dyadic_utility": (preorder.dyadic_utility, {"below": np.array([[False, True], [False, False]])}),
    "preorder.gap_repair": (preorder.gap_repair, {"dense": np.array([0.25, 0.5]), "values": np.array([0.3])}),
    "quadrature.product_rule": (quadrature.product_rule, {"rule": (_X5, _W5), "dim": 2}),
    "readout.best_readout": (readout.best_readout, {"features": _FEATURES, "kernel_matrix": _GRAM,
                                                    "weights": _W5, "d": 2, "rcond": 1e-12}),
    "readout.readout_by_search": (readout.readout_by_search, {"features": _FEATURES, "kernel_matrix": _GRAM,
                                                              "weights": _W5, "d": 2, "starts": 1, "seed": 0}),
    "retrieval.moving_bump_task": (retrieval.moving_bump_task, {}),
    "retrieval.moving_target_task": (retrieval.moving_target_task, {"kind": "squared", "width": 0.15}),
    "schmidt.bernstein_networks": (schmidt.bernstein_networks, {"relation": relations.order, "degree": 3,
                                                                "units": 4}),
    "training.random_network_errors": (training.random_network_errors, {
        "problem": _PROBLEM, "d": 2, "seeds": 1, "width": 4, "depth": 1}),
    "retrieval.RetrievalTask": (retrieval.RetrievalTask, {"name": "nearest", "utility": _TASK.utility,
                                                          "query_dim": 1, "key_dim": 1, "query_box": (-1.0, 1.0),
                                                          "key_box": (-1.0, 1.0)}),
    "rkbs.PairedFunction": (rkbs.PairedFunction, {"pair": _PAIR, "side": "x", "coef": np.array([1.0, 0.5])}),
    "training.solve_readout": (training.solve_readout, {"model": _model(), "relation_matrix": _GRAM,
                                                        "nodes": _X5, "weights": _W5}),
})

#: the public callables of the numpy and torch layers that neither the sweep nor the property call, and why:
#: containers that relnb builds and returns (their fields were validated by the function that made them)
NOT_SWEPT: dict[str, str] = {
    "attention.AttentionResult": "result of softmax_attention / QueryKeyAttention",
    "certify.SupErrorCertificate": "result of certify_sup_error",
    "debreu.MeasureUtilityValues": "result of parametric_measure_utility",
    "gram.PSDDistance": "result of distance_to_psd_cone",
    "gram.TanhInterpolant": "result of tanh_interpolation",
    "kernel_approx.MercerError": "result of mercer_error",
    "kernel_approx.MercerProblem": "result of mercer_problem (the only way the book builds one)",
    "kernel_approx.SymmetricProblem": "result of symmetric_problem (the only way the book builds one)",
    "mercer.MercerExpansion": "result of the *_expansion functions and mercer_decomposition",
    "readout.Readout": "result of best_readout",
    "retrieval.RetrievalBatch": "result of RetrievalTask.sample",
    "retrieval.RetrievalReport": "result of retrieval_report",
    "schmidt.SchmidtExpansion": "result of order_schmidt and schmidt_decomposition",
    "training.FitHistory": "result of fit_relation",
}

#: relnb's book layer (figures, exercise checks, benchmarks, seeding, test helpers): not the issue's API
BOOK_LAYER = {"plotting", "checks", "bench", "reproducibility", "testing"}


def _public_callables() -> dict[str, Callable[..., Any]]:
    """Every callable in the ``__all__`` of a numpy- or torch-layer module, defined in that module."""
    found = {}
    for info in pkgutil.iter_modules(relnb.__path__):
        if info.name.startswith("_") or info.name in BOOK_LAYER:
            continue
        module = importlib.import_module(f"relnb.{info.name}")
        for attr in module.__all__:
            obj = getattr(module, attr)
            if callable(obj) and getattr(obj, "__module__", None) == module.__name__:
                found[f"{info.name}.{attr}"] = obj
    return found


def test_every_public_callable_is_swept_or_excluded_with_a_reason() -> None:
    """Coverage cannot silently regress: a new public callable must join CALLS or NOT_SWEPT."""
    registered = {id(getattr(f, "__func__", f)) for f, _ in CALLS.values()}
    public = _public_callables()
    missing = sorted(name for name, f in public.items() if id(f) not in registered and name not in NOT_SWEPT)
    assert not missing, f"public callables neither in CALLS nor in NOT_SWEPT: {missing}"
    stale = sorted(name for name in NOT_SWEPT if name not in public or id(public[name]) in registered)
    assert not stale, f"NOT_SWEPT names that are not public or are swept after all: {stale}"


_NAN_FIRST = "array with NaN"


def _bad_values(value: Any) -> list[tuple[str, Any]]:
    """Generic bad replacements for a valid argument, by its kind."""
    if isinstance(value, bool):
        return []
    if isinstance(value, float):
        return [("str", "abc"), ("nan", math.nan), ("inf", math.inf), ("complex", 1 + 1j), ("bool", True)]
    if isinstance(value, int):
        return [("fraction", 2.5), ("str", "3"), ("bool", True), ("nan", math.nan)]
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        nan, inf = value.copy(), value.copy()
        nan.flat[0], inf.flat[-1] = np.nan, -np.inf
        return [(_NAN_FIRST, nan), ("array with -inf", inf), ("str", "abc"), ("complex array", value + 1j),
                ("3-d empty array", np.zeros((0, 0, 0))), ("object array", np.array([None, "a"], dtype=object))]
    if callable(value) and not isinstance(value, type):
        return [("str", "abc"), ("number", 3.0)]
    return []


SWEEP = [(name, param, label, bad) for name, (f, kwargs) in CALLS.items()
         for param, value in kwargs.items() for label, bad in _bad_values(value)]


@pytest.mark.parametrize("name", list(CALLS))
def test_valid_call_is_finite(name: str) -> None:
    """The sweep's baseline: the valid call answers, finitely."""
    f, kwargs = CALLS[name]
    category, detail = classify(Probe(name, "A", lambda: f(**kwargs)))
    assert category == "A", detail


@pytest.mark.parametrize(("name", "param", "label", "bad"), SWEEP,
                         ids=[f"{n}-{p}-{lab}" for n, p, lab, _ in SWEEP])
def test_bad_argument_is_refused_by_relnb(name: str, param: str, label: str, bad: Any) -> None:
    """Each bad argument gets a ValueError/TypeError raised by relnb that names the parameter."""
    f, kwargs = CALLS[name]
    probe = Probe(f"{name}({param}={label})", "sweep", lambda: f(**{**kwargs, param: bad}),
                  reject=re.escape(param) + "|" + _NAMES.get((name, param), re.escape(param)))
    category, detail = classify(probe)
    assert category == "A", f"{probe.name}: class {category}: {detail}"


#: where the message names the argument in the words of the mathematics (e.g. "relation(X, Y)" for a
#: matrix that a relation returned), the pattern that counts as naming it
_NAMES: dict[tuple[str, str], str] = {}


def main_sweep() -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, param, label, bad in SWEEP:
        f, kwargs = CALLS[name]
        probe = Probe(f"{name}({param}={label})", "sweep", lambda f=f, kwargs=kwargs, param=param, bad=bad:
                      f(**{**kwargs, param: bad}), reject=re.escape(param) + "|" + _NAMES.get((name, param),
                                                                                              re.escape(param)))
        category, detail = classify(probe)
        counts[category] = counts.get(category, 0) + 1
        if category != "A":
            print(f"{probe.name:60s} {category:2s} {detail[:140]}")
    print(f"sweep: {len(SWEEP)} bad arguments over {len(CALLS)} callables: {counts}")
    return counts


# --- hypothesis: arbitrary arrays (finite or not, any small shape) into every array argument ---------------

_ARRAYS = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
    elements={"allow_nan": True, "allow_infinity": True, "allow_subnormal": True},
)
_ARRAY_PARAMS = [(name, param) for name, (f, kwargs) in CALLS.items()
                 for param, value in kwargs.items() if isinstance(value, np.ndarray)]


@pytest.mark.parametrize(("name", "param"), _ARRAY_PARAMS, ids=[f"{n}-{p}" for n, p in _ARRAY_PARAMS])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(array=_ARRAYS)
def test_arbitrary_array_gives_finite_output_or_a_relnb_error(name: str, param: str, array: np.ndarray) -> None:
    """Either a finite result or a ValueError/TypeError raised by relnb itself, never anything else."""
    f, kwargs = CALLS[name]
    try:
        with _guarded():
            result = f(**{**kwargs, param: array})
    except (ValueError, TypeError) as exc:
        assert _raised_in_relnb(exc), f"{type(exc).__name__} raised outside relnb: {exc}"
        return
    assert _finite(result), f"non-finite result {_short(result)}"


if __name__ == "__main__":
    main()
    main_sweep()
    sys.exit(0)


# --- where the mathematics has a representable answer, it is the answer (not only finite) ------------------

def _exact_neurons(eps: float) -> int:
    """Smallest N with 4 / sqrt(N) + 4 / N <= eps (lambda = C = 1, tau_1 = 0), in 60-digit decimals."""
    from decimal import Decimal, getcontext

    getcontext().prec = 60
    e = Decimal(eps)
    root = (4 + (16 + 16 * e).sqrt()) / (2 * e)  # sqrt(N) at equality
    return int((root * root).to_integral_value(rounding="ROUND_CEILING"))


@pytest.mark.parametrize("eps", [1e-1, 1e-3, 1e-8, 1e-15, 1e-20])
def test_neurons_for_error_matches_the_exact_root(eps: float) -> None:
    # the stable root has relative error a few ulps; ceil then moves N by at most one unit when N is small,
    # and by the float spacing of N (relative 2.2e-16) when it is not: 1e-12 covers both with margin
    d, n = bounds.neurons_for_error(eps, [1.0], [1.0], [2.0, 0.0])
    exact = _exact_neurons(eps)
    assert d == 1
    assert abs(n - exact) <= max(1, 1e-12 * exact), (n, exact)


def test_gaussian_kernel_at_extreme_lengthscales() -> None:
    x = np.array([[0.0], [1.0], [2.0]])
    assert np.array_equal(kernels.gaussian(x, lengthscale=1e-200), np.eye(3))  # exp(-huge) = 0 off the diagonal
    assert np.array_equal(kernels.gaussian(x, lengthscale=1e155), np.ones((3, 3)))  # exp(-tiny) = 1
    far = np.array([[0.0], [1e200]])
    # |x - y|^2 = 1e400 overflows, |x - y| / ell = 10 does not: k = exp(-50), to rounding of the division
    assert kernels.gaussian(far, lengthscale=1e199)[0, 1] == pytest.approx(math.exp(-50.0), rel=1e-13, abs=0.0)


def test_gaussian_legendre_when_every_density_value_underflows() -> None:
    nodes, weights = quadrature.gaussian_legendre(2, half_width=67.0)
    # two nodes symmetric about the mean carry equal density: the normalised weights are 1/2 exactly
    assert np.array_equal(weights, [0.5, 0.5])
    assert nodes[:, 0] == pytest.approx([-67 / math.sqrt(3), 67 / math.sqrt(3)], rel=1e-15)


def test_gaussian_eigenfunctions_in_the_tail() -> None:
    # at x = 37 (s = ell = 1) e^{-t^2/2} underflows and e^{a z^2} is e^{342}, but e_0 and e_1 are about 1e-179
    ell, s, x = 1.0, 1.0, 37.0
    a, b = 1 / (4 * s**2), 1 / (2 * ell**2)
    c = math.sqrt(a**2 + 2 * a * b)
    e0 = (c / a) ** 0.25 * math.exp(-(c - a) * x**2)
    e1 = e0 * math.sqrt(2.0) * math.sqrt(2 * c) * x  # H_1(t) / sqrt(2) = sqrt(2) t
    values = mercer.gaussian_expansion(2, lengthscale=ell, std=s).eigenfunctions([[x]])[0]
    # one exp of an argument near -412: relative error a few hundred ulps (the argument's rounding times 412)
    assert values == pytest.approx([e0, e1], rel=1e-12, abs=0.0)


def test_retrieval_report_prints_when_no_temperature_is_needed() -> None:
    task = retrieval.nearest_key_task()
    batch = task.sample(20, 2, gap=0.1, rng=np.random.default_rng(0))
    report = retrieval.retrieval_report(batch.utilities, batch, gap=0.1, eps=0.6)
    assert report.measured_beta == 0.0 and report.bound_beta == 0.0  # two keys, eps >= 1/2: beta = 0 suffices
    assert math.isnan(report.ratio)
    assert "ratio=nan" in repr(report)


def test_distance_to_psd_cone_of_huge_entries() -> None:
    # [[1, -1], [-1, -1]] has eigenvalues +-sqrt(2): the distance is sqrt(2) times the scale, to rounding
    result = gram.distance_to_psd_cone(np.array([[1e169, -1e169], [-1e169, -1e169]]))
    assert result.distance == pytest.approx(math.sqrt(2.0) * 1e169, rel=1e-14, abs=0.0)
    low, high = _fibonacci_interval()
    assert low < debreu.rational_between(low, high) < high
