"""Query parameters: parse what the user typed into an RDF term, and bind it without pasting text.

A value is turned into a :class:`~innograph.results.Term` of the parameter's kind (an entity IRI, a
year, a string…), checked, and written back into the query only as a properly escaped RDF term inside a
``VALUES`` block placed at the head of the query's ``WHERE`` group. A value such as
``x" } ; DROP ALL ; #`` therefore becomes one string literal and nothing else: it cannot end the block,
add a clause or comment out the rest.
"""

from __future__ import annotations

import re

from innograph.entities import EntityResolver
from innograph.errors import UsageError
from innograph.namespaces import ID, PREFIXES, XSD
from innograph.results import Term

KINDS = {
    "entity": "an entity: slug (ningbo), CURIE (id:ningbo), full IRI, or its label in any language",
    "concept": "a vocabulary concept: CURIE (ind:rd-intensity) or full IRI",
    "iri": "any IRI: CURIE or full IRI",
    "string": "free text",
    "year": "a year such as 2025",
    "integer": "a whole number",
    "decimal": "a number such as 2.8",
    "lang": "a language tag such as en or zh",
}
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CURIE = re.compile(r"^([A-Za-z][\w-]*):([\w.-]*)$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _iri(text: str, param: str) -> Term:
    match = _CURIE.match(text)
    if match and match.group(1) in PREFIXES and not text.startswith(("http:", "https:")):
        text = PREFIXES[match.group(1)] + match.group(2)
    if not re.match(r"^[a-z][a-z0-9+.-]*:", text, re.IGNORECASE) or _IRI_FORBIDDEN.search(text):
        raise UsageError(f"--param {param}: {text!r} is not an IRI or a CURIE with a known prefix")
    return Term("uri", text)


def option_name(param: str) -> str:
    """How a parameter is named in messages: ``--param NAME`` for a query's, as given for a command's own
    (``--focus``, ``SUBJECT``)."""
    return param if param.startswith("-") or param.isupper() else f"--param {param}"


def parse_value(kind: str, raw: str, param: str, lookup: EntityResolver | None = None) -> Term:
    """Turn the text the user typed into the term the parameter stands for. With a resolver, entities and
    concepts are looked up (and a name that fits none gets "did you mean"); without one, a slug, CURIE or
    IRI is taken as written."""
    raw = raw.strip()
    if kind == "entity":
        if lookup is not None:
            return lookup.entity(raw, option_name(param))
        if _SLUG.match(raw):
            return Term("uri", ID + raw)
        return _iri(raw, param)
    if kind == "concept" and lookup is not None:
        return lookup.concept(raw, option_name(param))
    if kind in ("concept", "iri"):
        return _iri(raw, param)
    if kind == "string":
        return Term("literal", raw)
    if kind == "year":
        if not re.fullmatch(r"-?\d{4}", raw):
            raise UsageError(f"--param {param}: {raw!r} is not a year such as 2025")
        return Term("literal", raw, datatype=f"{XSD}gYear")
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise UsageError(f"--param {param}: {raw!r} is not a whole number")
        return Term("literal", raw, datatype=f"{XSD}integer")
    if kind == "decimal":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
            raise UsageError(f"--param {param}: {raw!r} is not a number")
        return Term("literal", raw, datatype=f"{XSD}decimal")
    if kind == "lang":
        if not _LANG.match(raw):
            raise UsageError(f"--param {param}: {raw!r} is not a language tag such as en or zh")
        return Term("literal", raw.lower())
    raise UsageError(f"--param {param}: unknown parameter kind {kind!r}")


def sparql_term(term: Term) -> str:
    """Write a term in SPARQL syntax, escaping every character that could end it."""
    if term.type == "uri":
        if _IRI_FORBIDDEN.search(term.value):
            raise UsageError(f"{term.value!r} cannot be written as an IRI")
        return f"<{term.value}>"
    if term.type != "literal":
        raise UsageError("blank nodes cannot be bound as parameters")
    escaped = (
        term.value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if term.lang:
        return f'"{escaped}"@{term.lang}'
    if term.datatype and term.datatype != f"{XSD}string":
        return f'"{escaped}"^^{sparql_term(Term("uri", term.datatype))}'
    return f'"{escaped}"'


# ---------------------------------------------------------------- where the VALUES block goes


class NoWhereGroup(UsageError):
    """The text has no WHERE group to put a VALUES block in: usually a syntax error further up."""


_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<open>\{) | (?P<close>\})
      | (?P<word>[A-Za-z_]\w*)
      | (?P<other>[\s\S])""",
    re.VERBOSE,
)
FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def scan(text: str):
    """(kind, value, start, end, depth) for each token outside comments, strings and IRIs."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            yield kind, "{", match.start(), match.end(), depth
            depth += 1
        elif kind == "close":
            depth -= 1
            yield kind, "}", match.start(), match.end(), depth
        elif kind in ("word", "string", "iri"):
            yield kind, match.group(), match.start(), match.end(), depth


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the first form keyword outside braces, comments and strings."""
    for kind, value, _start, _end, depth in scan(text):
        if kind == "word" and depth == 0 and value.upper() in FORMS:
            return value.upper()
        if kind == "word" and depth == 0 and value.upper() in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE"):
            return "UPDATE"
    return ""


def where_brace(text: str) -> int:
    """Offset just after the ``{`` that opens the query's outer WHERE group."""
    form = None
    skip_template = False
    previous = ""
    for kind, value, _start, end, depth in scan(text):
        if depth != 0:
            continue
        if kind == "word" and form is None and value.upper() in FORMS:
            form = value.upper()
            skip_template = form == "CONSTRUCT"
        elif kind == "open" and form is not None:
            if skip_template and previous.upper() != "WHERE":
                skip_template = False  # the CONSTRUCT template; the WHERE group follows
            else:
                return end
        if kind in ("word", "open", "close"):
            previous = value
    raise NoWhereGroup("cannot find the query's WHERE group to bind parameters in")


def bind(text: str, values: dict[str, Term]) -> str:
    """The query with a VALUES block for ``values`` at the head of its WHERE group (on the same line, so
    that line numbers stay those of the original text)."""
    if not values:
        return text
    names = " ".join(f"?{name}" for name in values)
    terms = " ".join(sparql_term(term) for term in values.values())
    at = where_brace(text)
    return f"{text[:at]} VALUES ({names}) {{ ({terms}) }} {text[at:]}"
