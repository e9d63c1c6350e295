"""Why does the graph say this? Each statement about an entity with its evidence: the verbatim quote from
the statement record (or, for a target or figure, from the statement node itself), the article it comes
from as a citation (title, outlet, date: :mod:`innograph.citations`), the article section on a page of several,
and whether it was stated or inferred. The curated file that holds the statement is given only as an
identifier (``file``), and named in the text only where there is something to write in it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from innograph.citations import Citations, in_section
from innograph.loader import KnowledgeGraph
from innograph.namespaces import GRAPH, IG, PREFIXES, curie
from innograph.params import sparql_term
from innograph.records import is_placeholder
from innograph.results import Term

# Properties that are evidence or text about a statement, not statements to explain.
EVIDENCE = ("quote", "curatorNote", "qualifier", "title", "sectionOf", "fileName", "section", "inferred", "citation")

QUERY = """
PREFIX ig: <https://w3id.org/innograph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?graph ?p ?o ?quote ?source ?inferred ?note ?sectionTitle WHERE {
  GRAPH ?graph { ?s ?p ?o }
  FILTER (STRSTARTS(STR(?p), STR(ig:)) && ?p NOT IN (%(evidence)s))
  %(filters)s
  OPTIONAL {
    GRAPH ?graph {
      ?record rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ig:quote ?quote ; dcterms:source ?source
    }
    OPTIONAL { GRAPH ?graph { ?record ig:inferred ?inferred } }
    OPTIONAL { GRAPH ?graph { ?record ig:curatorNote ?note } }
    OPTIONAL { GRAPH ?graph { ?record ig:section ?section } ?section ig:title ?sectionTitle }
  }
  OPTIONAL {
    FILTER (!BOUND(?record))
    ?s rdf:type/rdfs:subClassOf* ig:QuantitativeStatement .
    GRAPH ?graph { ?s ig:quote ?quote ; dcterms:source ?source }
  }
}
"""


@dataclass(frozen=True)
class Reason:
    subject: str
    property: str
    object: str
    quote: str | None
    citation: str | None
    section: str | None
    inferred: bool
    note: str | None
    file: str


def _label(kg: KnowledgeGraph, term: Term) -> str:
    if term.type != "uri":
        return term.value
    for row in kg.query(f"SELECT ?l WHERE {{ <{term.value}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"):
        if row["l"].language == "en":
            return row["l"].value
    for row in kg.query(f"SELECT ?l WHERE {{ <{term.value}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}"):
        if row["l"].language == "en":
            return row["l"].value
    return curie(term.value)


def resolve_property(kg: KnowledgeGraph, text: str) -> str:
    """A property by CURIE, IRI, ig: local name or English label ("located in")."""
    from innograph.errors import UsageError

    if text.startswith(("http://", "https://")):
        return text
    prefix, _, local = text.rpartition(":")
    if prefix in PREFIXES:
        return PREFIXES[prefix] + local
    properties = {}
    for iri in kg.declared():
        if iri.startswith(IG) and iri[len(IG) :][:1].islower():
            properties[iri[len(IG) :].lower()] = iri
            properties[_label(kg, Term("uri", iri)).lower()] = iri
    found = properties.get(text.lower()) or properties.get(text.replace(" ", "").lower())
    if found is None:
        from innograph.catalog import close_matches

        near = close_matches(text.lower(), list(properties))
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UsageError(f"no property is called {text!r}: give a CURIE such as ig:locatedIn or its label{hint}")
    return found


def reasons(kg: KnowledgeGraph, subject: str, prop: str | None = None, obj: Term | str | None = None) -> list[Reason]:
    """Every statement with ``subject`` (and ``prop``, and ``obj``: an entity, or a literal's text) in any
    graph, with its evidence."""
    from innograph.engines import oxigraph_term

    filters = [f"VALUES ?s {{ <{subject}> }}"]
    if prop:
        filters.append(f"VALUES ?p {{ <{prop}> }}")
    if isinstance(obj, Term):
        filters.append(f"VALUES ?o {{ {sparql_term(obj)} }}")
    elif obj is not None:
        filters.append(f"FILTER (isLiteral(?o) && STR(?o) = {sparql_term(Term('literal', obj))})")
    text = QUERY % {"evidence": ", ".join(f"ig:{e}" for e in EVIDENCE), "filters": "\n  ".join(filters)}
    cite = Citations(kg)
    # the source article whose graph holds a statement, for one that has no record (yet)
    article_of = {
        f"{GRAPH}{row['f'].value.removesuffix('.txt')}": row["s"].value
        for row in kg.query(f"SELECT ?s ?f WHERE {{ ?s <{IG}fileName> ?f }}")
    }
    found = {}
    for row in kg.query(text):
        graph_file = kg.file_of(row["graph"].value)
        source = row["source"].value if row["source"] is not None else article_of.get(row["graph"].value)
        o = oxigraph_term(row["o"])
        key = (row["graph"].value, row["p"].value, o)
        if key in found and found[key].quote:
            continue
        inferred = row["inferred"] is not None and row["inferred"].value in ("true", "1")
        quote = row["quote"].value if row["quote"] is not None else None
        found[key] = Reason(
            subject=_label(kg, Term("uri", subject)),
            property=_label(kg, Term("uri", row["p"].value)),
            object=_label(kg, o),
            quote=quote if quote and not is_placeholder(quote) else None,
            citation=cite(source) if source is not None else None,
            section=row["sectionTitle"].value if row["sectionTitle"] is not None else None,
            inferred=inferred,
            note=row["note"].value if row["note"] is not None else None,
            file=kg.project.relative(graph_file.path) if graph_file else row["graph"].value,
        )
    return sorted(found.values(), key=lambda r: (r.property, r.object, r.file))


def to_text(found: list[Reason]) -> str:
    lines = []
    for reason in found:
        lines.append(f"{reason.subject} —{reason.property}→ {reason.object}")
        if reason.quote:
            lines.append(f"  “{reason.quote}”")
            where = in_section(reason.citation or reason.file, reason.section)
            lines.append(f"  {where}; {'inferred' if reason.inferred else 'stated'}")
            if reason.inferred and reason.note:
                lines.append(f"  curator: {reason.note}")
        elif reason.citation:
            lines.append(f"  {reason.citation}: no quote yet (a statement record still to write in {reason.file})")
        else:
            lines.append(f"  {reason.file}: reference data, no quote")
    return "\n".join(lines) if lines else "no such statement"


def to_json(found: list[Reason]) -> list[dict]:
    return [asdict(r) for r in found]
