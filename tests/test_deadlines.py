"""Deadlines, Ctrl-C, SERVICE and endpoint answers (issue 9): ``--timeout`` is a wall-clock deadline on every
engine and every endpoint exchange, Ctrl-C stops a query at once, the embedded engines refuse ``SERVICE``
unless asked, and an endpoint's answer is checked and parsed before anything is printed.

The command line runs in subprocesses, as a user runs it; deadlines are asserted loosely (well under the
time a hung query would take), since timings belong to the benchmarks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import REPO

from innograph.engines import EndpointEngine, http
from innograph.errors import EndpointError, UsageError

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SELECT_JSON = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "42"}}]}}'


def cli(*args: str, stdin: str = "", timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "innograph", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result, time.monotonic() - started


def one_line(stderr: str) -> str:
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert "Traceback" not in stderr
    return stderr


# ------------------------------------------------------------------ a local HTTP server that records requests


class Server:
    """A throwaway HTTP server on 127.0.0.1; ``answer(handler)`` writes each response."""

    def __init__(self, answer):
        self.requests: list[tuple[str, str, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append((self.command, self.path, body))
                with contextlib.suppress(OSError):  # the client went away (which is what a deadline does)
                    answer(self, body)

            do_GET = do_POST = do_PUT = _any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(answer) -> Server:
        servers.append(Server(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def plain(content_type: str, body: bytes):
    def answer(handler, _request):
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def trickle(headers_too: bool):
    """An answer one byte every 0.5 s: a server that is alive, but would take minutes to finish."""
    body = SELECT_JSON + b" " * 400
    head = (
        b"HTTP/1.0 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )

    def answer(handler, _request):
        if not headers_too:
            handler.wfile.write(head)
            handler.wfile.flush()
        for byte in (head if headers_too else b"") + body:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.5)

    return answer


# ------------------------------------------------------------------ embedded engines: deadline and Ctrl-C


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_cross_product_stops_at_the_deadline(engine):
    """The README's promise: the triple cross-product with --timeout 2 ends within seconds, one line, exit 2."""
    result, seconds = cli("query", "-", "--timeout", "2", "--engine", engine, stdin=CROSS, timeout=30)
    assert result.returncode == 2
    assert "did not finish within 2 s" in one_line(result.stderr)
    assert result.stdout == ""
    assert seconds < 8


@pytest.mark.parametrize("to_group", [False, True], ids=["process", "process-group"])
def test_ctrl_c_stops_an_embedded_query(to_group):
    """SIGINT to the command (or, as a terminal sends it, to its whole process group) stops the query at
    once: exit 130, 'innograph: interrupted'."""
    process = subprocess.Popen(
        [sys.executable, "-m", "innograph", "query", "-", "--timeout", "120"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    process.stdin.write(CROSS)
    process.stdin.close()
    time.sleep(3)  # loaded and evaluating by now (loading the curated graph takes well under a second)
    assert process.poll() is None
    started = time.monotonic()
    if to_group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail("Ctrl-C did not stop the query")
    assert time.monotonic() - started < 5
    assert process.returncode == 130
    assert process.stderr.read() == "innograph: interrupted\n"


def test_errors_in_the_query_come_back_as_one_line():
    """Errors raised while the query runs keep their message and exit code."""
    result, _ = cli("query", "-", stdin="SELECT ?x WHERE { ?x }")
    assert result.returncode == 2 and one_line(result.stderr).startswith("innograph: error: <stdin>:1:")
    result, _ = cli("query", "figures-about", "--param", "nope=1")
    assert result.returncode == 1 and "has no parameter nope" in one_line(result.stderr)


def test_timeout_must_be_positive():
    result, _ = cli("query", "-", "--timeout", "0", stdin="ASK {}")
    assert result.returncode == 1 and "--timeout" in one_line(result.stderr)


def test_run_with_deadline_returns_raises_and_kills():
    from innograph.deadline import QueryTimeout, run_with_deadline

    assert run_with_deadline(lambda: [1, "two"], 5) == [1, "two"]
    with pytest.raises(UsageError, match="nope"):
        run_with_deadline(lambda: (_ for _ in ()).throw(UsageError("nope")), 5)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"did not finish within 0\.5 s"):
        run_with_deadline(lambda: time.sleep(30), 0.5)
    assert time.monotonic() - started < 3
    with pytest.raises(ChildProcessError):  # no child left behind
        os.waitpid(-1, os.WNOHANG)


# ------------------------------------------------------------------ endpoints: wall-clock deadline


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_trickling_endpoint_stops_at_the_deadline(serve, headers_too):
    server = serve(trickle(headers_too))
    result, seconds = cli("query", "-", "--endpoint", server.url, "--timeout", "2", stdin="SELECT ?n {}", timeout=30)
    assert result.returncode == 2
    message = one_line(result.stderr)
    assert server.url in message and "within 2 s" in message
    assert result.stdout == "" and seconds < 8


def test_trickling_endpoint_stops_stats(serve):
    server = serve(trickle(False))
    result, seconds = cli("stats", "--endpoint", server.url, "--timeout", "2", timeout=30)
    assert result.returncode == 2 and server.url in one_line(result.stderr) and seconds < 8


def test_http_helper_has_a_wall_clock_deadline(serve):
    """push.py's requests go through ``http``: the same deadline."""
    server = serve(trickle(True))
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"no answer within 1 s"):
        http("PUT", server.url, b"x", {"Content-Type": "text/plain"}, 1.0, rejected="rejected")
    assert time.monotonic() - started < 4


# ------------------------------------------------------------------ endpoints: answers checked before printing


def test_html_answer_to_a_construct_is_an_error(serve):
    server = serve(plain("text/html; charset=utf-8", b"<!doctype html><html><body>Log in</body></html>"))
    result, _ = cli("query", "-", "--endpoint", server.url, stdin="CONSTRUCT WHERE { ?s ?p ?o }")
    assert result.returncode == 2 and "text/html" in one_line(result.stderr)
    assert result.stdout == ""


def test_malformed_turtle_answer_is_an_error(serve):
    server = serve(plain("text/turtle", b"<http://example.org/a> <http://example.org/b> .\n"))
    result, _ = cli("query", "-", "--endpoint", server.url, stdin="CONSTRUCT WHERE { ?s ?p ?o }")
    assert result.returncode == 2 and server.url in one_line(result.stderr)
    assert result.stdout == ""


def test_rdf_answer_is_printed_as_turtle_with_the_project_prefixes(serve):
    triple = b'<https://w3id.org/innograph/id/ningbo> <http://www.w3.org/2000/01/rdf-schema#label> "Ningbo"@en .\n'
    server = serve(plain("application/n-triples", triple))
    result, _ = cli("query", "-", "--endpoint", server.url, stdin="CONSTRUCT WHERE { ?s ?p ?o }")
    assert result.returncode == 0, result.stderr
    assert "@prefix id: <https://w3id.org/innograph/id/> ." in result.stdout
    assert 'id:ningbo rdfs:label "Ningbo"@en' in result.stdout


def test_wrong_content_type_for_a_select_is_an_error(serve):
    server = serve(plain("text/plain", SELECT_JSON))
    result, _ = cli("query", "-", "--endpoint", server.url, stdin="SELECT ?n {}")
    assert result.returncode == 2 and "text/plain" in one_line(result.stderr)
    assert result.stdout == ""


def test_select_answered_with_a_boolean_is_an_error(serve):
    server = serve(plain("application/sparql-results+json", b'{"head": {}, "boolean": true}'))
    with pytest.raises(EndpointError, match="not the answer to a SELECT"):
        EndpointEngine(server.url).run("SELECT ?n {}")


# ------------------------------------------------------------------ SERVICE


def sparql_json(handler, _request):
    plain("application/sparql-results+json", SELECT_JSON)(handler, _request)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_service_is_refused_by_the_embedded_engines(serve, engine):
    remote = serve(sparql_json)
    text = f"SELECT ?n WHERE {{ SERVICE <{remote.url}> {{ ?s ?p ?n }} }}"
    result, _ = cli("query", "-", "--engine", engine, stdin=text)
    assert result.returncode == 1
    message = one_line(result.stderr)
    assert message.startswith("innograph: error: -: ") and "--allow-service" in message
    assert remote.requests == []


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_service_is_allowed_when_asked_for(serve, engine):
    remote = serve(sparql_json)
    text = f"SELECT ?n WHERE {{ SERVICE <{remote.url}> {{ ?s ?p ?n }} }}"
    result, _ = cli("query", "-", "--engine", engine, "--allow-service", "--format", "csv", stdin=text)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "42"]
    assert len(remote.requests) == 1


def test_service_goes_through_to_an_endpoint(serve):
    """Over --endpoint, SERVICE is the remote store's business."""
    remote = serve(sparql_json)
    text = "SELECT ?n WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?n } }"
    result, _ = cli("query", "-", "--endpoint", remote.url, "--format", "csv", stdin=text)
    assert result.returncode == 0, result.stderr
    (_method, _path, body), *_ = remote.requests
    assert "SERVICE <http://example.org/sparql>" in urllib.parse.parse_qs(body.decode())["query"][0]


def test_the_query_process_does_not_outlive_its_deadline_when_innograph_is_killed():
    """kill -9 of innograph leaves nobody to kill the query's process: its own alarm ends it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "innograph", "query", "-", "--timeout", "1"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    process.stdin.write(CROSS)
    process.stdin.close()
    children: list[int] = []
    listing = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    for _ in range(50):  # the query's process, once forked
        time.sleep(0.1)
        with contextlib.suppress(OSError):
            children = [int(pid) for pid in listing.read_text().split()]
        if children:
            break
    assert children, "no child process running the query"
    process.kill()
    process.wait()
    time.sleep(4)  # deadline 1 s, the child's alarm at 2 s

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state not in ("Z", "X")  # a zombie has stopped (nobody may reap it in a container)

    assert not any(alive(pid) for pid in children)
