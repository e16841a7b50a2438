"""Binder's configuration installs the locked runtime and relnb itself (repo2docker's python build pack).

repo2docker runs ``pip install -r binder/requirements.txt`` from the repository's root with the Python of
``binder/runtime.txt``. No container runs here (no Docker engine); instead pip resolves that file from the
root as repo2docker would (``--dry-run``) inside the locked environment: it must parse, reach the runtime
lock, build ``.`` into relnb, and find every locked pin already satisfied (the runtime lock agrees with the
book's lock, which produced the stored outputs).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

from conftest import ROOT

BINDER = ROOT / "binder"


def test_binder_python_satisfies_requires_python() -> None:
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match, f"binder/runtime.txt must read python-3.X; got {runtime!r}"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    minimum = int(re.fullmatch(r">=3\.(\d+)", requires).group(1))
    assert int(match.group(1)) >= minimum, f"{runtime} is older than requires-python {requires}"


def test_binder_requirements_are_the_lock_and_the_package() -> None:
    lines = [ln.strip() for ln in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert "-r ../requirements/runtime.txt" in lines and "." in lines, lines
    torch = re.search(r"^torch==(\S+)$", (ROOT / "requirements" / "runtime.txt").read_text(encoding="utf-8"), re.M)
    # a +cpu pin is only found on PyTorch's CPU index: Binder must be pointed at it
    assert torch and (not torch.group(1).endswith("+cpu")
                      or "--extra-index-url https://download.pytorch.org/whl/cpu" in lines)


def test_binder_requirements_resolve_from_the_root(tmp_path) -> None:
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--disable-pip-version-check",
                    "--report", str(report), "-r", "binder/requirements.txt"],
                   cwd=ROOT, check=True, capture_output=True, text=True)
    to_install = {item["metadata"]["name"] for item in json.loads(report.read_text())["install"]}
    assert to_install == {"relnb"}, f"beyond relnb, Binder would install other versions than the lock: {to_install}"
