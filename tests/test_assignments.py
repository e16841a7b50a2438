"""The Otter-Grader assignments of ``make assignments`` grade as a teacher expects (``make assignment-test``).

For each chapter, ``otter run`` (no Docker) with the chapter's autograder zip gives
- the solution notebook (``autograder/<chapter>.ipynb``) full marks,
- the untouched student notebook zero,
- the solution with the typical wrong answers of tests/test_checks.py put in partial marks, and the
  relnb.checks feedback in words for each wrong answer;
- the solution with every answer replaced by the book's values (a table copied from the book's instance) partial
  marks on every question: it passes the public test and fails a hidden one, on another instance;
and the student notebook holds no solution and no hidden test.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

pytestmark = pytest.mark.assignment

_spec = importlib.util.spec_from_file_location("make_assignments", ROOT / "scripts" / "make_assignments.py")
make_assignments = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_assignments)

OUT = ROOT / "_build" / "assignments"
OTTER = str(Path(sys.executable).parent / "otter")

# chapter -> [(question, line appended to its answer cell, words of the feedback)]: the wrong answers of
# tests/test_checks.py, as functions of the instance, and for Chapter A a table of the book's values, which only the
# hidden test catches.
WRONG = {
    "relations": [
        ("relations-two-by-two", "my_distance = lambda a: 0.5 * a", "below the true minimum"),
        ("relations-weak-order",
         "my_floor = {n: 0.5 * np.sqrt(1 - 1 / n) for n in (2, 3, 5, 10, 40)}.__getitem__", "KeyError: 7"),
    ],
    "mercer": [("mercer-truncation", "my_tau = lambda d: tau(d) ** 2", "take the square root")],
    "rkbs": [("rkbs-half-symmetric", "my_floor = lambda r, x, w: 0.5", "sharp order relation")],
    "debreu": [("debreu-float-chain", "my_first_tie = lambda base: 53", "still separates items 53 and 54")],
    "attention": [("attention-temperature", "my_beta = lambda scores, eps: 2 * least_beta(scores, eps)",
                   "above the least beta")],
}

# Appended to a solution cell: each answer function replaced by a table of its values on the book's instance, as a
# student would print them and copy them in (``{answers}``: the question's answers, ``{call}``: its public check).
# Arguments seen on the book's instance get their recorded value, any others the first recorded value: a constant.
HARD_CODED = """
import pickle as _pickle


def _key(args):
    try:
        return _pickle.dumps(args)
    except Exception:  # e.g. a lambda among the arguments
        return repr(args)


def _recording(f, table):
    def recorded(*args):
        value = f(*args)
        table.setdefault(_key(args), value)
        return value
    return recorded


def _copied(table):
    def copied(*args):  # the book's values, whatever the arguments
        return table.get(_key(args), next(iter(table.values())))
    return copied


_tables = {{}}
for _name in {answers!r}:
    if callable(globals()[_name]):
        globals()[_name] = _recording(globals()[_name], _tables.setdefault(_name, {{}}))
{call}  # the book's instance: its values recorded
for _name, _table in _tables.items():
    globals()[_name] = _copied(_table)
"""


def _grade(notebook: Path, chapter: str, tmp: Path) -> dict[str, dict]:
    """``otter run`` on one notebook: question -> {score, max_score, output}."""
    zips = sorted((OUT / chapter / "autograder").glob("*.zip"))
    assert len(zips) == 1, f"{chapter}: expected one autograder zip, found {zips}"
    subprocess.run([OTTER, "run", "-a", str(zips[0]), "-o", str(tmp), "--no-logo", str(notebook)],
                   check=True, capture_output=True, text=True)
    tests = json.loads((tmp / "results.json").read_text(encoding="utf-8"))["tests"]
    results = {t["name"]: t for t in tests if "max_score" in t}
    # the scores, for the record: _build/assignments/scores/<chapter>-<notebook>.json
    (OUT / "scores").mkdir(exist_ok=True)
    (OUT / "scores" / f"{chapter}-{notebook.parent.name}.json").write_text(json.dumps(
        {name: [t["score"], t["max_score"]] for name, t in results.items()}, indent=1), encoding="utf-8")
    return results


def _total(results: dict[str, dict]) -> tuple[float, float]:
    return sum(t["score"] for t in results.values()), sum(t["max_score"] for t in results.values())


def _questions(chapter: str) -> list[dict]:
    return [make_assignments.question(e) for e in make_assignments.computational(ROOT / "book" / f"{chapter}.ipynb")]


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    missing = [c for c in make_assignments.CHAPTERS if not (OUT / c / "student" / f"{c}.ipynb").exists()]
    assert not missing, f"run `make assignments` first: no assignment for {missing}"


@pytest.mark.parametrize("chapter", make_assignments.CHAPTERS)
def test_solution_scores_full_marks(chapter: str, tmp_path: Path) -> None:
    results = _grade(OUT / chapter / "autograder" / f"{chapter}.ipynb", chapter, tmp_path)
    questions = _questions(chapter)
    assert sorted(results) == sorted(q["name"] for q in questions)
    for q in questions:  # points follow the grade: one per star
        assert results[q["name"]]["max_score"] == q["points"], q["name"]
    score, total = _total(results)
    assert score == total > 0, f"{chapter}: the solution scores {score} / {total}: {results}"


@pytest.mark.parametrize("chapter", make_assignments.CHAPTERS)
def test_untouched_student_notebook_scores_zero(chapter: str, tmp_path: Path) -> None:
    results = _grade(OUT / chapter / "student" / f"{chapter}.ipynb", chapter, tmp_path)
    score, total = _total(results)
    assert score == 0 and total > 0, f"{chapter}: the blank notebook scores {score} / {total}"


@pytest.mark.parametrize("chapter", make_assignments.CHAPTERS)
def test_typical_wrong_answers_score_partial_marks_with_feedback(chapter: str, tmp_path: Path) -> None:
    nb = nbformat.read(OUT / chapter / "autograder" / f"{chapter}.ipynb", as_version=4)
    questions = {q["name"]: q for q in _questions(chapter)}
    for name, line, _ in WRONG[chapter]:
        answer = line.split(" = ")[0]
        cells = [c for c in nb.cells if c.cell_type == "code" and re.search(rf"^{answer} = ", c.source, re.M)
                 and all(a in c.source for a in questions[name]["answers"])]
        assert cells, f"{chapter}: no solution cell binds {answer}"
        cells[-1].source += f"\n{line}  # a typical wrong answer"
    wrong = tmp_path / "wrong" / f"{chapter}.ipynb"
    wrong.parent.mkdir()
    nbformat.write(nb, wrong)
    results = _grade(wrong, chapter, tmp_path)
    score, total = _total(results)
    assert 0 < score < total, f"{chapter}: wrong answers score {score} / {total}"
    for name, _, words in WRONG[chapter]:
        assert results[name]["score"] < results[name]["max_score"], f"{name}: the wrong answer got full marks"
        assert words in results[name]["output"], f"{name}: no feedback {words!r} in {results[name]['output']!r}"
    wrong_names = {name for name, _, _ in WRONG[chapter]}
    for name in set(questions) - wrong_names:
        assert results[name]["score"] == results[name]["max_score"], f"{name}: lost points it should keep"


@pytest.mark.parametrize("chapter", make_assignments.CHAPTERS)
def test_student_notebook_holds_no_solution_and_no_hidden_test(chapter: str) -> None:
    text = (OUT / chapter / "student" / f"{chapter}.ipynb").read_text(encoding="utf-8")
    autograder = (OUT / chapter / "autograder" / f"{chapter}.ipynb").read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "hidden=True" not in text and "test_hidden" not in text
    opening = [c.source[:40] for c in nbformat.reads(text, as_version=4).cells if c.source.startswith("\n")]
    assert not opening, f"{chapter}: cells start with an empty line: {opening}"
    for q in _questions(chapter):
        solution = q["solution"].split("# END SOLUTION")[0]  # what follows is the prompt: the starter cell
        bindings = [line for line in solution.splitlines()  # e.g. "my_distance = np.sqrt(3) / 2"
                    if re.match(r"\w+ = ", line) and line.split(" = ")[0] in q["answers"]]
        assert bindings, f"{q['name']}: no answer bound in the solution"
        for line in bindings:
            assert json.dumps(line)[1:-1] in autograder, f"{q['name']}: {line!r} is not in the solution notebook"
            assert json.dumps(line)[1:-1] not in text, f"{q['name']}: solution line {line!r} is in the notebook"
        for test in q["tests"][1:]:
            rebound = re.findall(r"^    (.*)  # another instance$", test, re.M)
            for line in rebound:  # the other instance, e.g. "a_two = 2.5"
                assert json.dumps(line)[1:-1] not in text, f"{q['name']}: hidden instance {line!r} is shown"
            if not rebound:  # the other instance is in the check's keywords
                call = re.search(r"relnb\.checks\.check_\w+\((.*)\)", test)[1]
                assert call not in text, f"{q['name']}: the hidden test's instance {call!r} is in the notebook"


@pytest.mark.parametrize("chapter", make_assignments.CHAPTERS)
def test_hard_coded_answers_pass_the_public_test_and_fail_a_hidden_one(chapter: str, tmp_path: Path) -> None:
    """Every question: its answers replaced by the book's values (a table copied from the book's instance, a constant
    elsewhere) pass the public test and fail a hidden test, so the question does not get full marks."""
    nb = nbformat.read(OUT / chapter / "autograder" / f"{chapter}.ipynb", as_version=4)
    questions = _questions(chapter)
    for q in questions:
        cells = [c for c in nb.cells if c.cell_type == "code"
                 and all(re.search(rf"^{a} = ", c.source, re.M) for a in q["answers"])]
        assert cells, f"{q['name']}: no solution cell binds {q['answers']}"
        cells[-1].source += HARD_CODED.format(answers=q["answers"], call=q["call"])
    hard = tmp_path / "hard" / f"{chapter}.ipynb"
    hard.parent.mkdir()
    nbformat.write(nb, hard)
    results = _grade(hard, chapter, tmp_path)
    for q in questions:
        score, top = results[q["name"]]["score"], results[q["name"]]["max_score"]
        assert q["hidden"] >= 1, f"{q['name']}: no hidden test"
        assert 0 < score, f"{q['name']}: the book's values fail the public test: {results[q['name']]['output']}"
        assert score < top, f"{q['name']}: the book's values copied score full marks {score} / {top}"
