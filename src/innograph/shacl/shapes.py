"""Read a SHACL shapes graph into plain Python objects: shapes, their targets, paths and constraints.

Covers SHACL Core: every constraint component but the SPARQL-based ones. A shape is what SHACL 1.0, 2.1
says it is: an instance of sh:NodeShape or sh:PropertyShape, a subject of a target, or the value of a
shape-expecting parameter (sh:node, sh:property, sh:not, sh:qualifiedValueShape, members of sh:and, sh:or,
sh:xone)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from innograph.errors import InputError

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

Term = ox.NamedNode | ox.BlankNode | ox.Literal

# parameters whose values are shapes
_SHAPE_PARAMETERS = ("node", "property", "not", "qualifiedValueShape")
_SHAPE_LIST_PARAMETERS = ("and", "or", "xone")
_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
# one constraint per value of these parameters (the component is named after the parameter)
_SINGLE = (
    "class",
    "datatype",
    "nodeKind",
    "minCount",
    "maxCount",
    "minExclusive",
    "minInclusive",
    "maxExclusive",
    "maxInclusive",
    "minLength",
    "maxLength",
    "uniqueLang",
    "equals",
    "disjoint",
    "lessThan",
    "lessThanOrEquals",
    "hasValue",
    "node",
    "not",
)
_LISTS = ("in", "languageIn", "and", "or", "xone")
# parameters of SHACL-SPARQL and SHACL Advanced Features, which the engine refuses rather than ignores
_UNSUPPORTED = ("sparql", "target", "rule", "condition", "js", "expression")


@dataclass(eq=False)  # compared by identity: constraints and shapes nest, and may refer to each other
class Constraint:
    """One use of a constraint component: its name (``class``, ``minCount``, ...) and parameter values.
    ``value`` is the main parameter's value (a term; a list of terms for list-taking components; for
    ``pattern`` the regex, for ``qualifiedValueShape`` the shape)."""

    component: str
    value: object
    flags: str = ""  # sh:flags of a pattern
    qualified_min: int | None = None
    qualified_max: int | None = None
    disjoint_siblings: list = field(default_factory=list)  # sibling qualified shapes, when disjoint

    @property
    def iri(self) -> str:
        return f"{SH}{self.component[0].upper()}{self.component[1:]}ConstraintComponent"


@dataclass(eq=False)
class Shape:
    node: Term
    path: object | None = None  # None for a node shape; else a path (see Path* below)
    path_node: Term | None = None  # the sh:path value, as written in the shapes graph
    targets: list[tuple[str, Term]] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    severity: str = f"{SH}Violation"
    messages: list[ox.Literal] = field(default_factory=list)
    deactivated: bool = False
    closed: bool = False
    ignored: list[Term] = field(default_factory=list)

    @property
    def is_property(self) -> bool:
        return self.path is not None


# paths: an IRI (a predicate), or a tuple ("inverse", p), ("sequence", [p...]), ("alternative", [p...]),
# ("zeroOrMore", p), ("oneOrMore", p), ("zeroOrOne", p)


class ShapesGraph:
    """The shapes of one graph, read once. ``graph`` is the graph name in ``store`` that holds them (None:
    the default graph)."""

    def __init__(self, triples: Iterable):
        self._out: dict[tuple[Term, str], list[Term]] = defaultdict(list)
        self._in: dict[tuple[str, Term | None], list[Term]] = defaultdict(list)
        for t in triples:
            predicate = t.predicate.value
            self._out[t.subject, predicate].append(t.object)
            self._in[predicate, t.object].append(t.subject)
            self._in[predicate, None].append(t.subject)
        for parameter in _UNSUPPORTED:
            if self._in.get((f"{SH}{parameter}", None)):
                raise InputError(
                    f"shapes: sh:{parameter} (SHACL-SPARQL and SHACL-AF) is not supported by innograph's engine; "
                    "run validate with --engine pyshacl, or write the rule as a check in queries/checks/"
                )
        self._shapes: dict[Term, Shape] = {}
        self.top: list[Shape] = []  # shapes with targets, in a stable order
        self._classes = self._instances(f"{RDFS}Class")  # a shape that is also a class targets its instances
        for node in sorted(self._shape_nodes(), key=_sort_key):
            shape = self.shape(node)
            if shape.targets and not shape.deactivated:
                self.top.append(shape)

    @classmethod
    def from_file(cls, path: Path, base_iri: str | None = None) -> ShapesGraph:
        """Read shapes from an RDF file, literals as written (a store would rewrite some)."""
        fmt = ox.RdfFormat.from_extension(path.suffix.removeprefix(".")) or ox.RdfFormat.TURTLE
        try:
            return cls(ox.parse(path=str(path), format=fmt, base_iri=base_iri or path.resolve().as_uri()))
        except SyntaxError as error:
            raise InputError(f"malformed RDF: {error}", path=str(path)) from None

    def all(self) -> list[Shape]:
        """Every shape read, nested ones included."""
        return list(self._shapes.values())

    # reading triples
    def objects(self, subject: Term, predicate: str) -> list[Term]:
        return list(self._out.get((subject, predicate), ()))

    def value(self, subject: Term, predicate: str) -> Term | None:
        found = self.objects(subject, predicate)
        return min(found, key=_sort_key) if found else None

    def subjects(self, predicate: str, obj: Term | None = None) -> list[Term]:
        return list(self._in.get((predicate, obj), ()))

    def items(self, node: Term) -> list[Term]:
        """The members of an RDF list."""
        out, seen = [], set()
        nil = ox.NamedNode(f"{RDF}nil")
        while node != nil:
            if node in seen:
                raise InputError(f"shapes: the RDF list at {node} is cyclic")
            seen.add(node)
            first = self.value(node, f"{RDF}first")
            rest = self.value(node, f"{RDF}rest")
            if first is None or rest is None:
                raise InputError(f"shapes: {node} is not a well-formed RDF list (rdf:first and rdf:rest)")
            out.append(first)
            node = rest
        return out

    # finding shapes
    def _shape_nodes(self) -> set[Term]:
        found: set[Term] = set()
        for kind in ("NodeShape", "PropertyShape"):
            found.update(self._instances(f"{SH}{kind}"))
        for target in _TARGETS:
            found.update(self.subjects(f"{SH}{target}"))
        return found

    def _instances(self, cls: str) -> set[Term]:
        classes = {ox.NamedNode(cls)}
        frontier = list(classes)
        while frontier:
            for sub in self.subjects(f"{RDFS}subClassOf", frontier.pop()):
                if sub not in classes:
                    classes.add(sub)
                    frontier.append(sub)
        out: set[Term] = set()
        for c in classes:
            out.update(self.subjects(f"{RDF}type", c))
        return out

    def shape(self, node: Term) -> Shape:
        if node in self._shapes:
            return self._shapes[node]
        shape = Shape(node=node)
        self._shapes[node] = shape  # before reading parameters: shapes may refer to themselves
        path_node = self.value(node, f"{SH}path")
        if path_node is not None:
            shape.path_node = path_node
            shape.path = self.path(path_node)
        for target in _TARGETS:
            for value in sorted(self.objects(node, f"{SH}{target}"), key=_sort_key):
                shape.targets.append((target, value))
        if isinstance(node, ox.NamedNode) and node in self._classes:
            shape.targets.append(("implicitClass", node))
        severity = self.value(node, f"{SH}severity")
        if severity is not None:
            shape.severity = severity.value
        shape.messages = sorted(
            (m for m in self.objects(node, f"{SH}message") if isinstance(m, ox.Literal)), key=_sort_key
        )
        deactivated = self.value(node, f"{SH}deactivated")
        shape.deactivated = _is_true(deactivated)
        closed = self.value(node, f"{SH}closed")
        shape.closed = _is_true(closed)
        ignored = self.value(node, f"{SH}ignoredProperties")
        shape.ignored = self.items(ignored) if ignored is not None else []
        for name in _SINGLE:
            for value in sorted(self.objects(node, f"{SH}{name}"), key=_sort_key):
                if name in ("node", "not"):
                    value = self.shape(value)
                shape.constraints.append(Constraint(name, value))
        for name in _LISTS:
            for value in sorted(self.objects(node, f"{SH}{name}"), key=_sort_key):
                members = self.items(value)
                if name in _SHAPE_LIST_PARAMETERS:
                    members = [self.shape(m) for m in members]
                shape.constraints.append(Constraint(name, members))
        for pattern in sorted(self.objects(node, f"{SH}pattern"), key=_sort_key):
            flags = self.value(node, f"{SH}flags")
            shape.constraints.append(Constraint("pattern", pattern.value, flags=flags.value if flags else ""))
        for prop in sorted(self.objects(node, f"{SH}property"), key=_sort_key):
            shape.properties.append(self.shape(prop))
        self._qualified(node, shape)
        return shape

    def _qualified(self, node: Term, shape: Shape) -> None:
        for qualified in sorted(self.objects(node, f"{SH}qualifiedValueShape"), key=_sort_key):
            low = self.value(node, f"{SH}qualifiedMinCount")
            high = self.value(node, f"{SH}qualifiedMaxCount")
            disjoint = self.value(node, f"{SH}qualifiedValueShapesDisjoint")
            siblings: list[Shape] = []
            if _is_true(disjoint):
                # the qualified value shapes of the other property shapes of the shapes that hold this one
                for parent in self.subjects(f"{SH}property", node):
                    for sibling in self.objects(parent, f"{SH}property"):
                        if sibling != node:
                            siblings += [self.shape(q) for q in self.objects(sibling, f"{SH}qualifiedValueShape")]
            for bound, attribute in ((low, "qualified_min"), (high, "qualified_max")):
                if bound is None:
                    continue
                constraint = Constraint(
                    "qualifiedMinCount" if attribute == "qualified_min" else "qualifiedMaxCount",
                    self.shape(qualified),
                    disjoint_siblings=siblings,
                )
                setattr(constraint, attribute, int(bound.value))
                shape.constraints.append(constraint)

    def path(self, node: Term):
        if isinstance(node, ox.NamedNode):
            return node
        if isinstance(node, ox.Literal):
            raise InputError(f"shapes: sh:path {node} is a literal, not a path")
        if self.value(node, f"{RDF}first") is not None:
            members = self.items(node)
            if len(members) < 2:
                raise InputError("shapes: a sequence path has at least two members")
            return ("sequence", [self.path(m) for m in members])
        for kind in ("inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
            inner = self.value(node, f"{SH}{kind}")
            if inner is not None:
                return (kind.removesuffix("Path"), self.path(inner))
        alternatives = self.value(node, f"{SH}alternativePath")
        if alternatives is not None:
            return ("alternative", [self.path(m) for m in self.items(alternatives)])
        raise InputError(f"shapes: {node} is not a SHACL path")


def _is_true(value) -> bool:
    """A boolean parameter is on only when it is the literal ``true`` (``"1"^^xsd:boolean`` is not)."""
    return isinstance(value, ox.Literal) and value.value == "true" and value.datatype.value.endswith("#boolean")


def _sort_key(term) -> tuple[int, str]:
    order = 0 if isinstance(term, ox.NamedNode) else 1 if isinstance(term, ox.BlankNode) else 2
    return order, str(term)
