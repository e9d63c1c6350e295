"""How a source article is named to a reader: title, outlet and date, never its file hash."""

from __future__ import annotations

import re
from functools import cache

import pyoxigraph as ox

from innograph.loader import KnowledgeGraph
from innograph.namespaces import IG, RDFS

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def show_date(value: str) -> str:
    """``2022-04-26`` as 26 April 2022, ``2022-08`` as August 2022, a year as itself."""
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
        return f"{int(match.group(3))} {_MONTHS[int(match.group(2)) - 1]} {match.group(1)}"
    if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
        return f"{_MONTHS[int(match.group(2)) - 1]} {match.group(1)}"
    return value


class Citations:
    """Short citations of the graph's sources, looked up once each."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg

    def _value(self, subject: str, predicate: str) -> str | None:
        english = None
        for quad in self.kg.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None):
            term = quad.object
            if isinstance(term, ox.Literal) and term.language in (None, "en"):
                english = term.value
            elif isinstance(term, ox.NamedNode):
                return term.value
        return english

    @cache  # noqa: B019 - one per command run
    def __call__(self, source: str) -> str:
        """``Title (outlet, date)``, with what the record holds of these."""
        title = self._value(source, f"{IG}title") or self._value(source, f"{RDFS}label") or source
        outlet_iri = self._value(source, f"{IG}publisher")
        outlet = self._value(outlet_iri, f"{RDFS}label") if outlet_iri else None
        date = self._value(source, f"{IG}date")
        details = ", ".join(part for part in (outlet, show_date(date) if date else None) if part)
        return f"{title} ({details})" if details else title
