"""What every benchmark script of `make bench` shares: its command line and how it writes its part.

Each benchmark runs in its own process (`python benchmarks/<name>.py --out PART.json [--quick]`) with one
torch thread and fixed seeds, and writes one JSON part: numbers that depend only on the code, the seeds and the
floating-point environment under ``rows``/``meta``/..., and wall times under ``wall`` (never in the numbers).
`benchmarks/run.py` merges the numbers into book/data/bench.json and the wall times into the ``bench``
section of book/data/timings.json (:func:`update_timings`), the only results file whose content changes from
run to run.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def start(description: str) -> tuple[Path, float, bool]:
    """Parse ``--out`` and ``--quick``, fix torch to one thread; return (the part's path, start time, quick)."""
    import torch

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, required=True, help="where to write this benchmark's JSON part")
    parser.add_argument("--quick", action="store_true", help="the reduced configuration of make bench-check")
    args = parser.parse_args()
    torch.set_num_threads(1)  # the machine is shared, and one thread keeps every printed digit reproducible
    return args.out, time.perf_counter(), args.quick


def versions() -> dict[str, str]:
    """Versions of Python and of the packages whose numerics the results depend on."""
    import numpy
    import scipy
    import sklearn
    import torch

    return {"python": platform.python_version(), "numpy": numpy.__version__, "scipy": scipy.__version__,
            "torch": torch.__version__, "sklearn": sklearn.__version__}


def write_part(path: Path, began: float, payload: dict[str, Any], wall: dict[str, Any] | None = None) -> None:
    """Write ``payload`` (numbers only) with the wall times ``wall`` and the total since ``began`` apart."""
    payload = {**payload, "wall": {"seconds": round(time.perf_counter() - began, 1), **(wall or {})}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def update_timings(path: Path, section: dict[str, Any]) -> None:
    """Merge ``section`` (e.g. ``{"bench": ...}`` or ``{"notebooks": ..., "make": ...}``) into the timings file.

    Each target rewrites its own keys and keeps the others': `make bench` the ``bench`` section,
    `make timings` the notebooks and the parts of `make test`.
    """
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**old, **section}, indent=1) + "\n", encoding="utf-8")


def log(message: str) -> None:
    print(message, flush=True)
