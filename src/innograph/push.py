"""Load the knowledge graph into any SPARQL 1.1 store, named graph by named graph, all or nothing.

The whole replacement travels as ONE SPARQL update request: ``DROP SILENT GRAPH`` for every graph of the
project, for every innograph graph the project no longer has and for every staging graph an earlier version
left behind; a pattern ``DELETE`` for any such leftover that appeared since; then ``INSERT DATA`` for every
graph of the project. Stores run one update request as one
transaction (Oxigraph, Jena Fuseki, GraphDB, Virtuoso do), so readers see the old graphs or all the new
ones, never a mix; and a client killed while sending leaves a truncated request (its Content-Length is not
reached), which the store discards. Nothing is ever staged inside the served dataset: with a union default
graph (what ``innograph serve`` and the README's setup use) a staging graph is visible to every reader.

The data is written in Turtle's compact form (prefixed names, ``;`` and ``,`` lists), whose triples are
SPARQL syntax too: a million triples make a 47 MB request, under the 128 MB Oxigraph accepts in one request
(N-Triples would take 156 MB).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from innograph.engines import EndpointEngine, http
from innograph.errors import EndpointError, InnographError
from innograph.loader import KnowledgeGraph
from innograph.namespaces import GRAPH, PREFIXES

# Where earlier versions staged each graph while pushing (a killed push left them for good); every push sweeps them.
STAGING = "https://w3id.org/innograph/staging/"


# Run after the project's graphs are dropped: whatever innograph or staging graph still holds triples then is a
# leftover, including one that a concurrent push (or one killed after sending its request) committed since.
SWEEP = f"""DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{
  {{ SELECT DISTINCT ?g WHERE {{
    GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), "{GRAPH}") || STRSTARTS(STR(?g), "{STAGING}")) }} }}
  GRAPH ?g {{ ?s ?p ?o }}
}} ;
"""


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str

    @classmethod
    def derive(cls, query: str, update: str | None = None) -> Endpoints:
        """Oxigraph's layout (/query, /update) is assumed when only the query URL is given."""
        if update is None:
            if not query.rstrip("/").endswith("/query"):
                raise EndpointError(f"{query}: give --update-endpoint too")
            update = f"{query.rstrip('/')[: -len('/query')]}/update"
        return cls(query, update)


@dataclass(frozen=True)
class Pushed:
    graph: str
    triples: int


def push(kg: KnowledgeGraph, endpoints: Endpoints, timeout: float = 60.0) -> list[Pushed]:
    """Replace each of the graph's named graphs in the store, all at once; return what was loaded."""
    counts = {f.graph: _count(kg, f.graph) for f in kg.files}
    try:
        held = _named_graphs(endpoints, timeout)
        body = _replacement(kg, sorted(_leftovers(held, set(counts))))
    except InnographError as error:
        raise type(error)(f"{error} (push abandoned: the store's graphs were not changed)") from None
    try:
        _update(endpoints, body, timeout)
    except InnographError as error:
        # One transaction: the store keeps all the old graphs, or takes all the new ones if it still completes
        # (a store on disk needs about two minutes to replace a million triples).
        raise type(error)(
            f"{error} (push not confirmed: the store applies all of the update or none of it;"
            " push again, with a longer --timeout if it ran out)"
        ) from None
    return _verify(endpoints, counts, timeout)


def _count(kg: KnowledgeGraph, graph: str) -> int:
    return sum(1 for _ in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _named_graphs(endpoints: Endpoints, timeout: float) -> set[str]:
    """Every named graph the store holds (``GRAPH ?g {}`` lists them without reading their triples)."""
    table = EndpointEngine(endpoints.query, timeout).run("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    return {row["g"].value for row in table.rows if "g" in row and row["g"].type == "uri"}


def _leftovers(held: set[str], wanted: set[str]) -> set[str]:
    """Graphs to drop besides the project's: staging graphs of an older innograph (which a killed push left
    for good), and innograph graphs whose file the project no longer has."""
    return {g for g in held if g.startswith(STAGING) or (g.startswith(GRAPH) and g not in wanted)}


def _replacement(kg: KnowledgeGraph, leftovers: list[str]) -> bytes:
    """The whole push as one SPARQL update: every graph of the project dropped, the leftovers found before
    dropped, any other leftover that appeared since deleted by pattern (a push killed after sending all of
    its request may commit meanwhile), and every graph of the project inserted again."""
    parts = [b"".join(f"PREFIX {p}: <{iri}>\n".encode() for p, iri in PREFIXES.items())]
    parts += [f"DROP SILENT GRAPH <{g}> ;\n".encode() for g in [*leftovers, *(f.graph for f in kg.files)]]
    parts.append(SWEEP.encode())
    for graph_file in kg.files:
        parts.append(f"INSERT DATA {{ GRAPH <{graph_file.graph}> {{\n".encode())
        parts.append(_triples(kg, graph_file.graph))
        parts.append(b"} } ;\n")
    return b"".join(parts)


def _triples(kg: KnowledgeGraph, graph: str) -> bytes:
    """One graph's triples in Turtle without its ``@prefix`` lines: the rest is SPARQL's triple syntax, and
    the prefixes are declared once at the head of the request. A graph is never split over two ``INSERT
    DATA`` operations: blank node labels are scoped to one operation."""
    quads = kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    start = 0
    while text.startswith((b"@prefix ", b"PREFIX "), start):
        start = text.index(b"\n", start) + 1
    return _unescape_names(text[start:])


# A string literal (skipped), or a prefixed name whose local part holds a backslash escape, such as the
# statement record id:yinchuan\#000_x.capitalOf.ningxia: Turtle and SPARQL both allow the escape, but
# Oxigraph's SPARQL parser (0.5) rejects some (a digit after "\#"), so such names go as full IRIs.
_ESCAPED_NAME = re.compile(rb'"(?:[^"\\\n]|\\.)*"|(?<![\w<"])([A-Za-z][\w-]*):((?:[^\s\\]|\\\S)*\\\S(?:[^\s\\]|\\\S)*)')
_NAMESPACES = {prefix.encode(): iri.encode() for prefix, iri in PREFIXES.items()}


def _unescape_names(text: bytes) -> bytes:
    def full(match: re.Match) -> bytes:
        if match.group(1) is None or match.group(1) not in _NAMESPACES:
            return match.group(0)
        return b"<" + _NAMESPACES[match.group(1)] + re.sub(rb"\\(\S)", rb"\1", match.group(2)) + b">"

    return _ESCAPED_NAME.sub(full, text)


def _update(endpoints: Endpoints, body: bytes, timeout: float) -> None:
    """POST the update directly (SPARQL 1.1 Protocol): no form encoding, which would add a third to its size."""
    http(
        "POST",
        endpoints.update,
        body,
        {"Content-Type": "application/sparql-update; charset=utf-8"},
        timeout,
        rejected=f"the endpoint rejected the update of {len(body) / 2**20:.1f} MB",
    )


def _verify(endpoints: Endpoints, counts: dict[str, int], timeout: float) -> list[Pushed]:
    """Count each graph's triples in the store: the push is done only if every count is the project's and
    no staging or stale innograph graph is left."""
    table = EndpointEngine(endpoints.query, timeout).run(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    loaded = {row["g"].value: int(row["n"].value) for row in table.rows}
    for graph, count in counts.items():
        if loaded.get(graph, 0) != count:
            raise EndpointError(f"{endpoints.query}: graph <{graph}> holds {loaded.get(graph, 0)} triples, not {count}")
    left = sorted(_leftovers(set(loaded), set(counts)))
    if left:
        raise EndpointError(
            f"{endpoints.query}: graph <{left[0]}> (and {len(left) - 1} more) appeared during the push:"
            " did another push run at the same time? push again"
        )
    return [Pushed(graph, count) for graph, count in counts.items()]
