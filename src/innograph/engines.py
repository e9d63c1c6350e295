"""Where queries run: the embedded Oxigraph store (default), rdflib's own SPARQL engine over the same
quads (for cross-checks), or any SPARQL 1.1 endpoint over the SPARQL protocol.

Each engine takes standard SPARQL text and answers with a :class:`~innograph.results.Table` (SELECT, ASK)
or Turtle bytes (CONSTRUCT, DESCRIBE). In the embedded engines the default graph is the union of all named
graphs; an endpoint should be set up the same way (``oxigraph serve --union-default-graph``).

The embedded engines refuse ``SERVICE`` unless built with ``allow_service=True``: they would send requests
from the user's machine to whatever URL a query names. They have no deadline of their own (see
:mod:`innograph.deadline` and :func:`innograph.query.answer`); every endpoint exchange has one.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPException

import pyoxigraph as ox

from innograph.deadline import Watchdog
from innograph.errors import EndpointError, InputError, UsageError
from innograph.namespaces import PREFIXES, XSD
from innograph.params import query_form
from innograph.results import Page, Table, Term
from innograph.sparql_text import uses_service

_POSITION = re.compile(r"(?:at|error at) (\d+):(\d+)")


def _position(error: Exception) -> tuple[int, int, str] | None:
    text = str(error)
    match = _POSITION.search(text)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), text[match.end() :].lstrip(": ")


def second_opinion(text: str) -> SyntaxError | None:
    """rdflib's parser on the same text: it often points at the statement that fails where Oxigraph's
    points at the end of the input, so the earlier of the two positions is the one to show."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(text)
    except ParseException as error:
        return SyntaxError(f"error at {error.lineno}:{error.col}: {error.msg}")
    except Exception:
        return None
    return None


def syntax_error(errors: list[Exception], shown_as: str, line_offset: int = 0) -> InputError:
    """A SPARQL syntax error as ``file:line:column: message`` in the user's own line numbers, at the earliest
    position any parser gave."""
    found = [p for p in (_position(e) for e in errors) if p is not None]
    if not found:
        return InputError(f"SPARQL syntax error: {errors[0]}", path=shown_as)
    found.sort(key=lambda p: (p[0], p[1]))
    line, column, text = found[0]
    others = [f"{t} at {ln - line_offset}:{c}" for ln, c, t in found[1:] if t != text]
    if others:
        text += " (also: " + "; ".join(others) + ")"
    return InputError(f"SPARQL syntax error: {text}", path=shown_as, line=line - line_offset, column=column)


def oxigraph_term(term) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if term.language:
        return Term("literal", term.value, lang=term.language)
    return Term("literal", term.value, datatype=term.datatype.value)


def solution_rows(solutions, variables: list[str]) -> list[dict[str, Term]]:
    """Oxigraph's solutions as rows of :class:`Term` values, read by position (a solution iterates over its
    values in the order of the variables, ``None`` where one is unbound). Each distinct term is converted
    once per result and its ``Term`` shared by every row that holds it: a ``Term`` is frozen."""
    cache: dict = {}
    known = cache.get
    rows: list[dict[str, Term]] = []
    append = rows.append
    for solution in solutions:
        row = {}
        for name, value in zip(variables, solution, strict=True):
            if value is not None:
                term = known(value)
                if term is None:
                    term = cache[value] = oxigraph_term(value)
                row[name] = term
        append(row)
    return rows


def page_rows(solutions, variables: list[str], page: Page) -> tuple[list[dict[str, Term]], int]:
    """The rows of one page of Oxigraph's solutions, and the number of rows of the whole answer: every
    solution is counted, only the page's are converted (most of the cost of reading a large answer)."""
    kept, total = [], 0
    start, stop = page.start, page.stop
    for solution in solutions:
        if start <= total < stop:
            kept.append(solution)
        total += 1
    return solution_rows(kept, variables), total


def turtle(triples) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))


def refuse_service(engine, text: str) -> None:
    """An embedded engine would fetch a ``SERVICE`` URL itself, from the user's machine: only when asked."""
    if not engine.allows_service and uses_service(text):
        raise UsageError(
            f"SERVICE makes the embedded {engine.name} engine send requests to other servers; "
            "allow it with: innograph query --allow-service"
        )


class OxigraphEngine:
    name = "oxigraph"

    def __init__(self, kg, allow_service: bool = False):
        self.kg = kg
        self.allows_service = allow_service

    def run(self, text: str, page: Page | None = None) -> Table | bytes:
        """The answer; with ``page``, only that page's rows of a SELECT, and the whole answer's row count."""
        refuse_service(self, text)
        result = self.kg.query(text)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            if page is None:
                return Table(variables, solution_rows(result, variables))
            rows, total = page_rows(result, variables, page)
            return Table(variables, rows, page=page, total=total)
        if isinstance(result, ox.QueryBoolean):
            return Table([], [], bool(result))
        return turtle(list(result))


class RdflibEngine:
    """rdflib's SPARQL engine over an rdflib Dataset holding the same named graphs: slow, but an
    independent implementation to check catalogue answers against."""

    name = "rdflib"

    def __init__(self, kg, allow_service: bool = False):
        from rdflib import Dataset, URIRef

        from innograph.loader import to_rdflib_term

        self.allows_service = allow_service
        self.dataset = Dataset(default_union=True)
        for graph_file in kg.files:
            graph = self.dataset.graph(URIRef(graph_file.graph))
            for quad in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_file.graph)):
                graph.add((to_rdflib_term(quad.subject), to_rdflib_term(quad.predicate), to_rdflib_term(quad.object)))

    @staticmethod
    def _term(value) -> Term:
        from rdflib import BNode, Literal, URIRef

        if isinstance(value, URIRef):
            return Term("uri", str(value))
        if isinstance(value, BNode):
            return Term("bnode", str(value))
        assert isinstance(value, Literal)
        if value.language:
            return Term("literal", str(value), lang=value.language)
        return Term("literal", str(value), datatype=str(value.datatype) if value.datatype else f"{XSD}string")

    def run(self, text: str, page: Page | None = None) -> Table | bytes:
        from pyparsing import ParseException

        refuse_service(self, text)
        try:
            result = self.dataset.query(text)
        except ParseException as error:
            raise SyntaxError(f"error at {error.lineno}:{error.col}: {error.msg}") from None
        if result.type == "SELECT":
            variables = [str(v) for v in result.vars]
            rows = [
                {name: self._term(row[i]) for i, name in enumerate(variables) if row[i] is not None} for row in result
            ]
            return Table(variables, rows).paged(page)
        if result.type == "ASK":
            return Table([], [], bool(result.askAnswer))
        triples = [
            ox.Triple(*(_to_oxigraph(t) for t in triple))  # type: ignore[arg-type]
            for triple in result.graph
        ]
        return turtle(triples)


def _to_oxigraph(term):
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


class EndpointEngine:
    """A SPARQL 1.1 endpoint reached over the SPARQL 1.1 Protocol (HTTP POST, form-encoded).

    Every exchange has a wall-clock deadline of ``timeout`` seconds (connect, headers and body). The answer
    is checked by its Content-Type and parsed completely before it is returned, so that an HTML login page
    or a truncated answer is an error, never a result. ``SERVICE`` is passed through: it is the remote
    store's business."""

    name = "endpoint"
    allows_service = True

    def __init__(self, url: str, timeout: float = 10.0):
        if not re.match(r"^https?://", url):
            raise EndpointError(f"{url}: an endpoint URL starts with http:// or https://")
        self.url = url
        self.timeout = timeout

    def run(self, text: str, page: Page | None = None) -> Table | bytes:
        """The endpoint's answer; with ``page``, that page of the rows it sent (it sends every row)."""
        form = query_form(text)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        content_type, payload = exchange(
            "POST",
            self.url,
            urllib.parse.urlencode({"query": text}).encode("utf-8"),
            {
                "Accept": RDF_ACCEPT if graph else SPARQL_JSON,
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            },
            self.timeout,
            rejected="the endpoint rejected the query",
        )
        media = content_type.partition(";")[0].strip().lower()
        if graph:
            return self._graph(form, media, payload)
        if media not in (SPARQL_JSON, "application/json"):
            raise EndpointError(
                f"{self.url}: the endpoint answered {media or 'without a Content-Type'} to a {form} query, "
                f"not {SPARQL_JSON}"
            )
        try:
            table = sparql_json(payload)
        except (ValueError, KeyError, TypeError) as error:
            raise EndpointError(f"{self.url}: the answer is not SPARQL JSON results ({error})") from None
        if (form == "ASK") != (table.boolean is not None):
            raise EndpointError(f"{self.url}: the answer is not the answer to a{'n' if form == 'ASK' else ''} {form}")
        return table.paged(page)

    def _graph(self, form: str, media: str, payload: bytes) -> bytes:
        """Parse the RDF answer whole, then write it as Turtle with the project's prefixes."""
        syntax = ox.RdfFormat.from_media_type(media) if media else None
        if syntax is None:
            raise EndpointError(
                f"{self.url}: the endpoint answered {media or 'without a Content-Type'} to a {form} query, "
                "not RDF (Turtle, N-Triples, RDF/XML)"
            )
        try:
            triples = [quad.triple for quad in ox.parse(payload, format=syntax, base_iri=self.url)]
        except (SyntaxError, ValueError) as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise EndpointError(f"{self.url}: the answer is not valid {syntax.name} ({first})") from None
        return turtle(triples)


SPARQL_JSON = "application/sparql-results+json"
RDF_ACCEPT = "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.8"
_TERM_TYPES = ("uri", "literal", "typed-literal", "bnode")


def sparql_json(payload: bytes) -> Table:
    """SPARQL 1.1 JSON results, checked term by term (``Table.from_json`` trusts its input)."""
    data = json.loads(payload.decode("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("head"), dict):
        raise ValueError("no 'head' object")
    if "boolean" in data:
        if not isinstance(data["boolean"], bool):
            raise ValueError("'boolean' is not true or false")
        return Table([], [], data["boolean"])
    variables = data["head"].get("vars", [])
    bindings = data.get("results", {}).get("bindings") if isinstance(data.get("results"), dict) else None
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise ValueError("'head.vars' is not a list of names")
    if not isinstance(bindings, list):
        raise ValueError("no 'results.bindings' list")
    rows = []
    for binding in bindings:
        if not isinstance(binding, dict):
            raise ValueError("a binding is not an object")
        for value in binding.values():
            if not isinstance(value, dict) or value.get("type") not in _TERM_TYPES:
                raise ValueError(f"not an RDF term: {json.dumps(value)[:80]}")
            if not all(isinstance(value.get(k, ""), str) for k in ("value", "xml:lang", "datatype")):
                raise ValueError(f"not an RDF term: {json.dumps(value)[:80]}")
            if "value" not in value:
                raise ValueError(f"a term without a value: {json.dumps(value)[:80]}")
        rows.append({name: Term.from_json(value) for name, value in binding.items()})
    return Table(list(variables), rows)


def http(method: str, url: str, body: bytes | None, headers: dict[str, str], timeout: float, rejected: str) -> bytes:
    """One HTTP request under a wall-clock deadline of ``timeout`` seconds; the answer's body. Every failure
    becomes a one-line error naming the URL (HTTP 400: an :class:`InputError` starting with ``rejected``)."""
    return exchange(method, url, body, headers, timeout, rejected)[1]


def exchange(
    method: str, url: str, body: bytes | None, headers: dict[str, str], timeout: float, rejected: str
) -> tuple[str, bytes]:
    """Like :func:`http`, but also the answer's Content-Type.

    urllib's own timeout bounds each socket read, not the exchange: a server that trickles a byte a second
    never times out. A :class:`~innograph.deadline.Watchdog` shuts the connection's sockets down at the
    deadline instead, and the body is read in chunks (``read1``) so that nothing waits on a full buffer."""
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    late = EndpointError(f"{url}: no answer within {timeout:g} s (--timeout)")
    with Watchdog(timeout) as watchdog:
        opener = urllib.request.build_opener(_WatchedHTTP(watchdog), _WatchedHTTPS(watchdog))
        try:
            with opener.open(request, timeout=timeout) as response:
                content_type = response.headers.get("Content-Type", "")
                chunks = []
                while chunk := response.read1(1 << 16):
                    chunks.append(chunk)
            if watchdog.fired:  # a shut-down socket reads as the end of the answer: it is not
                raise late
            return content_type, b"".join(chunks)
        except urllib.error.HTTPError as error:
            try:
                detail = error.read(1 << 16).decode("utf-8", "replace").strip().splitlines()
            except Exception:
                detail = []
            if watchdog.fired:
                raise late from None
            first = detail[0][:200] if detail else error.reason
            if error.code == 400:
                raise InputError(f"{rejected}: {first}", path=url) from None
            raise EndpointError(f"{url}: the endpoint answered HTTP {error.code}: {first}") from None
        except (OSError, HTTPException, ValueError) as error:  # URLError is an OSError
            reason = error.reason if isinstance(error, urllib.error.URLError) else error
            if watchdog.fired or isinstance(reason, TimeoutError | socket.timeout):
                raise late from None
            if isinstance(error, HTTPException | ValueError):
                raise EndpointError(f"{url}: the endpoint broke off its answer ({type(error).__name__})") from None
            raise EndpointError(f"{url}: cannot reach the endpoint ({reason})") from None


class _Watched:
    """Mixed into http.client's connection classes: every socket they open is watched by the watchdog."""

    watchdog: Watchdog

    def connect(self):
        self.timeout = max(self.watchdog.remaining(), 0.001)  # connecting, too, ends at the deadline
        self._create_connection = self._create_watched
        super().connect()
        self.watchdog.watch(self.sock)  # after TLS: the socket that is read from

    def _create_watched(self, *args, **kwargs):
        sock = socket.create_connection(*args, **kwargs)
        self.watchdog.watch(sock)  # before TLS: a proxy tunnel is set up over it
        return sock


class _WatchingHandler:
    def __init__(self, watchdog: Watchdog, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.watchdog = watchdog

    def do_open(self, http_class, req, **kwargs):
        watched = type(f"Watched{http_class.__name__}", (_Watched, http_class), {"watchdog": self.watchdog})
        return super().do_open(watched, req, **kwargs)


class _WatchedHTTP(_WatchingHandler, urllib.request.HTTPHandler):
    pass


class _WatchedHTTPS(_WatchingHandler, urllib.request.HTTPSHandler):
    pass
