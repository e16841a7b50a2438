"""The three layers of relnb: numpy concept modules import neither torch nor matplotlib; only relnb.plotting
imports matplotlib; no module is a package of several concepts (about 600 lines at most)."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from conftest import ROOT

PACKAGE = ROOT / "relnb"
# numpy: the mathematics, one concept per module
CONCEPTS = ["relations", "gram", "kernels", "quadrature", "mercer", "readout", "kernel_approx", "bounds", "schmidt",
            "rkbs", "preorder", "debreu", "attention", "retrieval", "_validation"]
# torch: what is trained
TORCH = ["inner_product", "training", "certify"]
# the book around them (checks and bench read the mathematics; reproducibility seeds torch)
BOOK = ["plotting", "checks", "bench", "reproducibility", "testing"]


def test_every_module_has_a_layer() -> None:
    found = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert found == set(CONCEPTS) | set(TORCH) | set(BOOK)


@pytest.mark.parametrize("module", [*CONCEPTS, "checks", "bench"])
def test_concept_module_loads_neither_torch_nor_matplotlib(module: str) -> None:
    code = (f"import sys, importlib; importlib.import_module('relnb.{module}'); "
            "print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "[]\n", f"relnb.{module} loads {out.strip()}"


def _imports(path) -> set[str]:
    """Top-level packages imported at module level (a function may convert to torch on demand, e.g.
    ``TanhInterpolant.to_mlp``: the subprocess test above checks that importing the module loads nothing)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_plotting_imports_matplotlib() -> None:
    importers = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                       if "matplotlib" in _imports(p) and p.parent.name != "plotting")
    assert importers == [], importers  # relnb.testing imports it inside its figure contract only


def test_torch_only_in_the_torch_layer() -> None:
    importers = sorted(p.stem for p in PACKAGE.glob("*.py") if "torch" in _imports(p))
    # reproducibility seeds torch through an import hook when torch loads: it does not import torch itself
    assert importers == sorted(TORCH)


def test_modules_are_one_room_each() -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert max(sizes.values()) <= 650, {k: v for k, v in sizes.items() if v > 650}
