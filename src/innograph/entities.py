"""One way to name an entity, for every command that takes one.

``query --param entity=…``, ``view --focus``, ``path A B`` and ``why SUBJECT`` all accept the same forms: a
slug (``ningbo``), a CURIE (``id:ningbo``), a full IRI, or a label or alternative label in any language
(``Huang Zhiming``, ``宁波``), case-insensitively. A name that fits nothing gets the same "did you mean"
list everywhere: the entities whose slug or names are closest to what was typed, each shown as the slug
to type and its English name.

Looking up a name that exists costs one small query. Only a failure reads every name in the graph, to
rank suggestions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from innograph.errors import UsageError
from innograph.namespaces import ID, PREFIXES, curie
from innograph.results import Term

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CURIE = re.compile(r"^([A-Za-z][\w-]*):([\w.-]*)$")
_NAME_PREDICATES = (
    "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
    "|<http://www.w3.org/2004/02/skos/core#altLabel>"
)
_CONCEPT = "<http://www.w3.org/2004/02/skos/core#Concept>"
SUGGESTIONS = 5


def fold(text: str) -> str:
    """A name as it is compared: NFKC (full-width letters as ASCII), case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def shown(iri: str) -> str:
    """How an entity is written back to the user: the slug they can type, else the CURIE."""
    if iri.startswith(ID) and SLUG.match(iri[len(ID) :]):
        return iri[len(ID) :]
    return curie(iri)


class EntityResolver:
    """Turns what a user typed into an entity's IRI, through any engine (embedded or an endpoint)."""

    def __init__(self, engine):
        self.engine = engine
        self._names: dict[str, dict[str, list[str]]] = {}

    # ----- the forms a name can take

    def entity(self, raw: str, what: str) -> Term:
        """The entity ``raw`` names; ``what`` names the option in messages (``--focus``, ``SUBJECT``)."""
        return self._resolve(raw, what, "entity")

    def concept(self, raw: str, what: str) -> Term:
        """A vocabulary concept by CURIE, IRI or label."""
        return self._resolve(raw, what, "concept")

    def _resolve(self, raw: str, what: str, kind: str) -> Term:
        text = raw.strip()
        if not text:
            raise UsageError(f"{what}: give an {kind}: a slug, CURIE, IRI or label")
        iri = self._as_iri(text, kind)
        if iri is not None:
            if self._exists(iri, kind):
                return Term("uri", iri)
        else:
            found = self.by_label(text, kind)
            if len(found) == 1:
                return Term("uri", found[0])
            if found:
                listed = ", ".join(self._describe(iri) for iri in sorted(found, key=shown)[:SUGGESTIONS])
                more = f" and {len(found) - SUGGESTIONS} more" if len(found) > SUGGESTIONS else ""
                plural = {"entity": "entities", "concept": "concepts"}[kind]
                raise UsageError(f"{what}: {text!r} names {len(found)} {plural}: {listed}{more}; give one of them")
        raise UsageError(f"{what}: no {kind} {text!r}" + self.hint(text, kind))

    def _as_iri(self, text: str, kind: str) -> str | None:
        """The IRI the text spells (slug, CURIE or IRI), or None when it can only be a label."""
        if text.startswith(("http://", "https://", "urn:")):
            return text
        match = CURIE.match(text)
        if match and match.group(1) in PREFIXES:
            return PREFIXES[match.group(1)] + match.group(2)
        if kind == "entity" and SLUG.match(text):
            return ID + text
        return None

    # ----- looking up

    def _exists(self, iri: str, kind: str) -> bool:
        from innograph.params import sparql_term

        term = sparql_term(Term("uri", iri))
        if kind == "concept":
            text = f"ASK {{ {term} a {_CONCEPT} }}"
        else:
            text = f"ASK {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} }}"
        return bool(self.engine.run(text).boolean)

    def by_label(self, text: str, kind: str = "entity") -> list[str]:
        """The IRIs with a label or alternative label equal to ``text`` (case-insensitive, any language)."""
        from innograph.params import sparql_term

        needle = sparql_term(Term("literal", text.lower()))
        scope = f"?e a {_CONCEPT} ." if kind == "concept" else ""
        table = self.engine.run(
            f"SELECT DISTINCT ?e WHERE {{ ?e {_NAME_PREDICATES} ?l . {scope} FILTER (LCASE(STR(?l)) = {needle}) }}"
        )
        found = sorted({row["e"].value for row in table.rows if "e" in row and row["e"].type == "uri"})
        if not found:  # full-width letters or doubled spaces typed: compare folded names
            key = fold(text)
            found = sorted(iri for iri, names in self.names(kind).items() if key in {fold(n) for n in names})
        return found

    def __call__(self, text: str) -> list[str]:
        """The entities a label names: the label lookup older callers used."""
        return self.by_label(text)

    def names(self, kind: str = "entity") -> dict[str, list[str]]:
        """Every entity (or concept) with its names, English first; read once per resolver."""
        if kind not in self._names:
            scope = f"?e a {_CONCEPT} ." if kind == "concept" else f'FILTER (STRSTARTS(STR(?e), "{ID}"))'
            table = self.engine.run(
                f"SELECT ?e ?p ?l WHERE {{ ?e ?p ?l . VALUES ?p {{ {_NAME_PREDICATES.replace('|', ' ')} }} "
                f"{scope} FILTER (isIRI(?e)) }}"
            )
            names: dict[str, list[tuple[int, str]]] = {}
            for row in table.rows:
                if "e" in row and "l" in row and "p" in row:
                    # the English label first, then other labels, then alternative names
                    rank = (2 if row["p"].value.endswith("altLabel") else 0) + (row["l"].lang not in ("en", None))
                    names.setdefault(row["e"].value, []).append((rank, row["l"].value))
            self._names[kind] = {iri: [n for _, n in sorted(set(found))] for iri, found in names.items()}
        return self._names[kind]

    # ----- suggestions

    def suggestions(self, text: str, kind: str = "entity") -> list[str]:
        """Up to five IRIs whose slug or names come closest to ``text``, best first."""
        key = fold(text)
        if key.startswith(fold(ID)):
            key = key[len(ID) :]
        elif CURIE.match(text):
            key = fold(text.split(":", 1)[1])
        scored = []
        for iri, names in self.names(kind).items():
            keys = {fold(n) for n in names} | {fold(shown(iri).split(":")[-1]), fold(shown(iri).replace("-", " "))}
            score = 0.0
            for candidate in keys:
                if key and key in candidate:
                    score = max(score, 0.9 + 0.1 * len(key) / len(candidate))
                    continue
                matcher = difflib.SequenceMatcher(None, key, candidate, autojunk=False)
                if matcher.real_quick_ratio() > score and matcher.quick_ratio() > score:
                    score = max(score, matcher.ratio())
            if score >= 0.6:
                scored.append((-score, shown(iri), iri))
        scored.sort()
        best = -scored[0][0] if scored else 0.0
        return [iri for score, _, iri in scored[:SUGGESTIONS] if -score >= best - 0.15]

    def hint(self, text: str, kind: str = "entity") -> str:
        """``; did you mean a (A), b (B)?``, or how to find the name when nothing is close."""
        near = self.suggestions(text, kind)
        if near:
            return "; did you mean " + ", ".join(self._describe(iri) for iri in near) + "?"
        if kind == "concept":
            return "; list concepts with innograph query search-names --param text=WORD"
        return "; give a slug, CURIE, IRI or label (find names with innograph query search-names --param text=WORD)"

    def _describe(self, iri: str) -> str:
        names = self.names("concept" if not iri.startswith(ID) else "entity").get(iri)
        if names is None:
            names = self.names("entity").get(iri) or self.names("concept").get(iri) or []
        return f"{shown(iri)} ({names[0]})" if names else shown(iri)
