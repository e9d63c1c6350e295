"""Counts that tell a curator what the graph holds: entities by class, facts by source article, and how
much of it has a Chinese label (``@zh``) to show under ``--lang zh``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from innograph.loader import KnowledgeGraph
from innograph.namespaces import GRAPH, IG, OWL, RDF, RDFS, SKOS, curie

_DATA_GRAPHS = f'FILTER (!STRSTARTS(STR(?g), "{GRAPH}ontology/"))'


@dataclass(frozen=True)
class Coverage:
    """Of ``labelled`` things (with a label in any language), ``zh`` have one in Chinese."""

    labelled: int
    zh: int

    def share(self) -> str:
        return f"{self.zh}/{self.labelled} ({100 * self.zh // self.labelled}%)" if self.labelled else "-"

    def to_json(self) -> dict[str, int]:
        return {"labelled": self.labelled, "zh": self.zh}


@dataclass
class Stats:
    total_triples: int
    by_class: list[tuple[str, str, int]]  # (class CURIE, English label, entities)
    by_graph: list[dict[str, object]]  # one row per data file
    zh_by_class: dict[str, Coverage] = field(default_factory=dict)  # class CURIE -> its entities' labels
    zh_entities: Coverage = Coverage(0, 0)  # every labelled entity of the data, once
    zh_by_scheme: list[tuple[str, str, Coverage]] = field(default_factory=list)  # (scheme IRI, label, concepts)
    zh_terms: Coverage = Coverage(0, 0)  # the ontology's classes and properties

    def to_text(self) -> str:
        lines = ["Entities by class (with a Chinese label: of those labelled)"]
        width = max((len(c) for c, _, _ in self.by_class), default=10)
        shares = {cls: self.zh_by_class.get(cls, Coverage(0, 0)).share() for cls, _, _ in self.by_class}
        zh_width = max((len(v) for v in [*shares.values(), self.zh_entities.share()]), default=1)
        for cls, label, count in self.by_class:
            lines.append(f"  {cls:<{width}}  {count:>5}  {shares[cls]:>{zh_width}}  {label}")
        total = sum(c for _, _, c in self.by_class)
        lines.append(f"  {'total':<{width}}  {total:>5}  {self.zh_entities.share():>{zh_width}}  (each entity once)")
        lines.append("")
        lines.append("Chinese labels (@zh)")
        rows = [("entities", self.zh_entities.share())]
        rows += [(f"{label or curie(scheme)} (concepts)", c.share()) for scheme, label, c in self.zh_by_scheme]
        rows.append(("ontology classes and properties", self.zh_terms.share()))
        name_width = max(len(name) for name, _ in rows)
        share_width = max(len(share) for _, share in rows)
        lines += [f"  {name:<{name_width}}  {share:>{share_width}}" for name, share in rows]
        lines.append("")
        lines.append("Facts by file (named graph)")
        header = ("file", "triples", "entities", "targets", "observations", "evidence")
        rows = [tuple(str(row[h]) for h in header) for row in self.by_graph]
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
        lines.append(
            "  "
            + "  ".join(
                h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))
            )
        )
        for row in rows:
            lines.append(
                "  "
                + "  ".join(
                    v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
                )
            )
        lines.append("")
        lines.append(f"{self.total_triples} triples in all, ontology included")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {
                "triples": self.total_triples,
                "by_class": [
                    {
                        "class": c,
                        "label": label,
                        "entities": n,
                        "zh_labels": self.zh_by_class.get(c, Coverage(0, 0)).to_json(),
                    }
                    for c, label, n in self.by_class
                ],
                "by_file": self.by_graph,
                "zh_labels": {
                    "entities": self.zh_entities.to_json(),
                    "concepts": [
                        {"scheme": scheme, "label": label, **c.to_json()} for scheme, label, c in self.zh_by_scheme
                    ],
                    "ontology_terms": self.zh_terms.to_json(),
                },
            },
            ensure_ascii=False,
            indent=2,
        )


def compute(kg: KnowledgeGraph) -> Stats:
    by_class_query = f"""
        SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) (SAMPLE(?label) AS ?classLabel) WHERE {{
            GRAPH ?g {{ ?entity <{RDF}type> ?class }} {_DATA_GRAPHS}
            OPTIONAL {{ ?class <{RDFS}label> ?label FILTER (LANG(?label) = "en") }}
        }} GROUP BY ?class ORDER BY DESC(?n) ?class"""
    by_class = [
        (curie(row["class"].value), row["classLabel"].value if row["classLabel"] else "", int(row["n"].value))
        for row in kg.query(by_class_query)
    ]
    per_graph_query = f"""
        SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?entities)
               (COUNT(DISTINCT ?target) AS ?targets) (COUNT(DISTINCT ?observation) AS ?observations) WHERE {{
            GRAPH ?g {{
                ?s ?p ?o
                OPTIONAL {{ ?s <{RDF}type> <{IG}Target> BIND (?s AS ?target) FILTER (?p = <{RDF}type>) }}
                OPTIONAL {{ ?s <{RDF}type> <{IG}Observation> BIND (?s AS ?observation) FILTER (?p = <{RDF}type>) }}
            }} {_DATA_GRAPHS}
        }} GROUP BY ?g"""
    counts = {row["g"].value: row for row in kg.query(per_graph_query)}
    evidence = _evidence(kg)
    by_graph = []
    for graph_file in kg.graphs("sources", "reference", "source"):
        row = counts.get(graph_file.graph)
        recorded, missing = evidence.get(graph_file.graph, (0, 0))
        by_graph.append(
            {
                "file": kg.project.relative(graph_file.path),
                "graph": graph_file.graph,
                "triples": int(row["triples"].value) if row else 0,
                "entities": int(row["entities"].value) if row else 0,
                "targets": int(row["targets"].value) if row else 0,
                "observations": int(row["observations"].value) if row else 0,
                # statements that need a record (articles only), and how many have one with a quote
                "statements": recorded + missing if graph_file.kind == "source" else None,
                "recorded": recorded if graph_file.kind == "source" else None,
                "evidence": _share(recorded, missing) if graph_file.kind == "source" else "-",
            }
        )
    zh_by_class, zh_entities, zh_by_scheme, zh_terms = _chinese_labels(kg)
    return Stats(
        total_triples=len(kg),
        by_class=by_class,
        by_graph=by_graph,
        zh_by_class=zh_by_class,
        zh_entities=zh_entities,
        zh_by_scheme=zh_by_scheme,
        zh_terms=zh_terms,
    )


def _chinese_labels(kg: KnowledgeGraph) -> tuple[dict[str, Coverage], Coverage, list, Coverage]:
    """How many labelled things have a Chinese label: entities by class and in all, vocabulary concepts by
    scheme (``skos:prefLabel``), and the ontology's terms. Things with no label at all (statement records)
    are not counted: there is nothing to show in any language."""
    entity_query = f"""
        SELECT ?class ?entity (MAX(IF(LANGMATCHES(LANG(?label), "zh"), 1, 0)) AS ?zh) WHERE {{
            GRAPH ?g {{ ?entity <{RDF}type> ?class }} {_DATA_GRAPHS}
            ?entity <{RDFS}label> ?label
        }} GROUP BY ?class ?entity"""
    per_class: dict[str, list[int]] = {}
    entities: dict[str, int] = {}
    for row in kg.query(entity_query):
        cls, zh = curie(row["class"].value), int(row["zh"].value)
        counts = per_class.setdefault(cls, [0, 0])
        counts[0] += 1
        counts[1] += zh
        entities[row["entity"].value] = zh
    scheme_query = f"""
        SELECT ?scheme (SAMPLE(?schemeName) AS ?name) (COUNT(DISTINCT ?concept) AS ?labelled)
               (COUNT(DISTINCT ?zhConcept) AS ?zh) WHERE {{
            ?concept <{SKOS}inScheme> ?scheme ; <{SKOS}prefLabel> ?label .
            OPTIONAL {{ ?concept <{SKOS}prefLabel> ?zhLabel FILTER (LANGMATCHES(LANG(?zhLabel), "zh"))
                       BIND (?concept AS ?zhConcept) }}
            OPTIONAL {{ ?scheme <{SKOS}prefLabel>|<{RDFS}label> ?schemeName FILTER (LANG(?schemeName) = "en") }}
        }} GROUP BY ?scheme ORDER BY ?scheme"""
    schemes = [
        (
            row["scheme"].value,
            row["name"].value if row["name"] is not None else "",
            Coverage(int(row["labelled"].value), int(row["zh"].value)),
        )
        for row in kg.query(scheme_query)
    ]
    terms_query = f"""
        SELECT (COUNT(DISTINCT ?term) AS ?labelled) (COUNT(DISTINCT ?zhTerm) AS ?zh) WHERE {{
            VALUES ?kind {{ <{OWL}Class> <{OWL}ObjectProperty> <{OWL}DatatypeProperty> }}
            ?term a ?kind ; <{RDFS}label> ?label FILTER (STRSTARTS(STR(?term), "{IG}"))
            OPTIONAL {{ ?term <{RDFS}label> ?zhLabel FILTER (LANGMATCHES(LANG(?zhLabel), "zh"))
                       BIND (?term AS ?zhTerm) }}
        }}"""
    terms = Coverage(0, 0)
    for row in kg.query(terms_query):
        terms = Coverage(int(row["labelled"].value), int(row["zh"].value))
    return (
        {cls: Coverage(n, zh) for cls, (n, zh) in per_class.items()},
        Coverage(len(entities), sum(entities.values())),
        schemes,
        terms,
    )


def _evidence(kg: KnowledgeGraph) -> dict[str, tuple[int, int]]:
    """Per graph: statements with a statement record that quotes the article, and statements still without
    one (the findings of check statement-without-record, and records whose quote is still a TODO)."""
    records_query = f"""
        SELECT ?g (SUM(IF(STRSTARTS(?q, "TODO"), 0, 1)) AS ?quoted) (SUM(IF(STRSTARTS(?q, "TODO"), 1, 0)) AS ?todo)
        WHERE {{
            SELECT DISTINCT ?g ?record (MIN(STR(?quote)) AS ?q) WHERE {{
                GRAPH ?g {{ ?record <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o ; <{IG}quote> ?quote .
                            ?s ?p ?o }}
            }} GROUP BY ?g ?record
        }} GROUP BY ?g"""
    quoted, missing = {}, {}
    for row in kg.query(records_query):
        quoted[row["g"].value] = int(row["quoted"].value)
        missing[row["g"].value] = int(row["todo"].value)
    check = kg.project.checks_dir / "statement-without-record-violation.rq"
    if check.is_file():
        for row in kg.query(check.read_text(encoding="utf-8")):
            missing[row["graph"].value] = missing.get(row["graph"].value, 0) + 1
    return {g: (quoted.get(g, 0), missing.get(g, 0)) for g in set(quoted) | set(missing)}


def _share(recorded: int, missing: int) -> str:
    total = recorded + missing
    return f"{recorded}/{total} ({100 * recorded // total}%)" if total else "-"
