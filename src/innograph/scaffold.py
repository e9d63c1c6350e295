"""Scaffolding for extending the graph: a new source article's files, a new class with its shape.

What is scaffolded is deliberately incomplete where only a person can fill it in (an empty source graph,
a placeholder definition), and validation flags it until it is: ``source-without-graph`` for a source
with no facts, ``definition-placeholder`` for a class whose definition still starts with TODO.
"""

from __future__ import annotations

import re
from pathlib import Path

from innograph.atomic import write_text
from innograph.errors import UsageError
from innograph.fmt import canonical
from innograph.namespaces import IG, SRC, turtle_prefixes
from innograph.project import Project

SOURCE_HEADER = """# What ../shared/sources/{file} says, curated; loaded as the named graph
# https://w3id.org/innograph/graph/{stem}. Every fact here must be supported by that article's text.
# Patterns and rules: docs/curation.md. Check with: innograph validate

"""
CURATION_PREFIXES = ("cmp", "dcterms", "field", "id", "ig", "ind", "instr", "lvl", "rdfs", "skos", "src", "unit", "xsd")


GUESSED = (
    "Title guessed by innograph new source from the first line of the file; "
    "add ig:date and check the title against the article."
)


def _title_of(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().strip("#").strip()
        if len(line) >= 8 and ">" not in line:
            return line[:200]
    return "Untitled article"


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def new_source(project: Project, article: Path) -> list[Path]:
    """Add a source record to kg/sources.ttl and create kg/<stem>.ttl, ready to fill."""
    if article.suffix != ".txt":
        raise UsageError(f"{article}: a source article is a .txt file")
    if not article.is_file():
        raise UsageError(f"{article}: no such file")
    in_sources = project.sources_dir / article.name
    if not in_sources.is_file() or in_sources.resolve() != article.resolve():
        raise UsageError(f"{article}: put the article in the sources folder {project.sources_dir} first")
    stem = article.stem
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", stem):
        raise UsageError(f"{article.name}: a source file name uses letters, digits, '_', '.' and '-' only")
    graph_file = project.kg_dir / f"{stem}.ttl"
    sources_file = project.kg_dir / "sources.ttl"
    existing = sources_file.read_text(encoding="utf-8") if sources_file.exists() else ""
    if graph_file.exists() or f'"{article.name}"' in existing:
        raise UsageError(f"{article.name} is already a source: see {project.relative(graph_file)} and kg/sources.ttl")
    title = _title_of(article.read_text(encoding="utf-8"))
    record = (
        f"\n@prefix ig: <{IG}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        f"<{SRC}{stem}> a ig:SourceArticle ;\n"
        f"    rdfs:label {_literal(title)} ;\n"
        f"    ig:title {_literal(title)} ;\n"
        f'    ig:fileName "{article.name}" ;\n'
        f"    ig:curatorNote {_literal(GUESSED)} .\n"
    )
    updated = canonical(existing + record, project.relative(sources_file))
    write_text(graph_file, SOURCE_HEADER.format(file=article.name, stem=stem) + turtle_prefixes(*CURATION_PREFIXES))
    write_text(sources_file, updated)
    return [sources_file, graph_file]


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


def new_class(project: Project, name: str, parent: str, declared: set[str]) -> list[Path]:
    """Declare ``ig:NAME`` under ``parent`` with a label, a placeholder definition and a node shape."""
    if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
        raise UsageError(f"{name!r}: a class name is UpperCamelCase, such as TechnologyTransferCentre")
    parent_local = parent.removeprefix("ig:").removeprefix(IG)
    if f"{IG}{parent_local}" not in declared:
        raise UsageError(f"--parent {parent}: no such class in the ontology")
    if f"{IG}{name}" in declared:
        raise UsageError(f"ig:{name} is already declared")
    label = _words(name)
    ontology = project.ontology_dir / "innograph.ttl"
    shapes = project.ontology_dir / "shapes.ttl"
    class_text = (
        f"\n@prefix ig: <{IG}> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
        f"ig:{name} a owl:Class ;\n"
        f'    rdfs:label "{label}"@en ;\n'
        f"    rdfs:subClassOf ig:{parent_local} ;\n"
        f'    skos:definition "TODO: define {label}."@en .\n'
    )
    shape_text = (
        "\n@prefix ig: <https://w3id.org/innograph/ontology#> .\n"
        "@prefix igsh: <https://w3id.org/innograph/shapes#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n"
        f"igsh:{name}Shape a sh:NodeShape ;\n"
        f'    rdfs:label "{label}"@en ;\n'
        f"    sh:targetClass ig:{name} .\n"
    )
    new_ontology = canonical(ontology.read_text(encoding="utf-8") + class_text, project.relative(ontology))
    new_shapes = canonical(shapes.read_text(encoding="utf-8") + shape_text, project.relative(shapes))
    write_text(ontology, new_ontology)
    write_text(shapes, new_shapes)
    return [ontology, shapes]
