"""Benchmark 3: the trained attention of the attention chapter, weight and accuracy against beta next to min_beta.

The chapter's moving-target task (each query wants the key nearest to T(x) = 1/2 + 0.35 sin(2 pi x)), n = 8
keys, eps = 0.01, gap eta = 0.05, and its query/key networks (two SiLU MLPs, 3 x 32 units, d = 8, 5000 Adam
steps on a 40 x 40 Gauss-Legendre grid). On 2000 gap instances and 2000 instances without a gap condition
(seed 0), for 41 values of beta: the mean and smallest weight on the preferred key, and the fraction of
instances whose weight is at least 1 - eps; next to beta_min(n, eta - 2 delta, eps) of the theorem and the beta
the gap instances need (relnb.retrieval.retrieval_report). Run by benchmarks/run.py (`make bench`).
"""

from __future__ import annotations

import numpy as np
from common import log, start, versions, write_part

from relnb.attention import selection_error
from relnb.inner_product import retrieval_model
from relnb.retrieval import moving_target_task, retrieval_report
from relnb.training import fit_relation

N_KEYS, EPS, ETA, INSTANCES = 8, 0.01, 0.05, 2000
BETAS = np.geomspace(1.0, 2000.0, 41)


def main() -> None:
    out, began, _ = start(__doc__.splitlines()[0])
    task = moving_target_task()
    xq, wq, xk, wk = task.grid(40)
    model = retrieval_model()  # the attention chapter's model, the same recipe
    _, history = fit_relation(model, task.relation, xq, wq, nodes_y=xk, weights_y=wk, steps=5000, lr=1e-2)
    fine = np.linspace(0, 1, 401)[:, None]
    delta_grid = float(np.abs(model.scores(fine, fine) - task.relation(fine, fine)).max())
    rng = np.random.default_rng(0)
    gap_batch = task.sample(INSTANCES, N_KEYS, gap=ETA, rng=rng)
    free_batch = task.sample(INSTANCES, N_KEYS, gap=0.0, rng=rng)
    scores, free_scores = model.scores(gap_batch.queries, gap_batch.keys), model.scores(free_batch.queries,
                                                                                         free_batch.keys)
    report = retrieval_report(scores, gap_batch, gap=ETA, eps=EPS, delta=delta_grid)
    weights = np.array([1 - selection_error(scores, gap_batch.selected, beta=b) for b in BETAS])
    free_weights = np.array([1 - selection_error(free_scores, free_batch.selected, beta=b) for b in BETAS])
    retrieval = {
        "task": task.name, "n_keys": N_KEYS, "eps": EPS, "gap": ETA, "instances": INSTANCES,
        "model": repr(model), "training": "fit_relation, 5000 Adam steps, lr 1e-2, task.grid(40)",
        "train_l2": history.l2_error, "delta_grid": delta_grid, "delta": report.delta,
        "min_beta": report.bound_beta, "measured_beta": report.measured_beta, "bound_ratio": report.ratio,
        "argmax_accuracy": report.accuracy,
        "argmax_accuracy_free": float(np.mean(np.argmax(free_scores, axis=1) == free_batch.selected)),
        "betas": BETAS.tolist(),
        "weight_mean": weights.mean(axis=1).tolist(), "weight_min": weights.min(axis=1).tolist(),
        "accuracy": (weights >= 1 - EPS).mean(axis=1).tolist(),
        "weight_mean_free": free_weights.mean(axis=1).tolist(),
        "accuracy_free": (free_weights >= 1 - EPS).mean(axis=1).tolist(),
    }
    log(f"retrieval: delta {report.delta:.4g}, beta_min {report.bound_beta:.4g}, measured beta "
        f"{report.measured_beta:.4g}, argmax accuracy {report.accuracy:.4g} (gap), "
        f"{retrieval['argmax_accuracy_free']:.4g} (no gap condition)")
    write_part(out, began, {"retrieval": retrieval, "meta": {"versions": versions()}})


if __name__ == "__main__":
    main()
