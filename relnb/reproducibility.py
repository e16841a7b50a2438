"""The first cell of every chapter: seeds, thread count, print precision and figure style.

Stored outputs are compared character by character by ``nbval``, so a chapter
must print the same text on every run and on every machine of this kind.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from relnb._validation import check_int
from relnb.plotting import use_book_style

__all__ = ["THREADS_VARIABLE", "start_chapter"]

#: Environment variable read for the torch thread count (default 1); the test
#: suite runs a chapter with 1 and with 2 threads and compares the outputs.
THREADS_VARIABLE = "RELNB_THREADS"


def start_chapter(seed: int = 0) -> np.random.Generator:
    """Make a chapter reproducible and return its numpy random generator.

    Seeds torch's global generator, fixes torch's intra-op thread count
    (``RELNB_THREADS``, default 1: large reductions are summed in the same
    order on every run), sets numpy's print precision to 6 significant digits,
    and applies the book's figure style.

    Parameters
    ----------
    seed : int
        Seed of the returned ``numpy.random.Generator`` and of torch.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> rng = start_chapter(seed=0)
    >>> round(float(rng.standard_normal()), 4)
    0.1257
    """
    check_int(seed, "seed", minimum=0)
    threads = os.environ.get(THREADS_VARIABLE, "1")
    if not threads.isdigit() or int(threads) < 1:
        raise ValueError(f"{THREADS_VARIABLE} must be a positive integer; got {threads!r}")
    torch.set_num_threads(int(threads))
    torch.manual_seed(seed)
    np.set_printoptions(precision=6, suppress=True)
    use_book_style()
    return np.random.default_rng(seed)
