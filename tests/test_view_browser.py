"""Views as a person sees them: opened from a file URL in headless Chromium.

Needs Debian's chromium and chromium-driver (CI installs them). Outside CI, the tests are skipped when
they are missing; in CI a missing browser fails them."""

from __future__ import annotations

import io
import os

import pytest
from conftest import REPO, SOURCE_RECORD, make_project

from innograph.browser import Browser, chromium_paths
from innograph.citations import Citations
from innograph.loader import load
from innograph.namespaces import SRC
from innograph.network import project
from innograph.view import load_style, render, write_html
from innograph.views import ad_hoc, load_specs, write_all, write_view

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
YINCHUAN_ARTICLE = "New measures to bolster innovation-driven growth (chinadaily.com.cn, 26 April 2022)"


# The size view_framing.py measures at (../shared/tools/view_framing.py), and the ego views it measures besides
# the built ones.
WINDOW = (1600, 1000)
EGO_VIEWS = {"ego-huang-zhiming-2": ("huang-zhiming", 2), "ego-ministry-of-finance-2": ("ministry-of-finance", 2)}
BUILT_VIEWS = list(load_specs(REPO / "viz"))


@pytest.fixture(scope="module")
def browser():
    session = Browser()
    session.driver.set_window_size(*WINDOW)
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


def test_tooltips_carry_both_languages_class_and_sources(browser, overview, curated):
    _, page = overview
    browser.open(page)
    tip = browser.js("return window.innographView.nodes.get('id:ningbo').title.textContent")
    assert "Ningbo" in tip and "宁波市" in tip and "city" in tip
    # sources by their citation (title, outlet, date), never by the file hash
    assert Citations(curated)(f"{SRC}004_5f4bcf8e5a1728d6") in tip and "004_5f4bcf8e5a1728d6" not in tip
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
    assert YINCHUAN_ARTICLE in capital["text"]
    assert "000_ca962a35b1daecb9" not in capital["text"]
    # links in both directions, each with its quote
    assert any(link["head"].startswith("\u2190") and link["quotes"] for link in links)
    assert all(link["quotes"] for link in links)
    # the other end of a link selects that node; its inferred link shows the curator's note
    browser.driver.find_element("css selector", "#details .links li .goto[data-node='id:ningxia']").click()
    assert browser.js("return window.innographView.network.getSelectedNodes()") == ["id:ningxia"]
    details = browser.js("return document.querySelector('#details .name').textContent")
    assert details == "Ningxia Hui Autonomous Region"
    # ... and centres it
    assert _drawn_at(browser, "id:ningxia") == pytest.approx((0.5, 0.5), abs=0.02)
    # its source articles by citation, the file name only as a small grey identifier beside it
    sources = browser.js(
        "return Array.from(document.querySelectorAll('#details .source')).map(function (li) {"
        " return [li.querySelector('.cite').textContent, li.querySelector('.file').textContent]; })"
    )
    assert [YINCHUAN_ARTICLE, "000_ca962a35b1daecb9.txt"] in sources
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


@pytest.mark.parametrize(
    ("picture", "view"), [("overview", "overview"), ("ego-ministry-of-finance", "ego-ministry-of-finance-2")]
)
def test_screenshots_of_the_overview_and_an_ego_view(browser, views, tmp_path, picture, view):
    """Refresh docs/overview.png and docs/ego-ministry-of-finance.png (1600x1000, a palette PNG of a few hundred
    KB at most) when INNOGRAPH_SCREENSHOT is set; otherwise just check that they can be taken."""
    from PIL import Image

    target = REPO / "docs" / f"{picture}.png" if os.environ.get("INNOGRAPH_SCREENSHOT") else tmp_path / "shot.png"
    metrics = {"width": WINDOW[0], "height": WINDOW[1], "deviceScaleFactor": 1, "mobile": False}
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        browser.open(views / f"{view}.html")
        _framed_well(browser)
        shot = browser.screenshot(tmp_path / "full.png")
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    with Image.open(shot) as image:
        assert image.size == WINDOW
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(target, optimize=True)
    assert 20_000 < target.stat().st_size < 400_000


# ------------------------------------------------------------------ framing, focus, labels and controls


@pytest.fixture(scope="module")
def views(curated, tmp_path_factory):
    """Every view `innograph build` writes, and the ego views of a person and of a ministry."""
    folder = tmp_path_factory.mktemp("views")
    write_all(curated, folder)
    for name, (focus, depth) in EGO_VIEWS.items():
        write_view(curated, ad_hoc(curated, focus=focus, depth=depth), folder / f"{name}.html")
    return folder


def _framing(browser) -> tuple[float, float, float, bool]:
    """Where the drawing sits, measured as view_framing.py does: a screenshot of the largest canvas, the
    bounding box of its non-background pixels; its centre's offset from the canvas centre (fractions of the
    canvas), the larger of its width and height fractions, and whether it touches an edge."""
    from PIL import Image

    canvases = browser.driver.find_elements("tag name", "canvas")
    canvas = max(canvases, key=lambda c: c.size["width"] * c.size["height"])
    image = Image.open(io.BytesIO(canvas.screenshot_as_png)).convert("RGB")
    width, height = image.size
    background = image.getpixel((2, 2))
    pixels = image.load()
    xs, ys = [], []
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            if sum(abs(pixels[x, y][i] - background[i]) for i in range(3)) > 60:
                xs.append(x)
                ys.append(y)
    assert xs, "the canvas is empty"
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    dx = ((x0 + x1) / 2 - width / 2) / width
    dy = ((y0 + y1) / 2 - height / 2) / height
    span = max((x1 - x0) / width, (y1 - y0) / height)
    clipped = x0 <= 2 or y0 <= 2 or x1 >= width - 3 or y1 >= height - 3
    return dx, dy, span, clipped


def _framed_well(browser) -> None:
    dx, dy, span, clipped = _framing(browser)
    assert abs(dx) <= 0.12 and abs(dy) <= 0.12, f"off centre by ({dx:+.2f}, {dy:+.2f})"
    assert span >= 0.5, f"spans only {span:.2f} of the canvas"
    assert not clipped, "the drawing touches the canvas edge"


def _drawn_at(browser, node: str) -> tuple[float, float]:
    """Where a node is drawn, as fractions of the canvas's width and height."""
    return tuple(
        browser.js(
            "var v = window.innographView, c = document.getElementById('network');"
            " var at = v.network.canvasToDOM(v.network.getPositions([arguments[0]])[arguments[0]]);"
            " return [at.x / c.clientWidth, at.y / c.clientHeight];",
            node,
        )
    )


def _overlapping(boxes: list[dict]) -> list[tuple]:
    return [
        (a.get("id"), b.get("id"))
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]
    ]


@pytest.mark.parametrize("name", BUILT_VIEWS + list(EGO_VIEWS))
def test_every_view_is_centred_fills_the_canvas_and_is_not_cut(browser, views, name):
    browser.open(views / f"{name}.html")
    _framed_well(browser)
    # no two labels overlap, and none is cut at the edge of the canvas
    boxes = browser.js("return window.innographView.labelBoxes()")
    size = browser.js("var c = document.getElementById('network'); return [c.clientWidth, c.clientHeight]")
    assert boxes and not _overlapping(boxes)
    assert all(b["x0"] >= 0 and b["y0"] >= 0 and b["x1"] <= size[0] and b["y1"] <= size[1] for b in boxes)


@pytest.mark.parametrize("name", list(EGO_VIEWS))
def test_the_focus_of_an_ego_view_is_marked_and_at_the_centre(browser, views, name):
    browser.open(views / f"{name}.html")
    focus = "id:" + EGO_VIEWS[name][0]
    assert browser.js("return window.innographView.focus") == focus
    assert browser.js("return document.body.getAttribute('data-focus')") == focus
    # larger than any other node, a thick dark border, and a label in the largest, bold tier, always shown
    marks = browser.js(
        "var v = window.innographView, f = v.focus, n = v.nodes.get(f);"
        " var others = v.nodes.get({filter: function (m) { return m.id !== f; }}).map(function (m) { return m.size; });"
        " return {size: n.size, largest: Math.max.apply(null, others), border: n.borderWidth,"
        " colour: n.color.border, labelled: v.labelled().indexOf(f) >= 0, tier: v.labelTier(f)};"
    )
    assert marks["size"] >= marks["largest"] and marks["border"] >= 3 and marks["colour"] == "#1b1b1b"
    assert marks["labelled"] and marks["tier"] == 0
    x, y = _drawn_at(browser, focus)
    assert abs(x - 0.5) <= 0.12 and abs(y - 0.5) <= 0.12, f"the focus is drawn at ({x:.2f}, {y:.2f})"


def test_labels_favour_central_nodes_and_more_appear_when_zoomed_in(browser, overview):
    graph, page = overview
    browser.open(page)
    labelled = browser.js("return window.innographView.labelled()")
    ranks = browser.js("var r = {}; window.innographView.nodes.forEach(function (n) { r[n.id] = n.rank; }); return r")
    most_central = sorted(ranks, key=ranks.get)[:3]
    # at full view: the most central nodes are named, the least central are not all named
    assert set(most_central) <= set(labelled) and len(labelled) < graph.number_of_nodes()
    browser.driver.find_element("id", "zoom-in").click()
    closer = browser.js("return window.innographView.labelled()")
    assert len(closer) > len(labelled)
    assert not _overlapping(browser.js("return window.innographView.labelBoxes()"))


def test_zoom_and_fit_buttons(browser, overview):
    _, page = overview
    browser.open(page)
    fitted = browser.js(
        "return [window.innographView.network.getScale(), window.innographView.network.getViewPosition()]"
    )
    browser.driver.find_element("id", "zoom-in").click()
    browser.driver.find_element("id", "zoom-in").click()
    assert browser.js("return window.innographView.network.getScale()") == pytest.approx(fitted[0] * 1.96, rel=0.01)
    browser.driver.find_element("id", "zoom-out").click()
    assert browser.js("return window.innographView.network.getScale()") == pytest.approx(fitted[0] * 1.4, rel=0.01)
    browser.js("window.innographView.network.moveTo({position: {x: 900, y: -700}, animation: false})")
    browser.driver.find_element("id", "fit").click()
    again = browser.js(
        "return [window.innographView.network.getScale(), window.innographView.network.getViewPosition()]"
    )
    assert again[0] == pytest.approx(fitted[0], rel=0.01)
    assert again[1]["x"] == pytest.approx(fitted[1]["x"], abs=1) and again[1]["y"] == pytest.approx(
        fitted[1]["y"], abs=1
    )
    _framed_well(browser)


def test_neighbours_only_shows_the_selected_node_and_its_neighbours(browser, overview):
    graph, page = overview
    browser.open(page)

    def shown():
        return set(
            browser.js(
                "return window.innographView.nodes.get({filter: function (n) { return !n.hidden; }})"
                ".map(function (n) { return n.id; })"
            )
        )

    browser.js("window.innographView.go('id:huang-zhiming')")
    browser.driver.find_element("id", "near-only").click()
    near = (
        {"id:huang-zhiming"} | set(graph.successors("id:huang-zhiming")) | set(graph.predecessors("id:huang-zhiming"))
    )
    assert shown() == near
    assert f"({len(near)} shown)" in browser.js("return document.getElementById('counts').textContent")
    # framed again around what is left: centred and whole (three nodes need not fill half the window)
    dx, dy, _, clipped = _framing(browser)
    assert abs(dx) <= 0.12 and abs(dy) <= 0.12 and not clipped
    # the other end of a link in the details panel moves the neighbourhood there
    bureau = "id:ningbo-municipal-bureau-of-science-and-technology"
    browser.driver.find_element("css selector", f"#details .goto[data-node='{bureau}']").click()
    assert browser.js("return window.innographView.network.getSelectedNodes()") == [bureau]
    assert shown() == {bureau} | set(graph.successors(bureau)) | set(graph.predecessors(bureau))
    # the selected node's links are named on the drawing
    assert "head of" in browser.js("return window.innographView.linkLabels()")
    browser.driver.find_element("id", "near-only").click()
    assert len(shown()) == graph.number_of_nodes()
