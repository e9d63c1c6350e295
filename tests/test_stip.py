"""The STIP Compass alignment: every policy-instrument concept maps to a STIP Compass instrument type, the STIP
schemes (instrument types, target groups, themes) are well-formed SKOS, the ig:targetGroup and ig:theme tags
carry their quoted statement records, and ``innograph export stip`` writes one CSV row per programme."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from conftest import REPO

VOCAB = "https://w3id.org/innograph/vocab/"
INSTRUMENTS = f"{VOCAB}instrument"
STIP_SCHEMES = {
    f"{VOCAB}stip-instrument": "PI",
    f"{VOCAB}stip-target-group": "TG",
    f"{VOCAB}stip-theme": "TH",
}
PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX ig: <https://w3id.org/innograph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def select(kg, text: str) -> list:
    return list(kg.query(PREFIXES + text))


def ask(kg, text: str) -> bool:
    return bool(kg.query(PREFIXES + text))


def test_every_instrument_concept_maps_to_a_stip_instrument_type(curated):
    instruments = {
        row["c"].value
        for row in select(curated, f"SELECT ?c WHERE {{ ?c a skos:Concept ; skos:inScheme <{INSTRUMENTS}> }}")
    }
    assert len(instruments) > 10
    mapped = {
        row["c"].value
        for row in select(
            curated,
            f"""SELECT ?c WHERE {{
                ?c skos:inScheme <{INSTRUMENTS}> ; skos:exactMatch|skos:closeMatch ?s .
                ?s a skos:Concept ; skos:inScheme <{VOCAB}stip-instrument> ; skos:notation ?code .
            }}""",
        )
    }
    assert instruments - mapped == set(), "instrument concepts without a STIP Compass mapping"


def test_mappings_point_only_into_the_stip_instrument_scheme(curated):
    stray = select(
        curated,
        f"""SELECT ?c ?s WHERE {{
            ?c skos:inScheme <{INSTRUMENTS}> ; skos:exactMatch|skos:closeMatch ?s .
            FILTER NOT EXISTS {{ ?s skos:inScheme <{VOCAB}stip-instrument> }}
        }}""",
    )
    assert stray == []


@pytest.mark.parametrize("scheme, prefix", sorted(STIP_SCHEMES.items()))
def test_stip_schemes_are_valid_skos(curated, scheme, prefix):
    assert ask(curated, f"ASK {{ <{scheme}> a skos:ConceptScheme ; skos:prefLabel ?l ; rdfs:seeAlso ?s }}")
    concepts = select(
        curated,
        f"""SELECT ?c (COUNT(DISTINCT ?en) AS ?labels) (SAMPLE(?n) AS ?code) (COUNT(DISTINCT ?d) AS ?defs) WHERE {{
            ?c skos:inScheme <{scheme}> .
            OPTIONAL {{ ?c skos:prefLabel ?en FILTER (LANG(?en) = "en") }}
            OPTIONAL {{ ?c skos:notation ?n }}
            OPTIONAL {{ ?c skos:definition ?d }}
        }} GROUP BY ?c""",
    )
    assert len(concepts) >= 20
    codes = set()
    for row in concepts:
        assert ask(curated, f"ASK {{ <{row['c'].value}> a skos:Concept }}"), row["c"]
        assert int(row["labels"].value) == 1, f"{row['c'].value}: one English prefLabel"
        assert int(row["defs"].value) >= 1, f"{row['c'].value}: a definition"
        code = row["code"].value
        assert code.startswith(prefix) and code[len(prefix) :].isdigit(), code
        assert row["c"].value.endswith("/" + code)
        codes.add(code)
    assert len(codes) == len(concepts), "STIP codes are unique within a scheme"


def test_every_stip_tag_has_a_quoted_record(curated):
    missing = select(
        curated,
        """SELECT ?p ?prop ?o WHERE {
            GRAPH ?g { ?p ?prop ?o . VALUES ?prop { ig:targetGroup ig:theme } }
            FILTER NOT EXISTS { GRAPH ?g { ?r rdf:subject ?p ; rdf:predicate ?prop ; rdf:object ?o ; ig:quote ?q } }
        }""",
    )
    assert missing == []
    tagged = select(curated, "SELECT DISTINCT ?p WHERE { ?p ig:targetGroup|ig:theme ?c }")
    assert len(tagged) >= 3


def test_tags_are_only_on_programmes(curated):
    stray = select(
        curated,
        """SELECT ?p WHERE { ?p ig:targetGroup|ig:theme ?c .
            FILTER NOT EXISTS { ?p a ?class . ?class rdfs:subClassOf* ig:Programme } }""",
    )
    assert stray == []


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("stip") / "stip.csv"
    result = subprocess.run(
        [sys.executable, "-m", "innograph", "export", "stip", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "programmes" in result.stdout
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_has_one_row_per_programme(curated, exported):
    (count,) = select(
        curated,
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ?class . ?class rdfs:subClassOf* ig:Programme }",
    )
    assert len(exported) == int(count["n"].value)
    ids = [row["InitiativeID"] for row in exported]
    assert len(set(ids)) == len(ids)


def test_export_has_instrument_and_target_group_columns(exported):
    columns = exported[0].keys()
    for column in ("InstrumentTypeCode", "InstrumentTypeLabel", "TargetGroupCode", "TargetGroupLabel", "ThemeLabel"):
        assert column in columns
    for column in ("CountryOrRegion", "StartDateYear", "EndDateYear", "ResponsibleOrganisation", "Source"):
        assert column in columns
    assert any(row["InstrumentTypeCode"].startswith("PI") for row in exported)
    assert any(row["TargetGroupCode"].startswith("TG") for row in exported)
    assert all(row["Source"] for row in exported), "every programme cites its article"


def test_export_agrees_with_the_graph_on_tags(curated, exported):
    tagged = {
        (row["p"].value, row["code"].value)
        for row in select(curated, "SELECT ?p ?code WHERE { ?p ig:targetGroup ?c . ?c skos:notation ?code }")
    }
    in_csv = {(row["InitiativeID"], code) for row in exported for code in row["TargetGroupCode"].split(" | ") if code}
    assert tagged == in_csv
