"""Findings and errors in a curator's words: what is wrong, where it was written, and what to do about it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import FIXTURES, REPO, make_project

from innograph.loader import load
from innograph.validation import validate

PREFIXES = """@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
NINGBO = PREFIXES + '\nid:ningbo a ig:City ;\n    rdfs:label "Ningbo"@en .\n'
SOURCE_RECORD = """@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/innograph/id/source/> .

src:{stem} a ig:SourceArticle ;
    rdfs:label "Fixture article"@en ;
    ig:fileName "{file}" ;
    ig:title "Fixture article"@en .
"""


def run(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def findings(tmp_path, files: dict[str, str], text: str | None = None):
    root, sources = make_project(tmp_path, files, *(() if text is None else (text,)))
    report = validate(load(root, sources))
    return [f for f in report.findings if f.rule != "check term-unused"]


# ------------------------------------------------------------------ disjoint classes


def test_a_place_typed_a_university_in_another_file_is_reported_there_with_both_classes(tmp_path):
    found = findings(
        tmp_path,
        {
            "kg/reference/places.ttl": NINGBO,
            "kg/fixture.ttl": PREFIXES + "\n# Ningbo is a university now\nid:ningbo a ig:University .\n",
        },
    )
    message = (
        "falls under ig:Agent (typed ig:University) and ig:Place (typed ig:City), which are disjoint classes: "
        "one entity cannot be both; split it into two entities or drop one type."
    )
    disjoint = sorted((f.file, f.line, f.focus, f.message) for f in found if f.rule == "check disjoint-classes")
    assert disjoint == [
        ("kg/fixture.ttl", 7, "id:ningbo", message),
        ("kg/reference/places.ttl", 6, "id:ningbo", message),
    ], found
    assert [f for f in found if f.rule != "check disjoint-classes"] == []


def test_disjoint_with_is_read_as_well_as_all_disjoint_classes(tmp_path):
    found = findings(
        tmp_path, {"kg/fixture.ttl": PREFIXES + '\nid:huang a ig:Person , ig:Enterprise ; rdfs:label "Huang"@en .\n'}
    )
    assert [f.message for f in found if f.rule == "check disjoint-classes"] == [
        "falls under ig:Organization (typed ig:Enterprise) and ig:Person (typed ig:Person), which are disjoint "
        "classes: one entity cannot be both; split it into two entities or drop one type."
    ]


# ------------------------------------------------------------------ control characters


@pytest.mark.parametrize(
    ("escape", "code"),
    [
        ("\\u001B]0;pwned\\u0007", "U+001B"),  # sets the terminal's title
        ("\\u001B[2J", "U+001B"),  # clears the screen
        ("\\u0000", "U+0000"),
        ("\\u0008", "U+0008"),
        ("\\u007F", "U+007F"),
        ("\\u009B", "U+009B"),  # C1: CSI
        ("\\u0085", "U+0085"),
        ("\\u202E", "U+202E"),  # right-to-left override
        ("\\u2066", "U+2066"),  # left-to-right isolate
        ("\\u2069", "U+2069"),
    ],
)
def test_a_control_character_in_a_literal_is_named_by_its_code_point(tmp_path, escape, code):
    turtle = PREFIXES + f'\nid:ningbo a ig:City ;\n    rdfs:label "Ningbo{escape}"@en .\n'
    found = findings(tmp_path, {"kg/fixture.ttl": turtle})
    assert [(f.file, f.focus, f.message) for f in found] == [
        (
            "kg/fixture.ttl",
            "id:ningbo",
            f"rdfs:label holds the control character {code}, which can take over a terminal or reorder the text "
            "around it: remove it.",
        )
    ]


def test_tabs_line_breaks_and_other_scripts_are_not_control_characters(tmp_path):
    turtle = PREFIXES + '\nid:ningbo a ig:City ;\n    rdfs:label "Ningbo"@en , "宁波\\t市"@zh ;\n'
    turtle += '    skos:altLabel "Ningbo\\r\\nCity\\u00A0— \\u200F"@en .\n'
    # (the article does not use that alternative name: the names rule says so, which is not this test's rule)
    assert [f for f in findings(tmp_path, {"kg/fixture.ttl": turtle}) if f.rule != "names"] == []


# ------------------------------------------------------------------ conflicting labels


def test_a_second_english_label_is_reported_where_it_was_written_with_both_labels(tmp_path):
    article = PREFIXES + '\nid:ningbo\n    a ig:City ;\n    rdfs:label\n        "Ningbo City"@en ;\n.\n'
    found = findings(tmp_path, {"kg/reference/places.ttl": NINGBO, "kg/fixture.ttl": article})
    assert sorted((f.file, f.line, f.focus, f.message, f.rule) for f in found) == [
        (
            "kg/fixture.ttl",
            9,
            "id:ningbo",
            'rdfs:label "Ningbo City"@en here conflicts with "Ningbo"@en in kg/reference/places.ttl: '
            "an entity has one label per language; keep one and make the other a skos:altLabel.",
            "check conflicting-label",
        ),
        (
            "kg/reference/places.ttl",
            7,
            "id:ningbo",
            'rdfs:label "Ningbo"@en here conflicts with "Ningbo City"@en in kg/fixture.ttl: '
            "an entity has one label per language; keep one and make the other a skos:altLabel.",
            "check conflicting-label",
        ),
    ]


def test_two_labels_in_one_language_in_the_same_file(tmp_path):
    turtle = PREFIXES + '\nid:ningbo a ig:City ;\n    rdfs:label "Ningbo"@en , "宁波"@zh , "寧波"@zh .\n'
    found = findings(tmp_path, {"kg/fixture.ttl": turtle})
    assert sorted(f.message for f in found) == [
        'rdfs:label "宁波"@zh here conflicts with "寧波"@zh in this file: '
        "an entity has one label per language; keep one and make the other a skos:altLabel.",
        'rdfs:label "寧波"@zh here conflicts with "宁波"@zh in this file: '
        "an entity has one label per language; keep one and make the other a skos:altLabel.",
    ]


def test_the_command_line_shows_both_labels_under_the_file_that_added_one(tmp_path):
    article = PREFIXES + '\nid:ningbo rdfs:label "Ningbo City"@en .\n'
    root, sources = make_project(tmp_path, {"kg/reference/places.ttl": NINGBO, "kg/fixture.ttl": article})
    result = run("validate", "--root", str(root), "--sources", str(sources))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    at = lines.index("kg/fixture.ttl")
    assert lines[at + 1].startswith("  line 6: id:ningbo")
    assert lines[at + 2].startswith('    error: rdfs:label "Ningbo City"@en here conflicts with "Ningbo"@en in kg/')


# ------------------------------------------------------------------ byte-order marks


def test_a_turtle_file_with_a_bom_is_named_in_words_and_fmt_removes_it(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": NINGBO})
    path = root / "kg" / "fixture.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + NINGBO.encode())
    result = run("validate", "--root", str(root), "--sources", str(sources))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "innograph: error: kg/fixture.ttl: starts with a byte-order mark (U+FEFF); "
        "save it as UTF-8 without BOM, or run innograph fmt"
    ]
    check = run("fmt", "--check", "--root", str(root))
    assert check.returncode == 1 and "not canonical: kg/fixture.ttl" in check.stdout, check.stdout + check.stderr
    assert run("fmt", "--root", str(root)).returncode == 0
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert run("validate", "--root", str(root), "--sources", str(sources)).returncode == 0


def test_a_source_article_with_a_bom_still_matches_its_quotes(tmp_path):
    turtle = (FIXTURES / "checks" / "quotes-valid.ttl").read_text(encoding="utf-8")
    quote_first = "\ufeffaccounted for nearly 2.8% of GDP in Ningbo, 2019."
    assert findings(tmp_path, {"kg/fixture.ttl": turtle}, quote_first) == []
    found = findings(tmp_path / "2", {"kg/fixture.ttl": turtle.replace("nearly 2.8%", "about 2.8%")}, quote_first)
    assert [f.message for f in found] == [
        'quote not found word for word in src:fixture: nearest passage: "accounted for [nearly] 2.8% of GDP…" '
        "(quote has [about])"
    ]


def test_a_source_article_that_is_not_utf8_is_a_finding_not_a_traceback(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": NINGBO})
    (sources / "fixture.txt").write_bytes("Ningb\xf6".encode("latin-1"))
    report = validate(load(root, sources))
    assert [(f.focus, f.message) for f in report.findings if f.rule == "sources"] == [
        ("src:fixture", "names file fixture.txt, which is not UTF-8 text (byte 5): save it as UTF-8")
    ]


# ------------------------------------------------------------------ source file names


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            "x.txt",
            "has no curated facts: there is no kg/x.ttl; run innograph draft ../sources/x.txt and innograph accept "
            "drafts/x.ttl, or write kg/x.ttl by hand (docs/curation.md).",
        ),
        (
            "a.txt.txt",
            "has no curated facts: there is no kg/a.txt.ttl; run innograph draft ../sources/a.txt.txt and innograph "
            "accept drafts/a.txt.ttl, or write kg/a.txt.ttl by hand (docs/curation.md).",
        ),
        (
            "x.pdf",
            'its ig:fileName "x.pdf" is not a .txt file, so no curated graph can belong to it: name the article\'s '
            "text file, such as x.txt, whose facts go in kg/x.ttl.",
        ),
    ],
)
def test_a_source_without_a_graph_names_the_file_to_create(tmp_path, file, message):
    stem = "x" if file.startswith("x") else "a"
    root, sources = make_project(tmp_path, {})
    (root / "kg" / "sources.ttl").write_text(SOURCE_RECORD.format(stem=stem, file=file), encoding="utf-8")
    (sources / file).write_text("An article.", encoding="utf-8")
    report = validate(load(root, sources))
    found = [f.message for f in report.findings if f.rule == "check source-without-graph"]
    assert found == [message]


def test_a_file_name_must_start_with_a_letter_or_digit_and_end_in_txt(tmp_path):
    root, sources = make_project(tmp_path, {})
    (root / "kg" / "sources.ttl").write_text(SOURCE_RECORD.format(stem="x", file=".x.txt"), encoding="utf-8")
    (sources / ".x.txt").write_text("An article.", encoding="utf-8")
    report = validate(load(root, sources))
    assert any(f.focus == "src:x" and "PatternConstraintComponent" in f.rule for f in report.findings)
