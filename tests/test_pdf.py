"""The PDF edition: built by ``make pdf`` (pdflatex), checked for unresolved references.

Run by ``make pdf-test`` (part of ``make test``) after the build. Fails on LaTeX warnings about
undefined references or citations in the final log, on "??" in the PDF's text, and on
theorems, lemmas or propositions that lost their numbers.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import ROOT, toc_sources

pytestmark = pytest.mark.pdf

LATEX = ROOT / "_build" / "latex"
PDF = LATEX / "book.pdf"
LOG = LATEX / "book.log"


@pytest.fixture(scope="module")
def pdf_text() -> str:
    if not PDF.exists():
        pytest.fail(f"{PDF} not found: run `make pdf`")
    return subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_latex_log_has_no_undefined_references() -> None:
    log = LOG.read_text(encoding="latin-1")
    undefined = re.findall(r"LaTeX Warning: (?:Hyper reference|Reference|Citation) `[^']+' on page \d+ undefined", log)
    assert not undefined, "undefined references in the final LaTeX run:\n" + "\n".join(sorted(set(undefined))[:20])
    assert "There were undefined references" not in log


def test_pdf_has_no_unresolved_marks(pdf_text: str) -> None:
    lines = [line.strip() for line in pdf_text.splitlines() if "??" in line]
    assert not lines, "'??' in the PDF (an unresolved reference):\n" + "\n".join(lines[:20])


@pytest.mark.parametrize("kind", ["theorem", "lemma", "proposition", "definition"])
def test_results_are_numbered(pdf_text: str, kind: str) -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in toc_sources())
    expected = len(re.findall(r"```\{prf:" + kind + r"\}", sources))
    # "Lemma 3.2 (" in a numbered chapter, "Lemma 1 (" on an unnumbered page (the benchmarks)
    numbered = set(re.findall(kind.capitalize() + r" (\d+(?:\.\d+)?) \(", pdf_text))
    assert len(numbered) >= expected, f"{expected} {kind}s in the sources, {len(numbered)} numbered in the PDF"
