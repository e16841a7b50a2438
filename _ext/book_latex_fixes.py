"""A fix to sphinx-proof 0.4's LaTeX output that the PDF test found.

sphinx-proof finds the document a theorem belongs to by walking up to the section whose name equals the
document's title, lowercased. A title with an apostrophe ("Mercer's theorem ...") is normalised differently
in the two places, the search returns ``None``, and the theorem is written as ``\\label{None:thm-mercer}``
with no number: every reference to it prints "??" in the PDF. Here the search accepts the nearest ancestor
that carries a ``docname`` (the top section of each document inlined into the LaTeX book).
"""

from __future__ import annotations

from typing import Any

import sphinx_proof.nodes


def _find_parent(env: Any, node: Any, parent_tag: str) -> str | None:
    while node is not None:
        node = node.parent
        if node is not None and "docname" in node.attributes:
            return node.attributes["docname"]
    return None


def setup(app: Any) -> dict[str, Any]:
    sphinx_proof.nodes.find_parent = _find_parent
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
