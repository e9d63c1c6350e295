"""Find the ontology's terms from the terminal or a notebook: classes, properties and vocabulary concepts.

:func:`search` looks a text up in every class, property, concept and concept scheme of ``ontology/`` by
CURIE, local name, label and alternative label (English or Chinese) and definition, case and full-width
letters aside, and ranks what it finds: an exact name first, then a name that contains the text, then a
name that has all its words, then a definition that mentions it. Each hit says what a curator needs to use
the term: for a class its superclasses and the rules of every shape that applies to it (its own and its
superclasses', since ``sh:targetClass`` follows ``rdfs:subClassOf``); for a property its domain, range and
the shapes that constrain it; for a concept its scheme and broader concepts.

    >>> from innograph import load
    >>> from innograph.terms import search
    >>> [hit.curie for hit in search(load(), "observation", limit=1)]
    ['ig:Observation']
"""

from __future__ import annotations

import difflib
import json
import re
import textwrap
from dataclasses import asdict, dataclass, field, replace

from innograph.entities import fold
from innograph.namespaces import IG, OWL, PREFIXES, RDF, RDFS, SH, SKOS, curie

KINDS = {
    f"{OWL}Class": "class",
    f"{OWL}ObjectProperty": "object property",
    f"{OWL}DatatypeProperty": "datatype property",
    f"{OWL}AnnotationProperty": "annotation property",
    f"{SKOS}Concept": "concept",
    f"{SKOS}ConceptScheme": "concept scheme",
}
FILTERS = {"class": ("class",), "property": ("object property", "datatype property", "annotation property"),
           "concept": ("concept", "concept scheme")}  # fmt: skip
RANKS = ("exact name", "name contains the text", "name has every word", "definition mentions it")
WIDTH = 88


@dataclass(frozen=True)
class Ref:
    """Another term, as the user would type it and as it reads."""

    curie: str
    label: str = ""

    def __str__(self) -> str:
        return f"{self.curie} ({self.label})" if self.label else self.curie


@dataclass(frozen=True)
class Rule:
    """One rule of a shape: a property shape (``path``), or a rule about the whole node (``path`` empty)."""

    shape: str  # the node shape it belongs to, as a CURIE
    target: str  # the class that node shape targets, as a CURIE
    path: str  # "ig:value", "^ig:holdsPost" (inverse), or "" for a rule on the node itself
    constraints: tuple[str, ...]  # each constraint in words: "at least 1", "datatype xsd:decimal", ...
    message: str = ""
    min_count: int | None = None
    max_count: int | None = None
    datatype: str | None = None
    classes: tuple[str, ...] = ()
    values: tuple[str, ...] = ()  # sh:in, or sh:hasValue


@dataclass(frozen=True)
class TermHit:
    """A term that matched, with what a curator needs to know to use it."""

    iri: str
    curie: str
    kind: str  # class, object property, datatype property, annotation property, concept, concept scheme
    label: str  # English
    label_zh: str = ""
    alt_labels: tuple[str, ...] = ()
    definition: str = ""
    comment: str = ""
    rank: int = 0  # 0 exact name, 1 name contains the text, 2 name has every word, 3 definition mentions it
    matched: str = ""  # what matched: "CURIE", "label", "alternative label", "definition"
    abstract: bool = False
    superclasses: tuple[Ref, ...] = ()
    subclasses: tuple[Ref, ...] = ()
    domain: tuple[Ref, ...] = ()
    range: tuple[Ref, ...] = ()
    superproperties: tuple[Ref, ...] = ()
    scheme: Ref | None = None
    broader: tuple[Ref, ...] = ()
    notation: str = ""
    members: tuple[Ref, ...] = ()  # a scheme's concepts
    rules: tuple[Rule, ...] = field(default=())  # class: shapes that apply; property: rules about it

    @property
    def kind_text(self) -> str:
        if self.kind == "concept" and self.scheme:
            return f"concept in scheme {self.scheme.label or self.scheme.curie}"
        return self.kind


# ----------------------------------------------------------------------------------------------- the index


class Vocabulary:
    """Every term the ontology, vocabulary and shape files declare, read once; :meth:`search` it."""

    def __init__(self, kg):
        from rdflib import Graph

        from innograph.loader import to_rdflib

        self.graph: Graph = to_rdflib(kg.quads("ontology", "vocab"))
        self.shapes: Graph = to_rdflib(kg.quads("shapes"))
        self._terms: dict[str, tuple[str, dict]] = {}
        self._read()

    # ----- reading

    def _literals(self, subject, predicate) -> list:
        from rdflib import Literal, URIRef

        return [o for o in self.graph.objects(subject, URIRef(predicate)) if isinstance(o, Literal)]

    def _iris(self, graph, subject, predicate) -> list[str]:
        from rdflib import URIRef

        return sorted(str(o) for o in graph.objects(subject, URIRef(predicate)) if isinstance(o, URIRef))

    def _read(self) -> None:
        from rdflib import URIRef

        for kind_iri, kind in KINDS.items():
            for subject in self.graph.subjects(URIRef(f"{RDF}type"), URIRef(kind_iri)):
                if isinstance(subject, URIRef) and str(subject) not in self._terms:
                    self._terms[str(subject)] = (kind, self._names(subject))

    def _names(self, subject) -> dict:
        labels = self._literals(subject, f"{RDFS}label") + self._literals(subject, f"{SKOS}prefLabel")
        english = sorted(str(x) for x in labels if x.language in ("en", None))
        chinese = sorted(str(x) for x in labels if (x.language or "").startswith("zh"))
        others = sorted(str(x) for x in labels if x.language not in ("en", None) and not x.language.startswith("zh"))
        definitions = self._literals(subject, f"{SKOS}definition")
        definition = next((str(d) for d in definitions if d.language in ("en", None)), "")
        comments = self._literals(subject, f"{RDFS}comment")
        return {
            "label": english[0] if english else "",
            "zh": chinese[0] if chinese else "",
            "labels": english + chinese + others,
            "alt": sorted(str(x) for x in self._literals(subject, f"{SKOS}altLabel")),
            "definition": definition or (str(definitions[0]) if definitions else ""),
            "comment": str(comments[0]) if comments else "",
        }

    def ref(self, iri: str) -> Ref:
        found = self._terms.get(iri)
        return Ref(curie(iri), found[1]["label"] if found else "")

    def refs(self, iris) -> tuple[Ref, ...]:
        return tuple(self.ref(i) for i in iris)

    # ----- matching

    def _keys(self, iri: str, names: dict) -> tuple[set[str], set[str], set[str]]:
        """Exact keys (CURIE, IRI, local name in words), label keys and alternative-label keys, folded."""
        short = curie(iri)
        local = re.sub(r"^.*[/#:]", "", short if not short.startswith("<") else iri.rstrip("/"))
        ids = {fold(short), fold(iri), fold(local), fold(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local))}
        ids.add(fold(local.replace("-", " ")))
        return ids, {fold(n) for n in names["labels"]}, {fold(n) for n in names["alt"]}

    def match(self, iri: str, names: dict, text: str) -> tuple[int, str, int] | None:
        """(rank, what matched, tie-break) for a term and a folded text, or None."""
        ids, labels, alts = self._keys(iri, names)
        if text in labels:
            return 0, "label", 0
        if text in ids:
            return 0, "CURIE", 1
        if text in alts:
            return 0, "alternative label", 2
        if any(text in n for n in labels):
            return 1, "label", min(len(n) for n in labels if text in n)
        if any(text in n for n in alts):
            return 1, "alternative label", 1000 + min(len(n) for n in alts if text in n)
        if text in fold(curie(iri)):
            return 1, "CURIE", 2000
        words = text.split()
        everything = " ".join(labels | alts | ids)
        if len(words) > 1 and all(w in everything for w in words):
            return 2, "label", len(everything)
        definition = fold(names["definition"] + " " + names["comment"])
        if text in definition or (len(words) > 1 and all(w in definition for w in words)):
            return 3, "definition", definition.find(words[0]) if words else 0
        return None

    def search(self, text: str, kind: str | None = None, limit: int | None = None) -> list[TermHit]:
        key = fold(text)
        if not key:
            return []
        wanted = FILTERS[kind] if kind else None
        found = []
        for iri, (term_kind, names) in self._terms.items():
            if wanted and term_kind not in wanted:
                continue
            matched = self.match(iri, names, key)
            if matched is not None:
                order = list(KINDS.values()).index(term_kind)
                found.append((matched[0], matched[2], order, len(names["label"]), curie(iri), iri, matched[1]))
        found.sort()
        if limit:
            found = found[:limit]
        return [self.describe(iri, rank=rank, matched=what) for rank, _, _, _, _, iri, what in found]

    def suggestions(self, text: str, kind: str | None = None, count: int = 5) -> list[Ref]:
        """Terms whose CURIE, local name or a label comes closest to ``text``."""
        key = fold(text)
        if ":" in key and not key.startswith("http"):
            key = key.split(":", 1)[1]
        wanted = FILTERS[kind] if kind else None
        scored = []
        for iri, (term_kind, names) in self._terms.items():
            if wanted and term_kind not in wanted:
                continue
            ids, labels, alts = self._keys(iri, names)
            best = 0.0
            for candidate in ids | labels | alts:
                matcher = difflib.SequenceMatcher(None, key, candidate, autojunk=False)
                if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                    best = max(best, matcher.ratio())
            if best >= 0.6:
                scored.append((-best, curie(iri), iri))
        scored.sort()
        top = -scored[0][0] if scored else 0.0
        return [self.ref(iri) for score, _, iri in scored[:count] if -score >= top - 0.15]

    # ----- describing

    def describe(self, iri: str, rank: int = 0, matched: str = "") -> TermHit:
        from rdflib import Literal, URIRef

        kind, names = self._terms[iri]
        node = URIRef(iri)
        extra: dict = {}
        if kind == "class":
            supers = self._iris(self.graph, node, f"{RDFS}subClassOf")
            extra["superclasses"] = self.refs(supers)
            extra["subclasses"] = self.refs(
                sorted(str(s) for s in self.graph.subjects(URIRef(f"{RDFS}subClassOf"), node) if isinstance(s, URIRef))
            )
            extra["abstract"] = any(str(v).lower() == "true" for v in self.graph.objects(node, URIRef(f"{IG}abstract")))
            extra["rules"] = tuple(self.class_rules(iri))
        elif kind.endswith("property"):
            extra["domain"] = self._class_expression(node, f"{RDFS}domain")
            extra["range"] = self._class_expression(node, f"{RDFS}range")
            extra["superproperties"] = self.refs(self._iris(self.graph, node, f"{RDFS}subPropertyOf"))
            extra["rules"] = tuple(self.property_rules(iri))
        elif kind == "concept":
            schemes = self._iris(self.graph, node, f"{SKOS}inScheme")
            extra["scheme"] = self.ref(schemes[0]) if schemes else None
            extra["broader"] = self.refs(self._iris(self.graph, node, f"{SKOS}broader"))
        else:  # a concept scheme
            members = sorted(
                str(s) for s in self.graph.subjects(URIRef(f"{SKOS}inScheme"), node) if isinstance(s, URIRef)
            )
            extra["members"] = self.refs(members)
        notation = [o for o in self.graph.objects(node, URIRef(f"{SKOS}notation")) if isinstance(o, Literal)]
        return TermHit(
            iri=iri,
            curie=curie(iri),
            kind=kind,
            label=names["label"],
            label_zh=names["zh"],
            alt_labels=tuple(names["alt"]),
            definition=names["definition"],
            comment=names["comment"],
            rank=rank,
            matched=matched,
            notation=str(notation[0]) if notation else "",
            **extra,
        )

    def _class_expression(self, node, predicate: str) -> tuple[Ref, ...]:
        """The classes a domain or range names, an ``owl:unionOf`` read as its members."""
        from rdflib import BNode, URIRef
        from rdflib.collection import Collection

        found = []
        for value in self.graph.objects(node, URIRef(predicate)):
            if isinstance(value, URIRef):
                found.append(str(value))
            elif isinstance(value, BNode):
                union = self.graph.value(value, URIRef(f"{OWL}unionOf"))
                if union is not None:
                    found += [str(m) for m in Collection(self.graph, union) if isinstance(m, URIRef)]
        return self.refs(sorted(found))

    # ----- shapes

    def _ancestors(self, iri: str) -> list[str]:
        """The class and its superclasses, nearest first."""
        from rdflib import URIRef

        order, queue = [], [iri]
        while queue:
            current = queue.pop(0)
            if current in order:
                continue
            order.append(current)
            queue += self._iris(self.graph, URIRef(current), f"{RDFS}subClassOf")
        return order

    def node_shapes(self, class_iri: str) -> list[str]:
        from rdflib import URIRef

        return sorted(str(s) for s in self.shapes.subjects(URIRef(f"{SH}targetClass"), URIRef(class_iri)))

    def class_rules(self, iri: str) -> list[Rule]:
        """The rules of every node shape that applies to the class: its own shape's first, then those of
        its superclasses, nearest first."""
        rules = []
        for ancestor in self._ancestors(iri):
            for shape in self.node_shapes(ancestor):
                rules += self.shape_rules(shape, ancestor)
        return rules

    def shape_rules(self, shape_iri: str, target: str) -> list[Rule]:
        from rdflib import URIRef

        shape = URIRef(shape_iri)
        rules = []
        node_level = self.constraints(shape, skip_properties=True)
        if node_level:
            rules.append(Rule(curie(shape_iri), curie(target), "", tuple(node_level), self._message(shape)))
        for prop in sorted(self.shapes.objects(shape, URIRef(f"{SH}property")), key=self._path_text):
            rules.append(self.property_rule(prop, curie(shape_iri), curie(target)))
        return rules

    def property_rule(self, prop, shape: str, target: str) -> Rule:
        from rdflib import URIRef
        from rdflib.collection import Collection

        def one(name):
            return self.shapes.value(prop, URIRef(f"{SH}{name}"))

        values: list[str] = []
        listed = one("in")
        if listed is not None:
            values = [self._show(v) for v in Collection(self.shapes, listed)]
        elif one("hasValue") is not None:
            values = [self._show(one("hasValue"))]
        classes = [curie(str(c)) for c in self.shapes.objects(prop, URIRef(f"{SH}class"))]
        return Rule(
            shape=shape,
            target=target,
            path=self._path_text(prop),
            constraints=tuple(self.constraints(prop)),
            message=self._message(prop),
            min_count=int(one("minCount")) if one("minCount") is not None else None,
            max_count=int(one("maxCount")) if one("maxCount") is not None else None,
            datatype=curie(str(one("datatype"))) if one("datatype") is not None else None,
            classes=tuple(classes),
            values=tuple(values),
        )

    def _message(self, node) -> str:
        from rdflib import URIRef

        messages = list(self.shapes.objects(node, URIRef(f"{SH}message")))
        english = [str(m) for m in messages if getattr(m, "language", None) in ("en", None)]
        return english[0] if english else (str(messages[0]) if messages else "")

    def _path_text(self, shape) -> str:
        from rdflib import BNode, URIRef
        from rdflib.collection import Collection

        path = self.shapes.value(shape, URIRef(f"{SH}path"))
        if path is None:
            return ""
        if isinstance(path, URIRef):
            return curie(str(path))
        if isinstance(path, BNode):
            inverse = self.shapes.value(path, URIRef(f"{SH}inversePath"))
            if inverse is not None:
                return "^" + curie(str(inverse))
            if self.shapes.value(path, URIRef(f"{RDF}first")) is not None:
                return "/".join(curie(str(p)) for p in Collection(self.shapes, path))
        return "(a complex path)"

    def _show(self, value) -> str:
        from rdflib import Literal

        if isinstance(value, Literal):
            return json.dumps(str(value), ensure_ascii=False) if value.datatype is None else str(value)
        return curie(str(value))

    def constraints(self, node, skip_properties: bool = False) -> list[str]:
        """The constraints of a shape in words, one per parameter."""
        from rdflib import BNode, URIRef
        from rdflib.collection import Collection

        def value(name):
            return self.shapes.value(node, URIRef(f"{SH}{name}"))

        words = []
        low, high = value("minCount"), value("maxCount")
        if low is not None or high is not None:
            low_n, high_n = int(low) if low is not None else 0, int(high) if high is not None else None
            if high_n == 0:
                words.append("none allowed")
            elif low_n == high_n:
                words.append(f"exactly {low_n}")
            elif high_n is None:
                words.append(f"at least {low_n}")
            elif low_n == 0:
                words.append(f"at most {high_n}")
            else:
                words.append(f"{low_n} to {high_n}")
        for name, text in (("datatype", "datatype"), ("class", "class")):
            for item in sorted(self.shapes.objects(node, URIRef(f"{SH}{name}"))):
                words.append(f"{text} {curie(str(item))}")
        kind = value("nodeKind")
        if kind is not None:
            words.append({"IRI": "an IRI", "Literal": "a literal", "BlankNode": "a blank node"}.get(
                str(kind).removeprefix(SH), curie(str(kind))))  # fmt: skip
        if value("in") is not None:
            words.append("one of " + ", ".join(self._show(v) for v in Collection(self.shapes, value("in"))))
        if value("hasValue") is not None:
            words.append(f"has the value {self._show(value('hasValue'))}")
        for name in ("pattern", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "lessThanOrEquals",
                     "lessThan", "equals", "disjoint"):  # fmt: skip
            if value(name) is not None:
                symbol = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<",
                          "lessThanOrEquals": "<=", "lessThan": "<"}.get(name, name)  # fmt: skip
                words.append(f"{symbol} {self._show(value(name))}")
        if value("languageIn") is not None:
            words.append("language in " + ", ".join(str(v) for v in Collection(self.shapes, value("languageIn"))))
        if value("uniqueLang") is not None and str(value("uniqueLang")).lower() == "true":
            words.append("one per language")
        qualified = value("qualifiedValueShape")
        if qualified is not None:
            count = value("qualifiedMinCount")
            inner = "; ".join(self.constraints(qualified))
            words.append(f"at least {count} with {inner}" if count is not None else f"values with {inner}")
        negated = value("not")
        if negated is not None:
            words.append("not (" + "; ".join(self.constraints(negated)) + ")")
        for name in ("or", "xone", "and"):
            listed = value(name)
            if listed is None:
                continue
            parts = [self._alternative(member) for member in Collection(self.shapes, listed)]
            joiner = {"or": " | ", "xone": " | ", "and": " & "}[name]
            words.append({"or": "one of: ", "xone": "exactly one of: ", "and": "all of: "}[name] + joiner.join(parts))
        if not skip_properties:
            for prop in self.shapes.objects(node, URIRef(f"{SH}property")):
                if isinstance(prop, BNode | URIRef):
                    words.append(f"{self._path_text(prop)}: " + ", ".join(self.constraints(prop)))
        return words

    def _alternative(self, member) -> str:
        from rdflib import URIRef

        parts = []
        for prop in self.shapes.objects(member, URIRef(f"{SH}property")):
            parts.append(f"{self._path_text(prop)} " + ", ".join(self.constraints(prop)))
        parts += self.constraints(member, skip_properties=True)
        return "[" + "; ".join(parts) + "]"

    def property_rules(self, iri: str) -> list[Rule]:
        """Every property shape whose path is the property (or its inverse), with the node shape it
        belongs to: directly, through a shared property shape, or inside an sh:or."""
        from rdflib import URIRef

        prop = URIRef(iri)
        shapes = set(self.shapes.subjects(URIRef(f"{SH}path"), prop))
        for inverse in self.shapes.subjects(URIRef(f"{SH}inversePath"), prop):
            shapes |= set(self.shapes.subjects(URIRef(f"{SH}path"), inverse))
        rules = []
        for shape in shapes:
            for owner in self._owners(shape):
                targets = sorted(str(t) for t in self.shapes.objects(URIRef(owner), URIRef(f"{SH}targetClass")))
                rule = self.property_rule(shape, curie(owner), "")
                if (URIRef(owner), URIRef(f"{SH}property"), shape) not in self.shapes:
                    # inside the node shape's sh:or (or sh:and, sh:not): the node shape's message says why
                    rule = replace(rule, constraints=(*rule.constraints, "as one alternative of the shape's sh:or"),
                                   message=self._message(URIRef(owner)) or rule.message)  # fmt: skip
                for target in targets or [""]:
                    rules.append(replace(rule, target=curie(target) if target else ""))
        return sorted(set(rules), key=lambda r: (r.shape, r.path, r.constraints))

    def _owners(self, node, seen=None) -> list[str]:
        """The named node shapes that hold a property shape, walking up sh:property, lists and sh:or."""
        from rdflib import URIRef

        seen = seen or set()
        if node in seen:
            return []
        seen.add(node)
        if isinstance(node, URIRef) and (node, URIRef(f"{SH}targetClass"), None) in self.shapes:
            return [str(node)]
        owners = []
        for parent, predicate in self.shapes.subject_predicates(node):
            if str(predicate) in (f"{SH}property", f"{RDF}first", f"{RDF}rest", f"{SH}or", f"{SH}and",
                                  f"{SH}xone", f"{SH}not", f"{SH}qualifiedValueShape"):  # fmt: skip
                owners += self._owners(parent, seen)
        return sorted(set(owners))


# ------------------------------------------------------------------------------------------ the library


def search(kg, text: str, kind: str | None = None, limit: int | None = None) -> list[TermHit]:
    """The classes, properties and concepts that match ``text``, best first (see the module's notes).
    ``kind`` is ``"class"``, ``"property"`` or ``"concept"``; ``limit`` keeps the first hits only."""
    if kind is not None and kind not in FILTERS:
        raise ValueError(f"kind must be one of {', '.join(FILTERS)}, not {kind!r}")
    return Vocabulary(kg).search(text, kind, limit)


def suggestions(kg, text: str, kind: str | None = None) -> list[Ref]:
    """Up to five terms whose name or CURIE comes closest to ``text``: the "did you mean" list."""
    return Vocabulary(kg).suggestions(text, kind)


def hint(refs: list[Ref]) -> str:
    if not refs:
        return "; try a shorter word, or innograph terms --kind class|property|concept with part of a name"
    return "; did you mean " + ", ".join(str(r) for r in refs) + "?"


def known_prefix(text: str) -> bool:
    return ":" in text and text.split(":", 1)[0] in PREFIXES


# ------------------------------------------------------------------------------------------ showing hits


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width=WIDTH, initial_indent=indent, subsequent_indent=indent)


def _refs(refs) -> str:
    return ", ".join(str(r) for r in refs)


def _rule_lines(rule: Rule, indent: str, with_shape: bool = False) -> list[str]:
    where = f"{rule.shape} on {rule.target}, " if with_shape else ""
    text = f"{where}{rule.path or '(the node itself)'}: " + "; ".join(rule.constraints)
    lines = textwrap.wrap(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent + "    ")
    if rule.message:
        lines += _wrap(f"“{rule.message}”", indent + "    ")
    return lines


def to_text(hits: list[TermHit]) -> str:
    """Each hit as a short block: CURIE and kind, labels, definition, then what its kind needs."""
    blocks = []
    for hit in hits:
        lines = [f"{hit.curie}  ({hit.kind_text}{', abstract: use a subclass' if hit.abstract else ''})"]
        names = hit.label + (f" · {hit.label_zh}" if hit.label_zh else "")
        if hit.alt_labels:
            names += f"  (also: {', '.join(hit.alt_labels)})"
        lines.append(f"  {names}")
        if hit.notation:
            lines.append(f"  notation: {hit.notation}")
        lines += _wrap(hit.definition or "(no definition)", "  ")
        if hit.comment:
            lines += _wrap(f"note: {hit.comment}", "  ")
        if hit.kind == "class":
            lines.append(f"  subclass of: {_refs(hit.superclasses) or '(none)'}")
            if hit.subclasses:
                lines += _wrap(f"subclasses: {_refs(hit.subclasses)}", "  ")
            shape = None
            for rule in hit.rules:
                if rule.shape != shape:
                    shape = rule.shape
                    own = rule.target == hit.curie
                    lines.append(f"  rules of {rule.shape}" + ("" if own else f" (inherited from {rule.target})") + ":")
                lines += _rule_lines(rule, "    ")
            if not hit.rules:
                lines.append("  rules: no shape applies")
        elif hit.kind.endswith("property"):
            lines.append(f"  domain: {_refs(hit.domain) or '(not declared)'}")
            lines.append(f"  range: {_refs(hit.range) or '(not declared)'}")
            if hit.superproperties:
                lines.append(f"  subproperty of: {_refs(hit.superproperties)}")
            if hit.rules:
                lines.append("  used by shapes:")
                for rule in hit.rules:
                    lines += _rule_lines(rule, "    ", with_shape=True)
            else:
                lines.append("  used by shapes: none")
        elif hit.kind == "concept":
            if hit.scheme:
                lines.append("  scheme: " + " ".join(x for x in (hit.scheme.label, hit.scheme.curie) if x))
            if hit.broader:
                lines.append(f"  broader: {_refs(hit.broader)}")
        elif hit.members:
            lines += _wrap(f"concepts ({len(hit.members)}): {', '.join(r.curie for r in hit.members)}", "  ")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def to_json(hits: list[TermHit]) -> str:
    return json.dumps([{**asdict(h), "kind_text": h.kind_text} for h in hits], ensure_ascii=False, indent=2)
