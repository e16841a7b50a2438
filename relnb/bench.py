r"""Benchmarks: how close trained inner-product models come to the best possible, next to the alternatives.

``make bench`` (``benchmarks/run.py``) measures, for a relation :math:`r`, a method and a feature
dimension :math:`d`, the error of a rank-:math:`d` model :math:`\hat r` and the optimum of its class,

.. math::

    e = \|r - \hat r\|_{L^2(\mu\otimes\nu)}, \qquad
    \tau_d = \Big(\sum_{k > d} \sigma_k^2\Big)^{1/2}, \qquad
    \rho = \frac{e}{\tau_d} \ge 1,

where :math:`\sigma_k` are the singular values of the integral operator of :math:`r` (its eigenvalues, for a PSD
kernel: the Eckart--Young--Mirsky limit of the chapters on Mercer's theorem and on asymmetric relations) and
:math:`e` is measured on a quadrature rule finer than, and independent of, the one a model was trained on.  The
results go to ``book/data/bench.json`` as rows ``{relation, method, d, error, optimum, ratio}``; the page
"How close to the limit?" reads them with :func:`load_results` and draws them with
:func:`relnb.plotting.plot_ratios` and :func:`relnb.plotting.plot_retrieval`.

The benchmarks themselves (the producers) live outside the package, in ``benchmarks/`` at the root of the
repository; this module keeps what the book needs to read their results: the row schema (:func:`make_row`,
:func:`validate_rows`), :class:`BenchResults` and :func:`load_results` for ``book/data/bench.json``, and
:func:`load_mercer_results` for the Mercer chapter's ``book/data/mercer_results.json``.
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from relnb._validation import check_int

__all__ = [
    "ROW_KEYS",
    "WALL_TIME_KEYS",
    "ZERO_OPTIMUM",
    "BenchResults",
    "load_mercer_results",
    "load_results",
    "make_row",
    "stored_file",
    "validate_retrieval",
    "validate_rows",
]


#: Keys every row of the results file has.
ROW_KEYS = ("relation", "method", "d", "error", "optimum", "ratio")

#: An optimum at or below this is zero up to rounding (the relation has rank at most :math:`d`): no ratio.
ZERO_OPTIMUM = 1e-12


# ---------------------------------------------------------------------------------------------------------
# the results file
# ---------------------------------------------------------------------------------------------------------


def _finite_nonnegative(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite real number; got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0 (an L2 error); got {value!r}")
    return float(value)


def make_row(relation: str, method: str, d: int, error: float, optimum: float, **extra: Any) -> dict[str, Any]:
    r"""One row of the results file: an error next to the optimum at the same :math:`d`, and their ratio.

    ``ratio`` is ``error / optimum``, or ``None`` when the optimum is zero up to rounding
    (:math:`\le` :data:`ZERO_OPTIMUM`: the relation has rank at most :math:`d`, and only the error says how
    close a model comes).

    Parameters
    ----------
    relation, method : str
        Non-empty names; trained models have a method name starting with ``"trained"``.
    d : int
        Feature dimension, at least 1.
    error, optimum : float
        Finite and non-negative.
    **extra
        Further JSON values to keep with the row (seeds, widths, standard deviations, ...).

    Returns
    -------
    dict

    Examples
    --------
    >>> make_row("order", "trained <phi, psi>", 2, 0.25, 0.2)
    {'relation': 'order', 'method': 'trained <phi, psi>', 'd': 2, 'error': 0.25, 'optimum': 0.2, 'ratio': 1.25}
    >>> make_row("-(x - y)^2", "Schmidt optimum", 4, 1e-16, 1e-16)["ratio"] is None
    True
    """
    for value, name in ((relation, "relation"), (method, "method")):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string; got {value!r}")
    d = check_int(d, "d", minimum=1)
    e, o = _finite_nonnegative(error, "error"), _finite_nonnegative(optimum, "optimum")
    clash = set(extra) & set(ROW_KEYS)
    if clash:
        raise ValueError(f"extra keys must not repeat the row's keys {ROW_KEYS}; got {sorted(clash)}")
    ratio = e / o if o > ZERO_OPTIMUM else None
    return {"relation": relation, "method": method, "d": d, "error": e, "optimum": o, "ratio": ratio, **extra}


def validate_rows(rows: object) -> list[dict[str, Any]]:
    """Check a list of result rows: the keys of :data:`ROW_KEYS`, valid values, a consistent ratio, no duplicates.

    Parameters
    ----------
    rows : list of dict

    Returns
    -------
    list of dict
        The rows, unchanged.

    Examples
    --------
    >>> len(validate_rows([make_row("order", "Schmidt optimum", 1, 0.3, 0.3)]))
    1
    >>> validate_rows([{"relation": "order"}])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: row 0 must have the keys (...); missing ['d', 'error', 'method', 'optimum', 'ratio']
    """
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"rows must be a non-empty list of dicts; got {type(rows).__name__}")
    seen: dict[tuple[str, str, int], int] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(f"row {i} must be a dict; got {type(row).__name__}")
        missing = sorted(set(ROW_KEYS) - set(row))
        if missing:
            raise ValueError(f"row {i} must have the keys {ROW_KEYS}; missing {missing}")
        extra = {k: v for k, v in row.items() if k not in ROW_KEYS}
        expected = make_row(row["relation"], row["method"], row["d"], row["error"], row["optimum"], **extra)
        if (expected["ratio"] is None) != (row["ratio"] is None) or (
            row["ratio"] is not None and not math.isclose(row["ratio"], expected["ratio"], rel_tol=1e-12)
        ):
            raise ValueError(f"row {i} must have ratio = error / optimum = {expected['ratio']!r}; got {row['ratio']!r}")
        key = (row["relation"], row["method"], row["d"])
        if key in seen:
            raise ValueError(f"rows {seen[key]} and {i} are both for relation, method, d = {key}")
        seen[key] = i
    return rows


@dataclass(frozen=True, eq=False)
class BenchResults:
    r"""The contents of ``book/data/bench.json`` (rows, the retrieval benchmark, metadata) and of the timings file.

    Attributes
    ----------
    rows : list of dict
        One per relation, method and :math:`d` (see :func:`make_row`).
    retrieval : dict or None
        The attention benchmark: ``betas`` and, per :math:`\beta`, weights and accuracies (lists of the same
        length), with scalars such as ``min_beta``; ``None`` when it was not run (``make bench-check``).
    timings : dict or None
        Wall times in seconds, from the separate timings file (``book/data/timings.json``): ``notebooks``
        (per chapter) and ``make`` (per part of ``make test``) from ``make timings``, ``bench`` (per benchmark
        and per fit) from ``make bench``; ``None`` when no timings file was read.
    meta : dict
        Versions and settings.
    """

    rows: list[dict[str, Any]] = field(repr=False)
    retrieval: dict[str, Any] | None = field(repr=False)
    timings: dict[str, Any] | None = field(repr=False)
    meta: dict[str, Any] = field(repr=False)

    def relations(self) -> list[str]:
        """The relations, in the order of their first row."""
        return list(dict.fromkeys(row["relation"] for row in self.rows))

    def methods(self, relation: str) -> list[str]:
        """The methods measured on ``relation``, in the order of their first row."""
        self._check_relation(relation)
        return list(dict.fromkeys(row["method"] for row in self.rows if row["relation"] == relation))

    def dims(self, relation: str) -> list[int]:
        """The feature dimensions measured on ``relation``, increasing."""
        self._check_relation(relation)
        return sorted({row["d"] for row in self.rows if row["relation"] == relation})

    def find(self, relation: str, method: str, d: int) -> dict[str, Any] | None:
        """The row of ``relation``, ``method`` and ``d``, or ``None`` if there is none."""
        return next((r for r in self.rows if (r["relation"], r["method"], r["d"]) == (relation, method, d)), None)

    def row(self, relation: str, method: str, d: int) -> dict[str, Any]:
        """The row of ``relation``, ``method`` and ``d`` (``ValueError`` naming what exists if there is none)."""
        found = self.find(relation, method, d)
        if found is not None:
            return found
        self._check_relation(relation)
        raise ValueError(
            f"no row for method {method!r} at d = {d} on {relation!r}; methods {self.methods(relation)}, "
            f"d in {self.dims(relation)}"
        )

    def value(self, relation: str, method: str, d: int, key: str = "ratio") -> Any:
        """One entry of a row, e.g. ``value("order", "trained <phi, psi>", 8)`` is that ratio."""
        row = self.row(relation, method, d)
        if key not in row:
            raise ValueError(f"the row of {method!r} at d = {d} on {relation!r} has no key {key!r}; it has {list(row)}")
        return row[key]

    def table(self, relation: str, key: str = "ratio", *, digits: int = 4, methods: list[str] | None = None) -> str:
        """A text table of ``key`` for every method (rows) and :math:`d` (columns); ``-`` where there is no value.

        Values are printed with ``digits`` significant digits (``#.{digits}g``), so the table is stable text.
        ``methods`` (default: all, in the order of their first row) chooses the rows; each must exist.
        """
        digits = check_int(digits, "digits", minimum=1, maximum=12)
        dims, known = self.dims(relation), self.methods(relation)
        if methods is None:
            methods = known
        elif not methods or any(m not in known for m in methods):
            raise ValueError(f"methods must be a non-empty list of methods measured on {relation!r} ({known}); "
                             f"got {methods!r}")
        title = key + " on " + relation
        header = [f"d = {d}" for d in dims]
        body = []
        for method in methods:
            cells = []
            for d in dims:
                row = self.find(relation, method, d)
                value = None if row is None else row.get(key)
                cells.append(f"{value:#.{digits}g}" if isinstance(value, int | float) else "-")
            body.append(cells)
        # each column as wide as its widest entry plus two blanks, so tables fit the page
        first = max(len(m) for m in [*methods, title]) + 2
        width = max(len(cell) for cell in header + [c for cells in body for c in cells]) + 2
        lines = [f"{title:{first}s}" + "".join(f"{h:>{width}s}" for h in header)]
        for method, cells in zip(methods, body, strict=True):
            lines.append(f"{method:{first}s}" + "".join(f"{c:>{width}s}" for c in cells))
        return "\n".join(lines)

    def timing_table(self) -> str:
        """The wall times of the notebooks and of the parts of ``make test`` as text (a note if there are none)."""
        if not self.timings or "notebooks" not in self.timings:
            return "no timings of the notebooks: run make timings"
        t = self.timings
        lines = [f"measured {t.get('date', '?')} on {t.get('cpus', '?')} CPUs"]
        for group, title in (("notebooks", "notebook (fresh kernel)"), ("make", "make target")):
            lines.append(f"{title:30s}{'seconds':>8s}")
            for name, entry in t[group].items():
                lines.append(f"  {name:28s}{entry['seconds']:8.1f}{'' if entry.get('ok', True) else '  FAILED'}")
        lines.append(f"whole book: {t['book_seconds']:.0f} s; make test: {t['make_test_seconds']:.0f} s")
        return "\n".join(lines)

    def _check_relation(self, relation: str) -> None:
        if relation not in self.relations():
            raise ValueError(f"relation must be one of {self.relations()}; got {relation!r}")

    def __repr__(self) -> str:
        retrieval = "no retrieval" if self.retrieval is None else f"retrieval over {len(self.retrieval['betas'])} betas"
        return (f"BenchResults({len(self.rows)} rows on {len(self.relations())} relations, {retrieval}, "
                f"timings {'yes' if self.timings else 'no'})")


_RETRIEVAL_SERIES = ("weight_mean", "weight_min", "accuracy", "weight_mean_free", "accuracy_free")
_RETRIEVAL_SCALARS = ("min_beta", "measured_beta", "eps", "gap", "delta", "n_keys")


def validate_retrieval(retrieval: object) -> dict[str, Any]:
    if not isinstance(retrieval, dict):
        raise ValueError(f"retrieval must be a dict; got {type(retrieval).__name__}")
    missing = sorted({"betas", *_RETRIEVAL_SERIES, *_RETRIEVAL_SCALARS} - set(retrieval))
    if missing:
        raise ValueError(f"retrieval is missing the keys {missing}")
    betas = np.asarray(retrieval["betas"], dtype=float)
    if betas.ndim != 1 or betas.size < 2 or not (np.diff(betas) > 0).all() or betas[0] <= 0:
        raise ValueError(f"retrieval betas must be positive and increasing; got {retrieval['betas']!r}")
    for key in _RETRIEVAL_SERIES:
        series = np.asarray(retrieval[key], dtype=float)
        if series.shape != betas.shape or not ((series >= 0) & (series <= 1)).all():
            raise ValueError(f"retrieval {key} must have one value in [0, 1] per beta ({betas.size}); "
                             f"got {retrieval[key]!r}")
    return retrieval


def stored_file(path: str | Path) -> Path:
    r"""The results file at ``path`` or, when it is missing, the copy that ships inside the installed package.

    A chapter reads ``data/<name>.json`` beside it (``book/data``). A chapter opened on its own, as Colab opens
    it, has no ``data/`` folder; the wheel of ``relnb`` carries ``book/data/*.json`` as ``relnb/stored/``
    (``pyproject.toml``), and this falls back to that copy, which is the same file as of the installed release.

    Parameters
    ----------
    path : str or pathlib.Path
        The results file, e.g. ``data/bench.json``.

    Returns
    -------
    pathlib.Path
        ``path`` if it is a file, else ``relnb/stored/<file name>`` if the package holds it.

    Raises
    ------
    ValueError
        If neither exists, naming both places.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "x.json"
    ...     _ = file.write_text("{}")
    ...     stored_file(file) == file
    True
    """
    file = Path(path)
    if file.is_file():
        return file
    packaged = Path(__file__).resolve().parent / "stored" / file.name
    if packaged.is_file():
        return packaged
    raise ValueError(f"path must be an existing results file; got {str(path)!r}, and the installed relnb has no "
                     f"stored copy {packaged.name!r} (run make bench / make train-mercer, or install relnb's wheel)")


#: Keys that hold wall times or dates: they belong in the timings file, never in ``bench.json``.
WALL_TIME_KEYS = ("seconds", "written", "date", "timings")


def _wall_time_key(value: object, where: str = "") -> str | None:
    """The path of the first key of :data:`WALL_TIME_KEYS` anywhere in a JSON value, or ``None``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in WALL_TIME_KEYS:
                return f"{where}/{key}"
            found = _wall_time_key(item, f"{where}/{key}")
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _wall_time_key(item, f"{where}/{i}")
            if found:
                return found
    return None


def _load_json(path: str | Path) -> Any:
    file = stored_file(path)
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{file.name} must be JSON; {exc}") from exc


def load_results(path: str | Path, *, timings: str | Path | None = None) -> BenchResults:
    r"""Read and validate the results file written by ``make bench``, and optionally the timings file.

    ``bench.json`` holds numbers only, the same from run to run: a key of :data:`WALL_TIME_KEYS` anywhere in
    it is an error.  Wall times live in the timings file (``make bench`` writes its ``bench`` section,
    ``make timings`` the notebooks and the parts of ``make test``).

    Parameters
    ----------
    path : str or pathlib.Path
        Usually ``book/data/bench.json`` (``data/bench.json`` from a notebook in ``book/``); where it is
        missing, the copy in the installed package (:func:`stored_file`).
    timings : str or pathlib.Path, optional
        The timings file, e.g. ``data/timings.json`` (same fallback).

    Returns
    -------
    BenchResults

    Examples
    --------
    >>> import tempfile
    >>> rows = [make_row("order", "Schmidt optimum", 1, 0.3, 0.3)]
    >>> retrieval = {"betas": [1.0, 2.0], "min_beta": 1.5, "measured_beta": 1.2, "eps": 0.01, "gap": 0.05,
    ...              "delta": 0.0, "n_keys": 8, **{k: [0.5, 1.0] for k in ("weight_mean", "weight_min", "accuracy",
    ...              "weight_mean_free", "accuracy_free")}}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "bench.json"
    ...     _ = file.write_text(json.dumps({"rows": rows, "retrieval": retrieval, "meta": {}}))
    ...     load_results(file)
    BenchResults(1 rows on 1 relations, retrieval over 2 betas, timings no)
    """
    data = _load_json(path)
    name = Path(path).name
    if not isinstance(data, dict) or not {"rows", "meta"} <= set(data):
        raise ValueError(f"{name} must be an object with the keys rows and meta (and retrieval); "
                         f"got {sorted(data) if isinstance(data, dict) else type(data).__name__}")
    wall = _wall_time_key(data)
    if wall is not None:
        raise ValueError(f"{name} must hold no wall times or dates (they go to the timings file); found {wall}")
    retrieval = data.get("retrieval")
    times = None
    if timings is not None:
        times = _load_json(timings)
        if not isinstance(times, dict) or ("notebooks" in times) != ("make" in times):
            raise ValueError(f"timings must be an object with the keys notebooks and make (or neither); got {times!r}")
    return BenchResults(validate_rows(data["rows"]), None if retrieval is None else validate_retrieval(retrieval),
                        times, data["meta"])


#: What every per-kernel entry of ``mercer_results.json`` holds: the dimensions and, per dimension, the limit.
_MERCER_COLUMNS = ("d", "optimum")


def load_mercer_results(path: str | Path) -> dict[str, Any]:
    r"""Read and validate ``book/data/mercer_results.json``, the training sweeps of ``make train-mercer``.

    The file holds one entry per kernel (``"gaussian"``, ``"laplace"``, ``"brownian"``) with a label and columns
    indexed by the feature dimension :math:`d` (``"d"``, the limit ``"optimum"`` :math:`\tau_d`, and one column
    per method, e.g. ``"varpro"``), the first attempt ``"gauss_hermite_80"``, the width and depth ``"sweep"``
    and ``"meta"`` (versions, designs, run time in ``"seconds"``).

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    dict
        The file's content, checked: every kernel entry has columns as long as its ``"d"``, with finite numbers
        (``None`` where a method was not run), and ``meta`` records the run time.

    Raises
    ------
    ValueError
        Naming the entry and the column that break the rule.

    Examples
    --------
    >>> import tempfile, json
    >>> entry = {"label": "k", "d": [1, 2], "optimum": [0.5, 0.25], "varpro": [0.6, None]}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "m.json"
    ...     _ = p.write_text(json.dumps({"gaussian": entry, "meta": {"seconds": 3}}))
    ...     load_mercer_results(p)["gaussian"]["varpro"]
    [0.6, None]
    """
    data = json.loads(stored_file(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("meta"), dict):
        raise ValueError(f"{path}: must be an object with a 'meta' entry; got {type(data).__name__}")
    if not isinstance(data["meta"].get("seconds"), numbers.Real):
        raise ValueError(f"{path}: meta must record the run time in 'seconds'; got {data['meta'].get('seconds')!r}")
    kernels_found = [name for name, entry in data.items() if isinstance(entry, dict) and "optimum" in entry]
    if not kernels_found:
        raise ValueError(f"{path}: no kernel entry with columns {_MERCER_COLUMNS}")
    for name in kernels_found:
        entry = data[name]
        dims = entry.get("d")
        if not isinstance(dims, list) or not dims:
            raise ValueError(f"{path}: {name}['d'] must be a non-empty list of dimensions; got {dims!r}")
        for column, values in entry.items():
            if not isinstance(values, list) or column == "d":
                continue
            if len(values) != len(dims):
                raise ValueError(f"{path}: {name}[{column!r}] has {len(values)} entries, but d has {len(dims)}")
            flat = np.asarray([v for v in values if v is not None], dtype=float)
            if not np.all(np.isfinite(flat)):
                raise ValueError(f"{path}: {name}[{column!r}] must hold finite numbers (or null)")
    return data
