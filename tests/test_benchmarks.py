"""Tests of the benchmark producers in benchmarks/ (outside the package): the symmetric training recipe."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

from relnb import kernel_approx
from relnb.gram import relation_norm

sys.path.insert(0, str(ROOT / "benchmarks"))
from problems import fit_symmetric


def test_fit_symmetric_reports_both_errors() -> None:
    problem = kernel_approx.symmetric_problem("gaussian")
    result = fit_symmetric(problem, 3, width=16, depth=1, design={"steps": 0, "lbfgs_steps": 30,
                                                                       "readout": "eckart_young"})
    tau = problem.expansion.tail_l2(3)
    assert 1 - 1e-9 < result.valid_error / tau < 1.01 and result.train_error > 0 and result.seconds >= 0
    xv, wv = problem.valid  # the trained model comes back with the result
    assert relation_norm(problem.kernel(xv) - result.model.relation(xv), wv) == pytest.approx(result.valid_error)
    with pytest.raises(ValueError, match="problem must be a SymmetricProblem"):
        fit_symmetric("gaussian", 3, width=16, depth=1, design={})
