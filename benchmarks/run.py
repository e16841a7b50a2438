"""`make bench`: run every benchmark in its own process, merge the results into book/data/bench.json, print a table.

Benchmarks (benchmarks/*.py, one process each, one torch thread, fixed seeds):

  symmetric   Gaussian kernel and min(x, y): trained <phi, phi>, Eckart-Young optimum, random Fourier,
              Nystroem, truncated Mercer features (d = 2, 4, 8, 16)
  asymmetric  1{y < x} and -(x - y)^2: trained <phi, psi>, Schmidt optimum, best symmetric model
  retrieval   the attention chapter's trained attention: weight and accuracy against beta, next to min_beta
  timings     wall time of every notebook and of each part of `make test` (several minutes; --skip-timings
              keeps the timings already in the results file)

Parts and logs go to _build/bench/; the results file is small (rows, retrieval curves, timings, metadata).
The page book/limits.ipynb reads it: after `make bench`, run `make execute NOTEBOOKS=book/limits.ipynb`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "book" / "data" / "bench.json"
PARTS = ROOT / "_build" / "bench"
BENCHMARKS = ["symmetric", "asymmetric", "retrieval"]
# One thread for torch (RELNB_THREADS, and each script) and for numpy's BLAS and LAPACK: the machine may be
# shared, and every stored digit stays the same from run to run.
THREADS = {name: "1" for name in ("RELNB_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
ENV = {**os.environ, **THREADS, "PYTHONHASHSEED": "0"}

sys.path.insert(0, str(ROOT))
from relnb.bench import load_results, validate_rows  # noqa: E402  (the package from this checkout)


def run(name: str) -> dict:
    """Run one benchmark script in a fresh process and return its part.

    The timings run in the caller's environment (they measure `make test` and the notebooks as they run);
    the others on one thread.
    """
    part = PARTS / f"{name}.json"
    part.unlink(missing_ok=True)
    print(f"== {name}", flush=True)
    subprocess.run([sys.executable, str(HERE / f"{name}.py"), "--out", str(part)], check=True, cwd=ROOT,
                   env=None if name == "timings" else ENV)
    return json.loads(part.read_text(encoding="utf-8"))


def merge(parts: dict[str, dict], previous: dict | None) -> dict:
    """One results file from the parts; benchmarks not run this time keep their previous results."""
    previous = previous or {}
    old_meta = previous.get("meta", {})
    benchmarks = {**old_meta.get("benchmarks", {}), **{name: p["meta"] for name, p in parts.items()}}
    rows = []
    for name in ("symmetric", "asymmetric"):  # rows in a fixed order, whichever benchmarks ran this time
        if name in parts:
            rows += parts[name]["rows"]
        else:
            relations = benchmarks.get(name, {}).get("relations", {})
            rows += [row for row in previous.get("rows", []) if row["relation"] in relations]
    meta = {
        "written": time.strftime("%Y-%m-%d %H:%M"), "command": "make bench (benchmarks/run.py)",
        "threads": "1 (torch, BLAS)", "dtype": "float64",
        "seconds": {**old_meta.get("seconds", {}), **{name: p["seconds"] for name, p in parts.items()}},
        "benchmarks": benchmarks,
    }
    merged = {"meta": meta, "rows": validate_rows(rows),
              "retrieval": parts["retrieval"]["retrieval"] if "retrieval" in parts else previous.get("retrieval")}
    timings = parts["timings"]["timings"] if "timings" in parts else previous.get("timings")
    if timings is not None:
        merged["timings"] = timings
    return merged


def write(path: Path, merged: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")
    load_results(path)  # the page reads it through this: fail here, not there


def report(path: Path) -> None:
    results = load_results(path)
    for relation in results.relations():
        print("\n" + results.table(relation))
    r = results.retrieval
    print(f"\nretrieval: beta_min(n, eta - 2 delta, eps) = {r['min_beta']:.4g}, the gap instances need beta = "
          f"{r['measured_beta']:.4g}; argmax accuracy {r['argmax_accuracy']:.4g} (gap instances), "
          f"{r['argmax_accuracy_free']:.4g} (no gap condition)")
    if results.timings:
        t = results.timings
        print(f"timings ({t['date']}): notebooks {t['book_seconds']} s in all, make test parts "
              f"{t['make_test_seconds']} s in all")
        for group in ("notebooks", "make"):
            print("  " + ", ".join(f"{k} {v['seconds']} s{'' if v['ok'] else ' FAILED'}" for k, v in t[group].items()))
    print("seconds per benchmark: " + ", ".join(f"{k} {v}" for k, v in results.meta["seconds"].items()))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-timings", action="store_true",
                        help="do not re-measure the timings (keeps those already in the results file)")
    parser.add_argument("--only", nargs="+", choices=[*BENCHMARKS, "timings"],
                        help="run only these benchmarks; the others keep their previous results")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else None
    chosen = args.only or BENCHMARKS + ([] if args.skip_timings else ["timings"])
    if previous is None and not set(BENCHMARKS) <= set(chosen):
        parser.error(f"{args.out} does not exist yet: run every benchmark once (without --only)")
    parts = {name: run(name) for name in chosen if name != "timings"}
    merged = merge(parts, previous)
    write(args.out, merged)  # before the timings: the notebooks they execute read this file
    if "timings" in chosen:
        parts["timings"] = run("timings")
        write(args.out, merge(parts, previous))
    report(args.out)
    measured = parts["timings"]["timings"] if "timings" in parts else {}  # this run's timings only
    failed = [k for group in ("notebooks", "make") for k, v in measured.get(group, {}).items() if not v["ok"]]
    if failed:
        sys.exit(f"make bench: these timed runs failed (logs in {PARTS.relative_to(ROOT)}/logs): {failed}")


if __name__ == "__main__":
    main()
