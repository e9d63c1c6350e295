"""One documentation page per entity, beside the ontology page (``docs/entity/<slug>.html``): its names in
English and Chinese and its alternative names, its class (linked to the class's section of the ontology page),
every statement about it both ways (→ it states, ← another entity states of it) with the verbatim quote and the
article's citation, as the catalogue query ``entity-profile`` lists them, the targets and figures about it, and a
small drawing of its neighbourhood (inline SVG, laid out here: no script, the same bytes every time).

An entity is every ``id:`` IRI with an ``rdfs:label`` that is not a statement record. Its page is named by its
slug, the IRI after ``https://w3id.org/innograph/id/`` with ``/`` written ``--`` (``source/003_…`` →
``source--003_….html``): :func:`entity_slug`. From a view in ``build/views/`` an entity's page is
``../docs/entity/<slug>.html``; ``entity/index.html`` lists them all.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from innograph.citations import Citations
from innograph.loader import KnowledgeGraph
from innograph.namespaces import ID, IG, ONTOLOGY_GRAPH, RDF, RDFS, SKOS, curie

ENTITY_DIR = "entity"
EN_DASH = "\u2013"  # between the ends of a range of values or years
MAX_NEIGHBOURS = 24  # the ego drawing shows this many neighbours at most; the page lists them all

# The catalogue query ``entity-profile`` (queries/entity-profile.rq), for every entity at once: the same rows.
PROFILE = """
PREFIX id: <https://w3id.org/innograph/id/>
PREFIX ig: <https://w3id.org/innograph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?direction ?property (?p AS ?propertyId) ?value (IF(isIRI(?o), ?o, ?none_) AS ?valueId) ?quote
       ?citation (?articleOrGraph AS ?file) WHERE {
  VALUES ?entity { %(entities)s }
  BIND ("en" AS ?lang)
  {
    GRAPH ?g { ?entity ?p ?o }
    BIND ("→" AS ?direction)
    BIND (?entity AS ?s_)
    BIND (?o AS ?o_)
  } UNION {
    GRAPH ?g { ?o ?p ?entity }
    FILTER (?p NOT IN (rdf:subject, rdf:object, rdf:type))
    BIND ("←" AS ?direction)
    BIND (?o AS ?s_)
    BIND (?entity AS ?o_)
  }
  BIND (CONCAT(STRAFTER(STR(?g), "https://w3id.org/innograph/graph/"), ".txt") AS ?file_)
  OPTIONAL { ?source ig:fileName ?file_ BIND (?file_ AS ?article) }
  OPTIONAL {
    GRAPH ?g { ?r_ rdf:subject ?s_ ; rdf:predicate ?p ; rdf:object ?o_ ; ig:quote ?recordQuote_ }
    OPTIONAL { GRAPH ?g { ?r_ ig:section ?sec_ } ?sec_ ig:title ?section_ }
  }
  OPTIONAL {
    GRAPH ?g { ?s_ ig:quote ?ownQuote_ }
    FILTER EXISTS { ?s_ a/rdfs:subClassOf* ig:QuantitativeStatement }
  }
  BIND (COALESCE(?recordQuote_, ?ownQuote_) AS ?quote)
  BIND (COALESCE(?article, "") AS ?articleKey_)
  OPTIONAL {
    ?src_ ig:fileName ?articleKey_ ; ig:title ?title_ FILTER (LANG(?title_) IN ("en", ""))
    OPTIONAL { ?src_ ig:citation ?cited_ FILTER (LANG(?cited_) IN ("en", "")) }
  }
  BIND (STR(COALESCE(?cited_, ?title_)) AS ?article_)
  BIND (COALESCE(CONCAT(?article_, ", in “", STR(?section_), "”"), ?article_) AS ?citation)
  OPTIONAL { ?p rdfs:label ?p_l FILTER (LANG(?p_l) = ?lang) }
  OPTIONAL { ?p rdfs:label ?p_e FILTER (LANG(?p_e) = "en") }
  BIND (COALESCE(?p_l, ?p_e) AS ?property_)
  BIND (COALESCE(?property_, REPLACE(STR(?p), "^.*[#/]", "")) AS ?property)
  OPTIONAL { ?o rdfs:label|skos:prefLabel ?o_l FILTER (LANG(?o_l) = ?lang) }
  OPTIONAL { ?o rdfs:label|skos:prefLabel ?o_e FILTER (LANG(?o_e) = "en") }
  BIND (IF(isLiteral(?o), STR(?o), COALESCE(?o_l, ?o_e, STR(?o))) AS ?value)
  BIND (COALESCE(?article, STRAFTER(STR(?g), "https://w3id.org/innograph/graph/")) AS ?articleOrGraph)
}
"""

FIGURES = f"""
PREFIX ig: <{IG}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s ?entity ?k ?value ?min ?max ?unit ?indicator ?comparator ?year ?start ?end ?quote ?source WHERE {{
  ?s ig:about ?entity ; a ?k .
  VALUES ?k {{ ig:Target ig:Observation }}
  OPTIONAL {{ ?s ig:value ?value }}
  OPTIONAL {{ ?s ig:minValue ?min }}
  OPTIONAL {{ ?s ig:maxValue ?max }}
  OPTIONAL {{ ?s ig:unit/skos:prefLabel ?unit FILTER (LANG(?unit) = "en") }}
  OPTIONAL {{ ?s ig:indicator/skos:prefLabel ?indicator FILTER (LANG(?indicator) = "en") }}
  OPTIONAL {{ ?s ig:comparator/skos:prefLabel ?comparator FILTER (LANG(?comparator) = "en") }}
  OPTIONAL {{ ?s ig:year ?year }}
  OPTIONAL {{ ?s ig:periodStart ?start }}
  OPTIONAL {{ ?s ig:periodEnd ?end }}
  OPTIONAL {{ ?s ig:quote ?quote }}
  OPTIONAL {{ ?s dcterms:source ?source }}
}}
"""


def entity_slug(iri: str) -> str:
    """The file name (without ``.html``) of an entity's page: its IRI after ``id:``, ``/`` as ``--``, any other
    character that is not a letter, digit, ``.``, ``_`` or ``-`` as ``_``."""
    local = iri[len(ID) :] if iri.startswith(ID) else iri
    return re.sub(r"[^A-Za-z0-9._-]", "_", local.replace("/", "--")) or "_"


@dataclass
class Statement:
    direction: str  # "→" or "←"
    property: str
    property_id: str
    value: str
    value_id: str | None
    quote: str | None
    citation: str | None
    file: str
    href: str | None = None  # the other end's page, where it has one


@dataclass
class Figure:
    iri: str
    kind: str
    label: str
    indicator: str
    comparator: str
    value: str
    unit: str
    when: str
    quote: str | None
    citation: str | None
    href: str | None = None


@dataclass
class Entity:
    iri: str
    slug: str
    en: str
    zh: list[str] = field(default_factory=list)
    other_labels: list[str] = field(default_factory=list)  # labels in other languages
    alt: list[str] = field(default_factory=list)
    classes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, curie, anchor)
    statements: list[Statement] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    svg: dict | None = None

    @property
    def curie(self) -> str:
        return curie(self.iri)


def _number(text: str) -> str:
    """``75.0`` as 75, ``2.8`` as 2.8: a figure's value as a reader writes it."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else text


def _other_languages(labels: list) -> list[str]:
    """Labels in a language other than English or Chinese, each with its tag."""
    return sorted(
        f"{lit.value} ({lit.language})"
        for lit in labels
        if lit.language and lit.language != "en" and not lit.language.startswith("zh")
    )


def _value(row, name: str, default=None):
    return row[name].value if row[name] is not None else default


def collect_entities(kg: KnowledgeGraph) -> dict[str, Entity]:
    """Every entity that gets a page, by IRI, with its names and classes (statements are added later)."""
    rows = kg.query(
        f"""SELECT DISTINCT ?e ?l WHERE {{ ?e <{RDFS}label> ?l
              FILTER (isIRI(?e) && STRSTARTS(STR(?e), "{ID}"))
              FILTER NOT EXISTS {{ ?e <{RDF}subject> ?any }} }}"""
    )
    labels: dict[str, list] = defaultdict(list)
    for row in rows:
        labels[row["e"].value].append(row["l"])
    entities: dict[str, Entity] = {}
    used: dict[str, str] = {"index": ""}  # entity/index.html lists them all
    for iri in sorted(labels):
        found = labels[iri]
        english = (
            sorted(lit.value for lit in found if lit.language == "en")
            or sorted(lit.value for lit in found if lit.language is None)
            or sorted(lit.value for lit in found)
        )
        slug = entity_slug(iri)
        if slug in used:  # two IRIs that only differ in characters a file name cannot hold
            slug = f"{slug}-{len(used)}"
        used[slug] = iri
        entities[iri] = Entity(
            iri=iri,
            slug=slug,
            en=english[0],
            zh=sorted(lit.value for lit in found if (lit.language or "").startswith("zh")),
            other_labels=[*english[1:], *_other_languages(found)],
        )
    for row in kg.query(
        f'SELECT DISTINCT ?e ?a WHERE {{ ?e <{SKOS}altLabel> ?a FILTER (STRSTARTS(STR(?e), "{ID}")) }}'
    ):
        if row["e"].value in entities:
            shown = row["a"].value + (f" ({row['a'].language})" if row["a"].language not in (None, "en") else "")
            entities[row["e"].value].alt.append(shown)
    # the most specific classes each entity is stated to have, with their labels from the ontology
    types: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(
        f"""SELECT DISTINCT ?e ?c WHERE {{ GRAPH ?g {{ ?e <{RDF}type> ?c }}
              FILTER (!STRSTARTS(STR(?g), "{ONTOLOGY_GRAPH}") && STRSTARTS(STR(?e), "{ID}")) }}"""
    ):
        types[row["e"].value].add(row["c"].value)
    supers: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(f"SELECT ?c ?s WHERE {{ ?c <{RDFS}subClassOf>+ ?s }}"):
        supers[row["c"].value].add(row["s"].value)
    class_labels = {
        row["c"].value: row["l"].value
        for row in kg.query(f'SELECT ?c ?l WHERE {{ ?c <{RDFS}label> ?l FILTER (LANG(?l) = "en") }}')
    }
    for iri, entity in entities.items():
        stated = types.get(iri, set())
        specific = sorted(c for c in stated if not any(c in supers[other] for other in stated if other != c))
        entity.classes = [
            (class_labels.get(c, curie(c)), curie(c), curie(c).replace(":", "-") if c.startswith(IG) else "")
            for c in specific
        ]
        entity.alt.sort()
    return entities


def collect(kg: KnowledgeGraph) -> dict[str, Entity]:
    """Every entity's page content: names, classes, statements both ways, figures, neighbourhood drawing."""
    entities = collect_entities(kg)
    if not entities:
        return entities
    cite = Citations(kg)
    values = " ".join(f"<{iri}>" for iri in entities)
    seen: set[tuple] = set()
    for row in kg.query(PROFILE % {"entities": values}):
        get = partial(_value, row)
        statement = Statement(
            direction=get("direction"),
            property=get("property"),
            property_id=get("propertyId"),
            value=get("value") or "",
            value_id=get("valueId"),
            quote=get("quote"),
            citation=get("citation"),
            file=get("file") or "",
        )
        key = (get("entity"), *(getattr(statement, f) for f in ("direction", "property_id", "value", "value_id")))
        key += (statement.quote, statement.citation, statement.file)
        if key in seen:
            continue
        seen.add(key)
        if statement.value_id in entities:
            statement.href = f"{entities[statement.value_id].slug}.html"
        entities[get("entity")].statements.append(statement)
    for entity in entities.values():
        entity.statements.sort(
            key=lambda s: (s.direction != "→", s.property, s.value, s.value_id or "", s.quote or "", s.file)
        )
    for row in kg.query(FIGURES):
        about = row["entity"].value
        if about not in entities:
            continue
        get = partial(_value, row, default="")
        bounds = [_number(get(n)) for n in ("min", "max") if get(n)]
        value = _number(get("value")) if get("value") else EN_DASH.join(bounds)
        when = get("year") or EN_DASH.join(v for v in (get("start"), get("end")) if v)
        iri = row["s"].value
        figure = Figure(
            iri=iri,
            kind="target" if row["k"].value.endswith("Target") else "figure",
            label=entities[iri].en if iri in entities else curie(iri),
            indicator=get("indicator"),
            comparator=get("comparator"),
            value=value,
            unit=get("unit"),
            when=when,
            quote=get("quote") or None,
            citation=cite(row["source"].value) if row["source"] is not None else None,
            href=f"{entities[iri].slug}.html" if iri in entities else None,
        )
        entities[about].figures.append(figure)
    for entity in entities.values():
        entity.figures.sort(key=lambda f: (f.kind, f.when, f.indicator, f.value, f.iri))
        entity.svg = ego_svg(entity, entities)
    return entities


def _short(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def ego_svg(entity: Entity, entities: dict[str, Entity]) -> dict:
    """The entity at the centre and its neighbours (the other ends of its statements that have pages) on a
    circle around it, in a fixed order: coordinates for the template, which draws and escapes them."""
    directions: dict[str, set[str]] = defaultdict(set)
    for s in entity.statements:
        if s.value_id in entities and s.value_id != entity.iri:
            directions[s.value_id].add(s.direction)
    ordered = sorted(directions, key=lambda iri: (entities[iri].en.lower(), iri))
    shown = ordered[:MAX_NEIGHBOURS]
    width, height = 880, 420 if len(shown) > 8 else 320
    cx, cy = width / 2, height / 2
    rx, ry = 190, height / 2 - 40
    nodes = []
    for i, iri in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(shown), 1)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        dx = 0 if anchor == "middle" else (8 if anchor == "start" else -8)
        dy = -9 if abs(cos) < 0.2 and math.sin(angle) < 0 else (16 if abs(cos) < 0.2 else 4)
        both = directions[iri]
        nodes.append(
            {
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "tx": f"{x + dx:.1f}",
                "ty": f"{y + dy:.1f}",
                "anchor": anchor,
                "label": _short(entities[iri].en),
                "title": entities[iri].en,
                "href": f"{entities[iri].slug}.html",
                "kind": "both" if len(both) == 2 else ("out" if "→" in both else "in"),
            }
        )
    return {
        "width": width,
        "height": height,
        "cx": f"{cx:.1f}",
        "cy": f"{cy:.1f}",
        "label": _short(entity.en, 40),
        "nodes": nodes,
        "more": len(ordered) - len(shown),
    }


def class_members(entities: dict[str, Entity]) -> dict[str, list[Entity]]:
    """The entities of each class (by CURIE), for the class sections of the ontology page."""
    members: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities.values():
        for _label, class_curie, _anchor in entity.classes:
            members[class_curie].append(entity)
    for bucket in members.values():
        bucket.sort(key=lambda e: (e.en.lower(), e.iri))
    return members


def render_pages(kg: KnowledgeGraph, entities: dict[str, Entity], env, ontology_page: str) -> dict[str, str]:
    """Each page's text by its path inside the docs folder: ``entity/<slug>.html`` and ``entity/index.html``."""
    page = env.get_template("entity.html")
    pages = {}
    for entity in entities.values():
        pages[f"{ENTITY_DIR}/{entity.slug}.html"] = page.render(
            e=entity, ontology=f"../{ontology_page}", title=entity.en
        )
    grouped: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities.values():
        grouped[entity.classes[0][0] if entity.classes else "(no class)"].append(entity)
    groups = [
        (name, sorted(bucket, key=lambda e: (e.en.lower(), e.iri)))
        for name, bucket in sorted(grouped.items(), key=lambda kv: kv[0].lower())
    ]
    pages[f"{ENTITY_DIR}/index.html"] = env.get_template("entity_index.html").render(
        groups=groups, ontology=f"../{ontology_page}", count=len(entities), title="innograph entities"
    )
    return pages
