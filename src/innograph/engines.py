"""Where queries run: the embedded Oxigraph store (default), rdflib's own SPARQL engine over the same
quads (for cross-checks), or any SPARQL 1.1 endpoint over the SPARQL protocol.

Each engine takes standard SPARQL text and answers with a :class:`~innograph.results.Table` (SELECT, ASK)
or Turtle bytes (CONSTRUCT, DESCRIBE). In the embedded engines the default graph is the union of all named
graphs; an endpoint should be set up the same way (``oxigraph serve --union-default-graph``).
"""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from innograph.errors import EndpointError, InputError
from innograph.namespaces import PREFIXES, XSD
from innograph.params import query_form
from innograph.results import Table, Term

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


def turtle(triples) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))


class OxigraphEngine:
    name = "oxigraph"

    def __init__(self, kg):
        self.kg = kg

    def run(self, text: str) -> Table | bytes:
        result = self.kg.query(text)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                row = {}
                for name in variables:
                    value = solution[name]
                    if value is not None:
                        row[name] = oxigraph_term(value)
                rows.append(row)
            return Table(variables, rows)
        if isinstance(result, ox.QueryBoolean):
            return Table([], [], bool(result))
        return turtle(list(result))


class RdflibEngine:
    """rdflib's SPARQL engine over an rdflib Dataset holding the same named graphs: slow, but an
    independent implementation to check catalogue answers against."""

    name = "rdflib"

    def __init__(self, kg):
        from rdflib import Dataset, URIRef

        from innograph.loader import to_rdflib_term

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

    def run(self, text: str) -> Table | bytes:
        from pyparsing import ParseException

        try:
            result = self.dataset.query(text)
        except ParseException as error:
            raise SyntaxError(f"error at {error.lineno}:{error.col}: {error.msg}") from None
        if result.type == "SELECT":
            variables = [str(v) for v in result.vars]
            rows = [
                {name: self._term(row[i]) for i, name in enumerate(variables) if row[i] is not None} for row in result
            ]
            return Table(variables, rows)
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
    """A SPARQL 1.1 endpoint reached over the SPARQL 1.1 Protocol (HTTP POST, form-encoded)."""

    name = "endpoint"

    def __init__(self, url: str, timeout: float = 10.0):
        if not re.match(r"^https?://", url):
            raise EndpointError(f"{url}: an endpoint URL starts with http:// or https://")
        self.url = url
        self.timeout = timeout

    def run(self, text: str) -> Table | bytes:
        form = query_form(text)
        accept = "text/turtle" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        payload = http(
            "POST",
            self.url,
            urllib.parse.urlencode({"query": text}).encode("utf-8"),
            {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            self.timeout,
            rejected="the endpoint rejected the query",
        )
        if accept == "text/turtle":
            return payload
        try:
            return Table.from_json(payload.decode("utf-8"))
        except (ValueError, KeyError) as error:
            raise EndpointError(f"{self.url}: the answer is not SPARQL JSON results ({error})") from None


def http(method: str, url: str, body: bytes | None, headers: dict[str, str], timeout: float, rejected: str) -> bytes:
    """One HTTP request; every failure becomes a one-line error naming the URL."""
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace").strip().splitlines()
        first = detail[0][:200] if detail else error.reason
        if error.code == 400:
            raise InputError(f"{rejected}: {first}", path=url) from None
        raise EndpointError(f"{url}: the endpoint answered HTTP {error.code}: {first}") from None
    except TimeoutError:
        raise EndpointError(f"{url}: no answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError | socket.timeout):
            raise EndpointError(f"{url}: no answer within {timeout:g} s") from None
        raise EndpointError(f"{url}: cannot reach the endpoint ({error.reason})") from None
    except OSError as error:
        raise EndpointError(f"{url}: cannot reach the endpoint ({error})") from None
