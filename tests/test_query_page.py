"""The query page of ``innograph serve`` as a person uses it: opened in headless Chromium, offline (nothing
asked of any other origin), a catalogue query loaded and run, its table the same as the embedded engine's,
and an update refused in one readable line.

Needs Debian's chromium and chromium-driver (CI installs them); skipped outside CI when they are missing."""

from __future__ import annotations

import os
import re
import time
import urllib.parse

import pytest
from test_serve import call, finish, start_serve

from innograph.browser import Browser, chromium_paths
from innograph.catalog import resolve
from innograph.engines import OxigraphEngine
from innograph.query import run_query
from innograph.serve import free_port

if chromium_paths() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install chromium and chromium-driver for the browser tests")
    pytest.skip("headless Chromium is not installed", allow_module_level=True)

WINDOW = (1600, 1000)
QUERY = "document-issuers"


@pytest.fixture(scope="module")
def served():
    port = free_port()
    process, lines = start_serve("--port", str(port))
    try:
        assert process.poll() is None, lines
        yield f"http://127.0.0.1:{port}", lines
    finally:
        finish(process)


@pytest.fixture(scope="module")
def page(served):
    base, _ = served
    session = Browser()
    session.driver.set_window_size(*WINDOW)
    session.driver.get_log("performance")
    session.driver.get(f"{base}/")
    wait(lambda: session.js("return !!(window.innographQuery && window.innographQuery.ready)"), "the page to start")
    yield session
    session.close()


def wait(condition, what: str, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"waited {seconds:g} s for {what}")


def run_in_page(page: Browser, text: str | None = None) -> None:
    if text is not None:
        page.js("document.getElementById('editor').value = arguments[0]", text)
    page.js("window.innographQuery.rows = null; document.getElementById('run').click()")
    wait(lambda: page.js("return !window.innographQuery.running"), "the query to end")


def table_in_page(page: Browser) -> tuple[list[str], list[dict]]:
    return page.js(
        """const table = document.querySelector('#results table');
        if (!table) return [[], []];
        const names = [...table.tHead.rows[0].cells].map((th) => th.textContent);
        const rows = [...table.tBodies[0].rows].map((tr) => [...tr.cells].map((td) => td.dataset.type ? {
            type: td.dataset.type, value: td.dataset.value, lang: td.dataset.lang || null, text: td.textContent
        } : null));
        return [names, rows];"""
    )


def test_serve_prints_the_query_page(served):
    base, lines = served
    assert f"query page: {base}/\n" in lines
    assert f"SPARQL query endpoint: {base}/query\n" in lines


def test_the_page_is_ours_and_self_contained(served):
    base, _ = served
    status, html = call("GET", f"{base}/")
    assert status == 200
    assert "yasgui" not in html.lower()
    assert 'http-equiv="Content-Security-Policy"' in html and "default-src &#39;none&#39;" in html
    links = re.findall(r"""\b(?:src|href|action)\s*=\s*["']?([^"'\s>]*)""", html, re.IGNORECASE)
    assert links == ["data:,"], links  # the favicon, so that the browser asks for none
    assert not re.search(r"@import|url\(", html)  # no style sheet or font fetched from anywhere
    # The page lists the catalogue with the project's prefixes in the editor.
    assert "PREFIX ig: &lt;https://w3id.org/innograph/ontology#&gt;" in html
    assert f'"name": "{QUERY}"' in html
    # Oxigraph's own page and its assets are not passed through.
    for asset in ("/yasgui.min.js", "/yasgui.min.css", "/logo.svg"):
        assert call("GET", f"{base}{asset}")[0] == 404, asset


def test_the_page_answers_with_its_security_headers(served):
    import urllib.request

    base, _ = served
    with urllib.request.urlopen(f"{base}/", timeout=30) as response:
        csp = response.headers["Content-Security-Policy"]
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert csp.startswith("default-src 'none'; script-src 'sha256-")
    assert "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp


def test_a_catalogue_query_runs_as_on_the_embedded_engine(served, page, curated):
    base, _ = served
    errors = [e for e in page.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors  # the CSP let the page's own script run, and nothing else was refused
    # The editor opens with the project's prefixes.
    assert "PREFIX ig: <https://w3id.org/innograph/ontology#>" in page.js(
        "return document.getElementById('editor').value"
    )
    names = page.js("return [...document.querySelectorAll('#catalogue button')].map((b) => b.dataset.name)")
    assert QUERY in names and len(names) == len(list(curated.project.queries_dir.glob("*.rq")))
    page.js("document.querySelector(`#catalogue button[data-name='${arguments[0]}']`).click()", QUERY)
    loaded = page.js("return document.getElementById('editor').value")
    assert "VALUES (?document ?lang)" in loaded  # the parameters' defaults bound
    run_in_page(page)
    assert page.js("return document.getElementById('error').hidden"), page.js(
        "return document.getElementById('error').textContent"
    )
    shown_names, shown_rows = table_in_page(page)

    expected = run_query(resolve(QUERY, curated.project.queries_dir), OxigraphEngine(curated))
    assert expected.rows, "the query should have rows on the curated graph"
    assert shown_names == expected.variables
    assert page.js("return window.innographQuery.rows") == len(expected.rows)

    def key(term):
        return None if term is None else (term.type, term.value, term.lang)

    want = sorted(repr([key(row.get(v)) for v in expected.variables]) for row in expected.rows)
    got = sorted(
        repr([None if cell is None else (cell["type"], cell["value"], cell["lang"]) for cell in row])
        for row in shown_rows
    )
    assert got == want
    # IRIs read as the command line prints them (CURIEs), with the full IRI at hand
    shown = {cell["value"]: cell["text"] for row in shown_rows for cell in row if cell and cell["type"] == "uri"}
    terms = {t.value: t.text() for row in expected.rows for t in row.values() if t.type == "uri"}
    assert shown == terms

    # Offline: every request the page made went to its own origin (or was inline data).
    origin = urllib.parse.urlsplit(base)
    for url in page.requests():
        if url.startswith("data:"):
            continue
        parts = urllib.parse.urlsplit(url)
        assert (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc), url


def test_an_update_is_refused_in_one_readable_line(page):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    run_in_page(page, count)
    before = table_in_page(page)[1][0][0]["value"]
    run_in_page(page, "PREFIX ig: <https://w3id.org/innograph/ontology#>\nINSERT DATA { ig:a ig:b ig:c }")
    assert not page.js("return document.getElementById('error').hidden")
    message = page.js("return document.getElementById('error').textContent")
    assert "read-only" in message and "updates are refused" in message and "\n" not in message, message
    assert page.js("return document.querySelector('#results table')") is None
    run_in_page(page, count)  # nothing changed
    assert table_in_page(page)[1][0][0]["value"] == before


def test_a_syntax_error_is_one_line(page):
    run_in_page(page, "SELECT ?s WHERE { ?s ?p }")
    assert not page.js("return document.getElementById('error').hidden")
    message = page.js("return document.getElementById('error').textContent")
    assert message.startswith("400") and "\n" not in message, message


def test_hostile_labels_stay_text(page):
    hostile = '<img src=x onerror="window.__pwned=1">'
    escaped = hostile.replace('"', '\\"')
    run_in_page(page, f'SELECT ?label WHERE {{ BIND ("{escaped}" AS ?label) }}')
    assert table_in_page(page)[1][0][0]["value"] == hostile
    assert page.js("return document.querySelector('#results img')") is None
    assert page.js("return window.__pwned") is None


def test_a_long_answer_is_drawn_a_page_at_a_time(page, curated):
    """A catalogue question marked "# page:" draws its rows a page at a time, says how many there are, and
    draws the next page or every row on request; the rows are the embedded engine's, in its order."""
    name = "curator-notes"
    query = resolve(name, curated.project.queries_dir)
    expected = run_query(query, OxigraphEngine(curated))
    size = query.page_size
    assert len(expected.rows) > 2 * size, f"{name} no longer fills two pages on the curated graph: pick another"
    page.js("document.querySelector(`#catalogue button[data-name='${arguments[0]}']`).click()", name)
    run_in_page(page)
    assert page.js("return window.innographQuery.rows") == len(expected.rows)

    def shown() -> list[list]:
        return [[cell["value"] if cell else None for cell in row] for row in table_in_page(page)[1]]

    def want(count: int) -> list[list]:
        return [[row[v].value if v in row else None for v in expected.variables] for row in expected.rows[:count]]

    total = f"{len(expected.rows):,}"
    assert shown() == want(size)
    assert page.js("return document.querySelector('#more span').textContent") == f"rows 1 to {size} of {total}"
    labels = page.js("return [...document.querySelectorAll('#more button')].map((b) => b.textContent)")
    assert labels == [f"show the next {size}", f"show all {total}"]
    page.js("document.querySelector('#more button').click()")
    assert shown() == want(2 * size)
    page.js("document.querySelectorAll('#more button')[1].click()")
    assert shown() == want(len(expected.rows))
    assert page.js("return document.getElementById('more').hidden")
    # a short answer has no page bar
    run_in_page(page, "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }")
    assert len(shown()) == 3 and page.js("return document.getElementById('more').hidden")
