"""Write the student edition's sources: the book with every solution removed.

Usage: ``python scripts/student_edition.py OUT`` (``make student`` calls it, then builds OUT).

What is removed, from every notebook and MyST page listed in the book:
- a ``{solution}`` directive (the whole fenced block, in a markdown cell or page);
- everything from a ``{solution-start}`` directive to its ``{solution-end}``, across cells:
  the markdown around the solution and every code cell inside it.
Exercise statements and the starter cells after them stay; stored outputs of the remaining cells stay
(they come from the instructor notebook's clean run and contain no solution output).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
COPY = ["_config.yml", "_toc.yml", "references.bib", "_ext", "_mathjax", "_theme", "book"]

# A fenced directive: opening fence of 3+ backticks or colons, the directive name, ..., the same fence.
_FENCED = r"(?P<fence>`{3,}|:{3,})\{%s\}[^\n]*\n.*?^(?P=fence)[ \t]*$\n?"
SOLUTION_BLOCK = re.compile(_FENCED % "solution", re.S | re.M)
START = re.compile(_FENCED % "solution-start", re.S | re.M)
END = re.compile(_FENCED % "solution-end", re.S | re.M)


def strip_text(text: str) -> str:
    """Remove solution directives (plain and gated) from one markdown text."""
    text = SOLUTION_BLOCK.sub("", text)
    while (start := START.search(text)) is not None:
        end = END.search(text, start.end())
        if end is None:
            raise ValueError("a {solution-start} has no {solution-end} in the same text")
        text = text[: start.start()] + text[end.end():]
    if END.search(text):
        raise ValueError("a {solution-end} without its {solution-start}")
    return text


def strip_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove solutions from a notebook; a gated solution may span several cells."""
    kept = []
    inside = False
    for cell in nb.cells:
        source = cell.source
        if inside:
            if cell.cell_type == "markdown" and (end := END.search(source)):
                inside = False
                source = source[end.end():]
            else:
                continue  # a cell of the solution: dropped
        if cell.cell_type == "markdown":
            source = SOLUTION_BLOCK.sub("", source)
            while (start := START.search(source)) is not None:
                end = END.search(source, start.end())
                if end is None:  # the solution continues in the next cells
                    source, inside = source[: start.start()], True
                    break
                source = source[: start.start()] + source[end.end():]
        if cell.cell_type == "markdown" and not source.strip():
            continue
        cell.source = source
        kept.append(cell)
    if inside:
        raise ValueError("a {solution-start} has no {solution-end} before the end of the notebook")
    nb.cells = kept
    _renumber(nb)
    return nb


def _renumber(nb: nbformat.NotebookNode) -> None:
    """Execution counts 1..n again (dropped solution cells leave gaps)."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = count


def write_student_sources(out: Path) -> list[Path]:
    """Copy the book to ``out`` and strip every solution; return the files changed."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        elif source.exists():
            shutil.copy2(source, out / name)
    changed = []
    for path in sorted((out / "book").rglob("*")):
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            before = len(nb.cells)
            nbformat.write(strip_notebook(nb), path)
            changed.append(path) if len(nb.cells) != before else None
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            stripped = strip_text(text)
            if stripped != text:
                path.write_text(stripped, encoding="utf-8")
                changed.append(path)
    return changed


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/student_edition.py OUT")
    changed = write_student_sources(Path(sys.argv[1]).resolve())
    print(f"student edition sources: solutions removed from {len(changed)} file(s)")
