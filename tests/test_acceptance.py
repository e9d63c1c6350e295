"""The questions issue 2 says the graph must answer, asked in SPARQL of the curated graph. Each answer
names the source article that supports it: the file whose named graph holds the fact, or the
statement's dcterms:source."""

from __future__ import annotations

from decimal import Decimal

from innograph.namespaces import sparql_prefixes

# The source file behind a named graph ?g, as ?file.
FILE_OF_GRAPH = """
    ?source ig:fileName ?file .
    FILTER (STRAFTER(STR(?g), "https://w3id.org/innograph/graph/") = STRBEFORE(?file, ".txt"))
"""


def select(kg, query: str) -> list[dict[str, str | None]]:
    solutions = kg.query(sparql_prefixes() + query)
    names = [v.value for v in solutions.variables]
    out = []
    for solution in solutions:
        out.append({n: (None if solution[n] is None else solution[n].value) for n in names})
    return out


def test_joint_issuers_of_the_enterprise_innovation_action_plan(curated):
    answer = select(
        curated,
        f"""
        SELECT DISTINCT ?issuer ?file WHERE {{
            ?plan a ig:ActionPlan ; rdfs:label ?title .
            FILTER (CONTAINS(?title, "Enhancing the Technological Innovation Capability of Enterprises"))
            GRAPH ?g {{ ?plan ig:issuedBy ?body }}
            ?body rdfs:label ?issuer FILTER (LANG(?issuer) = "en")
            {FILE_OF_GRAPH}
        }} ORDER BY ?issuer""",
    )
    assert answer == [
        {"issuer": "Ministry of Finance", "file": "003_75882ef34e9256a3.txt"},
        {"issuer": "Ministry of Science and Technology", "file": "003_75882ef34e9256a3.txt"},
    ]
    period = select(
        curated,
        """SELECT ?start ?end WHERE {
            ?plan a ig:ActionPlan ; rdfs:label ?title ; ig:periodStart ?start ; ig:periodEnd ?end .
            FILTER (CONTAINS(?title, "Enhancing the Technological Innovation Capability of Enterprises")) }""",
    )
    assert period == [{"start": "2022", "end": "2023"}]


def test_sme_digital_transformation_notification_issuers_and_numbers(curated):
    issuers = select(
        curated,
        f"""
        SELECT DISTINCT ?issuer ?file WHERE {{
            ?notice a ig:Notification ; rdfs:label ?title .
            FILTER (CONTAINS(LCASE(?title), "digital transformation"))
            GRAPH ?g {{ ?notice ig:issuedBy ?body }}
            ?body rdfs:label ?issuer FILTER (LANG(?issuer) = "en")
            {FILE_OF_GRAPH}
        }} ORDER BY ?issuer""",
    )
    assert issuers == [
        {"issuer": "Ministry of Finance", "file": "003_75882ef34e9256a3.txt"},
        {"issuer": "Ministry of Industry and Information Technology", "file": "003_75882ef34e9256a3.txt"},
    ]
    numbers = select(
        curated,
        """
        SELECT ?indicator ?comparator ?value ?min ?max ?file WHERE {
            ?notice a ig:Notification ; rdfs:label ?title .
            FILTER (CONTAINS(LCASE(?title), "digital transformation"))
            ?target ig:setBy ?notice ; ig:indicator ?i ; ig:comparator ?c ;
                    ig:periodStart "2022"^^xsd:gYear ; ig:periodEnd "2025"^^xsd:gYear ;
                    dcterms:source/ig:fileName ?file .
            ?i skos:prefLabel ?indicator FILTER (LANG(?indicator) = "en")
            ?c skos:prefLabel ?comparator FILTER (LANG(?comparator) = "en")
            OPTIONAL { ?target ig:value ?value }
            OPTIONAL { ?target ig:minValue ?min ; ig:maxValue ?max }
        } ORDER BY ?indicator""",
    )
    found = {
        (
            r["value"] and Decimal(r["value"]),
            r["min"] and Decimal(r["min"]),
            r["max"] and Decimal(r["max"]),
            r["comparator"],
        )
        for r in numbers
    }
    assert (Decimal(300), None, None, "about") in found  # about 300 public service platforms
    assert (None, Decimal(4000), Decimal(6000), "between") in found  # 4,000 to 6,000 SMEs
    assert (Decimal(100), None, None, "exactly") in found  # 100 subsectors
    assert (Decimal(3), None, None, "exactly") in found  # three batches
    assert {r["file"] for r in numbers} == {"003_75882ef34e9256a3.txt"}


def test_yinchuan_targets_for_2025(curated):
    answer = select(
        curated,
        """
        SELECT ?indicator ?comparator ?value ?unit ?file WHERE {
            ?target a ig:Target ; ig:about id:yinchuan ; ig:year "2025"^^xsd:gYear ;
                    ig:indicator/skos:prefLabel ?indicator ; ig:comparator/skos:prefLabel ?comparator ;
                    ig:value ?value ; ig:unit/skos:prefLabel ?unit ; dcterms:source/ig:fileName ?file .
            FILTER (LANG(?indicator) = "en" && LANG(?comparator) = "en" && LANG(?unit) = "en")
        } ORDER BY ?value""",
    )
    assert [(r["indicator"], r["comparator"], Decimal(r["value"]), r["unit"], r["file"]) for r in answer] == [
        (
            "enterprise R&D spending as a share of business revenue",
            "more than",
            Decimal("1.2"),
            "percent",
            "000_ca962a35b1daecb9.txt",
        ),
        ("share of firms with R&D activity", "more than", Decimal(45), "percent", "000_ca962a35b1daecb9.txt"),
    ]


def test_ningbo_rd_intensity_2019(curated):
    answer = select(
        curated,
        """
        SELECT ?comparator ?value ?file ?quote WHERE {
            ?figure a ig:Observation ; ig:about id:ningbo ; ig:indicator ind:rd-intensity ; ig:year "2019"^^xsd:gYear ;
                    ig:comparator/skos:prefLabel ?comparator ; ig:value ?value ; ig:unit unit:percent ;
                    dcterms:source/ig:fileName ?file ; ig:quote ?quote .
            FILTER (LANG(?comparator) = "en")
        }""",
    )
    assert len(answer) == 1
    assert answer[0]["comparator"] == "nearly"
    assert Decimal(answer[0]["value"]) == Decimal("2.8")
    assert answer[0]["file"] == "001_c659c60924322da7.txt"
    assert "nearly 2.8% of GDP" in answer[0]["quote"]


def test_shandong_ningxia_agreements_signatories_projects_and_platforms(curated):
    signers = select(
        curated,
        f"""
        SELECT DISTINCT ?signer ?place ?file WHERE {{
            GRAPH ?g {{ ?agreement a ig:Agreement ; ig:party ?party . }}
            ?agreement ig:partOf ?cooperation .
            ?cooperation ig:partnerPlace id:shandong , id:ningxia .
            ?party rdfs:label ?signer ; ig:jurisdiction/rdfs:label ?place .
            FILTER (LANG(?signer) = "en" && LANG(?place) = "en")
            {FILE_OF_GRAPH}
        }} ORDER BY ?signer""",
    )
    assert signers == [
        {
            "signer": "Department of Science and Technology of Ningxia Hui Autonomous Region",
            "place": "Ningxia Hui Autonomous Region",
            "file": "003_75882ef34e9256a3.txt",
        },
        {
            "signer": "Shandong Provincial Department of Science and Technology",
            "place": "Shandong Province",
            "file": "003_75882ef34e9256a3.txt",
        },
    ]
    counts = select(
        curated,
        """
        SELECT ?indicator ?value ?file WHERE {
            ?cooperation a ig:Cooperation ; ig:partnerPlace id:shandong , id:ningxia .
            ?figure a ig:Observation ; ig:about ?cooperation ; ig:indicator ?i ; ig:value ?value ;
                    dcterms:source/ig:fileName ?file .
            VALUES ?i { ind:cooperation-projects ind:innovation-platforms-built }
            BIND (STRAFTER(STR(?i), "indicator/") AS ?indicator)
        } ORDER BY ?indicator""",
    )
    assert [(r["indicator"], Decimal(r["value"]), r["file"]) for r in counts] == [
        ("cooperation-projects", Decimal(56), "003_75882ef34e9256a3.txt"),
        ("innovation-platforms-built", Decimal(10), "003_75882ef34e9256a3.txt"),
    ]


def test_ningbo_institutes_affiliated_with_universities(curated):
    answer = select(
        curated,
        f"""
        SELECT DISTINCT ?institute ?university ?file WHERE {{
            GRAPH ?g {{ ?i ig:affiliatedWith ?u }}
            ?i ig:locatedIn id:ningbo ; rdfs:label ?institute .
            ?u a ig:University ; rdfs:label ?university .
            FILTER (LANG(?institute) = "en" && LANG(?university) = "en")
            {FILE_OF_GRAPH}
        }} ORDER BY ?institute""",
    )
    assert answer == [
        {
            "institute": "Ningbo Innovation Institute of Beihang University",
            "university": "Beihang University",
            "file": "004_5f4bcf8e5a1728d6.txt",
        },
        {
            "institute": "Ningbo Institute of Dalian University of Technology",
            "university": "Dalian University of Technology",
            "file": "004_5f4bcf8e5a1728d6.txt",
        },
    ]


def test_who_is_huang_zhiming(curated):
    answer = select(
        curated,
        f"""
        SELECT ?role ?organisation ?file WHERE {{
            ?person rdfs:label "Huang Zhiming"@en .
            GRAPH ?g {{ ?person ig:holdsPost ?post . ?person ig:headOf ?org }}
            ?post ig:postIn ?org ; ig:roleTitle ?role .
            ?org rdfs:label ?organisation FILTER (LANG(?organisation) = "en")
            {FILE_OF_GRAPH}
        }}""",
    )
    assert answer == [
        {
            "role": "Director",
            "organisation": "Ningbo Municipal Bureau of Science and Technology",
            "file": "004_5f4bcf8e5a1728d6.txt",
        }
    ]


def test_ningbo_enterprises_listed_in_2018(curated):
    answer = select(
        curated,
        f"""
        SELECT ?enterprise ?file WHERE {{
            GRAPH ?g {{ ?e ig:listingYear "2018"^^xsd:gYear }}
            ?e a ig:Enterprise ; ig:locatedIn id:ningbo ; rdfs:label ?enterprise .
            FILTER (LANG(?enterprise) = "en")
            {FILE_OF_GRAPH}
        }} ORDER BY ?enterprise""",
    )
    assert answer == [
        {"enterprise": "Xingrui Electronics", "file": "004_5f4bcf8e5a1728d6.txt"},
        {"enterprise": "Yongxin Optics", "file": "004_5f4bcf8e5a1728d6.txt"},
    ]


def test_queries_see_the_class_hierarchy_through_the_ontology(curated):
    """Ministries, bureaus and departments are organisations through rdfs:subClassOf in the ontology graph."""
    answer = select(
        curated,
        """SELECT ?name WHERE {
            ?o a/rdfs:subClassOf* ig:Organization ; rdfs:label ?name .
            FILTER (LANG(?name) = "en" && CONTAINS(?name, "Ministry")) } ORDER BY ?name""",
    )
    assert [r["name"] for r in answer] == [
        "Ministry of Ecology and Environment",
        "Ministry of Finance",
        "Ministry of Industry and Information Technology",
        "Ministry of Science and Technology",
    ]
