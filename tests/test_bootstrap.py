"""Every chapter's first code cell bootstraps relnb (scripts/notebook_bootstrap.py holds its text).

The install branch itself runs in ``make reader-test`` (scripts/reader_test.py), offline, from a wheel
built from the checkout; here: the cell is the same everywhere, points at the repository of
``_config.yml``, and, where relnb is importable (here, CI, nbval), prints nothing and installs nothing.
"""

from __future__ import annotations

import sys

import nbformat
import pytest
from conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import notebook_bootstrap


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_bootstrap(path) -> None:
    first = notebook_bootstrap.first_code_cell(nbformat.read(path, as_version=4))
    assert first is not None and first.source == notebook_bootstrap.bootstrap_source(), (
        f"{path.name}: run `python scripts/notebook_bootstrap.py`")
    # where relnb is installed the cell prints nothing: the stored output is empty
    assert first.outputs == [], f"{path.name}: the bootstrap cell printed {first.outputs}"


def test_bootstrap_installs_from_the_configured_repository() -> None:
    source = notebook_bootstrap.bootstrap_source()
    url = notebook_bootstrap.repository_url()
    assert url.startswith("https://github.com/") and f"git+{url}@{notebook_bootstrap.BRANCH}" in source
    assert "%pip install" in source and 'os.environ.get(\n        "RELNB_SOURCE"' in source
    assert max(map(len, source.splitlines())) <= 79


def test_check_mode_finds_a_stale_cell(tmp_path) -> None:
    stale = tmp_path / "chapter.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import relnb")])
    nbformat.write(nb, stale)
    assert notebook_bootstrap.write(stale, notebook_bootstrap.bootstrap_source())
    assert notebook_bootstrap.first_code_cell(nbformat.read(stale, as_version=4)).id == notebook_bootstrap.CELL_ID
    assert not notebook_bootstrap.write(stale, notebook_bootstrap.bootstrap_source())  # idempotent
