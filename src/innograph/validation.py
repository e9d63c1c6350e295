"""Validate the knowledge graph: SHACL shapes, SPARQL checks and source quotes, in one report.

* The SHACL shapes run over one data graph holding the curated graphs, the ontology and the vocabularies,
  so that ``sh:targetClass`` follows the class hierarchy: a shape on ``ig:Organization`` applies to
  ministries. By default they are compiled to SPARQL over the loaded store (:mod:`innograph.shacl`, strict,
  literals as written); ``engine="pyshacl"`` runs pySHACL instead, the reference the tests compare with.
* Every ``queries/checks/*-violation.rq`` must return no rows.
* Every ``ig:quote`` must be found, word for word, in the source article it cites.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from innograph.checks import Suggestions, dataset, load_checks, run_check
from innograph.errors import InputError
from innograph.loader import KnowledgeGraph, to_rdflib
from innograph.namespaces import DCTERMS, IG, RDF, RDFS, SH, SKOS, XSD, curie
from innograph.read_ahead import SHAPES_DATA, ReadAhead
from innograph.report import ERROR, WARNING, Finding, Report

_SEVERITY = {f"{SH}Violation": ERROR, f"{SH}Warning": WARNING, f"{SH}Info": WARNING}


class Locator:
    """Finds, for an entity, the file that defines it, the line it starts on, and its English label."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self._type = ox.NamedNode(f"{RDF}type")

    @cache  # noqa: B019 - one locator per validation run
    def home(self, focus: str) -> str | None:
        """The graph that types the entity, else the first graph (in file order) where it is a subject."""
        subject = ox.NamedNode(focus)
        graphs = {q.graph_name.value for q in self.kg.store.quads_for_pattern(subject, None, None, None)}
        if not graphs:
            return None
        typed = {q.graph_name.value for q in self.kg.store.quads_for_pattern(subject, self._type, None, None)}
        for graph_file in self.kg.files:
            if graph_file.graph in (typed or graphs):
                return graph_file.graph
        return sorted(graphs)[0]

    def __call__(self, graph: str | None, focus: str | None, at: str | None = None) -> tuple[str, int, str]:
        """File, line and label of a finding; ``at``, a literal's text, moves the line to where the file
        writes that literal (after the entity's first line), for a finding about one value."""
        home = graph or (self.home(focus) if focus else None)
        graph_file = self.kg.file_of(home) if home else None
        if graph_file is None:
            return "", 0, self.label(focus) if focus else ""
        shown = self.kg.project.relative(graph_file.path)
        line = self.line_of(graph_file.path, focus) if focus else 0
        if at is not None:
            line = self.line_of_literal(graph_file.path, at, line) or line
        return shown, line, self.label(focus) if focus else ""

    @cache  # noqa: B019 - one locator per validation run
    def label(self, iri: str) -> str:
        for predicate in (f"{RDFS}label", f"{SKOS}prefLabel"):
            for quad in self.kg.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None, None):
                if isinstance(quad.object, ox.Literal) and quad.object.language == "en":
                    return quad.object.value
        return ""

    @cache  # noqa: B019
    def _lines(self, path: Path) -> list[str]:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        # lines as a Turtle parser counts them: str.splitlines would also break at U+0085, U+2028 and
        # other characters that a literal may hold
        return [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]

    def line_of(self, path: Path, iri: str) -> int:
        """The first line where the entity starts a statement (or, failing that, appears at all)."""
        names = [f"<{iri}>", curie(iri)]
        lines = self._lines(path)
        for number, text in enumerate(lines, start=1):
            if any(text.startswith(name) and text[len(name) : len(name) + 1] in ("", " ", "\t") for name in names):
                return number
        for number, text in enumerate(lines, start=1):
            if any(re.search(rf"(^|[\s(\[,;]){re.escape(name)}($|[\s)\],;.])", text) for name in names):
                return number
        return 0

    def line_of_literal(self, path: Path, value: str, start: int = 0) -> int:
        """The first line, from ``start`` on (else from the top), that writes a string literal with this
        text (escapes such as \\u001B or \\" read as the characters they stand for); 0 if none does."""
        first, *rest = value.split("\n")
        needles = ('"' + first, "'" + first) if rest else ('"' + first + '"', "'" + first + "'")
        lines = self._lines(path)
        for number in [*range(max(start, 1), len(lines) + 1), *range(1, max(start, 1))]:
            text = _unescape(lines[number - 1])
            if any(needle in text for needle in needles):
                return number
        return 0


_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[tbnrf\"'\\])")
_SIMPLE_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    """A line of Turtle with its string escapes replaced by the characters they stand for."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _SIMPLE_ESCAPES.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), text)


PARALLEL_MIN_TRIPLES = 50_000  # pySHACL: below this, one process is faster than two
SPLIT_MIN_TRIPLES = 50_000  # the shapes beside the other rules: below this, one process is faster


def _results(data, shapes, use_shapes=None) -> list[tuple[str | None, str, str, str]]:
    """Run pySHACL; each result as (focus IRI or None, message, rule, severity), all plain strings."""
    import pyshacl
    from rdflib import Namespace, URIRef

    sh = Namespace(SH)
    _conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        use_shapes=use_shapes,
    )
    out = []
    for result in results.subjects(URIRef(f"{RDF}type"), sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        value = results.value(result, sh.value)
        messages = sorted(str(m) for m in results.objects(result, sh.resultMessage))
        component = results.value(result, sh.sourceConstraintComponent)
        severity = _SEVERITY.get(str(results.value(result, sh.resultSeverity)), ERROR)
        message = _english(messages) or "does not conform"
        if path is not None and isinstance(path, URIRef):
            prefix = curie(str(path))
            if value is not None and value != focus:
                prefix += f" = {_show_value(value)}"
            message = f"{prefix}: {message}"
        rule = f"shape {_shape_name(shapes, results.value(result, sh.sourceShape))}, "
        rule += curie(str(component)).replace("sh:", "")
        out.append((str(focus) if isinstance(focus, URIRef) else None, message, rule, severity))
    return out


def _partition(kg: KnowledgeGraph, shapes) -> list[list[str]]:
    """Node shapes in two groups of about equal work (instances of the target class and its subclasses,
    times the shape's property shapes), for two processes."""
    from rdflib import URIRef

    targets = [(str(s), str(c)) for s, c in shapes.subject_objects(URIRef(f"{SH}targetClass"))]
    work = {}
    for shape, cls in targets:
        count = next(iter(kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e a/<{RDFS}subClassOf>* <{cls}> }}")))["n"].value
        properties = len(list(shapes.objects(URIRef(shape), URIRef(f"{SH}property"))))
        work[shape] = work.get(shape, 0) + int(count) * (1 + properties)
    groups: list[list[str]] = [[], []]
    loads = [0, 0]
    for shape in sorted(work, key=lambda s: -work[s]):
        lighter = loads.index(min(loads))
        groups[lighter].append(shape)
        loads[lighter] += work[shape]
    return [g for g in groups if g]


ENGINES = ("oxigraph", "pyshacl")


def shacl_findings(
    kg: KnowledgeGraph,
    locate: Locator,
    engine: str = "oxigraph",
    parallel: bool | None = None,
    ahead: ReadAhead | None = None,
) -> list[Finding]:
    """The shapes checked over one data graph: the curated graphs, ontology and vocabularies (so that
    sh:targetClass and sh:class follow rdfs:subClassOf with no inference run). ``oxigraph``: the shapes
    compiled to SPARQL over the loaded store (:mod:`innograph.shacl`), literals read as the files write
    them; ``pyshacl``: pySHACL over an rdflib copy, the reference it is tested against."""
    if engine == "pyshacl":
        return _pyshacl_findings(kg, locate)
    if engine != "oxigraph":
        raise InputError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    return _oxigraph_findings(kg, locate, parallel, ahead)


def shacl_results(kg: KnowledgeGraph, parallel: bool | None = None, ahead: ReadAhead | None = None):
    """The shapes' results over the loaded graph by the compiled engine (:mod:`innograph.shacl`), literals
    read as the files write them; with the shapes read and the literals the store rewrites. The data graph
    is the union of the graphs but the shapes, which are set aside while the queries run (a store on disk
    opened read-only is copied into memory first). ``ahead``: the files' text, if read already
    (:mod:`innograph.read_ahead`)."""
    from innograph.shacl import ShapesGraph, validate_store
    from innograph.shacl.written import encoded_in, rewritten_in

    shapes_files = kg.graphs("shapes")
    try:
        shapes = ShapesGraph(t for f in shapes_files for t in _parse_turtle(f.path))
    except InputError as error:  # name the file: the shapes are what the curator must fix
        shown = kg.project.relative(shapes_files[0].path) if shapes_files else None
        raise InputError(str(error.args[0]), path=shown) from None
    ahead = ahead if ahead is not None else ReadAhead()
    data = kg.graphs(*SHAPES_DATA)
    store = kg.store if _writable(kg.store) else _copy(kg.store)
    found, kept = [], set()
    for graph_file in data:
        text = ahead.written_text(graph_file.path)
        more, also = rewritten_in(graph_file.path, ox.NamedNode(graph_file.graph), store, text)
        found += more
        kept |= also
    data_graphs = {f.graph for f in data}
    others = [ox.NamedNode(f.graph) for f in kg.files if f.graph not in data_graphs]
    with encoded_in(store, found, kept), _set_aside(store, others):
        results = validate_store(store, shapes, union=True, encoded=bool(found), parallel=parallel)
    return results, shapes, found


def _oxigraph_findings(
    kg: KnowledgeGraph, locate: Locator, parallel: bool | None = None, ahead: ReadAhead | None = None
) -> list[Finding]:
    results, shapes, found = shacl_results(kg, parallel, ahead)
    findings = []
    for result in results:
        message = _english([m.value for m in result.messages if m.language in (None, "en")])
        message = message or _default_message(result.component)
        if isinstance(result.path, ox.NamedNode):
            prefix = curie(result.path.value)
            if result.value is not None and result.value != result.focus:
                prefix += f" = {_show_term(result.value)}"
            message = f"{prefix}: {message}"
        rule = f"shape {_ox_shape_name(shapes, result.shape)}, {curie(result.component).replace('sh:', '')}"
        focus = result.focus.value if isinstance(result.focus, ox.NamedNode) else None
        file, line, label = locate(None, focus)
        severity = _SEVERITY.get(result.severity, ERROR)
        findings.append(Finding(file, line, curie(focus) if focus else "", severity, message, rule, label))
    for item in found:
        if item.stored.datatype == item.written.datatype:
            continue  # only the lexical form changes ("45.0" is read as "45"): same value, same datatype
        focus = item.subject.value if isinstance(item.subject, ox.NamedNode) else None
        file, line, label = locate(item.graph.value, focus, item.written.value)
        message = (
            f"{curie(item.predicate.value)} = {_show_term(item.written)}: the store keeps this literal as "
            f"{_show_term(item.stored)}, so queries see {curie(item.stored.datatype.value)}, not "
            f"{curie(item.written.datatype.value)} (validation reads it as written)"
        )
        findings.append(Finding(file, line, curie(focus) if focus else "", WARNING, message, "literals", label))
    return findings


_PROBE = ox.NamedNode("urn:innograph:writable-probe")


def _writable(store: ox.Store) -> bool:
    """Whether the store can be changed (a store on disk opened read-only cannot)."""
    try:
        store.add_graph(_PROBE)
        store.remove_graph(_PROBE)
    except (RuntimeError, OSError):
        return False
    return True


def _copy(store: ox.Store) -> ox.Store:
    """An in-memory copy of a read-only store, for validation to set the shapes aside in."""
    copy = ox.Store()
    copy.bulk_extend(store.quads_for_pattern(None, None, None, None))
    return copy


@contextmanager
def _set_aside(store: ox.Store, graphs: list[ox.NamedNode]):
    """Within the block, the store without these graphs (the shapes: the data graph is the union of the
    others); afterwards, with them again."""
    kept = [q for g in graphs for q in store.quads_for_pattern(None, None, None, g)]
    for graph in graphs:
        store.remove_graph(graph)
    try:
        yield
    finally:
        store.extend(kept)
        for graph in graphs:
            store.add_graph(graph)


def _parse_turtle(path: Path):
    from innograph.loader import BOM

    data = path.read_bytes()
    return ox.parse(data.removeprefix(BOM), format=ox.RdfFormat.TURTLE)


_DEFAULT_MESSAGES = {
    "Class": "a value is not an instance of the class the shape requires",
    "Datatype": "a value does not have the datatype the shape requires",
    "NodeKind": "a value is not of the node kind the shape requires",
    "MinCount": "fewer values than the shape requires",
    "MaxCount": "more values than the shape allows",
    "HasValue": "the value the shape requires is missing",
    "In": "a value is not one of those the shape allows",
    "Pattern": "a value does not match the shape's pattern",
    "LanguageIn": "a value's language is not one the shape allows",
    "UniqueLang": "two values share a language",
    "LessThanOrEquals": "a value is greater than the one it must not exceed",
    "Node": "a value does not conform to the shape it must have",
    "Not": "a value conforms to a shape it must not have",
    "Or": "a value conforms to none of the shapes of sh:or",
    "QualifiedMinCount": "too few values conform to the qualified shape",
}


def _default_message(component: str) -> str:
    name = component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return _DEFAULT_MESSAGES.get(name, f"does not conform ({name})")


def _show_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        if term.language or term.datatype.value == f"{XSD}string":
            return repr(term.value)
        return f"{term.value!r}^^{curie(term.datatype.value)}"
    return str(term)


def _ox_shape_name(shapes, shape) -> str:
    """Name a shape for the report; an anonymous property shape by the node shape that holds it."""
    if isinstance(shape, ox.NamedNode):
        return curie(shape.value)
    for parent in shapes.subjects(f"{SH}property", shape):
        if isinstance(parent, ox.NamedNode):
            return curie(parent.value)
    return "an anonymous shape"


def _pyshacl_findings(kg: KnowledgeGraph, locate: Locator) -> list[Finding]:
    """pySHACL over one graph holding data, ontology and vocabularies. On a large graph the shapes are split
    between two processes (the second forked, sharing the graph), which halves the wall time on two cores."""
    from innograph import forked

    data = to_rdflib(kg.quads("sources", "reference", "source", "ontology", "vocab"))
    shapes = to_rdflib(kg.quads("shapes"))
    groups = _partition(kg, shapes) if len(data) >= PARALLEL_MIN_TRIPLES else []
    if len(groups) == 2:
        second = forked.start(lambda: _results(data, shapes, groups[1]))
        raw = _results(data, shapes, groups[0]) + second()
    else:
        raw = _results(data, shapes)
    findings = []
    for focus_iri, message, rule, severity in raw:
        file, line, label = locate(None, focus_iri)
        findings.append(Finding(file, line, curie(focus_iri) if focus_iri else "", severity, message, rule, label))
    return findings


def _shape_name(shapes, shape) -> str:
    """Name a shape for the report; an anonymous property shape by the node shape that holds it."""
    from rdflib import Namespace, URIRef

    sh = Namespace(SH)
    if isinstance(shape, URIRef):
        return curie(str(shape))
    for parent in shapes.subjects(sh.property, shape):
        if isinstance(parent, URIRef):
            return curie(str(parent))
    return "an anonymous shape"


def _english(messages: list[str]) -> str:
    return messages[0] if messages else ""


def _show_value(value) -> str:
    from rdflib import Literal, URIRef

    if isinstance(value, URIRef):
        return curie(str(value))
    if isinstance(value, Literal):
        return repr(str(value)) if value.datatype is None else f"{str(value)!r}^^{curie(str(value.datatype))}"
    return str(value)


def normalise_text(text: str) -> str:
    """Compare quotes as a reader would: same characters, any run of white space as one space."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())  # str.split's white space is the same as the \s of a str pattern


_EDGE_PUNCTUATION = re.compile(r"^[^\w%]+|[^\w%]+$")
CONTEXT_WORDS = 4  # equal words kept before the first difference and after the last
RUN_WORDS = 3  # an equal run between two differences longer than twice this is cut to its ends
MAX_DIFFERENCES = 5
COMMON_TRIGRAM = 50  # an n-gram found more often than this votes only when the quote has no rarer one


def _vote(votes, postings: list) -> None:
    """Each n-gram of the quote found at article word p, from quote word i, votes for the quote starting at
    p - i. One found more than COMMON_TRIGRAM times ("of the city", "the") votes only if nothing rarer does:
    it says little about where the quote is, and would cost a vote per occurrence."""
    rare = any(0 < len(positions) <= COMMON_TRIGRAM for positions in postings)
    for i, positions in enumerate(postings):
        if not rare or len(positions) <= COMMON_TRIGRAM:
            for position in positions:
                votes[position - i] += 1


def _key(word: str) -> str:
    """A word as the search compares it: case and the punctuation around it aside."""
    return _EDGE_PUNCTUATION.sub("", word.casefold()) or word.casefold()


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Passages:
    """One article's words, indexed by word trigrams (and single words) once, to find the passage nearest to a
    quote that is not in it: votes for where the quote would start, then an alignment of the best few
    places. Words are those of the text as the quote check normalises it."""

    def __init__(self, text: str):
        self.words = text.split(" ") if text else []
        self.keys = [_key(w) for w in self.words]
        self.trigrams: dict[tuple[str, str, str], list[int]] = {}
        self.unigrams: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            self.unigrams.setdefault(key, []).append(i)
            if i + 2 < len(self.keys):
                self.trigrams.setdefault((key, self.keys[i + 1], self.keys[i + 2]), []).append(i)

    def nearest(self, quote: str) -> tuple[int, int] | None:
        """The span of words (start, end) of the article nearest to the quote, or None if none is close."""
        from collections import Counter

        keys = [_key(w) for w in normalise_text(quote).split(" ") if w]
        if not keys or not self.keys:
            return None
        votes: Counter[int] = Counter()
        trigrams = [self.trigrams.get((keys[i], keys[i + 1], keys[i + 2]), ()) for i in range(len(keys) - 2)]
        _vote(votes, trigrams)
        if not votes:  # a short quote, or one with no three words in a row right: single words vote
            _vote(votes, [self.unigrams.get(key, ()) for key in keys])
        best: tuple[float, int, int] | None = None
        ranked = votes.most_common(5)
        for offset, _ in (c for c in ranked if c[1] * 2 >= ranked[0][1]):  # the places most words agree on
            low, high = max(0, offset - len(keys)), min(len(self.keys), offset + 2 * len(keys))
            found = self._span(keys, low, high)
            # once more within the span found: a stray match the first alignment took (the "its" of a later
            # sentence) no longer hides the right one
            found = found and max(found, self._span(keys, found[1], found[2]) or found)
            if found and (best is None or found[0] > best[0]):
                best = found
        if best is None or best[0] < 0.5:
            return None
        return best[1], best[2]

    def _span(self, keys: list[str], low: int, high: int) -> tuple[float, int, int] | None:
        """The best (score, start, end) between words ``low`` and ``high``: every run of consecutive matching
        blocks of the alignment is a candidate, grown to cover the quote's unmatched words at either end and
        scored by the words it matches against its length and the quote's (1.0: the same words)."""
        import difflib

        matcher = difflib.SequenceMatcher(None, keys, self.keys[low:high], autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        best = None
        for i, first in enumerate(blocks):
            matched = 0
            for last in blocks[i:]:
                matched += last.size
                start = max(low, low + first.b - first.a)
                end = min(high, low + last.b + len(keys) - last.a)
                score = 2 * matched / (len(keys) + end - start)
                if best is None or score > best[0]:
                    best = (score, start, end)
        return best

    def explain(self, quote: str) -> str:
        """``nearest passage: "…lists [supportive] measures in [10] areas…" (quote has [supporting], [12])``:
        the article's words, each difference in brackets (``[]`` where one side has nothing), and what the
        quote has at each; or the quote itself when no passage is close."""
        import difflib

        span = self.nearest(quote)
        if span is None:
            return f"no passage of the article is close to {_short(normalise_text(quote))!r}"
        start, end = span
        said = self.words[start:end]
        quoted = [w for w in normalise_text(quote).split(" ") if w]
        # a quote may begin or end inside a word of the article ("2.8%" of "2.8%,"): those edges are equal
        compared = list(said)
        if compared[0] != quoted[0] and compared[0].endswith(quoted[0]):
            compared[0] = quoted[0]
        if compared[-1] != quoted[-1] and compared[-1].startswith(quoted[-1]):
            compared[-1] = quoted[-1]
        opcodes = difflib.SequenceMatcher(None, quoted, compared, autojunk=False).get_opcodes()
        if all(op[0] == "equal" for op in opcodes):  # what differs is inside the words (spacing, a cut word)
            return f"nearest passage: {_short(' '.join(said))!r}, quoted {_short(normalise_text(quote))!r}"
        said = compared  # the edge words as far as the quote goes
        parts: list[str] = []
        quote_has: list[str] = []
        cut_before = start > 0
        cut_after = end < len(self.words)
        for index, (tag, q1, q2, a1, a2) in enumerate(opcodes):
            if tag != "equal":
                parts.append(f"[{' '.join(said[a1:a2])}]")
                quote_has.append(f"[{' '.join(quoted[q1:q2])}]")
                continue
            run = said[a1:a2]
            if index == 0:
                cut_before = cut_before or len(run) > CONTEXT_WORDS
                run = run[-CONTEXT_WORDS:]
            elif index == len(opcodes) - 1:
                cut_after = cut_after or len(run) > CONTEXT_WORDS
                run = run[:CONTEXT_WORDS]
            elif len(run) > 2 * RUN_WORDS:
                run = [*run[:RUN_WORDS], "…", *run[-RUN_WORDS:]]
            parts.append(" ".join(run))
        passage = ("…" if cut_before else "") + " ".join(parts) + ("…" if cut_after else "")
        more = ", …" if len(quote_has) > MAX_DIFFERENCES else ""
        return f'nearest passage: "{passage}" (quote has {", ".join(quote_has[:MAX_DIFFERENCES])}{more})'


def source_findings(kg: KnowledgeGraph, locate: Locator, ahead: ReadAhead | None = None) -> list[Finding]:
    """Each source record names a file that exists; each quote is found verbatim in the file it cites.
    ``ahead``: the articles' text, if read already (:mod:`innograph.read_ahead`)."""
    ahead = ahead if ahead is not None else ReadAhead()
    findings: list[Finding] = []
    sources_dir = kg.project.sources_dir
    if not sources_dir.is_dir():
        return [
            Finding("", 0, "", WARNING, f"sources folder {sources_dir} not found: quotes were not checked", "sources")
        ]
    texts: dict[str, str | None] = {}
    for row in kg.query(f"SELECT ?source ?file WHERE {{ ?source <{IG}fileName> ?file }}"):
        name = row["file"].value
        path = sources_dir / name
        problem = None
        if path.is_file():
            article = ahead.article(path)
            texts[row["source"].value] = article.text
            if article.undecodable is not None:
                problem = f"names file {name}, which is not UTF-8 text (byte {article.undecodable}): save it as UTF-8"
        else:
            problem = f"names file {name}, which is not in {sources_dir}"
        if problem:
            texts[row["source"].value] = None
            file, line, label = locate(None, row["source"].value)
            findings.append(Finding(file, line, curie(row["source"].value), ERROR, problem, "sources", label))
    # each (source, quote) pair is tested once; only a pair that fails is then looked for, statement by
    # statement, which on a clean graph is never done
    pairs = f"""
        SELECT DISTINCT ?source ?quote WHERE {{
            ?focus <{IG}quote> ?quote
            OPTIONAL {{ ?focus <{DCTERMS}source> ?source }}
        }}"""
    problems: dict[tuple[str, str], str] = {}
    passages: dict[str, Passages] = {}  # an article's words are indexed once, and only if a quote fails
    for source, quote in kg.query(pairs):
        if source is None:
            continue  # the shapes report a quote without a source
        text = texts.get(source.value)
        if source.value not in texts:
            problem = f"cites {curie(source.value)}, which is not a source article"
        elif text is not None and normalise_text(quote.value) not in text:
            if source.value not in passages:
                passages[source.value] = Passages(text)
            explained = passages[source.value].explain(quote.value)
            problem = f"quote not found word for word in {curie(source.value)}: {explained}"
        else:
            continue
        problems[source.value, quote.value] = problem
    if not problems:
        return findings
    query = f"""
        SELECT ?graph ?focus ?source ?quote WHERE {{
            GRAPH ?graph {{ ?focus <{IG}quote> ?quote }}
            OPTIONAL {{ ?focus <{DCTERMS}source> ?source }}
        }}"""
    for graph, focus, source, quote in kg.query(query):
        problem = problems.get((source.value, quote.value)) if source is not None else None
        if problem is not None:
            file, line, label = locate(graph.value, focus.value)
            findings.append(Finding(file, line, curie(focus.value), ERROR, problem, "quotes", label))
    return findings


def name_findings(kg: KnowledgeGraph, locate: Locator, ahead: ReadAhead | None = None) -> list[Finding]:
    """Alternative names have provenance: an English ``skos:altLabel`` in an article's graph occurs in that
    article (as a whole word, case and white space aside), and one that an article uses is not kept in a
    reference graph instead of that article's graph. (Chinese names, which the English articles do not
    use, are established names and may stay with the entity's identity.) ``ahead``: the articles' text,
    if read already (:mod:`innograph.read_ahead`)."""
    ahead = ahead if ahead is not None else ReadAhead()
    sources_dir = kg.project.sources_dir
    if not sources_dir.is_dir():
        return []
    texts = {}
    for graph_file in kg.graphs("source"):
        path = sources_dir / f"{graph_file.stem}.txt"
        if path.is_file():
            texts[graph_file.graph] = ahead.article(path).text
    findings = []
    alt = ox.NamedNode(f"{SKOS}altLabel")
    for graph_file in kg.graphs("source", "reference", "sources"):
        for quad in kg.store.quads_for_pattern(None, alt, None, ox.NamedNode(graph_file.graph)):
            name = quad.object
            if not isinstance(name, ox.Literal) or name.language not in (None, "en"):
                continue
            pattern = re.compile(rf"(?<!\w){re.escape(normalise_text(name.value))}(?!\w)", re.IGNORECASE)
            users = [kg.file_of(g).stem for g, text in texts.items() if pattern.search(text)]
            if graph_file.kind == "source":
                if graph_file.graph not in texts or pattern.search(texts[graph_file.graph]):
                    continue
                where = f"; it is in {', '.join(users)}: move it to that graph" if users else "; remove it"
                problem = f"alternative name {name.value!r} does not occur in this article{where}"
            elif users:
                problem = (
                    f"alternative name {name.value!r} is used by {', '.join(users)}: an article's names belong "
                    "in that article's graph (kg/<stem>.ttl), not here"
                )
            else:
                continue
            file, line, label = locate(graph_file.graph, quad.subject.value)
            findings.append(Finding(file, line, curie(quad.subject.value), ERROR, problem, "names", label))
    findings += _person_names(kg, texts, locate)
    return findings


def _person_names(kg: KnowledgeGraph, texts: dict[str, str], locate: Locator) -> list[Finding]:
    """A person's name in Chinese (or any language but English) is never made up: transliterating
    "Huang Zhiming" back into characters guesses among many. It stays only where an article prints it."""
    findings = []
    is_a, person = ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{IG}Person")
    for predicate in (ox.NamedNode(f"{RDFS}label"), ox.NamedNode(f"{SKOS}altLabel")):
        for quad in kg.store.quads_for_pattern(None, predicate, None, None):
            name = quad.object
            if not isinstance(name, ox.Literal) or name.language in (None, "en"):
                continue
            if not any(True for _ in kg.store.quads_for_pattern(quad.subject, is_a, person, None)):
                continue
            if any(normalise_text(name.value) in text for text in texts.values()):
                continue
            file, line, label = locate(quad.graph_name.value, quad.subject.value)
            problem = (
                f"the {name.language} name {name.value!r} of a person occurs in no article: a person's name "
                "in another script is kept only where an article prints it; remove it"
            )
            findings.append(Finding(file, line, curie(quad.subject.value), ERROR, problem, "names", label))
    return findings


_IG_TERM = re.compile(r"(?<![\w<])ig:([A-Za-z_][\w-]*)|<https://w3id\.org/innograph/ontology#([A-Za-z_][\w-]*)>")


def query_findings(kg: KnowledgeGraph) -> list[Finding]:
    """Every innograph term a query under queries/ names is declared in the ontology."""
    root = kg.project.queries_dir
    if not root.is_dir():
        return []
    declared = kg.declared()
    findings = []
    for path in sorted(root.rglob("*.rq")):
        shown = kg.project.relative(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
            for match in _IG_TERM.finditer(code):
                local = match.group(1) or match.group(2)
                if f"{IG}{local}" not in declared:
                    findings.append(
                        Finding(
                            shown,
                            number,
                            f"ig:{local}",
                            ERROR,
                            f"the query uses ig:{local}, which the ontology does not declare",
                            "queries",
                        )
                    )
    return findings


def validate(kg: KnowledgeGraph, engine: str = "oxigraph", ahead: ReadAhead | None = None) -> Report:
    """Run every rule over a loaded knowledge graph and gather the findings; ``engine`` checks the shapes
    (see :func:`shacl_findings`). On a large graph two processes share the work: a forked second one
    checks the shapes, and both take the other rules (each SPARQL check, the quotes, the names, the
    queries) from one list, each the next one left, until none is; the report is the same. ``ahead``:
    the files' text, if read already (:mod:`innograph.read_ahead`); else each is read once, when needed."""
    from innograph import forked

    ahead = ahead if ahead is not None else ReadAhead()
    locate = Locator(kg)
    project = kg.project
    checks = load_checks(project.checks_dir, lambda p: project.relative(p)) if project.checks_dir.is_dir() else []
    suggest, graphs = Suggestions(kg), dataset(kg)
    # in the report's order (after the shapes): the SPARQL checks, the quotes, the names, the queries
    rules = [
        *(
            lambda check=check: run_check(kg, check, locate, project.relative(check.path), suggest, graphs)
            for check in checks
        ),
        lambda: source_findings(kg, locate, ahead),
        lambda: name_findings(kg, locate, ahead),
        lambda: query_findings(kg),
    ]
    split = len(kg) >= SPLIT_MIN_TRIPLES and engine == "oxigraph"
    turns = forked.Turns(len(rules), shared=split)

    def take_rules() -> dict[int, list[Finding]]:
        return turns.run(lambda i: rules[i]())

    def second() -> tuple[list[Finding], dict[int, list[Finding]]]:
        return shacl_findings(kg, locate, engine, parallel=False if split else None, ahead=ahead), take_rules()

    second_done = forked.start(second, enabled=split)
    done = take_rules()
    shape_findings, more = second_done()
    done.update(more)
    for i in range(len(rules)):  # a rule taken by a second process that died before it answered
        if i not in done:
            done[i] = rules[i]()
    findings = shape_findings + [f for i in range(len(rules)) for f in done[i]]
    checked = {"triples": len(kg), "files": len(kg.files), "checks": len(checks)}
    return Report(findings=findings, checked=checked)
