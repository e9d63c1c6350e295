"""Query results in one engine-neutral shape, and the formats they are printed in.

Every engine (Oxigraph, rdflib, a remote SPARQL endpoint) answers with a :class:`Table` of :class:`Term`
values, modelled on the SPARQL 1.1 JSON results format, so that answers can be compared across engines
and printed the same way whichever engine gave them; a CONSTRUCT or DESCRIBE answers with Turtle, which
:func:`render_graph` writes as Turtle, N-Triples or JSON-LD.

What a person reads (``table``, ``md``) and what a machine reads (``csv``, ``json``) differ in two ways:

* **Identifiers.** A column ``fooId`` holds the IRI behind the label in column ``foo`` (the convention of
  the catalogue queries): ``csv`` writes it as a CURIE, ``json`` as the IRI, both ready to join on or to
  give back as ``--param``; ``table`` and ``md`` leave it out, since ``foo`` shows the same thing in words.
* **Languages.** When a query was asked for labels in one language (its ``lang`` parameter), a label that
  came in another (English where Chinese was asked and the graph has none) is marked with ``*`` in
  ``table`` and ``md``, and a footer line says what the mark means. ``json`` carries every literal's
  ``xml:lang`` as it is; ``csv`` writes plain values. Verbatim text (a ``quote`` or ``note`` column) is in
  the language it was written in and is never marked.

Columns are aligned by display width: a CJK character takes two terminal columns, a combining mark none.

A :class:`Table` may hold one :class:`Page` of a longer answer: its rows, the page they are, and the number
of rows of the whole answer (``total``), which ``table`` and ``md`` print under the rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from innograph.namespaces import XSD, curie
from innograph.terminal import display_width, pad, printable

NUMERIC = {f"{XSD}{t}" for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}
FORMATS = ("table", "csv", "json", "md")  # for SELECT and ASK
GRAPH_FORMATS = ("ttl", "nt", "jsonld")  # for CONSTRUCT and DESCRIBE; "table" means ttl, "json" jsonld
FALLBACK_MARK = "*"
LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}
ID_SUFFIX = "Id"
DEFAULT_PAGE_SIZE = 100  # rows per page when a page is asked for and the query's header gives no size


def language_name(tag: str) -> str:
    return LANGUAGE_NAMES.get(tag.lower().split("-")[0], tag)


def _primary(tag: str | None) -> str:
    return (tag or "").lower().split("-")[0]


def is_verbatim(column: str) -> bool:
    """A column of text quoted or written as it is (an article's sentence, a curator's note), whose
    language is the one it was written in: never a fallback."""
    name = column.lower()
    return name.endswith("quote") or name.endswith("note") or name.endswith("notes")


@dataclass(frozen=True)
class Term:
    """An RDF term as SPARQL JSON results carry it: type ``uri``, ``literal`` or ``bnode``."""

    type: str
    value: str
    lang: str | None = None
    datatype: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"type": self.type, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != f"{XSD}string":
            out["datatype"] = self.datatype
        return out

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Term:
        kind = "literal" if data["type"] == "typed-literal" else data["type"]
        return cls(kind, data["value"], data.get("xml:lang"), data.get("datatype"))

    def text(self) -> str:
        """How a person reads the term in a table: a CURIE for an IRI, the plain text of a literal."""
        if self.type == "uri":
            return curie(self.value)
        if self.type == "bnode":
            return f"_:{self.value}"
        return self.value

    def normalised(self) -> tuple:
        """A key under which engines that agree give equal terms: numbers by value, language tags in lower
        case, xsd:string as a plain literal."""
        if self.type != "literal":
            return (self.type, self.value)
        if self.datatype in NUMERIC:
            try:
                return ("number", Decimal(self.value).normalize())
            except InvalidOperation:
                pass
        datatype = None if self.datatype in (None, f"{XSD}string") or self.lang else self.datatype
        return ("literal", self.value, (self.lang or "").lower(), datatype)


@dataclass(frozen=True)
class Page:
    """Page ``number`` (from 1) of an answer cut into pages of ``size`` rows, in the answer's order.
    ``sized``: the size is not the query's usual one, so the way to the next page names it too."""

    number: int
    size: int
    sized: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.number < 1 or self.size < 1:
            raise ValueError(f"a page is numbered from 1 and holds 1 row or more, not {self.number}, {self.size}")

    @property
    def start(self) -> int:
        """The index (from 0) of the page's first row in the whole answer."""
        return (self.number - 1) * self.size

    @property
    def stop(self) -> int:
        return self.start + self.size

    def count(self, total: int) -> int:
        """How many pages of this size an answer of ``total`` rows has (one, if it has none)."""
        return max(1, -(-total // self.size))

    def asking(self, number: int) -> str:
        """The options that ask for page ``number`` of this size."""
        return f"--page {number}" + (f" --page-size {self.size}" if self.sized else "")


@dataclass
class Table:
    """The answer to a SELECT (rows) or ASK (boolean) query; with ``page``, the rows of that page only, and
    in ``total`` the number of rows of the whole answer."""

    variables: list[str]
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    lang: str | None = None  # the language the labels were asked in (the query's lang parameter), if any
    page: Page | None = None
    total: int | None = None

    def paged(self, page: Page | None) -> Table:
        """This answer's rows on ``page`` (a copy, with the total), or the whole table for None or an ASK."""
        if page is None or self.boolean is not None:
            return self
        if self.page is not None:
            raise ValueError("this table is a page already: page the whole answer")
        return Table(self.variables, self.rows[page.start : page.stop], None, self.lang, page, len(self.rows))

    def page_note(self) -> str | None:
        """The footer of a page: which rows of how many, and how to see the next page or every row; None
        when the whole answer fits on the first page."""
        if self.page is None or self.total is None or (self.page.number == 1 and len(self.rows) >= self.total):
            return None
        first, last, total = self.page.start + 1, self.page.start + len(self.rows), self.total
        rows = f"row {first:,} of {total:,}" if first == last else f"rows {first:,} to {last:,} of {total:,}"
        if last >= total:
            return f"({rows}: the last page; every row: --all)"
        following = min(self.page.size, total - last)
        return f"({rows}: {self.page.asking(self.page.number + 1)} shows the next {following:,}; every row: --all)"

    def normalised(self) -> list[tuple]:
        """Rows as sorted comparable tuples, for comparing engines regardless of order."""
        keys = [tuple(row[v].normalised() if v in row else None for v in self.variables) for row in self.rows]
        return sorted(keys, key=repr)

    # ----- formats

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean}, indent=2)
        bindings = [{v: row[v].to_json() for v in self.variables if v in row} for row in self.rows]
        return json.dumps(
            {"head": {"vars": self.variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=2
        )

    @classmethod
    def from_json(cls, text: str) -> Table:
        data = json.loads(text)
        if "boolean" in data:
            return cls([], [], bool(data["boolean"]))
        variables = list(data["head"].get("vars", []))
        rows = [{k: Term.from_json(v) for k, v in b.items()} for b in data["results"]["bindings"]]
        return cls(variables, rows)

    def _cells(self, variables: list[str] | None = None) -> list[list[str]]:
        variables = self.variables if variables is None else variables
        return [[row[v].text() if v in row else "" for v in variables] for row in self.rows]

    # ----- what a person reads

    def shown_variables(self) -> list[str]:
        """The columns a person reads: all but an identifier column ``fooId`` beside its label ``foo``."""
        names = set(self.variables)
        return [
            v
            for v in self.variables
            if not (v.endswith(ID_SUFFIX) and len(v) > len(ID_SUFFIX) and v[: -len(ID_SUFFIX)] in names)
        ]

    def is_fallback(self, column: str, term: Term | None) -> bool:
        """A label in another language than the one asked for."""
        return (
            self.lang is not None
            and term is not None
            and term.type == "literal"
            and term.lang is not None
            and _primary(term.lang) != _primary(self.lang)
            and not is_verbatim(column)
        )

    def _human(self, escape) -> tuple[list[str], list[list[str]], list[str]]:
        """Shown columns, their cells (escaped, fallbacks marked) and the languages fallen back to."""
        shown = self.shown_variables()
        fallen: list[str] = []
        cells = []
        for row in self.rows:
            line = []
            for v in shown:
                term = row.get(v)
                text = escape(term.text()) if term is not None else ""
                if self.is_fallback(v, term):
                    text += " " + escape(FALLBACK_MARK)
                    if language_name(term.lang) not in fallen:
                        fallen.append(language_name(term.lang))
                line.append(text)
            cells.append(line)
        return shown, cells, fallen

    def fallback_note(self, fallen: list[str]) -> str | None:
        if not fallen or self.lang is None:
            return None
        return f"{FALLBACK_MARK} no {language_name(self.lang)} label: {' or '.join(fallen)} shown"

    # ----- formats

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if self.boolean is not None:
            writer.writerow(["boolean"])
            writer.writerow([str(self.boolean).lower()])
            return out.getvalue()
        writer.writerow(self.variables)
        writer.writerows(self._cells())
        return out.getvalue()

    def to_table(self) -> str:
        if self.boolean is not None:
            return "yes" if self.boolean else "no"
        shown, cells, fallen = self._human(lambda text: printable(text.replace("\n", " ")))
        widths = [max([display_width(v), *(display_width(r[i]) for r in cells)]) for i, v in enumerate(shown)]
        line = "  ".join("-" * w for w in widths)
        out = ["  ".join(pad(v, w) for v, w in zip(shown, widths, strict=True)).rstrip(), line]
        out += ["  ".join(pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
        out.append(self.page_note() or f"({len(self.rows):,} row{'s' if len(self.rows) != 1 else ''})")
        note = self.fallback_note(fallen)
        if note:
            out.append(note)
        return "\n".join(out)

    def to_markdown(self) -> str:
        if self.boolean is not None:
            return f"**{'yes' if self.boolean else 'no'}**"

        def esc(text: str) -> str:
            return printable(text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("\n", " "))

        shown, cells, fallen = self._human(esc)
        out = ["| " + " | ".join(esc(v) for v in shown) + " |", "|" + "|".join(" --- " for _ in shown) + "|"]
        out += ["| " + " | ".join(row) + " |" for row in cells]
        notes = [n for n in (self.page_note(), self.fallback_note(fallen)) if n]
        if notes:
            out += ["", *(esc(n) for n in notes)]
        return "\n".join(out)

    # ----- for analysis in Python

    def _kinds(self) -> dict[str, str]:
        """What each column holds, for :meth:`to_records` and :meth:`to_pandas`: ``integer``, ``number``
        (any decimal or double among them), ``year`` (xsd:gYear, or plain text that is always four digits),
        ``date``, ``boolean`` or ``text`` (labels, CURIEs, periods such as ``2021-2025``, anything mixed)."""
        kinds = {}
        for name in self.variables:
            found = {_kind_of(row[name]) for row in self.rows if name in row}
            if not found:
                kinds[name] = "text"
            elif found <= {"integer"}:
                kinds[name] = "integer"
            elif found <= {"integer", "number"}:
                kinds[name] = "number"
            elif found <= {"year", "plain-year"}:
                kinds[name] = "year"
            elif len(found) == 1 and next(iter(found)) in ("date", "boolean"):
                kinds[name] = next(iter(found))
            else:
                kinds[name] = "text"
        return kinds

    def to_records(self) -> list[dict]:
        """The rows as dicts of plain Python values, one key per column (None where a row has no value):
        ``xsd:integer`` as int, ``xsd:decimal`` as Decimal, ``xsd:double`` as float, years as int,
        ``xsd:date`` as ``datetime.date``, ``xsd:boolean`` as bool, an IRI as its CURIE (as ``--format
        csv`` writes it), anything else (labels, ``gYearMonth``, periods such as ``2021-2025``) as str.
        An ASK query gives one record, ``{"boolean": True}`` or ``False``."""
        if self.boolean is not None:
            return [{"boolean": self.boolean}]
        kinds = self._kinds()
        return [{v: _python_value(row[v], kinds[v]) if v in row else None for v in self.variables} for row in self.rows]

    def to_pandas(self):
        """The rows as a pandas DataFrame, one column per variable (identifier columns ``fooId`` included,
        as CURIEs): numbers as float64 (Int64 when every value is an integer), years as Int64, dates as
        datetime64, labels and periods such as ``2021-2025`` as text; a missing value is NA. pandas is
        imported here only (``pip install 'innograph[analysis]'`` or ``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError:
            message = "to_pandas needs pandas: pip install pandas (or pip install 'innograph[analysis]')"
            raise ImportError(message) from None
        if self.boolean is not None:
            return pd.DataFrame({"boolean": [self.boolean]})
        kinds = self._kinds()
        records = self.to_records()
        columns = {}
        for name in self.variables:
            values = [record[name] for record in records]
            kind = kinds[name]
            if kind in ("integer", "year"):
                columns[name] = pd.array(values, dtype="Int64")
            elif kind == "number":
                columns[name] = pd.array([float(v) if v is not None else None for v in values], dtype="float64")
            elif kind == "date":
                columns[name] = pd.to_datetime(pd.Series(values, dtype="object"))
            elif kind == "boolean":
                columns[name] = pd.array(values, dtype="boolean")
            else:
                columns[name] = pd.Series(values, dtype="object")
        return pd.DataFrame(columns, columns=self.variables)

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return self.to_json()
        if fmt == "csv":
            return self.to_csv().rstrip("\n")
        if fmt == "md":
            return self.to_markdown()
        if fmt != "table":
            raise ValueError(f"--format {fmt} is for graphs (CONSTRUCT, DESCRIBE), not for a table of rows")
        return self.to_table()


_INTEGERS = {
    f"{XSD}{t}"
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_NUMBERS = {f"{XSD}{t}" for t in ("decimal", "double", "float")}
_YEAR_TEXT = re.compile(r"-?\d{4}")


def _kind_of(term: Term) -> str:
    """One value's kind, from which :meth:`Table._kinds` decides its column's."""
    if term.type != "literal":
        return "iri"
    datatype = term.datatype
    if datatype in _INTEGERS:
        return "integer"
    if datatype in _NUMBERS:
        return "number"
    if datatype == f"{XSD}gYear":
        return "year" if _YEAR_TEXT.fullmatch(term.value) else "text"
    if datatype == f"{XSD}date":
        return "date"
    if datatype == f"{XSD}boolean":
        return "boolean"
    if not term.lang and datatype in (None, f"{XSD}string") and _YEAR_TEXT.fullmatch(term.value):
        return "plain-year"
    return "text"


def _python_value(term: Term, kind: str):
    """One value as plain Python, in its column's kind (a value that will not convert stays text)."""
    if term.type != "literal":
        return term.text()
    try:
        if kind == "integer" or kind == "year":
            return int(term.value)
        if kind == "number":
            if term.datatype in (f"{XSD}double", f"{XSD}float"):
                return float(term.value)
            return Decimal(term.value)
        if kind == "date":
            return datetime.date.fromisoformat(term.value[:10])
        if kind == "boolean":
            return term.value in ("true", "1")
    except (ValueError, InvalidOperation):
        pass
    return term.value


def render_graph(turtle: bytes, fmt: str) -> bytes:
    """A CONSTRUCT or DESCRIBE result, which engines give as Turtle with the project's prefixes, in ``fmt``:
    ``ttl`` (or ``table``, the default) as it is, ``nt`` N-Triples, ``jsonld`` (or ``json``) JSON-LD in
    expanded form, one object per subject."""
    import pyoxigraph as ox

    if fmt in ("ttl", "table"):
        return turtle
    if fmt not in ("nt", "jsonld", "json"):
        raise ValueError(f"--format {fmt} is for tables of rows (SELECT, ASK), not for a graph")
    triples = [quad.triple for quad in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]
    if fmt == "nt":
        return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)
    data = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    data.sort(key=lambda node: node.get("@id", ""))
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
