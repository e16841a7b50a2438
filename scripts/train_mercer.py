"""Training experiments of the chapter "Mercer's theorem and symmetric relations" (book/mercer.ipynb).

Trains inner-product models <phi(x), phi(y)> on three kernels, for feature dimensions d = 1..16 and a
sweep of widths and depths, with two training designs (gradient descent on every layer; variable
projection, where the readout is always the Eckart-Young optimum in the span of the hidden units), and
measures every model on an independent, finer quadrature rule than the one it was trained on.  Next to
them: the Eckart-Young limit (the Mercer tail), random Fourier features and Nystroem features
(scikit-learn) at the same d.  Writes book/data/mercer_results.json, which the chapter reads.

Run with `make train-mercer` (8 to 11 minutes on a 2-core laptop; one torch thread, float64).
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

from relnb import quadrature
from relnb.bench import VARIABLE_PROJECTION as VARPRO
from relnb.bench import fit_symmetric, nystroem_errors, rff_errors, symmetric_problem

OUT = Path(__file__).resolve().parent.parent / "book" / "data" / "mercer_results.json"

DIMS = list(range(1, 17))
GRADIENT = {"steps": 2000, "lr": 1e-2, "lbfgs_steps": 2000, "readout": "gradient"}
WIDTH, DEPTH = 32, 2  # the variable-projection network of the main table
GRADIENT_WIDTH = 64  # the gradient-trained network: two tanh layers of width 64, as in the first attempt
BASELINE_SEEDS = 20


def fit(problem, d: int, width: int, depth: int, design: dict, train=None) -> tuple[float, float, float]:
    """Train one model (seed 0); return (training L2 error, validation L2 error, seconds)."""
    return tuple(fit_symmetric(problem, d, width=width, depth=depth, design=design, train=train))[:3]


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
            "script": "scripts/train_mercer.py",
            "torch": torch.__version__, "numpy": np.__version__, "sklearn": sklearn.__version__,
            "python": platform.python_version(), "threads": 1, "dtype": "float64",
            "gradient": {**GRADIENT, "width": GRADIENT_WIDTH, "depth": 2, "activation": "tanh"},
            "varpro": {**VARPRO, "width": WIDTH, "depth": DEPTH, "activation": "tanh"},
            "train_rules": {"gaussian": "gaussian_legendre(300)", "laplace": "gaussian_legendre(300)",
                            "brownian": "uniform(300)"},
            "valid_rules": {"gaussian": "gaussian_legendre(1500, half_width=9.5)",
                            "laplace": "gaussian_legendre(2000, half_width=9.5)", "brownian": "uniform(1001)"},
            "baseline_seeds": BASELINE_SEEDS,
        }
    }
    for name, problem in probs.items():
        dims = DIMS if name == "gaussian" else [1, 2, 4, 8, 16]
        rows: dict[str, list] = {k: [] for k in ("d", "optimum", "varpro", "varpro_train", "varpro_seconds",
                                                 "gradient", "gradient_train", "gradient_seconds",
                                                 "nystroem_mean", "nystroem_std", "rff_mean", "rff_std")}
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
            for key, value in row.items():
                rows[key].append(value)
            log(f"{name} d={d}: optimum {optimum:.4g}, varpro/opt {varpro[1] / optimum:.4f} ({varpro[2]:.1f} s), "
                f"gradient/opt {gradient[1] / optimum:.4f} ({gradient[2]:.1f} s), "
                f"nystroem/opt {row['nystroem_mean'] / optimum:.3f}")
        results[name] = {"label": problem.label, **{k: v for k, v in rows.items() if v}}

    # the first attempt: gradient training on an 80-node Gauss-Hermite grid, and the readout design on it
    gauss = probs["gaussian"]
    naive: dict[str, list] = {"d": [4, 8, 16], "optimum": [], "gradient": [], "varpro_width64": []}
    for d in naive["d"]:
        naive["optimum"].append(gauss.expansion.tail_l2(d))
        naive["gradient"].append(fit(gauss, d, 64, 2, GRADIENT, train=quadrature.gaussian(80))[1])
        naive["varpro_width64"].append(fit(gauss, d, 64, 2, VARPRO, train=quadrature.gaussian(80))[1])
        log(f"gauss-hermite 80, d={d}: gradient/opt {naive['gradient'][-1] / naive['optimum'][-1]:.4f}, "
            f"varpro(64)/opt {naive['varpro_width64'][-1] / naive['optimum'][-1]:.4f}")
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
