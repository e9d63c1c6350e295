"""Counts that tell a curator what the graph holds: entities by class, and facts by source article."""

from __future__ import annotations

import json
from dataclasses import dataclass

from innograph.loader import KnowledgeGraph
from innograph.namespaces import GRAPH, IG, RDF, RDFS, curie

_DATA_GRAPHS = f'FILTER (!STRSTARTS(STR(?g), "{GRAPH}ontology/"))'


@dataclass
class Stats:
    total_triples: int
    by_class: list[tuple[str, str, int]]  # (class CURIE, English label, entities)
    by_graph: list[dict[str, object]]  # one row per data file

    def to_text(self) -> str:
        lines = ["Entities by class"]
        width = max((len(c) for c, _, _ in self.by_class), default=10)
        for cls, label, count in self.by_class:
            lines.append(f"  {cls:<{width}}  {count:>5}  {label}")
        lines.append(f"  {'total':<{width}}  {sum(c for _, _, c in self.by_class):>5}")
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
                "by_class": [{"class": c, "label": label, "entities": n} for c, label, n in self.by_class],
                "by_file": self.by_graph,
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
    return Stats(total_triples=len(kg), by_class=by_class, by_graph=by_graph)


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
