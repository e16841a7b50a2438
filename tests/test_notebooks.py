"""Tests that keep the stored outputs honest: the guard, the tamper test, the determinism test.

Marked ``notebook``: ``make notebook-tests`` runs them (``make unit`` skips them).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import BOOK, NOTEBOOKS, ROOT
from nbclient import NotebookClient
from notebook_guard import guard_problems, load

pytestmark = pytest.mark.notebook

# The chapter used by the tamper and determinism tests: it trains a torch model,
# so thread-dependent summation order would show in its printed numbers.
REFERENCE_CHAPTER = BOOK / "relations.ipynb"


def test_book_has_notebooks() -> None:
    assert REFERENCE_CHAPTER in NOTEBOOKS, f"expected {REFERENCE_CHAPTER} among {NOTEBOOKS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_guard(path: Path) -> None:
    problems = guard_problems(load(path), path.name)
    assert not problems, "\n".join(problems)


# --- the guard itself must bite -------------------------------------------------------------


def _first_code_cell(nb: dict) -> dict:
    return next(c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip())


def test_guard_accepts_the_reference_chapter() -> None:
    assert guard_problems(load(REFERENCE_CHAPTER)) == []


def test_guard_rejects_stripped_outputs() -> None:
    nb = load(REFERENCE_CHAPTER)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"], cell["outputs"] = None, []
    assert any("no execution count" in p for p in guard_problems(nb))


def test_guard_rejects_out_of_order_counts() -> None:
    nb = load(REFERENCE_CHAPTER)
    _first_code_cell(nb)["execution_count"] = 99
    assert any("not 1.." in p for p in guard_problems(nb))


def test_guard_rejects_error_outputs_and_local_paths() -> None:
    nb = load(REFERENCE_CHAPTER)
    cell = _first_code_cell(nb)
    cell["outputs"] = [
        {"output_type": "error", "ename": "ValueError", "evalue": "boom", "traceback": []},
        {"output_type": "stream", "name": "stdout", "text": "saved to /home/alice/fig.png\n"},
    ]
    problems = guard_problems(nb)
    assert any("stores an error" in p for p in problems)
    assert any("local path" in p for p in problems)


# --- nbval must bite ----------------------------------------------------------------------------


def _tamper(nb: dict) -> tuple[dict, str]:
    """Change one digit in the first stored stdout output that has one."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text = "".join(output["text"])
                match = re.search(r"\d", text)
                if match:
                    digit = str((int(match.group(0)) + 1) % 10)
                    output["text"] = text[: match.start()] + digit + text[match.end():]
                    return nb, text
    raise AssertionError("the reference chapter prints no number to tamper with")


def _nbval(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )


def test_nbval_fails_on_a_changed_stored_number(tmp_path: Path) -> None:
    tampered, original = _tamper(load(REFERENCE_CHAPTER))
    path = tmp_path / REFERENCE_CHAPTER.name
    path.write_text(json.dumps(tampered), encoding="utf-8")
    result = _nbval(path)
    assert result.returncode != 0, f"nbval passed a notebook whose output {original!r} was changed"
    assert "mismatch" in result.stdout.lower(), result.stdout[-2000:]


# --- determinism across thread counts -------------------------------------------------------------


def _text_outputs(nb: nbformat.NotebookNode) -> list[str]:
    texts = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        streams: dict[str, str] = {}
        for output in cell.outputs:
            if output.output_type == "stream":  # chunking of a stream depends on flush timing: join it
                streams[output.name] = streams.get(output.name, "") + output.text
            elif "data" in output:
                for mime in ("text/plain", "text/html", "text/latex"):
                    if mime in output.data:
                        texts.append(f"[{index}] {output.data[mime]}")
        texts += [f"[{index}] {name}: {text}" for name, text in sorted(streams.items())]
    return texts


def _execute(path: Path, threads: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("RELNB_THREADS", str(threads))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}).execute()
    return _text_outputs(nb)


def test_outputs_do_not_depend_on_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    one = _execute(REFERENCE_CHAPTER, 1, monkeypatch)
    two = _execute(REFERENCE_CHAPTER, 2, monkeypatch)
    assert one, "the reference chapter printed nothing"
    for a, b in zip(one, two, strict=True):
        assert a == b, f"output differs between 1 and 2 torch threads:\n{a}\n---\n{b}"
    stored = _text_outputs(nbformat.read(REFERENCE_CHAPTER, as_version=4))
    assert one == stored, "executing the chapter does not reproduce its stored outputs (run make execute)"
