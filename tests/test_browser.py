"""The built book as a reader sees it: every page opened in headless Chromium, offline.

Run by ``make browser-test`` (part of ``make test``) after the strict build. Each page is
checked for: console errors, failed requests, any request leaving 127.0.0.1 (blocked and
recorded), math rendered by the bundled MathJax with no raw TeX left, images loaded,
theorem/proof/exercise boxes present as in the source, and internal links (with their
fragments) that resolve. Screenshots for review land in ``_build/screenshots``.

Every page is also audited by axe-core (the copy pinned with ``axe-playwright-python``),
in the light and in the dark theme: any serious or critical violation fails the test.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from conftest import ROOT

pytestmark = pytest.mark.browser

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SKIP_DIRS = {"_static", "_sources", "_images", "reports", "_sphinx_design_static"}


def _pages() -> list[str]:
    if not HTML.exists():
        return []
    pages = []
    for path in sorted(HTML.rglob("*.html")):
        relative = path.relative_to(HTML)
        if not SKIP_DIRS.intersection(relative.parts):
            pages.append(relative.as_posix())
    return pages


PAGES = _pages()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest output readable
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser-deps` (installs Debian's chromium)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _source_of(page: str) -> Path | None:
    """The book source (notebook or MyST page) a built page comes from."""
    stem = ROOT / Path(page).with_suffix("")
    for suffix in (".ipynb", ".md"):
        if stem.with_suffix(suffix).exists():
            return stem.with_suffix(suffix)
    return None


def _expected_boxes(source: Path) -> dict[str, int]:
    text = source.read_text(encoding="utf-8")
    return {
        "proof": len(re.findall(r"```\{prf:[a-z]+\}", text)),
        "exercise": len(re.findall(r"```\{exercise\}", text)),
        "solution": len(re.findall(r"```\{solution(?:-start)?\}", text)),
    }


_PAGE_REPORT = """
() => {
  const article = document.querySelector('main') || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, .highlight, mjx-container, script, style, .cell_output')
       .forEach(e => e.remove());
  const text = clone.textContent;
  const raw = [];
  for (const token of ['$$', '\\\\(', '\\\\[', '\\\\begin{']) { if (text.includes(token)) raw.push(token); }
  const images = Array.from(document.images).map(i => ({src: i.currentSrc || i.src,
                                                        ok: i.complete && i.naturalWidth > 0}));
  return {
    mathSource: document.querySelectorAll('.math, span.math, div.math').length,
    mathRendered: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror').length,
    raw: raw,
    images: images,
    proof: document.querySelectorAll('div.proof').length,
    exercise: document.querySelectorAll('div.exercise').length,
    solution: document.querySelectorAll('div.solution').length,
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
  };
}
"""


def _visit(browser: object, url: str, screenshot: Path | None = None) -> tuple[dict, list[str]]:
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def route(route_: object) -> None:
        host = urlparse(route_.request.url).hostname
        if route_.request.url.startswith("data:") or host == "127.0.0.1":
            route_.continue_()
        else:
            problems.append(f"request leaving 127.0.0.1 blocked: {route_.request.url}")
            route_.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: "blocked" not in " ".join(problems) and problems.append(
        f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_function("!window.MathJax || (MathJax.startup && MathJax.startup.promise)", timeout=30_000)
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    report = page.evaluate(_PAGE_REPORT)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=False)
    context.close()
    return report, problems


@pytest.mark.skipif(not PAGES, reason="no built book: run `make book` first")
def test_every_page_renders_offline(browser: object, server: str) -> None:
    failures: list[str] = []
    link_targets: dict[str, set[str]] = {}
    ids_of: dict[str, set[str]] = {}
    for page_path in PAGES:
        url = urljoin(server, page_path)
        redirect = re.search(r'http-equiv="refresh"[^>]*url=([^"]+)"', (HTML / page_path).read_text(), re.IGNORECASE)
        if redirect:  # jupyter-book's root index.html only redirects: its target must exist
            if not (HTML / Path(page_path).parent / redirect.group(1)).exists():
                failures.append(f"{page_path}: redirects to missing {redirect.group(1)}")
            continue
        shot = {"book/index.html": "landing.png", "book/relations.html": "theorems.png"}.get(page_path)
        report, problems = _visit(browser, url, SCREENSHOTS / shot if shot else None)
        ids_of[urldefrag(url)[0]] = set(report["ids"])
        if report["mathSource"] and not report["mathRendered"]:
            problems.append(f"{report['mathSource']} math elements but no MathJax output")
        if report["mathErrors"]:
            problems.append(f"{report['mathErrors']} MathJax errors (undefined macro?)")
        if report["raw"]:
            problems.append(f"raw TeX left in the text: {report['raw']}")
        problems += [f"image not loaded: {img['src']}" for img in report["images"] if not img["ok"]]
        source = _source_of(page_path)
        if source is not None:
            for kind, expected in _expected_boxes(source).items():
                if report[kind] != expected:
                    problems.append(f"{report[kind]} {kind} boxes rendered, {expected} in {source.name}")
        for link in report["links"]:
            if link.startswith(server):
                link_targets.setdefault(link, set()).add(page_path)
        failures += [f"{page_path}: {p}" for p in problems]
    failures += _broken_links(browser, link_targets, ids_of)
    assert not failures, f"{len(failures)} problem(s) over {len(PAGES)} pages:\n" + "\n".join(failures)
    assert (SCREENSHOTS / "landing.png").exists()


def _broken_links(browser: object, link_targets: dict[str, set[str]], ids_of: dict[str, set[str]]) -> list[str]:
    """Follow every internal link once; a fragment must name an element of the target page."""
    broken = []
    context = browser.new_context()
    for link, sources in sorted(link_targets.items()):
        target, fragment = urldefrag(link)
        if target not in ids_of:
            response = context.request.get(target)
            if response.status != 200:
                broken.append(f"{sorted(sources)[0]}: link to {link} returns HTTP {response.status}")
                continue
            ids_of[target] = set(re.findall(r'id="([^"]+)"', response.text()))
        if fragment and fragment not in ids_of[target]:
            broken.append(f"{sorted(sources)[0]}: link to {link}: no element with id {fragment!r}")
    context.close()
    return broken


# axe-core's impact levels that fail the audit (it also reports "minor" and "moderate").
BLOCKING_IMPACTS = ("serious", "critical")


def _axe_violations(page: object, url: str, theme: str) -> list[str]:
    """The serious and critical axe-core violations of the page at ``url`` in the given theme."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url, wait_until="load")
    page.wait_for_function("!window.MathJax || (MathJax.startup && MathJax.startup.promise)", timeout=30_000)
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    shown = page.evaluate("document.documentElement.dataset.theme")
    results = Axe().run(page).response
    found = [f"theme is {shown!r}, not {theme!r}"] if shown != theme else []
    for violation in results["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            found.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} elements): "
                         f"{violation['help']}; e.g. {targets}")
    return found


@pytest.mark.skipif(not PAGES, reason="no built book: run `make book` first")
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_accessibility(browser: object, server: str, theme: str) -> None:
    failures = []
    audited = 0
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # pydata-sphinx-theme reads the reader's choice from localStorage before it paints.
    context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');")
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname in ("127.0.0.1", None)
               else r.abort())
    for page_path in PAGES:
        if re.search(r'http-equiv="refresh"', (HTML / page_path).read_text(), re.IGNORECASE):
            continue  # the root redirect has no content of its own
        audited += 1
        failures += [f"{page_path}: {v}" for v in _axe_violations(page, urljoin(server, page_path), theme)]
    context.close()
    assert audited >= 10, f"only {audited} pages audited"
    assert not failures, f"axe-core, {theme} theme, {audited} pages:\n" + "\n".join(failures)


def test_pages_were_found() -> None:
    assert PAGES, "no built book under _build/html: `make browser-test` builds it first"
    assert "book/index.html" in PAGES
