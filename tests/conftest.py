"""Shared fixtures: where the book's notebooks are."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import torch
import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
NOTEBOOKS = sorted(p for p in BOOK.glob("*.ipynb"))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ helpers such as notebook_guard


def pinned_numerics() -> dict[str, str]:
    """The CPU code-path settings of numerics.env (the Makefile exports the same ones)."""
    lines = (ROOT / "numerics.env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


# Notebook kernels started by nbval and the notebook tests inherit these, also when pytest runs outside make.
for _name, _value in pinned_numerics().items():
    os.environ.setdefault(_name, _value)

# `make unit` runs two xdist workers on two cores: one torch thread each, or small fits slow down ~15x.
torch.set_num_threads(1)


def toc_sources() -> list[Path]:
    """The source files (notebooks and MyST pages) that _toc.yml puts in the book, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            for key in ("chapters", "sections", "parts"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    sources = []
    for name in names:
        for suffix in (".ipynb", ".md"):
            if (ROOT / (name + suffix)).exists():
                sources.append(ROOT / (name + suffix))
                break
        else:
            raise FileNotFoundError(f"_toc.yml lists {name!r} but neither {name}.ipynb nor {name}.md exists")
    return sources


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
