"""Differential testing of SHACL engines: each engine's validation results in one comparable form, and the W3C
SHACL core test cases vendored in tests/fixtures/w3c-shacl/ (see its README.md).

A result is a :data:`Result`, a 6-tuple of strings ``(focus, path, value, component, shape, severity)``, each an
N-Triples term written as Oxigraph writes one (``str(pyoxigraph term)``):

* an IRI is ``<iri>``;
* a literal is ``"lex"`` (xsd:string), ``"lex"@lang`` (the language tag in lower case, as RDF 1.1 allows and
  Oxigraph does) or ``"lex"^^<datatype>``. The lexical form is kept EXACTLY as written: ``"05"^^xsd:integer``,
  ``"300"^^xsd:byte`` and ``"1.0"^^xsd:decimal`` stay so. It is escaped as in canonical N-Triples: ``\\\\``,
  ``\\"``, ``\\n``, ``\\r``, ``\\t``, ``\\b``, ``\\f`` and ``\\u00XX`` for the other control characters;
* a blank node is ``_:`` (labels differ between engines), and so is a result path that is not a single IRI
  (an inverse, sequence or alternative path), and a source shape that is a blank node;
* a missing value or path is ``""``.

A report is read through Oxigraph, never through rdflib's Turtle parser: rdflib rewrites lexical forms
(``"05"^^xsd:positiveInteger`` becomes ``"5"``, and its Turtle parser turns a bare ``05`` into ``5`` whatever
``rdflib.NORMALIZE_LITERALS`` says), and a strict comparison needs the literals as the engine wrote them.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
JENA = REPO.parent / "shared" / "tools" / "jena.sh"
W3C = TESTS / "fixtures" / "w3c-shacl"

SH = Namespace("http://www.w3.org/ns/shacl#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")

Result = tuple[str, str, str, str, str, str]
"""``(focus, path, value, component, shape, severity)``, each an N-Triples term (see the module's docstring)."""


def jena_installed() -> bool:
    """Whether Debian's Apache Jena and a Java runtime are here for ``jena.sh``."""
    return JENA.is_file() and Path("/usr/share/java/jena-shacl.jar").is_file() and shutil.which("java") is not None


# --- terms -------------------------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _quoted(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def term(node) -> str:
    """One rdflib or pyoxigraph term in the :data:`Result` form; ``None`` (absent) is ``""``."""
    if node is None:
        return ""
    if isinstance(node, BNode | ox.BlankNode):
        return "_:"
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, ox.NamedNode):
        return f"<{node.value}>"
    if isinstance(node, Literal):
        lexical, language, datatype = str(node), node.language, node.datatype
    elif isinstance(node, ox.Literal):
        lexical, language, datatype = node.value, node.language, node.datatype.value
    else:
        raise TypeError(f"not an RDF term: {node!r}")
    if language:
        return f"{_quoted(lexical)}@{language.lower()}"
    if datatype is None or str(datatype) == XSD_STRING:
        return _quoted(lexical)
    return f"{_quoted(lexical)}^^<{datatype}>"


def path_term(node) -> str:
    """A result path: ``<iri>`` for a predicate path, ``_:`` for any other path, ``""`` when absent."""
    return "_:" if node is not None and not isinstance(node, URIRef) else term(node)


# --- reading RDF without rewriting literals ------------------------------------------------------------------


def _to_rdflib(node, bnodes: dict[str, BNode]):
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return bnodes.setdefault(node.value, BNode())
    if isinstance(node, ox.Literal):
        if node.language:
            return Literal(node.value, lang=node.language, normalize=False)
        datatype = node.datatype.value
        return Literal(node.value, datatype=None if datatype == XSD_STRING else URIRef(datatype), normalize=False)
    raise TypeError(f"unexpected term in a graph: {node!r}")


def read_graph(source: Path | bytes, base_iri: str | None = None, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> Graph:
    """A file (or Turtle text) parsed by Oxigraph into an rdflib graph, every literal exactly as written
    (rdflib's own parser would rewrite some lexical forms). A file's base IRI is its ``file://`` URI, as
    Jena and the W3C manifests (``sht:dataGraph <>``) take it."""
    if isinstance(source, Path):
        data, base_iri = source.read_bytes(), base_iri or source.resolve().as_uri()
    else:
        data = source
    graph, bnodes = Graph(), {}
    for triple in ox.parse(input=data, format=fmt, base_iri=base_iri):
        graph.add(tuple(_to_rdflib(t, bnodes) for t in (triple.subject, triple.predicate, triple.object)))
    return graph


# --- reports -----------------------------------------------------------------------------------------------


def results_from_report(graph: Graph, report=None) -> Counter[Result]:
    """The results of a validation report: the ``sh:result`` objects of ``report``, or of every report in
    ``graph`` (nested ``sh:detail`` results are not results of the report). ``sh:resultMessage`` and
    ``sh:detail`` are ignored; a blank-node ``sh:sourceShape`` is ``_:``."""
    reports = [report] if report is not None else list(graph.subjects(RDF.type, SH.ValidationReport))
    found: Counter[Result] = Counter()
    for rep in reports:
        for r in graph.objects(rep, SH.result):
            found[
                (
                    term(graph.value(r, SH.focusNode)),
                    path_term(graph.value(r, SH.resultPath)),
                    term(graph.value(r, SH.value)),
                    term(graph.value(r, SH.sourceConstraintComponent)),
                    term(graph.value(r, SH.sourceShape)),
                    term(graph.value(r, SH.resultSeverity)),
                )
            ] += 1
    return found


def conforms_of_report(graph: Graph, report=None) -> bool:
    """The report's ``sh:conforms``; an error when the graph holds no report."""
    report = report if report is not None else graph.value(None, RDF.type, SH.ValidationReport)
    value = graph.value(report, SH.conforms) if report is not None else None
    if value is None:
        raise ValueError("no sh:ValidationReport with sh:conforms in the graph")
    return str(value).strip() in ("true", "1")


def jena_report(data: Path, shapes: Path, tmp: Path) -> Graph:
    """Apache Jena's strict SHACL 1.0 report (``shacl.shacl validate`` through ``jena.sh``) on one data file
    and one shapes file, as written to ``tmp/jena-report.ttl``, read with its literals as written."""
    run = subprocess.run(
        ["sh", str(JENA), "shacl.shacl", "validate", "--shapes", str(shapes), "--data", str(data)],
        capture_output=True,
        timeout=300,
    )
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "jena-report.ttl").write_bytes(run.stdout)
    if run.returncode != 0 or b"ValidationReport" not in run.stdout:
        raise RuntimeError(f"jena shacl failed ({run.returncode}): {run.stderr.decode(errors='replace')[-2000:]}")
    return read_graph(run.stdout, base_iri=data.resolve().as_uri())


# One JVM for many validations: what ``shacl.shacl validate`` does (Jena 4.5's shacl_validate: load the shapes
# file, reuse that graph when the data file is the same file, ShaclValidator.get().validate, write the report
# graph as Turtle), once per (data, shapes, report) triple of arguments. jena.sh runs it through Java's
# source-file launcher. A JVM start costs a second or two; the W3C suite is about a hundred validations.
_BATCH_JAVA = """
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import org.apache.jena.graph.Graph;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.ValidationReport;

public class ShaclBatch {
    public static void main(String[] args) throws Exception {
        org.apache.jena.sys.JenaSystem.init();
        for (int i = 0; i + 2 < args.length; i += 3) {
            try {
                Graph shapes = RDFDataMgr.loadGraph(args[i + 1]);
                Graph data = args[i].equals(args[i + 1]) ? shapes : RDFDataMgr.loadGraph(args[i]);
                ValidationReport report = ShaclValidator.get().validate(shapes, data);
                try (OutputStream out = new FileOutputStream(args[i + 2])) {
                    RDFDataMgr.write(out, report.getGraph(), Lang.TTL);
                }
            } catch (Exception error) {
                try (PrintStream out = new PrintStream(new FileOutputStream(args[i + 2] + ".error"))) {
                    error.printStackTrace(out);
                }
            }
        }
    }
}
"""


def jena_batch(pairs: list[tuple[Path, Path]], tmp: Path) -> list[Graph | Exception]:
    """Jena's report for each (data, shapes) pair, all in one JVM, as :func:`jena_report` would give them
    one by one; an exception in place of the report of a pair Jena could not validate."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "ShaclBatch.java").write_text(_BATCH_JAVA, encoding="utf-8")
    outputs = [tmp / f"report-{i:04d}.ttl" for i in range(len(pairs))]
    args = [str(p) for (data, shapes), out in zip(pairs, outputs, strict=True) for p in (data, shapes, out)]
    run = subprocess.run(["sh", str(JENA), str(tmp / "ShaclBatch.java"), *args], capture_output=True, timeout=900)
    if run.returncode != 0:
        raise RuntimeError(f"jena batch failed ({run.returncode}): {run.stderr.decode(errors='replace')[-2000:]}")
    reports: list[Graph | Exception] = []
    for (data, _), out in zip(pairs, outputs, strict=True):
        error = out.with_name(out.name + ".error")
        if error.is_file():
            reports.append(RuntimeError(f"jena shacl failed on {data}: {error.read_text(errors='replace')[-2000:]}"))
        else:
            reports.append(read_graph(out.read_bytes(), base_iri=data.resolve().as_uri()))
    return reports


def jena_results(data: Path, shapes: Path, tmp: Path) -> Counter[Result]:
    """Jena's results on one data file and one shapes file (``tmp``: a scratch folder for its report)."""
    return results_from_report(jena_report(data, shapes, tmp))


def pyshacl_report(data: Path, shapes: Path) -> Graph:
    """pySHACL's report (no inference, no SHACL-AF, no meta-shapes) on graphs read with literals as written."""
    import pyshacl

    _, report, _ = pyshacl.validate(
        read_graph(data),
        shacl_graph=read_graph(shapes),
        inference="none",
        advanced=False,
        meta_shacl=False,
        allow_warnings=True,
        abort_on_first=False,
        debug=False,
    )
    return report


def pyshacl_results(data: Path, shapes: Path) -> Counter[Result]:
    return results_from_report(pyshacl_report(data, shapes))


def show(results: Counter[Result]) -> str:
    """Results one a line, sorted, for assertion messages."""
    return "\n".join(f"{n} x {r}" for r, n in sorted(results.items())) or "(none)"


def diff(got: Counter[Result], expected: Counter[Result]) -> str:
    """What ``got`` has beyond ``expected`` (+) and lacks (-)."""
    extra, missing = got - expected, expected - got
    return "\n".join([*(f"+ {n} x {r}" for r, n in sorted(extra.items())),
                      *(f"- {n} x {r}" for r, n in sorted(missing.items()))])  # fmt: skip


# --- the W3C test cases ------------------------------------------------------------------------------------

# The features innograph's shapes use: a case that exercises only these is tagged "core", one that exercises
# anything else (sh:in, sh:closed, sh:and, complex paths, sh:severity, ...) is tagged "extra".
CORE_FEATURES = frozenset(
    {
        "class",
        "datatype",
        "hasValue",
        "inversePath",
        "languageIn",
        "lessThanOrEquals",
        "maxCount",
        "minCount",
        "minInclusive",
        "node",
        "nodeKind",
        "not",
        "or",
        "pattern",
        "flags",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "uniqueLang",
        "targetClass",
        "implicitClassTarget",
        "subClassTarget",
        "targetSubjectsOf",
        "targetNode",
        "targetObjectsOf",
        "property",
        "path",
    }
)
# Shape parameters and targets recognised as features (sh:name, sh:message, sh:description... are not).
FEATURES = CORE_FEATURES | {
    "in",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "minLength",
    "maxLength",
    "equals",
    "disjoint",
    "lessThan",
    "and",
    "xone",
    "closed",
    "ignoredProperties",
    "deactivated",
    "severity",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
    "alternativePath",
    "zeroOrMorePath",
    "oneOrMorePath",
    "zeroOrOnePath",
    "sequencePath",
    "sparql",
}


@dataclass(frozen=True)
class W3CCase:
    """One ``sht:Validate`` entry of the vendored W3C manifests."""

    name: str  # e.g. "core/node/class-001"
    path: Path  # the file holding the entry (its own manifest)
    data: Path  # sht:dataGraph
    shapes: Path  # sht:shapesGraph
    conforms: bool  # the expected sh:conforms
    expected: Counter[Result] = field(hash=False, compare=False)
    components: frozenset[str] = frozenset()  # the features the shapes graph uses (names in FEATURES)
    tags: frozenset[str] = frozenset()  # "core" or "extra", and the folder ("node", "property", "targets", ...)
    skip: str = ""  # why the case cannot be run (an expected sht:Failure), or ""
    label: str = ""

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys((self.path, self.data, self.shapes)))


def _path(iri) -> Path:
    return Path(unquote(urlparse(str(iri)).path))


def features(shapes: Graph) -> frozenset[str]:
    """The shape parameters, targets and path kinds a shapes graph uses, named as in :data:`FEATURES`."""
    found = set()
    for p in set(shapes.predicates()):
        if str(p).startswith(str(SH)) and (name := str(p).removeprefix(str(SH))) in FEATURES:
            found.add(name)
    for path in shapes.objects(None, SH.path):
        if isinstance(path, BNode) and shapes.value(path, RDF.first) is not None:
            found.add("sequencePath")
    shape_types = (SH.NodeShape, SH.PropertyShape)
    classes = set(shapes.subjects(RDF.type, RDFS.Class)) | set(shapes.subjects(RDF.type, OWL_CLASS))
    implicit = {c for c in classes if any((c, RDF.type, t) in shapes for t in shape_types)}
    if implicit:
        found.add("implicitClassTarget")
    if any(
        shapes.value(None, RDFS.subClassOf, c) is not None for c in implicit | set(shapes.objects(None, SH.targetClass))
    ):
        found.add("subClassTarget")
    return frozenset(found)


def _cases_in(manifest: Path, root: Path, seen: set[Path]) -> list[W3CCase]:
    manifest = manifest.resolve()
    if manifest in seen:
        return []
    seen.add(manifest)
    graph = read_graph(manifest)
    me = URIRef(manifest.as_uri())
    cases = []
    for included in graph.objects(me, MF.include):
        cases.extend(_cases_in(_path(included), root, seen))
    for entries in graph.objects(me, MF.entries):
        for entry in Collection(graph, entries):
            cases.append(_case(graph, entry, manifest, root))
    return cases


def _case(graph: Graph, entry, manifest: Path, root: Path) -> W3CCase:
    name = _path(entry).relative_to(root).as_posix()
    action, result = graph.value(entry, MF.action), graph.value(entry, MF.result)
    data, shapes = _path(graph.value(action, SHT.dataGraph)), _path(graph.value(action, SHT.shapesGraph))
    skip = ""
    if (entry, RDF.type, SHT.Validate) not in graph:
        skip = f"not a sht:Validate test: {graph.value(entry, RDF.type)}"
    elif result == SHT.Failure:
        skip = "expects sht:Failure (the shapes graph is ill-formed): no report to compare"
    elif graph.value(entry, MF.status) not in (None, SHT.approved):
        skip = f"status {graph.value(entry, MF.status)}"
    if result == SHT.Failure or result is None:
        conforms, expected = False, Counter()
    else:
        conforms, expected = conforms_of_report(graph, result), results_from_report(graph, result)
    used = features(graph if shapes == manifest else read_graph(shapes))
    tags = {"extra" if used - CORE_FEATURES else "core", name.split("/")[1]}
    label = str(graph.value(entry, RDFS.label) or "")
    return W3CCase(name, manifest, data, shapes, conforms, expected, used, frozenset(tags), skip, label)


def w3c_cases(root: Path = W3C) -> list[W3CCase]:
    """Every test entry reachable from ``root/core/manifest.ttl`` through ``mf:include``, in manifest order."""
    return _cases_in(root / "core" / "manifest.ttl", root, set())
