"""Load the knowledge graph into any SPARQL 1.1 store, named graph by named graph, all or nothing.

Each graph is first uploaded to a staging graph of its own (Graph Store Protocol ``PUT`` where the store
offers it, else SPARQL ``INSERT DATA`` in chunks); then one SPARQL update moves every staging graph onto
its real name. Stores run one update request as one transaction (Oxigraph, Jena Fuseki, GraphDB, Virtuoso
do), so readers see either the old graphs or all the new ones. If anything fails before the move, the
staging graphs are dropped and the store's graphs are as they were.
"""

from __future__ import annotations

import contextlib
import urllib.parse
import uuid
from dataclasses import dataclass

import pyoxigraph as ox

from innograph.engines import EndpointEngine, http
from innograph.errors import EndpointError, InnographError
from innograph.loader import KnowledgeGraph

STAGING = "https://w3id.org/innograph/staging/"
CHUNK = 20_000


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    store: str | None  # Graph Store Protocol; None: use SPARQL update only

    @classmethod
    def derive(cls, query: str, update: str | None = None, store: str | None = None) -> Endpoints:
        """Oxigraph's layout (/query, /update, /store) is assumed when only the query URL is given."""
        if update is None:
            if not query.rstrip("/").endswith("/query"):
                raise EndpointError(f"{query}: give --update-endpoint (and --store-endpoint if the store has one)")
            base = query.rstrip("/")[: -len("/query")]
            update = f"{base}/update"
            store = store or f"{base}/store"
        return cls(query, update, store)


@dataclass(frozen=True)
class Pushed:
    graph: str
    triples: int


def _ntriples(kg: KnowledgeGraph, graph: str) -> list[bytes]:
    triples = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    ]
    return [
        ox.serialize(triples[i : i + CHUNK], format=ox.RdfFormat.N_TRIPLES)
        for i in range(0, max(len(triples), 1), CHUNK)
    ]


def _update(endpoints: Endpoints, text: str, timeout: float) -> None:
    http(
        "POST",
        endpoints.update,
        urllib.parse.urlencode({"update": text}).encode("utf-8"),
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        timeout,
        rejected="the endpoint rejected the update",
    )


def _upload(endpoints: Endpoints, staging: str, chunks: list[bytes], timeout: float) -> None:
    if endpoints.store:
        url = f"{endpoints.store}?{urllib.parse.urlencode({'graph': staging})}"
        http("PUT", url, b"".join(chunks), {"Content-Type": "application/n-triples"}, timeout,
             rejected="the store rejected the graph")  # fmt: skip
        return
    for chunk in chunks:
        _update(endpoints, f"INSERT DATA {{ GRAPH <{staging}> {{\n{chunk.decode('utf-8')}\n}} }}", timeout)


def push(kg: KnowledgeGraph, endpoints: Endpoints, timeout: float = 60.0) -> list[Pushed]:
    """Replace each of the graph's named graphs in the store, all at once; return what was loaded."""
    token = uuid.uuid4().hex
    plan = []
    for number, graph_file in enumerate(kg.files):
        staging = f"{STAGING}{token}/{number}"
        count = len(list(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_file.graph))))
        plan.append((graph_file.graph, staging, count))
    uploaded: list[str] = []
    try:
        for graph, staging, _count in plan:
            _upload(endpoints, staging, _ntriples(kg, graph), timeout)
            uploaded.append(staging)
        moves = " ;\n".join(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>" for graph, staging, _ in plan)
        _update(endpoints, moves, timeout)
    except InnographError as error:
        _drop(endpoints, uploaded, timeout)
        raise type(error)(f"{error} (push abandoned: the store's graphs were not changed)") from None
    loaded = {}
    counts = EndpointEngine(endpoints.query, timeout).run(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    for row in counts.rows:
        loaded[row["g"].value] = int(row["n"].value)
    result = []
    for graph, _staging, count in plan:
        if loaded.get(graph, 0) != count:
            raise EndpointError(f"{endpoints.query}: graph <{graph}> holds {loaded.get(graph, 0)} triples, not {count}")
        result.append(Pushed(graph, count))
    return result


def _drop(endpoints: Endpoints, staging: list[str], timeout: float) -> None:
    if not staging:
        return
    # If the store is unreachable or failing, the staging graphs stay behind as harmless leftovers.
    with contextlib.suppress(InnographError):
        _update(endpoints, " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in staging), timeout)
