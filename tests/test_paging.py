"""Answers shown in pages: a query whose answer grows with the graph (its ``# page:`` line) is shown in a
terminal one page at a time, with the number of rows of the whole answer; every page is a slice of the
whole answer, in its order, which is the same on every engine; --all, md, csv and json give every row."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO

from innograph.catalog import catalogue, parse_query
from innograph.errors import InputError, UsageError
from innograph.params import query_form
from innograph.query import choose_page, default_page, run_query
from innograph.results import Page, Table

QUERIES = catalogue(REPO / "queries")
PAGED = sorted(name for name, query in QUERIES.items() if query.page_size)
# the paged queries with the longest answers on the curated graph: more than one page of 5 rows each
LONG = ["curator-notes", "single-source-entities", "targets-due"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_page_arithmetic():
    assert (Page(1, 100).start, Page(1, 100).stop) == (0, 100)
    assert (Page(3, 5).start, Page(3, 5).stop) == (10, 15)
    assert [Page(1, 5).count(n) for n in (0, 1, 5, 6, 10, 11)] == [1, 1, 1, 2, 2, 3]
    for number, size in ((0, 5), (1, 0), (-1, 5)):
        with pytest.raises(ValueError):
            Page(number, size)


def test_the_queries_that_grow_with_the_graph_are_shown_in_pages():
    assert set(LONG) <= set(PAGED)
    for name in PAGED:
        assert query_form(QUERIES[name].text) == "SELECT", f"{name}: only the rows of a SELECT come in pages"
        assert default_page(QUERIES[name], "table") == Page(1, QUERIES[name].page_size)
        for fmt in ("md", "csv", "json"):  # saved and read whole
            assert default_page(QUERIES[name], fmt) is None
    assert default_page(QUERIES["document-issuers"]) is None  # not marked: every row


@pytest.mark.parametrize("name", PAGED)
def test_a_paged_query_has_one_order_on_every_engine(name, oxigraph, rdflib_engine):
    """Each page is a run of the whole query: ties in its ORDER BY, which engines (or two runs of one) may
    break differently, would make pages overlap or skip rows. The order ends with the identifiers."""
    given = {"text": "institute"} if name == "search-names" else {}
    ours, theirs = run_query(QUERIES[name], oxigraph, given), run_query(QUERIES[name], rdflib_engine, given)
    assert ours.rows == theirs.rows


@pytest.mark.parametrize("name", LONG)
def test_pages_are_slices_of_the_whole_answer_in_its_order(name, oxigraph, rdflib_engine):
    whole = run_query(QUERIES[name], oxigraph)
    assert len(whole.rows) > 10, f"{name} no longer has three pages of 5 rows on the curated graph: pick another"
    pages, number = [], 1
    while True:  # every page on Oxigraph, which converts only the page's rows and counts the others
        page = run_query(QUERIES[name], oxigraph, page=Page(number, 5))
        assert page.page == Page(number, 5) and page.total == len(whole.rows), number
        assert page.variables == whole.variables
        assert page.rows == whole.rows[(number - 1) * 5 : number * 5], number
        pages += page.rows
        if page.page.stop >= page.total:
            break
        number += 1
    assert pages == whole.rows and number == Page(1, 5).count(len(whole.rows))
    # rdflib's engine (slow: a page is a run of the whole query) pages its own answer the same way
    reference = run_query(QUERIES[name], rdflib_engine).rows
    for number in (2, Page(1, 5).count(len(reference))):
        page = run_query(QUERIES[name], rdflib_engine, page=Page(number, 5))
        assert page.total == len(reference) and page.rows == reference[(number - 1) * 5 : number * 5]


def test_a_page_past_the_last_is_refused_with_the_number_of_pages(oxigraph):
    total = len(run_query(QUERIES["curator-notes"], oxigraph).rows)
    last = Page(1, 7).count(total)
    assert run_query(QUERIES["curator-notes"], oxigraph, page=Page(last, 7)).rows  # the last page has rows
    with pytest.raises(UsageError) as error:
        run_query(QUERIES["curator-notes"], oxigraph, page=Page(last + 1, 7))
    assert str(error.value) == f"page {last + 1} is past the end: curator-notes has {total:,} rows, {last:,} pages of 7"


def test_an_empty_answer_has_one_page_with_no_rows(oxigraph):
    empty = parse_query("SELECT ?x WHERE { ?x a ig:NoSuchClass }", "empty")
    page = run_query(empty, oxigraph, page=Page(1, 10))
    assert page.rows == [] and page.total == 0 and page.page_note() is None
    assert page.render("table").splitlines()[-1] == "(0 rows)"
    with pytest.raises(UsageError, match=r"^page 2 is past the end: empty has 0 rows, 1 page of 10$"):
        run_query(empty, oxigraph, page=Page(2, 10))


def test_the_footer_says_which_rows_of_how_many_and_how_to_go_on():
    rows = [{} for _ in range(250)]
    first = Table(["x"], rows).paged(Page(1, 100))
    assert first.page_note() == "(rows 1 to 100 of 250: --page 2 shows the next 100; every row: --all)"
    second = Table(["x"], rows).paged(Page(2, 100))
    assert second.page_note() == "(rows 101 to 200 of 250: --page 3 shows the next 50; every row: --all)"
    last = Table(["x"], rows).paged(Page(3, 100))
    assert last.page_note() == "(rows 201 to 250 of 250: the last page; every row: --all)"
    assert len(last.rows) == 50 and last.render("table").splitlines()[-1] == last.page_note()
    assert last.render("md").splitlines()[-1] == last.page_note()
    assert Table(["x"], rows[:30]).paged(Page(1, 100)).page_note() is None  # it all fits: "(30 rows)"
    # a size that is not the query's usual one is part of the way to the next page
    sized = Table(["x"], rows).paged(Page(1, 7, sized=True))
    assert sized.page_note() == "(rows 1 to 7 of 250: --page 2 --page-size 7 shows the next 7; every row: --all)"
    assert Table(["x"], rows).paged(Page(250, 1)).page_note() == "(row 250 of 250: the last page; every row: --all)"
    with pytest.raises(ValueError, match="a page already"):
        first.paged(Page(2, 10))


def test_choosing_a_page(oxigraph):
    notes, issuers = QUERIES["curator-notes"], QUERIES["document-issuers"]
    assert choose_page(notes) == Page(1, notes.page_size)  # the table, by default
    assert choose_page(notes, fmt="md") is None and choose_page(notes, every=True) is None
    assert choose_page(notes, 3) == Page(3, notes.page_size) and not choose_page(notes, 3).sized
    assert choose_page(notes, None, 7) == Page(1, 7) and choose_page(notes, None, 7).sized
    assert choose_page(issuers) is None and choose_page(issuers, 2) == Page(2, 100)
    for number, size, message in ((0, None, "--page takes a whole number from 1, not 0"),
                                  (None, -1, "--page-size takes a whole number from 1, not -1"),
                                  ("2", None, "--page takes a whole number from 1, not '2'"),
                                  (True, None, "--page takes a whole number from 1, not True"),
                                  (2.0, None, "--page takes a whole number from 1, not 2.0")):  # fmt: skip
        with pytest.raises(UsageError, match=f"^{message}$"):
            choose_page(notes, number, size)  # the messages hold no pattern characters but the anchors
    with pytest.raises(UsageError, match=r"^--all shows every row; give it without --page and --page-size$"):
        choose_page(notes, None, 5, every=True)
    with pytest.raises(UsageError, match=r"cut the rows of a SELECT into pages; neighbourhood is a CONSTRUCT$"):
        choose_page(QUERIES["neighbourhood"], 2)
    with pytest.raises(UsageError, match=r"; is-located-in is an ASK$"):
        choose_page(QUERIES["is-located-in"], None, 3)


def test_a_page_line_on_a_query_that_has_no_rows_is_refused():
    text = "# title: T\n# description: D\n# page: 10\nASK { ?s ?p ?o }\n"
    with pytest.raises(
        InputError, match="'# page:' cuts the rows of a SELECT into pages; this query is an ASK"
    ) as error:
        parse_query(text, "q", shown_as="queries/q.rq")
    assert error.value.line == 3


@pytest.mark.parametrize(
    ("line", "problem"), [("# page: 0", "'0'"), ("# page: ten", "'ten'"), ("# page: -5", "'-5'"), ("# page:", "''")]
)
def test_a_malformed_page_line_names_the_file_and_line(line, problem):
    text = f"# title: T\n# description: D\n{line}\nSELECT * WHERE {{ ?s ?p ?o }}\n"
    with pytest.raises(InputError) as error:
        parse_query(text, "q", shown_as="queries/q.rq")
    assert error.value.path == "queries/q.rq" and error.value.line == 3
    assert f"malformed '# page:' line: {problem}" in str(error.value)
    assert parse_query(text.replace(line, "# page: 25"), "q").page_size == 25


def test_kg_run_gives_a_page_and_the_total(curated):
    whole = curated.run("curator-notes")
    page = curated.run("curator-notes", page=2, page_size=4)
    assert page.total == len(whole.rows) and page.rows == whole.rows[4:8]
    default_size = curated.run("single-source-entities", page=1)
    assert default_size.page == Page(1, QUERIES["single-source-entities"].page_size)
    assert len(curated.run("curator-notes").rows) == page.total  # every row unless a page is asked for
    for bad, message in (
        ({"page": 0}, "page takes"),
        ({"page_size": 0}, "page_size takes"),
        ({"page": "2"}, "not '2'"),
    ):
        with pytest.raises(UsageError, match=message):
            curated.run("curator-notes", **bad)
    with pytest.raises(UsageError, match=r"^page and page_size cut the rows of a SELECT into pages"):
        curated.run("neighbourhood", entity="ningbo", page=2)


# ------------------------------------------------------------------ the command line


def test_the_command_shows_the_first_page_and_the_total_by_default():
    full = json.loads(cli("query", "curator-notes", "--format", "json").stdout)["results"]["bindings"]
    size = QUERIES["curator-notes"].page_size
    assert len(full) > size, "curator-notes no longer fills a page on the curated graph: pick another query"
    shown = cli("query", "curator-notes")
    assert shown.returncode == 0, shown.stderr
    footer = shown.stdout.splitlines()[-1]
    following = min(size, len(full) - size)
    assert footer == f"(rows 1 to {size} of {len(full):,}: --page 2 shows the next {following}; every row: --all)"
    everything = cli("query", "curator-notes", "--all")
    assert everything.stdout.splitlines()[-1] == f"({len(full):,} rows)"
    # md, csv and json, which are saved and read whole, are whole unless a page is asked for
    assert len(cli("query", "curator-notes", "--format", "csv").stdout.splitlines()) == len(full) + 1
    assert len(cli("query", "curator-notes", "--format", "md").stdout.splitlines()) == len(full) + 2


def test_the_way_to_the_next_page_that_the_footer_gives_works():
    full = json.loads(cli("query", "curator-notes", "--format", "json").stdout)["results"]["bindings"]
    first = cli("query", "curator-notes", "--page-size", "7")
    footer = first.stdout.splitlines()[-1]
    assert footer.startswith("(rows 1 to 7 of ") and "--page 2 --page-size 7 shows the next 7" in footer
    options = footer.split(": ", 1)[1].split(" shows")[0].split()  # ["--page", "2", "--page-size", "7"]
    following = cli("query", "curator-notes", "--format", "json", *options)
    assert json.loads(following.stdout)["results"]["bindings"] == full[7:14]


def test_the_command_shows_the_page_asked_for():
    full = json.loads(cli("query", "single-source-entities", "--format", "json").stdout)["results"]["bindings"]
    third = cli("query", "single-source-entities", "--format", "json", "--page", "3", "--page-size", "7")
    assert third.returncode == 0, third.stderr
    assert json.loads(third.stdout)["results"]["bindings"] == full[14:21]
    # a query that is not marked is paged only when asked
    issuers = cli("query", "document-issuers", "--format", "json", "--page-size", "1")
    assert len(json.loads(issuers.stdout)["results"]["bindings"]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--page", "0"], "--page takes a whole number from 1, not 0"),
        (["--page-size", "-3"], "--page-size takes a whole number from 1, not -3"),
        (["--all", "--page", "2"], "--all shows every row; give it without --page and --page-size"),
        (["--page", "100000"], "page 100,000 is past the end: curator-notes has "),
        (["--all", "--page-size", "5"], "--all shows every row; give it without --page and --page-size"),
    ],
)
def test_a_bad_page_is_one_line_and_a_nonzero_exit(args, message):
    result = cli("query", "curator-notes", *args)
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_a_graph_or_a_yes_has_no_pages():
    result = cli("query", "neighbourhood", "--page", "2")
    assert result.returncode == 1 and result.stdout == ""
    assert "--page and --page-size cut the rows of a SELECT into pages; neighbourhood is a CONSTRUCT" in result.stderr
    result = cli("query", "is-located-in", "--page-size", "2")
    assert result.returncode == 1 and "is-located-in is an ASK" in result.stderr


def test_the_listing_says_which_queries_come_in_pages():
    listing = json.loads(cli("queries", "--format", "json").stdout)
    assert {q["name"]: q["page_size"] for q in listing} == {n: q.page_size for n, q in QUERIES.items()}
    lines = cli("queries").stdout.splitlines()
    for name in QUERIES:
        line = next(line for line in lines if line.startswith(f"{name} "))
        assert ("(pages of " in line) == bool(QUERIES[name].page_size), line
