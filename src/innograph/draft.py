"""``innograph draft ARTICLE.txt`` and ``innograph accept DRAFT``: a first draft of an article's graph, and
what the curator keeps of it.

:func:`draft_article` reads an article the graph has never seen, with the rules of
:mod:`innograph.draft_rules` and nothing else but the graph's vocabularies and the names of its entities
(no network, no model), and proposes:

* a candidate target or figure for every number that can be one: value, range, unit, comparator, year or
  period, an indicator from the vocabulary (left out, with a comment, when none fits), the known place or
  actor it is about, and its sentence as the verbatim ``ig:quote``;
* a link to every known entity the article names, by any English or Chinese label or alternative label
  (``draft:Mention`` blocks, and the ``ig:about`` / ``ig:statedBy`` of the candidates);
* a candidate entity for every organisation, place or person name the graph does not know.

The draft is a Turtle file, by default ``drafts/<stem>.ttl`` (outside ``kg/``, so nothing loads it), that
declares itself a draft: ``<https://w3id.org/innograph/draft/<stem>> a draft:DraftGraph``
(:data:`DRAFT_GRAPH`; :func:`is_draft`). Every candidate says ``draft:keep false``; the curator turns the ones
they want to ``draft:keep true`` after checking them, and :func:`accept` writes ``kg/<stem>.ttl`` in canonical
form with those blocks only, the draft's bookkeeping (``draft:`` terms) removed and the statement records
the project requires. docs/drafting.md is the curator's guide.

:func:`measure` compares drafts with curated graphs (``bench/draft_recall.py`` prints it).
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from innograph import draft_rules as rules
from innograph.atomic import write_text
from innograph.draft_rules import ArticleDate, NameHit, Quantity, Time, TimeMention
from innograph.errors import InputError, UsageError
from innograph.loader import KnowledgeGraph
from innograph.namespaces import DCTERMS, GRAPH, ID, IG, OWL, RDF, RDFS, SH, SKOS, SRC, VOCAB, XSD, curie
from innograph.project import GraphFile

DRAFT = "https://w3id.org/innograph/draft#"
DRAFT_BASE = "https://w3id.org/innograph/draft/"
DRAFT_GRAPH = f"{DRAFT}DraftGraph"
DRAFTS_DIR = "drafts"
KEEP = f"{DRAFT}keep"
UNIT = f"{VOCAB}unit/"
CMP = f"{VOCAB}comparator/"
IND = f"{VOCAB}indicator/"
STATUS = f"{VOCAB}status/"
_PREFIXES = {
    "cmp": CMP, "dcterms": DCTERMS, "draft": DRAFT, "id": ID, "ig": IG, "ind": IND, "rdf": RDF, "rdfs": RDFS,
    "skos": SKOS, "src": SRC, "status": STATUS, "unit": UNIT, "xsd": XSD,
}  # fmt: skip


# ---------------------------------------------------------------- what the graph knows


@dataclass(frozen=True)
class Indicator:
    iri: str
    label: str
    names: tuple[str, ...]
    label_tokens: frozenset[str]
    definition_tokens: frozenset[str]
    units: frozenset[str] | None  # the units it is stated in, as its definition tells; None: any


@dataclass
class Vocabulary:
    units: set[str]
    comparators: dict[str, list[str]]  # local name -> English labels
    statuses: set[str]
    indicators: list[Indicator]
    idf: dict[str, float]
    comparator_patterns: list = field(default_factory=list)


@dataclass
class Known:
    """An entity of the graph, by the names an article may use."""

    iri: str
    label: str
    kinds: set[str]  # place, agent, programme, other
    names: list[tuple[str, str]] = field(default_factory=list)  # (name, language)


def _local(iri: str) -> str:
    return re.sub(r"^.*[/#]", "", iri)


_STOP = {
    "the", "a", "an", "of", "and", "or", "in", "on", "for", "to", "by", "with", "as", "at", "from", "that", "which",
    "its", "their", "this", "these", "such", "other", "is", "are", "was", "were", "be", "been", "has", "have", "had",
    "will", "would", "than", "more", "over", "about", "nearly", "total", "number", "amount", "place", "period",
    "year", "years", "per", "into", "it", "they", "them", "new", "all", "some", "any", "each", "both", "up", "down",
    "also", "well", "including", "among", "during", "within", "kind", "level", "qualifier", "gives", "give", "say",
    "says", "usually", "reported", "source", "given", "group", "whose", "one", "two", "first", "use", "when"
}  # fmt: skip
_SYNONYMS = {
    "firm": "enterprise", "company": "enterprise", "companie": "enterprise", "business": "enterprise",
    "corporate": "enterprise", "spending": "expenditure", "expense": "expenditure", "outlay": "expenditure",
    "tech": "technology", "sci": "science", "hi": "high", "smes": "small medium enterprise",
    "sme": "small medium enterprise",
    "input": "expenditure", "investment": "investment",
}  # fmt: skip


def _stem(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    return word[:6]


def tokens(text: str) -> set[str]:
    """Content words, folded: 'R&D' is rd, 'firms' are enterprises, words compared on their first six letters."""
    text = text.lower().replace("r&d", " rd ").replace("research and development", " rd ")
    found = set()
    for word in re.split(r"[^a-z0-9]+", text):
        if not word or word in _STOP or word.isdigit():
            continue
        for part in _SYNONYMS.get(word, _SYNONYMS.get(word.rstrip("s"), word)).split():
            if len(part) > 1:
                found.add(_stem(part))
    return found


def _indicator_units(label: str, definition: str) -> frozenset[str] | None:
    """The units an indicator is stated in, as its label and the first clause of its definition tell."""
    first = re.split(r";|\(", definition)[0]
    text = f"{label} {first}".lower()

    if "ten thousand" in text or "10,000" in text:
        return frozenset({"per-10000-people"})
    if "voltage" in text:
        return frozenset({"kilovolt"})
    if re.search(r"\bmultiple\b|\bleverage\b", text):
        return frozenset({"multiple"})
    if re.search(r"\bthe number of\b", text):
        return frozenset({"count"})
    if re.search(r"\bpercentage\b|\bpercent\b|\bshare\b|\bratio\b|\bcontribution rate\b|\bintensity\b", text):
        return frozenset({"percent"})
    if re.search(r"\b(?:amount|value|capital|expenditure|spending|turnover|relief|investment|tax|size)\b", text):
        return frozenset({"yuan"})
    return None


def _concepts(kg: KnowledgeGraph, scheme: str) -> dict[str, dict[str, list]]:
    query = f"""
        SELECT ?c ?p ?o WHERE {{
            ?c <{SKOS}inScheme> <{scheme}> ; ?p ?o .
            FILTER (?p IN (<{SKOS}prefLabel>, <{SKOS}altLabel>, <{SKOS}definition>, <{SKOS}notation>))
        }}"""
    found: dict[str, dict[str, list]] = {}
    for row in kg.query(query):
        entry = found.setdefault(row["c"].value, {})
        literal = row["o"]
        language = literal.language if isinstance(literal, ox.Literal) else None
        entry.setdefault(_local(row["p"].value), []).append((literal.value, language))
    return found


def load_vocabulary(kg: KnowledgeGraph) -> Vocabulary:
    """Units, comparators, statuses and indicators, as the graph's vocabularies declare them."""
    units = {_local(c) for c in _concepts(kg, f"{VOCAB}unit") if c.startswith(UNIT)}
    statuses = {_local(c) for c in _concepts(kg, f"{VOCAB}status") if c.startswith(STATUS)}
    comparators: dict[str, list[str]] = {}
    for iri, entry in _concepts(kg, f"{VOCAB}comparator").items():
        if iri.startswith(CMP):
            names = entry.get("prefLabel", []) + entry.get("altLabel", [])
            comparators[_local(iri)] = [n for n, lang in names if lang in (None, "en")]
    indicators = []
    for iri, entry in sorted(_concepts(kg, f"{VOCAB}indicator").items()):
        if not iri.startswith(IND):
            continue
        english = [n for n, lang in entry.get("prefLabel", []) if lang in (None, "en")]
        alternatives = [n for n, lang in entry.get("altLabel", []) if lang in (None, "en")]
        label = english[0] if english else _local(iri).replace("-", " ")
        definition = next((d for d, lang in entry.get("definition", []) if lang in (None, "en")), "")
        first = re.split(r";|\(", definition)[0]
        label_tokens = set(tokens(label))
        for name in alternatives:
            label_tokens |= tokens(name)
        indicators.append(
            Indicator(
                iri,
                label,
                tuple(english + alternatives),
                frozenset(label_tokens),
                frozenset(tokens(first)),
                _indicator_units(label, definition),
            )
        )
    frequency = Counter(t for i in indicators for t in i.label_tokens | i.definition_tokens)
    idf = {t: math.log(1 + len(indicators) / n) for t, n in frequency.items()}
    vocabulary = Vocabulary(units, comparators, statuses, indicators, idf)
    vocabulary.comparator_patterns = rules.comparator_patterns(comparators)
    return vocabulary


_FAMILIES = {f"{IG}Place": "place", f"{IG}Agent": "agent", f"{IG}Programme": "programme"}
_NOT_NAMED = {f"{IG}QuantitativeStatement", f"{IG}StatementRecord", f"{IG}SourceArticle", f"{IG}ArticleSection"}
_PLACE_SUFFIX = re.compile(
    r"\s+(?:(?:Hui|Zhuang|Uygur|Uyghur|Tibet)\s+)?(?:Autonomous\s+Region|Province|City|Municipality|County|District)$",
    re.I,
)


def class_ancestors(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Each class of the ontology with itself and every class above it."""
    parents: dict[str, set[str]] = {}
    for row in kg.query(f"SELECT ?c ?p WHERE {{ ?c <{RDFS}subClassOf> ?p }}"):
        parents.setdefault(row["c"].value, set()).add(row["p"].value)
    closure: dict[str, set[str]] = {}

    def up(cls: str, seen: frozenset = frozenset()) -> set[str]:
        if cls in closure:
            return closure[cls]
        found = {cls}
        for parent in parents.get(cls, ()):
            if parent not in seen:
                found |= up(parent, seen | {cls})
        closure[cls] = found
        return found

    for cls in list(parents):
        up(cls)
    return closure


def load_entities(kg: KnowledgeGraph) -> dict[str, Known]:
    """Every entity of the curated graphs with its English and Chinese names (labels and alternative labels),
    and for places the name without 'Province', 'City' and the like ('Hebei' for 'Hebei Province')."""
    ancestors = class_ancestors(kg)
    data_graphs = {f.graph for f in kg.graphs("source", "reference", "sources")}
    known: dict[str, Known] = {}
    types: dict[str, set[str]] = {}
    for row in kg.query(f"SELECT ?g ?e ?t WHERE {{ GRAPH ?g {{ ?e a ?t }} FILTER (STRSTARTS(STR(?e), '{ID}')) }}"):
        if row["g"].value in data_graphs:
            types.setdefault(row["e"].value, set()).update(ancestors.get(row["t"].value, {row["t"].value}))
    for iri, classes in types.items():
        if classes & _NOT_NAMED or iri.startswith(SRC) or "#" in iri:
            continue
        kinds = {family for cls, family in _FAMILIES.items() if cls in classes} or {"other"}
        known[iri] = Known(iri, "", kinds)
    query = f"""SELECT ?e ?p ?name WHERE {{
        ?e ?p ?name . FILTER (?p IN (<{RDFS}label>, <{SKOS}altLabel>)) FILTER (STRSTARTS(STR(?e), '{ID}')) }}"""
    for row in kg.query(query):
        entity = known.get(row["e"].value)
        name = row["name"]
        if entity is None or not isinstance(name, ox.Literal):
            continue
        language = name.language or "en"
        if (name.value, language) not in entity.names:
            entity.names.append((name.value, language))
        if row["p"].value == f"{RDFS}label" and language == "en":
            entity.label = name.value
    for entity in known.values():
        if not entity.label:
            entity.label = next((n for n, _ in entity.names), _local(entity.iri))
        if "place" in entity.kinds:
            for name, language in list(entity.names):
                short = _PLACE_SUFFIX.sub("", name) if language == "en" else name
                if short != name and len(short) >= 4 and (short, language) not in entity.names:
                    entity.names.append((short, language))
    return {iri: e for iri, e in known.items() if e.names}


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    name: str
    entity: Known


class NameIndex:
    """Finds known entities' names in text: whole words for English (case aside for names of four letters
    or more), anywhere for Chinese; the longest name wins where two overlap."""

    def __init__(self, known: dict[str, Known]):
        self.patterns: list[tuple[re.Pattern, Known, str]] = []
        for entity in known.values():
            for name, language in entity.names:
                if len(name) < 2:
                    continue
                escaped = re.escape(rules.normalise(name)).replace(r"\ ", r"\s+")
                if language.startswith("zh") or _CHINESE.search(name):
                    pattern = re.compile(escaped)
                else:
                    flags = re.IGNORECASE if len(name) >= 4 and not name.isupper() else 0
                    pattern = re.compile(rf"(?<![\w-]){escaped}(?![\w-])", flags)
                self.patterns.append((pattern, entity, name))

    def find(self, text: str) -> list[Hit]:
        hits = [
            Hit(m.start(), m.end(), name, entity)
            for pattern, entity, name in self.patterns
            for m in pattern.finditer(text)
        ]
        hits.sort(key=lambda h: (-(h.end - h.start), h.start, h.entity.iri))
        chosen: list[Hit] = []
        for hit in hits:
            overlapping = [c for c in chosen if c.start < hit.end and hit.start < c.end]
            if not overlapping or all(c.start == hit.start and c.end == hit.end for c in overlapping):
                chosen.append(hit)  # the same span may name two entities: both are listed
        return sorted(chosen, key=lambda h: (h.start, h.entity.iri))


# ---------------------------------------------------------------- the draft


@dataclass
class Mention:
    entity: Known
    names: set[str] = field(default_factory=set)
    count: int = 0
    quote: str = ""


@dataclass
class Candidate:
    iri: str
    cls: str  # Target or Observation
    status: str | None
    quantity: Quantity
    time: Time
    time_note: str | None  # how the time was inferred, where the sentence does not state it
    indicator: Indicator | None
    alternatives: list[Indicator]
    about: Known | None
    stated_by: Known | None
    set_by: Known | None
    quote: str
    sentence: int
    label: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Link:
    predicate: str
    target: Known
    note: str


@dataclass
class NameCandidate:
    iri: str
    label: str
    cls: str
    cue: str
    quote: str
    printed: str
    links: list[Link] = field(default_factory=list)


@dataclass
class Draft:
    """The draft of one article: what :meth:`to_turtle` writes to the draft file."""

    stem: str
    file_name: str
    date: ArticleDate
    date_how: str
    candidates: list[Candidate]
    mentions: list[Mention]
    names: list[NameCandidate]

    @property
    def iri(self) -> str:
        return f"{DRAFT_BASE}{self.stem}"

    @property
    def source(self) -> str:
        return f"{SRC}{self.stem}"

    def to_turtle(self) -> str:
        return _render(self)


def _source_date(kg: KnowledgeGraph, file_name: str) -> ArticleDate | None:
    query = f"""SELECT ?d WHERE {{ ?s <{IG}fileName> ?f ; <{IG}date> ?d . FILTER (STR(?f) = "{file_name}") }}"""
    for row in kg.query(query):
        match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", row["d"].value)
        if match:
            year, month, day = (int(g) if g else None for g in match.groups())
            return ArticleDate(year, month, day, "its source record in kg/sources.ttl")
    return None


def _read_article(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"is not UTF-8 text (byte {error.start}); save it as UTF-8", path=str(path)) from None


def _nearest(mentions: list[TimeMention], start: int, end: int) -> TimeMention:
    return min(mentions, key=lambda t: (min(abs(t.start - end), abs(start - t.end)), t.start))


_SPECIFIC_UNITS = {"per-10000-people", "kilovolt"}


def _choose_indicator(
    vocabulary: Vocabulary, sentence: str, quantity: Quantity, neighbours: list[Quantity]
) -> tuple[Indicator | None, list[Indicator], list[str]]:
    """The indicator whose label best covers the words around the number: the eight words on either side
    within its own stretch of the clause (up to the neighbouring numbers) count fully, the rest of that
    stretch 0.8, the rest of the sentence 0.5; a little for the definition's words in the clause; an indicator
    stated in another unit (a count for a percentage) does not fit. It fits when about half its label is
    covered, or when it is an indicator of a rare unit (kilovolts, per 10,000 people)."""
    clause_start, clause_end = rules.clause_bounds(sentence, quantity.start)
    before = [q.end for q in neighbours if clause_start < q.end <= quantity.start]
    after = [q.start for q in neighbours if quantity.end <= q.start < clause_end]
    seg_start, seg_end = max(before, default=clause_start), min(after, default=clause_end)
    words_before = sentence[seg_start : quantity.start].split()[-8:]
    words_after = sentence[quantity.end : seg_end].split()[:8]
    near = tokens(" ".join(words_before + words_after))
    segment = tokens(sentence[seg_start:seg_end])
    clause = tokens(sentence[clause_start:clause_end])
    whole = tokens(sentence)
    scored = []
    for indicator in vocabulary.indicators:
        total = sum(vocabulary.idf.get(t, 1.0) for t in indicator.label_tokens) or 1.0
        covered = 0.0
        for token in indicator.label_tokens:
            if token in near:
                weight = 1.0
            elif token in segment:
                weight = 0.8
            else:
                weight = 0.5 if token in whole else 0.0
            covered += weight * vocabulary.idf.get(token, 1.0)
        # how much of the label the words cover, discounted for labels of one or two common words
        score = covered / total * (1 - math.exp(-covered / 2))
        definition = indicator.definition_tokens - indicator.label_tokens
        if definition:
            score += 0.15 * len(definition & clause) / len(definition)
        if quantity.unit in _SPECIFIC_UNITS and indicator.units == frozenset({quantity.unit}):
            score += 0.5
        elif indicator.units is not None and quantity.unit not in (None, "multiple", "percent-change"):
            score += 0.05 if quantity.unit in indicator.units else -1.0
        if quantity.unit == "percent-change" and indicator.units == frozenset({"count"}):
            score -= 0.3
        if score > 0:
            scored.append((score, indicator))
    scored.sort(key=lambda pair: (-pair[0], pair[1].iri))
    fits = [(s, i) for s, i in scored if s >= 0.45]
    if not fits:
        nearest = ", ".join(curie(i.iri) for _, i in scored[:3])
        note = "no indicator of the vocabulary fits: pick one (innograph terms) or add one"
        return None, [i for _, i in scored[:3]], [note + (f"; nearest: {nearest}" if nearest else "")]
    return fits[0][1], [i for s, i in fits[1:4] if s >= fits[0][0] - 0.15], []


_NOT_PAST = "an earlier sentence's time would put the target in the past."
_NOT_FUTURE = "an earlier sentence's time would put the reported figure in the future."
_RELATIVE = re.compile(r"\b(?:this|last|next|now|currently|present|then)\b", re.I)


def _time_of(quantity, text, strong, resolved, context, context_how, date) -> tuple[Time, str | None, str]:
    """The time of one number: the time its clause (else its sentence) names, nearest first; else the time
    of the sentences before. Also a curator's note where that is an inference, and 'stated', 'relative' or
    'carried'."""
    if not strong:
        if context is None or context.is_empty():
            return Time(), None, "carried"
        return context, f"The sentence names no time; {context.describe()} is taken from {context_how}.", "carried"
    clause_start, clause_end = rules.clause_bounds(text, quantity.start)
    in_clause = [t for t in strong if clause_start <= t.start < clause_end]
    chosen = _nearest(in_clause or strong, quantity.start, quantity.end)
    time = resolved[chosen.start]
    if chosen.as_of and time.start:
        return time, f"{time.describe()}: '{chosen.text}', counted from an earlier 'since {time.start}'.", "relative"
    if chosen.weak or _RELATIVE.search(chosen.text):
        return time, f"{time.describe()}: '{chosen.text}', read against the article's date ({date.iso()}).", "relative"
    return time, None, "stated"


def _grown(sentence: str, quantity: Quantity, quantities: list[Quantity], candidates: list[Candidate]):
    """For a growth rate that follows another number of the sentence in the next clause or its own ('...
    187.21 billion yuan, up by 6.9% over the previous year'), that number's candidate."""
    if quantity.unit != "percent-change":
        return None
    earlier = [q for q in quantities if q.end <= quantity.start and q.unit != "percent-change"]
    if not earlier:
        return None
    previous = earlier[-1]
    between = sentence[previous.end : quantity.start]
    if len(re.findall(r"[,;]", between)) > 1 or len(between.split()) > 6:
        return None
    return next((c for c in reversed(candidates) if c.quantity is previous), None)


def _part_of(sentence: str, quantity: Quantity, quantities: list[Quantity], candidates: list[Candidate]):
    """For a number in an 'including ...' or 'of which ...' clause, the candidate of the number it is part of."""
    earlier = [q for q in quantities if q.end <= quantity.start and q.unit == quantity.unit]
    clause_start, _ = rules.clause_bounds(sentence, quantity.start)
    if not earlier or not re.match(r"\s*(?:including|of\s+which|among\s+(?:which|them))\b", sentence[clause_start:]):
        return None
    return next((c for c in reversed(candidates) if c.quantity is earlier[-1]), None)


def _about(hits: list[Hit], position: int, families: tuple[str, ...]) -> Known | None:
    """The known entity of one of ``families`` named nearest the number, before it first."""
    fitting = [h for h in hits if h.entity.kinds & set(families)]
    if not fitting:
        return None
    before = [h for h in fitting if h.end <= position]
    if before:
        return max(before, key=lambda h: h.end).entity
    return min(fitting, key=lambda h: h.start).entity


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else f"{text}.0"


def _value_words(quantity: Quantity) -> str:
    def plain(value: Decimal) -> str:
        text = format(value.normalize(), "f")
        return text

    units = {"percent": "%", "percent-change": "% change", "per-10000-people": " per 10,000 people",
             "yuan": " yuan", "kilovolt": " kV", "multiple": " times", "count": ""}  # fmt: skip
    unit = units.get(quantity.unit or "", "")
    if quantity.is_range:
        return f"{plain(quantity.low)} to {plain(quantity.high)}{unit}"
    comparator = {"exactly": "", "more-than": "more than ", "at-least": "at least ", "at-most": "at most ",
                  "nearly": "nearly ", "about": "about "}.get(quantity.comparator, "")  # fmt: skip
    return f"{comparator}{plain(quantity.value)}{unit}"


def draft_article(kg: KnowledgeGraph, article_path: str | Path, *, use_source_date: bool = True) -> Draft:
    """Read an article and propose its targets, figures, links and new names. ``kg`` gives the vocabularies
    and the known entities' names, nothing else: no statement of any graph is read. The article's date comes
    from its own first lines (or a copyright line); where it prints none, from its source record in
    kg/sources.ttl when there is one (``use_source_date``)."""
    path = Path(article_path)
    text = _read_article(path)
    stem = path.stem
    vocabulary = load_vocabulary(kg)
    known = load_entities(kg)
    index = NameIndex(known)
    ancestors = class_ancestors(kg)
    declared = kg.declared(f"{OWL}Class")
    required = _required_links(kg)
    existing = _existing_iris(kg)

    date = rules.article_date(text)
    date_how = f"the article prints {date.how}" if date.year else ""
    if date.year is None and use_source_date and (recorded := _source_date(kg, path.name)):
        date, date_how = recorded, "from its source record in kg/sources.ttl (the article prints none)"
    normalised = rules.normalise(text)

    mentions: dict[str, Mention] = {}
    names: dict[str, NameCandidate] = {}
    candidates: list[Candidate] = []
    taken: set[str] = set(existing)
    context: Time | None = Time(year=str(date.year)) if date.year else None
    context_how = "the article's date" if date.year else ""
    since_start: int | None = None
    section = 0
    last_about: Known | None = None

    for sentence in rules.split_sentences(text):
        if sentence.text not in normalised:
            continue  # cannot happen: sentences are spans of the normalised text
        if sentence.section != section:
            section = sentence.section
            context = Time(year=str(date.year)) if date.year else None
            context_how, since_start, last_about = "the article's date" if date.year else "", None, None
        hits = index.find(sentence.text)
        for hit in hits:
            mention = mentions.setdefault(hit.entity.iri, Mention(hit.entity, quote=sentence.text))
            mention.names.add(sentence.text[hit.start : hit.end])
            mention.count += 1
        _collect_names(sentence.text, hits, known, names, taken, declared, ancestors, required, stem)

        times = rules.find_times(sentence.text, date, context)
        usable = [t for t in times if not t.base and not t.time.is_empty()]
        strong = [t for t in usable if not t.weak] or usable
        resolved: dict[int, Time] = {}
        for mention in strong:
            time = mention.time
            if mention.as_of and since_start is not None and time.latest_year() and since_start < time.latest_year():
                time = Time(start=str(since_start), end=time.end or time.year)
            elif mention.as_of:
                time = Time(year=time.year)
            resolved[mention.start] = time

        if not sentence.heading:
            quantities = rules.find_quantities(sentence.text, vocabulary.comparator_patterns, times)
            for quantity in quantities:
                kind = rules.statement_kind(sentence.text, quantity.start)
                time, note, how = _time_of(quantity, sentence.text, strong, resolved, context, context_how, date)
                if note is not None and how == "carried" and date.year and not time.is_empty():
                    # an earlier sentence's time that cannot be this number's: the article's year instead
                    if kind == "target" and time.latest_year() < date.year:
                        time = Time(year=str(date.year))
                        note = f"The sentence names no time; {date.year}, the article's year: {_NOT_PAST}"
                    elif kind != "target" and time.earliest_year() > date.year:
                        time = Time(year=str(date.year))
                        note = f"The sentence names no time; {date.year}, the article's year: {_NOT_FUTURE}"
                if kind == "reported" and any(t.by and int(t.time.year or 0) > (date.year or 9999) for t in strong):
                    kind = "target"
                about = _about(hits, quantity.start, ("place",)) or _about(hits, quantity.start, ("agent", "programme"))
                about_how = ""
                if about is None and last_about is not None:
                    about, about_how = last_about, "ig:about taken from an earlier sentence"
                indicator, alternatives, indicator_notes = _choose_indicator(
                    vocabulary, sentence.text, quantity, quantities
                )
                part_of = _grown(sentence.text, quantity, quantities, candidates)
                if part_of is None and indicator is None:
                    part_of = _part_of(sentence.text, quantity, quantities, candidates)
                if part_of is not None and part_of.indicator is not None:
                    # 'X billion yuan, up by 6.9%': the rate is a change of the number before it;
                    # '19 complexes ..., including three for establishment': a part of it
                    if indicator is not None and indicator.iri != part_of.indicator.iri:
                        alternatives = [indicator, *alternatives]
                    indicator, indicator_notes = part_of.indicator, []
                candidate = Candidate(
                    iri="",
                    cls="Target" if kind == "target" else "Observation",
                    status=None if kind == "target" else ("estimate" if kind == "estimate" else "reported"),
                    quantity=quantity,
                    time=time,
                    time_note=note,
                    indicator=indicator,
                    alternatives=alternatives,
                    about=about,
                    stated_by=_about(hits, quantity.start, ("agent",)) if kind == "target" else None,
                    set_by=_about(hits, quantity.start, ("programme",)) if kind == "target" else None,
                    quote=sentence.text,
                    sentence=sentence.index,
                    notes=list(quantity.notes) + indicator_notes + ([about_how] if about_how else []),
                )
                _finish(candidate, vocabulary, taken)
                candidates.append(candidate)
            places = [h.entity for h in hits if "place" in h.entity.kinds]
            if places:
                last_about = places[-1]

        if strong:
            last = max(strong, key=lambda t: t.start)
            context = resolved[last.start].as_context()
            context_how = f"an earlier sentence: '{_shorten(sentence.text)}'"
        for mention in strong:
            if mention.since is not None:
                since_start = mention.since

    ordered_mentions = sorted(mentions.values(), key=lambda m: (-m.count, m.entity.iri))
    return Draft(stem, path.name, date, date_how, candidates, ordered_mentions, list(names.values()))


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _unique(slug: str, taken: set[str]) -> str:
    iri, number = f"{ID}{slug}", 2
    while iri in taken:
        iri, number = f"{ID}{slug}-{number}", number + 1
    taken.add(iri)
    return iri


def _finish(candidate: Candidate, vocabulary: Vocabulary, taken: set[str]) -> None:
    """Check the candidate's terms against the vocabulary, and give it an IRI and a label."""
    quantity = candidate.quantity
    if quantity.unit is not None and quantity.unit not in vocabulary.units:
        candidate.notes.append(f"unit {quantity.unit!r} is not in the units scheme")
        quantity.unit = None
    if quantity.comparator not in vocabulary.comparators:
        candidate.notes.append(f"comparator {quantity.comparator!r} is not in the comparators scheme: check it")
        quantity.comparator = "exactly"
    if candidate.about is None:
        candidate.notes.append("ig:about: the text names no place or actor the graph knows; add the one it is about")
    if candidate.cls == "Target" and candidate.stated_by is None and candidate.set_by is None:
        candidate.notes.append(
            "a target needs ig:statedBy (an actor) or ig:setBy (a programme): add the one the text names"
        )
    if candidate.time.is_empty():
        candidate.notes.append("no year or period found: add ig:year, or ig:periodStart and ig:periodEnd")
    time = candidate.time
    when = time.year or "-".join(p for p in (time.start, time.end) if p)
    if time.start and time.end and time.year:
        when = f"{time.start}-{time.end}"
    subject = candidate.about.label if candidate.about else "Unattributed"
    what = candidate.indicator.label if candidate.indicator else "figure"
    kind = "target" if candidate.cls == "Target" else "figure"
    candidate.label = f"{subject} {when} {kind}: {' '.join(quantity.text.split())} ({what})".replace("  ", " ")

    about_slug = rules.slugify(_local(candidate.about.iri)) if candidate.about else "draft"
    what_slug = (
        _local(candidate.indicator.iri) if candidate.indicator else f"value-{rules.slugify(_value_words(quantity))}"
    )
    slug = rules.slugify(f"{about_slug} {when} {'target' if kind == 'target' else ''} {what_slug}")
    candidate.iri = _unique(slug, taken)


def _existing_iris(kg: KnowledgeGraph) -> set[str]:
    return {
        row["s"].value for row in kg.query(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), '{ID}') }}")
    }


def _required_links(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Classes whose shape requires ig:jurisdiction or ig:locatedIn (a minimum count), by property."""
    query = f"""SELECT ?cls ?path WHERE {{
        ?shape <{SH}targetClass> ?cls ; <{SH}property> ?p . ?p <{SH}path> ?path ; <{SH}minCount> ?n .
        FILTER (?path IN (<{IG}jurisdiction>, <{IG}locatedIn>) && ?n > 0) }}"""
    found: dict[str, set[str]] = {}
    for row in kg.query(query):
        found.setdefault(row["path"].value, set()).add(row["cls"].value)
    return found


def _collect_names(
    text: str,
    hits: list[Hit],
    known: dict[str, Known],
    names: dict[str, NameCandidate],
    taken: set[str],
    declared: set[str],
    ancestors: dict[str, set[str]],
    required: dict[str, set[str]],
    stem: str,
) -> None:
    known_names = {rules.normalise(n).casefold() for e in known.values() for n, _ in e.names}
    found: list[NameHit] = rules.find_org_names(text) + rules.find_person_names(text)
    for hit in found:
        if any(h.start <= hit.start and hit.end <= h.end for h in hits):
            continue  # a known entity's name, or part of one
        key = hit.label.casefold()
        if key in known_names or key in names:
            continue
        cls = f"{IG}{hit.cls}"
        if cls not in declared:
            cls = f"{IG}Organization" if hit.cls != "Person" else f"{IG}Person"
        candidate = NameCandidate(
            iri=_unique(rules.slugify(hit.label), taken),
            label=hit.label,
            cls=cls,
            cue=hit.cue,
            quote=text,
            printed=hit.text,
        )
        classes = ancestors.get(cls, {cls})
        inside = [h for h in hits if hit.start <= h.start and h.end <= hit.end and "place" in h.entity.kinds]
        for predicate in (f"{IG}jurisdiction", f"{IG}locatedIn"):
            if not classes & required.get(predicate, set()):
                continue
            if inside:
                place = inside[0].entity
                note = f"Read from the name '{hit.text}', which holds the name of {place.label}."
            elif hit.cls in {"Ministry", "CentralGovernmentBody"} and f"{ID}china" in known:
                place = known[f"{ID}china"]
                note = (
                    f"'{hit.text}' is read as a national body of China; the article does not say so in so many words."
                )
            else:
                continue
            candidate.links.append(Link(predicate, place, note))
        names[key] = candidate


# ---------------------------------------------------------------- writing the draft

_HEADER = """\
# innograph DRAFT of {file}: candidate facts for kg/{stem}.ttl, read by rules, not by a person.
# NOT curated data: it lives outside kg/, declares itself a draft:DraftGraph, and innograph validate refuses it.
#
# Review it (docs/drafting.md):
#   * Every candidate says draft:keep false. For each one you want, check it against its quote (value, unit,
#     comparator, year or period, indicator, ig:about, ig:statedBy or ig:setBy), fix what is wrong, and
#     change its line to draft:keep true.
#   * Leave draft:keep false on the ones you reject, or delete their blocks. Blocks you write yourself
#     (without a draft:keep line) are kept.
#   * Then run: innograph accept {draft}
#     It writes kg/{stem}.ttl with what you kept, in canonical form, and the statement records it needs.
#
# Article date: {date}
"""


_CHINESE = re.compile(r"[\u3400-\u9fff]")


def _literal(text: str, language: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"' + (f"@{language}" if language else "")


def _typed(value: str) -> str:
    datatype = "gYearMonth" if len(value) > 4 else "gYear"
    return f'"{value}"^^xsd:{datatype}'


def _term(iri: str) -> str:
    shown = curie(iri)
    if shown.startswith("<"):
        return shown
    prefix = shown.split(":", 1)[0]
    return shown if prefix in _PREFIXES else f"<{iri}>"


def _comment(text: str) -> str:
    return "# " + " ".join(text.split())


def _record_iri(subject: str, predicate: str, obj: str, stem: str) -> str:
    from innograph.records import record_iri

    return record_iri(subject, predicate, ox.NamedNode(obj), stem)


def _render(draft: Draft) -> str:
    out: list[str] = [
        _HEADER.format(
            file=draft.file_name,
            stem=draft.stem,
            draft=f"{DRAFTS_DIR}/{draft.stem}.ttl",
            date=(f"{draft.date.iso()}, {draft.date_how}" if draft.date.year else "unknown: the article prints none"),
        )
    ]
    out += [f"@prefix {p}: <{ns}> ." for p, ns in _PREFIXES.items()]
    out.append("")
    out.append(f"<{draft.iri}>")
    out.append("    a draft:DraftGraph ;")
    out.append(f"    draft:article {_literal(draft.file_name, None)} ;")
    if draft.date.year:
        out.append(f"    draft:articleDate {_literal(draft.date.iso(), None)} ;")
    out.append(f"    dcterms:source {_term(draft.source)} .")
    out.append("")

    out.append(
        f"# ==== Known entities the article names ({len(draft.mentions)}): links for reference; accept drops them"
    )
    out.append("")
    for mention in draft.mentions:
        entity = mention.entity
        kinds = ", ".join(sorted(entity.kinds))
        out.append(_comment(f"{curie(entity.iri)} {entity.label!r} ({kinds}): {mention.count} mention(s)"))
        out.append(f"<{draft.iri}#mention-{rules.slugify(_local(entity.iri))}>")
        out.append("    a draft:Mention ;")
        out.append(f"    draft:entity {_term(entity.iri)} ;")
        for name in sorted(mention.names):
            language = "zh" if _CHINESE.search(name) else "en"
            out.append(f"    draft:name {_literal(name, language)} ;")
        out.append(f"    draft:occurrences {mention.count} ;")
        out.append(f"    draft:quote {_literal(mention.quote)} .")
        out.append("")

    out.append(f"# ==== Candidate targets and figures ({len(draft.candidates)}): draft:keep true the ones you check")
    out.append("")
    for candidate in draft.candidates:
        out += _render_candidate(candidate, draft)

    out.append(
        f"# ==== Names the graph does not know yet ({len(draft.names)}): draft:keep true to add one as an entity"
    )
    out.append("")
    for name in draft.names:
        out += _render_name(name, draft)
    return "\n".join(out).rstrip("\n") + "\n"


def _render_candidate(candidate: Candidate, draft: Draft) -> list[str]:
    quantity = candidate.quantity
    when = candidate.time.describe() or "no time found"

    lines = [_comment(f"sentence {candidate.sentence}: {quantity.text!r} -> {_value_words(quantity)}, {when}")]
    if candidate.indicator:
        also = ", ".join(curie(i.iri) for i in candidate.alternatives)
        lines.append(_comment(f"indicator {curie(candidate.indicator.iri)} ({candidate.indicator.label})"
                              + (f"; also fits: {also}" if also else "")))  # fmt: skip
    for note in candidate.notes:
        lines.append(_comment(f"CHECK: {note}"))
    lines.append(_term(candidate.iri))
    body = [f"a ig:{candidate.cls}", "draft:keep false", f"rdfs:label {_literal(candidate.label)}"]
    if quantity.is_range:
        body += [f"ig:minValue {_decimal(quantity.low)}", f"ig:maxValue {_decimal(quantity.high)}"]
    else:
        body.append(f"ig:value {_decimal(quantity.value)}")
    if quantity.unit:
        body.append(f"ig:unit unit:{quantity.unit}")
    body.append(f"ig:comparator cmp:{quantity.comparator}")
    time = candidate.time
    if time.year:
        body.append(f"ig:year {_typed(time.year)}")
    if time.start:
        body.append(f"ig:periodStart {_typed(time.start)}")
    if time.end:
        body.append(f"ig:periodEnd {_typed(time.end)}")
    if candidate.indicator:
        body.append(f"ig:indicator {_term(candidate.indicator.iri)}")
    if candidate.about:
        body.append(f"ig:about {_term(candidate.about.iri)}")
    if candidate.stated_by:
        body.append(f"ig:statedBy {_term(candidate.stated_by.iri)}")
    if candidate.set_by:
        body.append(f"ig:setBy {_term(candidate.set_by.iri)}")
    if candidate.status:
        body.append(f"ig:status status:{candidate.status}")
    if candidate.time_note and not time.is_empty():
        body.append(f"ig:curatorNote {_literal(candidate.time_note)}")
    body += [f"dcterms:source {_term(draft.source)}", f"ig:quote {_literal(candidate.quote)}"]
    lines += [f"    {part} ;" for part in body[:-1]] + [f"    {body[-1]} .", ""]
    return lines


def _render_name(name: NameCandidate, draft: Draft) -> list[str]:
    lines = [_comment(f"{name.printed!r}: class {curie(name.cls)} guessed from {name.cue!r}")]
    lines.append(_term(name.iri))
    body = [f"a {_term(name.cls)}", "draft:keep false", f"rdfs:label {_literal(name.label)}"]
    body += [f"{_term(link.predicate)} {_term(link.target.iri)}" for link in name.links]
    body.append(f"draft:quote {_literal(name.quote)}")
    lines += [f"    {part} ;" for part in body[:-1]] + [f"    {body[-1]} .", ""]
    for link in name.links:
        record = _record_iri(name.iri, link.predicate, link.target.iri, draft.stem)
        lines += [
            _comment(
                f"the evidence for {curie(name.iri)} {curie(link.predicate)} {curie(link.target.iri)}: kept with it"
            ),
            f"<{record}>",
            "    a ig:StatementRecord ;",
            f"    rdf:subject {_term(name.iri)} ;",
            f"    rdf:predicate {_term(link.predicate)} ;",
            f"    rdf:object {_term(link.target.iri)} ;",
            f"    dcterms:source {_term(draft.source)} ;",
            f"    ig:quote {_literal(name.quote)} ;",
            "    ig:inferred true ;",
            f"    ig:curatorNote {_literal(link.note)} .",
            "",
        ]
    return lines


def default_draft_path(kg: KnowledgeGraph, article_path: str | Path) -> Path:
    return kg.project.root / DRAFTS_DIR / f"{Path(article_path).stem}.ttl"


def write_draft(
    kg: KnowledgeGraph, article_path: str | Path, out_path: str | Path | None = None, *, force: bool = False
) -> Path:
    """Draft the article and write the draft file (default ``drafts/<stem>.ttl`` in the project); an existing
    draft, which may hold a curator's work, is replaced only with ``force``."""
    out = Path(out_path) if out_path is not None else default_draft_path(kg, article_path)
    return write_draft_text(kg, draft_article(kg, article_path), out, force=force)


def main_draft(args) -> int:
    """``innograph draft ARTICLE.txt [--out FILE] [--force]`` (``args``: article, out, force, root, sources)."""
    from innograph.loader import load

    kg = load(getattr(args, "root", None), getattr(args, "sources", None))
    article = Path(args.article)
    draft = draft_article(kg, article)
    out = Path(args.out) if getattr(args, "out", None) else default_draft_path(kg, article)
    write_draft_text(kg, draft, out, force=getattr(args, "force", False))
    shown = kg.project.relative(out)
    print(
        f"wrote {shown}: {len(draft.candidates)} candidate target(s) and figure(s), {len(draft.mentions)} known "
        f"entit{'y' if len(draft.mentions) == 1 else 'ies'} named, {len(draft.names)} new name(s)"
    )
    print(f"review it (docs/drafting.md): draft:keep true what you keep, then run 'innograph accept {shown}'")
    return 0


def write_draft_text(kg: KnowledgeGraph, draft: Draft, out: Path, *, force: bool = False) -> Path:
    if kg.project.kg_dir.resolve() in out.resolve().parents:
        raise UsageError(f"{out}: a draft does not go in kg/ (curated data); write it to {DRAFTS_DIR}/")
    if out.exists() and not force:
        raise UsageError(f"{out} exists and may hold your review; accept it, move it, or draft again with --force")
    write_text(out, draft.to_turtle())
    return out


# ---------------------------------------------------------------- is it a draft?


def is_draft(source) -> bool:
    """Whether a file, text, rdflib graph, Oxigraph store or loaded project holds the draft marker, a subject
    typed ``draft:DraftGraph`` (:data:`DRAFT_GRAPH`). A file that does not parse is a draft if its text
    names the marker."""
    rdf_type = f"{RDF}type"
    if isinstance(source, KnowledgeGraph):
        source = source.store
    if isinstance(source, ox.Store):
        return any(True for _ in source.quads_for_pattern(None, ox.NamedNode(rdf_type), ox.NamedNode(DRAFT_GRAPH)))
    if isinstance(source, (str, os.PathLike)) and not (isinstance(source, str) and "\n" in source):
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return False
    elif isinstance(source, str):
        text = source
    else:  # an rdflib graph or dataset
        from rdflib import URIRef
        from rdflib.namespace import RDF as RDFNS

        return (None, RDFNS.type, URIRef(DRAFT_GRAPH)) in source
    try:
        return any(
            q.predicate.value == rdf_type and q.object == ox.NamedNode(DRAFT_GRAPH)
            for q in ox.parse(text, format=ox.RdfFormat.TURTLE)
        )
    except (SyntaxError, ValueError):
        return DRAFT_GRAPH in text or bool(re.search(r"\bdraft:DraftGraph\b", text))


def draft_graphs(kg: KnowledgeGraph) -> list[str]:
    """The named graphs of a loaded project that hold the draft marker: for validate, which refuses them."""
    found = {
        q.graph_name.value
        for q in kg.store.quads_for_pattern(None, ox.NamedNode(f"{RDF}type"), ox.NamedNode(DRAFT_GRAPH))
        if isinstance(q.graph_name, ox.NamedNode)
    }
    return sorted(found)


# ---------------------------------------------------------------- accepting a draft


@dataclass
class Accepted:
    path: Path
    kept: list[str]
    dropped: int
    records_todo: list[str]


def accept(kg: KnowledgeGraph, draft_path: str | Path, out_path: str | Path | None = None) -> Path:
    """Write ``kg/<stem>.ttl`` from a reviewed draft: the blocks marked ``draft:keep true`` (and any block
    without a ``draft:keep`` line, which the curator wrote), without the draft's own terms; see
    :func:`accept_draft`."""
    return accept_draft(kg, draft_path, out_path).path


def accept_draft(kg: KnowledgeGraph, draft_path: str | Path, out_path: str | Path | None = None) -> Accepted:
    """Accept a reviewed draft. Refuses (writing nothing) a file that is not a draft, an article without a
    source record, and kept candidates that are incomplete (a value, unit, comparator, time, indicator,
    ig:about, a quote found in the article; a target's ig:statedBy or ig:setBy; a figure's ig:status) or
    that point to a candidate not kept. Merges with an existing kg/<stem>.ttl; adds a statement record with a
    TODO quote (which validate rejects until it is replaced) for every kept statement that needs one and
    has none."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF as RDFNS

    path = Path(draft_path)
    shown = kg.project.relative(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such file") from None
    if not is_draft(text):
        raise UsageError(f"{shown}: not a draft (no draft:DraftGraph); curated files need no accepting")
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"the draft does not parse: {message}", path=shown) from None

    marker = URIRef(DRAFT_GRAPH)
    draft_nodes = set(graph.subjects(RDFNS.type, marker))
    articles = {str(o) for s in draft_nodes for o in graph.objects(s, URIRef(f"{DRAFT}article"))}
    if len(articles) != 1:
        raise UsageError(f"{shown}: the draft must name its article once (draft:article)")
    file_name = articles.pop()
    stem = Path(file_name).stem
    source_iri = _source_record(kg, file_name)
    if source_iri is None:
        raise UsageError(
            f"{shown}: no source record names {file_name}; run 'innograph new source' on the article first"
        )
    article = kg.project.sources_dir / file_name
    article_text = rules.normalise(article.read_text(encoding="utf-8-sig")) if article.is_file() else None

    keep_flag = URIRef(KEEP)
    statement_record = URIRef(f"{IG}StatementRecord")
    subjects = set(graph.subjects())
    dropped_subjects, kept_subjects, problems = set(), set(), []
    for subject in subjects:
        if str(subject).startswith(DRAFT_BASE) or any(
            str(t).startswith(DRAFT) for t in graph.objects(subject, RDFNS.type)
        ):
            dropped_subjects.add(subject)
            continue
        flags = {o.toPython() if isinstance(o, Literal) else o for o in graph.objects(subject, keep_flag)}
        if len(flags) > 1 or (flags and not flags <= {True, False}):
            problems.append(f"{curie(str(subject))}: draft:keep must be true or false, once")
        elif flags == {False}:
            dropped_subjects.add(subject)
        elif (subject, RDFNS.type, statement_record) not in graph:
            kept_subjects.add(subject)

    output = Graph()
    for prefix, namespace in _PREFIXES.items():
        if prefix != "draft":
            output.bind(prefix, namespace)
    for subject in kept_subjects:
        for predicate, obj in graph.predicate_objects(subject):
            if str(predicate).startswith(DRAFT):
                continue
            if isinstance(obj, URIRef) and (obj in dropped_subjects or str(obj).startswith(DRAFT)):
                problems.append(f"{curie(str(subject))} {curie(str(predicate))} {curie(str(obj))}: you did not keep it")
                continue
            output.add((subject, predicate, obj))
    for record in graph.subjects(RDFNS.type, statement_record):
        if record in dropped_subjects:
            continue
        triple = (
            graph.value(record, RDFNS.subject),
            graph.value(record, RDFNS.predicate),
            graph.value(record, RDFNS.object),
        )
        if None not in triple and triple in output:
            for predicate, obj in graph.predicate_objects(record):
                if not str(predicate).startswith(DRAFT):
                    output.add((record, predicate, obj))

    if not kept_subjects:
        problems.append("nothing is kept: change draft:keep false to draft:keep true on the candidates you keep")
    problems += _incomplete(output, kg, article_text, source_iri)
    if problems:
        listed = "\n  ".join(problems)
        raise UsageError(f"{shown}: nothing written; {len(problems)} thing(s) to fix first:\n  {listed}")

    out = Path(out_path) if out_path is not None else kg.project.kg_dir / f"{stem}.ttl"
    todo = _add_missing_records(kg, output, stem, source_iri, out)
    _write_accepted(kg, output, out, file_name, stem)
    flagged = {s for s in subjects if (s, keep_flag, None) in graph}
    return Accepted(out, sorted(str(s) for s in kept_subjects), len(flagged - kept_subjects), todo)


def _source_record(kg: KnowledgeGraph, file_name: str) -> str | None:
    for row in kg.query(f"SELECT ?s ?f WHERE {{ ?s <{IG}fileName> ?f }}"):
        if row["f"].value == file_name:
            return row["s"].value
    return None


_REQUIRED = (
    ("ig:indicator", f"{IG}indicator", "pick one (innograph terms) or add one to ontology/vocab/indicators.ttl"),
    ("ig:unit", f"{IG}unit", "a unit from ontology/vocab/units.ttl"),
    ("ig:comparator", f"{IG}comparator", "a comparator from ontology/vocab/comparators.ttl"),
    ("ig:about", f"{IG}about", "the place, actor or programme the number describes"),
    ("ig:quote", f"{IG}quote", "the sentence it comes from"),
    ("rdfs:label", f"{RDFS}label", "an English label"),
)


def _incomplete(output, kg: KnowledgeGraph, article_text: str | None, source_iri: str) -> list[str]:
    from rdflib import URIRef
    from rdflib.namespace import RDF as RDFNS

    problems = []
    defined = {row["s"].value for row in kg.query("SELECT DISTINCT ?s WHERE { ?s a ?t }")}
    defined |= {str(s) for s in output.subjects(RDFNS.type, None)}
    for cls in ("Target", "Observation"):
        for subject in sorted(output.subjects(RDFNS.type, URIRef(f"{IG}{cls}"))):
            name = curie(str(subject))
            for shown, predicate, hint in _REQUIRED:
                if (subject, URIRef(predicate), None) not in output:
                    problems.append(f"{name}: no {shown}: {hint}")
            has_value = (subject, URIRef(f"{IG}value"), None) in output
            has_range = (subject, URIRef(f"{IG}minValue"), None) in output and (
                subject,
                URIRef(f"{IG}maxValue"),
                None,
            ) in output
            if not has_value and not has_range:
                problems.append(f"{name}: no ig:value (or ig:minValue and ig:maxValue)")
            if (subject, URIRef(f"{IG}year"), None) not in output and (
                subject,
                URIRef(f"{IG}periodEnd"),
                None,
            ) not in output:
                problems.append(f"{name}: no time: ig:year, or ig:periodStart and ig:periodEnd")
            if cls == "Target" and not (
                (subject, URIRef(f"{IG}statedBy"), None) in output or (subject, URIRef(f"{IG}setBy"), None) in output
            ):
                problems.append(f"{name}: a target needs ig:statedBy (an actor) or ig:setBy (a programme)")
            if cls == "Observation" and (subject, URIRef(f"{IG}status"), None) not in output:
                problems.append(f"{name}: no ig:status (status:reported, status:estimate or status:forecast)")
            if (subject, URIRef(f"{DCTERMS}source"), URIRef(source_iri)) not in output:
                problems.append(f"{name}: dcterms:source must be {curie(source_iri)}")
    if article_text is not None:
        for subject, quote in output.subject_objects(URIRef(f"{IG}quote")):
            if rules.normalise(str(quote)) not in article_text:
                problems.append(
                    f"{curie(str(subject))}: quote not found word for word in the article: {str(quote)[:70]!r}"
                )
    for subject, predicate, obj in output:
        if isinstance(obj, URIRef) and str(obj).startswith(ID) and str(obj) not in defined and predicate != RDFNS.type:
            problems.append(f"{curie(str(subject))} {curie(str(predicate))} {curie(str(obj))}: no such entity")
    return problems


def _add_missing_records(kg: KnowledgeGraph, output, stem: str, source_iri: str, out: Path) -> list[str]:
    """Append a record with a TODO quote for each kept statement that needs one (check
    statement-without-record) and has none; the records it adds, by IRI."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF as RDFNS

    from innograph.engines import _to_oxigraph
    from innograph.records import PLACEHOLDER, missing_records, record_iri

    if not (kg.project.checks_dir / "statement-without-record-violation.rq").is_file():
        return []
    graph_iri = f"{GRAPH}{stem}"
    store = ox.Store()
    for graph_file in kg.graphs("ontology", "shapes", "vocab"):
        store.extend(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_file.graph)))
    target = ox.NamedNode(graph_iri)
    store.extend(ox.Quad(*(_to_oxigraph(t) for t in triple), target) for triple in output)
    files = [*kg.graphs("ontology", "shapes", "vocab"), GraphFile(out, graph_iri, "source")]
    scratch = KnowledgeGraph(project=kg.project, store=store, files=files)
    added = []
    for missing in missing_records(scratch, graph_iri):
        obj = missing.object
        iri = URIRef(record_iri(missing.subject, missing.predicate, obj, stem))
        value = URIRef(obj.value) if isinstance(obj, ox.NamedNode) else _rdflib_literal(obj)
        output.add((iri, RDFNS.type, URIRef(f"{IG}StatementRecord")))
        output.add((iri, RDFNS.subject, URIRef(missing.subject)))
        output.add((iri, RDFNS.predicate, URIRef(missing.predicate)))
        output.add((iri, RDFNS.object, value))
        output.add((iri, URIRef(f"{DCTERMS}source"), URIRef(source_iri)))
        output.add((iri, URIRef(f"{IG}quote"), Literal(PLACEHOLDER, lang="en")))
        added.append(str(iri))
    return added


def _rdflib_literal(literal: ox.Literal):
    from rdflib import Literal, URIRef

    if literal.language:
        return Literal(literal.value, lang=literal.language)
    return Literal(literal.value, datatype=URIRef(literal.datatype.value))


def _write_accepted(kg: KnowledgeGraph, output, out: Path, file_name: str, stem: str) -> None:
    from rdflib import Graph

    from innograph.fmt import canonical
    from innograph.scaffold import SOURCE_HEADER

    header = SOURCE_HEADER.format(file=file_name, stem=stem)
    if out.exists():
        existing = out.read_text(encoding="utf-8-sig")
        previous = Graph()
        try:
            previous.parse(data=existing, format="turtle")
        except Exception as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise InputError(f"does not parse, so the draft cannot be added to it: {message}", path=str(out)) from None

        for triple in previous:
            output.add(triple)
        lines = []
        for line in existing.splitlines():
            if line.startswith("#") or (not line.strip() and lines):
                lines.append(line)
                continue
            break
        if lines:
            header = "\n".join(lines).rstrip() + "\n\n"
    body = output.serialize(format="turtle")
    write_text(out, canonical(header + body, kg.project.relative(out)))


def main_accept(args) -> int:
    """``innograph accept DRAFT [--out FILE]`` (``args``: draft, out, root, sources)."""
    from innograph.loader import load

    kg = load(getattr(args, "root", None), getattr(args, "sources", None))
    result = accept_draft(kg, args.draft, getattr(args, "out", None))
    shown = kg.project.relative(result.path)
    print(f"wrote {shown}: kept {len(result.kept)} block(s), dropped {result.dropped} candidate(s)")
    if result.records_todo:
        todo = len(result.records_todo)
        print(f"{todo} statement record(s) have a TODO quote: replace each with the sentence that says it")

    print("then run 'innograph validate'")
    return 0


# ---------------------------------------------------------------- measuring drafts against curated graphs


@dataclass(frozen=True)
class Statement:
    iri: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    unit: str | None
    comparator: str | None
    year: str | None
    start: str | None
    end: str | None
    indicator: str | None


def matches(candidate: Statement, curated: Statement) -> bool:
    """A candidate finds a curated target or figure when value (or range), unit and comparator are the same,
    and so is each of the year, period start and period end that the curated one has."""
    if curated.unit != candidate.unit or curated.comparator != candidate.comparator:
        return False
    if curated.value is not None:
        if candidate.value is None or candidate.value != curated.value:
            return False
    elif (candidate.low, candidate.high) != (curated.low, curated.high):
        return False
    return all(
        getattr(curated, part) is None or getattr(curated, part) == getattr(candidate, part)
        for part in ("year", "start", "end")
    )


def _statements(rows) -> list[Statement]:
    found: dict[str, dict[str, str]] = {}
    for subject, predicate, obj in rows:
        found.setdefault(subject, {})[_local(predicate)] = obj
    statements = []
    for iri, values in sorted(found.items()):

        def number(key, values=values):
            return Decimal(values[key]) if key in values else None

        statements.append(
            Statement(
                iri,
                number("value"),
                number("minValue"),
                number("maxValue"),
                _local(values["unit"]) if "unit" in values else None,
                _local(values["comparator"]) if "comparator" in values else None,
                values.get("year"),
                values.get("periodStart"),
                values.get("periodEnd"),
                values.get("indicator"),
            )
        )
    return statements


_PARTS = ("value", "minValue", "maxValue", "unit", "comparator", "year", "periodStart", "periodEnd", "indicator")


def curated_statements(kg: KnowledgeGraph, stem: str) -> list[Statement]:
    """The targets and figures of one article's curated graph."""
    query = f"""SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH}{stem}> {{
        ?s a ?c ; ?p ?o . FILTER (?c IN (<{IG}Target>, <{IG}Observation>))
        FILTER (?p IN ({", ".join(f"<{IG}{p}>" for p in _PARTS)})) }} }}"""
    return _statements((r["s"].value, r["p"].value, r["o"].value) for r in kg.query(query))


def draft_statements(draft: Draft) -> list[Statement]:
    """The candidate targets and figures of a draft, read back from the Turtle it writes."""
    quads = ox.parse(draft.to_turtle(), format=ox.RdfFormat.TURTLE)
    triples = [(q.subject.value, q.predicate.value, q.object.value) for q in quads]
    kinds = {s for s, p, o in triples if p == f"{RDF}type" and o in (f"{IG}Target", f"{IG}Observation")}
    wanted = {f"{IG}{p}" for p in _PARTS}
    return _statements((s, p, o) for s, p, o in triples if s in kinds and p in wanted)


def without_graph(kg: KnowledgeGraph, stem: str) -> KnowledgeGraph:
    """The project without one article's graph: what the graph knew before that article was curated."""
    drop = f"{GRAPH}{stem}"
    store = ox.Store()
    store.extend(
        q
        for q in kg.store.quads_for_pattern(None, None, None, None)
        if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == drop)
    )
    return KnowledgeGraph(project=kg.project, store=store, files=[f for f in kg.files if f.graph != drop])


@dataclass
class Score:
    stem: str
    curated: int
    found: int
    candidates: int
    matching: int
    indicator_agrees: int
    paired: int = 0  # curated statements found when each candidate may find one only
    misses: list[Statement] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.curated if self.curated else 1.0

    @property
    def precision(self) -> float:
        return self.matching / self.candidates if self.candidates else 0.0


def measure(kg: KnowledgeGraph, stems: list[str] | None = None, *, use_source_date: bool = True) -> list[Score]:
    """Draft each curated article (every source graph with targets or figures whose article is in the
    sources folder, or ``stems``) from the project *without that article's graph*, and compare with its
    curated targets and figures (:func:`matches`)."""
    if stems is None:
        stems = [
            f.stem
            for f in kg.graphs("source")
            if (kg.project.sources_dir / f"{f.stem}.txt").is_file() and curated_statements(kg, f.stem)
        ]
    scores = []
    for stem in stems:
        curated = curated_statements(kg, stem)
        blind = without_graph(kg, stem)
        draft = draft_article(blind, kg.project.sources_dir / f"{stem}.txt", use_source_date=use_source_date)
        proposed = draft_statements(draft)
        found = [s for s in curated if any(matches(c, s) for c in proposed)]
        agrees = sum(1 for s in found if any(matches(c, s) and c.indicator == s.indicator for c in proposed))
        matching = sum(1 for c in proposed if any(matches(c, s) for s in curated))
        misses = [s for s in curated if s not in found]
        paired = _paired(curated, proposed)
        scores.append(Score(stem, len(curated), len(found), len(proposed), matching, agrees, paired, misses))
    return scores


def _paired(curated: list[Statement], proposed: list[Statement]) -> int:
    """How many curated statements a one-to-one pairing with candidates finds (maximum bipartite matching):
    a single "doubled" candidate then finds one "doubling" target, not eight."""
    import networkx as nx

    graph = nx.Graph()
    left = [("curated", i) for i in range(len(curated))]
    graph.add_nodes_from(left)
    graph.add_nodes_from(("candidate", j) for j in range(len(proposed)))
    for i, statement in enumerate(curated):
        for j, candidate in enumerate(proposed):
            if matches(candidate, statement):
                graph.add_edge(("curated", i), ("candidate", j))
    pairs = nx.bipartite.maximum_matching(graph, top_nodes=left)
    return sum(1 for node in pairs if node[0] == "curated")


def markdown_table(scores: list[Score], name: Callable[[str], str] | None = None) -> str:
    """Recall and precision per article and overall, as a Markdown table; ``name`` gives an article's name
    from its file stem (its citation, as :class:`innograph.citations.Citations` writes it), else the stem."""
    name = name or (lambda stem: stem)
    lines = [
        "| article | curated | found | recall | found one to one | candidates | matching | precision "
        "| indicator agrees |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in scores:
        shown = name(s.stem).replace("|", "\\|")  # a citation may hold a bar, which would end the cell
        lines.append(
            f"| {shown} | {s.curated} | {s.found} | {s.recall:.0%} | {s.paired} | {s.candidates} | {s.matching} | "
            f"{s.precision:.0%} | {s.indicator_agrees}/{s.found} |"
        )
    parts = ("curated", "found", "candidates", "matching", "indicator_agrees", "paired")
    total = Score("**all**", *(sum(getattr(s, k) for s in scores) for k in parts))
    lines.append(
        f"| **all** | {total.curated} | {total.found} | **{total.recall:.1%}** | "
        f"{total.paired} ({total.paired / max(total.curated, 1):.1%}) | {total.candidates} | "
        f"{total.matching} | **{total.precision:.1%}** | {total.indicator_agrees}/{total.found} |"
    )
    return "\n".join(lines)
