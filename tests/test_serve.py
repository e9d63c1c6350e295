"""``innograph serve``: read-only unless asked, no SERVICE, no writes from other origins or hosts, a port in
use refused, and no Oxigraph server left behind whatever signal ends it. Plus the SERVICE lexer."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import REPO
from test_stores import QUERIES, answers

from innograph.engines import EndpointEngine, OxigraphEngine
from innograph.serve import free_port, start_server, stop_server, sweep_temp_stores
from innograph.sparql_text import uses_load, uses_service

# ------------------------------------------------------------------ helpers


# ``python -m innograph`` with SIGHUP as a terminal leaves it (argv[1]: "default" or "ignored", as nohup
# leaves it) and Ctrl-C's SIGINT as a terminal delivers it, whatever the test runner inherited: a suite
# started under nohup passes SIGHUP ignored to its children, and serve keeps running on SIGHUP then, on
# purpose; one started in the background of a script passes SIGINT ignored, and Python then leaves it so
# (conftest.py takes it back for the whole suite too; serve's own wrapper keeps it, belt and braces).
_WITH_HANGUP = (
    "import runpy, signal, sys; "
    "signal.signal(signal.SIGHUP, signal.SIG_IGN if sys.argv.pop(1) == 'ignored' else signal.SIG_DFL); "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'innograph'; runpy.run_module('innograph', run_name='__main__')"
)


def start_serve(*args: str, env: dict | None = None, hangup: str = "default") -> tuple[subprocess.Popen, list[str]]:
    """Start ``innograph serve``; return it and its first lines, once it says it is ready (or has ended)."""
    process = subprocess.Popen(
        [sys.executable, "-c", _WITH_HANGUP, hangup, "serve", *args],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    seen: list[str] = []  # filled as the process writes, to its end
    threading.Thread(target=lambda: seen.extend(process.stdout), daemon=True).start()
    wait_for(lambda: process.poll() is not None or any("Ctrl-C" in line for line in seen), 60)
    return process, seen


def finish(process: subprocess.Popen) -> None:
    stop_server(process, signal.SIGINT, 20)  # as Ctrl-C would


def call(method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode("utf-8")


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def per_graph(query_url: str) -> dict[str, int]:
    table = EndpointEngine(query_url, timeout=30).run(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    return {row["g"].value: int(row["n"].value) for row in table.rows}


def children(pid: int) -> set[int]:
    """The processes whose parent is PID, read from /proc (no psutil)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def running(pid: int) -> bool:
    """True while PID exists and is not a zombie (an orphan's zombie waits for an init that may not reap)."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def answered(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class Recorder(BaseHTTPRequestHandler):
    """A tiny HTTP server that records every request it gets: the target of a SERVICE call."""

    log: list

    def do_GET(self):
        self.log.append(("GET", self.path))
        self.send_response(404)
        self.end_headers()

    def do_POST(self):
        self.log.append(("POST", self.path))
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served():
    port = free_port()
    process, lines = start_serve("--port", str(port))
    assert process.poll() is None, (lines, process.stderr.read())
    yield f"http://127.0.0.1:{port}", port, lines
    finish(process)


# ------------------------------------------------------------------ the SERVICE lexer


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service silent ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE <http://x/> {} }",
        "SELECT * WHERE { ?s ?p true}SERVICE<http://x/>{}",
        "SELECT * WHERE { ?s ?p trueSERVICE <http://x/> {} }",  # Oxigraph's PEG reads `true SERVICE`
        "PREFIX : <http://x/> SELECT * WHERE { SERVICE:y {} }",  # ... and `SERVICE :y`
        "SELECT * WHERE { ?s ?p 20SERVICE <http://x/> {} }",
        "SELECT * WHERE { \\u0053ERVICE <http://x/> {} }",  # codepoint escapes, decoded before parsing
        'SELECT * WHERE { ?s ?p "a\\u0022" . SERVICE <http://x/> { ?a ?b "c" } }',  # ... or not
        "SELECT * WHERE { ?s ?p '''a''' SERVICE <http://x/> {} }",
        'SELECT * WHERE { ?s ?p "a\\"b" SERVICE <http://x/> {} }',
        "SELECT * WHERE { ?s ?p ex:a.SERVICE <http://x/> {} }",
        "SELECT * WHERE { # a comment\n SERVICE <http://x/> {} }",
        "SELECT * WHERE { FILTER(?a < 3) SERVICE <http://x/> {} }",
    ],
)
def test_service_is_found(text):
    assert uses_service(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?service WHERE { ?s ex:SERVICE ?service . ?x :service $SERVICE }",
        'SELECT * WHERE { ?s rdfs:label "customer SERVICE" } # SERVICE <http://x/> {}',
        "SELECT * WHERE { <http://example.org/SERVICE> ?p 'service' }",
        'SELECT * WHERE { ?s ?p """a " SERVICE <http://x/> {} """ }',
        "SELECT * WHERE { ?s ?p _:service }",
    ],
)
def test_service_is_not_found_where_it_is_no_keyword(text):
    assert not uses_service(text)


def test_load_is_found_in_updates():
    assert uses_load("LOAD <http://example.org/data.ttl> INTO GRAPH <http://x/>")
    assert not uses_load('INSERT DATA { <http://x/a> <http://x/b> "LOAD" }')


def test_the_catalogue_uses_no_service():
    assert not [name for name, query in QUERIES.items() if uses_service(query.text)]


# ------------------------------------------------------------------ read-only by default


def test_updates_and_graph_store_writes_are_refused_by_default(served):
    base, _, lines = served
    assert any("read-only" in line for line in lines), lines
    before = per_graph(f"{base}/query")
    graph = sorted(before)[0]
    attempts = [
        call("POST", f"{base}/update", form(update="DROP ALL"), FORM),
        call("POST", f"{base}/update", b"DROP ALL", {"Content-Type": "application/sparql-update"}),
        call("POST", f"{base}/sparql", form(update="DROP ALL"), FORM),  # the query page's endpoint
        call("POST", f"{base}/query", form(update="DROP ALL"), FORM),
        call("PUT", f"{base}/store?{urllib.parse.urlencode({'graph': graph})}", b"", {"Content-Type": "text/turtle"}),
        call("DELETE", f"{base}/store?{urllib.parse.urlencode({'graph': graph})}"),
        call("POST", f"{base}/store?default", b"<a:a> <a:b> <a:c> .", {"Content-Type": "application/n-triples"}),
        # a web page's form: a CORS "simple request", sent by browsers without asking
        call("POST", f"{base}/update", b"update=DROP ALL", {**FORM, "Origin": "http://evil.example"}),
    ]
    for status, text in attempts:
        assert status in (403, 405), (status, text)
        assert text.count("\n") == 1
    assert per_graph(f"{base}/query") == before


def test_a_query_from_another_origin_or_host_is_refused(served):
    base, port, _ = served
    ask = form(query="ASK { ?s ?p ?o }")
    assert call("POST", f"{base}/query", ask, FORM)[0] == 200
    assert call("POST", f"{base}/query", ask, {**FORM, "Origin": f"http://127.0.0.1:{port}"})[0] == 200
    assert call("POST", f"{base}/query", ask, {**FORM, "Origin": "http://evil.example"})[0] == 403
    # DNS rebinding: a page at evil.example, resolved to 127.0.0.1, reads what it likes
    status, text = call("GET", f"{base}/query?query=ASK%7B%7D", headers={"Host": f"evil.example:{port}"})
    assert status == 403 and "Host" in text
    assert not any(name.lower().startswith("access-control") for name in _headers(f"{base}/query?query=ASK%7B%7D"))


def _headers(url: str) -> list[str]:
    request = urllib.request.Request(url, headers={"Origin": "http://evil.example"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return list(response.headers.keys())


def test_service_is_refused_and_the_other_server_gets_nothing(served):
    base, _, _ = served
    handler = type("Handler", (Recorder,), {"log": []})
    other = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    target = f"http://127.0.0.1:{other.server_address[1]}/sparql"
    try:
        for query in (
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p ?o . ?s ?p trueSERVICE <{target}> {{ ?a ?b ?c }} }}",
        ):
            get = call("GET", f"{base}/query?{urllib.parse.urlencode({'query': query})}")
            post = call("POST", f"{base}/query", query.encode(), {"Content-Type": "application/sparql-query"})
            page = call("POST", f"{base}/sparql", form(query=query), FORM)
            for status, text in (get, post, page):
                assert status == 403 and "SERVICE" in text, (status, text)
        assert handler.log == []
        # ?service and ex:SERVICE are no keyword
        status, _ = call("GET", f"{base}/query?{urllib.parse.urlencode({'query': 'ASK { ?service ?p ?o }'})}")
        assert status == 200
    finally:
        other.shutdown()


def test_the_query_page_is_served(served):
    base, _, lines = served
    assert f"query page: {base}/\n" in lines
    status, page = call("GET", f"{base}/")
    assert status == 200 and "innograph: query the graph" in page
    assert "yasgui" not in page.lower()  # the project's own page, not Oxigraph's (which loads from a CDN)
    assert call("GET", f"{base}/yasgui.min.js")[0] == 404


def test_the_catalogue_through_serve_equals_embedded(served, curated):
    base, _, _ = served
    embedded = answers(OxigraphEngine(curated))
    remote = answers(EndpointEngine(f"{base}/query", timeout=30))
    for name in QUERIES:
        assert remote[name] == embedded[name], name


def test_writable_accepts_updates_from_its_own_clients_only():
    port = free_port()
    process, lines = start_serve("--port", str(port), "--writable")
    base = f"http://127.0.0.1:{port}"
    try:
        assert any("writable" in line for line in lines), lines
        insert = form(update="INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
        assert call("POST", f"{base}/update", insert, {**FORM, "Origin": "http://evil.example"})[0] == 403
        assert "urn:x:g" not in per_graph(f"{base}/query")
        assert call("POST", f"{base}/update", insert, FORM)[0] == 204
        assert per_graph(f"{base}/query")["urn:x:g"] == 1
        load = form(update="LOAD <http://127.0.0.1:1/x.ttl>")
        assert call("POST", f"{base}/update", load, FORM)[0] == 403
    finally:
        finish(process)


def test_serve_from_a_store_survives_a_reload_of_that_store(curated, tmp_path):
    """serve --store serves a checkpoint of the store: a later `load --store` swaps the user's folder (and
    deletes the old one) without pulling files from under the server; the temporary copy ends with serve."""
    load = [sys.executable, "-m", "innograph", "load", "--store", str(tmp_path / "store")]
    assert subprocess.run(load, cwd=REPO, capture_output=True, timeout=120).returncode == 0
    port = free_port()
    process, lines = start_serve("--port", str(port), "--store", str(tmp_path / "store"),
                                 env={**os.environ, "TMPDIR": str(tmp_path)})  # fmt: skip
    try:
        assert sum(per_graph(f"http://127.0.0.1:{port}/query").values()) == len(curated), lines
        assert len(list(tmp_path.glob("innograph-serve-*"))) == 1
        for _ in range(2):
            assert subprocess.run(load, cwd=REPO, capture_output=True, timeout=120).returncode == 0
        assert sum(per_graph(f"http://127.0.0.1:{port}/query").values()) == len(curated)
    finally:
        finish(process)
    assert not list(tmp_path.glob("innograph-serve-*"))


# ------------------------------------------------------------------ ports and signals


def test_a_port_held_by_another_oxigraph_is_refused_and_left_alone():
    port = free_port()
    other = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        graph = urllib.parse.urlencode({"graph": "urn:x:theirs"})
        put = call("PUT", f"{base}/store?{graph}", b"<urn:x:a> <urn:x:b> <urn:x:c> .",
                   {"Content-Type": "application/n-triples"})  # fmt: skip
        assert put[0] in (201, 204)
        before = per_graph(f"{base}/query")
        result = subprocess.run([sys.executable, "-m", "innograph", "serve", "--port", str(port)],
                                cwd=REPO, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1
        assert f"127.0.0.1:{port} is in use by another program; choose another --port" in result.stderr
        assert "serving" not in result.stdout
        assert per_graph(f"{base}/query") == before == {"urn:x:theirs": 1}
    finally:
        stop_server(other)


def test_start_server_does_not_take_another_server_for_its_own():
    port = free_port()
    other = start_server(port)
    try:
        with pytest.raises(Exception, match="in use"):
            start_server(port)
    finally:
        stop_server(other)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGHUP, signal.SIGTERM])
def test_the_oxigraph_server_dies_with_serve(signum, tmp_path):
    port = free_port()
    process, lines = start_serve("--port", str(port), env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        assert process.poll() is None, lines
        servers = children(process.pid)
        assert len(servers) == 1 and all(running(pid) for pid in servers)
        process.send_signal(signum)
        code = process.wait(timeout=20)
        assert wait_for(lambda: not any(running(pid) for pid in servers)), "the Oxigraph server outlived serve"
        assert not answered(port)
        if signum == signal.SIGKILL:
            assert sweep_temp_stores(tmp_path)  # the next serve removes what a killed one left
        else:
            assert code == 0 and wait_for(lambda: "stopped\n" in lines)
        assert not list(tmp_path.glob("innograph-serve-*"))
    finally:
        finish(process)


def test_serve_under_nohup_keeps_serving_after_a_hangup(tmp_path):
    """nohup ignores SIGHUP so that a closed terminal does not stop the command: serve leaves it ignored."""
    port = free_port()
    process, lines = start_serve("--port", str(port), env={**os.environ, "TMPDIR": str(tmp_path)}, hangup="ignored")
    try:
        assert process.poll() is None, lines
        process.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert process.poll() is None and answered(port)
    finally:
        finish(process)
    assert not list(tmp_path.glob("innograph-serve-*"))


def test_serve_refuses_a_bad_port_in_one_line():
    result = subprocess.run([sys.executable, "-m", "innograph", "serve", "--port", "70000"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--port" in result.stderr


def test_served_counts_agree_with_json(served):
    """The answers pass through unchanged: the SPARQL JSON of a query is the back end's."""
    base, _, _ = served
    status, text = call("GET", f"{base}/query?{urllib.parse.urlencode({'query': 'ASK { ?s ?p ?o }'})}",
                        headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert status == 200 and json.loads(text)["boolean"] is True
