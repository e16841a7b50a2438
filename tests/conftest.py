"""Shared fixtures: where the book's notebooks are."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
NOTEBOOKS = sorted(p for p in BOOK.glob("*.ipynb"))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ helpers such as notebook_guard


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
