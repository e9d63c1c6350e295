"""Scaffolding for extending the graph: a new source article's files, a new class with its shape, and the
statements curators add most (a target or figure, a person with a post, an agreement, a statement record).

What is scaffolded is deliberately incomplete where only a person can fill it in (an empty source graph,
a placeholder definition, a source record's guessed title, a quote, a number), and validation flags it until
it is: ``source-without-graph`` for a source with no facts, ``source-placeholder`` for a source record that
still has the TODO note the scaffold wrote, ``definition-placeholder`` for a class whose definition still
starts with TODO; the statement scaffolds' placeholders are listed below, before :class:`Scaffolder`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from innograph.atomic import write_text
from innograph.errors import UsageError
from innograph.fmt import CitationContext, canonical
from innograph.namespaces import GRAPH, ID, IG, PREFIXES, RDFS, SKOS, SRC, VOCAB, XSD, curie, turtle_prefixes
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
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", stem):
        raise UsageError(
            f"{article.name}: a source file name starts with a letter or digit and uses letters, digits, '_', "
            "'.' and '-' only, such as 005_3fa1c2d4e5b6a798.txt (docs/extending.md, step 1)"
        )
    if stem == "sources":
        raise UsageError("sources.txt: the name is reserved for kg/sources.ttl, the source records; rename the article")
    graph_file = project.kg_dir / f"{stem}.ttl"
    sources_file = project.kg_dir / "sources.ttl"
    existing = sources_file.read_text(encoding="utf-8") if sources_file.exists() else ""
    recorded = f'"{article.name}"' in existing
    if recorded and graph_file.exists():
        raise UsageError(f"{article.name} is already a source: see kg/sources.ttl and {project.relative(graph_file)}")
    if recorded:  # the record is there, its graph file is not: make the file, leave the record as it is
        write_text(graph_file, SOURCE_HEADER.format(file=article.name, stem=stem) + turtle_prefixes(*CURATION_PREFIXES))
        return [graph_file]
    if graph_file.exists():
        raise UsageError(
            f"{project.relative(graph_file)} exists but kg/sources.ttl has no record of {article.name}: move the "
            "file aside and run this again, or add the record by hand"
        )
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


# --------------------------------------------------------------------------------- statement scaffolds
#
# ``innograph new target|figure|person|agreement|record`` write a Turtle block filled with what exists (the
# entities, the indicator, comparators, units and statuses, the article and its sentences) and, where only a
# person can fill it in, a placeholder that ``innograph validate`` already rejects, so that nothing
# half-written passes for curated data. Every placeholder starts with TODO (``grep TODO`` finds them):
#
# * a quote: records.PLACEHOLDER, which the quote check does not find in the article (records.is_placeholder);
# * a comparator, unit or status: a TODO string where a concept belongs, which check concept-scheme reports
#   (and, for ig:status, the figure shape's sh:nodeKind sh:IRI);
# * a number, year or date: a TODO string where the shapes require an xsd:decimal, xsd:gYear or a date;
# * who states a target: a TODO string for ig:statedBy, which the shape's sh:class ig:Agent reports;
# * the article of a target or figure when neither --source nor --to names it: a TODO string for
#   dcterms:source, which the shape's sh:class ig:SourceArticle and the quote check report;
# * on a page of several articles, a record's section: a TODO string for ig:section, which check
#   record-section and the record shape's sh:class ig:ArticleSection report.

SCAFFOLD_PREFIXES = ("cmp", "dcterms", "id", "ig", "ind", "rdf", "rdfs", "src", "status", "unit", "xsd")
TODO_COMPARATOR = "TODO: the comparator, one of the cmp: concepts above"
TODO_UNIT = "TODO: the unit, one of the unit: concepts above"
TODO_STATUS = "TODO: reported, estimate or forecast, one of the status: concepts above"
TODO_VALUE = (
    "TODO: the number as a decimal such as 45.0 (money in whole yuan); "
    "a range is ig:minValue and ig:maxValue with cmp:between"
)
TODO_YEAR = 'TODO: the year such as "2025"^^xsd:gYear; a period is ig:periodStart and ig:periodEnd'
TODO_STATED_BY = "TODO: the actor who states the target (id:...), or ig:setBy and the programme that sets it"
TODO_SOURCE = "TODO: the article, src:<file stem>; or give --source FILE.txt"
TODO_DATE = (
    'TODO: the date as precise as the article gives it ("2022-08"^^xsd:gYearMonth, an xsd:date or an '
    "xsd:gYear); remove the line if it gives none"
)
TODO_SECTION = "TODO: the section of the page that says it, one of those listed at the top"
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_YEAR = re.compile(r"^\d{4}$")
_PERIOD = re.compile(r"^(\d{4})\s*[-\u2013/]\s*(\d{4})$")
_DATE_FORMS = ((re.compile(r"^\d{4}-\d{2}-\d{2}$"), "date"), (re.compile(r"^\d{4}-\d{2}$"), "gYearMonth"),
               (re.compile(r"^\d{4}$"), "gYear"))  # fmt: skip
NOT_HEADS = ("deputy", "vice", "assistant", "associate", "acting", "former", "honorary")
HEADS = ("director", "director-general", "president", "chair", "chairman", "chairwoman", "chairperson", "head",
         "minister", "mayor", "governor", "dean", "secretary", "commissioner", "chief", "general manager", "ceo",
         "principal", "leader")  # fmt: skip


def _string(text: str, suffix: str = "") -> str:
    """A Turtle string literal: JSON's escapes (\\", \\\\, \\n, \\uXXXX) are Turtle's too."""
    import json

    return json.dumps(text, ensure_ascii=False) + suffix


def _turtle(term) -> str:
    """A pyoxigraph term as the scaffolds write it: CURIEs where a prefix fits."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        shown = curie(term.value)
        return shown if not shown.startswith("<") else f"<{term.value}>"
    if term.language:
        return _string(term.value, f"@{term.language}")
    if term.datatype.value == f"{XSD}string":
        return _string(term.value)
    return _string(term.value, f"^^{curie(term.datatype.value)}")


def slugify(text: str) -> str:
    """A lowercase-hyphen slug (letters a-z, digits, single hyphens) from a name: "R&D intensity" gives
    "rd-intensity"."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = re.sub(r"['&.]", "", ascii_text)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def decimal_value(text: str, what: str) -> str:
    """``45`` as ``45.0``: the shapes want an xsd:decimal, which Turtle writes with a point."""
    value = text.replace(",", "").strip()
    if not _DECIMAL.match(value):
        raise UsageError(f"{what}: {text!r} is not a number (write 45, 1.2 or 7160000000: money in whole yuan)")
    return value if "." in value else value + ".0"


def date_term(text: str, what: str):
    """A date as precise as the article gives it: 2022-08-26 (xsd:date), 2022-08 (xsd:gYearMonth), 2022."""
    import pyoxigraph as ox

    for pattern, datatype in _DATE_FORMS:
        if pattern.match(text.strip()):
            return ox.Literal(text.strip(), datatype=ox.NamedNode(f"{XSD}{datatype}"))
    raise UsageError(f"{what}: {text!r} is not a date: write 2022-08-26, 2022-08 or 2022")


def is_head(role: str) -> bool:
    """Whether a role title is a head's ("Director", "Party Secretary"), so that ig:headOf goes with it; a
    deputy's or vice-president's is not."""
    words = slugify(role).replace("-", " ")
    if any(words.startswith(w) or f" {w} " in f" {words} " for w in NOT_HEADS):
        return False
    return any(re.search(rf"(^| ){re.escape(h.replace('-', ' '))}($| )", words) for h in HEADS)


def _end(block: str) -> str:
    """Close a subject's predicate list: the last `` ;`` becomes `` .``."""
    head, _, tail = block.rstrip("\n").rpartition(" ;")
    return head + " ." + tail + "\n"


def _comment(text: str, indent: str = "    ") -> str:
    """A comment inside a block, wrapped to the width of the curated files."""
    import textwrap

    lines = textwrap.wrap(text, width=110, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}#   ")
    return "".join(line + "\n" for line in lines)


def _header(kind: str, s: Scaffolder | None = None, records: bool = False) -> str:
    """The block's opening comment; on a page of several articles, with the sections a record names."""
    text = (
        f"# innograph new {kind}: replace every TODO (innograph validate reports each one until you do), then\n"
        "# run innograph fmt, which drops these comments and puts each statement in its place.\n"
    )
    if records and s is not None and s.article is not None and s.article.sections:
        text += "# the sections of this page, for ig:section:\n"
        text += "".join(f"#   {_shown(iri)}  {title}\n" for iri, title in s.article.sections)
    return text


@dataclass
class Article:
    """The source article a block's facts come from: its record, its graph's file stem and its text."""

    iri: str
    stem: str
    text: str
    sections: list[tuple[str, str]] = field(default_factory=list)  # (IRI, title) on a page of several articles


@dataclass
class Block:
    """A scaffolded Turtle block (in the CURIEs of SCAFFOLD_PREFIXES), the entity it adds or is about, and
    what it leaves to the curator: each placeholder as ``subject property`` (``id:x ig:value``)."""

    kind: str
    subject: str
    text: str
    placeholders: list[str]
    records: int = 0

    def standalone(self) -> str:
        """The block with its ``@prefix`` lines: Turtle that parses on its own."""
        return turtle_prefixes(*SCAFFOLD_PREFIXES) + "\n" + self.text


class Scaffolder:
    """Resolves what the user typed (slug, CURIE, IRI or label, with "did you mean" when nothing fits) and
    writes the pieces of a block."""

    def __init__(self, kg, source: str | None = None, to: str | Path | None = None):
        from innograph.engines import OxigraphEngine
        from innograph.entities import EntityResolver

        self.kg = kg
        self.resolver = EntityResolver(OxigraphEngine(kg))
        self.to = self._graph_file(Path(to)) if to else None
        self.article = self._article(source)
        self.placeholders: list[str] = []

    # ----- where the block goes, and which article it tells

    def _graph_file(self, path: Path):
        if not path.is_absolute() and not path.exists():  # kg/FILE.ttl from outside the project: in --root
            path = self.kg.project.root / path
        found = next((f for f in self.kg.files if f.path.resolve() == path.resolve()), None)
        if found is None or found.kind != "source":
            raise UsageError(
                f"--to {path}: give an article's graph file, kg/<file stem>.ttl (innograph new source creates it)"
            )
        return found

    def _article(self, source: str | None) -> Article | None:
        from innograph.records import source_of

        stem = None
        if source is not None:
            name = Path(source).name
            if not name.endswith(".txt"):
                raise UsageError(f"--source {source}: give the article's .txt file (or its file name)")
            known = {row["f"].value for row in self.kg.query(f"SELECT ?f WHERE {{ ?s <{IG}fileName> ?f }}")}
            if name not in known:
                raise UsageError(f"--source {source}: no source record names {name}; add it with innograph new source")
            stem = name.removesuffix(".txt")
            if self.to is not None and self.to.stem != stem:
                raise UsageError(
                    f"--source {name} is not the article of {self.kg.project.relative(self.to.path)}, which holds "
                    f"what {self.to.stem}.txt says"
                )
        elif self.to is not None:
            stem = self.to.stem
        if stem is None:
            return None
        iri, text = source_of(self.kg, stem)
        rows = self.kg.query(
            f"SELECT ?s (SAMPLE(?t0) AS ?t) WHERE {{ ?s <{IG}sectionOf> <{iri}> OPTIONAL {{ ?s <{IG}title> ?t0 }} }} "
            "GROUP BY ?s ORDER BY ?s"
        )
        sections = [(row["s"].value, row["t"].value if row["t"] else "") for row in rows]
        return Article(iri, stem, text, sections)

    def need_article(self, kind: str) -> Article:
        if self.article is None:
            raise UsageError(f"new {kind}: name the article with --source FILE.txt or --to kg/<file stem>.ttl")
        return self.article

    # ----- looking things up

    def entity(self, raw: str, what: str) -> str:
        return self.resolver.entity(raw, what).value

    def exists(self, iri: str) -> bool:
        return bool(self.kg.query(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"))

    def is_a(self, iri: str, cls: str) -> bool:
        return bool(self.kg.query(f"ASK {{ <{iri}> a/<{RDFS}subClassOf>* <{IG}{cls}> }}"))

    def names(self, iri: str) -> list[str]:
        """Every name of an entity or concept, English first."""
        return self.resolver.names("entity").get(iri) or self.resolver.names("concept").get(iri) or []

    def label(self, iri: str) -> str:
        names = self.names(iri)
        return names[0] if names else re.sub(r"^.*[/#]", "", iri)

    def scheme(self, name: str) -> list[tuple[str, str]]:
        """The concepts of a scheme (``indicator``, ``unit``...), as (IRI, English label), in IRI order."""
        rows = self.kg.query(
            f"SELECT ?c (SAMPLE(?l) AS ?label) WHERE {{ ?c <{SKOS}inScheme> <{VOCAB}{name}> "
            f'OPTIONAL {{ ?c <{SKOS}prefLabel> ?l FILTER (LANG(?l) = "en") }} }} GROUP BY ?c ORDER BY ?c'
        )
        return [(row["c"].value, row["label"].value if row["label"] else "") for row in rows]

    def concept(self, raw: str, what: str, scheme: str) -> str:
        """A concept of one scheme, by CURIE, IRI, label, or local name (``rd-intensity``)."""
        members = dict(self.scheme(scheme))
        text = raw.strip()
        if f"{VOCAB}{scheme}/{text}" in members:
            return f"{VOCAB}{scheme}/{text}"
        iri = self.resolver.concept(text, what).value
        if iri not in members:
            listed = ", ".join(curie(c) for c in members)
            raise UsageError(f"{what}: {curie(iri)} is not in the {scheme} scheme; use one of {listed}")
        return iri

    def choices(self, scheme: str, leave_out: tuple[str, ...] = ()) -> str:
        return ", ".join(f"{curie(c)} ({label})" for c, label in self.scheme(scheme) if curie(c) not in leave_out)

    def usual_unit(self, indicator: str) -> tuple[str | None, str]:
        """The unit the vocabulary gives an indicator, and where it says so: an ``ig:unit`` on the concept, or
        the one unit its definition names ("growth is given with unit percent-change"); failing those, the one
        unit every curated target and figure of the indicator uses. None when nothing says, or several do."""
        units = {c for c, _ in self.scheme("unit")}
        stated = {r["u"].value for r in self.kg.query(f"SELECT ?u WHERE {{ <{indicator}> <{IG}unit> ?u }}")}
        if len(stated) == 1 and stated <= units:
            return stated.pop(), "the indicator's unit in the vocabulary"
        definition = " ".join(
            r["d"].value for r in self.kg.query(f"SELECT ?d WHERE {{ <{indicator}> <{SKOS}definition> ?d }}")
        )
        named = {f"{VOCAB}unit/{m}" for m in re.findall(r"\bunit[: ]([a-z0-9-]+)", definition)} & units
        if len(named) == 1:
            return named.pop(), "the unit the indicator's definition names"
        if named:
            return None, ""
        used = {
            r["u"].value
            for r in self.kg.query(f"SELECT DISTINCT ?u WHERE {{ ?s <{IG}indicator> <{indicator}> ; <{IG}unit> ?u }}")
        }
        if len(used) == 1 and used <= units:
            return used.pop(), "the unit every curated target and figure of this indicator uses"
        return None, ""

    def fresh(self, slug: str, what: str) -> str:
        """An unused entity IRI from a slug: the slug itself, else the slug with -2, -3..."""
        slug = slugify(slug)
        if not slug:
            raise UsageError(f"{what}: no slug can be made from it (it has no letters a-z): give one with --id")
        iri, n = f"{ID}{slug}", 2
        while self.exists(iri):
            iri, n = f"{ID}{slug}-{n}", n + 1
        return iri

    def given_id(self, slug: str) -> str:
        from innograph.entities import SLUG

        if not SLUG.match(slug):
            raise UsageError(f"--id {slug}: a slug is lowercase letters a-z, digits and single hyphens")
        return f"{ID}{slug}"

    def section(self, raw: str | None) -> str | None:
        if raw is None:
            return None
        iri = self.entity(raw, "--section")
        if self.article is None or iri not in {s for s, _ in self.article.sections}:
            raise UsageError(f"--section {raw}: {curie(iri)} is not a section of the article (ig:sectionOf)")
        return iri

    # ----- writing the pieces

    def placeholder(self, subject: str, predicate: str, text: str) -> str:
        """A predicate line with a TODO value, remembered as a placeholder."""
        self.placeholders.append(f"{_shown(subject)} {predicate}")
        return f"    {predicate} {_string(text)} ;\n"

    def source_line(self, subject: str) -> str:
        if self.article is not None:
            return f"    dcterms:source {curie(self.article.iri)} ;\n"
        return self.placeholder(subject, "dcterms:source", TODO_SOURCE)

    def quote_line(self, subject: str, quote: str | None) -> str:
        from innograph.records import PLACEHOLDER

        if quote:
            return f"    ig:quote {_string(quote, '@en')} ;\n"
        self.placeholders.append(f"{_shown(subject)} ig:quote")
        return f"    ig:quote {_string(PLACEHOLDER, '@en')} ;\n"

    def hints(self, *groups: list[str], numbers: bool = False, limit: int = 2) -> str:
        """``# suggested:`` lines: sentences of the article that name each group (by any of its names) and,
        with ``numbers``, hold a number."""
        if self.article is None or not self.article.text:
            return ""
        found = suggest(self.article.text, *groups, numbers=numbers, limit=limit)
        return "".join(f"# suggested: {s}\n" for s in found)

    def record(self, subject: str, predicate: str, obj, names: tuple[list[str], list[str]],
               quote: str | None = None, section: str | None = None) -> str:  # fmt: skip
        """One statement record, named by the rule and laid out as innograph new records writes them, with
        the article's sentences that name both ends as suggestions. ``obj`` is a pyoxigraph term."""
        from innograph.records import record_iri

        article = self.need_article("record")
        iri = record_iri(subject, predicate, obj, article.stem)
        hints = suggest(article.text, *names) if article.text else []
        comment = "".join(f"# suggested: {h}\n" for h in hints) or "# no sentence names both ends: read the article\n"
        lines = [
            f"# {curie(subject)} {curie(predicate)} {_turtle(obj)}\n{comment}<{iri}>\n",
            "    a ig:StatementRecord ;\n",
            f"    rdf:subject {_turtle_iri(subject)} ;\n",
            f"    rdf:predicate {_turtle_iri(predicate)} ;\n",
            f"    rdf:object {_turtle(obj)} ;\n",
            f"    dcterms:source {curie(article.iri)} ;\n",
        ]
        if section:
            lines.append(f"    ig:section {curie(section)} ;\n")
        elif article.sections:
            lines.append(self.placeholder(iri, "ig:section", TODO_SECTION))
        lines.append(self.quote_line(iri, quote))
        return _end("".join(lines)) + "\n"


_ABBREVIATIONS = {"co", "ltd", "inc", "corp", "no", "nos", "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc",
                  "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
                  "dept"}  # fmt: skip
_END = re.compile("[.!?\u3002\uff01\uff1f][\"'\u201d\u2019)]*(?=\\s|$)|[\u3002\uff01\uff1f]")


def sentences(text: str) -> list[str]:
    """The article's sentences, read as a person would: a line break inside a sentence (the next line goes on
    in lower case: "had\\n\\nbeen exported") joins the lines; a headline stays a sentence of its own; a full
    stop ends a sentence, but not after an abbreviation ("U.S.", "Co.", "No.") or before lower case."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    paragraphs: list[str] = []
    for line in lines:
        if paragraphs and (line[:1].islower() or paragraphs[-1].endswith((",", "-", "\u2014", "(", ";"))):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
    found = []
    for paragraph in paragraphs:
        start = 0
        for match in _END.finditer(paragraph):
            before = paragraph[start : match.start()].split()
            word = before[-1].rstrip(".").lower() if before else ""
            after = paragraph[match.end() :].lstrip()
            if match.group().startswith(".") and (
                word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", word) or after[:1].islower()
            ):
                continue
            found.append(paragraph[start : match.end()].strip())
            start = match.end()
        if paragraph[start:].strip():
            found.append(paragraph[start:].strip())
    return found


def suggest(text: str, *groups: list[str], numbers: bool = False, limit: int = 2) -> list[str]:
    """Sentences of an article that name each group of names (any one of a group, case aside), and with
    ``numbers`` hold a number: a start for the quote, never evidence until a person has read them."""
    found = []
    for sentence in sentences(text):
        folded = sentence.casefold()
        named = all(any(n.casefold() in folded for n in group if len(n) >= 2) for group in groups)
        if named and (not numbers or re.search(r"\d", sentence)):
            found.append(" ".join(sentence.split()))
        if len(found) == limit:
            break
    return found


def _shown(iri: str) -> str:
    shown = curie(iri)
    return shown if not shown.startswith("<") else f"<{iri}>"


def _turtle_iri(iri: str) -> str:
    return _shown(iri)


def _local(iri: str) -> str:
    return re.sub(r"^.*[/#]", "", iri)


# ----------------------------------------------------------------------------------- target and figure


def new_statement(
    kg,
    kind: str,
    about: str,
    indicator: str,
    *,
    source: str | None = None,
    to: str | Path | None = None,
    by: list[str] | tuple[str, ...] = (),
    comparator: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    value: str | None = None,
    year: str | None = None,
    quote: str | None = None,
    slug: str | None = None,
) -> Block:
    """A target (``kind="target"``: an ig:Target) or a reported figure (``"figure"``: an ig:Observation)
    about an entity and measuring an indicator, shaped like the curated ones (docs/curation.md)."""
    if kind not in ("target", "figure"):
        raise ValueError(f"kind is target or figure, not {kind!r}")
    s = Scaffolder(kg, source, to)
    about_iri = s.entity(about, "--about")
    indicator_iri = s.concept(indicator, "--indicator", "indicator")
    when = ""
    if year is not None:
        when = year.strip()
        period = _PERIOD.match(when)
        if period:
            when = f"{period.group(1)}-{period.group(2)}"
        elif not _YEAR.match(when):
            raise UsageError(f"--year {year}: give a year (2025) or a period (2021-2025)")
    target = kind == "target"
    base = "-".join(p for p in (_local(about_iri), when, "target" if target else "", _local(indicator_iri)) if p)
    subject = s.given_id(slug) if slug else s.fresh(base, "--about")
    if slug and s.exists(subject):
        raise UsageError(f"--id {slug}: {curie(subject)} already exists")
    label = f"{s.label(about_iri)}{' ' + when if when else ''}{' target' if target else ''}: {s.label(indicator_iri)}"
    lines = [f"{curie(subject)}\n", f"    a ig:{'Target' if target else 'Observation'} ;\n"]
    lines.append(f"    rdfs:label {_string(label, '@en')} ;\n")
    lines.append(s.source_line(subject))
    lines.append(f"    ig:about {curie(about_iri)} ;\n")
    leave_out = () if target else ("cmp:at-most",)  # a reported figure is never "at most" (ObservationShape)
    if comparator is not None:
        chosen = curie(s.concept(comparator, "--comparator", "comparator"))
        if chosen in leave_out:
            raise UsageError(f"--comparator {chosen}: a reported figure is not 'at most'; that is a target's wording")
        lines.append(f"    ig:comparator {chosen} ;\n")
    else:
        lines.append(_comment(f"comparators: {s.choices('comparator', leave_out)}"))
        lines.append(s.placeholder(subject, "ig:comparator", TODO_COMPARATOR))
    lines.append(f"    ig:indicator {curie(indicator_iri)} ;\n")
    if "-" in when:
        start, end = when.split("-")
        lines.append(f'    ig:periodEnd "{end}"^^xsd:gYear ;\n    ig:periodStart "{start}"^^xsd:gYear ;\n')
    lines.append('    # ig:qualifier "…"@en ;  narrowing words the article gives, such as "local industrial firms"\n')
    lines.append(s.quote_line(subject, quote))
    for raw in by:
        iri = s.entity(raw, "--by")
        if s.is_a(iri, "Programme"):
            lines.append(f"    ig:setBy {curie(iri)} ;\n")
        elif s.is_a(iri, "Agent"):
            lines.append(f"    ig:statedBy {curie(iri)} ;\n")
        else:
            raise UsageError(f"--by {raw}: {curie(iri)} is neither a programme (ig:setBy) nor an actor (ig:statedBy)")
    if target and not by:
        lines.append(s.placeholder(subject, "ig:statedBy", TODO_STATED_BY))
    if not target:
        if status is not None:
            lines.append(f"    ig:status {curie(s.concept(status, '--status', 'status'))} ;\n")
        else:
            lines.append(_comment(f"statuses: {s.choices('status')}"))
            lines.append(s.placeholder(subject, "ig:status", TODO_STATUS))
    if unit is not None:
        lines.append(f"    ig:unit {curie(s.concept(unit, '--unit', 'unit'))} ;\n")
    else:
        usual, why = s.usual_unit(indicator_iri)
        if usual:
            lines.append(_comment(f"{why}; the others: {s.choices('unit', (curie(usual),))}"))
            lines.append(f"    ig:unit {curie(usual)} ;\n")
        else:
            lines.append(_comment(f"units: {s.choices('unit')}"))
            lines.append(s.placeholder(subject, "ig:unit", TODO_UNIT))
    if value is not None:
        lines.append(f"    ig:value {decimal_value(value, '--value')} ;\n")
    else:
        lines.append(s.placeholder(subject, "ig:value", TODO_VALUE))
    if when and "-" not in when:
        lines.append(f'    ig:year "{when}"^^xsd:gYear ;\n')
    elif not when:
        lines.append(s.placeholder(subject, "ig:year", TODO_YEAR))
    hints = s.hints(s.names(about_iri) or [s.label(about_iri)], numbers=True, limit=3)
    return Block(kind, subject, _header(kind) + hints + _end("".join(lines)), s.placeholders)


# ------------------------------------------------------------------------------------- person with a post


def new_person(
    kg,
    name: str,
    post: str,
    of: str,
    *,
    source: str | None = None,
    to: str | Path | None = None,
    head: bool | None = None,
    quote: str | None = None,
    slug: str | None = None,
    section: str | None = None,
) -> Block:
    """A person who holds a post (``post`` is the role title, "Director") in an organisation, with
    ``ig:headOf`` when the post is a head's, and the statement records of each link. A person or post that
    exists already is reused, not declared again."""
    import pyoxigraph as ox

    s = Scaffolder(kg, source, to)
    s.need_article("person")
    section_iri = s.section(section)
    role = " ".join(post.split())
    if not role:
        raise UsageError("--post: give the role title as the article writes it, such as Director")
    org = s.entity(of, "--of")
    if not s.is_a(org, "Organization"):
        raise UsageError(f"--of {of}: {curie(org)} is not an organisation; a post is in a bureau, university, firm...")
    person, new = _person(s, name, slug)
    head = is_head(role) if head is None else head
    post_iri = f"{ID}{slugify(f'{role} of {_local(org)}')}"
    post_new = not s.exists(post_iri)
    if not post_new and not s.is_a(post_iri, "Post"):
        post_iri, post_new = s.fresh(f"{role} of {_local(org)} post", "--post"), True
    person_names = [name, *s.names(person)]
    org_names = s.names(org) or [s.label(org)]
    lines = [f"{curie(person)}\n"]
    if new:
        lines += ["    a ig:Person ;\n", f"    rdfs:label {_string(name, '@en')} ;\n", s.source_line(person)]
    if head:
        lines.append(f"    ig:headOf {curie(org)} ;\n")
    lines.append(f"    ig:holdsPost {curie(post_iri)} ;\n")
    if new:
        lines.append(s.quote_line(person, quote))
    text = _header("person", s, records=True) + s.hints(person_names) + _end("".join(lines)) + "\n"
    if post_new:
        post_lines = [
            f"{curie(post_iri)}\n",
            "    a ig:Post ;\n",
            f"    rdfs:label {_string(f'{role} of {s.label(org)}', '@en')} ;\n",
            s.source_line(post_iri),
            f"    ig:postIn {curie(org)} ;\n",
            s.quote_line(post_iri, quote),
            f"    ig:roleTitle {_string(role, '@en')} ;\n",
        ]
        text += _end("".join(post_lines)) + "\n"
    records = [(person, f"{IG}holdsPost", ox.NamedNode(post_iri), (person_names, [role]))]
    if head:
        records.append((person, f"{IG}headOf", ox.NamedNode(org), (person_names, org_names)))
    if post_new:
        records.append((post_iri, f"{IG}postIn", ox.NamedNode(org), ([role], org_names)))
        records.append((post_iri, f"{IG}roleTitle", ox.Literal(role, language="en"), (person_names, [role])))
    text += "".join(s.record(*r, quote=quote, section=section_iri) for r in records)
    return Block("person", person, text.rstrip("\n") + "\n", s.placeholders, len(records))


def _person(s: Scaffolder, name: str, slug: str | None) -> tuple[str, bool]:
    """The person's IRI, and whether it is new: --id, else the one person with that name, else a new slug."""
    if not name.strip():
        raise UsageError("NAME: give the person's name as the article writes it")
    if slug:
        iri = s.given_id(slug)
        if s.exists(iri) and not s.is_a(iri, "Person"):
            raise UsageError(f"--id {slug}: {curie(iri)} exists and is not a person")
        return iri, not s.exists(iri)
    people = [iri for iri in s.resolver.by_label(name) if s.is_a(iri, "Person")]
    if len(people) > 1:
        raise UsageError(f"NAME: {name!r} names {len(people)} people ({', '.join(map(curie, people))}): give --id")
    if people:
        return people[0], False
    iri = f"{ID}{slugify(name)}"
    if not slugify(name):
        raise UsageError(f"NAME: no slug can be made from {name!r}: give one with --id")
    if s.exists(iri):
        if s.is_a(iri, "Person"):
            return iri, False
        raise UsageError(f"NAME: {curie(iri)} exists and is not a person: give another slug with --id")
    return iri, True


# ------------------------------------------------------------------------------------------------- agreement


def new_agreement(
    kg,
    parties: list[str],
    *,
    cooperation: str | None = None,
    date: str | None = None,
    label: str | None = None,
    source: str | None = None,
    to: str | Path | None = None,
    quote: str | None = None,
    slug: str | None = None,
    section: str | None = None,
) -> Block:
    """An agreement between two or more parties (actors), part of a cooperation if one is given, with the
    statement records of its parties, cooperation and date."""
    import pyoxigraph as ox

    s = Scaffolder(kg, source, to)
    s.need_article("agreement")
    section_iri = s.section(section)
    party_iris = list(dict.fromkeys(_parties(s, parties)))
    if len(party_iris) < 2:
        raise UsageError("--parties: an agreement has at least two parties: --parties A,B")
    for iri in party_iris:
        if not s.is_a(iri, "Agent"):
            raise UsageError(f"--parties: {curie(iri)} is not an actor; the parties are the bodies that signed")
    coop = s.entity(cooperation, "--cooperation") if cooperation else None
    if coop and not s.is_a(coop, "Cooperation"):
        raise UsageError(f"--cooperation {cooperation}: {curie(coop)} is not a cooperation (ig:Cooperation)")
    when = date_term(date, "--date") if date else None
    names = [s.label(p) for p in party_iris]
    label = label or (
        f"Agreement between {', '.join(names[:-1])} and {names[-1]}" + (f" ({when.value[:4]})" if when else "")
    )
    subject = s.given_id(slug) if slug else s.fresh(label, "--label")
    if slug and s.exists(subject):
        raise UsageError(f"--id {slug}: {curie(subject)} already exists")
    lines = [f"{curie(subject)}\n", "    a ig:Agreement ;\n", f"    rdfs:label {_string(label, '@en')} ;\n"]
    lines.append(s.source_line(subject))
    if when is not None:
        lines.append(f"    ig:date {_turtle(when)} ;\n")
    else:
        lines.append("    # once the date is written, innograph new records adds the record of ig:date\n")
        lines.append(s.placeholder(subject, "ig:date", TODO_DATE))
    if coop:
        lines.append(f"    ig:partOf {curie(coop)} ;\n")
    lines.append("    ig:party " + " ,\n        ".join(curie(p) for p in party_iris) + " ;\n")
    lines.append(s.quote_line(subject, quote))
    # an agreement's label is the curator's: the article names it by its parties, so the suggested sentences
    # for a party are those that name it and another party
    named = {p: s.names(p) or [s.label(p)] for p in party_iris}
    everyone = [n for p in party_iris for n in named[p]]
    records = [
        (subject, f"{IG}party", ox.NamedNode(p), ([n for q in party_iris if q != p for n in named[q]], named[p]))
        for p in party_iris
    ]
    if coop:
        records.append((subject, f"{IG}partOf", ox.NamedNode(coop), (everyone, s.names(coop) or [s.label(coop)])))
    if when is not None:
        records.append((subject, f"{IG}date", when, (everyone, [when.value[:4]])))
    text = _header("agreement", s, records=True) + s.hints(*[named[p] for p in party_iris[:2]])
    text += _end("".join(lines)) + "\n" + "".join(s.record(*r, quote=quote, section=section_iri) for r in records)
    return Block("agreement", subject, text.rstrip("\n") + "\n", s.placeholders, len(records))


def _parties(s: Scaffolder, given: list[str]) -> list[str]:
    """Each --parties value names one party, or several separated by commas (a name with a comma in it,
    "Fotile Co., Ltd.", is tried whole first)."""
    found = []
    for value in given:
        try:
            found.append(s.entity(value, "--parties"))
        except UsageError:
            if "," not in value:
                raise
            found += [s.entity(part, "--parties") for part in value.split(",") if part.strip()]
    return found


# ---------------------------------------------------------------------------------------- one statement record


def new_record(
    kg,
    subject: str,
    prop: str,
    obj: str,
    *,
    source: str | None = None,
    to: str | Path | None = None,
    quote: str | None = None,
    section: str | None = None,
) -> Block:
    """The statement record of one statement in an article's graph (and the statement itself, when the graph
    does not make it yet): ``innograph new records`` does this for every statement of a file that has none."""
    import pyoxigraph as ox

    from innograph.why import resolve_property

    s = Scaffolder(kg, source, to)
    article = s.need_article("record")
    section_iri = s.section(section)
    subject_iri = s.entity(subject, "SUBJECT")
    predicate = resolve_property(kg, prop)
    declared = kg.declared()
    if predicate not in declared:
        from innograph.terms import Vocabulary, hint

        near = [r for r in Vocabulary(kg).suggestions(prop, "property")]
        raise UsageError(f"PROPERTY: the ontology declares no property {curie(predicate)}" + hint(near))
    graph = f"{GRAPH}{article.stem}"
    term = _object(s, kg, graph, subject_iri, predicate, obj)
    stated = bool(kg.query(f"ASK {{ GRAPH <{graph}> {{ <{subject_iri}> <{predicate}> {_sparql(term)} }} }}"))
    from innograph.records import record_iri

    iri = record_iri(subject_iri, predicate, term, article.stem)
    if kg.query(f"ASK {{ GRAPH <{graph}> {{ <{iri}> ?p ?o }} }}"):
        raise UsageError(f"kg/{article.stem}.ttl already has the record of this statement: <{iri}>")
    names = (s.names(subject_iri) or [s.label(subject_iri)],
             s.names(term.value) if isinstance(term, ox.NamedNode) else [term.value])  # fmt: skip
    text = _header("record", s, records=True)
    if not stated:
        text += "# the statement itself, which the graph did not make yet\n"
        text += f"{_shown(subject_iri)} {_shown(predicate)} {_turtle(term)} .\n\n"
    text += s.record(subject_iri, predicate, term, names, quote=quote, section=section_iri)
    return Block("record", iri, text.rstrip("\n") + "\n", s.placeholders, 1)


def _sparql(term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    return str(term)


def _object(s: Scaffolder, kg, graph: str, subject: str, predicate: str, raw: str):
    """OBJECT as a term: an entity (slug, CURIE, IRI, label), else a literal: the one the graph already
    states with this text, or one of the property's range (a year, a date, a number, English text)."""
    import pyoxigraph as ox

    from innograph.namespaces import OWL

    try:
        return ox.NamedNode(s.entity(raw, "OBJECT"))
    except UsageError:
        if predicate in kg.declared(f"{OWL}ObjectProperty"):
            raise
    stated = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <{subject}> <{predicate}> ?o FILTER isLiteral(?o) }} }}"
    for row in kg.query(stated):
        if row["o"].value == raw:
            return row["o"]
    ranges = [r["r"].value for r in kg.query(f"SELECT ?r WHERE {{ <{predicate}> <{RDFS}range> ?r }}")]
    datatype = next((r for r in ranges if r.startswith(XSD)), None)
    if datatype in (f"{XSD}decimal",):
        return ox.Literal(decimal_value(raw, "OBJECT"), datatype=ox.NamedNode(datatype))
    if datatype:
        return ox.Literal(raw, datatype=ox.NamedNode(datatype))
    if not ranges and any(p.match(raw) for p, _ in _DATE_FORMS):
        return date_term(raw, "OBJECT")
    return ox.Literal(raw, language="en")


# ------------------------------------------------------------------------------------------------- appending


def append_block(kg, block: Block, to: str | Path) -> Path:
    """Append a block to an article's graph file, written atomically, with the ``@prefix`` lines of the
    prefixes it uses that the file does not declare (as the same namespace)."""
    path = Path(to)
    if not path.is_absolute() and not path.exists():
        path = kg.project.root / path
    current = path.read_text(encoding="utf-8")
    declared = dict(re.findall(r"(?im)^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*|):\s*<([^>]*)>", current))
    missing = [p for p in SCAFFOLD_PREFIXES if declared.get(p) != PREFIXES[p]]
    prefixes = turtle_prefixes(*missing) + "\n" if missing else ""
    write_text(path, current.rstrip("\n") + "\n\n" + prefixes + block.text)
    return path


def block_from_args(kg, args) -> Block:
    """The block ``innograph new target|figure|person|agreement|record`` asks for, from its parsed options."""
    common = {"source": args.source, "to": args.to, "quote": args.quote}
    if args.what in ("target", "figure"):
        return new_statement(
            kg,
            args.what,
            args.about,
            args.indicator,
            by=args.by,
            comparator=args.comparator,
            unit=args.unit,
            status=getattr(args, "status", None),
            value=args.value,
            year=args.year,
            slug=args.id,
            **common,
        )
    if args.what == "person":
        return new_person(
            kg, args.person, args.post, args.of, head=args.head, slug=args.id, section=args.section, **common
        )
    if args.what == "agreement":
        return new_agreement(
            kg,
            args.parties,
            cooperation=args.cooperation,
            date=args.date,
            label=args.label,
            slug=args.id,
            section=args.section,
            **common,
        )
    if args.what == "record":
        return new_record(kg, args.subject, args.property, args.object, section=args.section, **common)
    raise ValueError(f"no statement scaffold is called {args.what!r}")
