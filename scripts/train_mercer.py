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
from functools import partial
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.kernel_approximation import Nystroem, RBFSampler

from relnb import kernels, mercer, quadrature
from relnb.gram import relation_norm
from relnb.inner_product import MLP, SymmetricInnerProduct, fit_relation

OUT = Path(__file__).resolve().parent.parent / "book" / "data" / "mercer_results.json"

ELL = 0.5
GAUSSIAN = partial(kernels.gaussian, lengthscale=ELL)
LAPLACE = partial(kernels.laplace, lengthscale=ELL)
DIMS = list(range(1, 17))
GRADIENT = {"steps": 2000, "lr": 1e-2, "lbfgs_steps": 2000, "readout": "gradient"}
VARPRO = {"steps": 0, "lbfgs_steps": 1000, "readout": "eckart_young"}
WIDTH, DEPTH = 32, 2  # the variable-projection network of the main table
GRADIENT_WIDTH = 64  # the gradient-trained network: two tanh layers of width 64, as in the first attempt
BASELINE_SEEDS = 20


def problems() -> dict[str, dict]:
    """Kernel, training rule, independent finer validation rule and the optimum (tail) for each problem."""
    gauss_valid = quadrature.gaussian_legendre(1500, half_width=9.5)
    laplace_valid = quadrature.gaussian_legendre(2000, half_width=9.5)
    laplace_expansion = mercer.mercer_decomposition(LAPLACE, *laplace_valid, rank=16)
    return {
        "gaussian": {
            "kernel": GAUSSIAN, "train": quadrature.gaussian_legendre(300), "valid": gauss_valid,
            "tail": mercer.gaussian_expansion(16, lengthscale=ELL).tail_l2,
            "label": "Gaussian kernel, lengthscale 0.5, N(0, 1)",
        },
        "brownian": {
            "kernel": kernels.brownian, "train": quadrature.uniform(300), "valid": quadrature.uniform(1001),
            "tail": mercer.brownian_expansion(16).tail_l2, "label": "min(x, y), uniform on [0, 1]",
        },
        "laplace": {
            "kernel": LAPLACE, "train": quadrature.gaussian_legendre(300), "valid": laplace_valid,
            "tail": laplace_expansion.tail_l2, "label": "Laplace kernel, lengthscale 0.5, N(0, 1)",
        },
    }


def fit(problem: dict, d: int, width: int, depth: int, design: dict, train=None) -> tuple[float, float, float]:
    """Train one model; return (training L2 error, validation L2 error, seconds)."""
    x, w = problem["train"] if train is None else train
    model = SymmetricInnerProduct(MLP(1, d, width=width, depth=depth, seed=0))
    start = time.perf_counter()
    _, history = fit_relation(model, problem["kernel"], x, w, seed=0, validation=problem["valid"], **design)
    return history.l2_error, history.validation_l2, time.perf_counter() - start


def rff_errors(problem: dict, d: int) -> list[float]:
    """Random Fourier features (Rahimi-Recht) for the Gaussian kernel, one error per seed."""
    xv, wv = problem["valid"]
    K = problem["kernel"](xv)
    errors = []
    for seed in range(BASELINE_SEEDS):
        Z = RBFSampler(gamma=1 / (2 * ELL**2), n_components=d, random_state=seed).fit(xv).transform(xv)
        errors.append(relation_norm(K - Z @ Z.T, wv))
    return errors


def nystroem_errors(problem: dict, d: int, sampler) -> list[float]:
    """Nystroem features with d landmarks drawn from the measure (scikit-learn), one error per seed."""
    xv, wv = problem["valid"]
    K = problem["kernel"](xv)
    errors = []
    for seed in range(BASELINE_SEEDS):
        sample = sampler(np.random.default_rng(seed), 1000)
        features = Nystroem(kernel=lambda a, b: problem["kernel"](a[None, :], b[None, :])[0, 0], n_components=d,
                            random_state=seed)
        if problem["kernel"] is GAUSSIAN:  # the vectorised built-in kernel: same map, 100x faster
            features = Nystroem(kernel="rbf", gamma=1 / (2 * ELL**2), n_components=d, random_state=seed)
        elif problem["kernel"] is LAPLACE:
            features = Nystroem(kernel="laplacian", gamma=1 / ELL, n_components=d, random_state=seed)
        Z = features.fit(sample).transform(xv)
        errors.append(relation_norm(K - Z @ Z.T, wv))
    return errors


SAMPLERS = {
    "gaussian": lambda rng, n: rng.normal(size=(n, 1)),
    "laplace": lambda rng, n: rng.normal(size=(n, 1)),
    "brownian": lambda rng, n: rng.uniform(size=(n, 1)),
}


def log(message: str) -> None:
    print(message, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    torch.set_num_threads(1)
    began = time.perf_counter()
    probs = problems()
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
            optimum = problem["tail"](d)
            varpro, gradient = fit(problem, d, WIDTH, DEPTH, VARPRO), fit(problem, d, GRADIENT_WIDTH, 2, GRADIENT)
            ny = nystroem_errors(problem, d, SAMPLERS[name])
            rff = rff_errors(problem, d) if name == "gaussian" else []
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
        results[name] = {"label": problem["label"], **{k: v for k, v in rows.items() if v}}

    # the first attempt: gradient training on an 80-node Gauss-Hermite grid, and the readout design on it
    gauss = probs["gaussian"]
    naive: dict[str, list] = {"d": [4, 8, 16], "optimum": [], "gradient": [], "varpro_width64": []}
    for d in naive["d"]:
        naive["optimum"].append(gauss["tail"](d))
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
        log(f"sweep varpro d={d}: {np.round(np.array(sweep['varpro'][str(d)]) / gauss['tail'](d), 3).tolist()}")
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
