"""Quality checks written as SPARQL: every ``queries/checks/*-violation.rq`` must return no rows.

Each file starts with a comment header::

    # title: Terms used in the data that the ontology does not declare
    # severity: error
    # message: {term} is not declared in the ontology: declare it, or fix its spelling.

and selects one row per problem. ``?graph`` (the named graph, hence the file) and ``?focus`` (the entity)
place the finding in the report, and ``?at``, a literal, moves it to the line that writes that value; any
variable can be named in the message as ``{name}``. A user adds a
check by adding a file: no Python to touch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from innograph.catalog import header_fields
from innograph.errors import InputError
from innograph.namespaces import curie
from innograph.report import SEVERITIES, Finding

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Check:
    name: str
    path: Path
    title: str
    severity: str
    message: str
    sparql: str


def parse_check(path: Path, shown_as: str) -> Check:
    text = path.read_text(encoding="utf-8")
    header = {key: value for _line, key, value in header_fields(text)}
    for key in ("title", "severity", "message"):
        if not header.get(key):
            raise InputError(f"check has no '# {key}:' line in its header", path=shown_as, line=1)
    if header["severity"] not in SEVERITIES:
        raise InputError(f"severity must be one of {', '.join(SEVERITIES)}, not {header['severity']!r}", path=shown_as)
    name = path.name.removesuffix(".rq").removesuffix("-violation")
    return Check(name, path, header["title"], header["severity"], header["message"], text)


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


def run_check(kg, check: Check, locate, shown_as: str) -> list[Finding]:
    """Run one check over the knowledge graph; ``locate(graph_iri, focus_iri, literal_text)`` gives (file, line,
    label)."""
    try:
        solutions = kg.query(check.sparql)
    except SyntaxError as error:
        raise InputError(f"check is not valid SPARQL: {error}", path=shown_as) from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise InputError("a check must be a SELECT query", path=shown_as)
    names = [v.value for v in solutions.variables]
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
        message = _PLACEHOLDER.sub(lambda m, v=values: show(v.get(m.group(1))), check.message)
        findings.append(Finding(file, line, show(focus), check.severity, message, f"check {check.name}", label))
    return findings
