"""The front of ``innograph serve``: an HTTP proxy on the user's port that lets reads through to the
Oxigraph server behind it (on a private loopback port) and refuses everything else.

The Oxigraph server has no authentication and answers any request it gets, from any web page (a form POST
is a CORS "simple request" that browsers send without asking), and runs ``SERVICE`` calls to any URL. The
front is an allow-list: its own query page at ``/`` (Oxigraph's YASGUI page is not passed on), queries
(GET/POST ``/query`` and ``/sparql``) and Graph Store reads; updates and Graph Store writes only with
``writable``; ``SERVICE`` (and ``LOAD``) only with ``allow_service``. Requests from another origin that
could change anything, and any request whose ``Host`` is not this server's (DNS rebinding), are refused.
It adds no CORS headers. Bodies stream through.
"""

from __future__ import annotations

import contextlib
import http.client
import shutil
import socketserver
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from innograph.sparql_text import uses_load, uses_service

MAX_OPERATION_BYTES = 128 * 1024 * 1024  # Oxigraph's own limit on a query or update body
DRAIN_BYTES = 1024 * 1024
PAGE = "/"  # the query page, answered by the front itself
QUERY_PATHS = {"/query", "/sparql"}
FORM = "application/x-www-form-urlencoded"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authenticate"}


class Refused(Exception):
    """A request the front will not pass on: an HTTP status and a one-line reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Policy:
    port: int  # the front's own port: its origin and Host
    backend: int  # the Oxigraph server's port on 127.0.0.1
    writable: bool = False
    allow_service: bool = False
    upstream_timeout: float = 600.0
    page: bytes | None = field(default=None, repr=False)  # the query page served at / (None: no page)
    page_csp: str = "default-src 'none'"

    @property
    def hosts(self) -> set[str]:
        hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        return hosts | {"127.0.0.1", "localhost"} if self.port == 80 else hosts

    @property
    def origins(self) -> set[str]:
        return {f"http://{host}" for host in self.hosts}


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _form(encoded: str) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(encoded, keep_blank_values=True, errors="replace")


class Operation:
    """What a request asks for, as far as the policy cares: reads, queries (with their text) or writes."""

    def __init__(self, kind: str, texts: list[str] = ()):
        self.kind = kind  # "page", "read", "query", "update" or "store-write"
        self.texts = list(texts)


def classify(method: str, path: str, url_query: str, content_type: str | None, body: bytes | None) -> Operation:
    """Sort a request into reads, queries, updates and Graph Store writes; refuse what is none of them."""
    url_params = _form(url_query)
    if path == "/update" or (path in QUERY_PATHS and any(k == "update" for k, _ in url_params)):
        return _update(method, url_params, content_type, body)
    if method in ("GET", "HEAD"):
        if path in QUERY_PATHS:
            return Operation("query", [v for k, v in url_params if k == "query"])
        if path == PAGE:
            return Operation("page")
        if path.startswith("/store"):
            return Operation("read")
        raise Refused(404, f"{method} {path} is not served here")
    if method == "POST" and path in QUERY_PATHS:
        media = _media_type(content_type)
        text = (body or b"").decode("utf-8", "replace")
        if media == "application/sparql-query":
            return Operation("query", [text, *(v for k, v in url_params if k == "query")])
        if media == "application/sparql-update":
            return _update(method, url_params, content_type, body)
        if media == FORM:
            params = url_params + _form(text)
            if any(k == "update" for k, _ in params):
                return _update(method, url_params, content_type, body)
            return Operation("query", [v for k, v in params if k == "query"])
        raise Refused(415, f"a query is sent as {FORM} or application/sparql-query, not {media or 'nothing'}")
    if method in ("PUT", "POST", "DELETE") and path.startswith("/store"):
        return Operation("store-write")
    raise Refused(405, f"{method} {path} is not served here")


def _update(method: str, url_params, content_type: str | None, body: bytes | None) -> Operation:
    if method != "POST":
        raise Refused(405, "a SPARQL update is sent with POST")
    text = (body or b"").decode("utf-8", "replace")
    media = _media_type(content_type)
    texts = [v for k, v in url_params if k == "update"]
    if media == FORM:
        texts += [v for k, v in _form(text) if k == "update"]
    elif media == "application/sparql-update":
        texts.append(text)
    else:
        raise Refused(415, f"an update is sent as {FORM} or application/sparql-update, not {media or 'nothing'}")
    return Operation("update", texts)


def check(policy: Policy, operation: Operation) -> None:
    """Refuse, with the reason, what the policy does not allow."""
    if operation.kind in ("update", "store-write") and not policy.writable:
        what = "SPARQL updates" if operation.kind == "update" else "Graph Store writes"
        raise Refused(403, f"this server is read-only: {what} are refused (innograph serve --writable allows them)")
    if not policy.allow_service:
        for text in operation.texts:
            if uses_service(text):
                raise Refused(403, "SERVICE is refused: it makes the server fetch other URLs (--allow-service)")
            if operation.kind == "update" and uses_load(text):
                raise Refused(403, "LOAD is refused: it makes the server fetch other URLs (--allow-service)")


class _LimitedReader:
    """The request body, no further than its Content-Length: what http.client streams to the back end."""

    def __init__(self, stream, length: int):
        self.stream = stream
        self.left = length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        chunk = self.stream.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(chunk)
        return chunk


class Handler(BaseHTTPRequestHandler):
    policy: Policy  # set on a subclass by make_front
    server_version = "innograph-serve"

    def log_message(self, *args) -> None:  # quiet: nobody may be reading serve's stderr
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _refuse(self, status: int, reason: str) -> None:
        body = (reason + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True

    def _handle(self) -> None:
        length = 0
        try:
            self._check_origin()
            path, _, url_query = self.path.partition("?")
            length = self._length()
            body = None
            inspect = self.command == "POST" and (path in QUERY_PATHS or path == "/update")
            if inspect:  # a query or update: read it whole to look at it (Oxigraph does the same)
                body = self.rfile.read(length)
                length = 0
            operation = classify(self.command, path, url_query, self.headers.get("Content-Type"), body)
            check(self.policy, operation)
            if operation.kind == "page":
                self._page()
                return
            self._forward(body if inspect else _LimitedReader(self.rfile, length) if length else None)
        except Refused as refused:
            if 0 < length <= DRAIN_BYTES:  # read a small unread body, so that the client sees the answer
                self.rfile.read(length)
            self._refuse(refused.status, refused.reason)

    def _page(self) -> None:
        """The query page, from the front itself: nothing of Oxigraph's own page (YASGUI) gets through."""
        page = self.policy.page
        if page is None:
            raise Refused(404, f"no query page here; send SPARQL queries to http://127.0.0.1:{self.policy.port}/query")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Content-Security-Policy", f"{self.policy.page_csp}; frame-ancestors 'none'")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD":
            with contextlib.suppress(OSError):
                self.wfile.write(page)

    def _check_origin(self) -> None:
        host = (self.headers.get("Host") or "").lower()
        if host not in self.policy.hosts:
            raise Refused(403, f"Host {host or '(none)'} is not this server: use http://127.0.0.1:{self.policy.port}/")
        if self.command in ("GET", "HEAD"):
            return
        origin = self.headers.get("Origin")
        if origin is not None and origin.lower() not in self.policy.origins:
            raise Refused(403, f"requests from another origin ({origin}) are refused")
        if (self.headers.get("Sec-Fetch-Site") or "").lower() == "cross-site":
            raise Refused(403, "cross-site requests are refused")

    def _length(self) -> int:
        if self.headers.get("Transfer-Encoding"):
            raise Refused(411, "send the body with a Content-Length")
        if (self.headers.get("Content-Encoding") or "identity").lower() != "identity":
            raise Refused(415, "compressed request bodies are refused")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise Refused(400, "Content-Length is not a number") from None
        if length < 0:
            raise Refused(400, "Content-Length is negative")
        path = self.path.partition("?")[0]
        if (path in QUERY_PATHS or path == "/update") and length > MAX_OPERATION_BYTES:
            raise Refused(413, f"a query or update is limited to {MAX_OPERATION_BYTES} bytes")
        return length

    def _forward(self, body) -> None:
        """Send the request on to the back end with only the headers it needs, and stream the answer back."""
        headers = {"Host": f"127.0.0.1:{self.policy.backend}", "Connection": "close"}
        for name in ("Accept", "Content-Type"):
            if self.headers.get(name):
                headers[name] = self.headers[name]
        if body is not None:
            headers["Content-Length"] = str(len(body) if isinstance(body, bytes) else body.left)
        upstream = http.client.HTTPConnection("127.0.0.1", self.policy.backend, timeout=self.policy.upstream_timeout)
        try:
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
            except OSError as error:
                raise Refused(502, f"the Oxigraph server behind this one did not answer ({error})") from None
            self.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                lowered = name.lower()
                if lowered not in HOP_BY_HOP and not lowered.startswith("access-control-") and lowered != "server":
                    self.send_header(name, value)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if self.command != "HEAD":
                # The client went away, or the back end broke off: nobody to tell.
                with contextlib.suppress(OSError):
                    shutil.copyfileobj(response, self.wfile, 64 * 1024)
        finally:
            upstream.close()


class Front(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        # Skip HTTPServer.server_bind's reverse DNS lookup of the address (socket.getfqdn): it can take seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def bind_front(port: int) -> Front:
    """Listen on 127.0.0.1:PORT (0: any free port) before anything else starts; the handler's policy is set
    later by :func:`start_front`. Raises OSError (EADDRINUSE) when the port is taken."""
    return Front(("127.0.0.1", port), Handler, bind_and_activate=True)


def start_front(front: Front, policy: Policy) -> threading.Thread:
    front.RequestHandlerClass = type("GuardedHandler", (Handler,), {"policy": policy})
    thread = threading.Thread(target=front.serve_forever, name="innograph-serve-front", daemon=True)
    thread.start()
    return thread


def own_port(front: Front) -> int:
    return front.socket.getsockname()[1]
