r"""Checks for the exercises: say in words what is right or wrong in a student's answer.

Every check returns a :class:`Feedback` whose ``message`` explains the verdict ("your distance is
below the true minimum 0.866, which is impossible: ..."), never a bare ``False``, and never raises on a
student's answer, however malformed (text, NaN, a complex number, a function that fails): the framework in
:mod:`relnb.checks._feedback` turns that into words. In a notebook the feedback prints itself; a solution
cell ends with ``assert feedback.passed``.

One module per chapter; the checks are called as ``relnb.checks.check_*``:

==============================  =====================================================================  =======
module                          checks                                                                 chapter
==============================  =====================================================================  =======
``relnb.checks.relations``      check_psd_distance, check_factorization, check_floor_formula           A
``relnb.checks.mercer``         check_mercer_sums, check_allocation, check_rff_expected_error,         B
                                check_truncation_error
``relnb.checks.rkbs``           check_feature_maps, check_symmetric_floor, check_bernstein_schmidt     C
``relnb.checks.debreu``         check_utility, check_film_ranking, check_first_float_tie,              D
                                check_nearest_key_features
``relnb.checks.attention``      check_min_beta, check_smallest_gap, check_temperature                  E
==============================  =====================================================================  =======
"""

from __future__ import annotations

from relnb.checks._feedback import Feedback
from relnb.checks.attention import check_min_beta, check_smallest_gap, check_temperature
from relnb.checks.debreu import check_film_ranking, check_first_float_tie, check_nearest_key_features, check_utility
from relnb.checks.mercer import check_allocation, check_mercer_sums, check_rff_expected_error, check_truncation_error
from relnb.checks.relations import check_factorization, check_floor_formula, check_psd_distance
from relnb.checks.rkbs import check_bernstein_schmidt, check_feature_maps, check_symmetric_floor

__all__ = [
    "Feedback",
    "check_allocation",
    "check_bernstein_schmidt",
    "check_factorization",
    "check_feature_maps",
    "check_film_ranking",
    "check_first_float_tie",
    "check_floor_formula",
    "check_mercer_sums",
    "check_min_beta",
    "check_nearest_key_features",
    "check_psd_distance",
    "check_rff_expected_error",
    "check_smallest_gap",
    "check_symmetric_floor",
    "check_temperature",
    "check_truncation_error",
    "check_utility",
]
