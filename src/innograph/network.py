"""Project the RDF graph onto a network: entities become nodes, object properties become labelled edges.

Literals, types and provenance become node and edge attributes, never nodes: a node carries its labels
in English and Chinese, its class and class family, its dated and counted facts, and the source articles
that mention it (file names, and short citations: title, outlet, date); an edge carries its property's
labels, the articles whose graphs hold it and, for each graph, its evidence (:class:`Evidence`: the
statement record's verbatim quote, the article's short citation, the section, stated or inferred). Source
records, statement records, article sections and vocabulary concepts stay out of the network (they are
what the attributes point to). One function, :func:`project`, serves views and analytics alike.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import networkx as nx
import pyoxigraph as ox

from innograph.citations import Citations
from innograph.namespaces import DCTERMS, GRAPH, ID, IG, RDF, RDFS, SKOS, curie
from innograph.records import is_placeholder

# Class families, in the order that decides a node's family when its class belongs to two
# (an industrial research institute is an organisation and a platform: it is shown as an actor).
FAMILIES: dict[str, tuple[str, ...]] = {
    "actors": (f"{IG}Agent", f"{IG}Post"),
    "places": (f"{IG}Place",),
    "platforms": (f"{IG}Platform",),
    "programmes": (f"{IG}Programme",),
    "measures": (f"{IG}Measure",),
    "agreements": (f"{IG}Agreement", f"{IG}Cooperation"),
    "events": (f"{IG}Event",),
    "awards": (f"{IG}Award",),
    "products": (f"{IG}Product", f"{IG}Technology", f"{IG}Publication"),
    "statements": (f"{IG}QuantitativeStatement",),
}
DEFAULT_FAMILIES = tuple(f for f in FAMILIES if f != "statements")
_SKIP_PREDICATES = {f"{RDF}type"}


@dataclass(frozen=True)
class Triple:
    s: str
    p: str
    o: str


@dataclass(frozen=True)
class Evidence:
    """Why one graph holds an edge: ``source`` is the article's file (or the graph's CURIE for reference
    data), ``citation`` its title, outlet and date; ``quote`` is None where the graph has no record."""

    source: str
    citation: str | None = None
    quote: str | None = None
    section: str | None = None
    inferred: bool = False
    note: str | None = None

    def __str__(self) -> str:
        """One line for GraphML and GEXF exports, which flatten lists of attributes to text."""
        if not self.quote:
            return f"{self.citation or self.source}: no quote"
        text = f"“{self.quote}”, {self.citation or self.source}"
        if self.section:
            text += f", in “{self.section}”"
        if self.inferred:
            text += f" (inferred: {self.note})" if self.note else " (inferred)"
        return text


_EVIDENCE_QUERY = f"""
SELECT ?g ?s ?p ?o ?quote ?source ?inferred ?note ?sectionTitle ?recorded WHERE {{
  {{
    BIND (true AS ?recorded)
    GRAPH ?g {{
      ?record a <{IG}StatementRecord> ; <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o ;
        <{IG}quote> ?quote ; <{DCTERMS}source> ?source
      FILTER (isIRI(?o))
    }}
    OPTIONAL {{ GRAPH ?g {{ ?record <{IG}inferred> ?inferred }} }}
    OPTIONAL {{ GRAPH ?g {{ ?record <{IG}curatorNote> ?note }} }}
    OPTIONAL {{ GRAPH ?g {{ ?record <{IG}section> ?section }} ?section <{IG}title> ?sectionTitle }}
  }} UNION {{
    # targets and figures carry their own quote, which is the evidence for their links
    ?s a/<{RDFS}subClassOf>* <{IG}QuantitativeStatement> .
    GRAPH ?g {{ ?s <{IG}quote> ?quote ; <{DCTERMS}source> ?source ; ?p ?o FILTER (isIRI(?o)) }}
  }}
}}
"""


def _evidence(kg, members: set[str]) -> dict[tuple[str, str, str, str], tuple]:
    """(graph, subject, property, object) -> (quote, source IRI, section title, inferred, note) for the
    statements between ``members``; a statement record wins over a target's own quote."""
    found: dict[tuple[str, str, str, str], tuple] = {}
    # rows unpacked by position (the order of the SELECT), much faster than by name on large graphs
    for g, s, p, o, quote, source, inferred, note, section_title, recorded in kg.query(_EVIDENCE_QUERY):
        s, o = s.value, o.value
        if s not in members or o not in members:
            continue
        quote = quote.value
        if is_placeholder(quote):
            continue
        key = (g.value, s, p.value, o)
        recorded = recorded is not None
        if key in found and (found[key][0] or not recorded):
            continue  # the first record found, or a record over a target's own quote
        found[key] = (
            recorded,
            quote,
            source.value,
            section_title.value if section_title is not None else None,
            inferred is not None and inferred.value in ("true", "1"),
            note.value if note is not None else None,
        )
    return {key: value[1:] for key, value in found.items()}


def _family_of_classes(kg) -> dict[str, str]:
    """Every ontology class mapped to its family, following rdfs:subClassOf."""
    parents: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(f"SELECT ?c ?super WHERE {{ ?c <{RDFS}subClassOf> ?super }}"):
        parents[row["c"].value].add(row["super"].value)

    def ancestors(cls: str) -> set[str]:
        seen, todo = {cls}, [cls]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    families = {}
    classes = set(parents) | {p for ps in parents.values() for p in ps}
    for cls in classes:
        up = ancestors(cls)
        for family, roots in FAMILIES.items():
            if up.intersection(roots):
                families[cls] = family
                break
    return families


def _labels(kg, predicate: str) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for x, label in kg.query(f"SELECT ?x ?l WHERE {{ ?x <{predicate}> ?l }}"):
        lang = (label.language or "").lower()
        labels[x.value].setdefault(lang, label.value)
    return labels


def _articles_of_graphs(kg) -> tuple[dict[str, str], dict[str, str]]:
    """Named graph IRI -> the source file it was curated from, and -> its source record (only source
    articles' graphs)."""
    files, records = {}, {}
    for row in kg.query(f"SELECT ?s ?file WHERE {{ ?s <{IG}fileName> ?file }}"):
        file = row["file"].value
        graph = f"{GRAPH}{file.removesuffix('.txt')}"
        files[graph] = file
        records[graph] = row["s"].value
    return files, records


def _graph_name(kg, graph: str) -> str:
    """A graph that is not an article's by its file (``kg/reference/places.ttl``), else its CURIE."""
    found = kg.file_of(graph) if hasattr(kg, "file_of") else None
    return kg.project.relative(found.path) if found is not None else curie(graph)


def _graphs(kg, only_graph: str | None) -> Iterator[tuple[str, Iterable[ox.Quad]]]:
    """Each named graph's IRI (or only ``only_graph``'s) and its quads.

    Read straight from the store where there is one, graph by graph: a million quads take a second or two
    this way, several times less than the same rows from SPARQL."""
    store = getattr(kg, "store", None)
    if store is None:
        by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
        for s, p, o, g in kg.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            if only_graph is None or g.value == only_graph:
                by_graph[g.value].append(ox.Quad(s, p, o, g))
        yield from by_graph.items()
        return
    graphs = [ox.NamedNode(only_graph)] if only_graph is not None else store.named_graphs()
    for graph in graphs:  # as GRAPH ?g: never the default graph
        yield graph.value, store.quads_for_pattern(None, None, None, graph)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Cyclic garbage collection paused while a network is projected: at a million triples that allocates
    millions of objects and no garbage cycles, and the collector would walk them again and again (a third
    of the projection's time); it runs again, as before, once the network is built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def project(
    kg,
    *,
    families: Iterable[str] = DEFAULT_FAMILIES,
    source: str | None = None,
    triples: Iterable[Triple] | None = None,
) -> nx.MultiDiGraph:
    """The network of entities in ``families``.

    ``source`` keeps only what one source article's graph says (its file name or stem); ``triples``
    keeps only the given statements (a query's result), with attributes still read from the whole graph.
    """
    with gc_paused():
        return _project(kg, families=families, source=source, triples=triples)


def _project(
    kg,
    *,
    families: Iterable[str],
    source: str | None,
    triples: Iterable[Triple] | None,
) -> nx.MultiDiGraph:
    wanted = set(families)
    unknown = wanted - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown class families: {', '.join(sorted(unknown))}; known: {', '.join(FAMILIES)}")
    family_of = _family_of_classes(kg)
    labels = _labels(kg, f"{RDFS}label")
    concept_labels = _labels(kg, f"{SKOS}prefLabel")
    article_of, source_record_of = _articles_of_graphs(kg)

    only_graph = None
    if source is not None:
        stem = source.removesuffix(".txt").rsplit("/", 1)[-1]
        only_graph = f"{GRAPH}{stem}"
        if only_graph not in article_of:
            raise ValueError(f"no source article named {source!r}; known: {', '.join(sorted(article_of.values()))}")

    # Entities, their most specific class and family.
    classes: dict[str, str] = {}
    for e, c in kg.query(f'SELECT ?e ?c WHERE {{ ?e <{RDF}type> ?c FILTER (STRSTARTS(STR(?e), "{ID}")) }}'):
        entity, cls = e.value, c.value
        if cls in family_of:
            classes.setdefault(entity, cls)
    members = {e for e, c in classes.items() if family_of[c] in wanted}

    # Where each entity and each statement is said.
    mentions: dict[str, set[str]] = defaultdict(set)
    links: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    literals: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    restrict = {(t.s, t.p, t.o) for t in triples} if triples is not None else None
    label = f"{RDFS}label"
    for g, quads in _graphs(kg, only_graph):
        named = set()  # the IRIs this graph names, as subject or object
        for quad in quads:
            subject, p, o = quad.subject.value, quad.predicate.value, quad.object
            named.add(subject)
            if isinstance(o, ox.Literal):
                if subject in members and p != label:
                    literals[subject][p].append(o.value)
                continue
            obj = o.value
            named.add(obj)
            if p in _SKIP_PREDICATES or subject not in members or obj not in members or subject == obj:
                continue
            if restrict is not None and (subject, p, obj) not in restrict:
                continue
            links[(subject, p, obj)].add(g)
        article = article_of.get(g)
        if article:
            for entity in named & members:
                mentions[entity].add(article)

    graph = nx.MultiDiGraph()
    if only_graph is not None or restrict is not None:
        keep = {s for s, _, _ in links} | {o for _, _, o in links}
        if only_graph is not None:
            keep |= {e for e in mentions if e in members}
        if restrict is not None:
            keep |= {s for s, _, _ in restrict if s in members} | {o for _, _, o in restrict if o in members}
    else:
        keep = members
    cite = Citations(kg)
    short = cache(curie)  # the same properties, classes and entities come back many times
    record_of_file = {file: source_record_of[graph] for graph, file in article_of.items()}
    for entity in sorted(keep):
        cls = classes[entity]
        names = labels.get(entity, {})
        said = sorted(mentions.get(entity, ()))
        facts = {}
        for predicate, values in literals.get(entity, {}).items():
            name = labels.get(predicate, {}).get("en") or short(predicate)
            facts[name] = sorted(set(values))
        graph.add_node(
            short(entity),
            iri=entity,
            label=names.get("en") or short(entity),
            label_zh=names.get("zh", ""),
            cls=short(cls),
            class_label=labels.get(cls, {}).get("en", short(cls)),
            family=family_of[cls],
            sources=said,
            citations=[cite(record_of_file[file]) for file in said],
            facts=facts,
        )
    evidence = _evidence(kg, keep)
    shown = cache(lambda g: article_of.get(g) or _graph_name(kg, g))  # each graph's article or file, once
    for (s, p, o), graphs in sorted(links.items()):
        if s not in keep or o not in keep:
            continue
        names = labels.get(p) or concept_labels.get(p) or {}
        where = {g: shown(g) for g in graphs}
        said = []
        for g in sorted(graphs, key=where.__getitem__):
            quote, source, section, inferred, note = evidence.get((g, s, p, o), (None, None, None, False, None))
            source = source or source_record_of.get(g)
            said.append(
                Evidence(
                    source=where[g],
                    citation=cite(source) if source else None,
                    quote=quote,
                    section=section,
                    inferred=inferred,
                    note=note,
                )
            )
        graph.add_edge(
            short(s),
            short(o),
            key=short(p),
            property=short(p),
            label=names.get("en") or short(p),
            label_zh=names.get("zh", ""),
            sources=sorted(set(where.values())),
            evidence=said,
        )
    return graph


def ego(graph: nx.MultiDiGraph, centre: str, depth: int) -> nx.MultiDiGraph:
    """The entities within ``depth`` links of ``centre``, whatever the links' direction."""
    if centre not in graph:
        raise ValueError(f"{centre} is not in the network (it may be outside the chosen class families)")
    near = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), centre, cutoff=depth)
    return graph.subgraph(near).copy()
