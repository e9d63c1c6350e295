"""Run compiled shapes over an Oxigraph store and read the rows back as SHACL validation results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from innograph.errors import InputError
from innograph.shacl import xsd
from innograph.shacl.compile import Compiler, Query
from innograph.shacl.shapes import RDF, RDFS, SH, Shape, ShapesGraph
from innograph.shacl.written import ENCODED, as_stored, decode, load_as_written, rewritten


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, with the fields of ``sh:ValidationResult``."""

    focus: object
    path: object | None  # the shape's sh:path value (an IRI, or a blank node for a complex path)
    value: object | None
    component: str
    shape: object
    severity: str
    messages: tuple = ()

    def as_tuple(self) -> tuple[str, str, str, str, str, str]:
        """(focus, path, value, component, shape, severity) as N-Triples terms, a blank node as ``_:`` and
        a missing field as ``""``: the form the differential tests compare across engines."""
        return (
            _nt(self.focus),
            _nt(self.path),
            _nt(self.value),
            f"<{self.component}>",
            _nt(self.shape),
            f"<{self.severity}>",
        )


def _nt(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:"
    return str(t)


_ALWAYS_VALID = {f"{xsd.XSD}string", f"{RDF}langString"}


def ill_formed_literals(store: ox.Store, shapes: ShapesGraph, query_options: dict) -> dict[str, list[ox.Literal]]:
    """The ill-formed literals (lexical form not in the space of their XSD datatype) that a sh:datatype
    may meet: objects, of a datatype some sh:datatype names, of the predicates whose values reach a
    shape with a sh:datatype; and literal target nodes."""
    wanted: dict[str, set[str]] = {}  # predicate IRI -> datatypes checked on its values
    for shape in shapes.all():
        if shape.is_property:
            datatypes = {d for d in _datatypes(shape.constraints, set()) if d not in _ALWAYS_VALID and xsd.known(d)}
            for predicate in _predicates(shape) if datatypes else ():
                wanted.setdefault(predicate.value, set()).update(datatypes)
        for kind, value in shape.targets:
            if kind == "targetObjectsOf":
                wanted.setdefault(value.value, set()).update(
                    d for d in _datatypes(shape.constraints, set()) if d not in _ALWAYS_VALID and xsd.known(d)
                )
    candidates = []
    for predicate, datatypes in sorted(wanted.items()):
        if not datatypes:
            continue
        listed = ", ".join(f"<{prefix}{d}>" for d in sorted(datatypes) for prefix in ("", ENCODED))
        query = (
            f"SELECT DISTINCT ?o WHERE {{ ?s <{predicate}> ?o FILTER(isLiteral(?o) && DATATYPE(?o) IN ({listed})) }}"
        )
        candidates += [row["o"] for row in store.query(query, **query_options)]
    for shape in shapes.all():  # literal target nodes
        candidates += [v for kind, v in shape.targets if kind == "targetNode" and isinstance(v, ox.Literal)]
    found: dict[str, list[ox.Literal]] = {}
    for stored in candidates:
        literal = decode(stored)
        if literal.datatype is not None and not xsd.valid(literal.value, literal.datatype.value):
            found.setdefault(literal.datatype.value, []).append(as_stored(literal))
    return {d: sorted(set(v), key=str) for d, v in found.items()}


def _datatypes(constraints, seen: set) -> set[str]:
    """The datatypes sh:datatype names in these constraints and the shapes they nest (sh:node, sh:or, ...)."""
    out = set()
    for c in constraints:
        if c.component == "datatype":
            out.add(c.value.value)
        nested = c.value if isinstance(c.value, list) else [c.value]
        for shape in nested:
            if isinstance(shape, Shape) and id(shape) not in seen:
                seen.add(id(shape))
                out |= _datatypes(shape.constraints, seen)
    return out


def _predicates(shape: Shape) -> Iterable[ox.NamedNode]:
    stack = [shape.path] if shape.path is not None else []
    while stack:
        p = stack.pop()
        if isinstance(p, ox.NamedNode):
            yield p
        elif isinstance(p, tuple):
            inner = p[1]
            stack.extend(inner if isinstance(inner, list) else [inner])


def subclasses_in(store: ox.Store, query_options: dict):
    """A function giving a class's subclasses in the data (``?c rdfs:subClassOf* cls``: the class itself
    first, then the others in a stable order), for the compiler to list."""

    def subclasses(cls: ox.NamedNode) -> list:
        query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* {cls} }}"
        found = {row["c"] for row in store.query(query, **query_options)} - {cls}
        return [cls, *sorted(found, key=str)]

    return subclasses


def compile_queries(store: ox.Store, shapes: ShapesGraph, query_options: dict, encoded: bool = False) -> list[Query]:
    compiler = Compiler(ill_formed_literals(store, shapes, query_options), encoded, subclasses_in(store, query_options))
    return [q for shape in shapes.top for q in compiler.queries(shape)]


def run_query(store: ox.Store, query: Query, query_options: dict, cache: dict | None = None) -> list[ShaclResult]:
    """The results of one compiled query; ``cache`` keeps the rows of first steps, which shapes share."""
    shape = query.shape
    path = shape.path_node if shape.is_property else None
    out = []

    def result(focus, constraint, value=None, at=path, source=shape) -> ShaclResult:
        messages = tuple(source.messages)
        return ShaclResult(decode(focus), at, decode(value), constraint.iri, source.node, source.severity, messages)

    def rows_of(text: str) -> list:
        if cache is not None and text in cache:
            return cache[text]
        try:
            rows = list(store.query(text, **query_options))
        except SyntaxError as error:  # a compiled query that does not parse is a bug of the compiler
            raise InputError(f"shapes: shape {shape.node} compiled to SPARQL that does not parse: {error}") from None
        if cache is not None:
            cache[text] = rows
        return rows

    if query.first is not None:
        candidates = rows_of(query.first)
        if not candidates:
            return []
        key = "value" if query.kind == "values" else "this"
        found = {row[key]: row for row in candidates}
        if any(isinstance(term, ox.BlankNode) for term in found):
            rows = rows_of(query.text)
        else:
            listed = " ".join(str(term) for term in found)
            rows = [_Row(row, found[row[key]]) for row in rows_of(query.then.replace("{values}", listed))]
    else:
        rows = rows_of(query.text)
    for row in rows:
        focus = row["this"]
        if query.kind == "values":
            for i, c in enumerate(query.constraints):
                flag = row[f"f{i}"]
                if flag is not None and flag.value in ("true", "1"):
                    out.append(result(focus, c, row["value"]))
        elif query.kind == "counts":
            n = int(row["n"].value)
            for c in query.constraints:
                bound = int(c.value.value)
                if (c.component == "minCount" and n < bound) or (c.component == "maxCount" and n > bound):
                    out.append(result(focus, c))
        elif query.kind == "probes":
            for i, (prop, constraints) in enumerate(query.parts):
                flag = row[f"m{i}"]
                if flag is not None and flag.value in ("true", "1"):
                    out += [result(focus, c, at=prop.path_node, source=prop) for c in constraints]
        elif query.kind == "closed":
            out.append(result(focus, query.constraints[0], row["value"], at=row["path"]))
        else:
            (c,) = query.constraints
            value = None
            if c.component in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
                value = row["value"]
            out.append(result(focus, c, value))
    return out


class _Row:
    """A row of a second step, read with the columns of the first step's row for the same candidate."""

    def __init__(self, row, first):
        self.row, self.first = row, first

    def __getitem__(self, name):
        found = self.row[name] if name in ("this", "value") else None
        return found if found is not None else self.first[name]


PARALLEL_MIN_QUADS = 200_000  # below this, forking a second process costs more than it saves


def _run(store: ox.Store, queries: list[Query], options: dict) -> list[ShaclResult]:
    cache: dict = {}
    return [result for query in queries for result in run_query(store, query, options, cache)]


def _run_all(store: ox.Store, queries: list[Query], options: dict, parallel: bool) -> list[ShaclResult]:
    """Every query's results; with ``parallel``, in two processes (the second forked, reading the same
    store), queries that share a first step kept together so that it runs once."""
    from innograph import forked

    if not parallel or len(queries) < 2:
        return _run(store, queries, options)
    groups: dict[str, list[Query]] = {}
    for query in queries:
        groups.setdefault(query.first or query.text, []).append(query)
    halves: list[list[Query]] = [[], []]
    for i, group in enumerate(groups.values()):
        halves[i % 2] += group
    second = forked.start(lambda: _run(store, halves[1], options))
    return _run(store, halves[0], options) + second()


def validate_store(
    store: ox.Store,
    shapes: ShapesGraph,
    *,
    union: bool = False,
    encoded: bool = False,
    parallel: bool | None = None,
) -> list[ShaclResult]:
    """Validate the data in ``store`` (its default graph, or with ``union`` the union of all its graphs)
    against the shapes; the results in a stable order. ``encoded``: the store holds literals encoded as
    written (:mod:`innograph.shacl.written`). ``parallel``: use a second process (by default, on a store
    of :data:`PARALLEL_MIN_QUADS` quads or more). (A union of chosen named graphs, SPARQL's FROM, is not
    offered: Oxigraph reads each pattern once per graph, which is slow with many graphs.)"""
    options = {"use_default_graph_as_union": True} if union else {}
    queries = compile_queries(store, shapes, options, encoded)
    if parallel is None:
        parallel = len(store) >= PARALLEL_MIN_QUADS
    results = _run_all(store, queries, options, parallel)
    return sorted(results, key=lambda r: (r.as_tuple(), str(r.shape), str(r.value)))


def _format(path: Path) -> ox.RdfFormat:
    found = ox.RdfFormat.from_extension(path.suffix.removeprefix("."))
    if found is None:
        raise InputError(f"unknown RDF file extension {path.suffix!r}", path=str(path))
    return found


def validate_files(data_paths: Sequence[Path], shapes_path: Path) -> list[ShaclResult]:
    """Validate RDF files (merged, as one data graph) against a shapes file."""
    data, encoded = ox.Store(), 0
    for path in map(Path, data_paths):
        try:  # relative IRIs (<>, <x>) resolve against the file's own location
            encoded += load_as_written(data, path, _format(path), base_iri=path.resolve().as_uri())
        except SyntaxError as error:
            raise InputError(f"malformed RDF: {error}", path=str(path)) from None
    shapes = ShapesGraph.from_file(Path(shapes_path))
    # a literal target node the store would rewrite is matched in its encoded form too
    encoded += sum(1 for s in shapes.all() for _, v in s.targets if rewritten(v))
    return validate_store(data, shapes, encoded=encoded > 0)


__all__ = ["RDF", "SH", "ShaclResult", "validate_files", "validate_store"]
