"""Tests of relnb.inner_product: the models, the training loop, the Eckart-Young readout."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from relnb import kernels, quadrature
from relnb.gram import relation_norm
from relnb.inner_product import MLP, AsymmetricInnerProduct, SymmetricInnerProduct, order_model, retrieval_model
from relnb.relations import neg_squared_distance, order
from relnb.training import FitHistory, _projected_loss, fit_relation, solve_readout

GAUSS = partial(kernels.gaussian, lengthscale=0.5)


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Small problems: one thread is faster, and on a busy 2-core machine 15x faster than two."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_mlp_shapes_repr_and_seeded_initialisation() -> None:
    phi = MLP(2, 3, width=5, depth=3, activation="relu", seed=4)
    assert repr(phi) == "MLP(2 -> [5 x 3, relu] -> 3)"
    assert phi.features(np.zeros((7, 2))).shape == (7, 3) and phi.dtype == torch.float64
    same, other = MLP(2, 3, width=5, depth=3, activation="relu", seed=4), MLP(2, 3, width=5, depth=3, seed=5)
    assert all(torch.equal(a, b) for a, b in zip(phi.parameters(), same.parameters(), strict=True))
    assert not torch.equal(next(phi.parameters()), next(other.parameters()))
    state = torch.random.get_rng_state()
    MLP(1, 1, seed=0)
    assert torch.equal(state, torch.random.get_rng_state())  # the global generator is untouched


@given(seed=st.integers(0, 1000), d=st.integers(1, 4), n=st.integers(2, 12))
@settings(max_examples=30, deadline=None)
def test_symmetric_model_gram_is_psd_with_rank_at_most_d(seed: int, d: int, n: int) -> None:
    model = SymmetricInnerProduct(MLP(1, d, width=8, seed=seed))
    G = model.relation(np.random.default_rng(seed).normal(size=(n, 1)))
    assert np.array_equal(G, G.T)
    eigenvalues = np.linalg.eigvalsh(G)
    assert eigenvalues[0] >= -1e-12 * max(1.0, eigenvalues[-1])
    assert np.sum(eigenvalues > 1e-10 * max(1.0, eigenvalues[-1])) <= d


def test_fit_is_deterministic_and_decreases_the_loss() -> None:
    x, w = quadrature.gaussian_legendre(40)
    runs = []
    for _ in range(2):
        model = SymmetricInnerProduct(MLP(1, 3, width=16, seed=1))
        runs.append(fit_relation(model, GAUSS, x, w, steps=150, lbfgs_steps=30, seed=3))
    (m1, h1), (m2, h2) = runs
    assert h1.adam_loss == h2.adam_loss and h1.lbfgs_loss == h2.lbfgs_loss  # bit for bit
    assert np.array_equal(m1.relation(x), m2.relation(x))
    assert h1.adam_loss[-1] < h1.adam_loss[0] and h1.l2_error**2 <= h1.adam_loss[-1]
    assert math.isnan(h1.validation_l2) and repr(h1).startswith("FitHistory(adam_steps=150, lbfgs_steps=")


def test_multi_tensor_adam_is_the_single_tensor_adam_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    # fit_relation asks for torch's multi-tensor Adam (foreach=True, about twice as fast on CPU); the stored
    # outputs were made with the default single-tensor loop: the two must take the same steps, to the last bit
    x, w = quadrature.gaussian_legendre(30)
    made, adam = {}, torch.optim.Adam
    for foreach in (True, False):
        if not foreach:
            # the reference: torch's default Adam on CPU (the single-tensor loop) with the same learning rate
            monkeypatch.setattr(torch.optim, "Adam", lambda params, lr, **_: adam(params, lr=lr, foreach=False))
        for name, model, readout in (
            ("symmetric", SymmetricInnerProduct(MLP(1, 3, width=16, seed=1)), "gradient"),
            ("asymmetric", AsymmetricInnerProduct(MLP(1, 2, width=8, seed=0), MLP(1, 2, width=8, seed=1)), "gradient"),
            ("retrieval", retrieval_model(), "gradient"),
            ("projected", SymmetricInnerProduct(MLP(1, 3, width=16, seed=2)), "eckart_young"),
        ):
            _, history = fit_relation(model, neg_squared_distance if name == "asymmetric" else GAUSS, x, w,
                                      steps=120, lbfgs_steps=5, readout=readout)
            made[name, foreach] = (history.adam_loss, history.lbfgs_loss, model.relation(x))
    for name in ("symmetric", "asymmetric", "retrieval", "projected"):
        (a1, l1, r1), (a0, l0, r0) = made[name, True], made[name, False]
        assert a1 == a0 and l1 == l0 and np.array_equal(r1, r0), name


def test_new_keywords_leave_the_default_training_unchanged() -> None:
    x, w = quadrature.uniform(20)
    m1 = SymmetricInnerProduct(MLP(1, 2, width=8, seed=0))
    m2 = SymmetricInnerProduct(MLP(1, 2, width=8, seed=0))
    _, h1 = fit_relation(m1, kernels.brownian, x, w, steps=50, lbfgs_steps=10)
    _, h2 = fit_relation(m2, kernels.brownian, x, w, steps=50, lbfgs_steps=10, readout="gradient",
                         validation=quadrature.uniform(33))
    assert h1.adam_loss == h2.adam_loss and h1.l2_error == h2.l2_error
    # the validation rule only measures: its error is the model's error on it
    xv, wv = quadrature.uniform(33)
    assert h2.validation_l2 == pytest.approx(relation_norm(kernels.brownian(xv) - m2.relation(xv), wv), rel=1e-12)
    assert [c[0] for c in h2.checkpoints] == ["adam", "lbfgs"]


def test_readout_is_the_eckart_young_optimum_in_the_hidden_span() -> None:
    x, w = quadrature.gaussian_legendre(60)
    K = GAUSS(x)
    model = solve_readout(SymmetricInnerProduct(MLP(1, 3, width=6, seed=2)), K, x, w)
    # independent computation: orthonormal basis of the weighted hidden features [h, 1], Ritz values
    with torch.no_grad():
        H = model.phi.net[:-1](torch.as_tensor(x)).numpy()
    Q, _ = np.linalg.qr(np.hstack([H, np.ones((60, 1))]) * np.sqrt(w)[:, None])
    A = np.sqrt(w)[:, None] * K * np.sqrt(w)[None, :]
    mu = np.linalg.eigvalsh(Q.T @ A @ Q)[::-1]
    best = math.sqrt(np.sum(A**2) - np.sum(mu[:3] ** 2))
    assert relation_norm(K - model.relation(x), w) == pytest.approx(best, rel=1e-8)
    # and the hidden span cannot beat the unrestricted optimum (discrete Eckart-Young)
    lam = np.linalg.eigvalsh(A)[::-1]
    assert best >= math.sqrt(np.sum(lam[3:] ** 2)) * (1 - 1e-12)


def test_solve_readout_sets_the_readout_of_best_readout_on_the_hidden_features() -> None:
    from relnb.readout import best_readout

    x, w = quadrature.gaussian_legendre(50)
    model = SymmetricInnerProduct(MLP(1, 3, width=7, depth=2, seed=4))
    H = model.phi.hidden_features(x)
    with torch.no_grad():  # the hidden features are the last hidden layer and a constant
        assert np.array_equal(H[:, :-1], model.phi.net[:-1](torch.as_tensor(x)).numpy()) and np.all(H[:, -1] == 1)
    best = best_readout(H, GAUSS(x), w, 3)
    solve_readout(model, GAUSS(x), x, w, nodes_y=x, weights_y=w)  # the same rule twice is allowed
    assert np.allclose(model.phi.features(x), H @ best.coefficients, rtol=0, atol=1e-12)
    assert relation_norm(GAUSS(x) - model.relation(x), w) == pytest.approx(best.error, rel=1e-9)


def test_projected_loss_is_the_error_of_the_solved_readout() -> None:
    x, w = quadrature.uniform(50)
    model = SymmetricInnerProduct(MLP(1, 4, width=5, seed=0))
    R = kernels.brownian(x)
    root = torch.as_tensor(np.sqrt(w))
    A = root[:, None] * torch.as_tensor(R) * root[None, :]
    tx = torch.as_tensor(x)
    with torch.no_grad():
        projected = float(_projected_loss(model, tx, tx, root, root, A))
    solve_readout(model, R, x, w)
    # width 5 keeps the hidden design well conditioned: no direction is dropped, both are exact
    assert relation_norm(R - model.relation(x), w) ** 2 == pytest.approx(projected, rel=1e-9)


def test_asymmetric_readout_is_the_truncated_svd_in_the_span() -> None:
    x, w = quadrature.uniform(40)
    model = AsymmetricInnerProduct(MLP(1, 1, width=12, seed=0), MLP(1, 1, width=12, seed=1))
    _, history = fit_relation(model, order, x, w, steps=0, readout="eckart_young")
    A = np.sqrt(w)[:, None] * order(x) * np.sqrt(w)[None, :]
    s = np.linalg.svd(A, compute_uv=False)
    # the restricted optimum is at least the unrestricted Eckart-Young error (0.3078 in the limit)
    assert history.l2_error >= math.sqrt(np.sum(s[1:] ** 2)) * (1 - 1e-12)
    assert history.l2_error < 0.32


def test_variable_projection_training_reaches_the_mercer_limit() -> None:
    x, w = quadrature.gaussian_legendre(120)
    xv, wv = quadrature.gaussian_legendre(301, half_width=9.0)
    model = SymmetricInnerProduct(MLP(1, 4, width=12, seed=0))
    _, h = fit_relation(model, GAUSS, x, w, steps=0, lbfgs_steps=300, readout="eckart_young", validation=(xv, wv))
    B = 0.5 ** -2 / 2 / (1 / 4 + 2 + math.sqrt(1 / 16 + 1))  # geometric ratio of the eigenvalues
    tail = math.sqrt(2 * 0.25 / (1 / 4 + 2 + math.sqrt(1 / 16 + 1))) * B**4 / math.sqrt(1 - B**2)
    assert h.validation_l2 < 1.01 * tail and h.validation_l2 >= tail * (1 - 1e-6)
    assert [c[0] for c in h.checkpoints] == ["readout", "lbfgs"]
    assert h.checkpoints[-1][1] <= h.checkpoints[0][1] * (1 + 1e-12)  # training never made it worse


def test_variable_projection_does_not_depend_on_the_thread_count() -> None:
    x, w = quadrature.gaussian_legendre(100)
    results = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        model = SymmetricInnerProduct(MLP(1, 6, width=24, seed=0))
        _, h = fit_relation(model, GAUSS, x, w, steps=0, lbfgs_steps=60, readout="eckart_young")
        assert torch.get_num_threads() == threads  # restored
        results.append((h.lbfgs_loss, model.relation(x)))
    torch.set_num_threads(1)
    assert results[0][0] == results[1][0] and np.array_equal(results[0][1], results[1][1])


def test_eckart_young_readout_reaches_a_finite_rank_relation() -> None:
    x, w = quadrature.uniform(30, -1, 1)
    model = AsymmetricInnerProduct(MLP(1, 3, width=16, seed=0), MLP(1, 3, width=16, seed=1))
    _, h = fit_relation(model, neg_squared_distance, x, w, steps=0, lbfgs_steps=100, readout="eckart_young")
    assert h.l2_error < 1e-6  # rank 3, and tanh units of width 16 span 1, x, x^2 to ~1e-7 on [-1, 1]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: MLP(1, 2, activation="sine"), "activation must be one of"),
        (lambda: MLP(0, 2), "in_dim must be >= 1"),
        (lambda: MLP(1, 2, width=0), "width must be >= 1"),
        (lambda: MLP(2, 2).features(np.zeros((3, 1))), r"X must have 2 column\(s\)"),
        (lambda: AsymmetricInnerProduct(MLP(1, 2), MLP(1, 3)), "same feature dimension d; got 2 and 3"),
        (lambda: fit_relation(MLP(1, 1), GAUSS, [0.0], [1.0]), "model must be a SymmetricInnerProduct"),
        (lambda: fit_relation(SymmetricInnerProduct(MLP(1, 1)), GAUSS, [0.0, 1.0], [0.5, 0.5], readout="exact"),
         "readout must be 'gradient' or 'eckart_young'; got 'exact'"),
        (lambda: fit_relation(SymmetricInnerProduct(MLP(1, 1)), GAUSS, [0.0, 1.0], [0.5, 0.5], steps=1,
                              validation=[0.0, 1.0, 2.0]), r"validation must be a pair \(nodes, weights\)"),
        (lambda: fit_relation(SymmetricInnerProduct(MLP(1, 1)), GAUSS, [0.0, 1.0], [0.5, 0.5], steps=1,
                              validation=([0.0, 1.0], [0.5, 0.6])), "validation weights must sum to 1"),
        (lambda: fit_relation(SymmetricInnerProduct(MLP(1, 1)), GAUSS, [0.0, 1.0], [0.5, 0.5], steps=1,
                              validation_y=([0.0], [1.0])), "validation_y must be given together with validation"),
        (lambda: fit_relation(SymmetricInnerProduct(MLP(1, 1)), GAUSS, [0.0, 1.0], [0.5, 0.5], nodes_y=[0.0]),
         "weights_y must be given together with nodes_y"),
        (lambda: solve_readout(SymmetricInnerProduct(MLP(1, 1)), np.zeros((2, 3)), [0.0, 1.0], [0.5, 0.5]),
         r"relation_matrix must have shape \(2, 2\)"),
        (lambda: solve_readout(SymmetricInnerProduct(MLP(1, 1)), np.zeros((2, 2)), [0.0, 1.0], [0.5, 0.5],
                               nodes_y=[0.0, 1.0]), "nodes_y and weights_y must be given together"),
        (lambda: solve_readout(MLP(1, 1), np.zeros((2, 2)), [0.0, 1.0], [0.5, 0.5]),
         "model must be a SymmetricInnerProduct"),
        (lambda: solve_readout(SymmetricInnerProduct(MLP(1, 1)), np.zeros((2, 2)), [0.0, 1.0], [0.5, 0.5],
                               nodes_y=[0.0, 2.0], weights_y=[0.5, 0.5]),
         "a symmetric model has one measure: nodes_y and weights_y must equal nodes and weights"),
    ],
)
def test_bad_inputs(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_fit_history_defaults() -> None:
    h = FitHistory()
    assert h.checkpoints == [] and math.isnan(h.l2_error) and math.isnan(h.validation_l2)


def test_order_model_spreads_both_first_layers_over_the_interval() -> None:
    model = order_model(3, width=12, depth=2, seed=1, low=0.0, high=1.0, scale=10.0)
    for net in (model.phi, model.psi):
        first = net.net[0]
        centres = -first.bias.detach().numpy() / first.weight.detach().numpy()[:, 0]
        assert ((centres >= 0) & (centres <= 1)).all()
    assert not np.allclose(model.phi.net[0].weight.detach().numpy(), model.psi.net[0].weight.detach().numpy())


def test_retrieval_model_is_the_chapters_recipe() -> None:
    model = retrieval_model()
    assert repr(model) == "QueryKeyAttention(phi_q=MLP(1 -> [32 x 3, silu] -> 8), phi_k=MLP(1 -> [32 x 3, silu] -> 8))"
    twin = retrieval_model()  # seeded: the same weights every time
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters(), strict=True))


def test_fit_low_rank_follows_the_dense_variable_projection() -> None:
    """fit_low_rank on F against fit_relation on the dense K = F F^T: the same objective, step by step."""
    from relnb.readout import best_readout
    from relnb.training import fit_low_rank, initial_network

    x, w = quadrature.gaussian(60)

    def factor(X: np.ndarray) -> np.ndarray:  # a rank-6 PSD kernel
        return np.hstack([np.exp(-X**2 / 4) * X**k / math.factorial(k) for k in range(6)])

    F = factor(x)
    low = SymmetricInnerProduct(initial_network(1, 3, width=7, depth=2, seed=1))
    dense = SymmetricInnerProduct(initial_network(1, 3, width=7, depth=2, seed=1))
    start = best_readout(low.phi.hidden_features(x), F @ F.T, w, 3).error
    _, history = fit_low_rank(low, F, x, w, lbfgs_steps=40, seed=1)
    _, reference = fit_relation(dense, lambda X, Y: factor(X) @ factor(Y).T, x, w, steps=0, lbfgs_steps=40,
                                readout="eckart_young", seed=1)
    # the first evaluation is the projected loss at the start (||A||^2 - ||M||^2 + tail against best_readout's
    # sum of small terms; ||A|| ~ 0.3, so ~1e-15 absolute)
    assert history.lbfgs_loss[0] == pytest.approx(start**2, rel=1e-9)
    # the two formulas differ by rounding only (measured 2e-9 relative after 47 evaluations): L-BFGS takes the
    # same steps, and the readout set at the end is the dense optimum of the trained hidden units
    assert len(history.lbfgs_loss) == len(reference.lbfgs_loss)
    np.testing.assert_allclose(history.lbfgs_loss, reference.lbfgs_loss, rtol=1e-6)
    assert history.l2_error == pytest.approx(reference.l2_error, rel=1e-6) and history.l2_error < start
    assert relation_norm(F @ F.T - low.relation(x), w) == pytest.approx(history.l2_error, rel=1e-8)
    with pytest.raises(ValueError, match="factor must have shape"):
        fit_low_rank(low, F[:-1], x, w, lbfgs_steps=1)


def test_initial_network_spreads_the_first_layer_only_when_asked() -> None:
    from relnb.training import initial_network

    default = initial_network(1, 2, width=6, depth=2, seed=0)
    assert torch.equal(default.net[0].weight, MLP(1, 2, width=6, depth=2, seed=0).net[0].weight)
    spread = initial_network(1, 2, width=6, depth=2, seed=0, spread=(-4.0, 4.0, 2.0))
    centres = -(spread.net[0].bias / spread.net[0].weight[:, 0]).detach().numpy()
    assert np.all((-4 <= centres) & (centres <= 4)) and np.ptp(centres) > 2  # units switch all over the box
    assert torch.equal(spread.net[2].weight, default.net[2].weight)  # later layers untouched
    with pytest.raises(ValueError, match="spread must be"):
        initial_network(1, 2, width=6, depth=2, seed=0, spread=(0.0, 1.0))
