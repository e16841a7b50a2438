r"""Kernel approximations that need no training, the baselines of the Mercer chapter and the benchmarks.

Random Fourier features :math:`z(x) = \sqrt{2/d}\,\big(\cos(\omega_k x + b_k)\big)_{k \le d}` (Rahimi--Recht)
and Nyström features from :math:`d` landmarks (scikit-learn's ``kernel_approximation``) approximate a PSD
kernel by :math:`\langle z(x), z(y)\rangle`; their :math:`L^2(\mu\otimes\mu)` errors are measured against the
Eckart--Young limit :math:`\tau_d` of the kernel's Mercer expansion on the test problems
(:class:`SymmetricProblem`, :func:`symmetric_problem`), and :func:`rff_expected_error` gives the random Fourier
error in closed form.  numpy and scikit-learn; untrained networks with the best readout are the torch baseline
:func:`relnb.training.random_network_errors`.  See the chapter "Mercer's theorem and symmetric relations".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from relnb import kernels, mercer, quadrature
from relnb._validation import check_callable, check_int, check_positive, check_square
from relnb.gram import relation_norm
from relnb.quadrature import Rule
from relnb.readout import best_readout, best_readout_low_rank

__all__ = [
    "LENGTHSCALE",
    "MercerError",
    "MercerProblem",
    "SymmetricProblem",
    "mercer_error",
    "mercer_problem",
    "nystroem_errors",
    "readout_error",
    "rff_errors",
    "rff_expected_error",
    "symmetric_problem",
]


#: Lengthscale :math:`\ell` of the Gaussian and Laplace kernels of the benchmarks (and of the Mercer chapter).
LENGTHSCALE = 0.5




@dataclass(frozen=True, eq=False)
class SymmetricProblem:
    r"""A PSD kernel under a measure, with a training rule, a finer validation rule and its Mercer expansion.

    Attributes
    ----------
    name : str
        ``"gaussian"``, ``"brownian"`` or ``"laplace"``.
    label : str
        Kernel and measure in words.
    kernel : callable
        ``kernel(X, Y=None) -> (n, k)``.
    train, valid : (nodes, weights)
        Quadrature rules of :math:`\mu`: the one models are trained on, and a finer one with no node in common
        that every error is measured on.
    expansion : relnb.mercer.MercerExpansion
        Rank 16; ``expansion.tail_l2(d)`` is the optimum :math:`\tau_d`.
    sample : callable
        ``sample(rng, n) -> (n, 1)`` points drawn from :math:`\mu` (the landmarks of Nyström features).
    rules : dict of str
        The two rules in words, for the results files.
    gamma : float or None
        :math:`1 / (2\ell^2)` of the Gaussian kernel (random Fourier features exist for it only), else ``None``.
    """

    name: str
    label: str
    kernel: Callable[..., NDArray[np.float64]]
    train: Rule = field(repr=False)
    valid: Rule = field(repr=False)
    expansion: mercer.MercerExpansion = field(repr=False)
    sample: Callable[[np.random.Generator, int], NDArray[np.float64]] = field(repr=False)
    rules: dict[str, str] = field(repr=False)
    gamma: float | None = None

    def __repr__(self) -> str:
        return f"SymmetricProblem({self.name}: {self.label}; train {self.rules['train']}, valid {self.rules['valid']})"


def _normal_sample(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    return rng.normal(size=(n, 1))


def _normal_sample_2d(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    return rng.normal(size=(n, 2))


def _uniform_sample(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    return rng.uniform(size=(n, 1))


def symmetric_problem(name: str) -> SymmetricProblem:
    r"""One of the three symmetric benchmark problems of the book.

    - ``"gaussian"``: :math:`e^{-(x-y)^2/(2\ell^2)}` under :math:`N(0, 1)`; trained on 300 Gauss--Legendre nodes
      on :math:`[-8, 8]` weighted by the density (:func:`relnb.quadrature.gaussian_legendre`), validated on 1500
      on :math:`[-9.5, 9.5]`;
    - ``"brownian"``: :math:`\min(x, y)` under the uniform measure on :math:`[0, 1]`; Gauss--Legendre rules with
      300 and 1001 nodes;
    - ``"laplace"``: :math:`e^{-|x-y|/\ell}` under :math:`N(0, 1)`; rules as for ``"gaussian"``, validated on 2000,
    - ``"gaussian2"``: :math:`e^{-\|x-y\|^2/(2\ell^2)}` under :math:`N(0, I_2)`; trained on the 40 x 40 product of
      ``gaussian_legendre(40, half_width=6)`` and validated on 70 x 70 of ``gaussian_legendre(70, half_width=7)``
      (:func:`relnb.quadrature.product_rule`; a 30 x 30 Gauss--Hermite rule is too coarse: its nodes are
      :math:`\approx \ell` apart near the centre), with the closed-form tensor expansion of
      :func:`relnb.mercer.gaussian_tensor_expansion` (rank 64),

    with :math:`\ell` = :data:`LENGTHSCALE`.  The Gaussian and Brownian optima are closed forms
    (:func:`relnb.mercer.gaussian_expansion`, :func:`relnb.mercer.brownian_expansion`); the Laplace kernel's comes
    from :func:`relnb.mercer.mercer_decomposition` on its validation rule.

    Parameters
    ----------
    name : {"gaussian", "brownian", "laplace", "gaussian2"}

    Returns
    -------
    SymmetricProblem

    Examples
    --------
    >>> problem = symmetric_problem("brownian")
    >>> problem
    SymmetricProblem(brownian: min(x, y), uniform on [0, 1]; train uniform(300), valid uniform(1001))
    >>> round(problem.expansion.tail_l2(4), 6)
    0.007203
    """
    if name == "gaussian":
        return SymmetricProblem(
            name, "Gaussian kernel, lengthscale 0.5, N(0, 1)", partial(kernels.gaussian, lengthscale=LENGTHSCALE),
            quadrature.gaussian_legendre(300), quadrature.gaussian_legendre(1500, half_width=9.5),
            mercer.gaussian_expansion(16, lengthscale=LENGTHSCALE), _normal_sample,
            {"train": "gaussian_legendre(300)", "valid": "gaussian_legendre(1500, half_width=9.5)"},
            gamma=1 / (2 * LENGTHSCALE**2),
        )
    if name == "brownian":
        return SymmetricProblem(
            name, "min(x, y), uniform on [0, 1]", kernels.brownian, quadrature.uniform(300), quadrature.uniform(1001),
            mercer.brownian_expansion(16), _uniform_sample, {"train": "uniform(300)", "valid": "uniform(1001)"},
        )
    if name == "laplace":
        laplace = partial(kernels.laplace, lengthscale=LENGTHSCALE)
        valid = quadrature.gaussian_legendre(2000, half_width=9.5)
        return SymmetricProblem(
            name, "Laplace kernel, lengthscale 0.5, N(0, 1)", laplace, quadrature.gaussian_legendre(300), valid,
            mercer.mercer_decomposition(laplace, *valid, rank=16), _normal_sample,
            {"train": "gaussian_legendre(300)", "valid": "gaussian_legendre(2000, half_width=9.5)"},
        )
    if name == "gaussian2":
        return SymmetricProblem(
            name, "Gaussian kernel, lengthscale 0.5, N(0, I_2)", partial(kernels.gaussian, lengthscale=LENGTHSCALE),
            quadrature.product_rule(quadrature.gaussian_legendre(40, half_width=6.0), 2),
            quadrature.product_rule(quadrature.gaussian_legendre(70, half_width=7.0), 2),
            mercer.gaussian_tensor_expansion(64, dim=2, lengthscale=LENGTHSCALE), _normal_sample_2d,
            {"train": "product_rule(gaussian_legendre(40, half_width=6), 2)",
             "valid": "product_rule(gaussian_legendre(70, half_width=7), 2)"},
            gamma=1 / (2 * LENGTHSCALE**2),
        )
    raise ValueError(f"name must be one of 'gaussian', 'brownian', 'laplace', 'gaussian2'; got {name!r}")


@dataclass(frozen=True, eq=False)
class MercerProblem:
    r"""A PSD kernel on :math:`\mathbb R^p` known through its closed-form Mercer expansion, for inputs where a
    kernel matrix on an adequate rule would not fit in memory.

    On :math:`\mathbb R^4` a tensor rule fine enough for the double integral of :math:`(k - \hat k)^2` (the
    kernel's ridge along the diagonal is :math:`\ell` wide) has :math:`40^4` nodes and a kernel matrix of
    :math:`10^{13}` entries.  The expansion :math:`k = \sum_j \lambda_j e_j \otimes e_j` reduces every
    quantity to single integrals of smooth functions: models are trained on the target truncated after
    ``target_rank`` terms (the kernel matrix as a factor, :func:`relnb.readout.best_readout_low_rank`), and
    :func:`mercer_error` measures the error of a model against the whole kernel, with a bound on the terms it
    does not sum.

    Attributes
    ----------
    name, label : str
    kernel : callable
        ``kernel(X, Y=None) -> (n, k)`` (for the kernel sections of Nyström's landmarks).
    expansion : relnb.mercer.MercerExpansion
        The first ``rank`` Mercer pairs; ``expansion.tail_l2(d)`` is the optimum :math:`\tau_d`,
        ``expansion.total_squared`` is :math:`\|k\|^2`.
    next_eigenvalue : float
        :math:`\lambda_{J+1}`, the largest eigenvalue not in ``expansion`` (the truncation bound of
        :func:`mercer_error`).
    target_rank : int
        Terms of the training target :math:`k_J = \sum_{j \le J} \lambda_j e_j \otimes e_j`.
    train : (nodes, weights)
        The training rule.
    valid : tuple of (nodes, weights)
        Independent validation rules (randomised replicates); their spread is the estimation error.
    sample : callable
        ``sample(rng, n) -> (n, p)`` points drawn from :math:`\mu`.
    rules : dict of str
    gamma : float or None
        :math:`1/(2\ell^2)` of the Gaussian kernel.
    """

    name: str
    label: str
    kernel: Callable[..., NDArray[np.float64]]
    expansion: mercer.MercerExpansion = field(repr=False)
    next_eigenvalue: float
    target_rank: int
    train: Rule = field(repr=False)
    valid: tuple[Rule, ...] = field(repr=False)
    sample: Callable[[np.random.Generator, int], NDArray[np.float64]] = field(repr=False)
    rules: dict[str, str] = field(repr=False)
    gamma: float | None = None
    # computed once: the eigenfunctions on each validation replicate (130 MB each), key -1 the training factor
    _eigenfunctions: dict[int, NDArray[np.float64]] = field(default_factory=dict, repr=False)

    def valid_eigenfunctions(self, replicate: int) -> NDArray[np.float64]:
        """The :math:`J` eigenfunctions at the nodes of validation replicate ``replicate``, computed once."""
        if replicate not in self._eigenfunctions:
            self._eigenfunctions[replicate] = self.expansion.eigenfunctions(self.valid[replicate][0])
        return self._eigenfunctions[replicate]

    def factor(self) -> NDArray[np.float64]:
        r"""The training target on the training rule as a factor: :math:`F_{ij} = \sqrt{\lambda_j} e_j(x_i)`,
        :math:`j \le J` (``target_rank``), computed once."""
        if -1 not in self._eigenfunctions:
            self._eigenfunctions[-1] = self.expansion.truncate(self.target_rank).features(self.train[0])
        return self._eigenfunctions[-1]

    def __repr__(self) -> str:
        return (f"MercerProblem({self.name}: {self.label}; target rank {self.target_rank}, "
                f"train {self.rules['train']}, valid {self.rules['valid']})")


def _normal_sample_4d(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    return rng.normal(size=(n, 4))


#: The levels of the training target and of the error formula (the eigenvalue of level :math:`n` is
#: :math:`\lambda_0^p B^n`, :math:`B \approx 0.61`, with multiplicity :math:`\binom{n+p-1}{p-1}`).
MERCER_LEVELS = {"gaussian2": {"target": 8, "error": 13}, "gaussian4": {"target": 8, "error": 10}}


def mercer_problem(name: str) -> MercerProblem:
    r"""The benchmark problems known through their Mercer expansion.

    - ``"gaussian4"``: :math:`e^{-\|x-y\|^2/(2\ell^2)}` under :math:`N(0, I_4)`, :math:`\ell` =
      :data:`LENGTHSCALE`, with the closed-form tensor expansion (:func:`relnb.mercer.gaussian_tensor_expansion`).
      Its levels :math:`n \le 10` (1001 terms) enter the error, levels :math:`n \le 8` (495 terms; the rest
      weighs 3.4 % of :math:`\tau_{32}^2`) the training target.  Trained on :math:`2^{14}` scrambled Sobol'
      points (seed 0, :func:`relnb.quadrature.sobol_normal`); validated on four independent replicates of
      :math:`2^{14}` (seeds 1 to 4).
    - ``"gaussian2"``: the same kernel under :math:`N(0, I_2)`, levels :math:`n \le 13` (105 terms) in the error
      and :math:`n \le 8` (45) in the target; the rules of ``symmetric_problem("gaussian2")``, trained on the
      :math:`40 \times 40` one and validated on :math:`60 \times 60` and :math:`70 \times 70` product rules, where
      the double integral is also within reach: the check of :func:`mercer_error` in the plane.

    Parameters
    ----------
    name : {"gaussian4", "gaussian2"}

    Returns
    -------
    MercerProblem

    Examples
    --------
    >>> problem = mercer_problem("gaussian4")
    >>> problem.expansion.rank, problem.target_rank, len(problem.valid)
    (1001, 495, 4)
    >>> round(problem.expansion.tail_l2(0) ** 2 * 289, 12)  # ||k||^2 = (1 + 4 / 0.25)^(-2)
    1.0
    """
    if name not in MERCER_LEVELS:
        raise ValueError(f"name must be one of {sorted(MERCER_LEVELS)}; got {name!r}")
    p = int(name[-1])
    ranks = {key: math.comb(level + p, p) for key, level in MERCER_LEVELS[name].items()}  # levels 0..n
    expansion = mercer.gaussian_tensor_expansion(ranks["error"] + 1, dim=p, lengthscale=LENGTHSCALE)
    if p == 4:
        train, valid = quadrature.sobol_normal(14, p, seed=0), tuple(
            quadrature.sobol_normal(14, p, seed=s) for s in (1, 2, 3, 4))
        rules = {"train": "sobol_normal(14, 4, seed=0)", "valid": "sobol_normal(14, 4, seed=1..4)"}
        sample = _normal_sample_4d
    else:
        train = quadrature.product_rule(quadrature.gaussian_legendre(40, half_width=6.0), 2)
        valid = tuple(quadrature.product_rule(quadrature.gaussian_legendre(n, half_width=h), 2)
                      for n, h in ((60, 6.5), (70, 7.0)))
        rules = {"train": "product_rule(gaussian_legendre(40, half_width=6), 2)",
                 "valid": "product_rule(gaussian_legendre(60, half_width=6.5) and (70, half_width=7), 2)"}
        sample = _normal_sample_2d
    return MercerProblem(
        name, f"Gaussian kernel, lengthscale 0.5, N(0, I_{p})", partial(kernels.gaussian, lengthscale=LENGTHSCALE),
        expansion.truncate(ranks["error"]), float(expansion.eigenvalues[ranks["error"]]), ranks["target"],
        train, valid, sample,
        {**rules, "target": f"levels <= {MERCER_LEVELS[name]['target']} ({ranks['target']} terms)",
         "error": f"levels <= {MERCER_LEVELS[name]['error']} ({ranks['error']} terms)"},
        gamma=1 / (2 * LENGTHSCALE**2),
    )


class MercerError(NamedTuple):
    r"""The :math:`L^2(\mu\otimes\mu)` error of a model, from the Mercer expansion (:func:`mercer_error`).

    Attributes
    ----------
    value : float
        The estimate from the pooled replicates, all terms :math:`j \le J` summed.
    stderr : float
        Its standard error, from the spread of the replicates' estimates.
    truncation : float
        How much lower the error can be because of the terms :math:`j > J` (never higher): the error lies in
        ``[value - truncation, value]`` up to the estimation error.
    """

    value: float
    stderr: float
    truncation: float


def mercer_error(problem: MercerProblem, phi: Callable[[NDArray[np.float64]], NDArray[np.float64]]) -> MercerError:
    r"""The :math:`L^2(\mu\otimes\mu)` error of :math:`\langle\phi(x), \phi(y)\rangle` against the kernel, from single
    integrals.

    With :math:`a_j = \int e_j \phi\, d\mu \in \mathbb R^d` and :math:`G = \int \phi\phi^\top d\mu`,
    expanding the square and integrating :math:`k = \sum_j \lambda_j e_j \otimes e_j` term by term,

    .. math::

        \|k - \langle\phi, \phi\rangle\|^2 = \|k\|^2 - 2 \sum_j \lambda_j \|a_j\|^2 + \|G\|_F^2 .

    The sum is taken over the :math:`J` terms of ``problem.expansion``; the terms left out are non-negative,
    so the estimate is an upper bound, and since :math:`\lambda_j \le \lambda_{J+1}` for :math:`j > J` and
    :math:`\sum_j \|a_j\|^2 \le \operatorname{tr} G` (Bessel), they sum to at most
    :math:`2 \lambda_{J+1} (\operatorname{tr} G - \sum_{j \le J} \|a_j\|^2)`: the part of :math:`\phi`
    outside the first :math:`J` eigenfunctions, small for a smooth :math:`\phi`.  The integrals are taken on
    each validation replicate and pooled; the replicates' spread gives the standard error.

    Parameters
    ----------
    problem : MercerProblem
    phi : callable
        ``phi(x) -> (n, d)``, the model's feature map.

    Returns
    -------
    MercerError

    Examples
    --------
    >>> problem = mercer_problem("gaussian4")
    >>> truncated = problem.expansion.truncate(16).features  # the Mercer truncation is the optimum
    >>> error = mercer_error(problem, truncated)
    >>> bool(abs(error.value / problem.expansion.tail_l2(16) - 1) < 0.01 and error.truncation == 0.0)
    True
    """
    if not isinstance(problem, MercerProblem):
        raise TypeError(f"problem must be a MercerProblem; got {type(problem).__name__}")
    check_callable(phi, "phi", "phi(x) -> (n, d)")
    lam = problem.expansion.eigenvalues
    total = problem.expansion.total_squared
    parts = []
    for replicate, (x, w) in enumerate(problem.valid):
        values = np.asarray(phi(x), dtype=float)
        if values.ndim != 2 or values.shape[0] != x.shape[0] or not np.all(np.isfinite(values)):
            raise ValueError(f"phi(x) must be finite, of shape ({x.shape[0]}, d); got shape {values.shape}")
        weighted = w[:, None] * values
        parts.append((problem.valid_eigenfunctions(replicate).T @ weighted, values.T @ weighted))
    a = np.mean([part[0] for part in parts], axis=0)
    G = np.mean([part[1] for part in parts], axis=0)

    def squared(a: NDArray[np.float64], G: NDArray[np.float64]) -> float:
        return total - 2 * float(lam @ np.sum(a**2, axis=1)) + float(np.sum(G**2))

    pooled = max(squared(a, G), 0.0)
    replicates = [squared(*part) for part in parts]
    stderr_squared = float(np.std(replicates, ddof=1)) / math.sqrt(len(replicates))
    value = math.sqrt(pooled)
    outside = max(float(np.trace(G)) - float(np.sum(a**2)), 0.0)
    lower = math.sqrt(max(pooled - 2 * problem.next_eigenvalue * outside, 0.0))
    return MercerError(value, stderr_squared / (2 * value) if value else math.inf, value - lower)


def _errors_per_seed(
    problem: SymmetricProblem | MercerProblem, d: int, seeds: int, features: int | None,
    fitted: Callable[[int, int], Callable[[NDArray[np.float64]], NDArray[np.float64]]],
) -> list[float]:
    """Validation error of the feature map ``fitted(seed, m)`` for each seed: with ``features=None`` the map's own
    inner product (:math:`m = d`), else the best rank-``d`` readout of ``m = features`` features."""
    d, seeds = check_int(d, "d", minimum=1), check_int(seeds, "seeds", minimum=1)
    m = d if features is None else check_int(features, "features", minimum=d)
    if isinstance(problem, MercerProblem):
        return [mercer_error(problem, fitted(seed, m)).value if features is None
                else readout_error(problem, fitted(seed, m), d, None) for seed in range(seeds)]
    xv, wv = problem.valid
    K = problem.kernel(xv)
    errors = []
    for seed in range(seeds):
        transform = fitted(seed, m)
        if features is None:
            Z = transform(xv)
            errors.append(relation_norm(K - Z @ Z.T, wv))
        else:
            errors.append(readout_error(problem, transform, d, K))
    return errors


def rff_errors(
    problem: SymmetricProblem | MercerProblem, d: int, seeds: int, *, features: int | None = None
) -> list[float]:
    r"""Errors of random Fourier features (:class:`sklearn.kernel_approximation.RBFSampler`), one per seed.

    ``RBFSampler`` draws :math:`\omega_i \sim N(0, 2\gamma)` and :math:`b_i \sim U[0, 2\pi]` and uses
    :math:`z(x) = \sqrt{2/m}\,(\cos(\omega_i x + b_i))_{i \le m}`, an unbiased estimate
    :math:`\langle z(x), z(y)\rangle` of the Gaussian kernel (Rahimi and Recht).  Defined only for the stationary
    Gaussian kernel (``problem.gamma`` set); the error is measured on the validation rule.

    - ``features=None`` (the standard usage): :math:`m = d` features and their own inner product
      :math:`\langle z, z\rangle`.
    - ``features=m``: :math:`m \ge d` features, then the best rank-:math:`d` readout
      :math:`\langle \Gamma^\top z, \Gamma^\top z\rangle` of :func:`relnb.readout.best_readout`, fitted on the
      training rule: the same budget (:math:`m` features before a rank-:math:`d` readout) and the same readout as
      a network of width :math:`m - 1` (:func:`relnb.training.random_network_errors`).

    Parameters
    ----------
    problem : SymmetricProblem
    d : int
        Feature dimension of the model.
    seeds : int
        Seeds ``0 .. seeds - 1``.
    features : int, optional
        Number :math:`m \ge d` of random features before a rank-:math:`d` readout.

    Returns
    -------
    list of float

    Examples
    --------
    >>> problem = symmetric_problem("gaussian")
    >>> len(rff_errors(problem, 4, seeds=3))
    3
    >>> bool(np.median(rff_errors(problem, 4, 3, features=33)) < np.median(rff_errors(problem, 4, 3)))
    True
    """
    from sklearn.kernel_approximation import RBFSampler

    if problem.gamma is None:
        raise ValueError(f"random Fourier features need the Gaussian kernel; got problem {problem.name!r}")
    xv = problem.train[0]  # fit only reads the input dimension
    return _errors_per_seed(problem, d, seeds, features, lambda seed, m: RBFSampler(
        gamma=problem.gamma, n_components=m, random_state=seed).fit(xv).transform)


_NYSTROEM_SAMPLE = 1000  # points drawn per seed, from which the landmarks are chosen


def nystroem_errors(
    problem: SymmetricProblem | MercerProblem, d: int, seeds: int, *, features: int | None = None, whiten: bool = True,
) -> list[float]:
    r"""Errors of Nyström features (:class:`sklearn.kernel_approximation.Nystroem`), one per seed.

    Each seed draws 1000 points from :math:`\mu` and ``Nystroem`` picks :math:`m` of them as landmarks
    :math:`z_1, \dots, z_m`; the features :math:`K_{xz} K_{zz}^{-1/2}` span :math:`k(\cdot, z_1), \dots,
    k(\cdot, z_m)` and reproduce the kernel exactly on the landmarks (Williams and Seeger).  The error is
    measured on the validation rule.

    - ``features=None`` (the standard usage): :math:`m = d` landmarks and the features' own inner product.
    - ``features=m``: :math:`m \ge d` landmarks, then the best rank-:math:`d` readout of
      :func:`relnb.readout.best_readout` fitted on the training rule (the same budget and readout as a network of
      width :math:`m - 1`, :func:`relnb.training.random_network_errors`).  This is not the rank-:math:`d` Mercer
      truncation: the span of :math:`k(\cdot, z_j)` does not contain the eigenfunctions, whatever the landmarks.

    With ``features=m`` the readout only needs the span of the features, and ``whiten=False`` reads out from the
    raw kernel sections :math:`k(\cdot, z_1), \dots, k(\cdot, z_m)` of the same landmarks instead of
    ``Nystroem``'s :math:`K_{xz} K_{zz}^{-1/2}`: the same span, so the same mathematics, without the inverse
    square root of :math:`K_{zz}`.  That matrix is numerically singular for a few dozen Gaussian landmarks
    (:math:`\lambda_{\min}/\lambda_{\max}` near the rounding unit), ``Nystroem`` whitens with it and amplifies the
    rounding of each BLAS build into the features, and the readout's cut (``rcond`` of
    :func:`relnb.readout.best_readout`) cannot remove what is already mixed in: at :math:`d = 16`,
    :math:`m = 33` single seeds move by up to 20 % between BLAS builds.  The sections have entries in
    :math:`[0, 1]` computed without any solve, and the readout's own orthonormalisation drops their
    near-dependent directions stably.  ``whiten=True`` (the default) keeps the Mercer chapter's stored results.

    Parameters
    ----------
    problem : SymmetricProblem
    d : int
        Feature dimension of the model.
    seeds : int
        Seeds ``0 .. seeds - 1``.
    features : int, optional
        Number :math:`m \ge d` of landmarks before a rank-:math:`d` readout.
    whiten : bool
        With ``features``: read out from ``Nystroem``'s whitened features (``True``) or from the kernel sections
        at its landmarks (``False``, reproducible across BLAS builds). ``False`` needs ``features``.

    Returns
    -------
    list of float

    Examples
    --------
    >>> problem = symmetric_problem("gaussian")
    >>> sections = nystroem_errors(problem, 16, 2, features=33, whiten=False)
    >>> bool(min(sections) > problem.expansion.tail_l2(16))
    True
    >>> errors = nystroem_errors(problem, 4, seeds=2)
    >>> bool(min(errors) > problem.expansion.tail_l2(4))  # never below the optimum
    True
    >>> bool(max(nystroem_errors(problem, 4, 2, features=33)) < 1.01 * problem.expansion.tail_l2(4))
    True
    """
    from sklearn.kernel_approximation import Nystroem

    if not isinstance(whiten, bool):
        raise TypeError(f"whiten must be a bool; got {type(whiten).__name__}")
    if not whiten and features is None:
        raise ValueError("whiten=False needs features=m: the kernel sections' own inner product is not a "
                         "Nystroem approximation, only their span is used, by the rank-d readout")
    landmarks = d if features is None else features
    if check_int(landmarks, "features" if features is not None else "d", minimum=1) > _NYSTROEM_SAMPLE:
        # sklearn would silently use the whole sample: fewer landmarks than asked for
        raise ValueError(f"Nystroem landmarks are drawn from a sample of {_NYSTROEM_SAMPLE} points: "
                         f"{'features' if features is not None else 'd'} must be <= {_NYSTROEM_SAMPLE}; "
                         f"got {landmarks}")

    def fitted(seed: int, m: int) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
        sample = problem.sample(np.random.default_rng(seed), _NYSTROEM_SAMPLE)
        if problem.gamma is not None:  # the Gaussian kernel: sklearn's vectorised kernels, the same map, 100x faster
            nystroem = Nystroem(kernel="rbf", gamma=1 / (2 * LENGTHSCALE**2), n_components=m, random_state=seed)
        elif problem.name == "laplace":
            nystroem = Nystroem(kernel="laplacian", gamma=1 / LENGTHSCALE, n_components=m, random_state=seed)
        else:
            nystroem = Nystroem(kernel=lambda a, b: problem.kernel(a[None, :], b[None, :])[0, 0], n_components=m,
                                random_state=seed)
        nystroem.fit(sample)
        if whiten:
            return nystroem.transform
        landmarks = nystroem.components_
        return lambda x: problem.kernel(x, landmarks)

    return _errors_per_seed(problem, d, seeds, features, fitted)


def readout_error(
    problem: SymmetricProblem | MercerProblem, features: Callable[[NDArray[np.float64]], NDArray[np.float64]], d: int,
    valid_kernel: NDArray[np.float64] | None, train: Rule | None = None,
) -> float:
    """Validation error of the best rank-d readout of ``features``, fitted on ``train`` (default: the problem's).

    A :class:`MercerProblem` takes ``valid_kernel=None`` and its own training rule: the readout is fitted on
    its factored target (:func:`relnb.readout.best_readout_low_rank`), the error is :func:`mercer_error`'s value.
    """
    check_callable(features, "features", "features(x) -> (n, p)")
    if isinstance(problem, MercerProblem):
        if valid_kernel is not None or train is not None:
            raise ValueError("a MercerProblem has no validation kernel matrix and its own training rule: "
                             "valid_kernel and train must be None")
        x, w = problem.train
        gamma = best_readout_low_rank(features(x), problem.factor(), w, d).coefficients
        return mercer_error(problem, lambda z: features(z) @ gamma).value
    (x, w), (xv, wv) = problem.train if train is None else train, problem.valid
    valid_kernel = check_square(valid_kernel, "valid_kernel")
    if valid_kernel.shape != (len(xv), len(xv)):
        raise ValueError(f"valid_kernel must have shape {(len(xv), len(xv))} (the problem's validation nodes); "
                         f"got {valid_kernel.shape}")
    gamma = best_readout(features(x), problem.kernel(x), w, d).coefficients
    phi = features(xv) @ gamma
    return relation_norm(valid_kernel - phi @ phi.T, wv)


def rff_expected_error(d: int, *, lengthscale: float, std: float = 1.0) -> float:
    r"""Root-mean-square :math:`L^2(\mu\otimes\mu)` error of :math:`d` random Fourier features, in closed form.

    For the Gaussian kernel :math:`k = e^{-(x-y)^2/(2\ell^2)}` and the features of :func:`rff_errors`, each
    product :math:`X = 2\cos(\omega x + b)\cos(\omega y + b) = \cos(\omega(x - y)) + \cos(\omega(x + y) + 2b)`
    has mean :math:`k(x, y)` and second moment :math:`1 + \tfrac12 E\cos(2\omega(x - y)) = 1 + \tfrac12 k^4`,
    so the estimate :math:`\hat k_d`, a mean of :math:`d` independent copies, has

    .. math::

        E\,\|k - \hat k_d\|^2_{L^2(\mu\otimes\mu)} = \frac1d \int\!\!\int \big(1 - k^2 + \tfrac12 k^4\big)\,
        d\mu\, d\mu = \frac1d \Big(1 - \big(1 + \tfrac{4s^2}{\ell^2}\big)^{-1/2}
        + \tfrac12 \big(1 + \tfrac{8s^2}{\ell^2}\big)^{-1/2}\Big)

    under :math:`\mu = N(m, s^2)`, because :math:`x - y \sim N(0, 2s^2)` and
    :math:`E\, e^{-p(x-y)^2/(2\ell^2)} = (1 + 2ps^2/\ell^2)^{-1/2}`.  The function returns the square root; the
    mean error over seeds is at most this (Jensen), and both fall like :math:`d^{-1/2}`.

    Parameters
    ----------
    d : int
        Number of random features, at least 1.
    lengthscale : float
        :math:`\ell > 0`.
    std : float
        :math:`s > 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(rff_expected_error(1, lengthscale=0.5), 6)  # (1 - 17^(-1/2) + 33^(-1/2) / 2)^(1/2)
    0.918969
    >>> round(rff_expected_error(16, lengthscale=0.5) * 4, 6)  # d^(-1/2)
    0.918969
    """
    d = check_int(d, "d", minimum=1)
    ell, s = check_positive(lengthscale, "lengthscale"), check_positive(std, "std")
    mean_k2 = (1 + 4 * s**2 / ell**2) ** -0.5
    mean_k4 = (1 + 8 * s**2 / ell**2) ** -0.5
    return math.sqrt((1 - mean_k2 + mean_k4 / 2) / d)
