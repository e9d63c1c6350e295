"""Compile SHACL Core shapes into SPARQL that Oxigraph evaluates.

Each shape with a target becomes a few SELECT queries, each returning the focus nodes (and value nodes)
that break one kind of constraint: one query for all the shape's per-value constraints, one for its
counts, one per other focus-level constraint. A shape used inside another (``sh:node``, ``sh:not``,
``sh:or``, ``sh:qualifiedValueShape``, ...) becomes a graph pattern that has a solution exactly when a node
does not conform to it, used in ``EXISTS``.

Strictness: terms are compared as terms (``sameTerm``, not ``=``: ``1`` and ``1.0`` differ); a comparison
that cannot be made (``"a" < 1``) breaks the constraint; an ill-formed literal (``"x"^^xsd:integer``) never
has its datatype (the engine lists them, :mod:`innograph.shacl.xsd` decides)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from innograph.errors import InputError
from innograph.shacl.shapes import RDF, RDFS, SH, Constraint, Shape
from innograph.shacl.written import ENCODED, as_stored

TYPE_PATH = f"<{RDF}type>/<{RDFS}subClassOf>*"
# a class with more subclasses than this is tested through the path, not against the list of them
MAX_LISTED_CLASSES = 500
# components checked value node by value node
PER_VALUE = {
    "class",
    "datatype",
    "nodeKind",
    "minExclusive",
    "minInclusive",
    "maxExclusive",
    "maxInclusive",
    "minLength",
    "maxLength",
    "pattern",
    "in",
    "languageIn",
    "node",
    "not",
    "and",
    "or",
    "xone",
}
_COMPARE = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}
_PAIR = {"lessThan": "<", "lessThanOrEquals": "<="}
_NODE_KIND = {
    "IRI": "!isIRI({v})",
    "BlankNode": "!isBlank({v})",
    "Literal": "!isLiteral({v})",
    "BlankNodeOrIRI": "isLiteral({v})",
    "BlankNodeOrLiteral": "isIRI({v})",
    "IRIOrLiteral": "isBlank({v})",
}


@dataclass
class Query:
    """One compiled query: the shape and constraints it checks, and its text. ``kind`` tells how to read
    its rows: ``values`` (?this ?value and one flag ?f0, ?f1, ... per constraint), ``counts`` (?this ?n),
    ``focus`` (?this, and ?value or ?lang where the component reports one)."""

    shape: Shape
    constraints: list[Constraint]
    kind: str
    text: str
    # in two steps: ``first`` finds candidates whoever holds them (the same text for every shape with the
    # same path and constraints, so run once), ``then`` (with ``{values}`` for the candidates) keeps those
    # of the focus nodes; ``text`` does both at once, for candidates VALUES cannot name (blank nodes)
    first: str | None = None
    then: str | None = None
    # a ``probes`` query checks several property shapes of one node shape at once: ?m0, ?m1, ...
    parts: list = field(default_factory=list)


def term(t) -> str:
    """A term as SPARQL writes it (a blank node of the shapes graph cannot be named in a query); a literal
    the store would rewrite, in its encoded form (:mod:`innograph.shacl.written`), as the data has it."""
    if isinstance(t, ox.BlankNode):
        raise InputError(f"shapes: a blank node ({t}) as a constraint's value cannot be compiled")
    return str(as_stored(t))


def compared(v: str, encoded: bool) -> str:
    """The value of ``v`` for comparisons: an encoded literal read as its written datatype."""
    if not encoded:
        return v
    return (
        f"IF(isLiteral({v}) && STRSTARTS(STR(DATATYPE({v})), {string(ENCODED)}), "
        f"STRDT(STR({v}), IRI(STRAFTER(STR(DATATYPE({v})), {string(ENCODED)}))), {v})"
    )


def string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


class Compiler:
    """Compiles shapes; ``ill_formed`` maps a datatype IRI to the ill-formed literals of it in the data;
    ``encoded`` says the data holds encoded literals (as written), which the queries must then read."""

    def __init__(
        self,
        ill_formed: dict[str, list[ox.Literal]] | None = None,
        encoded: bool = False,
        subclasses: Callable[[ox.NamedNode], list] | None = None,
    ):
        self.ill_formed = ill_formed or {}
        self.encoded = encoded
        self.subclasses = subclasses
        self._classes: dict = {}
        self._count = 0
        self._parents = 0
        self._stack: list[Shape] = []
        self._probes: list = []  # (property shape, its minCount 1 constraints, path) of the shape compiled

    def var(self, name: str) -> str:
        self._count += 1
        return f"?{name}{self._count}"

    def parent_var(self) -> str:
        """A variable for the focus node of a shape above: numbered apart from :meth:`var`, whose count
        starts again for each query (so that equal constraints compile to equal text, run once)."""
        self._parents += 1
        return f"?parent{self._parents}"

    # paths and targets
    def path(self, p) -> str:
        if isinstance(p, ox.NamedNode):
            return str(p)
        kind, inner = p
        if kind == "inverse":
            return f"^({self.path(inner)})"
        if kind == "sequence":
            return "/".join(f"({self.path(i)})" for i in inner)
        if kind == "alternative":
            return "|".join(f"({self.path(i)})" for i in inner)
        suffix = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}[kind]
        return f"({self.path(inner)}){suffix}"

    def targets(self, shape: Shape, this: str = "?this", probe: bool = False) -> str:
        """A pattern binding ``this`` to each target of the shape; with ``probe``, a pattern with a solution
        when a bound ``this`` is a target (no subquery or VALUES, so that it can sit in EXISTS)."""
        parts = []
        for kind, value in shape.targets:
            if kind in ("targetClass", "implicitClass"):
                # a bound node (probe) is tested against the class's subclasses; an unbound one is found
                # through the path, which Oxigraph walks once from the class down
                parts.append(self.instance_of(this, value) if probe else f"{this} {TYPE_PATH} {term(value)} .")
            elif kind == "targetNode":
                parts.append(
                    f"FILTER(sameTerm({this}, {term(value)}))" if probe else f"VALUES {this} {{ {term(value)} }}"
                )
            else:
                pattern = f"{this} {term(value)} [] ." if kind == "targetSubjectsOf" else f"[] {term(value)} {this} ."
                parts.append(pattern if probe else f"SELECT DISTINCT {this} WHERE {{ {pattern} }}")
        return " UNION ".join(f"{{ {p} }}" for p in parts)

    def values(self, shape: Shape, x: str, v: str) -> str:
        """A pattern binding ``v`` to each value node of ``x`` for the shape."""
        if shape.is_property:
            return f"{x} {self.path(shape.path)} {v} ."
        return f"BIND({x} AS {v})"

    def instance_of(self, v: str, cls) -> str:
        """A pattern with a solution when a bound ``v`` is an instance of ``cls`` (``rdf:type/rdfs:subClassOf*``).
        Where the compiler knows the data's subclasses of ``cls`` (itself included), ``v``'s types are
        looked up among them: the same solutions, and far faster than the path, which Oxigraph walks down
        from ``cls`` to every subclass for each value."""
        if self.subclasses is None or not isinstance(cls, ox.NamedNode):
            return f"{v} {TYPE_PATH} {term(cls)} ."
        if cls not in self._classes:
            self._classes[cls] = self.subclasses(cls)
        listed = self._classes[cls]
        if len(listed) > MAX_LISTED_CLASSES or not all(isinstance(c, ox.NamedNode) for c in listed):
            # many classes, or a blank node (which a query cannot name) among them: the path
            return f"{v} {TYPE_PATH} {term(cls)} ."
        t = self.var("type")
        return f"{v} <{RDF}type> {t} . FILTER({t} IN ({', '.join(term(c) for c in listed)}))"

    # per-value constraints: an expression true when value node v breaks the constraint
    def value_fails(self, c: Constraint, v: str) -> str:
        name, value = c.component, c.value
        if name == "class":
            return f"NOT EXISTS {{ {self.instance_of(v, value)} }}"
        if name == "datatype":
            if value.value == f"{RDF}langString":
                return f'!COALESCE(isLiteral({v}) && LANG({v}) != "", false)'
            good = f"isLiteral({v}) && DATATYPE({v}) = {term(value)}"
            if self.encoded:
                good = f"isLiteral({v}) && DATATYPE({v}) IN ({term(value)}, <{ENCODED}{value.value}>)"
            bad = self.ill_formed.get(value.value, [])
            if bad:
                good += " && !(" + " || ".join(f"sameTerm({v}, {term(b)})" for b in bad) + ")"
            return f"!COALESCE({good}, false)"
        if name == "nodeKind":
            kind = value.value.removeprefix(SH)
            if kind not in _NODE_KIND:
                raise InputError(f"shapes: sh:nodeKind {value} is not a SHACL node kind")
            return _NODE_KIND[kind].format(v=v)
        if name in _COMPARE:
            return f"!COALESCE({compared(v, self.encoded)} {_COMPARE[name]} {term(value)}, false)"
        if name in ("minLength", "maxLength"):
            op = "<" if name == "minLength" else ">"
            return f"COALESCE(isBlank({v}) || STRLEN(STR({v})) {op} {int(value.value)}, true)"
        if name == "pattern":
            flags = f", {string(c.flags)}" if c.flags else ""
            return f"COALESCE(isBlank({v}) || !REGEX(STR({v}), {string(value)}{flags}), true)"
        if name == "in":
            return "!(" + " || ".join([f"sameTerm({v}, {term(m)})" for m in value] or ["false"]) + ")"
        if name == "languageIn":
            tags = " || ".join([f"langMatches(LANG({v}), {string(t.value)})" for t in value] or ["false"])
            return f"!COALESCE(isLiteral({v}) && ({tags}), false)"
        if name == "node":
            return self.breaks(value, v)
        if name == "not":
            return f"!({self.breaks(value, v)})"
        if name == "and":
            return "(" + " || ".join([self.breaks(s, v) for s in value] or ["false"]) + ")"
        if name == "or":
            return "(" + " && ".join([self.breaks(s, v) for s in value] or ["true"]) + ")"
        if name == "xone":
            conforming = " + ".join([f"IF({self.breaks(s, v)}, 0, 1)" for s in value] or ["0"])
            return f"({conforming}) != 1"
        raise AssertionError(name)

    def breaks(self, shape: Shape, v: str) -> str:
        """An expression true when node ``v`` does not conform to the shape."""
        pattern = self.fails(shape, v)
        return f"EXISTS {{ {pattern} }}" if pattern else "false"

    # focus-level constraints: a pattern with a solution when focus x breaks the constraint
    def focus_fails(self, shape: Shape, c: Constraint, x: str, value: str | None = None) -> str | list[str] | None:
        """The pattern (or a list of alternative patterns, to be joined by UNION, each evaluated with ``x``
        bound); ``value``, if given, names the variable that holds the offending value node (for components
        that report one) or language tag (uniqueLang)."""
        name, path = c.component, self.path(shape.path) if shape.is_property else None
        if name == "minCount":
            n = int(c.value.value)
            return f"FILTER NOT EXISTS {{ {self._distinct(shape, x, n)} }}" if n > 0 else None
        if name == "maxCount":
            return self._distinct(shape, x, int(c.value.value) + 1)
        if name == "hasValue":
            if not shape.is_property:
                return f"FILTER(!sameTerm({x}, {term(c.value)}))"
            return f"FILTER NOT EXISTS {{ {x} {path} {term(c.value)} }}"
        if name == "uniqueLang":
            if not is_true(c.value):
                return None
            a, b = self.var("a"), self.var("b")
            lang = value or self.var("lang")
            return (
                f"{self.values(shape, x, a)} {self.values(shape, x, b)} "
                f'FILTER(!sameTerm({a}, {b}) && isLiteral({a}) && isLiteral({b}) && LANG({a}) != "" '
                f"&& LCASE(LANG({a})) = LCASE(LANG({b}))) BIND(LCASE(LANG({a})) AS {lang})"
            )
        if name in ("equals", "disjoint", *_PAIR):
            v = value or self.var("v")
            other = term(c.value)
            mine = self.values(shape, x, v)
            if name == "equals":
                missing = (
                    f"FILTER(!sameTerm({v}, {x}))"
                    if not shape.is_property
                    else (f"FILTER NOT EXISTS {{ {self.values(shape, x, v)} }}")
                )
                return [f"{mine} FILTER NOT EXISTS {{ {x} {other} {v} }}", f"{x} {other} {v} . {missing}"]
            if name == "disjoint":
                return f"{mine} {x} {other} {v} ."
            w = self.var("w")
            a, b = compared(v, self.encoded), compared(w, self.encoded)
            return f"{mine} {x} {other} {w} . FILTER(!COALESCE({a} {_PAIR[name]} {b}, false))"
        if name == "qualifiedMinCount":
            n = c.qualified_min
            return f"FILTER NOT EXISTS {{ {self._distinct(shape, x, n, c)} }}" if n > 0 else None
        if name == "qualifiedMaxCount":
            return self._distinct(shape, x, c.qualified_max + 1, c)
        raise AssertionError(name)

    def _conforming(self, c: Constraint | None, v: str) -> str:
        """A filter keeping value ``v`` only if it conforms to a qualified value shape (and none of the
        sibling shapes, when they are disjoint)."""
        if c is None:
            return ""
        keep = f"!({self.breaks(c.value, v)})"
        for sibling in c.disjoint_siblings:
            keep += f" && {self.breaks(sibling, v)}"
        return f"FILTER({keep})"

    def _distinct(self, shape: Shape, x: str, n: int, qualified: Constraint | None = None) -> str:
        """A pattern with a solution when ``x`` has at least ``n`` distinct value nodes (that conform to the
        qualified shape, if one is given)."""
        names = [self.var("v") for _ in range(n)]
        parts = [f"{self.values(shape, x, v)} {self._conforming(qualified, v)}" for v in names]
        different = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        if different:
            parts.append(f"FILTER({' && '.join(different)})")
        return " ".join(parts)

    def closed_fails(self, shape: Shape, x: str, predicate: str, value: str) -> str | None:
        if not shape.closed:
            return None
        allowed = [p.path for p in shape.properties if isinstance(p.path, ox.NamedNode)] + shape.ignored
        keep = f"FILTER({predicate} NOT IN ({', '.join(term(a) for a in allowed)}))" if allowed else ""
        return f"{x} {predicate} {value} . {keep}"

    def fails(self, shape: Shape, x: str) -> str | None:
        """A pattern with a solution exactly when node ``x`` does not conform to the shape (None: it
        always conforms)."""
        if shape.deactivated:
            return None
        if shape in self._stack:
            raise InputError(f"shapes: shape {shape.node} refers to itself; SHACL leaves recursive shapes undefined")
        self._stack.append(shape)
        try:
            branches = []
            for c in shape.constraints:
                if c.component in PER_VALUE:
                    v = self.var("v")
                    branches.append(f"{self.values(shape, x, v)} FILTER({self.value_fails(c, v)})")
                else:
                    pattern = self.focus_fails(shape, c, x)
                    if isinstance(pattern, list):
                        branches += pattern
                    elif pattern:
                        branches.append(pattern)
            for prop in shape.properties:
                pattern = self.fails(prop, x)
                if pattern:
                    branches.append(pattern)
            closed = self.closed_fails(shape, x, self.var("p"), self.var("o"))
            if closed:
                branches.append(closed)
        finally:
            self._stack.pop()
        return " UNION ".join(f"{{ {b} }}" for b in branches) if branches else None

    # the top level: queries for a shape with targets
    def queries(self, shape: Shape) -> list[Query]:
        if shape.deactivated:
            return []
        self._stack.append(shape)
        self._probes = []
        try:
            out = self._shape_queries(
                shape, lambda var: self.targets(shape, var), [], lambda var: self.targets(shape, var, probe=True)
            )
        finally:
            self._stack.pop()
        if self._probes:
            binds = " ".join(
                f"BIND(NOT EXISTS {{ ?this {path} [] }} AS ?m{i})" for i, (_, _, path) in enumerate(self._probes)
            )
            names = " ".join(f"?m{i}" for i in range(len(self._probes)))
            any_probe = " || ".join(f"?m{i}" for i in range(len(self._probes)))
            nodes = f"{{ SELECT DISTINCT ?this WHERE {{ {self.targets(shape, '?this')} }} }}"
            text = f"SELECT ?this {names} WHERE {{ {nodes} {binds} FILTER({any_probe}) }}"
            out.append(Query(shape, [], "probes", text, parts=[(p, mins) for p, mins, _ in self._probes]))
        return out

    def _shape_queries(self, shape: Shape, focus, parents: list[str], member=None) -> list[Query]:
        """Queries for ``shape`` over the focus nodes ``focus(var)`` binds: the targets of a shape with
        targets, or the value nodes of the property shape that holds this one. ``parents`` are the
        variables that ``focus`` also binds, the focus nodes of the shapes above: a node reached from two
        of them is validated, and reported, once for each. ``member(var)``, where given, is a pattern that
        tells whether a bound ``var`` is one of the focus nodes (for ``EXISTS``)."""
        if shape.deactivated:
            return []
        out: list[Query] = []
        this = "?this"
        keys = " ".join(["?this", *parents])
        nodes = f"{{ SELECT DISTINCT {keys} WHERE {{ {focus('?this')} }} }}"
        self._count = 0
        per_value = [c for c in shape.constraints if c.component in PER_VALUE]
        # a property shape with a bounded path, right under a shape with targets, is checked value first:
        # each distinct value of the path in the whole graph once (a value breaks a per-value constraint
        # or not, whoever holds it), then back to the focus nodes that hold a bad one
        by_value = shape.is_property and member is not None and _bounded(shape.path)
        path = self.path(shape.path) if shape.is_property else None
        if per_value:
            flags = " ".join(f"BIND(({self.value_fails(c, '?value')}) AS ?f{i})" for i, c in enumerate(per_value))
            any_flag = " || ".join(f"?f{i}" for i in range(len(per_value)))
            names = " ".join(f"?f{i}" for i in range(len(per_value)))
            if by_value:
                first = (
                    f"SELECT ?value {names} WHERE {{ {{ SELECT DISTINCT ?value WHERE {{ [] {path} ?value }} }} "
                    f"{flags} FILTER({any_flag}) }}"
                )
                text = (
                    f"SELECT DISTINCT ?this ?value {names} WHERE {{ {{ {first} }} "
                    f"?this {path} ?value . FILTER EXISTS {{ {member('?this')} }} }}"
                )
                then = (
                    f"SELECT DISTINCT ?this ?value WHERE {{ VALUES ?value {{ {{values}} }} "
                    f"?this {path} ?value . FILTER EXISTS {{ {member('?this')} }} }}"
                )
                out.append(Query(shape, per_value, "values", text, first, then))
            else:
                values = self.values(shape, this, "?value")
                text = (
                    f"SELECT ?this ?value {names} WHERE {{ "
                    f"{{ SELECT DISTINCT {keys} ?value WHERE {{ {focus('?this')} {values} }} }} "
                    f"{flags} FILTER({any_flag}) }}"
                )
                out.append(Query(shape, per_value, "values", text))
        counts = [c for c in shape.constraints if c.component in ("minCount", "maxCount") and shape.is_property]
        mins = [c for c in counts if c.component == "minCount" and int(c.value.value) > 0]
        maxes = [c for c in counts if c.component == "maxCount"]
        if by_value and all(int(c.value.value) == 1 for c in mins):
            if mins:  # no value at all: one probe per focus node, with the node shape's other probes
                self._probes.append((shape, mins, path))
            if maxes:  # too many values: counted per subject of the path, then checked for being a focus node
                high = min(int(c.value.value) for c in maxes)
                first = (
                    f"SELECT ?this ?n WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ ?this {path} ?v }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {high}) }} }}"
                )
                text = f"SELECT ?this ?n WHERE {{ {{ {first} }} FILTER EXISTS {{ {member('?this')} }} }}"
                then = f"SELECT ?this WHERE {{ VALUES ?this {{ {{values}} }} FILTER EXISTS {{ {member('?this')} }} }}"
                out.append(Query(shape, maxes, "counts", text, first, then))
        elif mins or maxes:
            low = max([int(c.value.value) for c in mins] or [0])
            tests = ([f"?n < {low}"] if low else []) + (
                [f"?n > {min(int(c.value.value) for c in maxes)}"] if maxes else []
            )
            values = f"OPTIONAL {{ ?this {path} ?v }}" if low else f"?this {path} ?v ."
            text = (
                f"SELECT ?this ?n WHERE {{ {{ SELECT {keys} (COUNT(DISTINCT ?v) AS ?n) WHERE {{ "
                f"{nodes} {values} }} GROUP BY {keys} }} FILTER({' || '.join(tests)}) }}"
            )
            out.append(Query(shape, counts, "counts", text))
        for c in shape.constraints:
            if c.component in PER_VALUE or (c.component in ("minCount", "maxCount") and shape.is_property):
                continue
            report = c.component in ("equals", "disjoint", "lessThan", "lessThanOrEquals", "uniqueLang")
            pattern = self.focus_fails(shape, c, this, "?value" if report else None)
            if not pattern:
                continue
            selected = f"{keys} ?value" if report else keys
            distinct = "" if c.component in _PAIR else "DISTINCT "
            branches = pattern if isinstance(pattern, list) else [pattern]
            body = " UNION ".join(f"{{ {nodes} {b} }}" for b in branches)
            out.append(Query(shape, [c], "focus", f"SELECT {distinct}{selected} WHERE {{ {body} }}"))
        closed = self.closed_fails(shape, this, "?path", "?value")
        if closed:
            text = f"SELECT DISTINCT {keys} ?path ?value WHERE {{ {nodes} {closed} }}"
            out.append(Query(shape, [Constraint("closed", None)], "closed", text))
        for prop in shape.properties:
            if prop in self._stack:
                raise InputError(f"shapes: shape {prop.node} refers to itself")
            if shape.is_property:  # the focus nodes of a property shape's property shapes: its value nodes
                path, parent = self.path(shape.path), self.parent_var()

                above = " ".join(parents)

                def inner(var, parent=parent, path=path, focus=focus, above=above):
                    pattern = f"{focus(parent)} {parent} {path} {var} ."
                    return f"{{ SELECT DISTINCT {var} {parent} {above} WHERE {{ {pattern} }} }}"

                child_focus, child_parents, child_member = inner, [*parents, parent], None
            else:
                child_focus, child_parents, child_member = focus, parents, member
            self._stack.append(prop)
            try:
                out += self._shape_queries(prop, child_focus, child_parents, child_member)
            finally:
                self._stack.pop()
        return out


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _bounded(path) -> bool:
    """Whether a path has no ``*``, ``+`` or ``?``: its values over the whole graph are no more than its
    triples (``p*`` would reach every node)."""
    if isinstance(path, ox.NamedNode):
        return True
    kind, inner = path
    if kind in ("zeroOrMore", "oneOrMore", "zeroOrOne"):
        return False
    return all(_bounded(i) for i in (inner if isinstance(inner, list) else [inner]))


def is_true(value) -> bool:
    """A boolean parameter is on only when it is the literal ``true`` (``"1"^^xsd:boolean`` is not)."""
    return isinstance(value, ox.Literal) and value.value == "true" and value.datatype.value == XSD_BOOLEAN
