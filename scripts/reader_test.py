"""Run every chapter as a reader would: relnb from a wheel, its declared ranges, a fresh venv.

1. Build a wheel of relnb from the checkout (no network).
2. Create a fresh virtual environment and install the wheel with the ranges of ``pyproject.toml``
   (pip resolves the newest releases they admit), plus ipykernel and nbclient to run notebooks.
   Only torch is held, to the local CPU build (``requirements/torch-cpu.txt``), because the
   registry's default build pulls several GB of CUDA libraries. With ``--lowest`` every direct
   dependency is held at its declared lower bound instead, so the bounds are tested too.
3. Copy the chapters, and nothing else, away from the checkout (as Colab opens a notebook: no
   ``data/`` beside it, so the stored results come from the wheel, ``relnb.bench.stored_file``),
   and execute each chapter top to bottom with nbclient
   (not nbval: late digits may differ between versions; the asserts must hold). Before each chapter
   relnb is uninstalled, so the chapter's bootstrap cell installs it from the wheel
   (``RELNB_SOURCE``): the install branch runs offline, and must say so in one printed line.
4. Fail on any error cell; print the versions that resolved and the times.

    python scripts/reader_test.py [--lowest] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TORCH_CONSTRAINT = ROOT / "requirements" / "torch-cpu.txt"
# What a reader's Jupyter provides (Colab and Binder have both); not relnb's dependencies.
KERNEL_PACKAGES = ["ipykernel", "nbclient"]
# The variables of numerics.env and the Makefile's exports: a reader has none of them.
MAKE_ONLY = {"RELNB_THREADS", "PYTHONHASHSEED", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"} | {
    line.split("=", 1)[0] for line in (ROOT / "numerics.env").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")}


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.run(cmd, check=True, **kwargs)


def declared() -> list[str]:
    """The runtime requirements of pyproject.toml, as written there."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def lower_bounds(requirements: list[str]) -> list[str]:
    """``name==X`` for every ``name>=X`` requirement: the lowest release each range admits."""
    pins = []
    for req in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][^,;\s]*)(?:,.*)?", req.strip())
        if match is None:
            raise ValueError(f"pyproject.toml: {req!r} has no lower bound 'name>=X'")
        pins.append(f"{match.group(1)}=={match.group(2)}")
    return pins


def build_wheel(work: Path) -> Path:
    """A wheel of relnb built from a copy of the checkout (the checkout stays clean)."""
    src = work / "src"
    shutil.copytree(ROOT / "relnb", src / "relnb", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    if (ROOT / "book" / "data").is_dir():
        shutil.copytree(ROOT / "book" / "data", src / "book" / "data")
    dist = work / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(src)])
    (wheel,) = dist.glob("relnb-*.whl")
    return wheel


def make_env(work: Path, wheel: Path, lowest: bool) -> Path:
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    constraints = work / "constraints.txt"
    pins = [TORCH_CONSTRAINT.read_text(encoding="utf-8")]
    if lowest:
        pins += [p + "\n" for p in lower_bounds(declared()) if not p.startswith("torch==")]
    constraints.write_text("".join(pins), encoding="utf-8")
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", str(constraints), str(wheel), *KERNEL_PACKAGES])
    return python


def versions(python: Path) -> dict[str, str]:
    out = run([str(python), "-m", "pip", "list", "--format=json"], capture_output=True, text=True).stdout
    return {p["name"].lower(): p["version"] for p in json.loads(out)}


RUNNER = r"""
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
first = next(c for c in nb.cells if c.cell_type == "code")
printed = "".join(o.get("text", "") for o in first.outputs if o.output_type == "stream")
print(printed.splitlines()[0] if printed else "")
"""


def execute(python: Path, notebook: Path, wheel: Path) -> tuple[float, str]:
    """Execute one chapter with relnb uninstalled first; return its time and the bootstrap's line."""
    run([str(python), "-m", "pip", "uninstall", "--quiet", "-y", "relnb"])
    env = {k: v for k, v in os.environ.items() if k not in MAKE_ONLY}
    env["RELNB_SOURCE"] = str(wheel)
    start = time.perf_counter()
    out = run([str(python), "-c", RUNNER, str(notebook), str(notebook.parent)],
              capture_output=True, text=True, env=env, cwd=notebook.parent)
    return time.perf_counter() - start, out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lowest", action="store_true", help="hold every dependency at its lower bound")
    parser.add_argument("--workdir", type=Path, help="where to work (default: a temporary folder)")
    parser.add_argument("--book", type=Path, default=ROOT / "book", help="the chapters' folder (default: book/)")
    parser.add_argument("notebooks", nargs="*", help="chapter file names (default: all of book/)")
    args = parser.parse_args()
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="relnb-reader-"))).resolve()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    t0 = time.perf_counter()
    wheel = build_wheel(work)
    python = make_env(work, wheel, args.lowest)
    t_install = time.perf_counter() - t0
    book = work / "reader" / "book"  # away from the checkout: the chapters alone
    book.mkdir(parents=True)
    for chapter in args.book.glob("*.ipynb"):
        shutil.copy(chapter, book / chapter.name)
    names = args.notebooks or sorted(p.name for p in book.glob("*.ipynb"))
    resolved = versions(python)
    report = {"lowest": args.lowest, "install_seconds": round(t_install, 1), "chapters": {},
              "versions": {n: resolved.get(n) for n in
                           ["numpy", "scipy", "torch", "matplotlib", "sympy", "scikit-learn",
                            "ipykernel", "nbclient"]}}
    failures = []
    for name in names:
        try:
            seconds, line = execute(python, book / name, wheel)
        except subprocess.CalledProcessError as err:
            failures.append(name)
            print(err.stdout, err.stderr, sep="\n", file=sys.stderr)
            continue
        report["chapters"][name] = round(seconds, 1)
        if line != f"pip install {wheel}":
            failures.append(name)
            print(f"{name}: the bootstrap cell did not install relnb (printed {line!r})", file=sys.stderr)
    report["total_seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(report, indent=2))
    (work / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    if failures:
        print(f"reader test FAILED: {', '.join(failures)}", file=sys.stderr)
        return 1
    print(f"reader test: {len(names)} chapters ran in a fresh environment in {report['total_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
