"""The book's LaTeX macros, defined once for MathJax (HTML) and for LaTeX (PDF).

A local Sphinx extension (``local_extensions`` in ``_config.yml``): on
``config-inited`` it writes the same macro table into ``mathjax3_config`` and
into the LaTeX preamble, so the two editions cannot drift apart.
"""

from __future__ import annotations

from typing import Any

#: name -> (body, number of arguments). Bodies are plain LaTeX understood by MathJax 3 and pdflatex.
MACROS: dict[str, tuple[str, int]] = {
    "R": (r"\mathbb{R}", 0),
    "N": (r"\mathbb{N}", 0),
    "E": (r"\mathbb{E}", 0),
    "ip": (r"\langle #1, #2 \rangle", 2),
    "norm": (r"\lVert #1 \rVert", 1),
    "rank": (r"\operatorname{rank}", 0),
    "tr": (r"\operatorname{tr}", 0),
    "diag": (r"\operatorname{diag}", 0),
    "PSD": (r"{\mathbb{S}_{+}}", 0),  # braced: \PSD^n_d must not be a double subscript
    "one": (r"\mathbf{1}", 0),
}


#: Unicode characters the chapters write in prose and code, for pdflatex (MathJax needs nothing).
UNICODE_FOR_LATEX: dict[str, str] = {
    "★": r"\ensuremath{\star}",
    "≼": r"\ensuremath{\preccurlyeq}",
    "≺": r"\ensuremath{\prec}",
    "∪": r"\ensuremath{\cup}",
    "∘": r"\ensuremath{\circ}",
    "μ": r"\ensuremath{\mu}",
}


def mathjax_macros() -> dict[str, Any]:
    """The table in MathJax 3's ``tex.macros`` form."""
    return {name: body if nargs == 0 else [body, nargs] for name, (body, nargs) in MACROS.items()}


def latex_preamble() -> str:
    r"""The table as ``\providecommand`` / ``\renewcommand`` lines (``\R`` etc. may exist already)."""
    lines = []
    for name, (body, nargs) in MACROS.items():
        args = f"[{nargs}]" if nargs else ""
        lines.append(f"\\providecommand{{\\{name}}}{{}}\\renewcommand{{\\{name}}}{args}{{{body}}}")
    for char, body in UNICODE_FOR_LATEX.items():
        lines.append(f"\\DeclareUnicodeCharacter{{{ord(char):04X}}}{{{body}}}")
    return "\n".join(lines) + "\n"


def _configure(app: Any, config: Any) -> None:
    mathjax = dict(config.mathjax3_config or {})
    tex = dict(mathjax.get("tex", {}))
    tex["macros"] = {**tex.get("macros", {}), **mathjax_macros()}
    mathjax["tex"] = tex
    config.mathjax3_config = mathjax
    latex = dict(config.latex_elements or {})
    latex["preamble"] = latex.get("preamble", "") + "\n\\usepackage{amsmath,amssymb}\n" + latex_preamble()
    config.latex_elements = latex


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _configure)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
