"""`make bench`: run every benchmark in its own process, merge the numbers into book/data/bench.json, print a table.

Benchmarks (benchmarks/*.py, one process each, one thread for torch and BLAS, fixed seeds):

  symmetric   Gaussian kernel and min(x, y): trained <phi, phi>, Eckart-Young optimum, random Fourier,
              Nystroem, truncated Mercer features (d = 2, 4, 8, 16)
  asymmetric  1{y < x} and -(x - y)^2: trained <phi, psi>, Schmidt optimum, best symmetric model
  retrieval   the attention chapter's trained attention: weight and accuracy against beta, next to min_beta

bench.json holds numbers only (nothing that depends on wall time), so two runs in the same environment write
the same file; the wall time of each benchmark and of each fit goes to the "bench" section of
book/data/timings.json (`make timings` writes its notebooks and make-test sections). `--quick` runs a reduced
configuration (the Gaussian kernel at d = 2, 4, one small network, few seeds) for `make bench-check`, which runs
it twice into a temporary folder and compares. Parts and logs go to _build/bench/. The page book/limits.ipynb
reads the results: after `make bench`, run `make execute NOTEBOOKS=book/limits.ipynb`.
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
BENCHMARKS = ["symmetric", "asymmetric", "retrieval"]
# One thread for torch (RELNB_THREADS, and each script) and for numpy's BLAS and LAPACK: the machine may be
# shared, and every stored digit stays the same from run to run.
THREADS = {name: "1" for name in ("RELNB_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
ENV = {**os.environ, **THREADS, "PYTHONHASHSEED": "0"}

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
from common import update_timings  # noqa: E402

from relnb.bench import load_results, validate_rows  # noqa: E402  (the package from this checkout)


def run(name: str, parts: Path, quick: bool) -> dict:
    """Run one benchmark script in a fresh process and return its part."""
    part = parts / f"{name}.json"
    part.unlink(missing_ok=True)
    print(f"== {name}", flush=True)
    subprocess.run([sys.executable, str(HERE / f"{name}.py"), "--out", str(part), *(["--quick"] if quick else [])],
                   check=True, cwd=ROOT, env=ENV)
    return json.loads(part.read_text(encoding="utf-8"))


def merge(parts: dict[str, dict], previous: dict | None, quick: bool) -> dict:
    """One results file from the parts (numbers only); benchmarks not run this time keep their previous results."""
    previous = previous or {}
    old_meta = previous.get("meta", {})
    kept = {name: meta for name, meta in old_meta.get("benchmarks", {}).items() if name in BENCHMARKS}
    benchmarks = {**kept, **{name: p["meta"] for name, p in parts.items()}}
    rows = []
    for name in ("symmetric", "asymmetric"):  # rows in a fixed order, whichever benchmarks ran this time
        if name in parts:
            rows += parts[name]["rows"]
        else:
            relations = benchmarks.get(name, {}).get("relations", {})
            rows += [row for row in previous.get("rows", []) if row["relation"] in relations]
    meta = {"command": "make bench (benchmarks/run.py" + (" --quick)" if quick else ")"),
            "threads": "1 (torch, BLAS)", "dtype": "float64", "benchmarks": benchmarks}
    merged = {"meta": meta, "rows": validate_rows(rows)}
    retrieval = parts["retrieval"]["retrieval"] if "retrieval" in parts else previous.get("retrieval")
    if retrieval is not None:
        merged["retrieval"] = retrieval
    return merged


def report(path: Path) -> None:
    results = load_results(path)
    for relation in results.relations():
        print("\n" + results.table(relation))
    r = results.retrieval
    if r is not None:
        print(f"\nretrieval: beta_min(n, eta - 2 delta, eps) = {r['min_beta']:.4g}, the gap instances need beta = "
              f"{r['measured_beta']:.4g}; argmax accuracy {r['argmax_accuracy']:.4g} (gap instances), "
              f"{r['argmax_accuracy_free']:.4g} (no gap condition)")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS,
                        help="run only these benchmarks; the others keep their previous results")
    parser.add_argument("--quick", action="store_true",
                        help="reduced configuration (symmetric benchmark only: Gaussian kernel, d = 2, 4)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--timings", type=Path, help="the wall-time file (default: timings.json beside --out)")
    args = parser.parse_args()
    if args.quick and args.only:
        parser.error("--quick runs the symmetric benchmark only; it takes no --only")
    timings = args.timings or args.out.parent / "timings.json"
    previous = None if args.quick or not args.out.exists() else json.loads(args.out.read_text(encoding="utf-8"))
    chosen = ["symmetric"] if args.quick else args.only or BENCHMARKS
    if previous is None and not args.quick and set(chosen) != set(BENCHMARKS):
        parser.error(f"{args.out} does not exist yet: run every benchmark once (without --only)")
    # each results file its own parts folder: two runs into different --out never share a part
    parts_dir = ROOT / "_build" / "bench" if args.out.resolve() == OUT.resolve() else args.out.parent / "parts"
    began = time.perf_counter()
    parts = {name: run(name, parts_dir, args.quick) for name in chosen}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(merge(parts, previous, args.quick), indent=1) + "\n", encoding="utf-8")
    old = json.loads(timings.read_text(encoding="utf-8")).get("bench", {}) if timings.exists() else {}
    update_timings(timings, {"bench": {
        "date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
        "seconds": round(time.perf_counter() - began, 1), "ran": chosen,  # this run's wall time and benchmarks
        "benchmarks": {**old.get("benchmarks", {}), **{name: p["wall"] for name, p in parts.items()}},
    }})
    report(args.out)  # the page reads it through relnb.bench.load_results: fail here, not there


if __name__ == "__main__":
    main()
