"""Benchmark 4: wall times of every notebook from a fresh kernel, and of each part of `make test`.

Notebooks: book/ is copied to a temporary folder and each notebook there is executed in a fresh kernel with
nbclient, as `make execute` does, so the stored notebooks are never touched; each time runs from the kernel's
start to its last cell.
`make test`: each part (`make lint`, `make unit`, ...) is run and timed on its own, in the order `make test`
runs them; the browser's and TeX's Debian packages are installed first (untimed) when missing. Takes about
as long as `make test` plus the notebooks (several minutes). Run by `make timings`, which writes the
"notebooks" and "make" sections of book/data/timings.json (`make bench` writes its "bench" section); wall
times never go to book/data/bench.json, whose numbers are identical from run to run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, log, start, update_timings, versions


def make_test_parts() -> list[str]:
    """The targets `make test` runs, in its order, read from the Makefile (so this list cannot fall behind it)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^test:.*\n(?:\t.*\n)*?\t.*\$\(MAKE\) --no-print-directory ([a-z\- ]+);", text, re.M)
    if match is None:
        raise RuntimeError("cannot find the targets of `make test` in the Makefile")
    return match.group(1).split()


def environment() -> dict[str, str]:
    """The environment of `make`: one torch thread, fixed hash seed, and no make variables of a calling make."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    return {**env, "RELNB_THREADS": "1", "PYTHONHASHSEED": "0"}


def run_timed(command: list[str], cwd: Path, log_file: Path) -> tuple[float, bool]:
    """Run a command with its output to ``log_file``; return (wall seconds, whether it succeeded)."""
    began = time.perf_counter()
    with log_file.open("w", encoding="utf-8") as out:
        result = subprocess.run(command, cwd=cwd, env=environment(), stdout=out, stderr=subprocess.STDOUT,
                                check=False)
    return round(time.perf_counter() - began, 1), result.returncode == 0


def time_notebooks(folder: Path, logs: Path) -> dict[str, dict]:
    """Execute each notebook of a copy of book/ in a fresh kernel, one after another from this process (nbclient,
    as `jupyter execute` does), and time it from the kernel's start to the last cell.  The executor's own start-up
    (a Python process importing nbclient, nbformat and jsonschema, about 2 s) is not the notebook's and is left out.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    copy = folder / "book"
    shutil.copytree(ROOT / "book", copy, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    os.environ.update(environment())  # the kernels inherit make's environment
    timings = {}
    for notebook in sorted(copy.glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(copy)}})
        began = time.perf_counter()
        try:
            client.execute()
            ok = True
        except CellExecutionError as error:
            ok = False
            (logs / f"{notebook.stem}.log").write_text(str(error), encoding="utf-8")
        seconds = round(time.perf_counter() - began, 1)
        timings[notebook.stem] = {"seconds": seconds, "ok": ok}
        log(f"timings: notebook {notebook.name}: {seconds} s{'' if ok else ' (FAILED)'}")
    return timings


def time_make_parts(logs: Path) -> dict[str, dict]:
    for deps in ("browser-deps", "pdf-deps"):  # Debian packages, installed once: not part of the timings
        run_timed(["make", "--no-print-directory", deps], ROOT, logs / f"{deps}.log")
    timings = {}
    for target in make_test_parts():
        seconds, ok = run_timed(["make", "--no-print-directory", target], ROOT, logs / f"make-{target}.log")
        timings[target] = {"seconds": seconds, "ok": ok}
        failed = f" (FAILED: see {logs / f'make-{target}.log'})"
        log(f"timings: make {target}: {seconds} s{'' if ok else failed}")
    return timings


def main() -> None:
    out, _, _ = start(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory(prefix="relnb-bench-") as folder:
        logs = ROOT / "_build" / "bench" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        notebooks = time_notebooks(Path(folder), logs)
        make = time_make_parts(logs)
    timings = {
        "notebooks": notebooks, "make": make,
        "book_seconds": round(sum(t["seconds"] for t in notebooks.values()), 1),
        "make_test_seconds": round(sum(t["seconds"] for t in make.values()), 1),
        "date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(),
        "how": "wall time; notebooks with nbclient on a copy of book/, one fresh kernel each, from its start to "
               "the last cell; make parts one after another", "versions": versions(),
    }
    update_timings(out, timings)  # keeps the "bench" section written by make bench
    failed = [k for group in (notebooks, make) for k, v in group.items() if not v["ok"]]
    if failed:
        sys.exit(f"make timings: these timed runs failed (logs in {logs}): {failed}")


if __name__ == "__main__":
    main()
