"""Sources are named by their citation (title, outlet, date), never by their hashed file name: in every
catalogue query's table, in `why`, in the citation that `innograph fmt` writes and `innograph validate`
checks; the file name stays an identifier, in a query's last column ``file``."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO, make_project

from innograph.catalog import catalogue
from innograph.citations import Citations, cite, in_section, show_date
from innograph.engines import OxigraphEngine
from innograph.fmt import CitationContext, format_files
from innograph.loader import load
from innograph.namespaces import IG
from innograph.query import run_query
from innograph.results import Table
from innograph.validation import validate

HASHED = re.compile(r"\d{3}_[0-9a-f]{16}(\.txt)?")
IDENTIFIERS = {"file"}  # the columns that hold a source's file name, to join on or give back as --param
QUERIES = catalogue(REPO / "queries")
PARAMS = {"search-names": {"text": "institute"}}


def cli(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def tables(curated) -> dict[str, Table]:
    """Every catalogue query that answers with a table, on the embedded engine, with its default parameters."""
    engine = OxigraphEngine(curated)
    answers = {name: run_query(query, engine, PARAMS.get(name, {})) for name, query in sorted(QUERIES.items())}
    return {name: table for name, table in answers.items() if isinstance(table, Table) and table.boolean is None}


@pytest.fixture(scope="module")
def titles(curated) -> dict[str, str]:
    """File name -> the English title of its source record."""
    rows = curated.query(f"SELECT ?f ?t WHERE {{ ?s <{IG}fileName> ?f ; <{IG}title> ?t }}")
    return {row["f"].value: row["t"].value for row in rows}


def hashed_cells(table: Table, skip: set[str] = frozenset()) -> list[tuple[str, str]]:
    return [
        (column, term.value)
        for row in table.rows
        for column, term in row.items()
        if column not in IDENTIFIERS | skip and not column.endswith("Id") and HASHED.search(term.value)
    ]


def test_tables_of_the_catalogue_are_many(tables):
    assert len(tables) >= 25  # every SELECT of the catalogue is checked below, not a few of them


def test_no_table_names_a_source_by_its_file_name(tables):
    found = {name: hashed_cells(table) for name, table in tables.items()}
    assert {name: cells[:3] for name, cells in found.items() if cells} == {}


def test_the_file_name_is_the_last_column_where_a_query_names_a_source(tables):
    for name, table in tables.items():
        if "file" in table.variables:
            assert table.variables[-1] == "file", name
            assert "citation" in table.variables, f"{name} gives a source's file name but no citation"


def test_every_citation_holds_the_title_of_its_article(tables, titles):
    checked = 0
    for name, table in tables.items():
        if "citation" not in table.variables:
            continue
        assert "file" in table.variables, f"{name}: a citation without the file name to join on"
        for row in table.rows:
            file = row["file"].value if "file" in row else None
            if file not in titles:
                continue  # a reference file's statement, or no article at all
            assert "citation" in row, f"{name}: a row from {file} without a citation"
            assert titles[file] in row["citation"].value, (name, row["citation"].value)
            checked += 1
    assert checked > 0


def test_stored_citations_are_what_the_records_make(curated):
    cite_of = Citations(curated)
    rows = list(curated.query(f"SELECT ?s ?c WHERE {{ ?s a <{IG}SourceArticle> ; <{IG}citation> ?c }}"))
    assert rows, "no source has an ig:citation: run innograph fmt"
    for row in rows:
        assert row["c"].value == cite_of.expected(row["s"].value) == cite_of(row["s"].value)


def test_citation_format():
    assert show_date("2022-04-26") == "26 April 2022"
    assert show_date("2022-08") == "August 2022"
    assert show_date("2020") == "2020"
    assert show_date("2022-13") == "2022-13"  # not a month: shown as written
    assert cite("Title", "chinadaily.com.cn", "2022-04-26") == "Title (chinadaily.com.cn, 26 April 2022)"
    assert cite("Title", None, "2019-01-28") == "Title (28 January 2019)"
    assert cite("Title", "Outlet") == "Title (Outlet)"
    assert cite("Title") == "Title"
    assert in_section("FOCUS (2022)", "A story") == "FOCUS (2022), in “A story”"


def test_why_names_the_article_by_its_citation():
    result = cli("why", "huang-zhiming")
    assert result.returncode == 0, result.stderr
    assert "Sci-tech investments stimulate innovation (28 January 2019); stated" in result.stdout
    assert not HASHED.search(result.stdout)


# ------------------------------------------------------------------ fmt writes it, validate checks it

SOURCES = """@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/innograph/id/source/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

src:fixture a ig:SourceArticle ;
    rdfs:label "Fixture article"@en ;
    ig:fileName "fixture.txt" ;
    ig:title "Fixture article"@en {date} .
"""
OUTLET = """@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/innograph/id/source/> .

id:fixture-daily a ig:MediaOrganization ; rdfs:label "Fixture Daily"@en .
src:fixture ig:publisher id:fixture-daily .
"""
CITATION_RULE = "check source-citation"


def citation_findings(root, sources):
    return [f for f in validate(load(root, sources)).findings if f.rule == CITATION_RULE]


@pytest.mark.parametrize(
    ("date", "outlet", "expected"),
    [
        ('"2022-04-26"^^xsd:date', True, "Fixture article (Fixture Daily, 26 April 2022)"),
        ('"2022-08"^^xsd:gYearMonth', False, "Fixture article (August 2022)"),
        ('"2020"^^xsd:gYear', True, "Fixture article (Fixture Daily, 2020)"),
        (None, True, "Fixture article (Fixture Daily)"),
    ],
    ids=["day-outlet", "month", "year-outlet", "outlet-only"],
)
def test_validate_asks_for_the_citation_that_fmt_then_writes(tmp_path, date, outlet, expected):
    files = {"kg/sources.ttl": SOURCES.format(date=f"; ig:date {date}" if date else "")}
    if outlet:
        files["kg/fixture.ttl"] = OUTLET
    root, sources = make_project(tmp_path, files)
    before = citation_findings(root, sources)
    assert [(f.file, f.focus) for f in before] == [("kg/sources.ttl", "src:fixture")]
    assert before[0].message == (
        f"the source has no ig:citation; it should read “{expected}” (title, outlet, date): "
        "run innograph fmt, which writes it."
    )
    outcomes = format_files([root / "kg" / "sources.ttl"], str, check=False, context=CitationContext(root))
    assert outcomes[0].changed and outcomes[0].cited == ("https://w3id.org/innograph/id/source/fixture",)
    assert f'ig:citation "{expected}"@en' in (root / "kg" / "sources.ttl").read_text(encoding="utf-8")
    assert citation_findings(root, sources) == []  # the SPARQL check and citations.py agree


def test_a_stale_citation_is_flagged_with_the_text_it_should_read(tmp_path):
    stale = SOURCES.format(date='; ig:date "2019-01-28"^^xsd:date ; ig:citation "Fixture article (2019-01-28)"@en')
    root, sources = make_project(tmp_path, {"kg/sources.ttl": stale})
    found = citation_findings(root, sources)
    line = next(n for n, text in enumerate(stale.splitlines(), 1) if "ig:citation" in text)  # where it is written
    assert [(f.file, f.line, f.focus) for f in found] == [("kg/sources.ttl", line, "src:fixture")]
    assert found[0].message == (
        "ig:citation reads “Fixture article (2019-01-28)”; it should read “Fixture article (28 January 2019)” "
        "(title, outlet, date): run innograph fmt, which writes it."
    )


def test_a_source_with_only_a_title_needs_no_citation_yet(tmp_path):
    root, sources = make_project(tmp_path, {})  # the fixture source: a title, no date, no outlet
    assert citation_findings(root, sources) == []


# ------------------------------------------------------------------ fmt --check


def test_fmt_check_counts_the_canonical_files_and_names_a_stale_citation(tmp_path):
    root, _sources = make_project(tmp_path, {"kg/sources.ttl": SOURCES.format(date='; ig:date "2020"^^xsd:gYear')})
    check = cli("fmt", "--check", "--root", str(root))
    assert check.returncode == 1
    assert check.stdout == ("not canonical: kg/sources.ttl (ig:citation missing or out of date: src:fixture)\n")
    assert cli("fmt", "--root", str(root)).returncode == 0
    count = len(list((root / "ontology").rglob("*.ttl"))) + len(list((root / "kg").rglob("*.ttl")))
    again = cli("fmt", "--check", "--root", str(root))
    assert (again.returncode, again.stdout) == (0, f"{count} files canonical\n")
    one = cli("fmt", "--check", "--root", str(root), str(root / "kg" / "sources.ttl"))
    assert (one.returncode, one.stdout) == (0, "1 file canonical\n")


def test_the_repository_is_canonical_with_its_citations():
    result = cli("fmt", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(r"\d+ files canonical\n", result.stdout)


# ------------------------------------------------------------------ innograph new source


def test_new_source_scaffolds_title_date_address_and_a_todo_that_validate_flags(tmp_path):
    article = "Home>News\n\nRiverton opens a centre\n\nriverton.example|Updated:April 26, 2022\n\nText.\n"
    root, sources = make_project(tmp_path, {})
    (sources / "900_new.txt").write_text(article + "\nhttps://riverton.example/news/900.html\n", encoding="utf-8")
    result = cli("new", "source", str(sources / "900_new.txt"), "--root", str(root), "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    record = (root / "kg" / "sources.ttl").read_text(encoding="utf-8")
    assert 'ig:title "Riverton opens a centre"@en' in record
    assert 'ig:date "2022-04-26"^^xsd:date' in record
    assert 'schema:url "https://riverton.example/news/900.html"^^xsd:anyURI' in record
    assert 'ig:citation "Riverton opens a centre (26 April 2022)"@en' in record
    assert "TODO: innograph new source guessed" in record and "ig:publisher" in record
    rules = {f.rule for f in validate(load(root, sources)).findings if f.focus == "src:900_new"}
    assert rules == {"check source-placeholder", "check source-without-graph"}
