"""The curated graph as a whole: it validates, every source has its graph, every entity its label and source."""

from __future__ import annotations

from conftest import CURATED_STEMS, REPO, UNUSED_TERMS, WARNING_RULES

from innograph.loader import to_rdflib_term
from innograph.namespaces import GRAPH, ID, IG, RDF, RDFS
from innograph.validation import Locator

SOURCE_STEMS = sorted(p.stem for p in (REPO.parent / "shared" / "sources").glob("*.txt"))


def test_curated_graph_has_no_errors(curated, curated_report):
    assert curated_report.errors == [], curated_report.to_text()
    # the only warnings: ontology terms that no source article has needed yet, declared ahead of them
    assert {f.rule for f in curated_report.warnings} <= WARNING_RULES, curated_report.to_text()
    unused = {f.focus for f in curated_report.warnings}
    assert unused <= UNUSED_TERMS, (
        f"terms no article uses: {sorted(unused - UNUSED_TERMS)}: use them in kg/, or list them in "
        "UNUSED_TERMS (tests/conftest.py) if they are declared ahead of the articles that will need them"
    )
    # and the check still sees them: a listed term that is not warned about is one the data uses
    for term in sorted(UNUSED_TERMS - unused):
        iri = f"{IG}{term.removeprefix('ig:')}"
        used = curated.query(
            f"""ASK {{ ?t (<{RDFS}subClassOf>|<{RDFS}subPropertyOf>)* <{iri}>
                GRAPH ?g {{ {{ ?s a ?t }} UNION {{ ?s ?t ?o }} }}
                FILTER (!STRSTARTS(STR(?g), "{GRAPH}ontology/")) }}"""
        )
        assert bool(used), f"{term} is neither used in kg/ nor reported by check term-unused"


def test_every_source_article_has_a_record_and_a_non_empty_named_graph(curated):
    assert set(CURATED_STEMS) <= set(SOURCE_STEMS), "expected the curated source articles beside the repository"
    records = {row["file"].value for row in curated.query(f"SELECT ?file WHERE {{ ?s <{IG}fileName> ?file }}")}
    assert records == {f"{stem}.txt" for stem in SOURCE_STEMS}
    for stem in SOURCE_STEMS:
        graph = f"{GRAPH}{stem}"
        count = next(iter(curated.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")))["n"]
        least = 20 if stem in CURATED_STEMS else 0  # a new article may be short; the curated ones are not
        assert int(count.value) > least, f"{stem} has only {count.value} triples"


def test_no_entity_without_an_english_label_or_a_source_graph(curated):
    stems = " ".join(f'"{stem}"' for stem in SOURCE_STEMS)
    unlabeled = list(
        curated.query(
            f"""SELECT DISTINCT ?e WHERE {{
                ?e ?p ?o FILTER (STRSTARTS(STR(?e), "{ID}"))
                FILTER NOT EXISTS {{ ?e <{RDFS}label> ?l FILTER (LANG(?l) = "en") }}
                FILTER NOT EXISTS {{ ?e a <{IG}StatementRecord> }} }}"""
        )
    )
    assert unlabeled == []
    unsourced = list(
        curated.query(
            f"""SELECT DISTINCT ?e WHERE {{
                ?e <{RDF}type> ?t FILTER (STRSTARTS(STR(?e), "{ID}") && ?t != <{IG}SourceArticle>)
                FILTER NOT EXISTS {{
                    VALUES ?stem {{ {stems} }}
                    BIND (IRI(CONCAT("{GRAPH}", ?stem)) AS ?g)
                    GRAPH ?g {{ {{ ?e ?p ?o }} UNION {{ ?x ?p ?e }} }}
                }} }}"""
        )
    )
    assert unsourced == []


def test_every_quantitative_statement_cites_its_source_with_a_quote(curated):
    missing = list(
        curated.query(
            f"""SELECT ?s WHERE {{
                ?s a ?c . VALUES ?c {{ <{IG}Target> <{IG}Observation> <{IG}Agreement> }}
                FILTER NOT EXISTS {{ ?s <http://purl.org/dc/terms/source> ?src ; <{IG}quote> ?q }} }}"""
        )
    )
    assert missing == []


def test_report_locates_an_entity_by_file_and_line(curated):
    locate = Locator(curated)
    file, line, label = locate(None, f"{ID}yinchuan-bureau-of-science-and-technology")
    assert file == "kg/000_ca962a35b1daecb9.ttl"
    text = (REPO / file).read_text(encoding="utf-8").splitlines()[line - 1]
    assert text.rstrip() == "id:yinchuan-bureau-of-science-and-technology"
    assert label == "Yinchuan Bureau of Science and Technology"


def test_plain_strings_stay_plain_when_handed_to_rdflib():
    import pyoxigraph as ox
    from rdflib import Literal

    assert to_rdflib_term(ox.Literal("national")) == Literal("national")
    assert to_rdflib_term(ox.Literal("宁波", language="zh")) == Literal("宁波", lang="zh")


def test_files_and_named_graphs_map_both_ways(curated):
    project = curated.project
    assert {f.kind for f in curated.files} == {"ontology", "shapes", "vocab", "sources", "reference", "source"}
    assert all(project.graph_file(f.graph) == f for f in curated.files)
