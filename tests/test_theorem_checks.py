"""Every theorem, lemma and proposition of the book has a cell that checks it.

Convention (README, "Adding a chapter"): a code cell that checks a labelled result starts with a
comment ``# checks: <label>[, <label>...]``. This test fails when a ``prf:theorem``, ``prf:lemma``
or ``prf:proposition`` in the book has no such cell, or when a ``checks`` comment names a label
that does not exist (a typo would otherwise hide a missing check), or when a ``# checks:`` cell
asserts nothing (a cell that only prints cannot fail).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from conftest import toc_sources

RESULT = re.compile(r"`{3,}\{prf:(theorem|lemma|proposition|corollary|definition)\}[^\n]*\n(?::[a-z]+:[^\n]*\n)*?"
                    r":label:\s*(?P<label>[\w-]+)")
CHECKS = re.compile(r"^#\s*checks:\s*(?P<labels>[\w\-, ]+)", re.M)
MUST_BE_CHECKED = {"theorem", "lemma", "proposition"}


def labelled_results(texts: list[str]) -> dict[str, str]:
    """label -> kind for every labelled prf directive in the markdown texts."""
    found = {}
    for text in texts:
        for match in RESULT.finditer(text):
            found[match.group("label")] = match.group(1)
    return found


def checked_labels(codes: list[str]) -> set[str]:
    labels = set()
    for code in codes:
        for match in CHECKS.finditer(code):
            labels |= {label.strip() for label in match.group("labels").split(",") if label.strip()}
    return labels


def _split(path: Path) -> tuple[list[str], list[str]]:
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")], []
    nb = nbformat.read(path, as_version=4)
    return ([c.source for c in nb.cells if c.cell_type == "markdown"],
            [c.source for c in nb.cells if c.cell_type == "code"])


SOURCES = toc_sources()


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_result_has_a_checking_cell(path: Path) -> None:
    markdown, code = _split(path)
    results = labelled_results(markdown)
    missing = sorted(label for label, kind in results.items() if kind in MUST_BE_CHECKED and
                     label not in checked_labels(code))
    assert not missing, f"{path.name}: no cell starts with '# checks: <label>' for {missing}"


def test_checks_comments_name_existing_labels() -> None:
    all_results, all_checks = {}, set()
    for path in SOURCES:
        markdown, code = _split(path)
        all_results |= labelled_results(markdown)
        all_checks |= checked_labels(code)
    unknown = sorted(all_checks - set(all_results))
    assert not unknown, f"'# checks:' comments name labels that no result has: {unknown}"


def test_the_convention_bites() -> None:
    markdown = ["```{prf:theorem} T\n:label: thm-x\nStatement.\n```", "```{prf:lemma}\n:label: lem-y\n```"]
    assert labelled_results(markdown) == {"thm-x": "theorem", "lem-y": "lemma"}
    assert checked_labels(["# checks: thm-x\nassert True"]) == {"thm-x"}
    assert "lem-y" not in checked_labels(["# checks: thm-x\nassert True"])


def asserts_something(code: str) -> bool:
    """True when the cell has an ``assert`` statement (comments and strings do not count)."""
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


@pytest.mark.parametrize("path", [p for p in SOURCES if p.suffix == ".ipynb"], ids=lambda p: p.name)
def test_every_checking_cell_asserts(path: Path) -> None:
    _, code = _split(path)
    silent = [cell.splitlines()[0] for cell in code if CHECKS.search(cell) and not asserts_something(cell)]
    assert not silent, f"{path.name}: '# checks:' cells without an assert statement: {silent}"


def test_the_assert_convention_bites() -> None:
    assert asserts_something("# checks: thm-x\nassert 1 + 1 == 2")
    assert not asserts_something("# checks: thm-x\nprint('assert nothing')  # assert")
    assert not asserts_something("# checks: thm-x\nok = abs(1 - 1) < 1e-9")
