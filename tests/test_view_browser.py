"""Views as a person sees them: opened from a file URL in headless Chromium.

Needs Debian's chromium and chromium-driver (CI installs them). Outside CI, the tests are skipped when
they are missing; in CI a missing browser fails them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, SOURCE_RECORD, make_project

from innograph.browser import Browser, chromium_paths
from innograph.loader import load
from innograph.network import project
from innograph.view import load_style, render, write_html

if chromium_paths() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install chromium and chromium-driver for the browser tests")
    pytest.skip("headless Chromium is not installed", allow_module_level=True)

HOSTILE = '<img src=x onerror="window.__pwned=1">'
HOSTILE_ZH = "<script>window.__pwned=2</script>"
HOSTILE_QUOTE = '<img src=x onerror="window.__pwned=4"> said the bureau'
HOSTILE_NOTE = "</div><script>window.__pwned=5</script>"
HOSTILE_TITLE = "<svg onload=window.__pwned=6>"
CAPITAL_QUOTE = "Yinchuan, capital of Northwest China's Ningxia Hui autonomous region"


@pytest.fixture(scope="module")
def browser():
    session = Browser()
    yield session
    session.close()


@pytest.fixture(scope="module")
def overview(curated, tmp_path_factory):
    graph = project(curated)
    out = write_html(
        render(graph, "innograph: the whole graph", load_style(REPO / "viz")),
        tmp_path_factory.mktemp("v") / "overview.html",
    )
    return graph, out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    escaped = HOSTILE.replace('"', '\\"')
    quote = HOSTILE_QUOTE.replace('"', '\\"')
    data = f"""@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

id:evil-bureau a ig:MunicipalBureau ;
    rdfs:label "{escaped}"@en , "{HOSTILE_ZH}"@zh ;
    skos:altLabel "</script><script>window.__pwned=3</script>"@en ;
    ig:jurisdiction id:ningbo .
id:ningbo a ig:City ; rdfs:label "Ningbo"@en , "宁波市"@zh .
<https://w3id.org/innograph/id/evil-bureau#fixture.jurisdiction.ningbo> a ig:StatementRecord ;
    rdf:subject id:evil-bureau ; rdf:predicate ig:jurisdiction ; rdf:object id:ningbo ;
    ig:quote "{quote}"@en ; dcterms:source <https://w3id.org/innograph/id/source/fixture> ;
    ig:inferred true ; ig:curatorNote "{HOSTILE_NOTE}"@en .
"""
    data = (
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n" + data
    )
    record = SOURCE_RECORD.replace('ig:title "Fixture article"@en', f'ig:title "{HOSTILE_TITLE}"@en')
    root, sources = make_project(tmp, {"kg/fixture.ttl": data, "kg/sources.ttl": record})
    graph = project(load(root, sources))
    out = write_html(render(graph, HOSTILE, load_style(REPO / "viz")), tmp / "hostile.html")
    return graph, out


def test_view_loads_offline_without_errors_and_shows_the_projection(browser, overview):
    graph, page = overview
    visit = browser.open(page)
    assert [url for url in visit.requests if not url.startswith(("file:", "data:"))] == []
    assert [m for m in visit.console if m["level"] in ("SEVERE", "WARNING")] == []
    assert browser.js("return window.innographView.nodes.length") == graph.number_of_nodes()
    assert browser.js("return window.innographView.edges.length") == graph.number_of_edges()
    # one legend entry per class family present, each with its count
    legend = browser.js("return Array.from(document.querySelectorAll('#legend label')).map(l => l.textContent)")
    assert len(legend) == len({d["family"] for _, d in graph.nodes(data=True)})


def test_tooltips_carry_both_languages_class_and_sources(browser, overview):
    _, page = overview
    browser.open(page)
    tip = browser.js("return window.innographView.nodes.get('id:ningbo').title.textContent")
    assert "Ningbo" in tip and "宁波市" in tip and "city" in tip and "004_5f4bcf8e5a1728d6.txt" in tip
    edge_tip = browser.js(
        "var e = window.innographView.edges.get({filter: function (e) {"
        " return e.from === 'id:huang-zhiming'"
        " && e.to === 'id:ningbo-municipal-bureau-of-science-and-technology'; }})[0];"
        " return [e.label, e.title.textContent];"
    )
    assert edge_tip[0] == "head of" and "负责人" in edge_tip[1]


def test_search_box_finds_and_selects_a_node(browser, overview):
    _, page = overview
    browser.open(page)
    box = browser.driver.find_element("id", "search")
    box.send_keys("Huang")
    items = browser.js("return Array.from(document.querySelectorAll('#results li')).map(li => li.textContent)")
    assert items and items[0].startswith("Huang Zhiming")
    box.send_keys("\n")
    assert browser.js("return window.innographView.network.getSelectedNodes()") == ["id:huang-zhiming"]
    details = browser.js("return document.getElementById('details').textContent")
    assert "head of" in details and "Ningbo Municipal Bureau of Science and Technology" in details
    # Chinese names are searched too
    assert browser.js("return window.innographView.find('宁波市科学技术局')") == [
        "id:ningbo-municipal-bureau-of-science-and-technology"
    ]


def test_details_panel_shows_the_quote_beside_each_link(browser, overview):
    _, page = overview
    browser.open(page)
    browser.js("window.innographView.go('id:yinchuan')")
    links = browser.js(
        "return Array.from(document.querySelectorAll('#details .links li')).map(function (li) {"
        " return {node: li.querySelector('.goto').getAttribute('data-node'),"
        " head: li.querySelector('.link').textContent,"
        " quotes: Array.from(li.querySelectorAll('.quote')).map(function (q) { return q.textContent; }),"
        " text: li.textContent}; })"
    )
    capital = next(link for link in links if link["node"] == "id:ningxia" and "capital of" in link["head"])
    assert capital["head"].startswith("\u2192") and capital["quotes"] == [f"\u201c{CAPITAL_QUOTE}\u201d"]
    assert "New measures to bolster innovation-driven growth (chinadaily.com.cn, 26 April 2022)" in capital["text"]
    assert "000_ca962a35b1daecb9" not in capital["text"]
    # links in both directions, each with its quote
    assert any(link["head"].startswith("\u2190") and link["quotes"] for link in links)
    assert all(link["quotes"] for link in links)
    # the other end of a link selects that node; its inferred link shows the curator's note
    browser.driver.find_element("css selector", "#details .links li .goto[data-node='id:ningxia']").click()
    assert browser.js("return window.innographView.network.getSelectedNodes()") == ["id:ningxia"]
    details = browser.js("return document.querySelector('#details .name').textContent")
    assert details == "Ningxia Hui Autonomous Region"
    inferred = browser.js("return Array.from(document.querySelectorAll('#details .inferred')).map(d => d.textContent)")
    assert any(text.startswith("inferred: The article says") for text in inferred)
    # the edge's tooltip carries the quote too
    tip = browser.js(
        "var e = window.innographView.edges.get({filter: function (e) {"
        " return e.from === 'id:yinchuan' && e.to === 'id:ningxia' && e.label === 'capital of'; }})[0];"
        " return e.title.textContent;"
    )
    assert CAPITAL_QUOTE in tip


def test_class_filters_hide_and_show_a_family(browser, overview):
    graph, page = overview
    browser.open(page)
    measures = sum(1 for _, d in graph.nodes(data=True) if d["family"] == "measures")
    browser.driver.find_element("css selector", "#legend input[data-family=measures]").click()
    hidden = browser.js("return window.innographView.nodes.get({filter: function (n) { return n.hidden; }}).length")
    assert hidden == measures
    browser.driver.find_element("css selector", "#legend input[data-family=measures]").click()
    assert browser.js("return window.innographView.nodes.get({filter: function (n) { return n.hidden; }}).length") == 0


def test_hostile_labels_show_as_text_and_run_nothing(browser, hostile):
    _, page = hostile
    visit = browser.open(page)
    assert browser.js("return window.__pwned === undefined")
    assert browser.js("return document.title") == HOSTILE
    assert browser.js("return document.getElementById('title').textContent") == HOSTILE
    browser.js("window.innographView.go('id:evil-bureau')")
    details = browser.js("return document.getElementById('details').textContent")
    assert HOSTILE in details and HOSTILE_ZH in details
    # the quote, the curator's note and the article's title are text too
    assert f"\u201c{HOSTILE_QUOTE}\u201d" in details
    assert f"inferred: {HOSTILE_NOTE}" in details and HOSTILE_TITLE in details
    assert browser.js("return document.querySelector('#details .quote').textContent") == f"\u201c{HOSTILE_QUOTE}\u201d"
    assert (
        browser.js("return document.querySelectorAll('#details img, #details script, #details svg, aside img').length")
        == 0
    )
    assert (
        browser.js("return window.innographView.edges.get()[0].title.querySelectorAll('img, script, svg').length") == 0
    )
    assert HOSTILE_QUOTE in browser.js("return window.innographView.edges.get()[0].title.textContent")
    box = browser.driver.find_element("id", "search")
    box.send_keys("img")
    assert browser.js("return document.querySelector('#results li').textContent").startswith(HOSTILE)
    assert browser.js("return document.querySelectorAll('#results img').length") == 0
    assert browser.js("return window.__pwned === undefined")
    assert [url for url in visit.requests if not url.startswith(("file:", "data:"))] == []


def test_screenshot_of_the_main_view(browser, overview):
    """Refresh docs/overview.png when INNOGRAPH_SCREENSHOT is set; otherwise just check one can be taken."""
    _, page = overview
    browser.open(page)
    target = (
        REPO / "docs" / "overview.png" if os.environ.get("INNOGRAPH_SCREENSHOT") else Path(page).with_suffix(".png")
    )
    browser.js("window.innographView.network.fit({animation: false})")
    shot = browser.screenshot(target)
    assert shot.stat().st_size > 20_000
