"""Query results in one engine-neutral shape, and the formats they are printed in.

Every engine (Oxigraph, rdflib, a remote SPARQL endpoint) answers with a :class:`Table` of :class:`Term`
values, modelled on the SPARQL 1.1 JSON results format, so that answers can be compared across engines
and printed the same way whichever engine gave them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from innograph.namespaces import XSD, curie
from innograph.terminal import printable

NUMERIC = {f"{XSD}{t}" for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}
FORMATS = ("table", "csv", "json", "md")


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


@dataclass
class Table:
    """The answer to a SELECT (rows) or ASK (boolean) query."""

    variables: list[str]
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None

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

    def _cells(self) -> list[list[str]]:
        return [[row[v].text() if v in row else "" for v in self.variables] for row in self.rows]

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
        cells = [[printable(c.replace("\n", " ")) for c in row] for row in self._cells()]
        widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(self.variables)]
        line = "  ".join("-" * w for w in widths)
        out = ["  ".join(v.ljust(w) for v, w in zip(self.variables, widths, strict=True)).rstrip(), line]
        out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
        out.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(out)

    def to_markdown(self) -> str:
        if self.boolean is not None:
            return f"**{'yes' if self.boolean else 'no'}**"

        def esc(text: str) -> str:
            return printable(text.replace("|", "\\|").replace("\n", " "))

        out = ["| " + " | ".join(self.variables) + " |", "|" + "|".join(" --- " for _ in self.variables) + "|"]
        out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in self._cells()]
        return "\n".join(out)

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return self.to_json()
        if fmt == "csv":
            return self.to_csv().rstrip("\n")
        if fmt == "md":
            return self.to_markdown()
        return self.to_table()
