"""Canonical Turtle for every file in ``ontology/`` and ``kg/``, so that diffs stay small.

The canonical form is rdflib's ``longturtle`` (prefixes and subjects sorted, one predicate per line,
objects sorted, blank nodes and lists laid out deterministically) with trailing white space removed and
the file's leading comment block kept. Comments elsewhere in a file are not kept: notes that must
survive belong in ``ig:curatorNote`` or ``rdfs:comment``.

Line endings are LF, the file ends with one newline and has no byte-order mark: CRLF, a BOM or a missing
final newline make a file not canonical. A file is only ever replaced by a version that parses back to an
isomorphic graph (no triple lost or changed), written to a temporary file and renamed; a file that cannot
be parsed is left as it is.

A source record's ``ig:citation`` is written here too: ``fmt`` sets it to the text that the record's title,
outlet and date make (:mod:`innograph.citations`), reading the outlet's name from the project's other files,
so that a record whose citation is missing or out of date is not canonical either.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from innograph.atomic import write_text
from innograph.errors import InputError


@dataclass(frozen=True)
class Outcome:
    path: Path
    shown: str
    changed: bool
    cited: tuple[str, ...] = ()  # the sources whose ig:citation was (or would be) written


class CitationContext:
    """The project's ``kg/`` files, read once and only when a file holds a source record: where the outlet
    of a source and the outlet's name are written (an article's own graph, or a reference file)."""

    def __init__(self, root: Path | None):
        self.root = root
        self._quads: dict[Path, list] | None = None

    def _read(self) -> dict[Path, list]:
        import pyoxigraph as ox

        if self._quads is None:
            self._quads = {}
            files = sorted((self.root / "kg").rglob("*.ttl")) if self.root is not None else []
            for path in files:
                try:
                    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
                    self._quads[path.resolve()] = list(ox.parse(text, format=ox.RdfFormat.TURTLE))
                except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                    continue  # a file that does not parse gets its own error when it is formatted
        return self._quads

    def citations(self, graph, path: Path | None):
        """A :class:`~innograph.citations.Citations` over the other files and ``graph`` (rdflib's, of the
        file at ``path`` as it is being formatted)."""
        import pyoxigraph as ox

        from innograph.citations import Citations

        store = ox.Store()
        this = path.resolve() if path is not None else None
        store.extend(q for p, quads in self._read().items() if p != this for q in quads)
        store.extend(ox.Quad(*(_oxigraph_term(term) for term in triple)) for triple in graph)
        return Citations(store)


def _oxigraph_term(term):
    """An rdflib term as pyoxigraph's."""
    import pyoxigraph as ox
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def refresh_citations(graph, path: Path | None, context: CitationContext) -> list[str]:
    """Set each source record's ``ig:citation`` in ``graph`` (the file at ``path``) to the text its title,
    outlet and date make; the sources whose citation changed."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF

    from innograph.namespaces import IG

    sources = sorted(set(graph.subjects(RDF.type, URIRef(f"{IG}SourceArticle"))))
    if not sources:
        return []
    cite = context.citations(graph, path)
    citation = URIRef(f"{IG}citation")
    changed = []
    for source in sources:
        expected = cite.expected(str(source))
        if expected is None:
            continue  # no title: the shapes say so, and there is nothing to cite
        wanted = Literal(expected, lang="en")
        if set(graph.objects(source, citation)) != {wanted}:
            graph.remove((source, citation, None))
            graph.add((source, citation, wanted))
            changed.append(str(source))
    return changed


_LONE_CR = re.compile(r"\r(?!\n)")


def _header(text: str) -> str:
    """The comment lines (and blank lines between them) that open the file."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line.rstrip())
            continue
        break
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n\n" if lines else ""


_LEAD = "cannot be formatted, it does not parse"
_RDFLIB_LINE = re.compile(r"at line (\d+)")


def _parse(text: str, shown: str):
    from rdflib import Graph

    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as error:
        # rdflib accepts little that Oxigraph refuses (that is checked first), so this is rare: rdflib's own
        # message, with its line counted from 1 as everywhere else
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        match = _RDFLIB_LINE.search(str(error))
        line = int(match.group(1)) if match else None
        raise InputError(f"{_LEAD}: {message}", path=shown, line=line) from None
    return graph


def check_parses(text: str, shown: str) -> None:
    """Raise the error ``innograph validate`` would give for this text (same parser, same line and column),
    worded for fmt; a byte-order mark alone is no error here, since fmt removes it."""
    from innograph.loader import BOM_MESSAGE, turtle_error

    error = turtle_error(text, shown, lead=_LEAD)
    if error is not None and not str(error).endswith(BOM_MESSAGE):
        raise error


def normalise_text(text: str) -> str:
    """The text without a byte-order mark, with LF line endings and one final newline."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n" if text.strip() else ""


def canonical(text: str, shown: str, context: CitationContext | None = None, path: Path | None = None) -> str:
    """The canonical text of a Turtle document; raises if it does not parse or would lose a triple. With a
    ``context`` (the project's other files), source records get their ``ig:citation`` written."""
    return _canonical(text, shown, context, path)[0]


def _canonical(text: str, shown: str, context: CitationContext | None, path: Path | None) -> tuple[str, list[str]]:
    from rdflib.compare import isomorphic

    # One parser for errors everywhere: a file that does not load is refused here with the line and column
    # that validate, stats and query give.
    check_parses(text, shown)
    # Line endings as written, so that a multi-line literal keeps its CRLF; but a lone CR (old Mac files),
    # which rdflib does not read as a line end, becomes LF.
    text = _LONE_CR.sub("\n", text.removeprefix("\ufeff"))
    graph = _parse(text, shown)
    cited = refresh_citations(graph, path, context) if context is not None else []
    if len(graph) == 0:
        return normalise_text(text), cited  # a file with no statements yet (a fresh scaffold) keeps its prefixes
    out = io.BytesIO()
    _canonical_blank_nodes(graph).serialize(out, format="longturtle", encoding="utf-8")
    body = "\n".join(line.rstrip() for line in out.getvalue().decode("utf-8").split("\n")).strip() + "\n"
    result = _header(text) + body
    if not isomorphic(graph, _parse(result, shown)):
        raise InputError("formatting would change its triples; left as it is", path=shown)
    return result, cited


def _canonical_blank_nodes(graph):
    """The graph with its blank nodes named from their content (RDF canonicalisation): longturtle orders
    blank nodes by their names, which a parser hands out in reading order, so without this the order of,
    say, a shape's property shapes depends on the order they were read in, and formatting a formatted file
    could reorder them again."""
    from rdflib import BNode, Graph
    from rdflib.compare import to_canonical_graph

    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    canonical_graph = Graph()
    for prefix, namespace in graph.namespaces():
        canonical_graph.bind(prefix, namespace, override=True)
    for triple in to_canonical_graph(graph):
        canonical_graph.add(triple)
    return canonical_graph


def read_exactly(path: Path, shown: str) -> str:
    """The file's text as it is on disk: line endings and a byte-order mark kept (``read_text`` would turn
    CRLF into LF and hide it from the comparison with the canonical text)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", path=shown) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise InputError(
            f"is not UTF-8 text (byte 0x{byte:02x} at offset {error.start}); save it as UTF-8", path=shown
        ) from None


def turtle_files(root: Path) -> list[Path]:
    return sorted(p for folder in ("ontology", "kg") for p in (root / folder).rglob("*.ttl"))


def format_files(paths: list[Path], relative, check: bool, context: CitationContext | None = None) -> list[Outcome]:
    """Format (or, with ``check``, only compare) each file; files already canonical are not rewritten.
    With a ``context``, source records get their ``ig:citation`` written too."""
    outcomes = []
    for path in paths:
        shown = relative(path)
        text = read_exactly(path, shown)
        result, cited = _canonical(text, shown, context, path)
        changed = result != text
        if changed and not check:
            write_text(path, result)
        outcomes.append(Outcome(path, shown, changed, tuple(cited)))
    return outcomes
