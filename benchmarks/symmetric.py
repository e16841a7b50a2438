"""Benchmark 1: symmetric kernels, trained <phi, phi> against the Eckart-Young optimum and the usual features.

Gaussian kernel (lengthscale 0.5) under N(0, 1) and min(x, y) under the uniform measure on [0, 1], for
d = 2, 4, 8, 16: the Eckart-Young optimum tau_d (closed form), the trained <phi, phi> (variable projection,
best of widths 32 and 64 and seeds 0 and 1, chosen by the error on the training rule), the truncated Mercer
features (equal to the optimum in L2: measured anyway, as a check of the validation rule), Nystroem features
(20 seeds) and, for the Gaussian kernel only, random Fourier features (20 seeds, and the closed-form expected
error). Every error is measured on the problem's validation rule, finer than and independent of the training
rule (relnb.kernel_approx.symmetric_problem). Run by benchmarks/run.py (`make bench`).
"""

from __future__ import annotations

import numpy as np
from common import log, start, versions, write_part
from problems import VARIABLE_PROJECTION, fit_symmetric

from relnb.bench import make_row
from relnb.gram import relation_norm
from relnb.kernel_approx import LENGTHSCALE, nystroem_errors, rff_errors, rff_expected_error, symmetric_problem

FULL = {"relations": ["gaussian", "brownian"], "dims": [2, 4, 8, 16], "widths": [32, 64], "seeds": [0, 1],
        "baseline_seeds": 20}  # the training budget: 4 networks per kernel and d
# --quick (make bench-check): one relation, small d, one small network, few seeds; the same code path
QUICK = {"relations": ["gaussian"], "dims": [2, 4], "widths": [16], "seeds": [0], "baseline_seeds": 3}
DEPTH = 2
TRAINED, OPTIMUM = "trained <phi, phi>", "optimum (Eckart-Young)"
RFF_CLOSED, MERCER = "random Fourier (expected, closed form)", "truncated Mercer features"


def trained_row(problem, d: int, optimum: float, config: dict, wall: dict) -> dict:
    """Train the budget's networks; keep the one with the smallest training error, report its validation error.

    The wall time of each fit goes to ``wall`` (the timings file), not to the row.
    """
    candidates = []
    for width in config["widths"]:
        for seed in config["seeds"]:
            try:
                fit = fit_symmetric(problem, d, width=width, depth=DEPTH, design=VARIABLE_PROJECTION, seed=seed)
            except (np.linalg.LinAlgError, ValueError) as exc:  # the optimiser can leave non-finite weights
                candidates.append({"width": width, "seed": seed, "failed": f"{type(exc).__name__}: {exc}"})
                log(f"symmetric {problem.name} d={d}: width {width}, seed {seed} failed ({exc}); left out")
                continue
            candidates.append({"width": width, "seed": seed, "train_error": fit.train_error,
                               "valid_error": fit.valid_error, "lbfgs_evaluations": fit.lbfgs_evaluations})
            wall[f"{problem.name} d={d} width={width} seed={seed}"] = round(fit.seconds, 2)
    best = min((c for c in candidates if "failed" not in c), key=lambda c: c["train_error"])
    return make_row(problem.name, TRAINED, d, best["valid_error"], optimum, width=best["width"], seed=best["seed"],
                    train_error=best["train_error"], candidates=candidates)


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
            optimum = problem.expansion.tail_l2(d)
            rows.append(make_row(name, OPTIMUM, d, optimum, optimum))
            rows.append(trained_row(problem, d, optimum, config, wall))
            truncated = relation_norm(K - problem.expansion.truncate(d).truncated(xv), wv)
            rows.append(make_row(name, MERCER, d, truncated, optimum))
            ny = nystroem_errors(problem, d, seeds)
            rows.append(make_row(name, nystroem_name, d, float(np.mean(ny)), optimum, std=float(np.std(ny)),
                                 best=float(np.min(ny))))
            if problem.gamma is not None:  # random Fourier features approximate the stationary Gaussian kernel only
                rff = rff_errors(problem, d, seeds)
                rows.append(make_row(name, rff_name, d, float(np.mean(rff)), optimum, std=float(np.std(rff)),
                                     rms=float(np.sqrt(np.mean(np.square(rff))))))
                rows.append(make_row(name, RFF_CLOSED, d, rff_expected_error(d, lengthscale=LENGTHSCALE), optimum))
            ratios = ", ".join(f"{r['method']} {r['ratio']:.4g}" for r in rows[-6:] if r["d"] == d and
                               r["relation"] == name and r["method"] != OPTIMUM)
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
            "not_applicable": {"brownian": {
                "random Fourier": "RBFSampler's features estimate the stationary Gaussian kernel; min(x, y) is not "
                                  "a function of x - y, so no random Fourier feature map approximates it"}},
            "versions": versions(),
        },
    }, wall={"fits": wall})


if __name__ == "__main__":
    main()
