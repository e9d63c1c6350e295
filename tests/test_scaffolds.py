"""``innograph new target|figure|person|agreement|record``: each block, appended to a throwaway project's
article graph, makes ``validate`` report its TODO placeholders and nothing else; with the placeholders filled
in from the article, validation is clean again (and stays clean through ``innograph fmt``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import make_project

from innograph.loader import load
from innograph.records import PLACEHOLDER, is_placeholder
from innograph.scaffold import (
    is_head,
    new_agreement,
    new_person,
    new_record,
    new_statement,
    sentences,
    slugify,
    suggest,
)
from innograph.validation import validate

TEXT = (
    "Fixtown aims to raise its R&D intensity to more than 3.5 percent by 2025, the Fixtown Institute of Technology "
    "said. In 2022, Fixtown's R&D intensity reached 2.9 percent. Jane Doe, Director of the Fixtown Institute of "
    "Technology, presented the plan. Fixtown University and Fixco signed a cooperation agreement in March 2023. "
    "Fixco is based in Fixtown."
)
GRAPH = """@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/innograph/id/source/> .

id:fixtown a ig:City ; rdfs:label "Fixtown"@en .
id:fixtown-institute-of-technology a ig:ResearchInstitute ; rdfs:label "Fixtown Institute of Technology"@en .
id:fixtown-university a ig:University ; rdfs:label "Fixtown University"@en .
id:fixco a ig:Enterprise ; rdfs:label "Fixco"@en .
id:fixtown-university-fixco-cooperation a ig:Cooperation ; rdfs:label "Fixtown University-Fixco cooperation"@en ;
    ig:party id:fixtown-university , id:fixco .
<https://w3id.org/innograph/id/fixtown-university-fixco-cooperation#fixture.party.fixtown-university>
    a ig:StatementRecord ; rdf:subject id:fixtown-university-fixco-cooperation ; rdf:predicate ig:party ;
    rdf:object id:fixtown-university ; dcterms:source src:fixture ;
    ig:quote "Fixtown University and Fixco signed a cooperation agreement"@en .
<https://w3id.org/innograph/id/fixtown-university-fixco-cooperation#fixture.party.fixco>
    a ig:StatementRecord ; rdf:subject id:fixtown-university-fixco-cooperation ; rdf:predicate ig:party ;
    rdf:object id:fixco ; dcterms:source src:fixture ;
    ig:quote "Fixtown University and Fixco signed a cooperation agreement"@en .
"""
TODO = r'"TODO(?:[^"\\\n]|\\.)*"(?:@en)?'  # a placeholder literal as the scaffolds write it


@pytest.fixture
def project(tmp_path) -> tuple[Path, Path]:
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": GRAPH}, text=TEXT)
    assert errors(root, sources) == [], "the throwaway project must start clean"
    return root, sources


def cli(*args: str, root: Path, sources: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "innograph", *args, "--root", str(root), "--sources", str(sources)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def errors(root: Path, sources: Path) -> list:
    """Every finding but the ontology's unused terms (a throwaway project uses few): errors and warnings."""
    report = validate(load(root, sources))
    return [f for f in report.findings if f.rule != "check term-unused"]


def about_placeholder(finding, placeholder: str) -> bool:
    """Whether a finding reports this placeholder (``SUBJECT PROPERTY``): same entity, and its message names
    the property (or, for a quote, is the quote check's)."""
    focus, prop = placeholder.rsplit(" ", 1)
    if finding.focus != focus:
        return False
    return prop in finding.message or (prop == "ig:quote" and finding.rule == "quotes")


def assert_only_placeholders(found: list, placeholders: list[str]) -> None:
    assert placeholders, "a scaffold without placeholders tests nothing here"
    for finding in found:
        assert any(about_placeholder(finding, p) for p in placeholders), f"not a placeholder: {finding}"
    for placeholder in placeholders:
        assert any(about_placeholder(f, placeholder) for f in found), f"validate does not flag {placeholder}"


def fill(path: Path, values: dict[str, str]) -> None:
    """Replace each property's TODO literal (every occurrence) with a real value."""
    text = path.read_text(encoding="utf-8")
    for prop, value in values.items():
        text, count = re.subn(rf"(\b{re.escape(prop)} ){TODO}", lambda m, v=value: m.group(1) + v, text)
        assert count, f"no TODO for {prop}"
    assert "TODO" not in re.sub(r"(?m)^\s*#.*$", "", text), "a placeholder is left"
    path.write_text(text, encoding="utf-8")


def listed(stdout: str) -> list[str]:
    return [line.strip().removeprefix("TODO ") for line in stdout.splitlines() if line.startswith("  TODO ")]


def assert_clean_after_fmt(root: Path, sources: Path) -> None:
    assert errors(root, sources) == []
    formatted = cli("fmt", str(root / "kg" / "fixture.ttl"), root=root, sources=sources)
    assert formatted.returncode == 0, formatted.stderr
    assert errors(root, sources) == []


# ------------------------------------------------------------------------------- the blocks, end to end


def test_target_placeholders_are_flagged_then_filled_to_a_clean_graph(project):
    root, sources = project
    result = cli("new", "target", "--about", "Fixtown", "--indicator", "R&D intensity", "--to", "kg/fixture.ttl",
                 root=root, sources=sources)  # fmt: skip
    assert result.returncode == 0, result.stderr
    placeholders = listed(result.stdout)
    target = "id:fixtown-target-rd-intensity"
    assert sorted(placeholders) == sorted(
        f"{target} {p}" for p in ("ig:comparator", "ig:quote", "ig:statedBy", "ig:unit", "ig:value", "ig:year")
    )
    written = (root / "kg" / "fixture.ttl").read_text(encoding="utf-8")
    assert "# suggested: Fixtown aims to raise its R&D intensity to more than 3.5 percent by 2025" in written
    assert "cmp:more-than (more than)" in written and "unit:percent (percent)" in written
    assert_only_placeholders(errors(root, sources), placeholders)

    fill(root / "kg" / "fixture.ttl", {
        "ig:comparator": "cmp:more-than",
        "ig:quote": '"Fixtown aims to raise its R&D intensity to more than 3.5 percent by 2025"@en',
        "ig:statedBy": "id:fixtown-institute-of-technology",
        "ig:unit": "unit:percent",
        "ig:value": "3.5",
        "ig:year": '"2025"^^xsd:gYear',
    })  # fmt: skip
    assert_clean_after_fmt(root, sources)


def test_figure_placeholders_are_flagged_then_filled_to_a_clean_graph(project):
    root, sources = project
    result = cli("new", "figure", "--about", "fixtown", "--indicator", "ind:rd-intensity", "--year", "2022",
                 "--to", "kg/fixture.ttl", root=root, sources=sources)  # fmt: skip
    assert result.returncode == 0, result.stderr
    placeholders = listed(result.stdout)
    figure = "id:fixtown-2022-rd-intensity"
    assert sorted(placeholders) == sorted(
        f"{figure} {p}" for p in ("ig:comparator", "ig:quote", "ig:status", "ig:unit", "ig:value")
    )
    written = (root / "kg" / "fixture.ttl").read_text(encoding="utf-8")
    assert 'ig:year "2022"^^xsd:gYear' in written and "a ig:Observation" in written
    assert "status:reported (reported)" in written
    assert "cmp:at-most" not in written  # a reported figure is never "at most"
    assert_only_placeholders(errors(root, sources), placeholders)

    fill(root / "kg" / "fixture.ttl", {
        "ig:comparator": "cmp:exactly",
        "ig:quote": '"In 2022, Fixtown\'s R&D intensity reached 2.9 percent."@en',
        "ig:status": "status:reported",
        "ig:unit": "unit:percent",
        "ig:value": "2.9",
    })  # fmt: skip
    assert_clean_after_fmt(root, sources)


def test_person_with_a_post_and_its_records(project):
    root, sources = project
    result = cli("new", "person", "Jane Doe", "--post", "Director", "--of", "Fixtown Institute of Technology",
                 "--to", "kg/fixture.ttl", root=root, sources=sources)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "appended person id:jane-doe and 4 statement record(s)" in result.stdout
    placeholders = listed(result.stdout)
    assert len(placeholders) == 6 and all(p.endswith("ig:quote") for p in placeholders)  # person, post, 4 records
    written = (root / "kg" / "fixture.ttl").read_text(encoding="utf-8")
    assert "ig:headOf id:fixtown-institute-of-technology" in written  # a director heads the institute
    assert "id:director-of-fixtown-institute-of-technology\n    a ig:Post ;" in written
    assert 'ig:roleTitle "Director"@en' in written
    assert "# suggested: Jane Doe, Director of the Fixtown Institute of Technology, presented the plan." in written
    found = errors(root, sources)
    assert_only_placeholders(found, placeholders)
    assert {f.rule for f in found} == {"quotes"}  # every link has its record: only the quotes are missing

    fill(root / "kg" / "fixture.ttl", {"ig:quote": '"Jane Doe, Director of the Fixtown Institute of Technology"@en'})
    assert_clean_after_fmt(root, sources)


def test_agreement_without_a_date_then_the_date_and_its_record(project):
    root, sources = project
    kg_file = root / "kg" / "fixture.ttl"
    result = cli("new", "agreement", "--parties", "Fixtown University,fixco", "--cooperation",
                 "id:fixtown-university-fixco-cooperation", "--to", "kg/fixture.ttl",
                 root=root, sources=sources)  # fmt: skip
    assert result.returncode == 0, result.stderr
    agreement = "id:agreement-between-fixtown-university-and-fixco"
    placeholders = listed(result.stdout)
    assert f"{agreement} ig:date" in placeholders and f"{agreement} ig:quote" in placeholders
    assert len(placeholders) == 2 + 3  # the date, its quote, and the quotes of its records (two parties, partOf)
    found = errors(root, sources)
    assert_only_placeholders(found, placeholders)

    quote = '"Fixtown University and Fixco signed a cooperation agreement in March 2023."@en'
    fill(kg_file, {"ig:date": '"2023-03"^^xsd:gYearMonth', "ig:quote": quote})
    # the date is a statement of its own: it needs its record, which innograph new record writes
    assert {f.rule for f in errors(root, sources)} == {"check statement-without-record"}
    record = cli("new", "record", agreement, "ig:date", "2023-03", "--to", "kg/fixture.ttl", root=root,
                 sources=sources)  # fmt: skip
    assert record.returncode == 0, record.stderr
    assert "the statement itself" not in kg_file.read_text(encoding="utf-8")  # the graph states it already
    assert_only_placeholders(errors(root, sources), listed(record.stdout))
    fill(kg_file, {"ig:quote": quote})
    assert_clean_after_fmt(root, sources)


def test_agreement_with_its_date_has_every_record(project):
    root, sources = project
    kg = load(root, sources)
    block = new_agreement(kg, ["fixtown-university", "Fixco"], date="2023-03", label="Fixtown University-Fixco "
                          "cooperation agreement (2023)", to=root / "kg" / "fixture.ttl")  # fmt: skip
    assert block.subject.endswith("/fixtown-university-fixco-cooperation-agreement-2023")
    assert block.records == 3  # two parties and the date
    assert "#fixture.date.2023-03>" in block.text and 'rdf:object "2023-03"^^xsd:gYearMonth' in block.text
    assert [p.rsplit(" ", 1)[1] for p in block.placeholders] == ["ig:quote"] * 4


def test_record_for_a_new_statement_writes_the_statement_too(project):
    root, sources = project
    result = cli("new", "record", "fixco", "located in", "Fixtown", "--to", "kg/fixture.ttl", root=root,
                 sources=sources)  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = (root / "kg" / "fixture.ttl").read_text(encoding="utf-8")
    assert "id:fixco ig:locatedIn id:fixtown ." in written
    assert "<https://w3id.org/innograph/id/fixco#fixture.locatedIn.fixtown>" in written
    assert "# suggested: Fixco is based in Fixtown." in written
    placeholders = listed(result.stdout)
    assert placeholders == ["<https://w3id.org/innograph/id/fixco#fixture.locatedIn.fixtown> ig:quote"]
    assert_only_placeholders(errors(root, sources), placeholders)
    again = cli("new", "record", "fixco", "ig:locatedIn", "fixtown", "--to", "kg/fixture.ttl", root=root,
                sources=sources)  # fmt: skip
    assert again.returncode == 1 and "already has the record" in again.stderr
    fill(root / "kg" / "fixture.ttl", {"ig:quote": '"Fixco is based in Fixtown."@en'})
    assert_clean_after_fmt(root, sources)


def test_printing_changes_nothing_and_the_block_parses_on_its_own(project):
    root, sources = project
    before = (root / "kg" / "fixture.ttl").read_bytes()
    result = cli("new", "figure", "--about", "fixtown", "--indicator", "rd-intensity", "--source", "fixture.txt",
                 "--comparator", "exactly", "--status", "reported", "--unit", "percent", "--value", "2.9",
                 "--year", "2022", "--quote", "In 2022, Fixtown's R&D intensity reached 2.9 percent.",
                 root=root, sources=sources)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (root / "kg" / "fixture.ttl").read_bytes() == before
    assert "no TODO left" in result.stderr
    quads = list(ox.parse(result.stdout, format=ox.RdfFormat.TURTLE))
    values = {q.predicate.value.rsplit("#", 1)[-1]: q.object for q in quads}
    assert values["value"] == ox.Literal("2.9", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    assert values["comparator"].value.endswith("/comparator/exactly")
    assert values["status"].value.endswith("/status/reported")


# --------------------------------------------------------------------------------------- names and errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("target", "--about", "fixtwn", "--indicator", "rd-intensity"), "did you mean fixtown (Fixtown)?"),
        (("target", "--about", "fixtown", "--indicator", "ind:rd-intensty"), "did you mean ind:rd-intensity"),
        (("figure", "--about", "fixtown", "--indicator", "rd-intensity", "--comparator", "at-most"), "not 'at most'"),
        (("target", "--about", "fixtown", "--indicator", "rd-intensity", "--value", "lots"), "is not a number"),
        (("target", "--about", "fixtown", "--indicator", "cmp:about"), "not in the indicator scheme"),
        (("person", "Jane Doe", "--post", "Director", "--of", "fixtown", "--source", "fixture.txt"),
         "is not an organisation"),
        (("person", "Jane Doe", "--post", "Director", "--of", "fixco"), "name the article with --source"),
        (("agreement", "--parties", "fixco", "--source", "fixture.txt"), "at least two parties"),
        (("record", "fixco", "ig:locatedIm", "fixtown", "--source", "fixture.txt"), "did you mean ig:locatedIn"),
        (("target", "--about", "fixtown", "--indicator", "rd-intensity", "--to", "kg/sources.ttl"),
         "give an article's graph file"),
        (("target", "--about", "fixtown", "--indicator", "rd-intensity", "--source", "other.txt"),
         "no source record names other.txt"),
    ],
)  # fmt: skip
def test_wrong_names_get_one_line_that_says_what_to_do(project, args, message):
    root, sources = project
    result = cli("new", *args, root=root, sources=sources)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("innograph: error: "), result.stderr
    assert message in lines[0]


def test_a_slug_in_use_gets_a_number_and_an_existing_person_is_reused(project):
    root, sources = project
    kg_file = root / "kg" / "fixture.ttl"
    first = cli("new", "target", "--about", "fixtown", "--indicator", "rd-intensity", "--to", str(kg_file),
                root=root, sources=sources)  # fmt: skip
    assert "id:fixtown-target-rd-intensity " in first.stdout
    second = cli("new", "target", "--about", "fixtown", "--indicator", "rd-intensity", "--to", str(kg_file),
                 root=root, sources=sources)  # fmt: skip
    assert "id:fixtown-target-rd-intensity-2 " in second.stdout
    cli("new", "person", "Jane Doe", "--post", "Director", "--of", "fixtown-institute-of-technology", "--to",
        str(kg_file), root=root, sources=sources)  # fmt: skip
    kg = load(root, sources)
    again = new_person(kg, "JANE DOE", "Deputy Dean", "fixtown-university", to=kg_file)
    assert "a ig:Person" not in again.text.split("id:deputy-dean-of-fixtown-university\n")[0]  # reused, not redeclared
    assert "ig:headOf" not in again.text  # a deputy heads nothing


def test_the_usual_unit_comes_from_the_vocabulary_or_the_curated_figures(curated):
    block = new_statement(curated, "target", "xining", "ind:rd-intensity", source="002_ca7fe2266fdc993a.txt")
    assert "    ig:unit unit:percent ;" in block.text
    assert "the unit every curated target and figure of this indicator uses" in block.text
    assert not any(p.endswith("ig:unit") for p in block.placeholders)
    # the definition names two units (percent-change, multiple): the curator chooses
    growth = new_statement(curated, "figure", "ningbo", "ind:high-tech-industry-investment", year="2020")
    assert any(p.endswith("ig:unit") for p in growth.placeholders)
    assert any(p.endswith("dcterms:source") for p in growth.placeholders)  # no article named: a placeholder


def test_a_page_of_several_articles_gets_a_section_placeholder(curated):
    block = new_agreement(curated, ["siasun", "General Motors"], date="2007", source="003_75882ef34e9256a3.txt")
    assert "# the sections of this page, for ig:section:" in block.text
    assert "id:article-innovation-brings-chinese-robots-to-the-world" in block.text
    sections = [p for p in block.placeholders if p.endswith("ig:section")]
    assert len(sections) == block.records == 3
    # the article's line break inside the sentence and "U.S." do not hide it
    assert "# suggested: As early as 2007, SIASUN won the bid in an AGV project from U.S. company General Motors" in (
        block.text
    )
    chosen = new_record(curated, "siasun", "ig:locatedIn", "china", source="003_75882ef34e9256a3.txt",
                        section="article-innovation-brings-chinese-robots-to-the-world")  # fmt: skip
    assert "ig:section id:article-innovation-brings-chinese-robots-to-the-world ;" in chosen.text
    assert not any(p.endswith("ig:section") for p in chosen.placeholders)


def test_placeholders_are_what_validation_already_rejects():
    assert is_placeholder(PLACEHOLDER)
    assert slugify("R&D intensity") == "rd-intensity" and slugify("Fotile Co., Ltd.") == "fotile-co-ltd"
    assert is_head("Director") and is_head("Party Secretary") and is_head("Director-General")
    assert not is_head("Deputy Director") and not is_head("Vice President") and not is_head("Professor")


def test_sentences_join_broken_lines_and_keep_abbreviations():
    text = "Head line\n\nAs early as 2007, SIASUN won a bid from U.S. company GM, which had\n\nbeen a first. Next one."
    assert sentences(text) == [
        "Head line",
        "As early as 2007, SIASUN won a bid from U.S. company GM, which had been a first.",
        "Next one.",
    ]
    assert suggest(text, ["siasun"], ["GM"]) == [
        "As early as 2007, SIASUN won a bid from U.S. company GM, which had been a first."
    ]


# ----------------------------------------------------------------- new source: the file-naming rule


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (".hidden.txt", "starts with a letter or digit"),
        ("two words.txt", "letters, digits, '_', '.' and '-' only"),
        ("sources.txt", "reserved for kg/sources.ttl"),
    ],
)
def test_new_source_explains_the_file_naming_rule(project, name, message):
    root, sources = project
    (sources / name).write_text("A title\n\nSome text.\n", encoding="utf-8")
    result = cli("new", "source", str(sources / name), root=root, sources=sources)
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_new_source_makes_the_missing_graph_file_of_a_recorded_article(project):
    """The record is in kg/sources.ttl, its graph file was deleted: the file is made again, the record kept."""
    root, sources = project
    graph = root / "kg" / "fixture.ttl"
    records = (root / "kg" / "sources.ttl").read_text(encoding="utf-8")
    graph.unlink()
    result = cli("new", "source", str(sources / "fixture.txt"), root=root, sources=sources)
    assert result.returncode == 0, result.stderr
    assert graph.is_file() and (root / "kg" / "sources.ttl").read_text(encoding="utf-8") == records
    again = cli("new", "source", str(sources / "fixture.txt"), root=root, sources=sources)
    assert again.returncode != 0 and "already a source" in again.stderr
