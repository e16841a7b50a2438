"""Code and printed output fit the page: at most 79 characters per line in every notebook of the book.

The rendered book shows about 80 characters of a code cell; wider lines scroll sideways, and readers on a
laptop or a phone miss the end of them. The test reads the stored notebooks, so it covers what nbval keeps
identical: the code and every stream or text output.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import toc_sources

WIDTH = 79
NOTEBOOKS = [path for path in toc_sources() if path.suffix == ".ipynb"]


def too_wide(nb: nbformat.NotebookNode) -> list[str]:
    """'cell N, code|output: length' for every line wider than WIDTH."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            if len(line) > WIDTH:
                found.append(f"cell {index}, code: {len(line)}")
        for output in cell.get("outputs", []):
            text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
            for line in text.splitlines():
                if len(line) > WIDTH:
                    found.append(f"cell {index}, output: {len(line)}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_and_output_fit_the_page(path: Path) -> None:
    wide = too_wide(nbformat.read(path, as_version=4))
    assert not wide, f"{path.name}: lines wider than {WIDTH} characters: {wide}"


def test_the_width_test_bites() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1\n" + "y" * 80)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="z" * 81 + "\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("m" * 200), cell]
    assert too_wide(nb) == ["cell 1, code: 80", "cell 1, output: 81"]
