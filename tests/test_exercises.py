"""Every chapter has the exercises a teacher can assign: at least five, graded, proofs and computations.

Conventions (README, "Adding a chapter"): an exercise's title starts with its grade, (★), (★★) or (★★★); its
text starts with its kind, (Proof.), (Computation.), (Proof and computation.) or (Computation and proof.). A
computational exercise is followed, before its solution, by a starter cell that calls a ``relnb.checks``
function; its solution calls the same check and asserts ``feedback.passed``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from conftest import BOOK

from relnb import checks

CHAPTERS = ["relations", "mercer", "rkbs", "debreu", "attention"]
EXERCISE = re.compile(
    r"```\{exercise\}(?P<title>[^\n]*)\n:label: (?P<label>[\w-]+)\n(?:[^\n]*\n)*?\n(?P<body>.*?)\n```", re.S
)
GRADE = re.compile(r"^ \((★{1,3})\) \S")
KIND = re.compile(r"^\((Proof|Computation|Proof and computation|Computation and proof)\.\) ")
CHECK_CALL = re.compile(r"relnb\.checks\.(check_\w+)\(")


def exercises(path: Path) -> list[dict]:
    """Each exercise with its grade, kind, and the code cells between it and its solution, and in its solution."""
    nb = nbformat.read(path, as_version=4)
    found: list[dict] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            # exercises, solution starts and ends, in the order they appear in the text
            events = [(m.start(), "exercise", m) for m in EXERCISE.finditer(cell.source)]
            events += [(m.start(), "start", m) for m in re.finditer(r"\{solution-start\} ([\w-]+)", cell.source)]
            events += [(m.start(), "end", m) for m in re.finditer(r"\{solution-end\}", cell.source)]
            for _, kind, match in sorted(events, key=lambda event: event[0]):
                if kind == "exercise":
                    found.append({"label": match["label"], "title": match["title"], "body": match["body"],
                                  "starter": [], "solution": [], "in_solution": False})
                elif kind == "start":
                    next(e for e in found if e["label"] == match[1])["in_solution"] = True
                else:
                    for e in found:
                        e["in_solution"] = False
        elif found:
            current = found[-1]
            current["solution" if current["in_solution"] else "starter"].append(cell.source)
    return found


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
