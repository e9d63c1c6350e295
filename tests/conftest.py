"""Shared fixtures: the curated graph, loaded once, and throwaway projects built from small files."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

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


def pytest_addoption(parser):
    parser.addoption(
        "--regen",
        action="store_true",
        help="rewrite the expected query answers in tests/answers/ from the current graph (review the diff!)",
    )


@pytest.fixture(scope="session")
def regen(request) -> bool:
    return bool(request.config.getoption("--regen"))


@pytest.fixture(scope="session")
def curated() -> KnowledgeGraph:
    return load(REPO)


@pytest.fixture(scope="session")
def curated_report(curated) -> Report:
    return validate(curated)


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
