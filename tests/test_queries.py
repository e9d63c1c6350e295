"""The query catalogue: every query's answer on the curated graph, the same on rdflib's engine as on
Oxigraph, parameters bound safely, and each error a user can make."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO, from_curated, ministries

from innograph.catalog import catalogue, resolve
from innograph.engines import EndpointEngine
from innograph.errors import EndpointError, InputError, UsageError
from innograph.params import bind, where_brace
from innograph.query import run_query
from innograph.results import Page, Table, Term

QUERIES = catalogue(REPO / "queries")
ANSWERS = Path(__file__).resolve().parent / "answers"


def graph_answer(turtle: bytes) -> list[str]:
    """A CONSTRUCT answer as sorted N-Triples lines, for comparison."""
    return sorted(str(t) for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE))


def test_catalogue_has_at_least_25_documented_queries():
    assert len(QUERIES) >= 25
    for query in QUERIES.values():
        assert query.title and query.description, f"{query.name} lacks a title or description"
        assert query.examples, f"{query.name} has no example"
        assert all(p.doc for p in query.params if p.kind != "lang"), f"{query.name}: undocumented parameter"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_answer_on_the_curated_graph(name, oxigraph, regen):
    """Each query's answer equals the reviewed answer in tests/answers/ (SPARQL JSON results, or Turtle
    for CONSTRUCT); `pytest --regen` rewrites them from the current graph."""
    query = QUERIES[name]
    given = {"text": "institute"} if name == "search-names" else {}
    result = run_query(query, oxigraph, given)
    suffix = ".srj" if isinstance(result, Table) else ".ttl"
    expected_file = ANSWERS / f"{name}{suffix}"
    if regen:
        ANSWERS.mkdir(exist_ok=True)
        text = result.to_json() + "\n" if isinstance(result, Table) else result.decode("utf-8")
        expected_file.write_text(text, encoding="utf-8")
    assert expected_file.exists(), f"no expected answer for {name}; run pytest --regen and review it"
    if isinstance(result, Table):
        expected = Table.from_json(expected_file.read_text(encoding="utf-8"))
        assert result.variables == expected.variables
        assert result.boolean == expected.boolean
        assert result.normalised() == expected.normalised()
        assert result.rows or result.boolean is not None, f"{name} answers nothing on the curated graph"
    else:
        assert graph_answer(result) == graph_answer(expected_file.read_bytes())


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_same_answer_on_rdflib_and_oxigraph(name, oxigraph, rdflib_engine):
    query = QUERIES[name]
    given = {"text": "institute"} if name == "search-names" else {}
    a = run_query(query, oxigraph, given)
    b = run_query(query, rdflib_engine, given)
    if isinstance(a, Table):
        assert a.normalised() == b.normalised()
    else:
        assert graph_answer(a) == graph_answer(b)


@pytest.mark.parametrize(
    ("name", "params", "column", "expected"),
    [
        (
            "document-issuers",
            {"document": "notification-on-sme-digital-transformation-2022-2025"},
            "issuer",
            ["Ministry of Finance", "Ministry of Industry and Information Technology"],
        ),
        (
            "programmes-by-actor",
            {"actor": "MIIT"},
            "programme",
            ["Notification on supporting the digital transformation of small and medium-sized enterprises (2022-2025)"],
        ),
        (
            "institutes-and-parents",
            {"place": "宁波"},
            "parent",
            [
                "Beihang University",
                "Dalian University of Technology",
                "Institute of Microelectronics of the Chinese Academy of Sciences",
                "China Academy of Machinery Science & Technology",
            ],
        ),
        ("located-in-place", {"place": "hubei"}, "thing", ["Wuhan", "Chenhu Wetland Nature Reserve"]),
        ("indicator-across-places", {"indicator": "ind:share-of-firms-with-rd"}, "subject", ["Xining", "Yinchuan"]),
        ("search-names", {"text": "宁波市科学"}, "entity", ["Ningbo Municipal Bureau of Science and Technology"]),
    ],
)
def test_parameters_change_the_answer(oxigraph, rdflib_engine, curated_entities, name, params, column, expected):
    """Each answer holds exactly the expected rows of the curated articles: rows from their files, or (where
    a query names no file) about the entities they name; later articles add rows of their own."""
    for engine in (oxigraph, rdflib_engine):
        table = run_query(QUERIES[name], engine, params)
        if "file" in table.variables:
            rows = from_curated(table.rows)
        else:
            rows = [r for r in table.rows if r[f"{column}Id"].value in curated_entities]
        assert sorted(r[column].value for r in rows if column in r) == sorted(expected), engine.name


def test_labels_follow_the_requested_language(oxigraph):
    zh = from_curated(run_query(QUERIES["document-issuers"], oxigraph, {}, lang="zh").rows)
    assert sorted(r["issuer"].value for r in zh) == ["科学技术部", "财政部"]
    # no Chinese label for the plan: the English one stands in
    assert zh[0]["documentName"].value.startswith("Action Plan for Enhancing")
    # labels of optional values follow the language too
    in_force = run_query(QUERIES["programmes-in-force"], oxigraph, {"year": "2022"}, lang="zh")
    assert {r["by"].value for r in in_force.rows if "by" in r} >= {"科学技术部", "财政部", "工业和信息化部"}
    assert {r["scope"].value for r in in_force.rows if "scope" in r} >= {"中国", "西宁市"}
    platforms = run_query(QUERIES["platforms-in-place"], oxigraph, {}, lang="zh")
    assert "国家级" in {r["level"].value for r in platforms.rows if "level" in r}


def test_ask_and_year_parameters(oxigraph):
    assert run_query(QUERIES["is-located-in"], oxigraph, {"thing": "wuhan", "place": "hubei"}).boolean is True
    assert run_query(QUERIES["is-located-in"], oxigraph, {"thing": "wuhan", "place": "ningxia"}).boolean is False
    in_2020 = from_curated(run_query(QUERIES["programmes-in-force"], oxigraph, {"year": "2020"}).rows)
    assert {r["programme"].value for r in in_2020} == {
        "Three-year action plan (2018-2020) for promoting sci-tech inputs (Ningbo)"
    }


HOSTILE = 'x" } ; DROP ALL ; #'


def test_hostile_parameter_is_one_plain_literal(curated, oxigraph):
    before = len(curated.store)
    table = run_query(QUERIES["search-names"], oxigraph, {"text": HOSTILE})
    assert table.rows == []
    assert len(curated.store) == before
    bound = bind(QUERIES["search-names"].text, {"text": Term("literal", HOSTILE)})
    assert 'VALUES (?text) { ("x\\" } ; DROP ALL ; #") }' in bound
    # the text still parses as one SELECT with the literal intact
    solutions = curated.query(bound[: bound.rindex("ORDER BY")])
    assert list(solutions) == []


def test_hostile_parameter_through_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "innograph", "query", "search-names", "--param", f"text={HOSTILE}", "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"] == []
    stats = subprocess.run(
        [sys.executable, "-m", "innograph", "validate"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert stats.returncode == 0


def test_hostile_entity_label_is_looked_up_safely(oxigraph):
    with pytest.raises(UsageError, match="no entity "):
        run_query(QUERIES["entity-profile"], oxigraph, {"entity": HOSTILE})


def test_values_block_goes_into_the_where_group_of_each_query_form():
    select = "PREFIX ex: <http://e/#{x}>\n# a { comment\nSELECT ?a WHERE { ?a ?b '{' }"
    assert select[where_brace(select) - 1 :].startswith("{ ?a")
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert construct[: where_brace(construct)].endswith("WHERE {")
    short = "CONSTRUCT WHERE { ?s ?p ?o }"
    assert short[: where_brace(short)].endswith("WHERE {")
    ask = "ASK { ?s ?p ?o }"
    assert ask[: where_brace(ask)] == "ASK {"


# ------------------------------------------------------------------ errors


def test_unknown_query_suggests_close_names():
    with pytest.raises(UsageError, match="did you mean document-issuers"):
        resolve("document-issuer", REPO / "queries")


def test_missing_and_unknown_parameters_name_what_the_query_takes(oxigraph):
    with pytest.raises(UsageError, match=r"needs --param text=VALUE; it takes: text \(string\) \(required\)"):
        run_query(QUERIES["search-names"], oxigraph, {})
    with pytest.raises(UsageError, match=r"has no parameter plan; (did you mean \w+\? )?it takes: document \(entity\)"):
        run_query(QUERIES["document-issuers"], oxigraph, {"plan": "x"})
    with pytest.raises(UsageError, match="not a year"):
        run_query(QUERIES["programmes-in-force"], oxigraph, {"year": "last year"})


def test_syntax_error_gives_file_line_and_column(tmp_path, oxigraph, rdflib_engine):
    path = tmp_path / "broken.rq"
    path.write_text("# title: broken\nSELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER (?z > )\n}\n", encoding="utf-8")
    for engine in (oxigraph, rdflib_engine):
        with pytest.raises(InputError) as caught:
            run_query(resolve(str(path), REPO / "queries"), engine)
        message = str(caught.value)
        assert message.startswith(f"{path}:4:"), message
        assert "SPARQL syntax error" in message


def test_updates_are_refused(oxigraph):
    from innograph.catalog import parse_query

    with pytest.raises(UsageError, match="updates are not run"):
        run_query(parse_query("DROP ALL", "drop"), oxigraph)


def test_unreachable_endpoint_fails_fast_with_one_line():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "innograph",
            "query",
            "document-issuers",
            "--endpoint",
            f"http://127.0.0.1:{port}/sparql",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot reach the endpoint" in result.stderr


def test_silent_endpoint_times_out():
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        engine = EndpointEngine(f"http://127.0.0.1:{listener.getsockname()[1]}/sparql", timeout=0.5)
        with pytest.raises(EndpointError, match=r"no answer within 0\.5 s"):
            engine.run("SELECT * WHERE { ?s ?p ?o }")
    finally:
        listener.close()


# ------------------------------------------------------------------ a real SPARQL protocol round trip


class _Endpoint(BaseHTTPRequestHandler):
    store: ox.Store

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))
        try:
            result = self.store.query(form["query"][0], use_default_graph_as_union=True)
        except SyntaxError as error:
            self.send_response(400)
            self.end_headers()
            self.wfile.write(str(error).encode())
            return
        if isinstance(result, ox.QueryTriples):
            body, kind = ox.serialize(list(result), format=ox.RdfFormat.TURTLE), "text/turtle"
        else:
            body, kind = result.serialize(format=ox.QueryResultsFormat.JSON), "application/sparql-results+json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def endpoint(curated):
    handler = type("Handler", (_Endpoint,), {"store": curated.store})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()


@pytest.mark.parametrize("name", ["document-issuers", "targets-due", "neighbourhood", "is-located-in", "search-names"])
def test_endpoint_gives_the_embedded_answer(endpoint, oxigraph, name):
    given = {"text": "bureau"} if name == "search-names" else {}
    remote = run_query(QUERIES[name], EndpointEngine(endpoint), given)
    local = run_query(QUERIES[name], oxigraph, given)
    if isinstance(local, Table):
        assert remote.normalised() == local.normalised() and remote.boolean == local.boolean
    else:
        assert graph_answer(remote) == graph_answer(local)


def test_endpoint_answer_comes_in_pages_too(endpoint):
    remote = EndpointEngine(endpoint)
    whole = run_query(QUERIES["targets-due"], remote)
    page = run_query(QUERIES["targets-due"], remote, page=Page(2, 4))
    assert len(whole.rows) > 8 and page.total == len(whole.rows) and page.rows == whole.rows[4:8]


def test_endpoint_rejecting_a_query_is_reported(endpoint):
    with pytest.raises(InputError, match="the endpoint rejected the query"):
        EndpointEngine(endpoint).run("SELECT ?x WHERE { ?x }")


# ------------------------------------------------------------------ the command line


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=REPO, capture_output=True, text=True, timeout=60
    )


def test_queries_lists_the_catalogue():
    result = cli("queries")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(QUERIES)
    assert any(line.startswith("search-names") and "text (string) (required)" in line for line in lines)


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md"])
def test_every_format_prints_the_rows(fmt):
    result = cli("query", "document-issuers", "--format", fmt, "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert "科学技术部" in result.stdout and "财政部" in result.stdout
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["head"]["vars"] == [
            "documentName", "documentNameId", "issuer", "issuerId", "issuerClass", "issuerClassId",
            "quote", "citation", "file",
        ]  # fmt: skip
        assert {b["issuerId"]["value"] for b in from_curated(data["results"]["bindings"])} == {
            "https://w3id.org/innograph/id/ministry-of-science-and-technology",
            "https://w3id.org/innograph/id/ministry-of-finance",
        }
        assert {b["issuer"]["xml:lang"] for b in data["results"]["bindings"]} == {"zh"}


def test_construct_prints_turtle():
    result = cli("query", "neighbourhood", "--param", "entity=huang-zhiming")
    assert result.returncode == 0, result.stderr
    triples = list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value.endswith("#headOf") for t in triples)


def test_query_from_standard_input(curated):
    result = subprocess.run(
        [sys.executable, "-m", "innograph", "query", "-", "--format", "csv"],
        input="SELECT (COUNT(*) AS ?n) WHERE { ?m a ig:Ministry }",
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", str(len(ministries(curated)))]


def test_cli_exit_codes_for_user_errors():
    assert cli("query", "no-such-query").returncode == 1
    assert cli("query", "search-names").returncode == 1
    assert cli("query", "search-names", "--param", "nonsense").returncode == 1


def test_project_prefixes_are_added_after_a_path_but_not_for_iris_and_strings():
    from innograph.query import with_prefixes

    text, added = with_prefixes('SELECT * { ?p a/rdfs:subClassOf* ig:Programme . ?x <http://e/id:x> "src: no" }')
    assert added == 2 and "PREFIX rdfs:" in text and "PREFIX ig:" in text
    assert "PREFIX id:" not in text and "PREFIX src:" not in text
