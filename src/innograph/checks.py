"""Quality checks written as SPARQL: every ``queries/checks/*-violation.rq`` must return no rows.

Each file starts with a comment header::

    # title: Terms used in the data that the ontology does not declare
    # severity: error
    # message: {term} is not declared in the ontology: declare it, or fix its spelling.

and selects one row per problem. ``?graph`` (the named graph, hence the file) and ``?focus`` (the entity)
place the finding in the report, and ``?at``, a literal, moves it to the line that writes that value; any
variable can be named in the message as ``{name}``, and ``{sources}`` is the sources folder as typed from
the project root. A user adds a check by adding a file: no Python to touch.

``# suggest: VAR`` in the header ends the message with "did you mean …?" when ``?VAR`` is an IRI close to
one that exists: a declared ontology term of the same namespace (a case-insensitive match first), an entity
(``id:``, ranked as every command ranks entity names, :class:`innograph.entities.EntityResolver`) or a
vocabulary concept. The names are read only when a check has found something.

The dataset a check sees has one named graph per file of the project, an empty file included: ``GRAPH
<g> {}`` tells whether the file exists.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from innograph.catalog import header_fields
from innograph.errors import InputError
from innograph.namespaces import ID, RDFS, VOCAB, curie
from innograph.report import SEVERITIES, Finding

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_BUILTIN = re.compile(r"\{(sources)\}")


@dataclass(frozen=True)
class Check:
    name: str
    path: Path
    title: str
    severity: str
    message: str
    sparql: str
    suggest: tuple[str, ...] = ()


def parse_check(path: Path, shown_as: str) -> Check:
    text = path.read_text(encoding="utf-8")
    header = {key: value for _line, key, value in header_fields(text)}
    for key in ("title", "severity", "message"):
        if not header.get(key):
            raise InputError(f"check has no '# {key}:' line in its header", path=shown_as, line=1)
    if header["severity"] not in SEVERITIES:
        raise InputError(f"severity must be one of {', '.join(SEVERITIES)}, not {header['severity']!r}", path=shown_as)
    name = path.name.removesuffix(".rq").removesuffix("-violation")
    suggest = tuple(v.lstrip("?") for v in header.get("suggest", "").replace(",", " ").split())
    return Check(name, path, header["title"], header["severity"], header["message"], text, suggest)


def load_checks(directory: Path, relative) -> list[Check]:
    return [parse_check(path, relative(path)) for path in sorted(directory.glob("*-violation.rq"))]


def show(term) -> str:
    """A term as a curator reads it: CURIE for IRIs, the text for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def dataset(kg) -> list[ox.NamedNode] | None:
    """The named graphs a check sees: one per file of the project (on disk now, or loaded), an empty file's
    too, which the store does not hold; None when the store holds a graph for every file (the common case,
    and the faster query)."""
    files = {f.graph for f in kg.files} | {f.graph for f in kg.project.files()}
    stored = {g.value for g in kg.store.named_graphs() if isinstance(g, ox.NamedNode)}
    if files <= stored:
        return None
    return [ox.NamedNode(g) for g in sorted(files | stored)]


_COMPUTE = object()


def run_check(
    kg, check: Check, locate, shown_as: str, suggest: Suggestions | None = None, graphs=_COMPUTE
) -> list[Finding]:
    """Run one check over the knowledge graph; ``locate(graph_iri, focus_iri, literal_text)`` gives (file, line,
    label); ``suggest`` (one per validation run) the "did you mean" of ``# suggest:`` variables; ``graphs``
    the :func:`dataset`, computed once per run."""
    try:
        graphs = dataset(kg) if graphs is _COMPUTE else graphs
        solutions = kg.query(check.sparql, **({"named_graphs": graphs} if graphs is not None else {}))
    except SyntaxError as error:
        raise InputError(f"check is not valid SPARQL: {error}", path=shown_as) from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise InputError("a check must be a SELECT query", path=shown_as)
    names = [v.value for v in solutions.variables]
    builtin = {"sources": sources_folder(kg.project)}
    findings = []
    for row in solutions:
        values = {name: row[name] for name in names}
        graph = values.get("graph")
        focus = values.get("focus")
        at = values.get("at")
        file, line, label = locate(
            graph.value if isinstance(graph, ox.NamedNode) else None,
            focus.value if isinstance(focus, ox.NamedNode) else None,
            at.value if isinstance(at, ox.Literal) else None,
        )
        message = _PLACEHOLDER.sub(lambda m, v=values: _fill(m, v, builtin), check.message)
        # the project's own placeholders, in the template or in a message a check builds
        message = _BUILTIN.sub(lambda m: builtin[m.group(1)], message)
        hints = []
        for name in check.suggest:
            term = values.get(name)
            if isinstance(term, ox.NamedNode):
                suggest = suggest or Suggestions(kg)
                hints += [h for h in suggest(term.value) if h not in hints]
        if hints:
            message = f"{message.rstrip().rstrip('.')}; did you mean {', '.join(hints[:MAX_HINTS])}?"
        findings.append(Finding(file, line, show(focus), check.severity, message, f"check {check.name}", label))
    return findings


def _fill(match: re.Match, values: dict, builtin: dict[str, str]) -> str:
    """A ``{name}`` of the message: the check's variable, else left for the built-in of that name, else ""."""
    name = match.group(1)
    if name not in values and name in builtin:
        return match.group(0)
    return show(values.get(name))


def sources_folder(project) -> str:
    """The sources folder as the user types it from the project root (``../shared/sources``)."""
    try:
        return Path(os.path.relpath(project.sources_dir, project.root)).as_posix()
    except ValueError:  # another drive
        return str(project.sources_dir)


MAX_HINTS = 3
PREFILTER_ABOVE = 2000  # entities or concepts; below, every name is ranked, as the other commands do


def _letter_triples(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)} or {text}


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


class Suggestions:
    """Close names for an IRI that names nothing: shown as a curator writes them (``ig:Observation``,
    ``id:ningbo (Ningbo)``), best first. Everything is read on the first call, so a clean run costs nothing."""

    def __init__(self, kg):
        self.kg = kg
        self._terms: dict[str, list[str]] | None = None
        self._resolver = None
        self._grams: dict[str, dict[str, set[str]]] = {}
        self._found: dict[str, list[str]] = {}  # the same misspelling in many places is ranked once

    def __call__(self, iri: str) -> list[str]:
        if iri not in self._found:
            if iri.startswith(ID):
                self._found[iri] = self._named(iri, "entity")
            elif iri.startswith(VOCAB):
                self._found[iri] = self._named(iri, "concept")
            else:
                self._found[iri] = self._term(iri)
        return self._found[iri]

    # ----- ontology terms: the local name and English label of each declared term of the namespace

    def _term(self, iri: str) -> list[str]:
        namespace, local = _namespace(iri), iri[len(_namespace(iri)) :]
        names = {t: n for t, n in self.terms().items() if _namespace(t) == namespace and t != iri}
        same_case = [t for t in names if t[len(namespace) :].casefold() == local.casefold()]
        if same_case:
            return [curie(t) for t in sorted(same_case)]
        return [curie(t) for t in _term_names(names).suggestions(curie(iri))]

    def terms(self) -> dict[str, list[str]]:
        if self._terms is None:
            label = ox.NamedNode(f"{RDFS}label")
            self._terms = {}
            for term in self.kg.declared():
                namespace = _namespace(term)
                english = [
                    q.object.value
                    for q in self.kg.store.quads_for_pattern(ox.NamedNode(term), label, None, None)
                    if isinstance(q.object, ox.Literal) and q.object.language == "en"
                ]
                self._terms[term] = [term[len(namespace) :], *english[:1]]
        return self._terms

    # ----- entities and concepts: the resolver every command uses

    def _named(self, iri: str, kind: str) -> list[str]:
        if self._resolver is None:
            from innograph.engines import OxigraphEngine
            from innograph.entities import EntityResolver

            self._resolver = EntityResolver(OxigraphEngine(self.kg))
        names = self._resolver.names(kind)
        key = curie(iri)
        if key.startswith("<"):
            key = iri
        same_case = [e for e in names if e.casefold() == iri.casefold() and e != iri]
        if same_case:
            found = same_case
        elif len(names) <= PREFILTER_ABOVE:
            found = [e for e in self._resolver.suggestions(key, kind) if e != iri]
        else:  # a large graph: rank only the names that share enough letter triples with the one typed
            near = self._near(key, kind, names)
            found = [e for e in _term_names(near).suggestions(key) if e != iri]
        if kind == "concept":  # a concept of the same scheme first
            found = [e for e in found if _namespace(e) == _namespace(iri)] or found
        # a label on one line, as every message is
        return [f"{curie(e)} ({' '.join(names[e][0].split())})" if names.get(e) else curie(e) for e in found]

    def _near(self, key: str, kind: str, names: dict[str, list[str]]) -> dict[str, list[str]]:
        """The names sharing at least a third of the letter triples of ``key`` (its local part, folded):
        those the ranking could score as close, found without scoring every name of a large graph."""
        from innograph.entities import fold, shown

        if kind not in self._grams:
            index: dict[str, set[str]] = {}
            for iri, found in names.items():
                for name in {*found, shown(iri).split(":")[-1]}:
                    for gram in _letter_triples(fold(name)):
                        index.setdefault(gram, set()).add(iri)
            self._grams[kind] = index
        grams = _letter_triples(fold(key.split(":", 1)[-1]))
        counts: dict[str, int] = {}
        for gram in grams:
            for iri in self._grams[kind].get(gram, ()):
                counts[iri] = counts.get(iri, 0) + 1
        need = max(1, len(grams) // 3)
        return {iri: names[iri] for iri, n in counts.items() if n >= need}


def _term_names(names: dict[str, list[str]]):
    from innograph.entities import EntityResolver

    class TermNames(EntityResolver):
        """The resolver's ranking, over ontology terms instead of the graph's entities."""

        def names(self, kind: str = "entity") -> dict[str, list[str]]:
            return names

    return TermNames(engine=None)
