"""The exercise checks accept right answers and explain wrong ones in words."""

from __future__ import annotations

import numpy as np
import pytest

from relnb import checks
from relnb.relations import order

R2 = [[0.0, 1.0], [0.0, 0.0]]


def test_feedback_prints_its_verdict() -> None:
    assert repr(checks.Feedback(True, "x")) == "Correct. x"
    assert repr(checks.Feedback(False, "y")) == "Not yet. y"
    assert not checks.Feedback(False, "y")


@pytest.mark.parametrize(
    ("answer", "passed", "words"),
    [
        (np.sqrt(3) / 2, True, "matches"),
        (None, False, "No answer yet"),
        (0.5, False, "below the true minimum"),          # the symmetric part alone
        (np.sqrt(0.5), False, "antisymmetric part alone"),
        (1.0, False, "above the true minimum"),
        (0.1, False, "no PSD matrix is that close"),
    ],
)
def test_check_psd_distance(answer, passed: bool, words: str) -> None:
    feedback = checks.check_psd_distance(answer, R2)
    assert feedback.passed is passed and words in feedback.message


def test_check_factorization_names_the_wrong_entry() -> None:
    r = np.array(order(np.linspace(0, 1, 4)))
    u, s, vt = np.linalg.svd(r)
    good = checks.check_factorization(u[:, :3] * np.sqrt(s[:3]), vt[:3].T * np.sqrt(s[:3]), r)
    assert good.passed
    bad = checks.check_factorization(u[:, :2] * np.sqrt(s[:2]), vt[:2].T * np.sqrt(s[:2]), r)
    assert not bad.passed and bad.message.startswith("Entry (")
    shapes = checks.check_factorization(np.ones((3, 2)), np.ones((4, 2)), r)
    assert not shapes.passed and "one row per point" in shapes.message
    dims = checks.check_factorization(np.ones((4, 2)), np.ones((4, 3)), r)
    assert not dims.passed and "same d" in dims.message
    assert "No answer yet" in checks.check_factorization(None, None, r).message


def test_check_floor_formula_reports_the_first_wrong_n() -> None:
    assert checks.check_floor_formula(lambda n: np.sqrt(1 - 1 / n**2) / 2, order).passed
    wrong = checks.check_floor_formula(lambda n: 0.5, order)
    assert not wrong.passed and "For n = 2" in wrong.message
