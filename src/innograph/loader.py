"""Load a project's Turtle files into one Oxigraph store, one named graph per file.

Everything downstream (validation, statistics, queries) reads this store; nothing reaches back into files.
Oxigraph parses about twenty times faster than rdflib and answers SPARQL far faster; validation, which
pySHACL does on rdflib graphs, gets plain rdflib copies through :func:`to_rdflib`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from innograph.errors import InputError
from innograph.namespaces import RDF, XSD
from innograph.project import GraphFile, Project, find_project

_POSITION = re.compile(r"between line (\d+) column (\d+)")
_XSD_STRING = f"{XSD}string"


@dataclass
class KnowledgeGraph:
    """The loaded project: an Oxigraph store holding one named graph per Turtle file."""

    project: Project
    store: ox.Store
    files: list[GraphFile]
    _by_graph: dict[str, GraphFile] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_graph = {f.graph: f for f in self.files}

    def file_of(self, graph: str) -> GraphFile | None:
        return self._by_graph.get(graph)

    def graphs(self, *kinds: str) -> list[GraphFile]:
        return [f for f in self.files if not kinds or f.kind in kinds]

    def quads(self, *kinds: str) -> Iterable[ox.Quad]:
        for f in self.graphs(*kinds):
            yield from self.store.quads_for_pattern(None, None, None, ox.NamedNode(f.graph))

    def query(self, sparql: str, **kwargs):
        """Run SPARQL over the store; the default graph is the union of all named graphs. The project's
        prefixes (``ig:``, ``id:``, ``ind:``, ``rdfs:``, ...) need no ``PREFIX`` line; one the text declares
        is kept. Returns what pyoxigraph's ``Store.query`` returns: solutions whose rows are read as
        ``row["m"].value``, a boolean for ASK, triples for CONSTRUCT. For a table with labels, numbers and
        ``to_pandas()``, run a catalogue query with :meth:`run`."""
        from innograph.query import with_prefixes

        kwargs.setdefault("use_default_graph_as_union", True)
        return self.store.query(with_prefixes(sparql)[0], **kwargs)

    def run(
        self, name: str, /, lang: str | None = None, page: int | None = None, page_size: int | None = None, **params
    ):
        """Run a catalogue query by name (or a ``.rq`` file by path) as ``innograph query NAME`` does:
        ``kg.run("figures-about", entity="ningbo")``. Parameters are read as ``--param`` reads them (an entity
        by slug, CURIE, IRI or label; a year such as 2022, given as int or str); ``lang="zh"`` is ``--lang``.
        An unknown query or parameter raises :class:`~innograph.errors.UsageError` with the CLI's message.

        A SELECT or ASK gives a :class:`~innograph.results.Table` (``.to_pandas()``, ``.to_records()``,
        ``.render("md")``), of every row; with ``page`` or ``page_size`` (whole numbers from 1), of one page's
        rows (page 1 by default; by default as many as the query's ``# page:`` line says, else 100), its
        ``.total`` the number of rows of the whole answer. A CONSTRUCT or DESCRIBE gives its graph as Turtle
        text (a ``str``)."""
        from innograph.catalog import resolve
        from innograph.engines import OxigraphEngine
        from innograph.query import choose_page, run_query

        query = resolve(name, self.project.queries_dir, self.project.relative)
        given = {key: _param_text(value) for key, value in params.items()}
        chosen = choose_page(query, page, page_size, fmt=None, names=("page", "page_size"))
        result = run_query(query, OxigraphEngine(self), given, lang, chosen)
        return result.decode("utf-8") if isinstance(result, bytes) else result

    def declared(self, kind: str | None = None) -> set[str]:
        """IRIs the ontology files declare (anything they type), or only those of one type such as
        ``owl:Class`` (given as a full IRI)."""
        type_, wanted = ox.NamedNode(f"{RDF}type"), ox.NamedNode(kind) if kind else None
        found = set()
        for graph_file in self.graphs("ontology", "shapes", "vocab"):
            for quad in self.store.quads_for_pattern(None, type_, wanted, ox.NamedNode(graph_file.graph)):
                if isinstance(quad.subject, ox.NamedNode):
                    found.add(quad.subject.value)
        return found

    def __len__(self) -> int:
        return len(self.store)


def _param_text(value) -> str:
    """A parameter given from Python as the text ``--param`` would take: an IRI term as its IRI."""
    if isinstance(value, ox.NamedNode):
        return value.value
    if isinstance(value, bool):
        return str(value).lower()
    return str(getattr(value, "value", value)) if not isinstance(value, str | int | float) else str(value)


_PARSER_PREFIX = re.compile(r"^Parser error [^:]*: ")


def parse_error(path: str, error: SyntaxError, lead: str = "malformed Turtle") -> InputError:
    """Oxigraph's parser error as one line, ``file:line:column: malformed Turtle: what is wrong``. Lines and
    columns count from 1, columns in characters; a CRLF is one line end; a byte-order mark does not count."""
    text = str(error.msg if getattr(error, "msg", None) else error)
    line, column = getattr(error, "lineno", None), getattr(error, "offset", None)
    match = _POSITION.search(text)
    if match and line is None:
        line, column = int(match.group(1)), int(match.group(2))
    detail = _PARSER_PREFIX.sub("", text).strip() or "the parser gives no reason"
    return InputError(f"{lead}: {detail}", path=path, line=line, column=column)


def turtle_error(text: str | bytes, path: str, lead: str = "malformed Turtle") -> InputError | None:
    """The error loading this Turtle would give (None if it parses): the one parser, and so the one line
    and column, for every command. A byte-order mark is left out of the count, as editors do; a file that
    parses once its BOM is removed gets :data:`BOM_MESSAGE`."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    bom = data.startswith(BOM)
    try:
        for _ in ox.parse(data.removeprefix(BOM), format=ox.RdfFormat.TURTLE):
            pass
    except SyntaxError as error:
        return parse_error(path, error, lead)
    return InputError(BOM_MESSAGE, path=path) if bom else None


BOM = b"\xef\xbb\xbf"
BOM_MESSAGE = "starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM, or run innograph fmt"
# the marker of a draft graph (innograph.draft.DRAFT_GRAPH; not imported, which would import the drafting
# rules into every command)
DRAFT_GRAPH = "https://w3id.org/innograph/draft#DraftGraph"
DRAFTS_DIR = "drafts"


def load_file(store: ox.Store, graph_file: GraphFile, shown_as: str) -> None:
    try:
        store.load(path=str(graph_file.path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph_file.graph))
    except SyntaxError as error:
        # Oxigraph reads a byte-order mark as an invisible first character of the first token: parse the
        # file without it, for the error it really has (or none)
        try:
            data = graph_file.path.read_bytes()
        except OSError:
            data = b""
        if data.startswith(BOM):
            raise turtle_error(data, shown_as) or InputError(BOM_MESSAGE, path=shown_as) from None
        raise parse_error(shown_as, error) from None
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", path=shown_as) from None


def refuse_drafts(store: ox.Store, files: list[GraphFile], project: Project) -> None:
    """A draft (``innograph draft``'s output, marked ``a draft:DraftGraph``) is not curated data: a file
    under kg/ or ontology/ that holds the marker stops the load, with how to accept it."""
    marked = store.quads_for_pattern(None, ox.NamedNode(f"{RDF}type"), ox.NamedNode(DRAFT_GRAPH), None)
    graphs = {q.graph_name.value for q in marked if isinstance(q.graph_name, ox.NamedNode)}
    for graph_file in files:
        if graph_file.graph in graphs:
            shown = project.relative(graph_file.path)
            target = f"{DRAFTS_DIR}/{graph_file.path.name}"
            raise InputError(
                f"a draft, not curated data: move it to {target}, review it and run innograph accept {target}",
                path=shown,
            )


def load(
    root: str | Path | None = None, sources: str | Path | None = None, project: Project | None = None
) -> KnowledgeGraph:
    """Load every Turtle file of the project into a fresh in-memory store."""
    project = project or find_project(root, sources)
    files = project.files()
    if not any(f.kind == "ontology" for f in files):
        raise InputError(
            "no ontology found (expected ontology/innograph.ttl)", path=project.relative(project.ontology_dir)
        )
    store = ox.Store()
    for graph_file in files:
        load_file(store, graph_file, project.relative(graph_file.path))
    refuse_drafts(store, files, project)
    return KnowledgeGraph(project=project, store=store, files=files)


def to_rdflib_term(term):
    """Convert one Oxigraph term to rdflib; ``xsd:string`` literals become plain literals, as rdflib
    parses them, so that pySHACL compares them as equal."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_rdflib(quads: Iterable[ox.Quad]):
    """Copy quads into one plain in-memory rdflib graph (their union). Terms repeat a lot (classes,
    predicates, shared entities), so each distinct term is converted once."""
    from rdflib import Graph

    graph = Graph()
    cache: dict = {}

    def convert(term):
        found = cache.get(term)
        if found is None:
            found = cache[term] = to_rdflib_term(term)
        return found

    graph.addN((convert(q.subject), convert(q.predicate), convert(q.object), graph) for q in quads)
    return graph
