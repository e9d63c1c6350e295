"""Which network views exist (``viz/views.toml``) and how each is built from the knowledge graph."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from innograph.errors import InputError, UsageError
from innograph.namespaces import IG, RDFS
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


def resolve_entity(kg, text: str, what: str = "--focus") -> str:
    """An entity by slug, CURIE, IRI or label in either language (the resolver every command shares), as
    the CURIE the network uses; ``what`` names the option in messages."""
    from innograph.engines import OxigraphEngine
    from innograph.entities import EntityResolver
    from innograph.namespaces import curie

    return curie(EntityResolver(OxigraphEngine(kg)).entity(text, what).value)


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


def write_view(kg, spec: ViewSpec, out: Path, style=None, links=None) -> tuple[Path, nx.MultiDiGraph]:
    """Build one view's network and write its page; returns the file and the network. ``links``: see
    :func:`innograph.view.render`."""
    from innograph.view import load_style, render, write_html

    style = style or load_style(kg.project.root / "viz")
    graph = build_network(kg, spec)
    focus = resolve_entity(kg, spec.focus) if spec.focus else None
    return write_html(render(graph, spec.title, style, focus=focus, links=links), out), graph


def build_links(kg, pages: set[str], charts: dict[str, str]) -> dict[str, dict[str, str]]:
    """For a build's views (in ``views/``, beside ``docs/`` and ``charts/``): each entity's documentation
    page (``pages``: the IRIs that have one), the chart of a place (``charts``: IRI of a place or indicator
    to its file name in ``charts/``) and, for a target or figure, the chart of its indicator; keyed by the
    CURIE the network uses."""
    from innograph.entity_pages import entity_slug
    from innograph.namespaces import curie

    links: dict[str, dict[str, str]] = {}
    for iri in sorted(pages):
        links.setdefault(curie(iri), {})["page"] = f"../docs/entity/{entity_slug(iri)}.html"
    for iri, name in sorted(charts.items()):
        links.setdefault(curie(iri), {})["chart"] = f"../charts/{name}"
    # a target or figure (a node when a view shows statements) links to the chart of its indicator
    for row in kg.query("SELECT ?s ?i WHERE { ?s ig:indicator ?i FILTER (isIRI(?s) && isIRI(?i)) }"):
        name = charts.get(row["i"].value)
        if name:
            links.setdefault(curie(row["s"].value), {})["chart"] = f"../charts/{name}"
    return links


def write_all(kg, out_dir: Path, links=None) -> list[str]:
    """Write every view of ``viz/views.toml`` into ``out_dir``; one line per view: file, nodes and edges."""
    from innograph.view import load_style

    style = load_style(kg.project.root / "viz")
    written = []
    for spec in load_specs(kg.project.root / "viz").values():
        path, graph = write_view(kg, spec, out_dir / f"{spec.name}.html", style, links)
        written.append(f"{path} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)")
    return written


# ------------------------------------------------------------------ views asked for on the command line

# Names that read better with "the": "the Ministry of Finance", "the Yangtze River Delta", "the State Council".
_THE_FIRST = {"state", "national", "central", "general", "standing", "municipal", "provincial"}
_THE_LAST = {
    "academy", "administration", "agency", "alliance", "association", "basin", "bureau", "centre", "center",
    "commission", "committee", "congress", "corridor", "council", "delta", "department", "federation", "government",
    "institute", "laboratory", "ministry", "office", "park", "plateau", "region", "zone",
}  # fmt: skip
# Families whose members are things rather than names: "the action plan", "the cooperation", "the award".
_THE_FAMILIES = {"platforms", "programmes", "measures", "agreements", "events", "awards", "products", "statements"}


def slugify(text: str, limit: int = 60) -> str:
    """A file-name-safe part: lower case ASCII letters and digits joined by hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def _slug_of(curie_text: str) -> str:
    """``id:huang-zhiming`` as ``huang-zhiming``; any other CURIE made file-name safe."""
    return curie_text.removeprefix("id:") if curie_text.startswith("id:") else slugify(curie_text)


def _english_label(kg, iri: str) -> str | None:
    found = None
    for row in kg.query(f"SELECT ?l WHERE {{ <{iri}> <{RDFS}label> ?l }}"):
        label = row["l"]
        if label.language == "en":
            return label.value
        if not label.language and found is None:
            found = label.value
    return found


def _expand(curie_text: str) -> str:
    from innograph.namespaces import PREFIXES

    if curie_text.startswith("<") and curie_text.endswith(">"):
        return curie_text[1:-1]
    prefix, _, local = curie_text.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else curie_text


def named(kg, curie_text: str) -> str:
    """An entity as a sentence names it: its English label, with "the" where English puts one ("the
    Ministry of Finance", "the Action Plan for …") and without it for people and most places ("Huang
    Zhiming", "Ningbo")."""
    iri = _expand(curie_text)
    label = _english_label(kg, iri) or curie_text
    if label[:4].lower() == "the ":
        return label
    families = _families_of(kg, iri)
    if "actors" in families and _is_person(kg, iri):
        return label
    words = re.sub(r"\s*\([^)]*\)\s*$", "", label).split() or [label]
    if (
        families & _THE_FAMILIES
        or " of " in f" {label.lower()} "
        or words[0].lower() in _THE_FIRST
        or words[-1].lower() in _THE_LAST
    ):
        return f"the {label}"
    return label


def _families_of(kg, iri: str) -> set[str]:
    roots = {root: family for family, rs in FAMILIES.items() for root in rs}
    values = " ".join(f"<{root}>" for root in roots)
    query = f"SELECT DISTINCT ?root WHERE {{ <{iri}> a/<{RDFS}subClassOf>* ?root VALUES ?root {{ {values} }} }}"
    return {roots[row["root"].value] for row in kg.query(query)}


def _is_person(kg, iri: str) -> bool:
    return bool(kg.query(f"ASK {{ <{iri}> a/<{RDFS}subClassOf>* <{IG}Person> }}"))


def _citation_of_source(kg, source: str) -> str:
    """The short citation of a source article given by file name or stem, else the name as given."""
    from innograph.citations import Citations

    stem = source.removesuffix(".txt").rsplit("/", 1)[-1]
    for row in kg.query(f"SELECT ?s ?file WHERE {{ ?s <{IG}fileName> ?file }}"):
        if row["file"].value == f"{stem}.txt":
            return Citations(kg)(row["s"].value)
    return source


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def ad_hoc(
    kg,
    *,
    only: tuple[str, ...] = DEFAULT_FAMILIES,
    statements: bool = False,
    focus: str | None = None,
    depth: int = 1,
    source: str | None = None,
    query: str | None = None,
    params: dict[str, str] | None = None,
) -> ViewSpec:
    """The view a command line asks for, with a title in words ("Within 2 links of the Ministry of
    Finance", "As told by <article>") and a file name derived from the request: ``ego-huang-zhiming``,
    ``ego-ministry-of-finance-2`` (the depth when it is not 1), ``source-<stem>``, ``query-<name>`` (with
    its parameters' values), the class families when not all of them, ``overview`` for the whole graph."""
    params = dict(params or {})
    bad = set(only) - set(FAMILIES)
    if bad:
        raise UsageError(f"unknown class families: {', '.join(sorted(bad))}; known: {', '.join(FAMILIES)}")
    phrases: list[str] = []
    parts: list[str] = []
    if focus:
        centre = resolve_entity(kg, focus)
        phrases.append(f"within {depth} link{'' if depth == 1 else 's'} of {named(kg, centre)}")
        parts.append(f"ego-{_slug_of(centre)}" + (f"-{depth}" if depth != 1 else ""))
    if source:
        phrases.append(f"as told by {_citation_of_source(kg, source)}")
        stem = source.removesuffix(".txt").rsplit("/", 1)[-1]
        parts.append("source-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "article"))
    if query == "-":
        phrases.append("from a query on standard input")
        parts.append("query-stdin")
    elif query:
        title, values = _query_words(kg, query, params)
        phrases.append(f"from the query \u201c{title}\u201d" + (f" ({values})" if values else ""))
        parts.append("-".join(["query", *_query_name_parts(kg, query, params)]))
    families = [f for f in FAMILIES if f in only]
    if set(only) != set(DEFAULT_FAMILIES):
        phrases.append(f"{_words(families).lower()} only")
        if not parts:
            parts.append("overview")
        parts.extend(families)
    if statements and "statements" not in only:
        phrases.append("with targets and figures")
        if not parts:
            parts.append("overview")
        parts.append("statements")
    title = ", ".join(phrases) if phrases else "the whole graph"
    return ViewSpec(
        name="-".join(parts) or "overview",
        title=title[0].upper() + title[1:],
        only=tuple(only),
        statements=statements,
        focus=focus,
        depth=depth,
        source=source,
        query=query,
        params=params,
    )


def _catalogue_query(kg, name: str):
    """A query by catalogue name or file (standard input is read once, when the view is built)."""
    from innograph.catalog import resolve

    return resolve(name, kg.project.queries_dir, kg.project.relative)


def _query_words(kg, name: str, params: dict[str, str]) -> tuple[str, str]:
    """A query's title and its parameters in words (entities by their names)."""
    query = _catalogue_query(kg, name)
    values = []
    for key in sorted(params):
        param = query.param(key)
        value = params[key]
        if param is not None and param.kind == "entity":
            value = named(kg, resolve_entity(kg, value, f"--param {key}")).removeprefix("the ")
        values.append(f"{key}: {value}")
    return query.title or query.name, "; ".join(values)


def _query_name_parts(kg, name: str, params: dict[str, str]) -> list[str]:
    query = _catalogue_query(kg, name)
    parts = [slugify(query.name) or "query"]
    for key in sorted(params):
        param = query.param(key)
        value = params[key]
        if param is not None and param.kind == "entity":
            parts.append(_slug_of(resolve_entity(kg, value, f"--param {key}")))
        elif slug := slugify(value, 30):
            parts.append(slug)
    return parts
