"""The query catalogue: ``queries/*.rq``, one analyst question per file, with a comment header::

    # title: Joint issuers of a policy document
    # description: Which bodies issued a plan or notification, and the article that says so.
    # param: document (entity) = id:some-plan : the document, by slug, CURIE, IRI or label
    # param: lang (lang) = en : language of the labels shown
    # example: innograph query document-issuers --param document="Action Plan for Enhancing"
    # page: 100

A ``param`` line gives the variable's name, its kind (see :mod:`innograph.params`), an optional default
after ``=``, and a description after `` : ``. A parameter without a default must be given.

A ``page`` line marks a SELECT whose answer grows with the graph (a row per entity, per article or per
note): ``innograph query`` shows it in pages of that many rows in ``--format table``, with the number of
rows of the whole answer; ``--all`` shows every row. Its ``ORDER BY`` should end with the identifiers, so
that every engine gives one order and pages neither overlap nor skip rows.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from innograph.errors import InputError, UsageError

_FIELD = re.compile(r"^#\s*(\w+)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<kind>\w+)\)\s*(?:=\s*(?P<default>.*?))?\s*(?::\s+(?P<doc>.*))?$")


def header_fields(text: str) -> list[tuple[int, str, str]]:
    """The ``# key: value`` lines of the comment block that opens a query file, as (line, key, value).
    Catalogue queries and quality checks share this header format."""
    fields = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        match = _FIELD.match(stripped)
        if match:
            fields.append((number, match.group(1).lower(), match.group(2)))
    return fields


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: str | None
    doc: str

    def describe(self) -> str:
        default = f" = {self.default}" if self.default is not None else " (required)"
        return f"{self.name} ({self.kind}){default}"


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    path: Path | None = None
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = field(default=())
    page_size: int | None = None  # rows per page shown to a person by default (its "# page:" line), if paged

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_query(text: str, name: str, path: Path | None = None, shown_as: str | None = None) -> Query:
    """Read a query and its header; a malformed ``param`` line is an error naming file and line."""
    from innograph.params import KINDS, query_form

    fields: dict[str, str] = {}
    params: list[Param] = []
    examples: list[str] = []
    page_size: int | None = None
    for number, key, value in header_fields(text):
        if key == "param":
            parsed = _PARAM.match(value)
            if not parsed or parsed.group("kind") not in KINDS:
                raise InputError(
                    f"malformed '# param:' line; write 'NAME (KIND) = DEFAULT : description' with KIND one of "
                    f"{', '.join(sorted(KINDS))}",
                    path=shown_as or name,
                    line=number,
                )
            params.append(Param(parsed["name"], parsed["kind"], parsed["default"], parsed["doc"] or ""))
        elif key == "example":
            examples.append(value)
        elif key == "page":
            if not (value.isascii() and value.isdigit() and int(value) > 0):
                raise InputError(
                    f"malformed '# page:' line: {value!r}; write the number of rows a page shows, such as 100",
                    path=shown_as or name,
                    line=number,
                )
            page_size = int(value)
            form = query_form(text)
            if form != "SELECT":
                raise InputError(
                    f"'# page:' cuts the rows of a SELECT into pages; this query is {'an' if form == 'ASK' else 'a'} "
                    f"{form}: remove the line",
                    path=shown_as or name,
                    line=number,
                )
        elif key in ("title", "description"):
            fields[key] = value
    return Query(
        name=name,
        text=text,
        path=path,
        title=fields.get("title", ""),
        description=fields.get("description", ""),
        params=tuple(params),
        examples=tuple(examples),
        page_size=page_size,
    )


def catalogue(queries_dir: Path, relative=str) -> dict[str, Query]:
    """Every catalogue query by name (the file name without ``.rq``), in name order."""
    found = {}
    for path in sorted(queries_dir.glob("*.rq")):
        found[path.stem] = parse_query(path.read_text(encoding="utf-8"), path.stem, path, relative(path))
    return found


def close_matches(name: str, names: list[str]) -> list[str]:
    near = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
    near += [n for n in names if name.lower() in n.lower() and n not in near]
    return near[:5]


def resolve(spec: str, queries_dir: Path, relative=str, stdin=None) -> Query:
    """A query by catalogue name, by file path, or ``-`` for standard input."""
    if spec == "-":
        text = (stdin.read() if stdin is not None else "").strip("\ufeff")
        return parse_query(text, "<stdin>", None, "<stdin>")
    path = Path(spec)
    if spec.endswith(".rq") or path.is_file():
        if not path.is_file():
            raise InputError("no such query file", path=spec)
        return parse_query(path.read_text(encoding="utf-8"), path.stem, path, spec)
    queries = catalogue(queries_dir, relative) if queries_dir.is_dir() else {}
    if spec in queries:
        return queries[spec]
    near = close_matches(spec, list(queries))
    hint = f"; did you mean {', '.join(near)}?" if near else "; 'innograph queries' lists them"
    raise UsageError(f"no query named {spec!r} in the catalogue{hint}")
