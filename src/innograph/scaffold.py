"""Scaffolding for extending the graph: a new source article's files, a new class with its shape.

What is scaffolded is deliberately incomplete where only a person can fill it in (an empty source graph,
a placeholder definition, a source record's guessed title), and validation flags it until it is:
``source-without-graph`` for a source with no facts, ``source-placeholder`` for a source record that still
has the TODO note the scaffold wrote, ``definition-placeholder`` for a class whose definition still starts
with TODO.
"""

from __future__ import annotations

import re
from pathlib import Path

from innograph.atomic import write_text
from innograph.errors import UsageError
from innograph.fmt import CitationContext, canonical
from innograph.namespaces import IG, SRC, turtle_prefixes
from innograph.project import Project

SOURCE_HEADER = """# What ../shared/sources/{file} says, curated; loaded as the named graph
# https://w3id.org/innograph/graph/{stem}. Every fact here must be supported by that article's text.
# Patterns and rules: docs/curation.md. Check with: innograph validate

"""
CURATION_PREFIXES = ("cmp", "dcterms", "field", "id", "ig", "ind", "instr", "lvl", "rdfs", "skos", "src", "unit", "xsd")


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")  # fmt: skip
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATES = (
    (re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"), None),
    (re.compile(rf"(?<![A-Za-z])(?P<mn>{_MONTH})\s+(?P<d>\d{{1,2}}),\s*(?P<y>\d{{4}})(?!\d)", re.I), "name"),
    (re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s+(?P<mn>{_MONTH})\s+(?P<y>\d{{4}})(?!\d)", re.I), "name"),
)
_URL = re.compile(r"https?://[^\s\"<>]+")
EDGE_LINES = 10  # where a page prints its date and address: its first and last lines


def _title_of(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().strip("#").strip()
        if len(line) >= 8 and ">" not in line:
            return line[:200]
    return "Untitled article"


def _edges(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[:EDGE_LINES] + lines[EDGE_LINES:][-EDGE_LINES:]


def _date_of(text: str) -> tuple[str, str] | None:
    """The first date the article's first lines print (``2019-01-28``, ``April 26, 2022``, ``26 April 2022``),
    as ISO text and as printed."""
    import datetime

    lines = [line.strip() for line in text.splitlines() if line.strip()][:EDGE_LINES]
    for line in lines:
        for pattern, kind in _DATES:
            for match in pattern.finditer(line):
                if kind == "name":
                    name = match.group("mn").lower().rstrip(".")
                    month = next((i for i, m in enumerate(_MONTH_NAMES, 1) if m.startswith(name[:3])), 0)
                else:
                    month = int(match.group("m"))
                try:
                    day = datetime.date(int(match.group("y")), month, int(match.group("d")))
                except ValueError:
                    continue
                return day.isoformat(), match.group(0)
    return None


def _address_of(text: str) -> str | None:
    """The first web address in the article's first or last lines, where pages print their own."""
    for line in _edges(text):
        if match := _URL.search(line):
            return match.group(0).rstrip(".,;:)]}'")
    return None


def _literal(text: str, suffix: str = "@en") -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' + suffix


def _todo(stem: str, date: tuple[str, str] | None, address: str | None) -> str:
    guessed = ["the title from the file's first line"]
    if date:
        guessed.append(f"the date from '{date[1]}'")
    if address:
        guessed.append("the web address from its first or last lines")
    missing = [
        *([] if date else ["ig:date as precise as the article gives it (xsd:date, xsd:gYearMonth or xsd:gYear)"]),
        *([] if address else ["schema:url if the article gives its web address"]),
        f"the outlet if the article names one (src:{stem} ig:publisher, a media organisation, in kg/{stem}.ttl "
        "with its statement record)",
    ]
    return (
        f"TODO: innograph new source guessed {', '.join(guessed[:-1]) + ' and ' if len(guessed) > 1 else ''}"
        f"{guessed[-1]}: check against the article; add {'; '.join(missing)}; then remove this note."
    )


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
    text = article.read_text(encoding="utf-8-sig")
    title, date, address = _title_of(text), _date_of(text), _address_of(text)
    record = (
        f"\n@prefix ig: <{IG}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix src: <{SRC}> .\n"
        "@prefix schema: <https://schema.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
        f"<{SRC}{stem}> a ig:SourceArticle ;\n"
        f"    rdfs:label {_literal(title)} ;\n"
        f"    ig:title {_literal(title)} ;\n"
        + (f"    ig:date {_literal(date[0], '^^xsd:date')} ;\n" if date else "")
        + (f"    schema:url {_literal(address, '^^xsd:anyURI')} ;\n" if address else "")
        + f'    ig:fileName "{article.name}" ;\n'
        f"    ig:curatorNote {_literal(_todo(stem, date, address))} .\n"
    )
    # fmt writes the record's ig:citation from its title, outlet and date
    context = CitationContext(project.root)
    updated = canonical(existing + record, project.relative(sources_file), context, sources_file)
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
