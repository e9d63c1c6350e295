"""Strict XSD lexical forms: is ``"2021-02-30"^^xsd:date`` a date? ``sh:datatype`` says a value conforms only
if its lexical form is in the datatype's lexical space (SHACL 1.0, 4.1.2: an ill-formed literal does not
conform), which SPARQL cannot tell. Covers the XSD built-ins RDF 1.1 lists; a datatype outside them
(``rdf:langString``, ``rdf:HTML``, a custom IRI) is not checked here."""

from __future__ import annotations

import re
from functools import cache

XSD = "http://www.w3.org/2001/XMLSchema#"

_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_DUR_DAY_TIME = r"([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?"
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_FLOAT = re.compile(r"([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)")
_DATE = re.compile(rf"{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]){_TZ}")
_DATETIME = re.compile(rf"{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T{_TIME}{_TZ}")
_PATTERNS = {
    "boolean": re.compile(r"true|false|1|0"),
    "decimal": _DECIMAL,
    "float": _FLOAT,
    "double": _FLOAT,
    "time": re.compile(rf"{_TIME}{_TZ}"),
    "gYear": re.compile(rf"{_YEAR}{_TZ}"),
    "gYearMonth": re.compile(rf"{_YEAR}-(0[1-9]|1[0-2]){_TZ}"),
    "gMonth": re.compile(rf"--(0[1-9]|1[0-2]){_TZ}"),
    "gDay": re.compile(rf"---(0[1-9]|[12][0-9]|3[01]){_TZ}"),
    "gMonthDay": re.compile(rf"--(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]){_TZ}"),
    "duration": re.compile(rf"-?P(?=[0-9T])([0-9]+Y)?([0-9]+M)?{_DUR_DAY_TIME}"),
    "yearMonthDuration": re.compile(r"-?P(?=[0-9])([0-9]+Y)?([0-9]+M)?"),
    "dayTimeDuration": re.compile(rf"-?P(?=[0-9T]){_DUR_DAY_TIME}"),
    "hexBinary": re.compile(r"([0-9a-fA-F]{2})*"),
    "base64Binary": re.compile(r"([A-Za-z0-9+/] ?)*(=( ?=)?)?"),
    "language": re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*"),
    "NMTOKEN": re.compile(r"[\w.:-]+"),
    "Name": re.compile(r"[^\W\d.-][\w.:-]*"),
    "NCName": re.compile(r"[^\W\d.-][\w.-]*"),
}
# integer types by their value ranges (inclusive; None: unbounded)
_INTEGER_RANGES = {
    "integer": (None, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
# string types: any characters XML allows; some with no leading, trailing or doubled spaces
_XML_CHARS = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
_STRINGS = {"string", "normalizedString", "token", "anyURI"}
_COLLAPSED = {"token", "language", "NMTOKEN", "Name", "NCName"}


def known(datatype: str) -> bool:
    """Whether :func:`valid` checks this datatype's lexical space."""
    local = datatype.removeprefix(XSD)
    return datatype.startswith(XSD) and (
        local in _PATTERNS
        or local in _INTEGER_RANGES
        or local in _STRINGS
        or local in ("date", "dateTime", "dateTimeStamp")
    )


@cache
def valid(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is in the lexical space of ``datatype`` (True for a datatype not checked here).
    White space around a value of a non-string type is allowed, as XML Schema collapses it before
    reading the value (Apache Jena's reading too)."""
    if not datatype.startswith(XSD):
        return True
    local = datatype[len(XSD) :]
    if local in _STRINGS:
        if not _XML_CHARS.fullmatch(lexical):
            return False
        if local == "normalizedString":
            return not any(c in lexical for c in "\t\n\r")
        if local == "token":
            return (
                lexical == " ".join(lexical.split(" "))
                and not any(c in lexical for c in "\t\n\r")
                and ("  " not in lexical and lexical == lexical.strip(" "))
            )
        return True
    text = lexical.strip(" \t\n\r")
    if local in _COLLAPSED and text != lexical:
        return False
    if local in _INTEGER_RANGES:
        if not _INTEGER.fullmatch(text):
            return False
        low, high = _INTEGER_RANGES[local]
        value = int(text)
        return (low is None or value >= low) and (high is None or value <= high)
    if local in ("date", "dateTime", "dateTimeStamp"):
        pattern = _DATE if local == "date" else _DATETIME
        match = pattern.fullmatch(text)
        if match is None:
            return False
        if local == "dateTimeStamp" and not re.search(r"(Z|[+-][0-9]{2}:[0-9]{2})$", text):
            return False
        return _day_exists(text)
    pattern = _PATTERNS.get(local)
    if pattern is None:
        return True
    if not pattern.fullmatch(text):
        return False
    if local == "gMonthDay":
        return _day_exists("2000-" + text[2:7])  # 2000: a leap year, so --02-29 exists
    return True


def _day_exists(text: str) -> bool:
    """The day of a date (``YYYY-MM-DD…``, the year possibly negative or longer) exists in its month."""
    body = text[1:] if text.startswith("-") else text
    year_text, month_text, day_text = body.split("-", 2)
    year, month, day = int(year_text), int(month_text), int(day_text[:2])
    if text.startswith("-"):
        year = -year
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return day <= (29 if leap else 28)
    return day <= (30 if month in (4, 6, 9, 11) else 31)
