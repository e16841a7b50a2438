"""Tests of relnb.reproducibility.start_chapter."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from relnb.reproducibility import start_chapter


def test_start_chapter_fixes_threads_seeds_and_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELNB_THREADS", "2")
    rng = start_chapter(seed=3)
    assert torch.get_num_threads() == 2
    first = (rng.standard_normal(), torch.rand(1).item())
    rng = start_chapter(seed=3)
    assert (rng.standard_normal(), torch.rand(1).item()) == first
    assert np.get_printoptions()["precision"] == 6
    monkeypatch.setenv("RELNB_THREADS", "1")
    start_chapter()
    assert torch.get_num_threads() == 1


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_bad_thread_count_is_rejected(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("RELNB_THREADS", value)
    with pytest.raises(ValueError, match="RELNB_THREADS must be a positive integer"):
        start_chapter()


def test_bad_seed_is_rejected() -> None:
    with pytest.raises(ValueError, match="seed must be >= 0; got -1"):
        start_chapter(seed=-1)


def test_glue_without_myst_nb_degrades_gracefully(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from relnb.reproducibility import glue

    monkeypatch.setitem(sys.modules, "myst_nb", None)  # as on Colab or after a plain pip install
    glue("quiet", 0.123456789)
    glue("shown", 0.123456789, display=True)
    glue("count", 7, display=True)
    assert capsys.readouterr().out == "shown = 0.123457\ncount = 7\n"
    with pytest.raises(ValueError, match="must be finite"):
        glue("bad", float("nan"))  # bad input still fails loudly


@pytest.mark.parametrize("display", [False, True])
def test_glue_publishes_what_myst_nb_glue_publishes(monkeypatch: pytest.MonkeyPatch, display: bool) -> None:
    """relnb's glue skips myst_nb.ext.glue's slow import; its output must stay myst-nb's, call for call."""
    import IPython.display
    import myst_nb.ext.glue

    from relnb.reproducibility import glue

    calls: list[tuple[tuple, dict]] = []
    record = lambda *args, **kwargs: calls.append((args, kwargs))  # noqa: E731
    monkeypatch.setattr(myst_nb.ext.glue, "ipy_display", record)
    monkeypatch.setattr(IPython.display, "display", record)
    glue("x", 0.49984372557830525, display=display)  # rounded to 6 significant digits first
    myst_nb.ext.glue.glue("x", 0.499844, display=display)
    assert len(calls) == 2 and calls[0] == calls[1]
    bundle = calls[0][0][0]
    assert bundle == {("" if display else myst_nb.ext.glue.GLUE_PREFIX) + "text/plain": "0.499844"}


def test_torch_imported_after_start_chapter_gets_the_seed_and_threads() -> None:
    # a fresh interpreter: start_chapter does not load torch, and the seed and thread count of its latest call
    # reach torch when it is imported (the chapters that train nothing skip torch's import time)
    import os
    import subprocess
    import sys

    script = (
        "import sys, relnb\n"
        "relnb.start_chapter(seed=5)\n"
        "relnb.start_chapter(seed=7)\n"
        "from relnb import bench, debreu, glue, mercer, plotting, preorder\n"
        "assert 'torch' not in sys.modules\n"
        "import torch\n"
        "drawn = torch.rand(3).tolist()\n"
        "torch.manual_seed(7)\n"
        "assert drawn == torch.rand(3).tolist(), drawn\n"
        "assert torch.get_num_threads() == 2, torch.get_num_threads()\n"
        "assert sum(type(f).__name__ == '_SeedTorchOnImport' for f in sys.meta_path) == 0\n"
    )
    env = {**os.environ, "RELNB_THREADS": "2"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
