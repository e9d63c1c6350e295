"""Literals as written, in a store that rewrites them.

Oxigraph stores a literal of a numeric, boolean or date-time XSD type by its value and gives back the
canonical form: ``"05"^^xsd:positiveInteger`` comes back as ``"5"^^xsd:integer``, ``"4.0"^^xsd:decimal``
as ``"4"``, ``"1"^^xsd:boolean`` as ``"true"``. A strict SHACL engine sees the literal as written (is
``"05"^^xsd:positiveInteger`` an ``xsd:positiveInteger``? yes), so for validation such a literal is
stored *encoded*: the same lexical form with the datatype ``urn:innograph:as-written:`` + the written
datatype IRI, which Oxigraph leaves alone. The compiled queries read encoded literals back
(:mod:`innograph.shacl.compile`), and results name the literal as written."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

ENCODED = "urn:innograph:as-written:"
XSD = "http://www.w3.org/2001/XMLSchema#"
_NEVER = {f"{XSD}string", f"{XSD}anyURI", f"{XSD}normalizedString", f"{XSD}token", f"{XSD}language"}
_SCRATCH_SUBJECT = ox.NamedNode("urn:innograph:scratch")


@cache
def _stored_form(value: str, datatype: str) -> tuple[str, str]:
    store = ox.Store()
    store.add(ox.Quad(_SCRATCH_SUBJECT, _SCRATCH_SUBJECT, ox.Literal(value, datatype=ox.NamedNode(datatype))))
    (quad,) = store
    return quad.object.value, quad.object.datatype.value


def stored(literal: ox.Literal) -> ox.Literal:
    """The literal as the store gives it back."""
    if literal.language or literal.datatype is None:
        return literal
    value, datatype = _stored_form(literal.value, literal.datatype.value)
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def rewritten(term) -> bool:
    """Whether the store would give this term back in another form."""
    if not isinstance(term, ox.Literal) or term.language:
        return False
    datatype = term.datatype.value
    if not datatype.startswith(XSD) or datatype in _NEVER:
        return False
    return _stored_form(term.value, datatype) != (term.value, datatype)


def encode(literal: ox.Literal) -> ox.Literal:
    return ox.Literal(literal.value, datatype=ox.NamedNode(ENCODED + literal.datatype.value))


def as_stored(term):
    """The term to put in the store: an encoded literal if the store would rewrite it, else the term."""
    return encode(term) if rewritten(term) else term


def decode(term):
    """The term as written: an encoded literal back to its own datatype; anything else unchanged."""
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value.startswith(ENCODED):
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype.value[len(ENCODED) :]))
    return term


def load_as_written(store: ox.Store, path: Path, fmt: ox.RdfFormat, base_iri: str | None = None) -> int:
    """Parse a file into the store's default graph, literals the store would rewrite encoded; returns how
    many were. For the differential tests and small files: every triple passes through Python."""
    count = 0
    quads = []
    for triple in ox.parse(path=str(path), format=fmt, base_iri=base_iri):
        obj = triple.object
        if rewritten(obj):
            obj = encode(obj)
            count += 1
        quads.append(ox.Quad(triple.subject, triple.predicate, obj, ox.DefaultGraph()))
    store.extend(quads)
    return count


# Finding, in a Turtle file, the literals the store would rewrite, without reading every triple into
# Python: a few searches for fixed text find typed literals (at "^^") and the numbers that may be written
# in a form the store changes (a trailing zero after the point, an exponent, a leading zero or sign);
# only a file where the text cannot tell which triples hold them is parsed.
_CARET = re.compile(rb"\^\^")
_DATATYPE = re.compile(rb"([A-Za-z][\w.-]*)?:([\w.-]+)|<([^<>\s]*)>")
# The number searches run on a copy of the text with every character that may come before a token (tab,
# line break, "(", "[", ",") read as a space, so that each starts with a fixed character, which is fast;
# a match's position is the same in the text.
_TOKEN_STARTS = bytes.maketrans(b"\t\r\n([,", b"      ")
_NUMBER_HINTS = (
    re.compile(rb"\.[0-9]*0(?![0-9])"),  # 45.0, 1.50
    re.compile(rb" [+-]?[0-9.]+[eE][+-]?[0-9]"),  # 1e3, -2.50E+1 (not the e of a hash in an IRI)
    re.compile(rb" [+-]?0[0-9]"),  # 007, -05
    re.compile(rb" \+[0-9.]"),  # +5
    re.compile(rb" [+-]?\.[0-9]"),  # .5
    re.compile(rb" -0(?![0-9.])"),  # -0
)
_NUMBER_CHARS = frozenset(b"0123456789.eE+-")
_BEFORE = frozenset(b" \t\r\n([,")
_AFTER = frozenset(b" \t\r\n;,)]#")
_XSD_IRI = b"<http://www.w3.org/2001/XMLSchema#>"
_PREFIX_LINE = re.compile(rb"(?:@prefix|PREFIX)\s+([\w.-]*):\s*$", re.IGNORECASE)


def _bare_type(token: bytes) -> str:
    if b"e" in token or b"E" in token:
        return f"{XSD}double"
    return f"{XSD}decimal" if b"." in token else f"{XSD}integer"


def _xsd_prefixes(data: bytes) -> set[bytes]:
    found, at = set(), data.find(_XSD_IRI)
    while at >= 0:
        line_start = data.rfind(b"\n", 0, at) + 1
        match = _PREFIX_LINE.search(data[line_start:at].rstrip())
        if match:
            found.add(match.group(1))
        at = data.find(_XSD_IRI, at + 1)
    return found


def _bare_token(data: bytes, at: int) -> bytes | None:
    """The bare number (a Turtle token outside quotes, as far as the text around it tells) that covers
    position ``at``, or None."""
    start = at
    while start > 0 and data[start - 1] in _NUMBER_CHARS:
        start -= 1
    end = at
    while end < len(data) and data[end] in _NUMBER_CHARS:
        end += 1
    if end > start and data[end - 1] == 0x2E:  # a statement's final "."
        end -= 1
    if start == 0 or data[start - 1] not in _BEFORE or (end < len(data) and data[end] not in _AFTER | {0x2E}):
        return None
    token = data[start:end]
    return token if re.fullmatch(rb"[+-]?([0-9]+(\.[0-9]+)?|\.[0-9]+)([eE][+-]?[0-9]+)?", token) else None


def written_forms(data: bytes) -> set[tuple[str, str]] | None:
    """The (lexical form, datatype IRI) of the typed literals and of the bare numbers that may not be
    canonical in a Turtle text; None where the text cannot tell (a long string with a datatype). A number
    inside a quote may be listed too: that costs a parse, never a wrong answer."""
    if b'"""^^' in data or b"'''^^" in data:
        return None
    xsd_prefixes = _xsd_prefixes(data)
    forms = set()
    for caret in _CARET.finditer(data):
        at = caret.start()
        quote = data[at - 1 : at]
        if quote not in (b'"', b"'"):
            continue
        opening = data.rfind(quote, 0, at - 1)
        match = _DATATYPE.match(data, at + 2)
        if opening < 0 or match is None:
            continue
        lexical = data[opening + 1 : at - 1]
        if match.group(3) is not None:
            datatype = match.group(3).decode("utf-8", "replace")
        elif (match.group(1) or b"") in xsd_prefixes:
            datatype = XSD + match.group(2).decode("utf-8", "replace")
        else:
            continue
        forms.add((lexical.decode("utf-8", "replace"), datatype))
    spaced = data.translate(_TOKEN_STARTS)
    for hint in _NUMBER_HINTS:
        for match in hint.finditer(spaced):
            at = match.start()
            token = _bare_token(data, at + (1 if match.group(0)[:1] == b" " else 0))
            if token is not None:
                forms.add((token.decode("ascii"), _bare_type(token)))
    return forms


def _written_as_is(data: bytes, literal: ox.Literal) -> bool:
    """Whether the text may also write this (stored) literal as it is, as a bare number."""
    if literal.datatype.value not in (f"{XSD}decimal",) or "." not in literal.value:
        return False  # a bare integer is an xsd:integer, and no bare number is a canonical double
    return re.search(rb"(?<![\w.])" + re.escape(literal.value.encode()) + rb"(?![\w])", data) is not None


def may_hold_rewritten(data: bytes) -> bool:
    """Whether a Turtle text may hold a literal the store would rewrite."""
    forms = written_forms(data)
    return forms is None or any(_rewritten_form(*form) for form in forms)


def _rewritten_form(lexical: str, datatype: str) -> bool:
    return rewritten(ox.Literal(lexical, datatype=ox.NamedNode(datatype)))


@dataclass
class Rewritten:
    """A literal of a file that the store keeps in another form."""

    graph: ox.NamedNode
    subject: object
    predicate: ox.NamedNode
    written: ox.Literal

    @property
    def stored(self) -> ox.Literal:
        return stored(self.written)


@dataclass
class WrittenText:
    """What a Turtle file's text tells, without the store, of its literals that the store rewrites."""

    changed: dict[ox.Literal, set[ox.Literal]]  # a stored form -> the written forms the store turns into it
    unknown: bool  # the text cannot tell (a long string with a datatype): every literal is suspect

    @property
    def needs_parse(self) -> bool:
        """Only a parse tells which triple holds which form: the text cannot tell, or it writes two forms
        that the store keeps as one literal."""
        return self.unknown or any(len(written) != 1 for written in self.changed.values())


def read_written(path: Path) -> WrittenText:
    """Read a Turtle file's text for the literals the store would rewrite (see :func:`rewritten_in`)."""
    data = path.read_bytes()
    forms = written_forms(data)
    by_stored: dict[ox.Literal, set[ox.Literal]] = {}
    for lexical, datatype in forms or ():
        literal = ox.Literal(lexical, datatype=ox.NamedNode(datatype))
        by_stored.setdefault(stored(literal), set()).add(literal)
    changed = {c: w for c, w in by_stored.items() if any(rewritten(x) for x in w)}
    for canonical, written in changed.items():
        if canonical not in written and _written_as_is(data, canonical):
            written.add(canonical)  # the file writes both forms: which triple holds which, only a parse tells
    return WrittenText(changed, forms is None)


def rewritten_in(
    path: Path, graph: ox.NamedNode, store: ox.Store, text: WrittenText | None = None
) -> tuple[list[Rewritten], set]:
    """The literals of a Turtle file, loaded into ``graph`` of the store, that the store rewrote; and the
    (subject, predicate, literal) triples of the file whose literal is also the stored form of one of them
    (so that encoding the rewritten one leaves that one be). ``text``: the file's :func:`read_written`,
    if it was read already.

    The text tells which written forms the store rewrote; where only one written form maps to a stored
    literal, every quad of the graph with that literal was written in that form, and the store says which
    they are. Only a file where two written forms map to one stored literal (``45.0`` and
    ``"45"^^xsd:decimal``) or that writes a long string with a datatype is parsed."""
    text = text if text is not None else read_written(path)
    changed = text.changed
    if not text.needs_parse:
        found = []
        for canonical, (written,) in ((c, tuple(w)) for c, w in changed.items()):
            for quad in store.quads_for_pattern(None, None, canonical, graph):
                found.append(Rewritten(graph, quad.subject, quad.predicate, written))
        return found, set()
    found, kept = [], set()
    for triple in ox.parse(path.read_bytes().removeprefix(b"\xef\xbb\xbf"), format=ox.RdfFormat.TURTLE):
        obj = triple.object
        if isinstance(obj, ox.Literal) and not obj.language:
            if rewritten(obj):
                found.append(Rewritten(graph, triple.subject, triple.predicate, obj))
            elif text.unknown or obj in changed:
                kept.add((triple.subject, triple.predicate, obj))
    return found, kept


@contextmanager
def encoded_in(store: ox.Store, found: list[Rewritten], kept: set):
    """Within the block, the store holds each rewritten literal encoded as written instead of its stored
    form (which stays where the file also wrote it so); afterwards, the store as it was."""
    removed, added = [], []
    for item in found:
        canonical = ox.Quad(item.subject, item.predicate, item.stored, item.graph)
        if (item.subject, item.predicate, item.stored) not in kept and canonical in store:
            store.remove(canonical)
            removed.append(canonical)
        quad = ox.Quad(item.subject, item.predicate, encode(item.written), item.graph)
        if quad not in store:
            store.add(quad)
            added.append(quad)
    try:
        yield
    finally:
        for quad in added:
            store.remove(quad)
        for quad in removed:
            store.add(quad)
