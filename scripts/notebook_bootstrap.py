"""The first code cell of every chapter: import relnb, or install it where it is missing.

Readers who open a chapter on Colab or in a fresh environment have no ``relnb``; the cell then
installs it with ``%pip`` from the repository named in ``_config.yml`` (its default branch) and says
so in one printed line. Locally, in CI and under nbval the package is present and nothing is fetched.
The environment variable ``RELNB_SOURCE`` overrides the source (the reader-environment test points it
at a wheel built from the checkout, so the install branch runs offline).

    python scripts/notebook_bootstrap.py          # write the cell into every chapter
    python scripts/notebook_bootstrap.py --check  # exit 1 if a chapter's first code cell differs

The text lives here only; ``tests/test_bootstrap.py`` holds every chapter to it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BRANCH = "main"
CELL_ID = "bootstrap-relnb"
TEMPLATE = '''\
# On Colab, Binder or a fresh environment: install relnb if missing.
try:
    import relnb
except ModuleNotFoundError:
    import importlib
    import os

    SOURCE = os.environ.get(
        "RELNB_SOURCE",
        "git+{url}@{branch}",
    )
    print("pip install", SOURCE)
    %pip install --quiet {{SOURCE}}
    importlib.invalidate_caches()
    import relnb'''


def repository_url(config: Path = ROOT / "_config.yml") -> str:
    """The ``repository: url:`` of the book's ``_config.yml`` (read without a YAML parser)."""
    match = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", config.read_text(encoding="utf-8"), re.M)
    if match is None:
        raise ValueError(f"{config}: no 'repository: url:' entry")
    return match.group(1)


def bootstrap_source(url: str | None = None) -> str:
    """The bootstrap cell's source for the repository ``url`` (default: the one in ``_config.yml``)."""
    return TEMPLATE.format(url=url or repository_url(), branch=BRANCH)


def first_code_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    return next((c for c in nb.cells if c.cell_type == "code"), None)


def write(path: Path, source: str) -> bool:
    """Make the bootstrap the first code cell of the notebook at ``path``; True if it changed."""
    nb = nbformat.read(path, as_version=4)
    first = first_code_cell(nb)
    if first is not None and first.get("id") == CELL_ID:
        if first.source == source:
            return False
        first.source = source
    else:
        cell = nbformat.v4.new_code_cell(source, id=CELL_ID)
        index = nb.cells.index(first) if first is not None else len(nb.cells)
        nb.cells.insert(index, cell)
    nbformat.write(nb, path)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 on a difference")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    source = bootstrap_source()
    stale = []
    for path in notebooks:
        if args.check:
            first = first_code_cell(nbformat.read(path, as_version=4))
            if first is None or first.source != source:
                stale.append(path)
        elif write(path, source):
            print(f"wrote the bootstrap cell into {path}")
    for path in stale:
        print(f"{path}: the first code cell is not the bootstrap cell", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
