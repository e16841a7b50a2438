"""Three fixes to the HTML pages of Jupyter Book 1.x that the browser test found.

1. ``sphinx-thebe`` registers its configuration script on every
   ``env-before-read-docs`` event, which Jupyter Book emits twice: pages then
   declare ``const THEBE_JS_URL`` twice, a JavaScript error on every page.
   Identical script entries are removed from each page's context.
2. pydata-sphinx-theme sets ``data-mode`` from ``localStorage`` with an empty
   default, and logs "Got invalid theme mode" on a reader's first visit. An
   inline script that runs first makes the empty mode ``auto`` (what the theme
   falls back to anyway), so the console stays clean.
3. docutils writes the bibliography as ``<div role="list">`` whose entries have
   ``role="doc-biblioentry"``, a role that ARIA 1.2 deprecates and that cannot be
   the child of a list: axe-core reports "aria-required-children" (serious). The
   entries are given the role ``listitem``, which a list requires.
"""

from __future__ import annotations

from typing import Any

_DEFAULT_MODE = (
    'if (!localStorage.getItem("mode")) { localStorage.setItem("mode", "auto"); } '
    'document.documentElement.dataset.mode = localStorage.getItem("mode");'
)


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    unique = []
    for script in context.get("script_files", []):
        key = (str(script.filename or ""), tuple(sorted((k, str(v)) for k, v in script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _bibliography_listitems(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Any) -> dict[str, Any]:
    app.add_js_file(None, body=_DEFAULT_MODE, priority=1)  # before the theme's own scripts
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _bibliography_listitems)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
