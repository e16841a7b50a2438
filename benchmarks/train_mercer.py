"""Training experiments of the chapter "Mercer's theorem and symmetric relations" (book/mercer.ipynb).

Trains inner-product models <phi(x), phi(y)> on three kernels, for feature dimensions d = 1..16 and a
sweep of widths and depths, with two training designs (gradient descent on every layer; variable
projection, where the readout is always the Eckart-Young optimum in the span of the hidden units), and
measures every model on an independent, finer quadrature rule than the one it was trained on.  Next to
them: the Eckart-Young limit (the Mercer tail); random Fourier features and Nystroem features (scikit-learn)
as commonly used (d of them); and, at the budget of the trained network (width + 1 = 33 features before a
rank-d readout), untrained networks, Nystroem and random Fourier features, each with the best rank-d readout.
For the chapter's first attempt (gradient training on an 80-node Gauss-Hermite rule) it records the
diagnosis that changes one thing at a time.  Writes book/data/mercer_results.json, which the chapter reads.

Run with `make train-mercer` (one torch thread, float64, the pinned code paths of numerics.env; deterministic:
a re-run writes the same errors, only the timings change).  It takes about 15 minutes on a 2-core machine;
meta.seconds in the file records the run that wrote it.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import sklearn
import torch
from problems import VARIABLE_PROJECTION as VARPRO
from problems import fit_symmetric

from relnb import quadrature
from relnb.gram import relation_norm
from relnb.kernel_approx import nystroem_errors, rff_errors, symmetric_problem
from relnb.training import random_network_errors, solve_readout

OUT = Path(__file__).resolve().parent.parent / "book" / "data" / "mercer_results.json"

DIMS = list(range(1, 17))
GRADIENT = {"steps": 2000, "lr": 1e-2, "lbfgs_steps": 2000, "readout": "gradient"}
WIDTH, DEPTH = 32, 2  # the variable-projection network of the main table
GRADIENT_WIDTH = 64  # the gradient-trained network: two tanh layers of width 64, as in the first attempt
BASELINE_SEEDS = 20
BUDGET = WIDTH + 1  # features before the readout in the equal-budget comparison: the hidden units and a constant
TRAINED_SEEDS = 5  # initialisations of the trained network at d = 4, 8, 16


def fit(problem, d: int, width: int, depth: int, design: dict, train=None, seed: int = 0) -> tuple[float, ...]:
    """Train one model; return (training L2 error, validation L2 error, seconds)."""
    return tuple(fit_symmetric(problem, d, width=width, depth=depth, design=design, train=train, seed=seed))[:3]


def error(model, problem, rule=None) -> float:
    """L2 error of a model on a rule (default: the problem's validation rule)."""
    x, w = problem.valid if rule is None else rule
    return relation_norm(problem.kernel(x) - model.relation(x), w)


def log(message: str) -> None:
    print(message, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    torch.set_num_threads(1)
    began = time.perf_counter()
    probs = {name: symmetric_problem(name) for name in ("gaussian", "brownian", "laplace")}
    results: dict = {
        "meta": {
            "script": "benchmarks/train_mercer.py",
            "torch": torch.__version__, "numpy": np.__version__, "sklearn": sklearn.__version__,
            "python": platform.python_version(), "threads": 1, "dtype": "float64",
            "gradient": {**GRADIENT, "width": GRADIENT_WIDTH, "depth": 2, "activation": "tanh"},
            "varpro": {**VARPRO, "width": WIDTH, "depth": DEPTH, "activation": "tanh"},
            "train_rules": {"gaussian": "gaussian_legendre(300)", "laplace": "gaussian_legendre(300)",
                            "brownian": "uniform(300)"},
            "valid_rules": {"gaussian": "gaussian_legendre(1500, half_width=9.5)",
                            "laplace": "gaussian_legendre(2000, half_width=9.5)", "brownian": "uniform(1001)"},
            "baseline_seeds": BASELINE_SEEDS, "budget_features": BUDGET, "trained_seeds": TRAINED_SEEDS,
        }
    }
    for name, problem in probs.items():
        dims = DIMS if name == "gaussian" else [1, 2, 4, 8, 16]
        rows: dict[str, list] = {k: [] for k in ("d", "optimum", "varpro", "varpro_train", "varpro_seconds",
                                                 "gradient", "gradient_train", "gradient_seconds",
                                                 "nystroem_mean", "nystroem_std", "rff_mean", "rff_std",
                                                 "budget_random", "budget_nystroem", "budget_rff")}
        for d in dims:
            optimum = problem.expansion.tail_l2(d)
            varpro, gradient = fit(problem, d, WIDTH, DEPTH, VARPRO), fit(problem, d, GRADIENT_WIDTH, 2, GRADIENT)
            ny = nystroem_errors(problem, d, BASELINE_SEEDS)
            rff = rff_errors(problem, d, BASELINE_SEEDS) if name == "gaussian" else []
            row = {
                "d": d, "optimum": optimum,
                "varpro_train": varpro[0], "varpro": varpro[1], "varpro_seconds": varpro[2],
                "gradient_train": gradient[0], "gradient": gradient[1], "gradient_seconds": gradient[2],
                "nystroem_mean": float(np.mean(ny)), "nystroem_std": float(np.std(ny)),
            }
            if rff:
                row.update(rff_mean=float(np.mean(rff)), rff_std=float(np.std(rff)))
            # the same budget as the trained network: 33 features, then the best rank-d readout (20 seeds each)
            row["budget_random"] = random_network_errors(problem, d, BASELINE_SEEDS, width=WIDTH, depth=DEPTH)
            row["budget_nystroem"] = nystroem_errors(problem, d, BASELINE_SEEDS, features=BUDGET)
            if name == "gaussian":
                row["budget_rff"] = rff_errors(problem, d, BASELINE_SEEDS, features=BUDGET)
            for key, value in row.items():
                rows[key].append(value)
            log(f"{name} d={d}: optimum {optimum:.4g}, varpro/opt {varpro[1] / optimum:.4f} ({varpro[2]:.1f} s), "
                f"gradient/opt {gradient[1] / optimum:.4f} ({gradient[2]:.1f} s), "
                f"nystroem/opt {row['nystroem_mean'] / optimum:.3f}, "
                f"random net + readout/opt {np.median(row['budget_random']) / optimum:.4f}")
        results[name] = {"label": problem.label, **{k: v for k, v in rows.items() if v}}

    # the trained network of the equal-budget comparison over initialisations (seed 0 is the main loop's)
    gauss = probs["gaussian"]
    trained = {"d": [4, 8, 16], "seeds": list(range(TRAINED_SEEDS)), "varpro": []}
    for d in trained["d"]:
        errors = [results["gaussian"]["varpro"][d - 1]]
        errors += [fit(gauss, d, WIDTH, DEPTH, VARPRO, seed=seed)[1] for seed in range(1, TRAINED_SEEDS)]
        trained["varpro"].append(errors)
        log(f"trained seeds, d={d}: error/opt {np.round(np.array(errors) / gauss.expansion.tail_l2(d), 4).tolist()}")
    results["gaussian"]["trained_seeds"] = trained

    # the first attempt (gradient training, width 64, on an 80-node Gauss-Hermite rule) and its diagnosis, one
    # change at a time: the readout solved on the same rule (the decisive test), the readout solved on the
    # 300-node rule, and variable projection on the same rule; gradient training on the 300-node rule is the
    # main table's "gradient".  "_nodes": the error on the 80 training nodes instead of the validation rule.
    gh80 = quadrature.gaussian(80)
    keys = ("optimum", "gradient", "gradient_nodes", "gradient_solved", "gradient_solved_nodes",
            "gradient_solved_gl300", "varpro_width64", "varpro_width64_nodes")
    naive: dict[str, list] = {"d": [4, 8, 16], **{k: [] for k in keys}}
    for d in naive["d"]:
        first = fit_symmetric(gauss, d, width=GRADIENT_WIDTH, depth=2, design=GRADIENT, train=gh80)
        model = solve_readout(first.model, gauss.kernel(gh80[0]), *gh80)
        solved, solved_nodes = error(model, gauss), error(model, gauss, gh80)
        model = solve_readout(model, gauss.kernel(gauss.train[0]), *gauss.train)
        varpro = fit_symmetric(gauss, d, width=GRADIENT_WIDTH, depth=2, design=VARPRO, train=gh80)
        values = (gauss.expansion.tail_l2(d), first.valid_error, first.train_error, solved, solved_nodes,
                  error(model, gauss), varpro.valid_error, varpro.train_error)
        for key, value in zip(keys, values, strict=True):
            naive[key].append(value)
        log(f"gauss-hermite 80, d={d}: " + ", ".join(f"{k} {v / values[0]:.4g}" for k, v in zip(keys[1:], values[1:],
                                                                                               strict=True)))
    results["gauss_hermite_80"] = naive

    # width and depth at d = 8 and 16 (variable projection), and gradient training at d = 8
    widths, depths = [2, 4, 8, 16, 32, 64, 128], [1, 2, 3]
    sweep: dict = {"widths": widths, "depths": depths, "varpro": {}, "gradient": {}}
    for d in (8, 16):
        sweep["varpro"][str(d)] = [[fit(gauss, d, wd, dp, VARPRO)[1] for wd in widths] for dp in depths]
        ratios = np.array(sweep["varpro"][str(d)]) / gauss.expansion.tail_l2(d)
        log(f"sweep varpro d={d}: {np.round(ratios, 3).tolist()}")
    sweep["gradient"]["8"] = [[fit(gauss, 8, wd, dp, GRADIENT)[1] if (dp == 2 or wd == 64) else None
                               for wd in widths] for dp in depths]
    log(f"sweep gradient d=8: {sweep['gradient']['8']}")
    results["sweep"] = sweep
    results["meta"]["seconds"] = round(time.perf_counter() - began)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {args.out} in {results['meta']['seconds']} s")


if __name__ == "__main__":
    main()
