"""Shared fixtures: the curated graph, loaded once, and throwaway projects built from small files."""

from __future__ import annotations

import re
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from innograph.loader import KnowledgeGraph, load
from innograph.report import Report
from innograph.validation import validate

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCE_RECORD = """@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/innograph/id/source/> .

src:fixture a ig:SourceArticle ;
    rdfs:label "Fixture article"@en ;
    ig:fileName "fixture.txt" ;
    ig:title "Fixture article"@en .
"""
DEFAULT_TEXT = "Ningbo R&D expenditures accounted for nearly 2.8% of GDP in 2019."

# The graph grows: curators add articles (docs/extending.md), and a test must tell a broken graph from a grown
# one. So tests state invariants about the whole graph ("no errors", "every ministry has a Chinese label", "the
# view has as many nodes as the projection"), reviewed snapshots that `pytest --regen` rewrites
# (tests/answers/), or facts about the five articles curated so far, scoped to them: rows whose `file` is one
# of them, evidence from them, the entities they mention. `INNOGRAPH_GROWTH=1 pytest tests/test_extending.py`
# runs the suite on grown copies of the repository.
CURATED_STEMS = (
    "000_ca962a35b1daecb9",
    "001_c659c60924322da7",
    "002_ca7fe2266fdc993a",
    "003_75882ef34e9256a3",
    "004_5f4bcf8e5a1728d6",
)
CURATED_FILES = frozenset(f"{stem}.txt" for stem in CURATED_STEMS)
# Ontology terms declared ahead of the articles that will need them: `validate` warns about each (check
# term-unused). An article that uses one shrinks the set; a term that data stops using, or a new term that no
# article uses, is a warning outside it (use the term, or add it here if it is declared ahead of its articles).
UNUSED_TERMS = frozenset(
    {
        "ig:CountyBureau",
        "ig:District",
        "ig:InnovationCentre",
        "ig:MakerSpace",
        "ig:PublicServicePlatform",
        "ig:ResearchFacility",
        "ig:builtBy",
        "ig:participant",
        "ig:publishedIn",
    }
)
WARNING_RULES = frozenset({"check term-unused"})  # the only warnings the curated graph may give
CURATED_MINISTRIES = frozenset(  # the ministries the curated articles name
    f"https://w3id.org/innograph/id/{slug}"
    for slug in (
        "ministry-of-ecology-and-environment",
        "ministry-of-finance",
        "ministry-of-industry-and-information-technology",
        "ministry-of-science-and-technology",
    )
)


def from_curated(rows: list[dict], column: str = "file") -> list[dict]:
    """The rows of a query's answer that come from one of the curated articles: ``column`` holds the file name,
    as a string, a term (``.value``) or a SPARQL JSON binding (``["value"]``)."""

    def file(row: dict) -> str | None:
        cell = row.get(column)
        return cell.get("value") if isinstance(cell, dict) else getattr(cell, "value", cell)

    return [row for row in rows if file(row) in CURATED_FILES]


def ministries(kg: KnowledgeGraph) -> set[str]:
    """Every entity the graph types ig:Ministry."""
    rows = kg.query("SELECT DISTINCT ?m WHERE { ?m a <https://w3id.org/innograph/ontology#Ministry> }")
    return {row["m"].value for row in rows}


def pytest_addoption(parser):
    parser.addoption(
        "--regen",
        action="store_true",
        help="rewrite the expected query answers in tests/answers/ from the current graph (review the diff!)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "growth: runs the suite on a grown copy of the repository (minutes); runs in CI and with INNOGRAPH_GROWTH=1",
    )
    # A suite started in the background of a script inherits SIGINT ignored, and so would every command a
    # test starts (an ignored signal stays ignored across exec): the Ctrl-C tests would then wait in vain.
    # Take SIGINT back as a terminal delivers it, so that the suite behaves the same however it is started.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def regen(request) -> bool:
    return bool(request.config.getoption("--regen"))


@pytest.fixture(scope="session")
def curated() -> KnowledgeGraph:
    return load(REPO)


@pytest.fixture(scope="session")
def oxigraph(curated):
    """The embedded engine over the curated graph."""
    from innograph.engines import OxigraphEngine

    return OxigraphEngine(curated)


@pytest.fixture(scope="session")
def rdflib_engine(curated):
    """rdflib's SPARQL engine over the same graphs: the independent engine answers are compared with."""
    from innograph.engines import RdflibEngine

    return RdflibEngine(curated)


@pytest.fixture(scope="session")
def curated_report(curated) -> Report:
    return validate(curated)


@pytest.fixture(scope="session")
def curated_only(curated) -> KnowledgeGraph:
    """The curated graph without the graphs of any other article: what the five curated articles say, with
    the ontology, vocabularies, source records and reference files. Rankings over the whole network (the most
    central actors, the brokers, the shortest chain) are stated about the curated articles here; on the whole
    graph, tests state invariants. On the repository as it is, this is the whole graph."""
    files = [f for f in curated.files if f.kind != "source" or f.stem in CURATED_STEMS]
    store = ox.Store()
    for f in files:
        store.extend(curated.store.quads_for_pattern(None, None, None, ox.NamedNode(f.graph)))
    return KnowledgeGraph(project=curated.project, store=store, files=files)


@pytest.fixture(scope="session")
def curated_entities(curated) -> frozenset[str]:
    """Every entity IRI the five curated articles' graphs name, as subject or object."""
    graphs = " ".join(f"<{f.graph}>" for f in curated.files if f.kind == "source" and f.stem in CURATED_STEMS)
    rows = curated.query(
        f"""SELECT DISTINCT ?e WHERE {{ VALUES ?g {{ {graphs} }}
            GRAPH ?g {{ {{ ?e ?p ?o }} UNION {{ ?s ?p ?e }} }}
            FILTER (isIRI(?e) && STRSTARTS(STR(?e), "https://w3id.org/innograph/id/") && !CONTAINS(STR(?e), "#")) }}"""
    )
    return frozenset(row["e"].value for row in rows)


@dataclass
class FixtureCase:
    """A fixture file and what it says about itself in its header comments.

    ``# place: PATH``   where the file goes in the throwaway project (default kg/fixture.ttl)
    ``# text: …``       the source article's text, for quotes (default: DEFAULT_TEXT)
    ``# expect: FOCUS RULE``  a finding the file must produce; an invalid file lists every one it produces
                        (FOCUS ``-`` for a finding about a whole file)
    ``# bare``          do not give the fixture source a graph of its own (otherwise, when the file goes
                        elsewhere, kg/fixture.ttl gets one small place so that the source has facts)
    ``# records``       keep the findings of check statement-without-record, and ``# names`` those of the
                        names rule: a fixture that tests one rule leaves out the statement records its links
                        would need and the article text its alternative names would need, unless it says so
    """

    path: Path
    place: str
    text: str
    expected: set[tuple[str, str]]
    bare: bool = False
    records: bool = False
    names: bool = False


def read_case(path: Path) -> FixtureCase:
    place, text, expected, bare, records, names = "kg/fixture.ttl", DEFAULT_TEXT, set(), False, False, False
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"#\s*bare\s*$", line):
            bare = True
        elif re.match(r"#\s*records\s*$", line):
            records = True
        elif re.match(r"#\s*names\s*$", line):
            names = True
        elif match := re.match(r"#\s*place:\s*(\S+)", line):
            place = match.group(1)
        elif match := re.match(r"#\s*text:\s*(.+)", line):
            text = match.group(1)
        elif match := re.match(r"#\s*expect:\s*(\S+)\s+(\S+)", line):
            focus = "" if match.group(1) == "-" else match.group(1)
            expected.add((focus, match.group(2)))
    return FixtureCase(path, place, text, expected, bare, records, names)


def make_project(tmp_path: Path, files: dict[str, str], text: str = DEFAULT_TEXT) -> tuple[Path, Path]:
    """A project with the real ontology and checks, one fixture source, and the given extra files."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "queries" / "checks", root / "queries" / "checks")
    (root / "kg").mkdir(parents=True)
    (root / "kg" / "sources.ttl").write_text(SOURCE_RECORD, encoding="utf-8")
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "fixture.txt").write_text(text, encoding="utf-8")
    return root, sources


MINIMAL_SOURCE_GRAPH = """@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

id:fixture-city a ig:City ;
    rdfs:label "Fixture city"@en .
"""


def validate_case(tmp_path: Path, case: FixtureCase) -> Report:
    files = {case.place: case.path.read_text(encoding="utf-8")}
    if not case.bare and case.place != "kg/fixture.ttl":
        files["kg/fixture.ttl"] = MINIMAL_SOURCE_GRAPH
    root, sources = make_project(tmp_path, files, case.text)
    report = validate(load(root, sources))
    # A fixture uses a handful of the ontology's terms: the rest are unused in it, which says nothing
    # about the fixture. Unused-term warnings on the real ontology are left out; the ones a fixture
    # declares itself are kept.
    report.findings = [
        f for f in report.findings if not (f.rule == "check term-unused" and f.file == "ontology/innograph.ttl")
    ]
    # each rule has its fixtures; evidence for every link and names from the article are the rules of theirs
    if not case.records:
        report.findings = [f for f in report.findings if f.rule != "check statement-without-record"]
    if not case.names:
        report.findings = [f for f in report.findings if f.rule != "names"]
    return report


def matches(finding, focus: str, rule: str) -> bool:
    """``check:NAME`` matches that SPARQL check exactly; anything else is looked up in the finding's rule
    (a constraint component such as ``MinCountConstraintComponent``, a shape name, or ``quotes``)."""
    if finding.focus != focus:
        return False
    if rule.startswith("check:"):
        return finding.rule == f"check {rule.removeprefix('check:')}"
    return rule in finding.rule


@pytest.fixture(scope="module")
def server():
    """A plain, writable Oxigraph server on a free loopback port (union default graph): its base URL."""
    from innograph.serve import free_port, start_server, stop_server

    port = free_port()
    process = start_server(port)
    yield f"http://127.0.0.1:{port}"
    stop_server(process)
