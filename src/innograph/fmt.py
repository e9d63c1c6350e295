"""Canonical Turtle for every file in ``ontology/`` and ``kg/``, so that diffs stay small.

The canonical form is rdflib's ``longturtle`` (prefixes and subjects sorted, one predicate per line,
objects sorted, blank nodes and lists laid out deterministically) with trailing white space removed and
the file's leading comment block kept. Comments elsewhere in a file are not kept: notes that must
survive belong in ``ig:curatorNote`` or ``rdfs:comment``.

A file is only ever replaced by a version that parses back to an isomorphic graph (no triple lost or
changed), written to a temporary file and renamed; a file that cannot be parsed is left as it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from innograph.atomic import write_text
from innograph.errors import InputError


@dataclass(frozen=True)
class Outcome:
    path: Path
    shown: str
    changed: bool


def _header(text: str) -> str:
    """The comment lines (and blank lines between them) that open the file."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line.rstrip())
            continue
        break
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n\n" if lines else ""


def _parse(text: str, shown: str):
    from rdflib import Graph

    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as error:
        line = getattr(error, "lines", None) or getattr(error, "lineno", None)
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"cannot be formatted, it does not parse: {message}", path=shown, line=line) from None
    return graph


def canonical(text: str, shown: str) -> str:
    """The canonical text of a Turtle document; raises if it does not parse or would lose a triple."""
    from rdflib.compare import isomorphic

    graph = _parse(text, shown)
    if len(graph) == 0:
        return text  # a file with no statements yet (a fresh scaffold) keeps its prefixes as written
    out = io.BytesIO()
    graph.serialize(out, format="longturtle", encoding="utf-8")
    body = "\n".join(line.rstrip() for line in out.getvalue().decode("utf-8").splitlines()).strip() + "\n"
    result = _header(text) + body
    if not isomorphic(graph, _parse(result, shown)):
        raise InputError("formatting would change its triples; left as it is", path=shown)
    return result


def turtle_files(root: Path) -> list[Path]:
    return sorted(p for folder in ("ontology", "kg") for p in (root / folder).rglob("*.ttl"))


def format_files(paths: list[Path], relative, check: bool) -> list[Outcome]:
    """Format (or, with ``check``, only compare) each file; files already canonical are not rewritten."""
    outcomes = []
    for path in paths:
        shown = relative(path)
        text = path.read_text(encoding="utf-8")
        result = canonical(text, shown)
        changed = result != text
        if changed and not check:
            write_text(path, result)
        outcomes.append(Outcome(path, shown, changed))
    return outcomes
