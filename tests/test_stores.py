"""The graph in other stores: a persistent Oxigraph store on disk, and a real SPARQL server (Oxigraph,
started on a loopback port) loaded by push; and what happens when a server is down, slow or failing."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pyoxigraph as ox
import pytest
from conftest import REPO

from innograph.catalog import catalogue
from innograph.engines import EndpointEngine, OxigraphEngine
from innograph.errors import EndpointError
from innograph.push import Endpoints, push
from innograph.query import run_query
from innograph.results import Table
from innograph.serve import free_port
from innograph.stores import load_store, open_store

QUERIES = catalogue(REPO / "queries")


def cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "innograph", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120, **kwargs)  # fmt: skip


def answers(engine) -> dict[str, object]:
    out = {}
    for name, query in QUERIES.items():
        given = {"text": "institute"} if name == "search-names" else {}
        result = run_query(query, engine, given)
        if isinstance(result, Table):
            out[name] = (result.normalised(), result.boolean)
        else:
            out[name] = sorted(str(t) for t in ox.parse(result, format=ox.RdfFormat.TURTLE))
    return out


@pytest.fixture(scope="module")
def embedded(curated):
    return answers(OxigraphEngine(curated))


# ------------------------------------------------------------------ on disk


def test_store_on_disk_gives_the_embedded_answers(curated, embedded, tmp_path):
    kg, seconds = load_store(curated.project, tmp_path / "store")
    assert len(kg) == len(curated) and seconds < 60
    del kg
    reopened = open_store(curated.project, tmp_path / "store")
    assert len(reopened) == len(curated)
    assert {f.graph for f in reopened.files} == {f.graph for f in curated.files}
    store_answers = answers(OxigraphEngine(reopened))
    for name in QUERIES:
        assert store_answers[name] == embedded[name], name


def test_store_commands_and_staleness_warning(tmp_path):
    store = tmp_path / "store"
    assert cli("load", "--store", str(store)).returncode == 0
    validated = cli("validate", "--store", str(store))
    assert validated.returncode == 0 and "0 error(s)" in validated.stdout
    assert "warning: the store" not in validated.stderr
    queried = cli("query", "document-issuers", "--store", str(store), "--format", "csv")
    assert "Ministry of Finance" in queried.stdout
    missing = cli("validate", "--store", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "innograph load --store" in missing.stderr


def test_a_changed_file_makes_the_store_say_it_is_stale(curated, tmp_path):
    import shutil

    copy = tmp_path / "main"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(".git", ".venv", "build", "views", "*.egg-info"))
    from innograph.project import find_project

    project = find_project(copy, REPO.parent / "shared" / "sources")
    load_store(project, tmp_path / "store")
    target = copy / "kg" / "sources.ttl"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    messages = []
    open_store(project, tmp_path / "store", warn=lambda text, file=None: messages.append(text))
    assert messages and "kg/sources.ttl" in messages[0] and "innograph load --store" in messages[0]


def test_push_then_the_whole_catalogue_over_http_equals_embedded(curated, embedded, server):
    pushed = push(curated, Endpoints.derive(f"{server}/query"))
    assert sum(p.triples for p in pushed) == len(curated)
    assert len(pushed) == len(curated.files)
    remote = answers(EndpointEngine(f"{server}/query", timeout=30))
    for name in QUERIES:
        assert remote[name] == embedded[name], name


def test_pushing_again_replaces_graphs_instead_of_adding(curated, server):
    push(curated, Endpoints.derive(f"{server}/query"))
    again = push(curated, Endpoints.derive(f"{server}/query"))
    total = EndpointEngine(f"{server}/query").run("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(total.rows[0]["n"].value) == len(curated) == sum(p.triples for p in again)


def test_validate_and_view_read_from_an_endpoint(curated, server, tmp_path):
    push(curated, Endpoints.derive(f"{server}/query"))
    validated = cli("validate", "--endpoint", f"{server}/query")
    assert validated.returncode == 0, validated.stdout
    assert "0 error(s)" in validated.stdout
    viewed = cli("view", "--endpoint", f"{server}/query", "--out", str(tmp_path / "v.html"))
    assert viewed.returncode == 0, viewed.stderr
    from_files = cli("view", "--out", str(tmp_path / "f.html"))
    # the same network as from the files (not a total of the whole graph: curators add articles)
    assert viewed.stdout.strip().rsplit(": ", 1)[1] == from_files.stdout.strip().rsplit(": ", 1)[1]


def test_serve_command_answers_and_stops_on_ctrl_c():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "innograph", "serve", "--port", str(port)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Ctrl-C" in line:
                break
        assert f"SPARQL query endpoint: http://127.0.0.1:{port}/query\n" in lines, lines
        answer = cli("query", "people-and-posts", "--endpoint", f"http://127.0.0.1:{port}/query", "--format", "csv")
        assert "Huang Zhiming" in answer.stdout
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "stopped" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
    with pytest.raises(OSError):
        import socket

        socket.create_connection(("127.0.0.1", port), timeout=1).close()


# ------------------------------------------------------------------ failing servers


class Recorder(BaseHTTPRequestHandler):
    """A store that fails as told: ``mode`` is 'slow', '500', 'fail-third-put' or 'fail-update' (queries
    answered with no rows, updates with HTTP 500)."""

    mode = "500"
    log: ClassVar[list[tuple[str, str]]] = []

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length", 0))
        return self.rfile.read(length).decode("utf-8", "replace")

    def _answer(self, code: int, body: bytes = b"", kind: str = "text/plain"):
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        self._body()
        self.log.append(("PUT", self.path))
        puts = sum(1 for method, _ in self.log if method == "PUT")
        if self.mode == "slow":
            time.sleep(3)
        if self.mode == "500" or (self.mode == "fail-third-put" and puts == 3):
            self._answer(500, b"internal error: disk full")
        else:
            self._answer(204)

    def do_POST(self):
        body = self._body()
        if self.headers.get("Content-Type", "").startswith("application/sparql-update"):
            self.log.append(("UPDATE", body))
        else:
            form = urllib.parse.parse_qs(body)
            self.log.append(("POST", (form.get("update") or form.get("query") or [""])[0]))
        if self.mode == "slow":
            time.sleep(3)
        if self.mode == "500" or (self.mode == "fail-update" and self.log[-1][0] == "UPDATE"):
            self._answer(500, b"internal error")
        elif self.mode == "fail-update":
            no_rows = b'{"head": {"vars": ["g"]}, "results": {"bindings": []}}'
            self._answer(200, no_rows, "application/sparql-results+json")
        else:
            self._answer(204)

    def log_message(self, *args):
        pass


def fake_store(mode: str):
    handler = type("Handler", (Recorder,), {"mode": mode, "log": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize(
    ("mode", "timeout", "message"),
    [("500", 5.0, "answered HTTP 500: internal error"), ("slow", 0.5, "no answer within 0.5 s")],
)
def test_failing_store_gives_one_line_and_changes_nothing(curated, mode, timeout, message):
    server, handler, base = fake_store(mode)
    try:
        with pytest.raises(EndpointError) as caught:
            push(curated, Endpoints.derive(f"{base}/query"), timeout=timeout)
        assert message in str(caught.value) and "\n" not in str(caught.value)
        assert "the store's graphs were not changed" in str(caught.value)
        assert not [body for method, body in handler.log if method == "UPDATE" or "MOVE" in body]
    finally:
        server.shutdown()


def test_the_whole_push_is_one_update_request_and_stages_nothing(curated):
    """Staging graphs in the served dataset are visible to every reader (union default graph); one update
    request that a store runs as one transaction needs none."""
    server, handler, base = fake_store("fail-update")
    try:
        with pytest.raises(EndpointError, match="HTTP 500") as caught:
            push(curated, Endpoints.derive(f"{base}/query"))
        assert "applies all of the update or none of it" in str(caught.value)
        updates = [body for method, body in handler.log if method == "UPDATE"]
        assert len(updates) == 1 and not [method for method, _ in handler.log if method == "PUT"]
        for f in curated.files:
            assert f"DROP SILENT GRAPH <{f.graph}>" in updates[0] and f"INSERT DATA {{ GRAPH <{f.graph}>" in updates[0]
        assert "GRAPH <https://w3id.org/innograph/staging/" not in updates[0]
    finally:
        server.shutdown()


def test_push_to_a_stopped_server_exits_2_with_one_line():
    port = free_port()
    result = cli("push", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot reach the endpoint" in result.stderr
