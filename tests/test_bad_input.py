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
import math
import re
import resource
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch

import relnb._validation as V
from relnb import (
    attention,
    bounds,
    debreu,
    gram,
    inner_product,
    kernels,
    mercer,
    preorder,
    quadrature,
    relations,
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
    text = repr(value)
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


if __name__ == "__main__":
    sys.exit(main())
