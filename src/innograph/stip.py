"""Programmes as a STIP Compass download: one row per programme, in the EC-OECD STIP Compass vocabulary.

``innograph export stip --out FILE.csv`` writes one CSV row per programme (every entity whose class is
``ig:Programme`` or below it) with its place, period, instruments, target groups, themes, responsible bodies
and the citation of the article(s) it comes from. Instruments are given as the STIP Compass policy
instrument types that the project's own instrument concepts map to (``skos:exactMatch`` or
``skos:closeMatch`` into ``ontology/vocab/stip-instruments.ttl``), including those of the programme's
measures; target groups and themes are the ``ig:targetGroup`` and ``ig:theme`` tags, which already are STIP
concepts.

Column names follow the STIP Compass data download where its names are known (``InitiativeID``,
``InstrumentTypeCode``, and the ``TG``/``TH`` codes it uses for target groups and themes); the rest name
what they hold. Several values in one cell are joined with `` | `` in a stable order. The STIP download has
one row per instrument type of an initiative; here it is one row per programme, with the instrument types
together in one cell.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from innograph.namespaces import GRAPH, SRC

COLUMNS = [
    "InitiativeID",
    "Name",
    "Kind",
    "CountryOrRegion",
    "StartDateYear",
    "EndDateYear",
    "DateIssued",
    "InstrumentTypeCode",
    "InstrumentTypeLabel",
    "TargetGroupCode",
    "TargetGroupLabel",
    "ThemeCode",
    "ThemeLabel",
    "ResponsibleOrganisation",
    "Source",
]

SEP = " | "

_PREFIXES = """PREFIX ig: <https://w3id.org/innograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

PROGRAMMES = (
    _PREFIXES
    + """SELECT DISTINCT ?p ?g ?kind WHERE {
  GRAPH ?g { ?p a ?class }
  ?class rdfs:subClassOf* ig:Programme .
  OPTIONAL { ?class rdfs:label ?kind_ FILTER (LANG(?kind_) = "en") }
  BIND (COALESCE(STR(?kind_), "") AS ?kind)
}"""
)

# one query per multi-valued column: (column key, query with ?p and ?value, and ?code where there is one)
_VALUES = {
    "name": "SELECT DISTINCT ?p ?value WHERE { ?p rdfs:label ?value FILTER (LANG(?value) = 'en') }",
    "place": """SELECT DISTINCT ?p ?value WHERE {
  { ?p ig:scope ?place } UNION { ?p ig:issuedBy|ig:launchedBy ?body . ?body ig:jurisdiction ?place .
    FILTER NOT EXISTS { ?p ig:scope ?any } }
  ?place rdfs:label ?value FILTER (LANG(?value) = 'en') }""",
    "start": "SELECT DISTINCT ?p ?value WHERE { ?p ig:periodStart ?value }",
    "end": "SELECT DISTINCT ?p ?value WHERE { ?p ig:periodEnd ?value }",
    "issued": "SELECT DISTINCT ?p ?value WHERE { ?p ig:date ?value }",
    "instrument": """SELECT DISTINCT ?p ?code ?value WHERE {
  { ?p ig:instrument ?own } UNION { ?p ig:hasMeasure/ig:instrument ?own }
  ?own skos:exactMatch|skos:closeMatch ?stip .
  ?stip skos:notation ?code ; skos:prefLabel ?value FILTER (LANG(?value) = 'en') }""",
    "group": """SELECT DISTINCT ?p ?code ?value WHERE {
  ?p ig:targetGroup ?c . ?c skos:notation ?code ; skos:prefLabel ?value FILTER (LANG(?value) = 'en') }""",
    "theme": """SELECT DISTINCT ?p ?code ?value WHERE {
  ?p ig:theme ?c . ?c skos:notation ?code ; skos:prefLabel ?value FILTER (LANG(?value) = 'en') }""",
    "body": """SELECT DISTINCT ?p ?value WHERE {
  ?p ig:issuedBy|ig:launchedBy ?body . ?body rdfs:label ?value FILTER (LANG(?value) = 'en') }""",
    "citation": """SELECT DISTINCT ?src ?value WHERE {
  ?src ig:citation ?value FILTER (LANG(?value) IN ('en', '')) }""",
}


def _code_key(code: str) -> tuple:
    """STIP codes in numeric order: TG9 before TG10, PI006 before PI017."""
    head = code.rstrip("0123456789")
    tail = code[len(head) :]
    return (head, int(tail) if tail else -1, code)


def _year(value: str) -> str:
    return value[:4] if value[:4].isdigit() else value


def rows(engine) -> list[dict[str, str]]:
    """One dict per programme, keyed by :data:`COLUMNS`, sorted by country or region and name."""
    programmes: dict[str, dict] = {}
    for row in engine.run(PROGRAMMES).rows:
        p = row["p"].value
        entry = programmes.setdefault(p, {"graphs": set(), "kinds": set()})
        entry["graphs"].add(row["g"].value)
        if row.get("kind") and row["kind"].value:
            entry["kinds"].add(row["kind"].value)

    values: dict[str, dict[str, set]] = {}
    for key, query in _VALUES.items():
        found: dict[str, set] = defaultdict(set)
        for row in engine.run(_PREFIXES + query).rows:
            subject = row["src"].value if key == "citation" else row["p"].value
            code = row["code"].value if "code" in row else None
            found[subject].add((code, row["value"].value))
        values[key] = found

    def plain(key: str, p: str, year: bool = False) -> str:
        got = sorted({(_year(v) if year else v) for _, v in values[key].get(p, ())})
        return SEP.join(got)

    def coded(key: str, p: str) -> tuple[str, str]:
        got = sorted(values[key].get(p, ()), key=lambda cv: _code_key(cv[0]))
        return SEP.join(c for c, _ in got), SEP.join(v for _, v in got)

    out = []
    for p, entry in programmes.items():
        sources = sorted(SRC + g[len(GRAPH) :] for g in entry["graphs"] if g.startswith(GRAPH))
        citations = [v for s in sources for _, v in sorted(values["citation"].get(s, ()))]
        instrument_codes, instrument_labels = coded("instrument", p)
        group_codes, group_labels = coded("group", p)
        theme_codes, theme_labels = coded("theme", p)
        out.append(
            {
                "InitiativeID": p,
                "Name": plain("name", p),
                "Kind": SEP.join(sorted(entry["kinds"])),
                "CountryOrRegion": plain("place", p),
                "StartDateYear": plain("start", p, year=True),
                "EndDateYear": plain("end", p, year=True),
                "DateIssued": plain("issued", p),
                "InstrumentTypeCode": instrument_codes,
                "InstrumentTypeLabel": instrument_labels,
                "TargetGroupCode": group_codes,
                "TargetGroupLabel": group_labels,
                "ThemeCode": theme_codes,
                "ThemeLabel": theme_labels,
                "ResponsibleOrganisation": plain("body", p),
                "Source": SEP.join(citations),
            }
        )
    out.sort(key=lambda r: (r["CountryOrRegion"], r["Name"], r["InitiativeID"]))
    return out


def to_csv(table: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()


def export(engine, out: Path) -> int:
    """Write the programmes as CSV to ``out`` at once (temporary file, then rename); return the row count."""
    from innograph.atomic import write_text

    table = rows(engine)
    write_text(Path(out), to_csv(table))
    return len(table)
