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


def test_glue_with_myst_nb_passes_the_rounded_value(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    from relnb.reproducibility import glue

    seen: list[tuple[str, object, bool]] = []
    fake = types.SimpleNamespace(glue=lambda name, value, display: seen.append((name, value, display)))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    glue("x", 0.49984372557830525)
    assert seen == [("x", 0.499844, False)]
