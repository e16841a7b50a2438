"""Every chapter has the exercises a teacher can assign: at least five, graded, proofs and computations.

Conventions (README, "Adding a chapter"): an exercise's title starts with its grade, (★), (★★) or (★★★); its
text starts with its kind, (Proof.), (Computation.), (Proof and computation.) or (Computation and proof.). A
computational exercise is followed, before its solution, by a starter cell that calls a ``relnb.checks``
function; its solution calls the same check and asserts ``feedback.passed``.
"""

from __future__ import annotations

import importlib.util

import pytest
from conftest import BOOK, ROOT

from relnb import checks

# One parser of the exercises: the assignment generator's (scripts/make_assignments.py).
_spec = importlib.util.spec_from_file_location("make_assignments", ROOT / "scripts" / "make_assignments.py")
make_assignments = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_assignments)
CHAPTERS = make_assignments.CHAPTERS
GRADE, KIND, CHECK_CALL = make_assignments.GRADE, make_assignments.KIND, make_assignments.CHECK_CALL
exercises = make_assignments.exercises


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_has_graded_proof_and_computational_exercises(chapter: str) -> None:
    found = exercises(BOOK / f"{chapter}.ipynb")
    assert len(found) >= 5, f"{chapter}: {len(found)} exercises, at least 5 wanted"
    kinds = []
    for e in found:
        assert GRADE.match(e["title"]), f"{e['label']}: title {e['title']!r} does not start with (★), (★★) or (★★★)"
        kind = KIND.match(e["body"])
        assert kind, f"{e['label']}: text does not start with (Proof.), (Computation.) or a combination"
        kinds.append(kind[1])
    proofs = sum("Proof" in k for k in kinds)
    computations = sum("omputation" in k for k in kinds)
    assert proofs >= 2 and computations >= 2, f"{chapter}: {proofs} proof and {computations} computational exercises"
    grades = {GRADE.match(e["title"])[1] for e in found}
    assert len(grades) >= 2, f"{chapter}: all exercises have the same grade {grades}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_computational_exercises_have_a_starter_check_and_a_checked_solution(chapter: str) -> None:
    for e in exercises(BOOK / f"{chapter}.ipynb"):
        if "omputation" not in KIND.match(e["body"])[1]:
            continue
        starter = {name for source in e["starter"] for name in CHECK_CALL.findall(source)}
        assert starter, f"{e['label']}: no starter cell calling relnb.checks before the solution"
        for name in starter:
            assert name in checks.__all__, f"{e['label']}: relnb.checks.{name} is not a public check"
        solved = [s for s in e["solution"] if CHECK_CALL.search(s) and "assert feedback.passed" in s]
        assert solved, f"{e['label']}: the solution never asserts that its answer passes the check"
        assert starter & {n for s in solved for n in CHECK_CALL.findall(s)}, (
            f"{e['label']}: the solution checks with another function than the starter cell")


def test_syllabus_lists_every_exercise_with_its_grade() -> None:
    syllabus = (BOOK / "syllabus.md").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        for e in exercises(BOOK / f"{chapter}.ipynb"):
            grade, title = GRADE.match(e["title"])[1], e["title"].split(") ", 1)[1]
            assert f"| {grade} | *{title}* |" in syllabus, f"syllabus: no row for {e['label']} ({grade} {title})"


def test_syllabus_counts_the_assignments_questions_points_and_tests() -> None:
    """The table of book/syllabus.md against what make_assignments generates from the chapters."""
    syllabus = (BOOK / "syllabus.md").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        questions = [make_assignments.question(e) for e in make_assignments.computational(BOOK / f"{chapter}.ipynb")]
        row = (f"| {{doc}}`{chapter}` | {len(questions)} | {sum(q['points'] for q in questions)} | "
               f"{sum(len(q['tests']) - q['hidden'] for q in questions)} | {sum(q['hidden'] for q in questions)} |")
        assert row in syllabus, f"syllabus: the assignments table should have the row {row}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_assignment_question_has_hidden_tests_on_other_instances(chapter: str) -> None:
    """Each computational exercise's answer is graded on other instances (make_assignments.HIDDEN), so that a value
    copied from the book's instance fails (tests/test_assignments.py grades that with otter)."""
    for e in make_assignments.computational(BOOK / f"{chapter}.ipynb"):
        q = make_assignments.question(e)
        assert q["hidden"] >= 1, f"{q['name']}: no hidden test in make_assignments.HIDDEN"
        for test in q["tests"][1:]:
            assert "# another instance" in test or q["call"] not in test, (
                f"{q['name']}: a hidden test repeats the public instance")
    unknown = set(make_assignments.HIDDEN) - {
        e["label"].removeprefix("ex-") for c in CHAPTERS for e in make_assignments.computational(BOOK / f"{c}.ipynb")}
    assert not unknown, f"HIDDEN names no exercise: {unknown}"
