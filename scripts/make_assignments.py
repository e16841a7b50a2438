"""Build one Otter-Grader assignment per chapter from the chapter's own computational exercises.

Usage: ``python scripts/make_assignments.py OUT [CHAPTER ...]`` (``make assignments`` calls it with
``_build/assignments``).  For each chapter it writes ``OUT/<chapter>/master/<chapter>.ipynb``, an Otter Assign master
notebook generated from the book (never edited by hand), and runs ``otter assign`` on it into
``OUT/<chapter>/student`` and ``OUT/<chapter>/autograder``.

One source of truth, transformed:

- **question text**: the ``{exercise}`` directive of the chapter, its grade (★, ★★, ★★★) as the points;
- **setup**: the chapter's code cells that define the names the exercise's cells use (found with ``ast``,
  in chapter order, the chapter's first bootstrap cell always);
- **student cell**: the exercise's starter cell, unchanged (its answers are functions of the exercise's instance
  that return ``None``, its last line calls the ``relnb.checks`` function that gives feedback, with
  ``instance=(...)``, the arguments of those functions on the book's instance);
- **solution**: the book's solution code, then the starter's answer names bound to the arguments the solution
  passes to the same check;
- **public test**: that check on the starter's instance; its failure message is the check's feedback in words;
- **hidden tests**: the same check on other instances (``HIDDEN`` below: other sizes, parameters, rules, grids and
  seeded random data, given as the starter's instance variables rebound or as the check's keywords), so that a
  number or a table of values copied from the book's instance fails.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

import relnb.checks

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["relations", "mercer", "rkbs", "debreu", "attention"]

# The book's exercise conventions (README, "Adding a chapter"; tests/test_exercises.py asserts them).
EXERCISE = re.compile(
    r"```\{exercise\}(?P<title>[^\n]*)\n:label: (?P<label>[\w-]+)\n(?:[^\n]*\n)*?\n(?P<body>.*?)\n```", re.S
)
GRADE = re.compile(r"^ \((★{1,3})\) \S")
KIND = re.compile(r"^\((Proof|Computation|Proof and computation|Computation and proof)\.\) ")
CHECK_CALL = re.compile(r"relnb\.checks\.(check_\w+)\(")

#: Other instances for the hidden tests: question -> one dict per hidden test, ``name: source`` (evaluated in the
#: notebook's namespace).  A name that is a parameter of the question's check, and not already passed by the
#: starter's call, is added to the call as a keyword (other sizes, intervals, grids); any other name is rebound
#: before the call: the starter's instance variables (those its call passes in ``instance=(...)``, the arguments
#: the student's function receives, and the check's data built from them).  So the hidden test asks the student's
#: function about another instance, which a table or a number copied from the book's instance cannot answer.
HIDDEN: dict[str, list[dict[str, str]]] = {
    # Chapter A
    "relations-two-by-two": [{"a_two": "2.5"}, {"a_two": "-0.4"}],
    "relations-weak-order": [{"sizes": "(7, 64, 101)"}],
    "relations-finite-universality": [
        {"R_order": "relations.order(np.linspace(0, 1, 12))"},
        {"R_order": "relations.order(np.random.default_rng(7).permutation(25) / 25)"}],
    "relations-rank-floor": [
        {"rank_d": "3"},
        {"R_dist": "relations.neg_squared_distance(np.linspace(-1, 2, 15))",
         "w": "np.linspace(1, 2, 15) / np.linspace(1, 2, 15).sum()", "rank_d": "2"}],
    # Chapter B
    "mercer-truncation": [{"d_trunc": "1"}, {"d_trunc": "9"}],
    "mercer-bridge": [{"c_bridge": "2.5"}, {"c_bridge": "0.2"}],
    "mercer-allocation": [
        {"a16": "1 / (2 * np.arange(1, 9) - 1)", "N_alloc": "200"},
        {"a16": "np.random.default_rng(3).uniform(0.1, 2.0, 12)", "N_alloc": "5000"}],
    "mercer-rff-rate": [{"d_rff": "3", "ell_rff": "0.2"}, {"d_rff": "50", "ell_rff": "1.5"}],
    # Chapter C
    "rkbs-features": [{"low": "-2.0", "high": "3.0", "grid": "37"}],
    "rkbs-half-symmetric": [
        {"r_soft10": "partial(relations.soft_order, beta=3.0)"},
        {"r_soft10": "partial(relations.soft_order, beta=40.0)", "x_soft": "quadrature.uniform(120)[0]",
         "w_soft": "quadrature.uniform(120)[1]"}],
    "rkbs-bernstein-vs-schmidt": [
        {"r_soft": "partial(relations.soft_order, beta=12.0)"},
        {"r_soft": "partial(relations.soft_order, beta=24.0)"}],
    # Chapter D
    "debreu-hand-utility": [
        {"my_classes": "[[1], [0, 2]]", "classes": "[[1], [0, 2]]"},
        {"my_classes": "[[3, 0, 5], [6], [1], [2, 4]]", "classes": "[[3, 0, 5], [6], [1], [2, 4]]"}],
    "debreu-float-chain": [
        {"base_chain": "3", "chain_utility": "[1 - Fraction(1, 3**i) for i in range(60)]"},
        {"base_chain": "10", "chain_utility": "[1 - Fraction(1, 10**i) for i in range(30)]"}],
    "debreu-query-utility": [{"queries": "33", "keys": "57"}],
    # Chapter E
    "attention-long-context": [
        {"g_long": "0.2", "EPS": "0.05", "sizes_long": "(2, 50, 7_000)"},
        {"g_long": "0.01", "sizes_long": "(3, 10**9)"}],
    "attention-temperature": [
        {"scores_six": "np.array([2.0, 1.9, 1.5])"},
        {"scores_six": "np.array([0.3, 0.1, 0.1, 0.05, -0.2, 0.25, -2.0])", "EPS": "0.05"}],
    "attention-utility-choice": [
        {"utilities_gauss": "np.random.default_rng(11).normal(size=(500, 12))"},
        {"utilities_gauss": "-np.abs(np.random.default_rng(12).uniform(size=(300, 1)) - np.linspace(0, 1, 9))"}],
}


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


def computational(path: Path) -> list[dict]:
    """The chapter's exercises with a computation (and so a starter cell and a check), in book order."""
    return [e for e in exercises(path) if "omputation" in KIND.match(e["body"])[1]]


def points(exercise: dict) -> int:
    """★ is one point, ★★ two, ★★★ three."""
    return len(GRADE.match(exercise["title"])[1])


# --- names defined and used by code cells ---------------------------------------------------------------------

def _tree(source: str) -> ast.Module:
    return ast.parse(TransformerManager().transform_cell(source))  # %pip and other magics as calls


def _names(source: str) -> tuple[set[str], set[str], set[str]]:
    """(names a cell assigns, names it only changes in place (``d[k] = v``, ``x += 1``), names it reads)."""
    tree = _tree(source)
    bound: set[str] = set()
    changed: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Subscript | ast.Attribute) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, ast.Subscript | ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name):
                changed.add(base.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            changed.add(node.target.id)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return bound, changed - bound, used


def setup_cells(nb: nbformat.NotebookNode, exercise_cells: set[str]) -> list[str]:
    """The chapter's code cells that the exercise cells need, in chapter order.

    For a name read by a cell, the cells before it that last assigned the name (and those that changed it in place
    since) are kept, and so on for the names those read; the first (bootstrap) cell is always kept.
    """
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    info = [_names(s) for s in cells]
    keep = {0}
    todo = [i for i, s in enumerate(cells) if s in exercise_cells]
    seen = set(todo)
    while todo:
        p = todo.pop()
        for name in info[p][2]:
            for i in range(p - 1, -1, -1):
                bound, changed, _ = info[i]
                if cells[i] in exercise_cells and name not in bound | changed:
                    continue
                if name in bound or name in changed:
                    if i not in seen:
                        seen.add(i)
                        todo.append(i)
                    if name in bound:
                        break
    keep |= {i for i in seen if cells[i] not in exercise_cells}
    return [cells[i] for i in sorted(keep)]


# --- the questions ----------------------------------------------------------------------------------------------

def _check_call(source: str, check: str) -> ast.Call:
    calls = [n for n in ast.walk(_tree(source)) if isinstance(n, ast.Call) and ast.unparse(n.func) ==
             f"relnb.checks.{check}"]
    if not calls:
        raise ValueError(f"no call of relnb.checks.{check} in {source!r:.80}")
    return calls[0]


def _answer_names(starter: str) -> set[str]:
    """What the student fills in: names the starter sets to None (``my_x = None``) and its stub functions."""
    names = set()
    for node in _tree(starter).body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign) and all(isinstance(v, ast.Constant) and v.value is None for v in
                                                   getattr(node.value, "elts", [node.value])):
            names |= {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def question(exercise: dict) -> dict:
    """The parts of one Otter question: text, student cell, solution cell, public and hidden tests."""
    starter = "\n\n".join(exercise["starter"])
    check = CHECK_CALL.findall(starter)[-1]
    call = _check_call(starter, check)
    answer_names = _answer_names(starter)
    solution_source = next(s for s in exercise["solution"] if f"relnb.checks.{check}(" in s)
    solved = _check_call(solution_source, check)
    in_loop = any(f"relnb.checks.{check}(" in ast.unparse(node) for node in ast.walk(_tree(solution_source))
                  if isinstance(node, ast.For | ast.While))
    bindings, args, kwargs = [], [], []
    for i, arg in enumerate(call.args):
        text = ast.unparse(arg)
        if isinstance(arg, ast.Name) and arg.id in answer_names:
            # a check called in a loop: the answer is what its first call was given (recorded below)
            value = f"_given[0][{i}]" if in_loop else ast.unparse(solved.args[i])
            bindings.append(f"{arg.id} = {value}")
        args.append(text)
    for kw in call.keywords:
        kwargs.append(f"{kw.arg}={ast.unparse(kw.value)}")
        solved_kw = next((k for k in solved.keywords if k.arg == kw.arg), None)
        # an answer inside a keyword, e.g. a hand answer the answer functions receive: instance=(my_classes,)
        for mine, theirs in zip(ast.walk(kw.value), ast.walk(solved_kw.value) if solved_kw else [], strict=False):
            if isinstance(mine, ast.Name) and mine.id in answer_names:
                bindings.append(f"{mine.id} = {ast.unparse(theirs)}")
    if not bindings:
        raise ValueError(f"{exercise['label']}: the starter's check call has no answer set to None")
    answers = [b.split(" = ")[0] for b in bindings]
    # the solution: the book's solution cells without their feedback lines, then the answers bound
    code = []
    for source in exercise["solution"]:
        lines = [line for line in source.splitlines()
                 if not re.match(r"\s*(print\(feedback\)|assert feedback\.passed)", line)]
        code.append("\n".join(lines))
    # the starter's own definitions (instance data such as a16, weak_order) come first
    starter_defs = "\n".join(ast.unparse(node) for node in _tree(starter).body
                             if not (_answer_names(ast.unparse(node)) or f"relnb.checks.{check}(" in ast.unparse(node)))
    if in_loop:  # record the arguments of every call of the check while the book's solution runs
        code = [f"_given, _check = [], relnb.checks.{check}\n"
                f"relnb.checks.{check} = lambda *a, **k: _given.append(a) or _check(*a, **k)",
                *code, f"relnb.checks.{check} = _check"]
    # the prompt right after "# END SOLUTION": a blank line between them would open the student's cell
    parts = ["# BEGIN SOLUTION NO PROMPT", starter_defs, *code, *bindings, "# END SOLUTION"]
    solution = "\n\n".join(part for part in parts if part.strip()) + (
        f'\n""" # BEGIN PROMPT\n{starter}\n"""; # END PROMPT')
    public = _test("public", check, answers, args, kwargs, hidden=False)
    name = exercise["label"].removeprefix("ex-")
    parameters = inspect.signature(getattr(relnb.checks, check)).parameters
    passed = {kw.arg for kw in call.keywords}
    hidden = []
    for k, extra in enumerate(HIDDEN.get(name, []), start=1):
        keywords = [f"{key}={value}" for key, value in extra.items() if key in parameters and key not in passed]
        rebound = [f"{key} = {value}" for key, value in extra.items() if not (key in parameters and key not in passed)]
        hidden.append(_test(f"hidden_{k}", check, answers, args, kwargs + keywords, hidden=True, rebound=rebound))
    title = exercise["title"].split(") ", 1)[1]
    text = (f"**{exercise['label']}** ({GRADE.match(exercise['title'])[1]}, {points(exercise)} "
            f"point{'s' if points(exercise) > 1 else ''}). *{title}*\n\n" + _plain(exercise["body"]))
    return {"name": name, "points": points(exercise), "text": text, "solution": solution,
            "tests": [public, *hidden], "check": check, "answers": answers, "hidden": len(hidden),
            "call": f"relnb.checks.{check}({', '.join(args + kwargs)})", "instances": HIDDEN.get(name, [])}


def _plain(markdown: str) -> str:
    """MyST roles the notebook cannot resolve, as plain text: {prf:ref}`thm-x` -> thm-x."""
    return re.sub(r"\{[\w:-]+\}`([^`]*)`", r"`\1`", markdown)


def _test(name: str, check: str, answers: list[str], args: list[str], kwargs: list[str], *, hidden: bool,
          rebound: list[str] = ()) -> str:
    """An exception-based Otter test: the check's feedback is the failure message; ``rebound``: another instance."""
    params = ", ".join(["relnb", *dict.fromkeys(answers), "env"])
    call = ", ".join(args + kwargs)
    head = f'""" # BEGIN TEST CONFIG\nhidden: {str(hidden).lower()}\n""" # END TEST CONFIG\n' if hidden else ""
    lines = [f"def test_{name}({params}):",
             "    globals().update(env)  # the instance's data, as in the student's notebook",
             *(f"    {line}  # another instance" for line in rebound),
             f"    feedback = relnb.checks.{check}({call})",
             "    assert feedback.passed, feedback.message"]
    return head + "\n".join(lines) + "\n"


CONFIG = """\
# ASSIGNMENT CONFIG
name: {name}
solutions_pdf: false
template_pdf: false
export_cell: false
check_all_cell: false
run_tests: false
generate:
    pdf: false
    show_stdout: false
    show_hidden: false
tests:
    ok_format: false
"""


def master_notebook(chapter: str) -> tuple[nbformat.NotebookNode, list[dict]]:
    """The Otter Assign master notebook of a chapter and its questions."""
    path = ROOT / "book" / f"{chapter}.ipynb"
    nb = nbformat.read(path, as_version=4)
    found = computational(path)
    questions = [question(e) for e in found]
    exercise_cells = {s for e in found for s in e["starter"] + e["solution"]}
    raw, md, code = nbformat.v4.new_raw_cell, nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    title = next(c.source.splitlines()[0].lstrip("# ") for c in nb.cells if c.cell_type == "markdown")
    cells = [raw(CONFIG.format(name=chapter)),
             md(f"# Assignment: {title}\n\nThe computational exercises of the chapter *{title}*, graded by "
                "Otter-Grader. Run the cells in order; each question's cell ends with a check that explains "
                "in words what is right or wrong. Your answers are functions of the exercise's instance; hidden "
                "tests also grade them on other instances than the one shown: compute, do not tabulate."),
             *(code(s) for s in setup_cells(nb, exercise_cells))]
    for q in questions:
        cells += [raw(f"# BEGIN QUESTION\nname: {q['name']}\npoints: {q['points']}"), md(q["text"]),
                  raw("# BEGIN SOLUTION"), code(q["solution"]), raw("# END SOLUTION"), raw("# BEGIN TESTS"),
                  *(code(t) for t in q["tests"]), raw("# END TESTS"), raw("# END QUESTION")]
    master = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    return master, questions


def build(out: Path, chapters: list[str]) -> dict[str, dict]:
    """Write every chapter's master notebook and run ``otter assign``; return a summary per chapter."""
    summary = {}
    for chapter in chapters:
        folder = out / chapter
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        master, questions = master_notebook(chapter)
        (folder / "master").mkdir()
        nbformat.write(master, folder / "master" / f"{chapter}.ipynb")
        subprocess.run([str(Path(sys.executable).parent / "otter"), "assign", f"master/{chapter}.ipynb", "."],
                       cwd=folder, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        summary[chapter] = {"questions": len(questions), "points": sum(q["points"] for q in questions),
                            "public tests": len(questions), "hidden tests": sum(q["hidden"] for q in questions),
                            "per question": {q["name"]: {"points": q["points"], "check": q["check"],
                                                         "answers": q["answers"], "hidden": q["hidden"]}
                                             for q in questions}}
    path = out / "summary.json"  # the other chapters' entries stay when only some are rebuilt
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    path.write_text(json.dumps({**known, **summary}, indent=1), encoding="utf-8")
    return summary


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python scripts/make_assignments.py OUT [CHAPTER ...]")
    result = build(Path(sys.argv[1]).resolve(), sys.argv[2:] or CHAPTERS)
    for chapter, s in result.items():
        print(f"{chapter}: {s['questions']} questions, {s['points']} points, {s['public tests']} public and "
              f"{s['hidden tests']} hidden tests")
