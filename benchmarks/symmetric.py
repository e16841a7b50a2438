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

DIMS = [2, 4, 8, 16]
WIDTHS, DEPTH, SEEDS = [32, 64], 2, [0, 1]  # the training budget: 4 networks per kernel and d
BASELINE_SEEDS = 20
TRAINED, OPTIMUM = "trained <phi, phi>", "optimum (Eckart-Young)"
RFF, RFF_CLOSED = f"random Fourier (mean of {BASELINE_SEEDS})", "random Fourier (expected, closed form)"
NYSTROEM, MERCER = f"Nystroem (mean of {BASELINE_SEEDS})", "truncated Mercer features"


def trained_row(problem, d: int, optimum: float) -> dict:
    """Train the budget's networks; keep the one with the smallest training error, report its validation error."""
    candidates = []
    for width in WIDTHS:
        for seed in SEEDS:
            try:
                fit = fit_symmetric(problem, d, width=width, depth=DEPTH, design=VARIABLE_PROJECTION, seed=seed)
            except (np.linalg.LinAlgError, ValueError) as exc:  # the optimiser can leave non-finite weights
                candidates.append({"width": width, "seed": seed, "failed": f"{type(exc).__name__}: {exc}"})
                log(f"symmetric {problem.name} d={d}: width {width}, seed {seed} failed ({exc}); left out")
                continue
            candidates.append({"width": width, "seed": seed, "train_error": fit.train_error,
                               "valid_error": fit.valid_error, "lbfgs_evaluations": fit.lbfgs_evaluations,
                               "seconds": round(fit.seconds, 2)})
    best = min((c for c in candidates if "failed" not in c), key=lambda c: c["train_error"])
    return make_row(problem.name, TRAINED, d, best["valid_error"], optimum, width=best["width"], seed=best["seed"],
                    train_error=best["train_error"], candidates=candidates)


def main() -> None:
    out, began = start(__doc__.splitlines()[0])
    rows = []
    for name in ("gaussian", "brownian"):
        problem = symmetric_problem(name)
        xv, wv = problem.valid
        K = problem.kernel(xv)
        for d in DIMS:
            optimum = problem.expansion.tail_l2(d)
            rows.append(make_row(name, OPTIMUM, d, optimum, optimum))
            rows.append(trained_row(problem, d, optimum))
            truncated = relation_norm(K - problem.expansion.truncate(d).truncated(xv), wv)
            rows.append(make_row(name, MERCER, d, truncated, optimum))
            ny = nystroem_errors(problem, d, BASELINE_SEEDS)
            rows.append(make_row(name, NYSTROEM, d, float(np.mean(ny)), optimum, std=float(np.std(ny)),
                                 best=float(np.min(ny))))
            if problem.gamma is not None:  # random Fourier features approximate the stationary Gaussian kernel only
                rff = rff_errors(problem, d, BASELINE_SEEDS)
                rows.append(make_row(name, RFF, d, float(np.mean(rff)), optimum, std=float(np.std(rff)),
                                     rms=float(np.sqrt(np.mean(np.square(rff))))))
                rows.append(make_row(name, RFF_CLOSED, d, rff_expected_error(d, lengthscale=LENGTHSCALE), optimum))
            ratios = ", ".join(f"{r['method']} {r['ratio']:.4g}" for r in rows[-6:] if r["d"] == d and
                               r["relation"] == name and r["method"] != OPTIMUM)
            log(f"symmetric {name} d={d}: optimum {optimum:.4g}; error / optimum: {ratios}")
    write_part(out, began, {
        "rows": rows,
        "meta": {
            "relations": {name: symmetric_problem(name).label for name in ("gaussian", "brownian")},
            "rules": {name: symmetric_problem(name).rules for name in ("gaussian", "brownian")},
            "trained": {"design": VARIABLE_PROJECTION, "widths": WIDTHS, "depth": DEPTH, "seeds": SEEDS,
                        "activation": "tanh", "dtype": "float64",
                        "selection": "smallest error on the training rule; reported: its validation error"},
            "baseline_seeds": BASELINE_SEEDS,
            "not_applicable": {"brownian": {
                "random Fourier": "RBFSampler's features estimate the stationary Gaussian kernel; min(x, y) is not "
                                  "a function of x - y, so no random Fourier feature map approximates it"}},
            "versions": versions(),
        },
    })


if __name__ == "__main__":
    main()
