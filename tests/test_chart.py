"""``innograph chart``: one offline HTML page per chart, hand-written SVG, checked against the catalogue.

Counts are compared with the queries' own answers on the graph of the day, never with fixed totals, so that
the tests hold as curators add articles. The browser tests need Debian's chromium and chromium-driver; they
are skipped without them outside CI."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser

import pytest
from conftest import REPO, make_project

from innograph.browser import Browser, chromium_paths
from innograph.catalog import catalogue
from innograph.chart import indicator_chart, timeline_chart
from innograph.cli import main
from innograph.engines import OxigraphEngine
from innograph.errors import UsageError
from innograph.loader import load
from innograph.query import run_query

QUERIES = catalogue(REPO / "queries")
INDICATORS = ("ind:rd-intensity", "ind:high-tech-enterprises-identified")
HOSTILE = '<img src=x onerror="window.__pwned=1">'
HOSTILE_QUOTE = "</title><script>window.__pwned=2</script>"
HOSTILE_PLACE = """@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix src: <https://w3id.org/innograph/id/source/> .
@prefix ind: <https://w3id.org/innograph/vocab/indicator/> .
@prefix cmp: <https://w3id.org/innograph/vocab/comparator/> .
@prefix unit: <https://w3id.org/innograph/vocab/unit/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:evil-city a ig:City ; rdfs:label "{label}"@en .
id:evil-plan a ig:ActionPlan ; rdfs:label "{label} plan"@en ; ig:scope id:evil-city ;
    ig:periodStart "2021"^^xsd:gYear ; ig:periodEnd "2023"^^xsd:gYear .
id:evil-figure a ig:Observation ; dcterms:source src:fixture ; ig:about id:evil-city ;
    ig:indicator ind:rd-intensity ; ig:comparator cmp:nearly ; ig:unit unit:percent ; ig:value 2.8 ;
    ig:year "2019"^^xsd:gYear ; ig:quote "{quote}"@en .
id:evil-target a ig:Target ; dcterms:source src:fixture ; ig:about id:evil-city ; ig:setBy id:evil-plan ;
    ig:indicator ind:rd-intensity ; ig:comparator cmp:more-than ; ig:unit unit:percent ; ig:value 3 ;
    ig:periodStart "2021"^^xsd:gYear ; ig:periodEnd "2023"^^xsd:gYear ; ig:quote "{quote}"@en .
"""


@pytest.fixture(scope="module")
def engine(curated):
    return OxigraphEngine(curated)


def rows(engine, name: str, **given: str) -> list:
    return run_query(QUERIES[name], engine, given).rows


def programmes_with_a_period(engine) -> set[str]:
    table = engine.run(
        "PREFIX ig: <https://w3id.org/innograph/ontology#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT DISTINCT ?p WHERE { ?p a ?c ; ig:periodStart ?s ; ig:periodEnd ?e . "
        "?c rdfs:subClassOf* ig:Programme }"
    )
    return {row["p"].value for row in table.rows}


class Marks(HTMLParser):
    """The data-mark elements of a page, and every src and href it holds."""

    def __init__(self):
        super().__init__()
        self.marks: list[dict[str, str]] = []
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if "data-mark" in attributes:
            self.marks.append(attributes)
        for name in ("src", "href", "xlink:href"):
            if name in attributes:
                self.links.append(attributes[name] or "")


def parsed(page: str) -> Marks:
    parser = Marks()
    parser.feed(page)
    return parser


def run_cli(*args: str) -> int:
    return main([*args])


# ----- without a browser


@pytest.mark.parametrize("indicator", INDICATORS)
def test_indicator_chart_draws_one_mark_per_row_of_the_catalogue_query(engine, indicator):
    page, points = indicator_chart(engine, engine_iri(engine, indicator))
    expected = rows(engine, "indicator-across-places", indicator=indicator)
    marks = parsed(page).marks
    assert len(marks) == len(points) == len(expected) > 0
    kinds = sorted(m["data-mark"] for m in marks)
    assert kinds == sorted(row["kind"].value for row in expected)


def engine_iri(engine, text: str) -> str:
    from innograph.entities import EntityResolver

    return EntityResolver(engine).concept(text, "--indicator").value


def test_timeline_draws_one_bar_per_programme_with_a_period(engine):
    page, programmes, targets = timeline_chart(engine)
    marks = parsed(page).marks
    bars = {m["data-programme"] for m in marks if m["data-mark"] == "programme"}
    assert len([m for m in marks if m["data-mark"] == "programme"]) == len(bars)
    assert bars == programmes_with_a_period(engine)
    # every programme in force in a year of the catalogue's answer has its bar
    for year in {p.start for p in programmes}:
        assert {r["programmeId"].value for r in rows(engine, "programmes-in-force",
                                                         year=str(year))} <= bars  # fmt: skip
    # each target set by a programme with a bar is a mark on that programme's row
    drawn = [m for m in marks if m["data-mark"] == "target"]
    assert len(drawn) == len(targets) == len({m["data-statement"] for m in drawn})
    for programme in bars:
        set_by = {
            r["statementId"].value
            for r in rows(engine, "programme-targets", programme=programme)
            if r["kind"].value == "target" and "when" in r and r["when"].value[:4].isdigit()
        }
        assert {m["data-statement"] for m in drawn if m["data-programme"] == programme} == set_by


def test_charts_are_offline_and_the_same_bytes_twice(tmp_path, capsys):
    for args, name in (
        (["--indicator", "ind:rd-intensity"], "rd"),
        (["--timeline"], "timeline"),
        (["--timeline", "--place", "ningbo"], "ningbo"),
    ):
        first, second = tmp_path / f"{name}-1.html", tmp_path / f"{name}-2.html"
        assert run_cli("chart", "--root", str(REPO), *args, "--out", str(first)) == 0
        assert run_cli("chart", "--root", str(REPO), *args, "--out", str(second)) == 0
        assert f"wrote {first}" in capsys.readouterr().out
        assert first.read_bytes() == second.read_bytes(), name
        page = first.read_text(encoding="utf-8")
        found = parsed(page)
        assert all(not re.match(r"\s*(https?:)?//", link) for link in found.links), found.links
        assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//|@import", page)
        assert "link" not in found.tags and found.tags.count("script") == 1
        assert len(page.encode()) < 200_000  # a page, not a library


def test_default_paths_and_a_bad_indicator(tmp_path, capsys):
    root = tmp_path / "project"
    root.mkdir()
    for part in ("ontology", "kg", "queries"):
        os.symlink(REPO / part, root / part)
    assert run_cli("chart", "--root", str(root), "--indicator", "ind:rd-intensity") == 0
    assert (root / "charts" / "rd-intensity.html").is_file()
    assert run_cli("chart", "--root", str(root), "--timeline") == 0
    assert (root / "charts" / "timeline.html").is_file()
    assert f"wrote {root / 'charts' / 'timeline.html'}" in capsys.readouterr().out
    assert run_cli("chart", "--root", str(root), "--indicator", "ind:rd-intensty") == 1
    err = capsys.readouterr().err
    assert "--indicator: no concept 'ind:rd-intensty'; did you mean ind:rd-intensity" in err


def test_the_bad_indicator_message_is_the_resolvers(engine):
    from innograph.entities import EntityResolver

    with pytest.raises(UsageError) as expected:
        EntityResolver(engine).concept("ind:no-such-thing", "--indicator")
    code = run_cli("chart", "--root", str(REPO), "--indicator", "ind:no-such-thing", "--out", os.devnull)
    assert code == 1 and str(expected.value)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    data = HOSTILE_PLACE.format(label=HOSTILE.replace('"', '\\"'), quote=HOSTILE_QUOTE)
    root, sources = make_project(tmp, {"kg/fixture.ttl": data})
    kg = load(root, sources)
    engine = OxigraphEngine(kg)
    indicator = engine_iri(engine, "ind:rd-intensity")
    out = {"indicator": tmp / "indicator.html", "timeline": tmp / "timeline.html"}
    out["indicator"].write_text(indicator_chart(engine, indicator)[0], encoding="utf-8")
    out["timeline"].write_text(timeline_chart(engine)[0], encoding="utf-8")
    return out


def test_hostile_labels_and_quotes_stay_text(hostile):
    for page in (path.read_text(encoding="utf-8") for path in hostile.values()):
        assert HOSTILE not in page and HOSTILE_QUOTE not in page
        assert "&lt;img src=x onerror=" in page
        found = parsed(page)
        assert "img" not in found.tags and found.tags.count("script") == 1
        assert len(found.marks) >= 2


# ----- in a browser

needs_browser = pytest.mark.skipif(
    chromium_paths() is None and not os.environ.get("CI"), reason="headless Chromium is not installed"
)


@pytest.fixture(scope="module")
def browser():
    session = Browser()
    session.driver.set_window_size(1600, 1000)
    yield session
    session.close()


MARK_GEOMETRY = """
const area = [...document.querySelectorAll('.plot-area')].map(r => r.getBoundingClientRect());
return [...document.querySelectorAll('[data-mark]')].map(m => {
  const dot = (m.querySelector('.dot') || m.querySelector('rect, path')).getBoundingClientRect();
  const cx = dot.x + dot.width / 2, cy = dot.y + dot.height / 2;
  return {kind: m.dataset.mark, inside: area.some(a => a.left <= cx && cx <= a.right && a.top <= cy && cy <= a.bottom),
          tip: m.dataset.tip, title: m.querySelector('title').textContent};
});
"""


@needs_browser
@pytest.mark.parametrize("indicator", INDICATORS)
def test_indicator_chart_in_a_browser(engine, browser, tmp_path, indicator):
    out = tmp_path / "chart.html"
    assert run_cli("chart", "--root", str(REPO), "--indicator", indicator, "--out", str(out)) == 0
    visit = browser.open(out)
    assert visit.requests == [out.resolve().as_uri()]
    assert not [m for m in visit.console if m["level"] == "SEVERE"]
    expected = rows(engine, "indicator-across-places", indicator=indicator)
    marks = browser.js(MARK_GEOMETRY)
    assert len(marks) == len(expected)
    assert sorted(m["kind"] for m in marks) == sorted(r["kind"].value for r in expected)
    assert all(m["inside"] for m in marks), marks
    for row in expected:  # each row's quote and citation in some mark's tooltip
        assert any(row["quote"].value in m["tip"] and row["citation"].value in m["tip"] for m in marks)
        assert any(row["quote"].value in m["title"] for m in marks)
    units = browser.js("return [...document.querySelectorAll('.y-axis .unit')].map(t => t.textContent)")
    assert sorted(units) == sorted({r["unit"].value for r in expected})


@needs_browser
def test_timeline_in_a_browser(engine, browser, tmp_path):
    out = tmp_path / "timeline.html"
    assert run_cli("chart", "--root", str(REPO), "--timeline", "--out", str(out)) == 0
    visit = browser.open(out)
    assert visit.requests == [out.resolve().as_uri()]
    marks = browser.js(MARK_GEOMETRY)
    assert len([m for m in marks if m["kind"] == "programme"]) == len(programmes_with_a_period(engine))
    assert all(m["inside"] for m in marks)
    # the row labels are not clipped: each starts inside the page
    left = browser.js(
        "return Math.min(...[...document.querySelectorAll('.row-label')].map(t => t.getBoundingClientRect().left))"
    )
    assert left >= 0


@needs_browser
def test_hostile_text_runs_nothing_in_a_browser(browser, hostile):
    for path in hostile.values():
        browser.open(path)
        assert browser.js("return window.__pwned === undefined")
        tips = browser.js("return [...document.querySelectorAll('[data-mark]')].map(m => m.dataset.tip)")
        assert any(HOSTILE in tip for tip in tips)
