"""The paper map lists every labelled result of the book exactly once, in one of three groups.

``book/paper-map.md`` has three sections: results of the paper (a table whose second column is the book's
statement), classical results the book proves or cites, and the book's own results (bullet lists whose first
reference is the result). A result added to a chapter but not to the map, listed twice, or listed under a
label that no chapter defines fails this test.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from conftest import toc_sources
from test_theorem_checks import _split, labelled_results

MAP = Path(__file__).resolve().parent.parent / "book" / "paper-map.md"
REF = re.compile(r"\{prf:ref\}`([\w-]+)`")
RESULT_KINDS = {"theorem", "lemma", "proposition", "corollary"}
SECTIONS = ("## Results of the paper", "## Classical results", "## The book's own results")


def sections(text: str) -> list[str]:
    """The text of the three sections, in order."""
    starts = [text.index(heading) for heading in SECTIONS]
    ends = [*starts[1:], len(text)]
    return [text[a:b] for a, b in zip(starts, ends, strict=True)]


def listed(text: str) -> list[str]:
    """The labels the map lists as results: column 2 of the paper's table, first reference of each bullet."""
    paper, classical, own = sections(text)
    labels = []
    for line in paper.splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 3:
            labels += REF.findall(cells[2])
    for part in (classical, own):
        for line in part.splitlines():
            if line.startswith("- "):
                first = REF.search(line)
                if first:
                    labels.append(first.group(1))
    return labels


def book_results() -> set[str]:
    results: dict[str, str] = {}
    for path in toc_sources():
        markdown, _ = _split(path)
        results |= labelled_results(markdown)
    return {label for label, kind in results.items() if kind in RESULT_KINDS}


def test_every_result_is_listed_exactly_once() -> None:
    counts = Counter(listed(MAP.read_text(encoding="utf-8")))
    results = book_results()
    missing = sorted(results - set(counts))
    twice = sorted(label for label, count in counts.items() if count > 1)
    unknown = sorted(set(counts) - results)
    assert not missing, f"paper-map.md does not list {missing}"
    assert not twice, f"paper-map.md lists these more than once: {twice}"
    assert not unknown, f"paper-map.md lists labels that no chapter defines as a result: {unknown}"


def test_the_map_test_bites() -> None:
    text = "\n".join([
        "## Results of the paper", "| a | {prf:ref}`thm-a` | {prf:ref}`lem-b` | c |",
        "## Classical results", "- {prf:ref}`lem-b`: cited", "- {prf:ref}`thm-a`: again",
        "## The book's own results", "- none here",
    ])
    assert listed(text) == ["thm-a", "lem-b", "thm-a"]  # the supporting step lem-b is not a listing
