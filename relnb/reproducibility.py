"""The first cell of every chapter (seeds, thread count, print precision, figure style) and ``glue``.

Stored outputs are compared character by character by ``nbval``, so a chapter
must print the same text on every run and on every machine of this kind. The
CPU code paths of torch, MKL, OpenBLAS and numpy are pinned by ``numerics.env``
at the project root (the Makefile and the test suite export it), which must be
set before these libraries load, so it cannot be set from here.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import numbers
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

import numpy as np

from relnb._validation import check_int

__all__ = ["THREADS_VARIABLE", "glue", "start_chapter"]

#: Environment variable read for the torch thread count (default 1); the test
#: suite runs a chapter with 1 and with 2 threads and compares the outputs.
THREADS_VARIABLE = "RELNB_THREADS"


def start_chapter(seed: int = 0) -> np.random.Generator:
    """Make a chapter reproducible and return its numpy random generator.

    Seeds torch's global generator, fixes torch's intra-op thread count
    (``RELNB_THREADS``, default 1: large reductions are summed in the same
    order on every run), sets numpy's print precision to 6 significant digits,
    and applies the book's figure style.  If torch is not loaded yet, the seed
    and the thread count are applied the moment it is imported (a chapter
    that trains nothing never pays torch's import time).

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
    seed = check_int(seed, "seed", minimum=0, maximum=2**63 - 1)  # torch.manual_seed takes a signed 64-bit int
    threads = os.environ.get(THREADS_VARIABLE, "1")
    if not (threads.isascii() and threads.isdigit()) or int(threads) < 1:
        raise ValueError(f"{THREADS_VARIABLE} must be a positive integer; got {threads!r}")
    _torch_settings[:] = [seed, int(threads)]
    if "torch" in sys.modules:
        _apply_torch_settings(sys.modules["torch"])
    elif not any(isinstance(finder, _SeedTorchOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SeedTorchOnImport())
    np.set_printoptions(precision=6, suppress=True)
    from relnb.plotting import use_book_style  # matplotlib loads with the first chapter, not with `import relnb`

    use_book_style()
    return np.random.default_rng(seed)


#: The [seed, thread count] of the latest ``start_chapter``, applied to torch now or when it is imported.
_torch_settings: list[int] = []


def _apply_torch_settings(torch: ModuleType) -> None:
    seed, threads = _torch_settings
    torch.set_num_threads(threads)
    torch.manual_seed(seed)


class _SeedTorchOnImport(importlib.abc.MetaPathFinder):
    """Import hook: when ``torch`` is first imported, apply the chapter's seed and thread count to it."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname != "torch":
            return None
        sys.meta_path.remove(self)  # once: the spec itself comes from the other finders
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            _apply_torch_settings(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]  # this spec's loader only
        return spec


def glue(name: str, value: float, *, digits: int = 6, display: bool = False) -> None:
    """Glue a number that the prose quotes (``{glue:text}`name:.4f```), rounded to ``digits`` significant digits.

    The stored glue output is compared by ``nbval`` like any other output; rounding keeps the last
    bits of a float, which no text shows, out of that comparison.

    Parameters
    ----------
    name : str
        The glue key.
    value : int or float
        Integers are glued as they are; floats are rounded to ``digits`` significant digits.
    digits : int
        Significant digits kept (default 6; the prose shows at most 4).
    display : bool
        Passed to ``myst_nb.glue`` (default ``False``: the number appears only where the text quotes it).
        Without myst-nb (outside the book build) nothing is stored; with ``display=True`` the value is printed.

    Examples
    --------
    >>> round_for_glue = lambda v: float(f"{v:.6g}")
    >>> round_for_glue(0.49984372557830525) == round_for_glue(0.4998437255783053)
    True
    """
    check_int(digits, "digits", minimum=1, maximum=17)
    if not isinstance(value, numbers.Number) and getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        value = value.item()  # a 0-d array or tensor: its Python scalar
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"glue {name!r}: value must be a real number; got {type(value).__name__}")
    if isinstance(value, numbers.Integral):
        glued: int | float = int(value)
    else:
        number = float(value)
        if not np.isfinite(number):
            raise ValueError(f"glue {name!r}: value must be finite; got {number}")
        glued = float(f"{number:.{digits}g}")
    if importlib.util.find_spec("myst_nb") is None:  # the book build's glue; readers may not have it
        if display:  # outside the book build (Colab, a plain pip install): show the value, store nothing
            print(f"{name} = {glued}")
        return
    _publish_glue(name, glued, display)


#: ``myst_nb.ext.glue.GLUE_PREFIX``: the mime-type prefix of a glued output that is stored but not shown.
GLUE_PREFIX = "application/papermill.record/"


def _publish_glue(name: str, value: object, display: bool) -> None:
    """Publish ``value`` as myst-nb's ``glue`` does, without importing ``myst_nb.ext.glue``.

    That module imports nbformat for the book builder's side, and nbformat imports jsonschema, whose format
    checker compiles 39 grammars on import: 1.1-1.3 s in every chapter's kernel for five lines of protocol (a
    display bundle under ``GLUE_PREFIX`` with ``scrapbook`` metadata).  ``tests/test_reproducibility.py`` holds
    these lines to myst-nb's: the same calls to IPython's ``display`` for the same arguments.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + key: data for key, data in bundle.items()}, raw=True, metadata=metadata)
