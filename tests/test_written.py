"""The literals the store rewrites, found in a file's text (:mod:`innograph.shacl.written`), are exactly those
a full parse finds: each case below is loaded into a store, scanned, and compared with a parse of the file."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from innograph.shacl.written import rewritten, rewritten_in, written_forms

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

CASES = {
    "trailing zero": "ex:a ex:v 45.0 .\n",
    "trailing zero, list": "ex:a ex:v 1.50, 2.0 ; ex:w 3 .\n",
    "exponent": "ex:a ex:v 1e3 .\n",
    "exponent with sign and point": "ex:a ex:v -2.50E+1 .\n",
    "exponent at the end of a statement": "ex:a ex:v 1.0e2.\n",
    "exponent after a tab": "ex:a\n\tex:v\t1E3 .\n",
    "exponent in a collection": "ex:a ex:v (1e3 2.0E0) .\n",
    "leading zero after a line break": "ex:a ex:v\n    007 .\n",
    "leading zero after a comma": "ex:a ex:v 5,06 .\n",
    "leading zero after a tab": "ex:a ex:v\t-05 .\n",
    "plus sign": "ex:a ex:v +5 .\n",
    "minus zero": "ex:a ex:v -0 .\n",
    "point first": "ex:a ex:v .5 .\n",
    "typed": 'ex:a ex:v "05"^^xsd:positiveInteger ; ex:w "1"^^xsd:boolean ; ex:x "2021-01-01"^^xsd:date .\n',
    "typed with a full IRI": 'ex:a ex:v "4.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
    "both forms of one value": 'ex:a ex:v 45.0 . ex:b ex:v "45"^^xsd:decimal . ex:c ex:v 45.00 .\n',
    "hashes that hold an e": "ex:a ex:v <http://example.org/r#x.v.v1e3a9c2> ; ex:w ex:v9e9 .\n",
    "numbers in a string": 'ex:a ex:v "costs 1e3 or 45.0 or 007" .\n',
    "canonical numbers only": "ex:a ex:v 45, 4.5, 0, -3 .\n",
    "long string with a datatype": 'ex:a ex:v """05"""^^xsd:integer ; ex:w 1.0 .\n',
}


def _found(path, text: str) -> list[tuple]:
    store = ox.Store()
    graph = ox.NamedNode("http://example.org/graph")
    store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=graph)
    found, _kept = rewritten_in(path, graph, store)
    return sorted(_key(r.subject, r.predicate, r.written) for r in found)


def _key(subject, predicate, literal) -> tuple:
    # a blank node (a collection's cell) is named differently by each parse: compared as one
    return ("_:" if isinstance(subject, ox.BlankNode) else str(subject), str(predicate), str(literal))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_text_scan_finds_what_a_parse_finds(tmp_path, name):
    text = PREFIXES + CASES[name]
    path = tmp_path / "case.ttl"
    path.write_text(text, encoding="utf-8")
    expected = sorted(
        _key(t.subject, t.predicate, t.object)
        for t in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)
        if rewritten(t.object)
    )
    assert _found(path, text) == expected


def test_the_cases_hold_rewritten_literals_of_every_kind():
    """The cases are not vacuous: most write a literal the store rewrites."""
    holding = [
        n
        for n, t in CASES.items()
        if any(rewritten(x.object) for x in ox.parse((PREFIXES + t).encode(), format=ox.RdfFormat.TURTLE))
    ]
    assert len(holding) >= len(CASES) - 3


def test_a_number_after_a_tab_or_a_comma_is_seen_by_the_text_scan():
    """Without a parse: the forms come from the text (a long string with a datatype would need one)."""
    forms = written_forms((PREFIXES + "ex:a ex:v\t1E3 , 06 ,07 .\n").encode())
    assert forms is not None
    assert {
        ("1E3", "http://www.w3.org/2001/XMLSchema#double"),
        ("07", "http://www.w3.org/2001/XMLSchema#integer"),
    } <= forms
