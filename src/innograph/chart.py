"""Charts of targets and figures, as one small offline HTML page each: hand-written SVG, no library.

* :func:`indicator_chart`: one indicator across places and years. Targets are hollow marks, reported
  figures filled ones; a target over a period is a line across its years ending in the mark at its due
  year; a range is a vertical bar from its lower to its upper value. The comparator stands before the value
  (``≈2.8``, ``>1.5``), the y axis names the unit (one panel per unit), each place has its colour.
* :func:`timeline_chart`: programmes in force as bars over their periods, with the targets each sets as
  marks at their due year on its row.

Every mark carries ``data-mark`` (``target``, ``figure``, ``programme``) and a tooltip with its verbatim
quote and the citation of its article, both as a native SVG ``<title>`` and in a panel the page fills
with ``textContent``. Text from the graph only ever enters the page escaped (element text or attribute
values), never as markup. The same graph gives the same bytes: no dates, no random identifiers, rows in a
fixed order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

from innograph.catalog import parse_query
from innograph.query import run_query

PALETTE = (  # Okabe-Ito and Tableau hues, distinguishable and readable on white
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#8c564b",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
EN_DASH = "\u2013"
COMPARATOR_SIGNS = {
    "exactly": "",
    "about": "≈",
    "nearly": "≈",
    "more-than": ">",
    "at-least": "≥",
    "at-most": "≤",
    "less-than": "<",
    "between": "",
}

# the citation of the source ?src (its ig:citation, else its title) as ?citation, and a statement ?s's value
# (a single value, or the lower bound of a range with ?upper) and year: the same in the chart's queries
_SOURCE_OPTIONALS = """
  OPTIONAL { ?src ig:title ?title_ FILTER (LANG(?title_) IN ("en", "")) }
  OPTIONAL { ?src ig:citation ?cited_ FILTER (LANG(?cited_) IN ("en", "")) }
"""
_CITATION = (
    _SOURCE_OPTIONALS
    + """  BIND (STR(COALESCE(?cited_, ?title_, "")) AS ?citation)
"""
)
_VALUE = """  OPTIONAL { ?s ig:value ?v }
  OPTIONAL { ?s ig:minValue ?min ; ig:maxValue ?upper }
  BIND (COALESCE(?v, ?min) AS ?value)
  OPTIONAL { ?s ig:year ?year }
"""

INDICATOR_QUERY = (
    """# title: chart rows of one indicator
# param: indicator (concept) = ind:rd-intensity : the indicator
SELECT DISTINCT ?s ?k ?a ?subject ?cmp ?comparator ?value ?upper ?unit ?year ?start ?end ?quote ?citation WHERE {
  ?s ig:indicator ?indicator ; a ?k ; ig:about ?a ; ig:comparator ?cmp ; ig:unit ?u ; dcterms:source ?src .
  VALUES ?k { ig:Target ig:Observation }
  OPTIONAL { ?s ig:quote ?quote }
"""
    + _CITATION
    + _VALUE
    + """  OPTIONAL { ?s ig:periodStart ?start }
  OPTIONAL { ?s ig:periodEnd ?end }
  OPTIONAL { ?a rdfs:label ?subject FILTER (LANG(?subject) = "en") }
  OPTIONAL { ?cmp skos:prefLabel ?comparator FILTER (LANG(?comparator) = "en") }
  OPTIONAL { ?u skos:prefLabel ?unit FILTER (LANG(?unit) = "en") }
}
"""
)

INDICATOR_LABEL_QUERY = """# title: an indicator's label
# param: indicator (concept) = ind:rd-intensity : the indicator
SELECT ?label WHERE { OPTIONAL { ?indicator skos:prefLabel ?label FILTER (LANG(?label) = "en") } }
"""

PROGRAMME_QUERY = (
    """# title: programmes with a period
SELECT DISTINCT ?p ?programme ?kind ?start ?end ?by ?scope ?quote ?citation WHERE {
  ?p a ?c ; ig:periodStart ?start ; ig:periodEnd ?end .
  ?c rdfs:subClassOf* ig:Programme .
  FILTER NOT EXISTS { ?p a ?c2 . ?c2 rdfs:subClassOf+ ?c . ?c2 rdfs:subClassOf* ig:Programme }
  OPTIONAL { ?p rdfs:label ?programme FILTER (LANG(?programme) = "en") }
  OPTIONAL { ?c rdfs:label ?kind FILTER (LANG(?kind) = "en") }
  OPTIONAL { ?p ig:issuedBy|ig:launchedBy ?b . ?b rdfs:label ?by FILTER (LANG(?by) = "en") }
  OPTIONAL { ?p ig:scope ?sc . ?sc rdfs:label ?scope FILTER (LANG(?scope) = "en") }
  OPTIONAL {
    ?r rdf:subject ?p ; rdf:predicate ig:periodStart ; ig:quote ?quote ; dcterms:source ?src ."""
    + _SOURCE_OPTIONALS
    + """  }
  BIND (STR(COALESCE(?cited_, ?title_, "")) AS ?citation)
}
"""
)

PLACE_FILTER = """# title: programmes about a place
# param: place (entity) = ningbo : the place
SELECT DISTINCT ?p WHERE {
  { ?p ig:scope/ig:locatedIn* ?place }
  UNION { ?p (ig:issuedBy|ig:launchedBy)/ig:jurisdiction/ig:locatedIn* ?place }
  UNION { ?t ig:setBy ?p ; ig:about/ig:locatedIn* ?place }
}
"""

TARGET_QUERY = (
    """# title: targets of programmes with a period
SELECT DISTINCT ?s ?p ?target ?indicator ?cmp ?comparator ?value ?upper ?unit ?year ?end ?quote ?citation WHERE {
  ?s a ig:Target ; ig:setBy ?p ; ig:comparator ?cmp ; dcterms:source ?src .
  ?p ig:periodStart ?ps_ ; ig:periodEnd ?pe_ .
  OPTIONAL { ?s rdfs:label ?target FILTER (LANG(?target) = "en") }
  OPTIONAL { ?s ig:indicator/skos:prefLabel ?indicator FILTER (LANG(?indicator) = "en") }
  OPTIONAL { ?cmp skos:prefLabel ?comparator FILTER (LANG(?comparator) = "en") }
  OPTIONAL { ?s ig:unit/skos:prefLabel ?unit FILTER (LANG(?unit) = "en") }
  OPTIONAL { ?s ig:quote ?quote }
"""
    + _CITATION
    + _VALUE
    + """  OPTIONAL { ?s ig:periodEnd ?end }
}
"""
)


def _select(text: str, name: str, engine, given: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Rows of a SELECT as plain strings (absent values as ""), parameters bound by the catalogue's rules."""
    table = run_query(parse_query(text, name), engine, given or {})
    return [{v: row[v].value if v in row else "" for v in table.variables} for row in table.rows]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _year(text: str) -> int | None:
    try:
        return int(str(text)[:4])
    except ValueError:
        return None


def _slug(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _fmt(value: float) -> str:
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _stated(comparator_iri: str, comparator: str, value: float, upper: float | None, unit: str) -> str:
    """What the statement says, comparator first: ``≈2.8 percent``, ``>1.5 percent``, a range ``10-20 count``."""
    sign = COMPARATOR_SIGNS.get(_slug(comparator_iri))
    if sign is None:
        sign = f"{comparator} " if comparator else ""
    amount = f"{_fmt(value)}{EN_DASH}{_fmt(upper)}" if upper is not None else _fmt(value)
    return f"{sign}{amount}" + (f" {unit}" if unit else "")


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-12:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _attr(text: str) -> str:
    return escape(str(text), quote=True)


def _text(text: str) -> str:
    return escape(str(text), quote=False)


def _wrap(text: str, width: int, lines: int) -> list[str]:
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out or [""]


# ----- the page

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
  color: #222; margin: 16px 24px; background: #fff; }}
h1 {{ font-size: 20px; margin: 0 0 4px; }}
p.note {{ margin: 0 0 8px; color: #555; }}
ul.legend {{ list-style: none; padding: 0; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 6px 18px; }}
ul.legend li {{ display: flex; align-items: center; gap: 6px; }}
ul.legend svg {{ flex: none; }}
svg.chart {{ display: block; width: 100%; max-width: {width}px; height: auto; }}
svg.chart text {{ font-family: inherit; fill: #222; }}
svg.chart .axis text {{ font-size: 12px; fill: #444; }}
svg.chart .axis line, svg.chart .axis path {{ stroke: #999; }}
svg.chart .grid line {{ stroke: #e6e6e6; }}
svg.chart .mark {{ cursor: pointer; }}
svg.chart .mark:hover, svg.chart .mark:focus {{ outline: none; filter: drop-shadow(0 0 2px #333); }}
#tip {{ position: fixed; display: none; max-width: 460px; padding: 8px 10px; background: #fffff4; color: #222;
  border: 1px solid #bbb; border-radius: 4px; box-shadow: 0 2px 8px rgba(0,0,0,.2); pointer-events: none;
  white-space: pre-line; font-size: 13px; z-index: 2; }}
table {{ border-collapse: collapse; margin-top: 16px; font-size: 13px; max-width: {width}px; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }}
</style>
</head>
<body>
<h1>{heading}</h1>
<p class="note">{note}</p>
{legend}
{svg}
<div id="tip" role="tooltip"></div>
{table}
<script>
(function () {{
  var tip = document.getElementById("tip");
  function show(mark, x, y) {{
    tip.textContent = mark.getAttribute("data-tip");
    tip.style.display = "block";
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.max(4, Math.min(window.innerWidth - w - 8, x + 14)) + "px";
    tip.style.top = Math.max(4, Math.min(window.innerHeight - h - 8, y + 14)) + "px";
  }}
  var marks = document.querySelectorAll("[data-mark]");
  for (var i = 0; i < marks.length; i++) {{
    marks[i].addEventListener("mousemove", function (e) {{ show(this, e.clientX, e.clientY); }});
    marks[i].addEventListener("mouseleave", function () {{ tip.style.display = "none"; }});
    marks[i].addEventListener("focus", function () {{
      var r = this.getBoundingClientRect(); show(this, r.right, r.top);
    }});
    marks[i].addEventListener("blur", function () {{ tip.style.display = "none"; }});
  }}
  window.innographView = {{ ready: true, loadMs: 0, marks: marks.length }};
}})();
</script>
</body>
</html>
"""


def _page(title: str, note: str, legend: str, svg: str, table: str, width: int) -> str:
    return PAGE.format(
        title=_text(title), heading=_text(title), note=_text(note), legend=legend, svg=svg, table=table, width=width
    )


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_text(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_text(c)}</td>" for c in row) + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"


def _mark_attrs(kind: str, tip: str, **data: str) -> str:
    extra = "".join(f' data-{k}="{_attr(v)}"' for k, v in sorted(data.items()))
    return f'class="mark" tabindex="0" data-mark="{kind}"{extra} data-tip="{_attr(tip)}"'


# ----- one indicator across places and years


@dataclass(frozen=True)
class Point:
    iri: str
    kind: str  # target or figure
    place: str
    place_iri: str
    value: float
    upper: float | None
    unit: str
    start: int | None
    due: int
    stated: str
    quote: str
    citation: str

    @property
    def span(self) -> str:
        return (
            f"{self.start}{EN_DASH}{self.due}" if self.start is not None and self.start != self.due else str(self.due)
        )

    def tip(self) -> str:
        lines = [f"{self.place}: {self.kind} {self.stated}, {self.span}"]
        if self.quote:
            lines.append(f"“{self.quote}”")
        if self.citation:
            lines.append(self.citation)
        return "\n".join(lines)


def indicator_points(engine, indicator_iri: str) -> list[Point]:
    points = []
    for row in _select(INDICATOR_QUERY, "chart-indicator", engine, {"indicator": indicator_iri}):
        value = _number(row["value"])
        due = _year(row["year"]) or _year(row["end"])
        if value is None or due is None:
            continue  # nothing to place on the chart; validate flags a target without value or time
        upper = _number(row["upper"]) if row["upper"] else None
        start = _year(row["start"]) if not row["year"] else None
        kind = "target" if row["k"].endswith("#Target") else "figure"
        place = row["subject"] or _slug(row["a"])
        points.append(
            Point(
                iri=row["s"],
                kind=kind,
                place=place,
                place_iri=row["a"],
                value=value,
                upper=upper,
                unit=row["unit"],
                start=start,
                due=due,
                stated=_stated(row["cmp"], row["comparator"], value, upper, row["unit"]),
                quote=row["quote"],
                citation=row["citation"],
            )
        )
    # one mark per statement: a second quote or citation of the same statement adds no mark
    seen: dict[str, Point] = {}
    for p in sorted(points, key=lambda p: (p.iri, p.quote, p.citation)):
        seen.setdefault(p.iri, p)
    return sorted(seen.values(), key=lambda p: (p.unit, p.place, p.due, p.kind, p.iri))


PLACE_LABEL_QUERY = """# title: a place's label
# param: place (entity) = ningbo : the place
SELECT ?label WHERE { OPTIONAL { ?place rdfs:label ?label FILTER (LANG(?label) = "en") } }
"""


def place_label(engine, place_iri: str) -> str:
    rows = _select(PLACE_LABEL_QUERY, "chart-place-label", engine, {"place": place_iri})
    return next((r["label"] for r in rows if r["label"]), _slug(place_iri))


def indicator_label(engine, indicator_iri: str) -> str:
    rows = _select(INDICATOR_LABEL_QUERY, "chart-indicator-label", engine, {"indicator": indicator_iri})
    return next((r["label"] for r in rows if r["label"]), _slug(indicator_iri))


WIDTH = 1240
LEFT, RIGHT, TOP, BOTTOM = 80, 30, 20, 50
PANEL_HEIGHT = 380


def _year_axis(x0: float, x1: float, years: range) -> tuple[float, callable]:
    span = len(years)
    step = (x1 - x0) / span

    def x(year: float) -> float:  # the centre of a year's band
        return x0 + (year - years.start + 0.5) * step

    return step, x


def render_indicator(label: str, indicator_iri: str, points: list[Point]) -> str:
    places = sorted({(p.place, p.place_iri) for p in points})
    colour = {iri: PALETTE[i % len(PALETTE)] for i, (_, iri) in enumerate(places)}
    units = sorted({p.unit for p in points})
    title = f"{label}: targets and reported figures"
    note = (
        "Hollow marks are targets, filled marks reported figures; a line runs across a target's period; the "
        "comparator stands before the value (≈ about, > more than, ≥ at least, ≤ at most). Hover or focus a "
        "mark for its quote and source."
    )
    legend = _legend(places, colour)
    if not points:
        svg = (
            f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 80" width="{WIDTH}" '
            'height="80" role="img"><text x="20" y="40" font-size="16">No targets or figures for this indicator '
            "in the graph.</text></svg>"
        )
        return _page(title, note, legend, svg, "", WIDTH)
    first = min(min(p.due, p.start or p.due) for p in points)
    last = max(p.due for p in points)
    years = range(first - 1, last + 2)  # a year of margin either side
    height = TOP + len(units) * (PANEL_HEIGHT + BOTTOM) + 10
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-label="{_attr(title)}" data-indicator="{_attr(indicator_iri)}">'
    ]
    for n, unit in enumerate(units):
        top = TOP + n * (PANEL_HEIGHT + BOTTOM)
        parts.append(_indicator_panel(unit, [p for p in points if p.unit == unit], years, top, colour))
    parts.append("</svg>")
    headers = ["place", "kind", "stated", "year", "quote", "citation"]
    rows = [[p.place, p.kind, p.stated, p.span, p.quote, p.citation] for p in points]
    return _page(title, note, legend, "\n".join(parts), _table(headers, rows), WIDTH)


def _legend(places, colour) -> str:
    items = [
        '<li><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="5.5" fill="#fff" '
        'stroke="#333" stroke-width="2"/></svg>target</li>',
        '<li><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="#333"/></svg>'
        "reported figure</li>",
    ]
    for name, iri in places:
        items.append(
            f'<li data-place="{_attr(iri)}"><svg width="16" height="16" aria-hidden="true"><rect width="16" '
            f'height="16" rx="3" fill="{colour[iri]}"/></svg>{_text(name)}</li>'
        )
    return '<ul class="legend">' + "".join(items) + "</ul>"


def _indicator_panel(unit: str, points: list[Point], years: range, top: float, colour: dict[str, str]) -> str:
    x0, x1 = LEFT, WIDTH - RIGHT
    y0, y1 = top + PANEL_HEIGHT, top  # bottom and top of the plot area
    highest = max(max(p.value, p.upper or p.value) for p in points)
    lowest = min(p.value for p in points)
    ticks = nice_ticks(highest * 1.15)
    if lowest < 0:
        below = nice_ticks(-lowest * 1.15)
        ticks = sorted({-t for t in below} | set(ticks))
    low, high = ticks[0], ticks[-1]

    def y(value: float) -> float:
        return y0 - (value - low) / (high - low) * (y0 - y1)

    step, x = _year_axis(x0, x1, years)
    out = [f'<g class="panel" data-unit="{_attr(unit)}">']
    out.append(
        f'<rect class="plot-area" x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" fill="none" stroke="#ccc"/>'
    )
    out.append('<g class="grid">')
    out += [f'<line x1="{x0}" x2="{x1}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>' for t in ticks]
    out.append("</g>")
    out.append('<g class="axis y-axis">')
    out += [f'<text x="{x0 - 8}" y="{y(t) + 4:.1f}" text-anchor="end">{_fmt(t)}</text>' for t in ticks]
    out.append(
        f'<text class="unit" transform="translate({22},{(y0 + y1) / 2:.1f}) rotate(-90)" text-anchor="middle" '
        f'font-size="13">{_text(unit or "value")}</text>'
    )
    out.append("</g>")
    out.append('<g class="axis x-axis">')
    for year in years:
        out.append(f'<line x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{y0}" y2="{y0 + 5}"/>')
        out.append(f'<text x="{x(year):.1f}" y="{y0 + 20}" text-anchor="middle">{year}</text>')
    out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y0 + 40}" text-anchor="middle" font-size="13">year</text>')
    out.append("</g>")
    # marks of one place and year side by side, so that a target and a figure of the same year both show
    groups: dict[tuple[int, float], int] = {}
    for p in points:
        key = (p.due, round(y(p.value)))
        offset = groups.get(key, 0)
        groups[key] = offset + 1
        cx = x(p.due) + offset * 14
        cy = y(p.value)
        fill = colour[p.place_iri]
        mark = [f"<g {_mark_attrs(p.kind, p.tip(), place=p.place_iri, statement=p.iri)}>"]
        mark.append(f"<title>{_text(p.tip())}</title>")
        if p.start is not None and p.start < p.due:
            mark.append(
                f'<line x1="{x(p.start) - step * 0.4:.1f}" x2="{cx:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                f'stroke="{fill}" stroke-width="3" stroke-dasharray="6 4" opacity="0.7"/>'
            )
        if p.upper is not None:
            mark.append(
                f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{cy:.1f}" y2="{y(p.upper):.1f}" stroke="{fill}" '
                'stroke-width="3"/>'
            )
        if p.kind == "target":
            mark.append(
                f'<circle class="dot" cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="#fff" stroke="{fill}" stroke-width="3"/>'
            )
        else:
            mark.append(f'<circle class="dot" cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="{fill}"/>')
        anchor, dx = ("end", -12) if cx > x1 - 120 else ("start", 12)
        mark.append(
            f'<text x="{cx + dx:.1f}" y="{cy - 10:.1f}" text-anchor="{anchor}" font-size="13" '
            f'fill="{fill}">{_text(p.stated)}</text>'
        )
        mark.append("</g>")
        out.append("".join(mark))
    out.append("</g>")
    return "\n".join(out)


def indicator_chart(engine, indicator_iri: str) -> tuple[str, list[Point]]:
    """The page of one indicator, and the points drawn on it."""
    points = indicator_points(engine, indicator_iri)
    return render_indicator(indicator_label(engine, indicator_iri), indicator_iri, points), points


# ----- programmes in force over time


def _with_evidence(lines: list[str], quote: str, citation: str) -> str:
    """A tooltip's lines, then the quote and the citation that support it (where there are any)."""
    return "\n".join([*lines, *([f"“{quote}”"] if quote else []), *([citation] if citation else [])])


@dataclass(frozen=True)
class Programme:
    iri: str
    label: str
    kind: str
    start: int
    end: int
    by: str
    scope: str
    quote: str
    citation: str

    def tip(self) -> str:
        lines = [f"{self.label} ({self.kind}), {self.start}{EN_DASH}{self.end}"]
        if self.by:
            lines.append(f"issued by {self.by}")
        if self.scope:
            lines.append(f"scope: {self.scope}")
        return _with_evidence(lines, self.quote, self.citation)


@dataclass(frozen=True)
class DueTarget:
    iri: str
    programme: str
    label: str
    due: int
    stated: str
    quote: str
    citation: str

    def tip(self) -> str:
        return _with_evidence([f"{self.label}: {self.stated} by {self.due}"], self.quote, self.citation)


def timeline_data(engine, place_iri: str | None = None) -> tuple[list[Programme], list[DueTarget]]:
    keep = None
    if place_iri is not None:
        keep = {r["p"] for r in _select(PLACE_FILTER, "chart-place", engine, {"place": place_iri})}
    found: dict[str, Programme] = {}
    for row in sorted(
        _select(PROGRAMME_QUERY, "chart-programmes", engine),
        key=lambda r: tuple(r[k] for k in ("p", "kind", "by", "scope", "quote", "citation", "start", "end")),
    ):
        start, end = _year(row["start"]), _year(row["end"])
        if start is None or end is None or (keep is not None and row["p"] not in keep) or row["p"] in found:
            continue
        found[row["p"]] = Programme(
            row["p"], row["programme"] or _slug(row["p"]), row["kind"], start, end, row["by"], row["scope"],
            row["quote"], row["citation"],
        )  # fmt: skip
    programmes = sorted(found.values(), key=lambda p: (p.start, p.end, p.label, p.iri))
    targets: dict[str, DueTarget] = {}
    for row in sorted(_select(TARGET_QUERY, "chart-targets", engine), key=lambda r: tuple(sorted(r.items()))):
        due = _year(row["year"]) or _year(row["end"])
        value = _number(row["value"])
        if row["p"] not in found or due is None or row["s"] in targets:
            continue
        upper = _number(row["upper"]) if row["upper"] else None
        stated = _stated(row["cmp"], row["comparator"], value, upper, row["unit"]) if value is not None else ""
        label = row["target"] or row["indicator"] or _slug(row["s"])
        targets[row["s"]] = DueTarget(row["s"], row["p"], label, due, stated, row["quote"], row["citation"])
    return programmes, sorted(targets.values(), key=lambda t: (t.programme, t.due, t.label, t.iri))


LABEL_WIDTH = 400
ROW_HEIGHT = 60
DIAMOND = 18  # a target's diamond, and the pitch of their grid


def render_timeline(programmes: list[Programme], targets: list[DueTarget], place: str | None = None) -> str:
    title = "Programmes in force" + (f": {place}" if place else "")
    note = (
        "Each bar spans a programme's period, from the start of its first year to the end of its last; "
        "diamonds are the targets it sets, at their due year. Hover or focus a bar or a diamond for its quote "
        "and source."
    )
    legend = (
        '<ul class="legend"><li><svg width="22" height="14" aria-hidden="true"><rect width="22" height="14" '
        'rx="3" fill="#9ecae1" stroke="#3182bd"/></svg>programme in force</li><li><svg width="16" height="16" '
        'aria-hidden="true"><path d="M8 1 L15 8 L8 15 L1 8 Z" fill="#d55e00" stroke="#fff"/></svg>target, at its due '
        "year</li></ul>"
    )
    if not programmes:
        svg = (
            f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 80" width="{WIDTH}" '
            'height="80" role="img"><text x="20" y="40" font-size="16">No programme with a period in the graph.'
            "</text></svg>"
        )
        return _page(title, note, legend, svg, "", WIDTH)
    first = min(p.start for p in programmes)
    last = max([p.end for p in programmes] + [t.due for t in targets])
    years = range(first, last + 1)
    x0, x1 = LABEL_WIDTH, WIDTH - RIGHT
    step = (x1 - x0) / len(years)
    columns = max(1, int((step - 8) // DIAMOND))  # targets due the same year: a grid inside the year's cell
    by_programme: dict[str, list[DueTarget]] = {}
    for t in targets:
        by_programme.setdefault(t.programme, []).append(t)
    heights = []
    for p in programmes:
        due: dict[int, int] = {}
        for t in by_programme.get(p.iri, []):
            due[t.due] = due.get(t.due, 0) + 1
        rows_needed = max([math.ceil(n / columns) for n in due.values()] or [1])
        heights.append(max(ROW_HEIGHT, 28 + rows_needed * DIAMOND))
    y1 = TOP
    y0 = TOP + sum(heights)
    height = y0 + BOTTOM

    def x(year: float) -> float:  # the left edge of a year
        return x0 + (year - years.start) * step

    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-label="{_attr(title)}">',
        f'<rect class="plot-area" x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" fill="none" stroke="#ccc"/>',
        '<g class="grid">',
    ]
    out += [f'<line x1="{x(yr):.1f}" x2="{x(yr):.1f}" y1="{y1}" y2="{y0}"/>' for yr in years]
    out.append("</g>")
    out.append('<g class="axis x-axis">')
    out += [f'<text x="{x(yr) + step / 2:.1f}" y="{y0 + 20}" text-anchor="middle">{yr}</text>' for yr in years]
    out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y0 + 40}" text-anchor="middle" font-size="13">year</text>')
    out.append("</g>")
    top = y1
    for p, row_height in zip(programmes, heights, strict=True):
        mid = top + row_height / 2
        lines = _wrap(p.label, 54, 3)
        first_line = mid - (len(lines) - 1) * 8 + 4
        label = "".join(
            f'<tspan x="{x0 - 10}" y="{first_line + i * 16:.1f}">{_text(line)}</tspan>' for i, line in enumerate(lines)
        )
        out.append(
            f'<text class="row-label" text-anchor="end" font-size="13">{label}<title>{_text(p.label)}</title></text>'
        )
        out.append(
            f"<g {_mark_attrs('programme', p.tip(), programme=p.iri)}><title>{_text(p.tip())}</title>"
            f'<rect x="{x(p.start) + 2:.1f}" y="{top + 10}" width="{x(p.end + 1) - x(p.start) - 4:.1f}" '
            f'height="{row_height - 20}" rx="4" fill="#9ecae1" stroke="#3182bd"/></g>'
        )
        mine = by_programme.get(p.iri, [])
        count: dict[int, int] = {}
        for t in mine:
            count[t.due] = count.get(t.due, 0) + 1
        placed: dict[int, int] = {}
        for t in mine:
            i = placed.get(t.due, 0)
            placed[t.due] = i + 1
            n = count[t.due]
            across = min(n, columns)
            rows_here = math.ceil(n / columns)
            col, line = i % columns, i // columns
            in_line = min(across, n - line * columns)  # the last line may be shorter: centre it
            cx = x(t.due) + step / 2 + (col - (in_line - 1) / 2) * DIAMOND
            cy = mid + (line - (rows_here - 1) / 2) * DIAMOND
            r = DIAMOND / 2 - 1
            out.append(
                f"<g {_mark_attrs('target', t.tip(), programme=p.iri, statement=t.iri)}><title>{_text(t.tip())}"
                f'</title><path d="M{cx:.1f} {cy - r:.1f} L{cx + r:.1f} {cy:.1f} L{cx:.1f} {cy + r:.1f} '
                f'L{cx - r:.1f} {cy:.1f} Z" fill="#d55e00" stroke="#fff" stroke-width="1.5"/></g>'
            )
        top += row_height
    out.append("</svg>")
    headers = ["programme", "period", "issued by", "scope", "targets", "quote", "citation"]
    rows = [
        [
            p.label,
            f"{p.start}{EN_DASH}{p.end}",
            p.by,
            p.scope,
            str(len(by_programme.get(p.iri, []))),
            p.quote,
            p.citation,
        ]
        for p in programmes
    ]
    return _page(title, note, legend, "\n".join(out), _table(headers, rows), WIDTH)


def timeline_chart(engine, place_iri: str | None = None):
    """The page of programmes over time (of one place, if given), its programmes and its targets."""
    programmes, targets = timeline_data(engine, place_iri)
    place = place_label(engine, place_iri) if place_iri else None
    return render_timeline(programmes, targets, place), programmes, targets


def write_chart(out: Path, page: str) -> Path:
    from innograph.atomic import write_text

    return write_text(Path(out), page)


def write_all(kg, out_dir: Path) -> dict[str, str]:
    """The charts a build carries, written into ``out_dir``: one per indicator that a target or figure uses,
    the timeline of every programme, and one timeline per place that programmes are scoped to or issued
    in. Returns ``{IRI: file name}`` for the indicators and places charted, so views can link to them."""
    from innograph.engines import OxigraphEngine

    engine = OxigraphEngine(kg)
    charted: dict[str, str] = {}
    indicators = sorted(
        {row["i"].value for row in kg.query("SELECT DISTINCT ?i WHERE { ?s ig:indicator ?i FILTER (isIRI(?i)) }")}
    )
    for indicator in indicators:
        page, points = indicator_chart(engine, indicator)
        if points:
            name = f"{_slug(indicator)}.html"
            write_chart(out_dir / name, page)
            charted[indicator] = name
    page, programmes, _targets = timeline_chart(engine)
    if programmes:
        write_chart(out_dir / "timeline.html", page)
    places = sorted(
        {
            row["p"].value
            for row in kg.query(
                "SELECT DISTINCT ?p WHERE { ?x a/rdfs:subClassOf* ig:Programme . "
                "{ ?x ig:scope ?p } UNION { ?x ig:issuedBy/ig:jurisdiction ?p } FILTER (isIRI(?p)) }"
            )
        }
    )
    for place in places:
        page, programmes, _targets = timeline_chart(engine, place)
        if programmes:
            name = f"timeline-{_slug(place)}.html"
            write_chart(out_dir / name, page)
            charted[place] = name
    return charted
