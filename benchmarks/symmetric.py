"""Benchmark 1: symmetric kernels, trained <phi, phi> against the Eckart-Young optimum and the usual features.

Gaussian kernel (lengthscale 0.5) under N(0, 1) and min(x, y) under the uniform measure on [0, 1], for
d = 2, 4, 8, 16: the Eckart-Young optimum tau_d (closed form), the trained <phi, phi> (variable projection,
best of widths 32 and 64 and seeds 0 and 1, chosen by the error on the training rule), the truncated Mercer
features (equal to the optimum in L2: measured anyway, as a check of the validation rule), Nystroem features
(20 seeds) and, for the Gaussian kernel only, random Fourier features (20 seeds, and the closed-form expected
error): the standard usages, d features and their own inner product. Then the equal-budget race at m = 2d
features before the same best rank-d readout fitted on the training rule: trained networks of width 2d - 1
(seeds 0 and 1, chosen by training error), the same networks untrained (20 seeds), Nystroem (20 seeds; the
readout from the kernel sections at its 2d landmarks, reproducible) and random Fourier features (20 seeds).
The same race on inputs in R^2 ("gaussian2": the Gaussian kernel under N(0, I_2), d = 8, 16, 32, one trained
seed, 300 L-BFGS iterations), next to the closed-form optimum and each quadrature rule's own Eckart-Young error
(rule_gap, the check that the rule is adequate at that d); on R at d = 24, 32 ("gaussian_large_d", the networks
spread over [-4, 4], next to the default start); on inputs in R^4 ("gaussian4", d = 16, 32: the MercerProblem of
relnb.kernel_approx, trained on the factored target and measured by mercer_error, with its standard error and
truncation bound). min(x, y) networks start spread over [0, 1] (SPREAD), next to the default start at m = 2d.
Every row records p (input dimension) and m (features before the readout). Every error is measured on the
problem's validation rule(s), finer than and independent of the training rule
(relnb.kernel_approx.symmetric_problem, mercer_problem). Run by benchmarks/run.py (`make bench`).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from common import log, start, versions, write_part
from problems import VARIABLE_PROJECTION, fit_mercer, fit_symmetric

from relnb import mercer
from relnb.bench import make_row
from relnb.gram import relation_norm
from relnb.kernel_approx import (
    LENGTHSCALE,
    mercer_error,
    mercer_problem,
    nystroem_errors,
    rff_errors,
    rff_expected_error,
    symmetric_problem,
)
from relnb.training import random_network_errors

FULL = {"relations": ["gaussian", "brownian"], "dims": [2, 4, 8, 16], "widths": [32, 64], "seeds": [0, 1],
        "baseline_seeds": 20}  # the training budget: 4 networks per kernel and d
# Inputs in R^2: the equal-budget race only, one seed, 300 L-BFGS iterations (a fit on 1600 nodes under a minute)
PLANE = {"relation": "gaussian2", "dims": [8, 16, 32], "seeds": [0], "lbfgs_steps": 300}
# The Gaussian kernel on R beyond d = 16 (the problem's expansion has rank 16): only the race at m = 2d
# Its networks start with the first layer spread over [-4, 4] (slopes N(0, 2^2)): with PyTorch's default units
# L-BFGS stopped after 23-45 steps at 1.38 (d = 24) and 42 (d = 32) times the limit; of the three starts tried
# (default; [-4, 4], sd 2; [-5, 5], sd 4) the steepest interpolated the training nodes (83 times at d = 32)
FAR = {"relation": "gaussian_large_d", "dims": [24, 32], "seeds": [0, 1], "spread": (-4.0, 4.0, 2.0)}
# Inputs in R^4: the same race on the factored target (relnb.kernel_approx.MercerProblem), one seed, 250 L-BFGS
# iterations (a fit on 2^14 points within a minute)
SPACE = {"relation": "gaussian4", "dims": [16, 32], "seeds": [0], "lbfgs_steps": 250}
# --quick (make bench-check): one relation, small d, one small network, few seeds; the same code path
QUICK = {"relations": ["gaussian"], "dims": [2, 4], "widths": [16], "seeds": [0], "baseline_seeds": 3}
DEPTH = 2
# min(x, y) on [0, 1]: the first layer of every network (trained and untrained) spread over the interval
# (relnb.training.initial_network; slopes N(0, 10^2)); PyTorch's default units are nearly collinear there and
# L-BFGS stalled after a few dozen steps at 1.11 times the limit (d = 16)
SPREAD = {"brownian": (0.0, 1.0, 10.0)}
TRAINED, OPTIMUM = "trained <phi, phi>", "optimum (Eckart-Young)"
RFF_CLOSED, MERCER = "random Fourier (expected, closed form)", "truncated Mercer features"
# The equal-budget race: m = 2d features before the same best rank-d readout (relnb.readout.best_readout on the
# training rule) for every method; a network's m features are its last hidden layer (width 2d - 1) and a constant
TRAINED_M = "trained <phi, phi>, m = 2d"
DEFAULT_START = "trained, m = 2d, default start"  # where the race's networks start spread (SPREAD, FAR)


def budget_names(seeds: int) -> dict[str, str]:
    """Method names of the equal-budget baselines (all with the same readout as the trained networks)."""
    return {"untrained": f"untrained, m = 2d (mean of {seeds})", "nystroem": f"Nystroem, m = 2d (mean of {seeds})",
            "rff": f"random Fourier, m = 2d (mean of {seeds})"}


def network_parameters(width: int, d: int, p: int = 1) -> int:
    """Weights and biases of MLP(p, d, width, DEPTH): the hidden layers and the readout."""
    return ((p + 1) * width) + (DEPTH - 1) * (width * width + width) + (width + 1) * d


def trained_row(problem, d: int, optimum: float, widths: list[int], seeds: list[int], wall: dict,
                method: str = TRAINED, design: dict = VARIABLE_PROJECTION, spread: tuple | None = None) -> dict:
    """Train the budget's networks; keep the one with the smallest training error, report its validation error.

    The wall time of each fit goes to ``wall`` (the timings file), not to the row.
    """
    candidates = []
    for width in widths:
        for seed in seeds:
            try:
                fit = fit_symmetric(problem, d, width=width, depth=DEPTH, design=design, seed=seed, spread=spread)
            except (np.linalg.LinAlgError, ValueError) as exc:  # the optimiser can leave non-finite weights
                candidates.append({"width": width, "seed": seed, "failed": f"{type(exc).__name__}: {exc}"})
                log(f"symmetric {problem.name} d={d}: width {width}, seed {seed} failed ({exc}); left out")
                continue
            candidates.append({"width": width, "seed": seed, "train_error": fit.train_error,
                               "valid_error": fit.valid_error, "lbfgs_evaluations": fit.lbfgs_evaluations})
            wall[f"{problem.name} d={d} {method} width={width} seed={seed}"] = round(fit.seconds, 2)
    best = min((c for c in candidates if "failed" not in c), key=lambda c: c["train_error"])
    p = problem.train[0].shape[1]
    return make_row(problem.name, method, d, best["valid_error"], optimum, p=p, m=best["width"] + 1,
                    parameters=network_parameters(best["width"], d, p), width=best["width"], seed=best["seed"],
                    train_error=best["train_error"], candidates=candidates)


def timed(wall: dict, key: str, seeds: int, compute):
    """``compute()``, with its wall time per seed (per fit) recorded in ``wall[key]``."""
    began = time.perf_counter()
    errors = compute()
    wall[key] = round((time.perf_counter() - began) / seeds, 3)
    return errors


def mean_row(name: str, method: str, d: int, errors: list[float], optimum: float, p: int = 1, **extra) -> dict:
    return make_row(name, method, d, float(np.mean(errors)), optimum, std=float(np.std(errors)),
                    best=float(np.min(errors)), p=p, **extra)


def budget_rows(problem, d: int, optimum: float, seeds: int, trained_seeds: list[int], wall: dict,
                design: dict = VARIABLE_PROJECTION, trained: dict | None = None,
                spread: tuple | None = None) -> list[dict]:
    """The equal-budget race at m = 2d: trained (``trained``, or trained here), the same networks untrained,
    Nystroem and random Fourier."""
    m, name, names, p = 2 * d, problem.name, budget_names(seeds), problem.train[0].shape[1]
    if trained is None:
        trained = trained_row(problem, d, optimum, [m - 1], trained_seeds, wall, TRAINED_M, design, spread)
    # what the spread start buys: the same networks from PyTorch's default start (not in the race)
    default_start = [] if spread is None else [
        trained_row(problem, d, optimum, [m - 1], trained_seeds, wall, DEFAULT_START, design)]
    untrained = timed(wall, f"{name} d={d} {names['untrained']}", seeds, lambda: random_network_errors(
        problem, d, seeds, width=m - 1, depth=DEPTH, spread=spread))
    rows = [trained, mean_row(name, names["untrained"], d, untrained, optimum, p, m=m,
                              parameters=network_parameters(m - 1, d, p), same_seed=untrained[trained["seed"]])]
    nystroem = timed(wall, f"{name} d={d} {names['nystroem']}", seeds, lambda: nystroem_errors(
        problem, d, seeds, features=m, whiten=False))
    rows.append(mean_row(name, names["nystroem"], d, nystroem, optimum, p, m=m, parameters=p * m + m * d,
                         features="kernel sections k(., z_j) at Nystroem's landmarks (whiten=False)"))
    if problem.gamma is not None:
        rff = timed(wall, f"{name} d={d} {names['rff']}", seeds, lambda: rff_errors(problem, d, seeds, features=m))
        rows.append(mean_row(name, names["rff"], d, rff, optimum, p, m=m, parameters=(p + 1) * m + m * d))
    return rows + default_start


def grid_spectrum(problem, rule) -> np.ndarray:
    """Eigenvalues of W^(1/2) K W^(1/2) on a quadrature rule, ascending: the rule's own Mercer spectrum."""
    x, w = rule
    root = np.sqrt(w)
    return np.linalg.eigvalsh(root[:, None] * problem.kernel(x) * root[None, :])


def rule_checked_rows(problem, dims: list[int], optimum_of, trained_seeds: list[int], seeds: int, wall: dict,
                      design: dict, spread: tuple | None = None) -> list[dict]:
    """The optimum (closed form) with the rules' own Eckart-Young errors, and the race at m = 2d, for each d."""
    rows, p = [], problem.train[0].shape[1]
    spectra = {"train": grid_spectrum(problem, problem.train), "valid": grid_spectrum(problem, problem.valid)}
    for d in dims:
        first = len(rows)
        optimum = optimum_of(d)
        # a rule adequate at this d: its grid optimum (the Eckart-Young error of all but the d largest
        # eigenvalues, small ones summed first) is the closed-form tail to a small relative error
        rule_gaps = {name: float(np.sqrt(np.sum(spectrum[:-d] ** 2))) / optimum - 1
                     for name, spectrum in spectra.items()}
        rows.append(make_row(problem.name, OPTIMUM, d, optimum, optimum, p=p, m=None, rule_gap=rule_gaps))
        rows += budget_rows(problem, d, optimum, seeds, trained_seeds, wall, design, spread=spread)
        ratios = ", ".join(f"{r['method']} {r['ratio']:.4g}" for r in rows[first + 1:])
        log(f"symmetric {problem.name} d={d}: optimum {optimum:.4g}, rule gaps {rule_gaps}; error / optimum: {ratios}")
    return rows


def plane_rows(seeds: int, wall: dict) -> list[dict]:
    """Inputs in R^2: the race at m = 2d next to the closed-form optimum and the rules' own optima."""
    problem = symmetric_problem(PLANE["relation"])
    return rule_checked_rows(problem, PLANE["dims"], problem.expansion.tail_l2, PLANE["seeds"], seeds, wall,
                             {**VARIABLE_PROJECTION, "lbfgs_steps": PLANE["lbfgs_steps"]})


def far_problem():
    """The Gaussian problem on R under its own name, for its rows at d = 24 and 32 (own tables on the page)."""
    return replace(symmetric_problem("gaussian"), name=FAR["relation"],
                   label="Gaussian kernel, lengthscale 0.5, N(0, 1), d = 24 and 32")


def far_rows(seeds: int, wall: dict) -> list[dict]:
    """The Gaussian kernel on R at d = 24 and 32, where the optimum is 3e-6 and 7e-8: the race at m = 2d."""
    problem = far_problem()
    expansion = mercer.gaussian_expansion(max(FAR["dims"]) + 8, lengthscale=LENGTHSCALE)
    return rule_checked_rows(problem, FAR["dims"], expansion.tail_l2, FAR["seeds"], seeds, wall, VARIABLE_PROJECTION,
                             spread=FAR["spread"])


def space_rows(seeds: int, wall: dict) -> list[dict]:
    """Inputs in R^4: the optimum (closed form), the truncated Mercer features (the check of the validation
    estimate) and the race at m = 2d, every error from relnb.kernel_approx.mercer_error."""
    problem, rows, p = mercer_problem(SPACE["relation"]), [], 4
    for d in SPACE["dims"]:
        first, m = len(rows), 2 * d
        optimum = problem.expansion.tail_l2(d)
        rows.append(make_row(problem.name, OPTIMUM, d, optimum, optimum, p=p, m=None))
        check = mercer_error(problem, problem.expansion.truncate(d).features)
        rows.append(make_row(problem.name, MERCER, d, check.value, optimum, p=p, m=d, stderr=check.stderr,
                             truncation=check.truncation))
        candidates = []
        for seed in SPACE["seeds"]:
            fit, stderr, truncation = fit_mercer(problem, d, width=m - 1, depth=DEPTH,
                                                 lbfgs_steps=SPACE["lbfgs_steps"], seed=seed)
            wall[f"{problem.name} d={d} {TRAINED_M} width={m - 1} seed={seed}"] = round(fit.seconds, 2)
            candidates.append({"width": m - 1, "seed": seed, "train_error": fit.train_error,
                               "valid_error": fit.valid_error, "stderr": stderr, "truncation": truncation,
                               "lbfgs_evaluations": fit.lbfgs_evaluations})
        best = min(candidates, key=lambda c: c["train_error"])
        rows.append(make_row(problem.name, TRAINED_M, d, best["valid_error"], optimum, p=p, m=m,
                             parameters=network_parameters(m - 1, d, p), width=m - 1, seed=best["seed"],
                             train_error=best["train_error"], stderr=best["stderr"], truncation=best["truncation"],
                             candidates=candidates))
        rows += budget_rows(problem, d, optimum, seeds, SPACE["seeds"], wall, trained=rows.pop())
        ratios = ", ".join(f"{r['method']} {r['ratio']:.4g}" for r in rows[first + 1:])
        log(f"symmetric {problem.name} d={d}: optimum {optimum:.4g}; error / optimum: {ratios}")
    return rows


def main() -> None:
    out, began, quick = start(__doc__.splitlines()[0])
    config = QUICK if quick else FULL
    seeds = config["baseline_seeds"]
    rff_name, nystroem_name = f"random Fourier (mean of {seeds})", f"Nystroem (mean of {seeds})"
    rows, wall = [], {}
    for name in config["relations"]:
        problem = symmetric_problem(name)
        xv, wv = problem.valid
        K = problem.kernel(xv)
        for d in config["dims"]:
            first = len(rows)
            optimum = problem.expansion.tail_l2(d)
            rows.append(make_row(name, OPTIMUM, d, optimum, optimum, p=1, m=None))
            spread = SPREAD.get(name)
            rows.append(trained_row(problem, d, optimum, config["widths"], config["seeds"], wall, spread=spread))
            truncated = relation_norm(K - problem.expansion.truncate(d).truncated(xv), wv)
            rows.append(make_row(name, MERCER, d, truncated, optimum, p=1, m=d))
            ny = nystroem_errors(problem, d, seeds)
            rows.append(mean_row(name, nystroem_name, d, ny, optimum, m=d))
            if problem.gamma is not None:  # random Fourier features approximate the stationary Gaussian kernel only
                rff = rff_errors(problem, d, seeds)
                rows.append(mean_row(name, rff_name, d, rff, optimum, m=d,
                                     rms=float(np.sqrt(np.mean(np.square(rff))))))
                rows.append(make_row(name, RFF_CLOSED, d, rff_expected_error(d, lengthscale=LENGTHSCALE), optimum,
                                     p=1, m=d))
            rows += budget_rows(problem, d, optimum, seeds, config["seeds"], wall, spread=spread)
            ratios = ", ".join(f"{r['method']} {r['ratio']:.4g}" for r in rows[first + 1:])
            log(f"symmetric {name} d={d}: optimum {optimum:.4g}; error / optimum: {ratios}")
    if not quick:
        rows += far_rows(seeds, wall)
        rows += plane_rows(seeds, wall)
        rows += space_rows(seeds, wall)
    problems = [symmetric_problem(name) for name in config["relations"]]
    if not quick:
        problems += [far_problem(), symmetric_problem(PLANE["relation"]), mercer_problem(SPACE["relation"])]
    write_part(out, began, {
        "rows": rows,
        "meta": {
            "relations": {problem.name: problem.label for problem in problems},
            "rules": {problem.name: problem.rules for problem in problems},
            "plane": None if quick else PLANE,
            "far": None if quick else FAR,
            "space": None if quick else {**SPACE, "error": "relnb.kernel_approx.mercer_error: the estimate pooled "
                                                           "over the validation replicates, its standard error "
                                                           "and truncation bound"},
            "quick": quick,
            "trained": {"design": VARIABLE_PROJECTION, "widths": config["widths"], "depth": DEPTH, "spread": SPREAD,
                        "seeds": config["seeds"],
                        "activation": "tanh", "dtype": "float64",
                        "selection": "smallest error on the training rule; reported: its validation error"},
            "baseline_seeds": seeds,
            "equal_budget": {"m": "2d", "readout": "relnb.readout.best_readout on the training rule",
                             "trained": "width 2d - 1, depth 2, seeds as trained, variable projection",
                             "nystroem": "kernel_approx.nystroem_errors(features=2d, whiten=False)",
                             "rff": "kernel_approx.rff_errors(features=2d)"},
            "not_applicable": {"brownian": {
                "random Fourier": "RBFSampler's features estimate the stationary Gaussian kernel; min(x, y) is not "
                                  "a function of x - y, so no random Fourier feature map approximates it"}},
            "versions": versions(),
        },
    }, wall={"fits": wall})


if __name__ == "__main__":
    main()
