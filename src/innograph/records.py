"""Statement records: the evidence for each statement of an article's graph.

A record is a ``ig:StatementRecord`` in the same named graph as its statement, naming it with the W3C
reification vocabulary (``rdf:subject``, ``rdf:predicate``, ``rdf:object``), which SPARQL 1.1 on any store,
rdflib and pySHACL all read; it carries the verbatim ``ig:quote``, the ``dcterms:source``, the
``ig:section`` on a page of several articles, and ``ig:inferred true`` with a curator's note where the
curator inferred rather than read the statement. The direct triple stays, so simple queries stay simple.

A record's IRI follows from its statement (:func:`record_iri`; check ``record-iri`` enforces it), so that
every curator writes the same name and ``innograph fmt`` sorts each record right after its subject.
:func:`scaffold_records` appends a record for every statement of a file that lacks one, with a quote
placeholder that validation rejects until a sentence of the article replaces it, and the article's
sentences that name both ends of the statement as suggestions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from innograph.atomic import write_text
from innograph.errors import UsageError
from innograph.loader import KnowledgeGraph
from innograph.namespaces import RDFS, SKOS, curie

PLACEHOLDER = "TODO: copy here the sentence of the article that says this"


def is_placeholder(quote: str) -> bool:
    """A quote still to write: a scaffolded TODO, which is no evidence (validation rejects it too)."""
    return quote.startswith("TODO")


_SHORT = re.compile(r"[A-Za-z0-9-]{1,40}")
_SENTENCE = re.compile("(?<=[.!?\u3002\uff01\uff1f])\\s+|\n+")  # after . ! ? and their CJK forms


def _local(iri: str) -> str:
    return re.sub(r"^.*[/#]", "", iri)


def record_iri(subject: str, predicate: str, obj: ox.NamedNode | ox.Literal, stem: str) -> str:
    """``<subject>#<file stem>.<property>.<object>``: one record per statement and article (two articles
    that say the same thing give two pieces of evidence), the object by its local name (an IRI), its value
    (a short literal of letters, digits and hyphens), or ``v`` and 8 hex digits of the SHA-1 of its value."""
    if isinstance(obj, ox.NamedNode):
        key = _local(obj.value)
    elif _SHORT.fullmatch(obj.value):
        key = obj.value
    else:
        key = "v" + hashlib.sha1(obj.value.encode("utf-8")).hexdigest()[:8]
    return f"{subject}#{stem}.{_local(predicate)}.{key}"


@dataclass(frozen=True)
class Missing:
    subject: str
    predicate: str
    object: ox.NamedNode | ox.Literal


def missing_records(kg: KnowledgeGraph, graph: str) -> list[Missing]:
    """The statements of one graph that check statement-without-record reports, in file order."""
    text = (kg.project.checks_dir / "statement-without-record-violation.rq").read_text(encoding="utf-8")
    found = [
        Missing(row["focus"].value, row["property"].value, row["object"])
        for row in kg.query(text)
        if row["graph"].value == graph
    ]
    return sorted(found, key=lambda m: (m.subject, m.predicate, str(m.object)))


def _names(kg: KnowledgeGraph, term) -> list[str]:
    """What an article may call a term: its labels in any language, or a literal's value."""
    if isinstance(term, ox.Literal):
        return [term.value]
    names = []
    for predicate in (f"{RDFS}label", f"{SKOS}altLabel", f"{SKOS}prefLabel"):
        for quad in kg.store.quads_for_pattern(term, ox.NamedNode(predicate), None, None):
            names.append(quad.object.value)
    return sorted({n for n in names if len(n) >= 2}, key=len)


def suggestions(text: str, subject: list[str], obj: list[str], limit: int = 2) -> list[str]:
    """Sentences of the article that name both ends of a statement (case aside): a start, never evidence
    until a person has read them."""
    found = []
    for sentence in _SENTENCE.split(text):
        folded = sentence.casefold()
        if any(n.casefold() in folded for n in subject) and any(n.casefold() in folded for n in obj):
            found.append(" ".join(sentence.split()))
        if len(found) == limit:
            break
    return found


def _term(term) -> str:
    return f"<{term.value}>" if isinstance(term, ox.NamedNode) else str(term)


def _stub(kg: KnowledgeGraph, missing: Missing, stem: str, source: str, text: str) -> str:
    subject = ox.NamedNode(missing.subject)
    hints = suggestions(text, _names(kg, subject), _names(kg, missing.object)) if text else []
    comment = "".join(f"# suggested: {h}\n" for h in hints) or "# no sentence names both ends: read the article\n"
    return (
        f"# {curie(missing.subject)} {curie(missing.predicate)} {_term(missing.object)}\n{comment}"
        f"<{record_iri(missing.subject, missing.predicate, missing.object, stem)}>\n"
        f"    a <https://w3id.org/innograph/ontology#StatementRecord> ;\n"
        f"    <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{missing.subject}> ;\n"
        f"    <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <{missing.predicate}> ;\n"
        f"    <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> {_term(missing.object)} ;\n"
        f"    <http://purl.org/dc/terms/source> <{source}> ;\n"
        f'    <https://w3id.org/innograph/ontology#quote> "{PLACEHOLDER}"@en .\n\n'
    )


def source_of(kg: KnowledgeGraph, stem: str) -> tuple[str, str]:
    """The source record whose file the graph tells, and the article's text ("" if it is not there)."""
    for row in kg.query("SELECT ?s ?f WHERE { ?s <https://w3id.org/innograph/ontology#fileName> ?f }"):
        if row["f"].value == f"{stem}.txt":
            path = kg.project.sources_dir / row["f"].value
            text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
            return row["s"].value, text
    raise UsageError(f"kg/{stem}.ttl: no source record in kg/sources.ttl names {stem}.txt; add it first")


def scaffold_records(kg: KnowledgeGraph, path: Path) -> int:
    """Append a record stub to an article's graph file for every statement that lacks one; how many."""
    graph_file = next((f for f in kg.files if f.path.resolve() == path.resolve()), None)
    if graph_file is None or graph_file.kind != "source":
        raise UsageError(f"{path}: records go in an article's graph file, kg/<file stem>.ttl")
    missing = missing_records(kg, graph_file.graph)
    if not missing:
        return 0
    source, text = source_of(kg, graph_file.stem)
    stubs = "".join(_stub(kg, m, graph_file.stem, source, text) for m in missing)
    current = path.read_text(encoding="utf-8")
    header = (
        "# Statement records written by innograph new records: replace each TODO quote with the sentence of\n"
        "# the article that says it (and add ig:section, or ig:inferred true with an ig:curatorNote, where\n"
        "# they apply); then run innograph fmt, which puts each record beside its subject.\n\n"
    )
    write_text(path, current.rstrip("\n") + "\n\n" + header + stubs)
    return len(missing)
