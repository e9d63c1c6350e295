"""Statement records: the scaffold writes them by the naming rule, validation requires them, and
`innograph why` and `innograph stats` read them back."""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
from conftest import make_project

from innograph.loader import load
from innograph.records import PLACEHOLDER, record_iri, suggestions
from innograph.validation import validate

TEXT = (
    "Ningbo, a port city in Zhejiang Province, raised its R&D spending. "
    'The bureau said the plan, titled "Innovation 2025: a road map for the next five years", starts in 2021.'
)
GRAPH = """@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:zhejiang a ig:Province ; rdfs:label "Zhejiang Province"@en .
id:ningbo a ig:City ; rdfs:label "Ningbo"@en ; ig:locatedIn id:zhejiang .
id:plan a ig:Plan ; rdfs:label "Innovation 2025: a road map for the next five years"@en ;
    ig:scope id:ningbo ; ig:periodStart "2021"^^xsd:gYear .
"""


def run(*args, root, sources):
    command = [sys.executable, "-m", "innograph", *args, "--root", str(root), "--sources", str(sources)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def rules(report) -> dict[str, int]:
    counted: dict[str, int] = {}
    for finding in report.errors:
        counted[finding.rule] = counted.get(finding.rule, 0) + 1
    return counted


def test_record_names_follow_the_rule():
    subject = "https://w3id.org/innograph/id/ningbo"
    assert record_iri(subject, "https://w3id.org/innograph/ontology#locatedIn",
                      ox.NamedNode("https://w3id.org/innograph/id/zhejiang"), "004_x") == (
        f"{subject}#004_x.locatedIn.zhejiang")  # fmt: skip
    year = ox.Literal("2021", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    assert record_iri(subject, "https://w3id.org/innograph/ontology#periodStart", year, "s").endswith(
        "#s.periodStart.2021"
    )
    long = record_iri(subject, "https://w3id.org/innograph/ontology#title", ox.Literal("A long title: yes"), "s")
    assert long.endswith("#s.title.v" + __import__("hashlib").sha1(b"A long title: yes").hexdigest()[:8])


def test_suggestions_are_sentences_that_name_both_ends():
    found = suggestions(TEXT, ["Ningbo"], ["Zhejiang Province", "Zhejiang"])
    assert found == ["Ningbo, a port city in Zhejiang Province, raised its R&D spending."]
    assert suggestions(TEXT, ["Ningbo"], ["Beijing"]) == []


def test_scaffolded_records_are_required_named_by_the_rule_and_filled_to_a_clean_graph(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": GRAPH}, text=TEXT)
    before = rules(validate(load(root, sources)))
    assert before.get("check statement-without-record") == 3  # locatedIn, scope, periodStart

    result = run("new", "records", str(root / "kg" / "fixture.ttl"), root=root, sources=sources)
    assert result.returncode == 0, result.stderr
    assert "3 statement record(s) added" in result.stdout
    written = (root / "kg" / "fixture.ttl").read_text(encoding="utf-8")
    assert "# suggested: Ningbo, a port city in Zhejiang Province, raised its R&D spending." in written

    placeholders = rules(validate(load(root, sources)))
    assert "check statement-without-record" not in placeholders and "check record-iri" not in placeholders
    assert placeholders.get("quotes") == 3  # a TODO quote is not in the article: rejected until replaced

    filled = (
        written.replace(PLACEHOLDER, "Ningbo, a port city in Zhejiang Province", 1)
        .replace(PLACEHOLDER, "starts in 2021", 1)
        .replace(PLACEHOLDER, "Ningbo, a port city in Zhejiang Province", 1)
    )
    (root / "kg" / "fixture.ttl").write_text(filled, encoding="utf-8")
    assert run("fmt", root=root, sources=sources).returncode == 0
    report = validate(load(root, sources))
    assert report.errors == [], report.to_text()
    again = run("new", "records", str(root / "kg" / "fixture.ttl"), root=root, sources=sources)
    assert "0 statement record(s) added" in again.stdout


def test_a_record_goes_only_in_an_article_graph(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": GRAPH}, text=TEXT)
    result = run("new", "records", str(root / "kg" / "sources.ttl"), root=root, sources=sources)
    assert result.returncode == 1
    assert "records go in an article's graph file" in result.stderr


def _with_records(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": GRAPH}, text=TEXT)
    run("new", "records", str(root / "kg" / "fixture.ttl"), root=root, sources=sources)
    path = root / "kg" / "fixture.ttl"
    text = path.read_text(encoding="utf-8")
    text = text.replace(PLACEHOLDER, "Ningbo, a port city in Zhejiang Province", 1)
    text = text.replace(f'"{PLACEHOLDER}"@en .', '"starts in 2021"@en ; '
                        '<https://w3id.org/innograph/ontology#inferred> true ; '
                        '<https://w3id.org/innograph/ontology#curatorNote> "The bureau speaks for the city."@en .',
                        1)  # fmt: skip
    path.write_text(text, encoding="utf-8")
    return root, sources


def test_why_shows_the_quote_the_article_and_stated_or_inferred(tmp_path):
    root, sources = _with_records(tmp_path)
    located = run("why", "ningbo", "located in", "zhejiang", root=root, sources=sources)
    assert located.returncode == 0, located.stderr
    assert located.stdout.splitlines() == [
        "Ningbo —located in→ Zhejiang Province",
        "  “Ningbo, a port city in Zhejiang Province”",
        "  Fixture article; stated",
    ]
    plan = json.loads(run("why", "plan", "--format", "json", root=root, sources=sources).stdout)
    by_property = {row["property"]: row for row in plan}
    assert by_property["period start"]["inferred"] is True
    assert by_property["period start"]["note"] == "The bureau speaks for the city."
    assert by_property["scope"]["quote"] is None  # its record still holds the TODO: no evidence yet
    missing = run("why", "ningbo", "ig:scope", root=root, sources=sources)
    assert missing.returncode == 1 and missing.stdout.strip() == "no such statement"


def test_stats_reports_evidence_per_article(tmp_path):
    root, sources = _with_records(tmp_path)
    stats = json.loads(run("stats", "--format", "json", root=root, sources=sources).stdout)
    row = next(r for r in stats["by_file"] if r["file"] == "kg/fixture.ttl")
    assert (row["statements"], row["recorded"]) == (3, 2)
    assert row["evidence"] == "2/3 (66%)"
