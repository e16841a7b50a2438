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
Every row records p (input dimension) and m (features before the readout). Every error is measured on the
problem's validation rule, finer than and independent of the training rule
(relnb.kernel_approx.symmetric_problem). Run by benchmarks/run.py (`make bench`).
"""

from __future__ import annotations

import time

import numpy as np
from common import log, start, versions, write_part
from problems import VARIABLE_PROJECTION, fit_symmetric

from relnb.bench import make_row
from relnb.gram import relation_norm
from relnb.kernel_approx import LENGTHSCALE, nystroem_errors, rff_errors, rff_expected_error, symmetric_problem
from relnb.training import random_network_errors

FULL = {"relations": ["gaussian", "brownian"], "dims": [2, 4, 8, 16], "widths": [32, 64], "seeds": [0, 1],
        "baseline_seeds": 20}  # the training budget: 4 networks per kernel and d
# --quick (make bench-check): one relation, small d, one small network, few seeds; the same code path
QUICK = {"relations": ["gaussian"], "dims": [2, 4], "widths": [16], "seeds": [0], "baseline_seeds": 3}
DEPTH = 2
TRAINED, OPTIMUM = "trained <phi, phi>", "optimum (Eckart-Young)"
RFF_CLOSED, MERCER = "random Fourier (expected, closed form)", "truncated Mercer features"
# The equal-budget race: m = 2d features before the same best rank-d readout (relnb.readout.best_readout on the
# training rule) for every method; a network's m features are its last hidden layer (width 2d - 1) and a constant
TRAINED_M = "trained <phi, phi>, m = 2d"


def budget_names(seeds: int) -> dict[str, str]:
    """Method names of the equal-budget baselines (all with the same readout as the trained networks)."""
    return {"untrained": f"untrained, m = 2d (mean of {seeds})", "nystroem": f"Nystroem, m = 2d (mean of {seeds})",
            "rff": f"random Fourier, m = 2d (mean of {seeds})"}


def network_parameters(width: int, d: int) -> int:
    """Weights and biases of MLP(1, d, width, DEPTH): the hidden layers and the readout."""
    return (2 * width) + (DEPTH - 1) * (width * width + width) + (width + 1) * d


def trained_row(problem, d: int, optimum: float, widths: list[int], seeds: list[int], wall: dict,
                method: str = TRAINED) -> dict:
    """Train the budget's networks; keep the one with the smallest training error, report its validation error.

    The wall time of each fit goes to ``wall`` (the timings file), not to the row.
    """
    candidates = []
    for width in widths:
        for seed in seeds:
            try:
                fit = fit_symmetric(problem, d, width=width, depth=DEPTH, design=VARIABLE_PROJECTION, seed=seed)
            except (np.linalg.LinAlgError, ValueError) as exc:  # the optimiser can leave non-finite weights
                candidates.append({"width": width, "seed": seed, "failed": f"{type(exc).__name__}: {exc}"})
                log(f"symmetric {problem.name} d={d}: width {width}, seed {seed} failed ({exc}); left out")
                continue
            candidates.append({"width": width, "seed": seed, "train_error": fit.train_error,
                               "valid_error": fit.valid_error, "lbfgs_evaluations": fit.lbfgs_evaluations})
            wall[f"{problem.name} d={d} {method} width={width} seed={seed}"] = round(fit.seconds, 2)
    best = min((c for c in candidates if "failed" not in c), key=lambda c: c["train_error"])
    return make_row(problem.name, method, d, best["valid_error"], optimum, p=1, m=best["width"] + 1,
                    parameters=network_parameters(best["width"], d), width=best["width"], seed=best["seed"],
                    train_error=best["train_error"], candidates=candidates)


def timed(wall: dict, key: str, seeds: int, compute):
    """``compute()``, with its wall time per seed (per fit) recorded in ``wall[key]``."""
    began = time.perf_counter()
    errors = compute()
    wall[key] = round((time.perf_counter() - began) / seeds, 3)
    return errors


def mean_row(name: str, method: str, d: int, errors: list[float], optimum: float, **extra) -> dict:
    return make_row(name, method, d, float(np.mean(errors)), optimum, std=float(np.std(errors)),
                    best=float(np.min(errors)), p=1, **extra)


def budget_rows(problem, d: int, optimum: float, seeds: int, trained_seeds: list[int], wall: dict) -> list[dict]:
    """The equal-budget race at m = 2d: trained, the same networks untrained, Nystroem and random Fourier."""
    m, name, names = 2 * d, problem.name, budget_names(seeds)
    trained = trained_row(problem, d, optimum, [m - 1], trained_seeds, wall, TRAINED_M)
    untrained = timed(wall, f"{name} d={d} {names['untrained']}", seeds, lambda: random_network_errors(
        problem, d, seeds, width=m - 1, depth=DEPTH))
    rows = [trained, mean_row(name, names["untrained"], d, untrained, optimum, m=m,
                              parameters=network_parameters(m - 1, d), same_seed=untrained[trained["seed"]])]
    nystroem = timed(wall, f"{name} d={d} {names['nystroem']}", seeds, lambda: nystroem_errors(
        problem, d, seeds, features=m, whiten=False))
    rows.append(mean_row(name, names["nystroem"], d, nystroem, optimum, m=m, parameters=m + m * d,
                         features="kernel sections k(., z_j) at Nystroem's landmarks (whiten=False)"))
    if problem.gamma is not None:
        rff = timed(wall, f"{name} d={d} {names['rff']}", seeds, lambda: rff_errors(problem, d, seeds, features=m))
        rows.append(mean_row(name, names["rff"], d, rff, optimum, m=m, parameters=2 * m + m * d))
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
            rows.append(trained_row(problem, d, optimum, config["widths"], config["seeds"], wall))
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
            rows += budget_rows(problem, d, optimum, seeds, config["seeds"], wall)
            ratios = ", ".join(f"{r['method']} {r['ratio']:.4g}" for r in rows[first + 1:])
            log(f"symmetric {name} d={d}: optimum {optimum:.4g}; error / optimum: {ratios}")
    write_part(out, began, {
        "rows": rows,
        "meta": {
            "relations": {name: symmetric_problem(name).label for name in config["relations"]},
            "rules": {name: symmetric_problem(name).rules for name in config["relations"]},
            "quick": quick,
            "trained": {"design": VARIABLE_PROJECTION, "widths": config["widths"], "depth": DEPTH,
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
