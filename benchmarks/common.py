"""What every benchmark script of `make bench` shares: its command line and how it writes its part.

Each benchmark runs in its own process (`python benchmarks/<name>.py --out PART.json`) with one torch
thread and fixed seeds, and writes one JSON part; `benchmarks/run.py` merges the parts into
book/data/bench.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def start(description: str) -> tuple[Path, float]:
    """Parse ``--out``, fix torch to one thread, and return (the part's path, the start time)."""
    import torch

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, required=True, help="where to write this benchmark's JSON part")
    args = parser.parse_args()
    torch.set_num_threads(1)  # the machine is shared, and one thread keeps every printed digit reproducible
    return args.out, time.perf_counter()


def versions() -> dict[str, str]:
    """Versions of Python and of the packages whose numerics the results depend on."""
    import numpy
    import scipy
    import sklearn
    import torch

    return {"python": platform.python_version(), "numpy": numpy.__version__, "scipy": scipy.__version__,
            "torch": torch.__version__, "sklearn": sklearn.__version__}


def write_part(path: Path, began: float, payload: dict[str, Any]) -> None:
    """Write ``payload`` with the wall time since ``began`` as this benchmark's part."""
    payload = {**payload, "seconds": round(time.perf_counter() - began, 1)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def log(message: str) -> None:
    print(message, flush=True)
