"""The student edition leaks no solution: not in the HTML, not in the notebooks.

``make student-test`` builds the edition (``make student``) and runs the tests marked ``student``;
the tests of the stripping functions themselves are plain unit tests.
"""

from __future__ import annotations

import importlib.util
import re

import nbformat
import pytest
from conftest import ROOT, toc_sources

_spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
student_edition = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(student_edition)

STUDENT = ROOT / "_build" / "student"
INSTRUCTOR_HTML = ROOT / "_build" / "html"


def _solution_code_cells(path) -> list[str]:
    """Sources of the code cells inside gated solutions of an instructor notebook."""
    cells, inside = [], False
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            if student_edition.START.search(cell.source) and not student_edition.END.search(cell.source):
                inside = True
            elif student_edition.END.search(cell.source):
                inside = False
        elif inside and cell.source.strip():
            cells.append(cell.source.strip())
    return cells


@pytest.mark.student
@pytest.mark.parametrize("source", [p for p in toc_sources() if p.suffix == ".ipynb"], ids=lambda p: p.name)
def test_student_notebook_has_no_solution(source) -> None:
    student = STUDENT / "notebooks" / source.name
    assert student.exists(), f"{student} missing: run `make student`"
    nb = nbformat.read(student, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    assert not re.search(r"\{solution(-start|-end)?\}", text), f"a solution directive survives in {student.name}"
    leaked = [code for code in _solution_code_cells(source) if code in text]
    assert not leaked, f"{len(leaked)} solution cell(s) of {source.name} survive, e.g.\n{leaked[0][:200]}"
    instructor = nbformat.read(source, as_version=4)
    exercises = sum(c.source.count("{exercise}") for c in instructor.cells if c.cell_type == "markdown")
    assert text.count("{exercise}") == exercises, "an exercise statement was removed with the solutions"


@pytest.mark.student
@pytest.mark.parametrize("source", toc_sources(), ids=lambda p: p.name)
def test_student_html_has_no_solution(source) -> None:
    page = (source.relative_to(ROOT)).with_suffix(".html")
    student, instructor = STUDENT / "html" / page, INSTRUCTOR_HTML / page
    assert student.exists(), f"{student} missing: run `make student`"
    html = student.read_text(encoding="utf-8")
    assert 'class="solution' not in html and "Solution to" not in html, f"a solution is rendered in {page}"
    if instructor.exists():  # the exercises themselves are all there
        assert html.count('class="exercise') == instructor.read_text(encoding="utf-8").count('class="exercise')


# --- the stripping functions -------------------------------------------------------------------

PLAIN = "Before.\n\n```{solution} ex-a\n:class: dropdown\n\nThe answer is 42.\n```\n\nAfter.\n"
GATED = "Text.\n\n```{solution-start} ex-b\n:class: dropdown\n```\n\nSecret.\n\n```{solution-end}\n```\nMore.\n"


def test_strip_text_removes_plain_and_gated_solutions() -> None:
    assert student_edition.strip_text(PLAIN) == "Before.\n\n\nAfter.\n"
    stripped = student_edition.strip_text(GATED)
    assert "Secret" not in stripped and "Text." in stripped and "More." in stripped


def test_strip_notebook_removes_cells_of_a_gated_solution_and_renumbers() -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", execution_count=1),
        nbformat.v4.new_markdown_cell("```{exercise}\n:label: ex-c\nDo it.\n```\n\n```{solution-start} ex-c\n```"),
        nbformat.v4.new_code_cell("answer = 42", execution_count=2),
        nbformat.v4.new_markdown_cell("```{solution-end}\n```\n\nNext section."),
        nbformat.v4.new_code_cell("y = 2", execution_count=3),
    ])
    out = student_edition.strip_notebook(nb)
    sources = [c.source for c in out.cells]
    assert "answer = 42" not in sources and "Next section." in sources[-2]
    assert [c.execution_count for c in out.cells if c.cell_type == "code"] == [1, 2]


def test_unclosed_solution_is_an_error() -> None:
    with pytest.raises(ValueError, match="no \\{solution-end\\}"):
        student_edition.strip_text("```{solution-start} ex-d\n```\nSecret.\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("```{solution-start} ex-e\n```")])
    with pytest.raises(ValueError, match="before the end of the notebook"):
        student_edition.strip_notebook(nb)
