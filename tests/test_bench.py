"""Tests of relnb.bench: result rows and the results file, the random-feature closed form, problems, figures."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from relnb import bench, kernel_approx, quadrature, training
from relnb.gram import relation_norm
from relnb.inner_product import MLP, SymmetricInnerProduct
from relnb.training import solve_readout


def _retrieval(betas=(1.0, 10.0, 100.0)) -> dict:
    n = len(betas)
    return {"betas": list(betas), "min_beta": 50.0, "measured_beta": 30.0, "eps": 0.01, "gap": 0.05, "delta": 0.001,
            "n_keys": 8, "weight_mean": [0.2, 0.9, 1.0][:n], "weight_min": [0.1, 0.5, 0.999][:n],
            "accuracy": [0.0, 0.3, 1.0][:n], "weight_mean_free": [0.2, 0.8, 0.99][:n],
            "accuracy_free": [0.0, 0.2, 0.9][:n]}


def _rows() -> list[dict]:
    return [
        bench.make_row("order", "optimum (Schmidt)", 1, 0.3, 0.3),
        bench.make_row("order", "optimum (Schmidt)", 2, 0.2, 0.2),
        bench.make_row("order", "trained <phi, psi>", 1, 0.33, 0.3, seed=0),
        bench.make_row("order", "trained <phi, psi>", 2, 0.21, 0.2, seed=1),
        bench.make_row("order", "best symmetric (PSD floor)", 2, 0.5, 0.2),
        bench.make_row("poly", "optimum (Schmidt)", 4, 1e-16, 1e-16),
        bench.make_row("poly", "trained <phi, psi>", 4, 2e-11, 1e-16),
    ]


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def results(tmp_path: Path) -> bench.BenchResults:
    return bench.load_results(_write(tmp_path, {"rows": _rows(), "retrieval": _retrieval(), "meta": {}}))


# --- rows ------------------------------------------------------------------------------------------------


def test_make_row_computes_the_ratio_and_keeps_extra_keys() -> None:
    row = bench.make_row("gaussian", "trained <phi, phi>", 4, 0.07, 0.0625, width=32)
    assert list(row)[:6] == list(bench.ROW_KEYS)
    assert row["ratio"] == pytest.approx(1.12, rel=1e-15) and row["width"] == 32


def test_make_row_has_no_ratio_when_the_optimum_is_zero() -> None:
    assert bench.make_row("poly", "trained", 4, 1e-11, bench.ZERO_OPTIMUM)["ratio"] is None
    assert bench.make_row("poly", "trained", 4, 1e-11, 2 * bench.ZERO_OPTIMUM)["ratio"] == pytest.approx(5.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"relation": ""}, "relation must be a non-empty string"),
    ({"method": None}, "method must be a non-empty string"),
    ({"d": 0}, "d must be >= 1"),
    ({"d": 2.5}, "d must be an integer"),
    ({"error": -1.0}, "error must be >= 0"),
    ({"optimum": math.nan}, "optimum must be a finite real number"),
    ({"error": "0.1"}, "error must be a finite real number"),
    ({"ratio": 2.0}, "extra keys must not repeat"),
])
def test_make_row_rejects_bad_values(kwargs: dict, message: str) -> None:
    args = {"relation": "order", "method": "trained", "d": 2, "error": 0.25, "optimum": 0.2, **kwargs}
    with pytest.raises(ValueError, match=message):
        bench.make_row(**args)


def test_validate_rows_rejects_a_wrong_ratio_duplicates_and_missing_keys() -> None:
    rows = _rows()
    assert bench.validate_rows(rows) is rows
    wrong = copy.deepcopy(rows)
    wrong[2]["ratio"] = 1.2
    with pytest.raises(ValueError, match=r"row 2 must have ratio = error / optimum = 1\.1"):
        bench.validate_rows(wrong)
    missing_ratio = copy.deepcopy(rows)
    missing_ratio[6]["ratio"] = 5.0  # the optimum is zero: there must be no ratio
    with pytest.raises(ValueError, match="row 6 must have ratio = error / optimum = None"):
        bench.validate_rows(missing_ratio)
    with pytest.raises(ValueError, match=r"rows 0 and 7 are both for relation, method, d = \('order'"):
        bench.validate_rows([*rows, rows[0]])
    with pytest.raises(ValueError, match=r"missing \['optimum'\]"):
        bench.validate_rows([{k: v for k, v in rows[0].items() if k != "optimum"}])
    with pytest.raises(ValueError, match="non-empty list"):
        bench.validate_rows([])


# --- the results file --------------------------------------------------------------------------------------


def test_load_results_round_trip(results: bench.BenchResults) -> None:
    assert results.relations() == ["order", "poly"]
    assert results.methods("order") == ["optimum (Schmidt)", "trained <phi, psi>", "best symmetric (PSD floor)"]
    assert results.dims("order") == [1, 2]
    assert results.value("order", "trained <phi, psi>", 2) == pytest.approx(1.05)
    assert results.value("order", "trained <phi, psi>", 2, "seed") == 1
    assert results.find("order", "best symmetric (PSD floor)", 1) is None
    assert results.timings is None
    assert repr(results) == "BenchResults(7 rows on 2 relations, retrieval over 3 betas, timings no)"


def test_lookups_name_what_exists(results: bench.BenchResults) -> None:
    with pytest.raises(ValueError, match=r"relation must be one of \['order', 'poly'\]; got 'gauss'"):
        results.methods("gauss")
    with pytest.raises(ValueError, match=r"no row for method 'RFF' at d = 2 on 'order'; methods \["):
        results.value("order", "RFF", 2)
    with pytest.raises(ValueError, match="has no key 'width'"):
        results.value("order", "trained <phi, psi>", 2, "width")


def test_table_is_stable_text_with_dashes_for_missing_values(results: bench.BenchResults) -> None:
    assert results.table("order").splitlines() == [
        "ratio on order                d = 1  d = 2",
        "optimum (Schmidt)             1.000  1.000",
        "trained <phi, psi>            1.100  1.050",
        "best symmetric (PSD floor)        -  2.500",
    ]
    assert results.table("poly").splitlines()[1:] == ["optimum (Schmidt)         -",
                                                      "trained <phi, psi>        -"]
    assert "2.000e-11" in results.table("poly", "error")
    assert results.table("order", methods=["trained <phi, psi>"]).splitlines() == [
        "ratio on order        d = 1  d = 2", "trained <phi, psi>    1.100  1.050"]
    with pytest.raises(ValueError, match="methods must be a non-empty list of methods measured on 'order'"):
        results.table("order", methods=["RFF"])


def test_timing_table_reads_the_separate_timings_file(tmp_path: Path) -> None:
    timings = {"notebooks": {"relations": {"seconds": 12.34, "ok": True}},
               "make": {"lint": {"seconds": 1.0, "ok": False}}, "book_seconds": 12.34, "make_test_seconds": 1.0,
               "date": "2026-11-23", "cpus": 2, "bench": {"seconds": 80.0}}
    data = {"rows": _rows(), "retrieval": _retrieval(), "meta": {}}
    (tmp_path / "timings.json").write_text(json.dumps(timings), encoding="utf-8")
    read = bench.load_results(_write(tmp_path, data), timings=tmp_path / "timings.json")
    assert read.timings["bench"] == {"seconds": 80.0}
    assert read.timing_table().splitlines() == [
        "measured 2026-11-23 on 2 CPUs",
        "notebook (fresh kernel)        seconds",
        "  relations                       12.3",
        "make target                    seconds",
        "  lint                             1.0  FAILED",
        "whole book: 12 s; make test: 1 s",
    ]
    assert "run make timings" in bench.load_results(_write(tmp_path, data)).timing_table()
    (tmp_path / "timings.json").write_text(json.dumps({"notebooks": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="timings must be an object with the keys notebooks and make"):
        bench.load_results(tmp_path / "bench.json", timings=tmp_path / "timings.json")


def test_the_results_file_holds_no_wall_times_and_may_lack_retrieval(tmp_path: Path) -> None:
    data = {"rows": _rows(), "meta": {}}
    assert repr(bench.load_results(_write(tmp_path, data))) == (
        "BenchResults(7 rows on 2 relations, no retrieval, timings no)")
    for key in bench.WALL_TIME_KEYS:  # anywhere in the file: at the top, in meta, in a row's candidates
        for where in (data, data["meta"], data["rows"][2]):
            broken = copy.deepcopy(data)
            target = broken if where is data else broken["meta"] if where is data["meta"] else broken["rows"][2]
            target[key] = 1.0
            with pytest.raises(ValueError, match=f"must hold no wall times or dates .*found .*{key}"):
                bench.load_results(_write(tmp_path, broken))


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("rows"), "keys rows and meta"),
    (lambda d: d["retrieval"].pop("min_beta"), r"retrieval is missing the keys \['min_beta'\]"),
    (lambda d: d["retrieval"].update(betas=[10.0, 1.0, 100.0]), "betas must be positive and increasing"),
    (lambda d: d["retrieval"].update(accuracy=[0.0, 1.5, 1.0]), r"accuracy must have one value in \[0, 1\]"),
    (lambda d: d["retrieval"].update(weight_min=[0.5]), "weight_min must have one value"),
    (lambda d: d.update(timings={"notebooks": {}}), "must hold no wall times"),
    (lambda d: d["rows"][2].update(candidates=[{"seed": 0, "seconds": 0.5}]), r"found /rows/2/candidates/0/seconds"),
    (lambda d: d["rows"][0].update(d=0), "d must be >= 1"),
])
def test_load_results_rejects_malformed_files(tmp_path: Path, change, message: str) -> None:
    data = {"rows": _rows(), "retrieval": _retrieval(), "meta": {}}
    change(data)
    with pytest.raises(ValueError, match=message):
        bench.load_results(_write(tmp_path, data))


def test_load_results_rejects_a_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="run make bench"):
        bench.load_results(tmp_path / "none.json")
    (tmp_path / "broken.json").write_text("{rows", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json must be JSON"):
        bench.load_results(tmp_path / "broken.json")


def test_the_stored_results_file_is_valid_and_consistent() -> None:
    path = ROOT / "book" / "data" / "bench.json"
    if not path.exists():
        pytest.skip("book/data/bench.json is written by make bench")
    results = bench.load_results(path)
    for relation in results.relations():
        optimum = next(m for m in results.methods(relation) if m.startswith("optimum"))
        assert any(m.startswith("trained") for m in results.methods(relation)), relation
        for row in results.rows:
            if row["relation"] != relation:
                continue
            assert row["optimum"] == results.value(relation, optimum, row["d"], "error")
            # no rank-d model beats the optimum; 1e-4 covers the validation rules' quadrature error (min(x, y)'s
            # kink: O(n^-2) with n = 1001)
            assert row["ratio"] is None or row["ratio"] >= 1 - 1e-4, row


# --- problems and baselines --------------------------------------------------------------------------------


def test_rff_expected_error_is_the_integral_of_the_variance() -> None:
    # E ||k - k_d||^2 = (1/d) int int (1 - k^2 + k^4 / 2): integrate it on a fine rule instead of in closed form
    x, w = quadrature.gaussian_legendre(800, half_width=9.5)
    k = np.exp(-((x - x.T) ** 2) / (2 * 0.5**2))
    integral = float(w @ (1 - k**2 + k**4 / 2) @ w)
    for d in (1, 7):
        assert kernel_approx.rff_expected_error(d, lengthscale=0.5) ** 2 == pytest.approx(integral / d, rel=1e-12)
    # another measure and lengthscale: x - y ~ N(0, 2 s^2)
    x, w = quadrature.gaussian_legendre(800, std=2.0, half_width=9.5)
    k = np.exp(-((x - x.T) ** 2) / (2 * 1.5**2))
    assert kernel_approx.rff_expected_error(3, lengthscale=1.5, std=2.0) ** 2 == pytest.approx(
        float(w @ (1 - k**2 + k**4 / 2) @ w) / 3, rel=1e-12)


def test_rff_expected_error_matches_scikit_learn_in_the_mean() -> None:
    problem = kernel_approx.symmetric_problem("gaussian")
    errors = np.array(kernel_approx.rff_errors(problem, 8, seeds=100))
    rms = float(np.sqrt(np.mean(errors**2)))
    # 100 independent draws: the mean of the squared error has a relative standard error of about 5 %
    assert rms == pytest.approx(kernel_approx.rff_expected_error(8, lengthscale=kernel_approx.LENGTHSCALE), rel=0.1)
    assert errors.mean() <= rms  # Jensen


def test_rff_expected_error_validates() -> None:
    with pytest.raises(ValueError, match="lengthscale must be > 0"):
        kernel_approx.rff_expected_error(2, lengthscale=0.0)
    with pytest.raises(ValueError, match="d must be >= 1"):
        kernel_approx.rff_expected_error(0, lengthscale=0.5)


def test_random_fourier_features_exist_for_the_gaussian_kernel_only() -> None:
    with pytest.raises(ValueError, match="random Fourier features need the Gaussian kernel; got problem 'brownian'"):
        kernel_approx.rff_errors(kernel_approx.symmetric_problem("brownian"), 4, seeds=1)


@pytest.mark.parametrize("name", ["gaussian", "brownian"])
def test_truncated_mercer_features_reach_the_optimum_on_the_validation_rule(name: str) -> None:
    problem = kernel_approx.symmetric_problem(name)
    x, w = problem.valid
    for d in (2, 8):
        error = relation_norm(problem.kernel(x) - problem.expansion.truncate(d).truncated(x), w)
        # Gaussian: an analytic integrand on 1500 nodes (~1e-12 relative). min(x, y): its kink on the diagonal
        # makes the rule's error O(n^-2), about 1e-6 absolute at n = 1001, which is 3e-4 of the tail at d = 8
        assert error / problem.expansion.tail_l2(d) == pytest.approx(1.0, abs=1e-9 if name == "gaussian" else 1e-3)


def test_baselines_never_beat_the_optimum() -> None:
    problem = kernel_approx.symmetric_problem("gaussian")
    tau = problem.expansion.tail_l2(4)
    assert min(kernel_approx.nystroem_errors(problem, 4, seeds=3)) > tau
    assert min(kernel_approx.rff_errors(problem, 4, seeds=3)) > tau


def test_equal_budget_baselines_use_the_best_readout_and_never_beat_the_optimum() -> None:
    problem = kernel_approx.symmetric_problem("gaussian")
    tau = problem.expansion.tail_l2(8)
    errors = {
        "random": training.random_network_errors(problem, 8, 3, width=32, depth=2),
        "nystroem": kernel_approx.nystroem_errors(problem, 8, 3, features=33),
        "rff": kernel_approx.rff_errors(problem, 8, 3, features=33),
        "nystroem, 150 landmarks": kernel_approx.nystroem_errors(problem, 8, 2, features=150),
    }
    for name, values in errors.items():
        assert len(values) == (2 if "150" in name else 3) and min(values) > tau * (1 - 1e-9), name
    # exact limit: 150 landmarks from N(0, 1) span the first 8 eigenfunctions to far below tau_8, so the rank-8
    # readout reaches it (measured tau_8 (1 + 5e-8)); the standard Nystroem map on 8 landmarks does not (5.1 to
    # 7.0 tau_8 on these seeds)
    assert max(errors["nystroem, 150 landmarks"]) < tau * (1 + 1e-4)
    assert min(kernel_approx.nystroem_errors(problem, 8, 3)) > 2 * tau
    # the network's readout is solve_readout's: the same error, measured independently of _readout_error
    model = SymmetricInnerProduct(MLP(1, 8, width=32, depth=2, seed=1))
    solve_readout(model, problem.kernel(problem.train[0]), *problem.train)
    xv, wv = problem.valid
    assert relation_norm(problem.kernel(xv) - model.relation(xv), wv) == pytest.approx(errors["random"][1], rel=1e-9)
    with pytest.raises(ValueError, match="features must be >= 8; got 4"):
        kernel_approx.nystroem_errors(problem, 8, 1, features=4)


def test_nystroem_sections_span_the_same_space_and_are_stable() -> None:
    problem = kernel_approx.symmetric_problem("gaussian")
    # 9 landmarks: K_zz is well conditioned, so whitened features and kernel sections give the same readout (the
    # same span) to rounding amplified by its condition number (measured 1e-13)
    whitened = kernel_approx.nystroem_errors(problem, 4, 3, features=9)
    sections = kernel_approx.nystroem_errors(problem, 4, 3, features=9, whiten=False)
    np.testing.assert_allclose(sections, whitened, rtol=1e-9)
    # 33 landmarks, d = 16: landmarks moved by a relative 1e-13 (a rounding-sized change, like another BLAS build)
    # move the sections' errors by ~1e-7 relative (measured) and the whitened ones by up to 16 %
    orig = problem.sample
    moved = dataclasses.replace(problem, sample=lambda rng, n: orig(rng, n) * (1 + 1e-13))
    for whiten, tol in ((False, 1e-5), (True, None)):
        a = np.array(kernel_approx.nystroem_errors(problem, 16, 3, features=33, whiten=whiten))
        b = np.array(kernel_approx.nystroem_errors(moved, 16, 3, features=33, whiten=whiten))
        if tol is None:
            assert np.abs(b / a - 1).max() > 1e-3  # what whiten=False cures
        else:
            np.testing.assert_allclose(b, a, rtol=tol)
    with pytest.raises(ValueError, match="whiten=False needs features=m"):
        kernel_approx.nystroem_errors(problem, 4, 1, whiten=False)
    with pytest.raises(TypeError, match="whiten must be a bool"):
        kernel_approx.nystroem_errors(problem, 4, 1, features=9, whiten=0)


def test_problems_train_and_validate_on_different_rules() -> None:
    for name, dim in (("gaussian", 1), ("brownian", 1), ("gaussian2", 2)):
        problem = kernel_approx.symmetric_problem(name)
        (xt, wt), (xv, wv) = problem.train, problem.valid
        assert xv.shape[0] > xt.shape[0] and not np.isin(xt, xv).any()  # no coordinate in common
        assert wt.sum() == pytest.approx(1.0) and wv.sum() == pytest.approx(1.0)
        assert xt.shape[1] == xv.shape[1] == problem.sample(np.random.default_rng(0), 3).shape[1] == dim
    with pytest.raises(ValueError, match="name must be one of 'gaussian', 'brownian', 'laplace', 'gaussian2'; got"):
        kernel_approx.symmetric_problem("rbf")


# --- figures -----------------------------------------------------------------------------------------------


def test_load_mercer_results_reads_the_stored_file_and_rejects_broken_ones(tmp_path: Path) -> None:
    results = bench.load_mercer_results(ROOT / "book" / "data" / "mercer_results.json")
    assert len(results["gaussian"]["varpro"]) == len(results["gaussian"]["d"]) and results["meta"]["seconds"] > 0
    broken = {"gaussian": {"label": "k", "d": [1, 2], "optimum": [0.5]}, "meta": {"seconds": 1}}
    with pytest.raises(ValueError, match=r"gaussian\['optimum'\] has 1 entries, but d has 2"):
        bench.load_mercer_results(_write(tmp_path, broken))
    with pytest.raises(ValueError, match="run time"):
        bench.load_mercer_results(_write(tmp_path, {"gaussian": {"d": [1], "optimum": [0.5]}, "meta": {}}))
    nan = {"gaussian": {"d": [1], "optimum": [float("nan")]}, "meta": {"seconds": 1}}
    with pytest.raises(ValueError, match="finite"):
        bench.load_mercer_results(_write(tmp_path, nan))
