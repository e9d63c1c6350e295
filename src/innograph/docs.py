"""Ontology documentation as one offline HTML page: the class hierarchy, every class and property with
its labels in English and Chinese, definition, domain and range, the constraints its shape sets, and
example instances from the graph (a source article by its citation, never its file name); then the SKOS
vocabularies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from innograph.citations import Citations
from innograph.loader import KnowledgeGraph, to_rdflib
from innograph.namespaces import IG, ONTOLOGY_GRAPH, OWL, RDF, RDFS, SH, SKOS, curie

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
PROPERTY_KINDS = {f"{OWL}ObjectProperty": "object property", f"{OWL}DatatypeProperty": "datatype property",
                  f"{OWL}AnnotationProperty": "annotation property"}  # fmt: skip


@dataclass
class Term:
    iri: str
    kind: str
    en: str = ""
    zh: str = ""
    definition: str = ""
    abstract: bool = False
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    constraints: list[dict[str, str]] = field(default_factory=list)
    examples: list[tuple[str, str]] = field(default_factory=list)
    uses: int = 0

    @property
    def curie(self) -> str:
        return curie(self.iri)

    @property
    def anchor(self) -> str:
        return self.curie.replace(":", "-")


def _text(graph, subject, predicate, lang: str) -> str:
    from rdflib import URIRef

    for value in graph.objects(subject, URIRef(predicate)):
        if getattr(value, "language", None) == lang:
            return str(value)
    return ""


def _describe_constraint(shapes, node) -> dict[str, str]:
    """One property shape in words: path, cardinality, value kind, and its message."""
    from rdflib import URIRef
    from rdflib.collection import Collection

    sh = lambda local: URIRef(f"{SH}{local}")  # noqa: E731
    path = shapes.value(node, sh("path"))
    if path is None:
        return {}
    inverse = shapes.value(path, sh("inversePath"))
    shown = f"^{curie(str(inverse))}" if inverse is not None else curie(str(path))
    parts = []
    low, high = shapes.value(node, sh("minCount")), shapes.value(node, sh("maxCount"))
    if low is not None or high is not None:
        parts.append(f"{low or 0}..{high if high is not None else '*'}")
    for key in ("class", "datatype", "hasValue", "nodeKind", "pattern", "minInclusive", "maxInclusive"):
        value = shapes.value(node, sh(key))
        if value is not None:
            parts.append(f"{key} {curie(str(value)) if isinstance(value, URIRef) else value}")
    listed = shapes.value(node, sh("in"))
    if listed is not None:
        parts.append("one of " + ", ".join(curie(str(v)) for v in Collection(shapes, listed)))
    message = _text(shapes, node, f"{SH}message", "en")
    return {"path": shown, "rule": "; ".join(parts) or "(see message)", "message": message}


def collect(kg: KnowledgeGraph) -> dict:
    from rdflib import URIRef

    ontology = to_rdflib(kg.quads("ontology"))
    shapes = to_rdflib(kg.quads("shapes"))
    vocab = to_rdflib(kg.quads("vocab"))
    terms: dict[str, Term] = {}
    for subject in set(ontology.subjects(URIRef(f"{RDF}type"), None)):
        iri = str(subject)
        if not iri.startswith(IG):
            continue
        kinds = {str(o) for o in ontology.objects(subject, URIRef(f"{RDF}type"))}
        kind = (
            "class" if f"{OWL}Class" in kinds else next((PROPERTY_KINDS[k] for k in kinds if k in PROPERTY_KINDS), "")
        )
        if not kind:
            continue
        terms[iri] = Term(
            iri=iri,
            kind=kind,
            en=_text(ontology, subject, f"{RDFS}label", "en"),
            zh=_text(ontology, subject, f"{RDFS}label", "zh"),
            definition=_text(ontology, subject, f"{SKOS}definition", "en"),
            abstract=any(str(v).lower() == "true" for v in ontology.objects(subject, URIRef(f"{IG}abstract"))),
            parents=sorted(
                str(o)
                for o in ontology.objects(
                    subject, URIRef(f"{RDFS}subClassOf" if kind == "class" else f"{RDFS}subPropertyOf")
                )
            ),
            domain=sorted(str(o) for o in ontology.objects(subject, URIRef(f"{RDFS}domain"))),
            range=sorted(str(o) for o in ontology.objects(subject, URIRef(f"{RDFS}range"))),
        )
    for term in terms.values():
        for parent in term.parents:
            if parent in terms:
                terms[parent].children.append(term.iri)
    # Shapes: every property shape of every node shape that targets the class.
    for node_shape in shapes.subjects(URIRef(f"{SH}targetClass"), None):
        for target in shapes.objects(node_shape, URIRef(f"{SH}targetClass")):
            term = terms.get(str(target))
            if term is None:
                continue
            for prop in shapes.objects(node_shape, URIRef(f"{SH}property")):
                described = _describe_constraint(shapes, prop)
                if described:
                    term.constraints.append(described)
            message = _text(shapes, node_shape, f"{SH}message", "en")
            if message:
                term.constraints.append({"path": "(the entity)", "rule": "node rule", "message": message})
    # Use in the data: counts and examples with their labels.
    data_filter = f'FILTER (!STRSTARTS(STR(?g), "{ONTOLOGY_GRAPH}"))'
    for row in kg.query(
        f"SELECT ?c (COUNT(DISTINCT ?e) AS ?n) (SAMPLE(?e) AS ?one) WHERE {{ GRAPH ?g {{ ?e <{RDF}type> ?c }} "
        f"{data_filter} }} GROUP BY ?c"
    ):
        if row["c"].value in terms:
            terms[row["c"].value].uses = int(row["n"].value)
    # a source article is shown by its citation (title, outlet, date), as everywhere a reader sees one
    cite = Citations(kg)
    sources = {row["s"].value for row in kg.query(f"SELECT ?s WHERE {{ ?s <{RDF}type> <{IG}SourceArticle> }}")}

    def shown(term, label: str) -> str:
        return cite(term.value) if term is not None and term.value in sources else label

    examples: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in kg.query(
        f"""SELECT ?c ?e ?label WHERE {{ GRAPH ?g {{ ?e <{RDF}type> ?c }} {data_filter}
            ?e <{RDFS}label> ?label FILTER (LANG(?label) = "en") }} ORDER BY ?c ?label"""
    ):
        bucket = examples[row["c"].value]
        if len(bucket) < 5:
            bucket.append((curie(row["e"].value), shown(row["e"], row["label"].value)))
    for row in kg.query(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {data_filter} }} GROUP BY ?p"):
        if row["p"].value in terms:
            terms[row["p"].value].uses = int(row["n"].value)
    for row in kg.query(
        f"""SELECT ?p ?s ?o ?sl ?ol WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {data_filter}
            ?s <{RDFS}label> ?sl FILTER (LANG(?sl) = "en")
            OPTIONAL {{ ?o <{RDFS}label>|<{SKOS}prefLabel> ?olabel FILTER (LANG(?olabel) = "en") }}
            BIND (COALESCE(?olabel, STR(?o)) AS ?ol) }} ORDER BY ?p ?sl ?ol"""
    ):
        bucket = examples[row["p"].value]
        if len(bucket) < 3:
            bucket.append((shown(row["s"], row["sl"].value), shown(row["o"], row["ol"].value)))
    for iri, bucket in examples.items():
        if iri in terms:
            terms[iri].examples = bucket
    schemes = []
    for scheme in sorted(set(vocab.subjects(URIRef(f"{RDF}type"), URIRef(f"{SKOS}ConceptScheme")))):
        concepts = []
        for concept in sorted(vocab.subjects(URIRef(f"{SKOS}inScheme"), scheme)):
            concepts.append(
                {
                    "curie": curie(str(concept)),
                    "en": _text(vocab, concept, f"{SKOS}prefLabel", "en"),
                    "zh": _text(vocab, concept, f"{SKOS}prefLabel", "zh"),
                    "definition": _text(vocab, concept, f"{SKOS}definition", "en"),
                }
            )
        schemes.append(
            {
                "iri": str(scheme),
                "en": _text(vocab, scheme, f"{SKOS}prefLabel", "en"),
                "definition": _text(vocab, scheme, f"{SKOS}definition", "en"),
                "concepts": concepts,
            }
        )
    return {"terms": terms, "schemes": schemes}


def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))
    env.filters["curie"] = curie
    return env


def render_all(kg: KnowledgeGraph, index_name: str = "index.html") -> dict[str, str]:
    """Every page of the documentation by its path in the docs folder: the ontology page (``index_name``),
    one page per entity (``entity/<slug>.html``) and their index (``entity/index.html``)."""
    from innograph.entity_pages import ENTITY_DIR, class_members, render_pages
    from innograph.entity_pages import collect as collect_entities

    collected = collect(kg)
    entities = collect_entities(kg)
    terms: dict[str, Term] = collected["terms"]
    classes = sorted((t for t in terms.values() if t.kind == "class"), key=lambda t: t.curie)
    properties = sorted((t for t in terms.values() if t.kind != "class"), key=lambda t: t.curie)
    roots = [t for t in classes if not any(p in terms for p in t.parents)]
    env = _environment()
    pages = {
        index_name: env.get_template("ontology.html").render(
            title="innograph ontology",
            terms=terms,
            classes=classes,
            properties=properties,
            roots=sorted(roots, key=lambda t: t.curie),
            schemes=collected["schemes"],
            triples=len(kg),
            members=class_members(entities),
            entity_dir=ENTITY_DIR,
            entity_count=len(entities),
        )
    }
    pages.update(render_pages(kg, entities, env, index_name))
    return pages


def render(kg: KnowledgeGraph) -> str:
    """The ontology page alone (its links to entity pages resolve once :func:`write` wrote them beside it)."""
    return render_all(kg)["index.html"]


def write_folder(kg: KnowledgeGraph, folder: Path, index_name: str = "index.html") -> list[Path]:
    """Write every page into ``folder`` (a fresh one, such as a build's staging folder, which the caller swaps
    in); returns the files written, sorted."""
    written = []
    for relative, text in sorted(render_all(kg, index_name).items()):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def write(kg: KnowledgeGraph, out: Path) -> Path:
    """Write the ontology page to ``out`` and the entity pages into ``entity/`` beside it.

    Everything is rendered before anything is written; the entity folder is filled beside the old one and
    swapped in at once (:func:`innograph.atomic.atomic_folder`), then the ontology page is renamed into place,
    so an interrupted or failed run leaves the previous pages whole and never a half-written folder."""
    from innograph.atomic import atomic_folder, write_text
    from innograph.entity_pages import ENTITY_DIR
    from innograph.errors import InputError

    out = Path(out)
    if out.is_dir():
        raise InputError("is a folder; give the name of a file to write", path=str(out))
    pages = render_all(kg, out.name)
    folder = out.parent / ENTITY_DIR
    if folder.exists():
        foreign = sorted(p.name for p in folder.iterdir() if not (p.is_file() and p.suffix == ".html"))
        if not folder.is_dir() or foreign:
            raise InputError(
                f"holds {', '.join(foreign[:3]) or 'a file'}, which innograph docs did not write; the entity pages "
                "replace the whole folder, so move that away or give another --out",
                path=str(folder),
            )
    prefix = f"{ENTITY_DIR}/"
    with atomic_folder(folder) as staging:
        for relative, text in sorted(pages.items()):
            if relative.startswith(prefix):
                (staging / relative.removeprefix(prefix)).write_text(text, encoding="utf-8")
    write_text(out, pages[out.name])
    return out
