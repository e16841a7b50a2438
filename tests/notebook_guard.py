"""The notebook guard: stored outputs must come from one clean top-to-bottom run.

nbval compares only cells that were executed; a notebook with stripped outputs
would "pass" it.  The guard closes that hole.  It is a plain function so that
the tests can show it fails on bad notebooks as well as passes on the book's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

# A local path in an output (e.g. a warning's file name) differs between machines.
LOCAL_PATH = re.compile(r"(/(tmp|root|work|home|Users|opt|usr)/[^\s'\"]+)|([A-Z]:\\\\Users)")


def _output_text(output: dict) -> str:
    parts = [output.get("text", ""), output.get("evalue", "")]
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime.endswith("json"):
            parts.append(value if isinstance(value, str) else json.dumps(value))
    return "".join("".join(p) if isinstance(p, list) else str(p) for p in parts)


def guard_problems(notebook: dict, name: str = "notebook") -> list[str]:
    """Every reason the stored outputs of ``notebook`` cannot be trusted (empty when fine)."""
    problems: list[str] = []
    counts: list[int | None] = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", []))
        if not source.strip():
            problems.append(f"{name}: code cell {index} is empty (delete it)")
            continue
        counts.append(cell.get("execution_count"))
        if cell.get("execution_count") is None:
            problems.append(f"{name}: code cell {index} has no execution count (stripped or never run)")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"{name}: code cell {index} stores an error ({output.get('ename')})")
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                problems.append(f"{name}: code cell {index} stores stderr output (a warning?): "
                                f"{''.join(output.get('text', ''))[:80]!r}")
            match = LOCAL_PATH.search(_output_text(output))
            if match:
                problems.append(f"{name}: code cell {index} shows a local path {match.group(0)[:60]!r}")
    if counts and None not in counts and counts != list(range(1, len(counts) + 1)):
        problems.append(f"{name}: execution counts are {counts}, not 1..{len(counts)} in order "
                        "(run the notebook top to bottom from a fresh kernel: make execute)")
    if not counts:
        problems.append(f"{name}: has no code cells")
    return problems


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
