"""How a source article is named to a reader: title, outlet and date, never its file hash.

One format everywhere: ``Title (outlet, 26 April 2022)``, with what the record holds of outlet and date
(``Title (2020)``, or the title alone), and ``, in “Section”`` after it for a statement read in one article
of a page of several. ``innograph fmt`` writes each source's text into ``kg/sources.ttl`` as
``ig:citation`` (from ``ig:title``, the ``rdfs:label`` of its ``ig:publisher`` and ``ig:date``), so that
catalogue queries on any engine or endpoint show the same text as ``why`` and the views; the check
``source-citation`` (``queries/checks/source-citation-violation.rq``) flags one that is missing or out of
date, with the text expected.
"""

from __future__ import annotations

import re
from functools import cache

import pyoxigraph as ox

from innograph.namespaces import IG, RDFS

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def show_date(value: str) -> str:
    """``2022-04-26`` as 26 April 2022, ``2022-08`` as August 2022, a year (or anything else) as itself."""
    if match := re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])-(\d{2})", value):
        return f"{int(match.group(3))} {_MONTHS[int(match.group(2)) - 1]} {match.group(1)}"
    if match := re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", value):
        return f"{_MONTHS[int(match.group(2)) - 1]} {match.group(1)}"
    return value


def cite(title: str, outlet: str | None = None, date: str | None = None) -> str:
    """``Title (outlet, date)``, leaving out what is not known."""
    details = ", ".join(part for part in (outlet, show_date(date) if date else None) if part)
    return f"{title} ({details})" if details else title


def in_section(citation: str, section: str | None) -> str:
    """The citation of a statement read in one article (``section``) of a page of several."""
    return f"{citation}, in “{section}”" if section else citation


class Citations:
    """Short citations of the graph's sources, looked up once each.

    ``graph`` is a loaded :class:`~innograph.loader.KnowledgeGraph` or any ``pyoxigraph.Store`` holding the
    source records and what they link to (their publishers and the publishers' labels)."""

    def __init__(self, graph):
        self.store: ox.Store = getattr(graph, "store", graph)

    def _objects(self, subject: str, predicate: str) -> list:
        pattern = self.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None)
        return [quad.object for quad in pattern]

    def _text(self, subject: str, predicate: str, english: bool = True) -> str | None:
        """The English value (else an untagged one), the first in order where there are several."""
        values = [o for o in self._objects(subject, predicate) if isinstance(o, ox.Literal)]
        for wanted in ("en", None) if english else (None,):
            found = sorted(v.value for v in values if v.language == wanted)
            if found:
                return found[0]
        return None

    def expected(self, source: str) -> str | None:
        """The citation that the record's title, outlet and date make; None without a title."""
        title = self._text(source, f"{IG}title")
        if title is None:
            return None
        outlets = sorted(o.value for o in self._objects(source, f"{IG}publisher") if isinstance(o, ox.NamedNode))
        outlet = self._text(outlets[0], f"{RDFS}label") if outlets else None
        dates = sorted(o.value for o in self._objects(source, f"{IG}date") if isinstance(o, ox.Literal))
        return cite(title, outlet, dates[0] if dates else None)

    @cache  # noqa: B019 - one per command run
    def __call__(self, source: str) -> str:
        """The citation the graph holds (``ig:citation``, which every query shows too), else the one its
        record makes, else the source's label or IRI."""
        return (
            self._text(source, f"{IG}citation") or self.expected(source) or self._text(source, f"{RDFS}label") or source
        )
