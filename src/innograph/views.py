"""Which network views exist (``viz/views.toml``) and how each is built from the knowledge graph."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from innograph.errors import InputError, UsageError
from innograph.network import DEFAULT_FAMILIES, FAMILIES, Triple, ego, project


@dataclass(frozen=True)
class ViewSpec:
    name: str
    title: str
    only: tuple[str, ...] = DEFAULT_FAMILIES
    statements: bool = False
    focus: str | None = None
    depth: int = 1
    source: str | None = None
    query: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(self.only) + (("statements",) if self.statements and "statements" not in self.only else ())


def load_specs(viz_dir: Path) -> dict[str, ViewSpec]:
    path = viz_dir / "views.toml"
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"malformed TOML: {error}", path=str(path)) from None
    specs = {}
    for name, entry in raw.get("views", {}).items():
        only = tuple(entry.get("only", DEFAULT_FAMILIES))
        bad = set(only) - set(FAMILIES)
        if bad:
            raise InputError(f"view {name}: unknown class families {', '.join(sorted(bad))}", path=str(path))
        specs[name] = ViewSpec(
            name=name,
            title=entry.get("title", name),
            only=only,
            statements=bool(entry.get("statements", False)),
            focus=entry.get("focus"),
            depth=int(entry.get("depth", 1)),
            source=entry.get("source"),
            query=entry.get("query"),
            params={k: str(v) for k, v in entry.get("params", {}).items()},
        )
    return specs


def resolve_entity(kg, text: str) -> str:
    """An entity by slug, CURIE, IRI or label in either language, as the CURIE the network uses."""
    from innograph.engines import OxigraphEngine
    from innograph.namespaces import curie
    from innograph.params import parse_value
    from innograph.query import label_lookup

    term = parse_value("entity", text, "focus", label_lookup(OxigraphEngine(kg)))
    return curie(term.value)


def query_triples(kg, name: str, params: dict[str, str]) -> list[Triple]:
    """The statements a query returns: a CONSTRUCT's triples, or a SELECT's ?s ?p ?o rows."""
    import pyoxigraph as ox

    from innograph.catalog import resolve
    from innograph.engines import OxigraphEngine
    from innograph.query import run_query
    from innograph.results import Table

    query = resolve(name, kg.project.queries_dir, kg.project.relative)
    result = run_query(query, OxigraphEngine(kg), params)
    if isinstance(result, Table):
        if not {"s", "p", "o"} <= set(result.variables):
            raise UsageError(f"query {query.name} must be a CONSTRUCT, or a SELECT of ?s ?p ?o, to make a view")
        return [
            Triple(r["s"].value, r["p"].value, r["o"].value)
            for r in result.rows
            if all(k in r and r[k].type == "uri" for k in ("s", "p", "o"))
        ]
    return [
        Triple(t.subject.value, t.predicate.value, t.object.value)
        for t in ox.parse(result, format=ox.RdfFormat.TURTLE)
        if isinstance(t.object, ox.NamedNode)
    ]


def build_network(kg, spec: ViewSpec) -> nx.MultiDiGraph:
    try:
        triples = query_triples(kg, spec.query, spec.params) if spec.query else None
        graph = project(kg, families=spec.families, source=spec.source, triples=triples)
        if spec.focus:
            graph = ego(graph, resolve_entity(kg, spec.focus), spec.depth)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return graph


def write_view(kg, spec: ViewSpec, out: Path, style=None) -> tuple[Path, nx.MultiDiGraph]:
    """Build one view's network and write its page; returns the file and the network."""
    from innograph.view import load_style, render, write_html

    style = style or load_style(kg.project.root / "viz")
    graph = build_network(kg, spec)
    return write_html(render(graph, spec.title, style), out), graph


def write_all(kg, out_dir: Path) -> list[str]:
    """Write every view of ``viz/views.toml`` into ``out_dir``; one line per view: file, nodes and edges."""
    from innograph.view import load_style

    style = load_style(kg.project.root / "viz")
    written = []
    for spec in load_specs(kg.project.root / "viz").values():
        path, graph = write_view(kg, spec, out_dir / f"{spec.name}.html", style)
        written.append(f"{path} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)")
    return written
