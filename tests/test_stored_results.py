"""The stored training results are the output of the committed code (in the locked environment).

``book/mercer.ipynb`` draws its equal-budget figure from ``book/data/mercer_results.json`` and recomputes
d = 4, 8, 16 for its claims. That the file holds exactly what ``benchmarks/train_mercer.py`` computes is a
statement about one floating-point environment: the lock's versions and ``numerics.env`` (which ``make``
exports). There it holds to rounding (rtol 1e-9: the same calls, the same code paths, so any difference is a
change of code, seeds or data). Elsewhere it need not: Nystrom's 33 x 33 landmark Gram matrix is numerically
singular, and at d = 16 single seeds move by up to 20 % between BLAS builds (measured by the reader test,
``scripts/reader_test.py``). So this check lives here, not in the chapter a reader runs.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from conftest import ROOT, pinned_numerics

from relnb import bench, kernel_approx, training

RESULTS = ROOT / "book" / "data" / "mercer_results.json"
SEEDS, BUDGET, WIDTH, DEPTH = 20, 33, 32, 2


def _locked_environment(meta: dict) -> bool:
    import sklearn
    import torch

    versions = {"numpy": np.__version__, "torch": torch.__version__, "sklearn": sklearn.__version__}
    pinned = all(os.environ.get(k) == v for k, v in pinned_numerics().items())
    return pinned and all(meta.get(k) == v for k, v in versions.items())


@pytest.fixture(scope="module")
def results() -> dict:
    results = bench.load_mercer_results(RESULTS)
    # Not a skip: `make unit` always runs in the lock, so a mismatch means the lock and the file disagree.
    assert _locked_environment(results["meta"]), (
        f"the file was written with {({k: results['meta'].get(k) for k in ('numpy', 'torch', 'sklearn')})}; "
        "run through make, in the locked environment (requirements/book.txt, numerics.env)")
    return results


@pytest.mark.parametrize("d", [4, 8, 16])
def test_equal_budget_baselines_are_the_committed_code(results: dict, d: int) -> None:
    meta, res = results["meta"], results["gaussian"]
    assert (meta["baseline_seeds"], meta["budget_features"]) == (SEEDS, BUDGET)
    problem = kernel_approx.symmetric_problem("gaussian")
    recomputed = {
        "budget_random": training.random_network_errors(problem, d, SEEDS, width=WIDTH, depth=DEPTH),
        "budget_nystroem": kernel_approx.nystroem_errors(problem, d, SEEDS, features=BUDGET),
        "budget_rff": kernel_approx.rff_errors(problem, d, SEEDS, features=BUDGET),
    }
    for key, errors in recomputed.items():
        np.testing.assert_allclose(errors, res[key][d - 1], rtol=1e-9, err_msg=f"{key}, d = {d}")
