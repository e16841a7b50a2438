"""`make bench-check`: the producer twice in the reduced configuration, the same numbers, and the page's reading code.

Runs `benchmarks/run.py --quick` twice, each into its own temporary folder, asserts that the two bench.json are
identical byte for byte (numbers only: wall times go to timings.json beside it), and reads one of them as the
page book/limits.ipynb does (relnb.bench.load_results and the tables), so the producer and the page cannot drift
apart. Part of `make test` (about half a minute).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from relnb.bench import load_results  # noqa: E402


def main() -> None:
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="relnb-bench-check-") as folder:
        files = []
        for run in ("first", "second"):
            out = Path(folder) / run / "bench.json"
            subprocess.run([sys.executable, str(HERE / "run.py"), "--quick", "--out", str(out)], check=True,
                           stdout=subprocess.DEVNULL)
            files.append(out)
        first, second = (f.read_text(encoding="utf-8") for f in files)
        if first != second:
            diff = [f"  {a}\n  {b}" for a, b in zip(first.splitlines(), second.splitlines(), strict=False) if a != b]
            sys.exit("make bench-check: two runs of benchmarks/run.py --quick wrote different numbers:\n"
                     + "\n".join(diff[:10]))
        # the page's reading code (book/limits.ipynb): load, tables, lookups by method and d
        results = load_results(files[0], timings=files[0].parent / "timings.json")
        for relation in results.relations():
            print(results.table(relation), end="\n\n")
            for method in results.methods(relation):
                for d in results.dims(relation):
                    row = results.find(relation, method, d)
                    assert row is None or row["ratio"] is None or row["ratio"] >= 1 - 1e-9, row
        seconds = results.timings["bench"]["seconds"]
    print(f"make bench-check: two quick runs identical ({len(results.rows)} rows, {seconds:.0f} s each), "
          f"read by relnb.bench.load_results; {time.perf_counter() - began:.0f} s in all")


if __name__ == "__main__":
    main()
