"""The reading rules of ``innograph draft``: plain, deterministic text rules for English news articles.

Nothing here knows the graph. :mod:`innograph.draft` feeds the vocabulary's units and comparators in and
turns what these rules find into candidate targets and figures, links and names.

* :func:`split_sentences`: the article's sentences, each a verbatim span of the article as the quote check
  reads it (white space runs as one space), with its paragraph and section (a Markdown ``#`` heading
  starts a section).
* :func:`find_quantities`: the numbers of a sentence that can be a target or a figure, with value
  (``7.16 billion yuan`` is 7160000000), range, unit, comparator and whether a percentage is a growth rate.
  Years, dates, ordinals, durations, numbers inside short quoted names ("sci-tech innovation 2025") and
  the 10,000 of "per 10,000 people" are not quantities.
* :func:`find_times`: the years and periods a sentence names, and which of them are a comparison's base
  ("compared with 2020", "over the previous year"), which the statement is not about.
* :func:`find_org_names`, :func:`find_person_names`: capitalised names with a cue word (Bureau, University,
  Province ...) and people's names near a cue ("said", "director", "Professor", a byline).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

# ---------------------------------------------------------------- sentences

_SPACE = re.compile(r"\s+")
_TERMINAL = tuple('.!?:;)]"\u201d\u2019')
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "no", "co", "inc", "st", "vs", "e.g", "i.e", "etc", "jan", "feb",
                  "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
                  "fig"}  # fmt: skip
# a sentence ends at . ! ? (and the closing quotes after it) before white space and a capital, a digit or a
# quote; or, as pages run sentences together ("five years.By 2025"), right before a capital
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"\u201d\u2019)]*\s+(?=[A-Z\"\u201c\u2018(\d])|(?<=[a-z0-9%)][.!?])[\"\u201d\u2019]*(?=[A-Z\u201c])"
)


def normalise(text: str) -> str:
    """The text as the quote check compares it: NFC, any run of white space as one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class Sentence:
    text: str  # verbatim, white space collapsed: a substring of normalise(article)
    index: int
    paragraph: int
    section: int  # a Markdown heading (# ...) starts a new one
    heading: bool = False


def _blocks(text: str) -> list[str]:
    """The article's lines: pages print a paragraph per line, or break one over several (which
    :func:`_paragraphs` joins again)."""
    return [normalise(b) for b in unicodedata.normalize("NFC", text).splitlines() if b.strip()]


def _is_heading_like(block: str) -> bool:
    return block.startswith("#") or (len(block.split()) < 10 and not block.endswith(_TERMINAL))


def _paragraphs(text: str) -> list[tuple[str, bool]]:
    """Blank-line separated blocks, a block that stops mid-sentence joined to the next (print layouts break
    paragraphs around photos and columns), each with whether it is a heading (a Markdown heading, or a short
    line without final punctuation)."""
    merged: list[str] = []
    for block in _blocks(text):
        if merged and not merged[-1].startswith("#") and not block.startswith("#"):
            previous = merged[-1]
            if not previous.endswith(_TERMINAL) and (block[:1].islower() or len(previous.split()) >= 15):
                merged[-1] = f"{previous} {block}"
                continue
        merged.append(block)
    return [(p, p.startswith("#") or _is_heading_like(p)) for p in merged]


def _split(paragraph: str) -> list[str]:
    parts, start = [], 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.start()
        head = paragraph[start:end]
        word = re.search(r"([A-Za-z.]+)\.[\"\u201d\u2019)]*$", head)
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS and not match.group(0).startswith('"'):
            continue
        # keep closing quotes with the sentence they close
        tail = re.match(r"[\"\u201d\u2019)]*", paragraph[end:]).group(0)
        piece = paragraph[start : end + len(tail)].strip()
        if piece:
            parts.append(piece)
        start = end + len(tail)
    rest = paragraph[start:].strip()
    if rest:
        parts.append(rest)
    return parts


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    section = 0
    for number, (paragraph, heading) in enumerate(_paragraphs(text)):
        if paragraph.startswith("#"):
            section += 1
            sentences.append(Sentence(paragraph, len(sentences), number, section, heading=True))
            continue
        if heading:
            sentences.append(Sentence(paragraph, len(sentences), number, section, heading=True))
            continue
        for piece in _split(paragraph):
            sentences.append(Sentence(piece, len(sentences), number, section))
    return sentences


def clause_bounds(text: str, position: int) -> tuple[int, int]:
    """The clause around a position: between the nearest , ; : (or the sentence's ends) on either side. A
    comma inside a number (4,000) does not count."""
    start = 0
    for match in re.finditer(r"[,;:](?!\d{3})", text[:position]):
        start = match.end()
    end_match = re.search(r"[,;:](?!\d{3})", text[position:])
    end = position + end_match.start() if end_match else len(text)
    return start, end


# ---------------------------------------------------------------- dates and times

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")  # fmt: skip
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"  # noqa: E501
_YEAR = r"(?:19|20)\d{2}"


def month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(name[:3]))


@dataclass(frozen=True)
class ArticleDate:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    how: str = ""  # what it rests on, for notes

    def iso(self) -> str | None:
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year}"
        return f"{self.year}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")


_DATE_PATTERNS = (
    re.compile(rf"(?<!\d)(?P<y>{_YEAR})-(?P<m>\d{{2}})-(?P<d>\d{{2}})(?!\d)"),
    re.compile(rf"(?<![A-Za-z])(?P<mn>{_MONTH})\.?\s+(?P<d>\d{{1,2}}),\s*(?P<y>{_YEAR})(?!\d)", re.I),
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s+(?P<mn>{_MONTH})\.?,?\s+(?P<y>{_YEAR})(?!\d)", re.I),
)
_COPYRIGHT = re.compile(rf"(?:copyright|©|\(c\))\s*(?P<y>{_YEAR})", re.I)
EDGE_LINES = 10


def article_date(text: str) -> ArticleDate:
    """The date the article's first lines print (2019-01-28, April 26, 2022, 26 April 2022), else the year
    of a copyright line at its top or bottom; an empty date if it prints none."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[:EDGE_LINES]:
        for pattern in _DATE_PATTERNS:
            if match := pattern.search(line):
                month = int(match.group("m")) if "m" in match.groupdict() else month_number(match.group("mn"))
                if 1 <= month <= 12:
                    return ArticleDate(int(match.group("y")), month, int(match.group("d")), f"'{match.group(0)}'")
    for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]:
        if match := _COPYRIGHT.search(line):
            return ArticleDate(int(match.group("y")), how=f"'{match.group(0)}'")
    return ArticleDate()


@dataclass(frozen=True)
class Time:
    """When a number holds: a year, a period of years or months, or both (a period inside one year)."""

    year: str | None = None
    start: str | None = None  # xsd:gYear or xsd:gYearMonth lexical form
    end: str | None = None

    def latest_year(self) -> int | None:
        for value in (self.end, self.year, self.start):
            if value:
                return int(value[:4])
        return None

    def earliest_year(self) -> int | None:
        for value in (self.start, self.year, self.end):
            if value:
                return int(value[:4])
        return None

    def as_context(self) -> Time:
        """What a later sentence without a time of its own inherits: a period within one year is that
        year ('From January to November 2018 ... for the whole year')."""
        if self.year and self.start and len(self.start) > 4:
            return Time(year=self.year)
        return self

    def is_empty(self) -> bool:
        return not (self.year or self.start or self.end)

    def describe(self) -> str:
        if self.start or self.end:
            period = f"{self.start or '?'} to {self.end or '?'}"
            return f"{period} ({self.year})" if self.year else period
        return self.year or ""


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    text: str
    time: Time
    base: bool = False  # the base of a comparison: "compared with 2020", "over the previous year"
    weak: bool = False  # "now": only when the sentence names no other time
    since: int | None = None  # "since 2019": the start of a running count
    as_of: bool = False  # "as of August": the end of a running count
    by: bool = False  # "by 2025": a deadline


_BASE_BEFORE = re.compile(
    r"(?:\bcompared\s+(?:with|to)|\bthan|\bversus|\bvs\.?|\brelative\s+to)\s+(?:[\w\u2019'-]+\s+){0,3}$"
    r"|\b(?:over|from|against)\s+(?:the\s+(?:same\s+period\s+(?:of|in)\s+)?)?$",
    re.I,
)


def _five_year_plan(ordinal: int) -> tuple[int, int] | None:
    """China's Nth Five-Year Plan: the 1st ran 1953-1957, the 2nd 1958-1962, and from the 3rd (1966-1970)
    on they follow each other."""
    if ordinal == 1:
        return 1953, 1957
    if ordinal == 2:
        return 1958, 1962
    if ordinal >= 3:
        start = 1966 + 5 * (ordinal - 3)
        return start, start + 4
    return None


def _relative_year(word: str, date: ArticleDate) -> int | None:
    if date.year is None:
        return None
    return {"this": date.year, "last": date.year - 1, "next": date.year + 1, "previous": None}.get(word.lower())


def find_times(text: str, date: ArticleDate, context: Time | None = None) -> list[TimeMention]:
    """The times a sentence names, in order, without overlaps. ``context`` (the time of earlier sentences)
    dates a month range without a year ('From January to May')."""
    found: list[TimeMention] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match, time: Time | None, **flags) -> None:
        start, end = match.span()
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        if time is None:  # a span that is a time but says none we can use (masks its numbers)
            time = Time()
        explicit = flags.pop("base", False)
        base = explicit or bool(_BASE_BEFORE.search(text[max(0, start - 40) : start]))
        found.append(TimeMention(start, end, match.group(0), time, base=base, **flags))

    context_year = context.latest_year() if context else None
    if context_year is None:
        context_year = date.year

    # ISO and printed dates: a point in a year
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            add(match, Time(year=match.group("y")))
    # month ranges, with or without their year: From January to May (2020)
    months = re.compile(
        rf"\b(?:from\s+)?(?P<m1>{_MONTH})\.?\s*(?:to|through|till|until|-|\u2013|\u2014)\s*(?P<m2>{_MONTH})\.?"
        rf"(?:\s*,?\s*(?:of\s+)?(?P<y>{_YEAR}|this year|last year))?",
        re.I,
    )
    for match in months.finditer(text):
        year = match.group("y")
        if year and not year[0].isdigit():
            rel = _relative_year(year.split()[0], date)
            year = str(rel) if rel else None
        year = year or (str(context_year) if context_year else None)
        m1, m2 = month_number(match.group("m1")), month_number(match.group("m2"))
        if year and m1 <= m2:
            add(match, Time(year=year, start=f"{year}-{m1:02d}", end=f"{year}-{m2:02d}"))
        else:
            add(match, None)
    # halves and quarters of a year
    parts = re.compile(
        rf"\b(?:the\s+)?(?P<which>first|second|third|fourth|last)\s+(?P<n>three\s+)?(?P<part>half|halves|quarters?)\s+of\s+"
        rf"(?:the\s+year\s+)?(?P<y>{_YEAR}|this year|last year)",
        re.I,
    )
    for match in parts.finditer(text):
        year = match.group("y")
        if not year[0].isdigit():
            rel = _relative_year(year.split()[0], date)
            year = str(rel) if rel else None
        which = match.group("which").lower()
        part = match.group("part").lower()
        if part.startswith("half"):
            first, last = (1, 6) if which == "first" else (7, 12)
        elif match.group("n"):  # the first three quarters
            first, last = 1, 9
        else:
            index = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4}[which]
            first, last = 3 * index - 2, 3 * index
        add(match, Time(year=year, start=f"{year}-{first:02d}", end=f"{year}-{last:02d}") if year else None)
    # periods of years: 2022-2025, (2018-2020), from 2017 to 2022, between 2021 and 2025
    years = re.compile(
        rf"(?:\b(?:from|between|during|in|for|over)\s+)?(?<!\d)(?P<a>{_YEAR})\s*(?:-|\u2013|\u2014|to|through|until|and)\s*"
        rf"(?P<b>{_YEAR})(?!\d)",
        re.I,
    )
    for match in years.finditer(text):
        a, b = int(match.group("a")), int(match.group("b"))
        if a < b:
            add(match, Time(start=str(a), end=str(b)))
    # the Nth Five-Year Plan (period)
    plans = re.compile(r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)\s*[\u201c\"]?\s*Five[- ][Yy]ear", re.I)
    for match in plans.finditer(text):
        span = _five_year_plan(int(match.group("n")))
        add(match, Time(start=str(span[0]), end=str(span[1])) if span else None)
    # since 2019 / since then: the start of a running count
    for match in re.finditer(rf"\bsince\s+(?:(?P<m>{_MONTH})\s+)?(?P<y>{_YEAR})\b", text, re.I):
        start = int(match.group("y"))
        end = str(date.year) if date.year and date.year > start else None
        add(match, Time(start=str(start), end=end) if end else Time(year=str(start)), since=start)
    for match in re.finditer(r"\bsince\s+then\b", text, re.I):
        if context_year:
            end = str(date.year) if date.year and date.year > context_year else None
            time = Time(start=str(context_year), end=end) if end else Time(year=str(context_year))
            add(match, time, since=context_year)
    # as of August (this year / 2022): the end of a running count
    as_of = re.compile(
        rf"\b(?:as\s+of|up\s+to|until|till)\s+(?:the\s+end\s+of\s+)?(?P<m>{_MONTH})?\.?\s*,?\s*"
        rf"(?P<y>{_YEAR}|this year|last year)?",
        re.I,
    )
    for match in as_of.finditer(text):
        if not match.group("m") and not match.group("y"):
            continue
        year = match.group("y")
        if year and not year[0].isdigit():
            rel = _relative_year(year.split()[0], date)
            year = str(rel) if rel else None
        elif not year and match.group("m") and date.year:
            year = str(date.year)
        if not year:
            add(match, None)
            continue
        end = f"{year}-{month_number(match.group('m')):02d}" if match.group("m") else year
        add(match, Time(year=year) if not match.group("m") else Time(year=year, end=end), as_of=True)
    # by (the end of) 2025: a deadline
    for match in re.finditer(rf"\bby\s+(?:the\s+end\s+of\s+)?(?:(?P<m>{_MONTH})\s+)?(?P<y>{_YEAR})\b", text, re.I):
        add(match, Time(year=match.group("y")), by=True)
    # Month 2022, in/for/of 2019, a year at the start of a sentence
    for match in re.finditer(rf"\b(?P<m>{_MONTH})\.?\s+(?P<y>{_YEAR})\b", text):
        add(match, Time(year=match.group("y")))
    point = re.compile(
        rf"(?:\b(?:in|for|of|during|before|after|at|from|to|through|until|till|around|throughout|as)\s+"
        rf"(?:the\s+year\s+)?|^)(?P<y>{_YEAR})(?![\d,.]\d)(?!\s*(?:-|\u2013)\s*\d)",
        re.I,
    )
    for match in point.finditer(text):
        add(match, Time(year=match.group("y")))
    # this year, last year, this August, last December, now
    relative = re.compile(rf"\b(?P<w>this|last|next|the\s+previous|the\s+same)\s+(?P<u>year|{_MONTH})\b", re.I)
    for match in relative.finditer(text):
        word = match.group("w").lower()
        if word.startswith("the"):  # over the previous year, the same period: a comparison's base
            add(match, None, base=True)
            continue
        year = _relative_year(word, date)
        unit = match.group("u").lower()
        if year and unit != "year" and word == "last" and date.month and month_number(unit) < date.month:
            year += 1  # 'last March' in a June article is this year's March
        add(match, Time(year=str(year)) if year else None)
    for match in re.finditer(r"(?:^|(?<=[,;]\s))(?:now|currently|at present|so far this year)\b", text, re.I):
        add(match, Time(year=str(date.year)) if date.year else None, weak=True)
    # the previous year, a year earlier: bases that date nothing
    for match in re.finditer(r"\b(?:a|one)\s+year\s+(?:earlier|ago|before)\b|\bpre-?pandemic\b", text, re.I):
        add(match, None, base=True)
    found.sort(key=lambda m: m.start)
    return found


def masked_time_spans(times: list[TimeMention]) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in times]


# ---------------------------------------------------------------- numbers

_WORD_VALUES = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "one": 1,
}  # fmt: skip
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_NUMBER = re.compile(
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|\b(?P<word>(?:{_TENS})(?:-(?:{_UNITS_WORDS}))?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|one(?=\s+(?:thousand|million|billion|trillion)\b))\b",
    re.I,
)
_MULTIPLIERS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "mln": 10**6,
                "bln": 10**9, "bn": 10**9}  # fmt: skip
_MULTIPLIER = re.compile(
    r"^\s*-?\s*(?P<hundred>hundred\s+)?(?P<m>thousand|million|billion|trillion|mln|bln|bn)\b", re.I
)
_DURATION = re.compile(
    r"^\s*-?\s*(?:years?|months?|days?|hours?|minutes?|weeks?|decades?|centur(?:y|ies)|years?-old)\b", re.I
)
_ORDINAL = re.compile(r"^(?:st|nd|rd|th)\b", re.I)
_FUNCTION_WORDS = {"in", "by", "about", "over", "nearly", "some", "top", "around", "only", "all", "total", "the", "of",
                   "and", "to", "from", "since", "with", "at", "for", "as", "than", "under", "above", "almost", "up",
                   "more", "less", "least", "most", "approximately", "roughly", "exactly", "just", "another", "first",
                   "no", "these", "those", "its", "their", "his", "her", "our", "each", "every", "per",
                   "among"}  # fmt: skip
_PER_10000 = re.compile(
    r"\b(?:per|every|for\s+every|by|each|of)\s+(?P<n>10,000|10000|ten\s+thousand)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:people|persons|residents|population|inhabitants|employees|workers|employed)\b",
    re.I,
)
_DOUBLING = re.compile(r"\b(?P<w>doubl|tripl|quadrupl)(?:e|ed|es|ing)\b(?!-digit)", re.I)
_DOUBLING_VALUES = {"doubl": 2, "tripl": 3, "quadrupl": 4}

UNIT_RULES: tuple[tuple[str, str | None, str], ...] = (
    # (unit concept's local name or None, a note, pattern right after the number and its multiplier)
    ("percent", None, r"(?:%|percent\b|per\s*cent\b|pct\b)"),
    ("yuan", None, r"(?:yuan|rmb|cny|renminbi)\b"),
    ("kilovolt", None, r"(?:kv|kilovolts?)\b"),
    ("multiple", None, r"(?:times|time|fold)\b"),
    (None, "a currency the units scheme lacks", r"(?:us\s*dollars?|dollars?|usd|euros?|eur|yen|pounds?)\b"),
    (None, "a unit the units scheme lacks",
     r"(?:tons?|tonnes?|km|kilomet(?:er|re)s?|square|hectares?|mu|kw|mw|gw|kwh|twh|gb|tb|met(?:er|re)s?|degrees?|°c|"
     r"kilograms?|kg|mbps|gbps)\b"),
)  # fmt: skip
_PERCENT_POINTS = re.compile(r"^\s*percentage\s+points?\b", re.I)
_CURRENCY_BEFORE = re.compile(r"(?:(?P<yuan>rmb|cny|¥|renminbi)|(?P<other>us\$|\$|usd|€|£))\s*$", re.I)
_GROWTH_BEFORE = re.compile(
    r"\b(?:up|down|increase[sd]?|increasing|rose|rise[sn]?|rising|grew|grow(?:n|s|ing)?|growth(?:\s+rate)?|"
    r"surg(?:e|ed|es|ing)|jump(?:ed|s|ing)?|soar(?:ed|s|ing)?|climb(?:ed|s|ing)?|declin(?:e|ed|es|ing)|"
    r"decreas(?:e|ed|es|ing)|drop(?:ped|s)?|fell|fall(?:en|s|ing)?|expand(?:ed|s|ing)?|gain(?:ed|s)?|"
    r"shrank|shrink(?:s|ing)?|cut|reduc(?:e|ed|es|ing)|lower(?:ed|s|ing)?|rais(?:e|ed|es|ing)|boost(?:ed|s|ing)?)\b"
    r"[^,;]*?\bby\s+(?:\w+\s+){0,2}$"
    r"|\b(?:growth(?:\s+rate)?|increase|rise|decline|decrease|drop|jump|gain)\s+of\s+(?:\w+\s+){0,2}$",
    re.I,
)
_GROWTH_AFTER = re.compile(
    r"^\s*(?:year[- ]on[- ]year|yoy|over\s+the\s+(?:same\s+period\s+of\s+the\s+)?(?:previous|last|prior)\s+year|"
    r"over\s+last\s+year|from\s+a\s+year\s+(?:earlier|ago|before)|compared\s+(?:with|to)|than\s+(?:that\s+of\s+)?"
    r"(?:last|the\s+previous)\s+year|(?:an?\s+)?(?:annual\s+)?(?:increase|growth|rise|drop|decline|decrease|jump|gain)\b)",
    re.I,
)

# comparator phrases the vocabulary's labels do not spell out; draft adds the vocabulary's own labels
EXTRA_COMPARATORS: dict[str, tuple[str, ...]] = {
    "more-than": ("more than", "over", "above", "exceeding", "exceeded", "exceeds", "surpassing", "surpassed",
                  "surpasses", "in excess of", "upwards of", "greater than", "beyond"),
    "nearly": ("nearly", "almost", "close to", "approaching", "nearing", "just under", "just below", "just shy of"),
    "about": ("about", "approximately", "around", "roughly", "some", "approx.", "an estimated", "estimated", "circa"),
    "at-least": ("at least", "no less than", "not less than", "no fewer than", "not fewer than", "a minimum of",
                 "minimum of"),
    "at-most": ("at most", "up to", "no more than", "not more than", "a maximum of", "maximum of", "not exceeding",
                "no higher than", "less than", "fewer than", "below", "under"),
}  # fmt: skip
_AFTER_COMPARATORS = (
    ("at-least", r"(?:or\s+more|and\s+above|or\s+above|or\s+higher|and\s+more|at\s+(?:the\s+)?(?:minimum|least))"),
    ("at-most", r"(?:or\s+less|or\s+fewer|and\s+below|or\s+below|at\s+(?:the\s+)?(?:maximum|most))"),
    ("about", r"(?:or\s+so)"),
)


@dataclass
class Quantity:
    start: int
    end: int
    text: str  # the words that state it, comparator included
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None  # the local name of a unit concept
    comparator: str = "exactly"
    notes: list[str] = field(default_factory=list)
    per_10000: bool = False

    @property
    def is_range(self) -> bool:
        return self.low is not None


def comparator_patterns(labels: dict[str, list[str]]) -> list[tuple[str, re.Pattern]]:
    """One pattern per comparator concept: its English labels and the rules' extra phrases, as the words
    right before a number ('more than 20%', 'to surpass 1.2 percent'); verbs in any form."""
    patterns = []
    for concept, names in labels.items():
        phrases = {n.lower() for n in names} | set(EXTRA_COMPARATORS.get(concept, ()))
        phrases.discard("between")
        phrases.discard("exactly")
        if not phrases:
            continue
        alternatives = []
        for phrase in sorted(phrases, key=len, reverse=True):
            escaped = re.escape(phrase).replace(r"\ ", r"\s+")
            if " " not in phrase and phrase.isalpha() and phrase not in {"over", "above", "some", "about", "around"}:
                escaped += r"(?:s|es|ed|d|ing)?"
            alternatives.append(escaped)
        pattern = re.compile(
            rf"\b(?:{'|'.join(alternatives)})\s+(?:a\s+total\s+of\s+|the\s+)?(?:rmb|cny|us\$|\$|¥)?\s*$", re.I
        )
        patterns.append((concept, pattern))
    return patterns


def _quoted_names(text: str) -> list[tuple[int, int]]:
    """Short quoted spans (up to 12 words): names such as "sci-tech innovation 2025" or "1135", whose
    numbers are not figures."""
    spans = []
    for match in re.finditer(
        r"\u201c[^\u201d\u201c]{0,160}\u201d|\"[^\"]{0,160}\"|\u2018[^\u2019\u2018]{0,160}\u2019", text
    ):
        if len(match.group(0).split()) <= 12:
            spans.append(match.span())
    return spans


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in spans)


def _parse_number(token: re.Match) -> Decimal:
    if token.group("digits"):
        return Decimal(token.group("digits").replace(",", ""))
    word = token.group("word").lower()
    if "-" in word:
        tens, unit = word.split("-")
        return Decimal(_WORD_VALUES[tens] + _WORD_VALUES[unit])
    return Decimal(_WORD_VALUES[word])


def _is_year(token: re.Match, after: str) -> bool:
    digits = token.group("digits")
    if not digits or "," in digits or "." in digits or len(digits) != 4:
        return False
    if not 1900 <= int(digits) <= 2100:
        return False
    return not re.match(r"^\s*-?\s*(?:%|percent|per\s*cent|yuan|rmb|thousand|million|billion)\b", after, re.I)


@dataclass
class _Token:
    match: re.Match
    start: int
    end: int  # after the multiplier
    value: Decimal
    scale: int  # the multiplier (1 if none)
    unit: str | None
    unit_note: str | None
    unit_end: int
    has_unit: bool


def _read_unit(text: str, position: int) -> tuple[str | None, str | None, int, bool]:
    """The unit right after a number (and its multiplier): its concept, a note, where it ends, whether found."""
    after = text[position:]
    if match := _PERCENT_POINTS.match(after):
        return "percent", "'percentage points' is a change in a share: check the unit", position + match.end(), True
    for unit, note, pattern in UNIT_RULES:
        if match := re.match(rf"^\s*-?\s*{pattern}", after, re.I):
            return unit, note and f"{note} ({match.group(0).strip(' -')!r})", position + match.end(), True
    return None, None, position, False


def _not_a_quantity(token: re.Match, text: str) -> bool:
    """Numbers that are not figures: ordinals, years, dates, codes, numbers in names, durations."""
    start, end = token.span()
    before, after = text[:start], text[end:]
    if token.group("digits"):
        if re.search(r"\w[.,]$", before):
            return True  # No.1, v2.0
        if re.search(r"[A-Za-z]-$", before) or (
            re.search(r"[A-Za-z]$", before) and not _CURRENCY_BEFORE.search(before)
        ):
            return True  # COVID-19, Shenzhou-13, A380
        if _ORDINAL.match(after):
            return True  # 14th, 9th
        if re.match(r"^[A-Za-z]", after) and not re.match(r"^(?:kv|km|kw|mw|gw|kwh|gb|tb|bn|mln|bln)\b", after, re.I):
            return True  # 5G, 3D
        if _is_year(token, after):
            return True
        if re.search(rf"\b{_MONTH}\.?\s+$", before) or re.match(rf"^\s+{_MONTH}\b", after):
            return True  # February 16, 26 April
        if re.search(r"\b(?:no|page|article|phase|item|chapter|section|room|line)\.?\s*$", before, re.I):
            return True
        name_before = re.search(r"(?:^|\s)([A-Z][a-z]+)\s+$", before)
        if (
            name_before
            and name_before.group(1).lower() not in _FUNCTION_WORDS
            and before[: name_before.start(1)].strip()
            and re.match(r"^\s*(?:[.,;:)]|$)", after)
        ):
            return True  # Yongjiang Laboratory 1.
    elif re.match(r"^\s+(?:of\s+(?:the|them|these|those|its|their|us)|sides)\b|^-(?!fold|time)[a-z]", after, re.I):
        return True  # two of the, one of them, the two sides, two-way
    return bool(_DURATION.match(after) or re.match(r"^\s*-\s*(?:year|month|day)\b", after, re.I))


def _comparator(before: str, comparators: list[tuple[str, re.Pattern]]) -> tuple[str, int] | None:
    """The comparator whose phrase ends right before a number, and where the phrase starts; the longest phrase
    wins ('no more than' over 'more than')."""
    tail = before[-60:]
    best: tuple[str, int] | None = None
    for concept, pattern in comparators:
        if (match := pattern.search(tail)) and (best is None or match.start() < best[1]):
            best = (concept, match.start())
    if best is None:
        return None
    return best[0], len(before) - len(tail) + best[1]


def find_quantities(
    text: str,
    comparators: list[tuple[str, re.Pattern]],
    times: list[TimeMention],
    skip: list[tuple[int, int]] = (),
) -> list[Quantity]:
    """The quantities of one sentence. ``times`` (from :func:`find_times`) and ``skip`` mask spans whose
    numbers are not quantities."""
    masked = masked_time_spans(times) + _quoted_names(text) + list(skip)
    per_10000 = list(_PER_10000.finditer(text))
    masked += [m.span("n") for m in per_10000]
    tokens: list[_Token] = []
    for token in _NUMBER.finditer(text):
        if _inside(token.start(), masked) or _not_a_quantity(token, text):
            continue
        value, scale, position = _parse_number(token), 1, token.end()
        if multiplier := _MULTIPLIER.match(text[position:]):
            scale = _MULTIPLIERS[multiplier.group("m").lower()] * (100 if multiplier.group("hundred") else 1)
            position += multiplier.end()
        unit, note, unit_end, found_unit = _read_unit(text, position)
        if not found_unit and (currency := _CURRENCY_BEFORE.search(text[: token.start()])):
            unit = "yuan" if currency.group("yuan") else None
            note = None if unit else f"a currency the units scheme lacks ({currency.group(0).strip()!r})"
            found_unit = True
        if not found_unit:
            unit = "count"
        tokens.append(_Token(token, token.start(), position, value * scale, scale, unit, note, unit_end, found_unit))

    quantities: list[Quantity] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        before = text[: token.start]
        found = _comparator(before, comparators)
        if following is not None:
            joined = text[token.unit_end : following.start]
            joiner = re.fullmatch(r"\s*(?:-|\u2013|\u2014|to)\s*", joined, re.I) or (
                re.fullmatch(r"\s*and\s*", joined, re.I) and re.search(r"\bbetween\s+(?:\w+\s+)?$", before, re.I)
            )
            if joiner and not re.search(r"\bfrom\s+(?:\S+\s+)?$", before, re.I):
                low, high = token.value, following.value
                if token.scale == 1 and following.scale > 1 and not token.has_unit:
                    low *= following.scale  # "3 to 5 billion yuan": the upper end's multiplier applies to both
                if low < high:
                    start = found[1] if found else token.start
                    if re.search(r"\bbetween\s+$", before, re.I):
                        start = re.search(r"\bbetween\s+$", before, re.I).start()
                    end = following.unit_end
                    quantities.append(
                        Quantity(
                            start,
                            end,
                            text[start:end],
                            low=low,
                            high=high,
                            unit=following.unit,
                            comparator="between",
                            notes=[following.unit_note] if following.unit_note else [],
                        )
                    )
                    index += 2
                    continue
        comparator, start = found if found else ("exactly", token.start)
        notes = [token.unit_note] if token.unit_note else []
        if re.match(r"(?:less|fewer)\s+than|below|under", text[start:], re.I):
            notes.append(
                f"'{text[start : token.start].strip()}' read as at most: the comparators scheme has no 'less than'"
            )
        if comparator == "exactly":
            clause_rest = re.split(r"[,;.]", text[token.unit_end :], maxsplit=1)[0]
            for concept, pattern in _AFTER_COMPARATORS:
                if re.search(rf"^(?:\s+[\w-]+){{0,4}}?\s+{pattern}\b", clause_rest, re.I):
                    comparator = concept
                    break
        quantities.append(
            Quantity(
                start,
                token.unit_end,
                text[start : token.unit_end],
                value=token.value,
                unit=token.unit,
                comparator=comparator,
                notes=notes,
            )
        )
        index += 1

    for match in _DOUBLING.finditer(text):
        if _inside(match.start(), masked):
            continue
        value = Decimal(_DOUBLING_VALUES[match.group("w").lower()])
        note = f"'{match.group(0)}' read as a multiple"
        quantities.append(
            Quantity(match.start(), match.end(), match.group(0), value=value, unit="multiple", notes=[note])
        )
    quantities.sort(key=lambda q: q.start)

    for quantity in quantities:
        if quantity.unit == "percent" and is_growth(text, quantity):
            quantity.unit = "percent-change"
        if quantity.unit == "count" and _per_10000_applies(text, quantity.start, per_10000):
            quantity.unit = "per-10000-people"
            quantity.per_10000 = True
    return quantities


def is_growth(text: str, quantity: Quantity) -> bool:
    """A percentage that is a change against a base ('up by 6.9%', 'increased by 17.6% year-on-year')
    rather than a share ('accounted for 55.1%', 'rose to more than 1.5%')."""
    clause_start, _ = clause_bounds(text, quantity.start)
    before = text[max(clause_start, quantity.start - 120) : quantity.start]
    if _GROWTH_BEFORE.search(before):
        return True
    return bool(_GROWTH_AFTER.match(text[quantity.end :]))


def _per_10000_applies(text: str, position: int, phrases: list[re.Match]) -> bool:
    """'per 10,000 people' in the number's clause, or fronted in the clause right before it ('For every
    10,000 employed people, there are 35 R&D personnel')."""
    start, end = clause_bounds(text, position)
    for phrase in phrases:
        if start <= phrase.start() < end:
            return True
        phrase_start, phrase_end = clause_bounds(text, phrase.start())
        fronted = re.match(r"\s*(?:for\s+every|for\s+each|per|every)\b", text[phrase_start:], re.I)
        if fronted and phrase_end + 1 == start:
            return True
    return False


# ---------------------------------------------------------------- what kind of statement

_FUTURE = re.compile(
    r"\b(?:will|shall|would|aims?\s+to|aiming\s+to|strives?\s+to|striving\s+to|plans?\s+to|planning\s+to|"
    r"expects?|expected\s+to|is\s+to|are\s+to|targets?\b|goals?\b|pledges?\s+to|seeks?\s+to|intends?\s+to|"
    r"projected\s+to|set\s+to|vows?\s+to|in\s+the\s+next|can|may|must|should)\b",
    re.I,
)
_ESTIMATE = re.compile(r"\b(?:estimated|estimates?|it\s+is\s+projected)\b", re.I)
_PAST = re.compile(r"\b(?:was|were|has|have|had|did)\b|\b[a-z]{3,}ed\b", re.I)


def statement_kind(sentence: str, position: int) -> str:
    """'target' for what the text aims at or expects, 'estimate' for an estimated figure, 'reported' for a
    figure the text reports; the clause around the number decides, then the whole sentence."""
    start, end = clause_bounds(sentence, position)
    clause = sentence[start:end]
    if _ESTIMATE.search(sentence[:end]):
        return "estimate"
    if _FUTURE.search(clause):
        return "target"
    if _PAST.search(clause):
        return "reported"
    return "target" if _FUTURE.search(sentence) else "reported"


# ---------------------------------------------------------------- names

ORG_CUES: dict[str, str] = {
    # cue word (lower case) -> local name of the class it suggests
    "ministry": "Ministry", "bureau": "MunicipalBureau", "department": "ProvincialDepartment",
    "commission": "CentralGovernmentBody", "administration": "CentralGovernmentBody",
    "council": "CentralGovernmentBody",
    "government": "MunicipalGovernment", "committee": "PartyCommittee", "university": "University",
    "college": "University", "school": "AcademicUnit", "institute": "ResearchInstitute", "academy": "Academy",
    "laboratory": "Laboratory", "lab": "Laboratory", "company": "Enterprise", "co.": "Enterprise",
    "corporation": "Enterprise", "corp.": "Enterprise", "group": "Enterprise", "ltd.": "Enterprise",
    "inc.": "Enterprise", "bank": "FinancialInstitution", "fund": "InvestmentFund", "foundation": "Organization",
    "association": "Organization", "federation": "Organization", "society": "Organization",
    "alliance": "Alliance", "center": "ServiceOrganization", "centre": "ServiceOrganization",
    "incubator": "Incubator", "agency": "ServiceOrganization", "office": "CentralGovernmentBody",
    "park": "SciencePark", "zone": "Zone", "corridor": "InnovationCorridor", "province": "Province",
    "city": "City", "county": "District", "district": "District", "region": "Province",
    "municipality": "City", "expo": "Event", "forum": "Event", "customs": "CentralGovernmentBody",
}  # fmt: skip
PLACE_CUES = {"province", "city", "county", "district", "region", "municipality"}
_CONNECTORS = {"of", "and", "for", "on", "&", "de", "the"}
_LEADING_STOP = {"the", "a", "an", "in", "by", "according", "from", "since", "as", "at", "on", "for", "with", "during",
                 "to", "and", "of", "this", "that", "these", "last", "next", "apart", "staff", "meanwhile", "under",
                 "jointly", "located", "based", "both", "while", "when", "after", "before", "among", "besides",
                 "photo", "it", "its", "their", "our", "we", "he", "she", "they", "there", "here", "some", "many",
                 "all", "such", "other", "each", "every", "new", "more", "most", "only", "also", "then", "now",
                 "&", "director", "professor", "academician", "deputy", "vice", "head", "secretary", "chairman",
                 "mayor", "minister", "dean"}  # fmt: skip
_STRIP_LEAD = "\u201c\"\u2018'[*("
_ABBREVIATED = {"co", "ltd", "inc", "corp"}


@dataclass(frozen=True)
class NameHit:
    start: int
    end: int
    text: str  # as printed
    label: str  # as proposed for rdfs:label
    cls: str  # local name of the suggested class
    cue: str


def _sequences(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words joined by of/and/for/&/the, with a lower-case place word after them ('Hubei
    province'), a parenthesised name inside ('China (Ningbo) IP Rights Protection Center') and a company's
    'Co., Ltd.'; a possessive ('China's') or punctuation ends a run."""
    runs: list[tuple[int, int]] = []
    current: list[int] | None = None
    tokens = list(re.finditer(r"\S+", text))
    for index, token in enumerate(tokens):
        raw = token.group(0)
        if paren := re.match(r"\([A-Z][\w-]*\)", raw):
            core, trail, lead = paren.group(0), raw[paren.end() :], 0
        else:
            lead = len(raw) - len(raw.lstrip(_STRIP_LEAD))
            body = raw[lead:]
            core = body.rstrip(",.;:!?\u201d\"\u2019')]*")
            trail = body[len(core) :]
            if core.lower() in _ABBREVIATED and trail.startswith("."):
                core, trail = core + ".", trail[1:]
        lower = core.lower()
        start = token.start() + lead
        end = start + len(core)
        possessive = bool(re.search(r"['\u2019]s$", core))
        if possessive:
            end -= 2
        capital = core[:1].isupper() or (core[:1] == "(" and core[1:2].isupper()) or core == "&"
        place_word = lower in PLACE_CUES or lower == "autonomous"
        if current is not None and (capital or lower in _CONNECTORS or place_word) and not lead:
            current[1] = end
        elif capital:
            if current:
                runs.append((current[0], current[1]))
            current = [start, end]
        else:
            if current:
                runs.append((current[0], current[1]))
            current = None
            continue
        following = tokens[index + 1].group(0) if index + 1 < len(tokens) else ""
        company = lower == "co." and trail == "," and following.startswith("Ltd")
        if (trail and not company) or possessive:
            runs.append((current[0], current[1]))
            current = None
    if current:
        runs.append((current[0], current[1]))
    return runs


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    words = list(re.finditer(r"\S+", text[start:end]))
    while words and words[0].group(0).lower().strip("(),") in _LEADING_STOP:
        words.pop(0)
    while words and words[-1].group(0).lower().strip("(),") in _CONNECTORS | {"&"}:
        words.pop()
    if not words:
        return start, start
    return start + words[0].start(), start + words[-1].end()


def _cue_of(name: str) -> tuple[str, str] | None:
    """The head cue of a name: the last cue word before the first ' of ' ('Institute of ... University' is an
    institute), else the last cue word."""
    if re.search(r"\bco\.?,?\s*ltd\b", name, re.I):
        return "co., ltd.", "Enterprise"
    words = re.findall(r"[\w.]+", name.lower())
    head = words[: words.index("of")] if "of" in words else words
    for candidates in (head, words):
        for word in reversed(candidates):
            for key in (word, word.rstrip(".")):
                if key in ORG_CUES:
                    return key, ORG_CUES[key]
    return None


def _split_joined(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """'the Ministry of Science and Technology and the Ministry of Finance' is two names: split at an 'and'
    when both sides carry a cue word and the right side starts with a capital (from the right, so that the
    'and' inside 'Science and Technology' stays)."""
    name = text[start:end]
    for match in reversed(list(re.finditer(r"\s+and\s+(?P<the>the\s+)?", name))):
        left, right = name[: match.start()], name[match.end() :]
        if not right[:1].isupper():
            continue
        if re.match(rf"(?:{_TITLES})\s", right):  # '... Academy of Sciences and Academician Zhu Zhiwei'
            return _split_joined(text, start, start + match.start())
        if _cue_of(right) and (_cue_of(left) or match.group("the")):
            return [*_split_joined(text, start, start + match.start()), (start + match.end(), end)]
    return [(start, end)]


def _title(label: str) -> str:
    words = r"province|city|county|district|region|municipality|autonomous"
    return re.sub(rf"\b({words})\b", lambda m: m.group(1).title(), label)


def find_org_names(text: str) -> list[NameHit]:
    """Organisation and place names with a cue word: 'Shandong University of Traditional Chinese Medicine',
    'Hebei Yili Technology Company', 'Hubei province'. At least two words."""
    hits = []
    for run_start, run_end in _sequences(text):
        for part_start, part_end in _split_joined(text, *_trim(text, run_start, run_end)):
            start, end = _trim(text, part_start, part_end)
            name = text[start:end]
            words = name.split(" of ")
            if len(words) > 1 and _cue_of(words[0]) is None and _cue_of(words[-1]):
                # 'Innovation Plan of Xining city': the city
                start, end = _trim(text, end - len(words[-1]), end)
            if abbreviation := re.search(r"\s*\([A-Z]{2,}\)$", text[start:end]):
                end = start + abbreviation.start()  # 'Ministry of Ecology and Environment (MEE)'
            name = text[start:end]
            if len(name.split()) < 2 or re.search(r"[<>|/\\=+@#]", name):
                continue
            cue = _cue_of(name)
            if cue is None:
                continue
            hits.append(NameHit(start, end, name, _title(name), cue[1], cue[0]))
    return hits


_NAME = r"(?:[A-Z]{2,}|[A-Z][a-z]+)(?:[ -](?:[A-Z][a-z]+|[A-Z]{2,})){1,2}"
_TITLES = (
    r"Professor|Prof\.|Academician|Director|Deputy\s+Director|Dr\.|Mr\.|Ms\.|Mrs\.|Mayor|Vice\s+Mayor|Secretary|"
    r"President|Chairman|Chairwoman|Minister|Vice\s+Minister|Governor|Dean|Reporter|reporter|Commissioner"
)
_ROLES = (
    r"(?:deputy\s+|vice\s+|chief\s+|executive\s+|general\s+|senior\s+|associate\s+|assistant\s+)?(?:director|professor|"
    r"president|chairman|chairwoman|head|secretary|mayor|researcher|engineer|academician|dean|founder|ceo|manager|"
    r"official|reporter|expert|scientist|member|spokesperson|spokesman|spokeswoman|minister|governor|leader)"
)
_PERSON_PATTERNS = (
    re.compile(rf"\b(?:{_TITLES})\s+(?P<n>{_NAME})"),
    re.compile(rf"(?P<n>{_NAME}),\s+(?i:(?:an?\s+|the\s+)?{_ROLES})\b"),
    re.compile(rf"\b(?:said|says|told|according\s+to|noted|added|stressed|explained)\s+(?P<n>{_NAME})"),
    re.compile(rf"(?P<n>{_NAME})\s+(?:said|says|told|noted|added|stressed|explained|believes|thinks)\b"),
    re.compile(rf"^By\s+(?P<n>{_NAME})(?:\s*(?:&|and|,)\s*(?P<m>{_NAME}))?\s*$"),
)
_NOT_NAMES = {"staff", "reporters", "reporter", "correspondent", "editor", "xinhua", "china", "daily", "news", "the",
              "ministry", "bureau", "state", "council", "national", "people", "government", "party", "city", "province",
              "university", "institute", "academy", "department", "committee", "commission", "center", "centre",
              "chinese", "science", "technology", "according", "photo", "plan", "program", "programme", "in", "on",
              "by", "of", "and", "for", "with", "new", "group", "company", "road", "belt", "action",
              "innovation"}  # fmt: skip


def _person_label(name: str) -> str:
    return " ".join(w.title() if w.isupper() and len(w) > 1 else w for w in name.split())


def find_person_names(text: str) -> list[NameHit]:
    """People's names beside a cue: a title before it ('Professor Zhang Yongqing'), a role after it ('Chen
    Zhi, director of ...'), a verb of saying, or a byline ('By ZHONG Jianli & LIU Yin')."""
    hits: list[NameHit] = []
    for pattern in _PERSON_PATTERNS:
        for match in pattern.finditer(text):
            for group in ("n", "m"):
                if group not in pattern.groupindex or not match.group(group):
                    continue
                name = match.group(group)
                start, end = match.span(group)
                title = re.match(rf"(?:{_TITLES})\s+", name)
                if title:  # 'said Professor Li Ming': the name is Li Ming
                    name, start = name[title.end() :], start + title.end()
                    if len(name.split()) < 2:
                        continue
                words = [w.lower() for w in re.split(r"[ -]", name)]
                if any(w in _NOT_NAMES for w in words):
                    continue
                if any((h.start <= start and end <= h.end) or (start <= h.start and h.end <= end) for h in hits):
                    continue

                hits.append(NameHit(start, end, name, _person_label(name), "Person", "person"))
    return hits


def slugify(text: str) -> str:
    """A lowercase-hyphen slug: letters a-z, digits, single hyphens."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("&", " and ").replace("%", " percent ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"
