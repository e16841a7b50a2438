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
