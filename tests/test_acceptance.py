"""The questions issue 2 says the graph must answer, asked through the query catalogue. Each answer
names the source article that supports it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import CURATED_MINISTRIES, REPO, from_curated

from innograph.catalog import catalogue
from innograph.engines import OxigraphEngine
from innograph.namespaces import ID, IG
from innograph.query import run_query

QUERIES = catalogue(REPO / "queries")


@pytest.fixture(scope="module")
def ask(curated):
    """Ask a catalogue query of the whole graph. Where the answer says which article supports each row (its
    ``file``), only the rows of the curated articles: each answer below is what those articles say, exactly;
    articles added later add rows of their own, left out. Other answers come whole (and are checked for what
    they hold, not for what they lack)."""
    engine = OxigraphEngine(curated)

    def ask(name: str, **params: str) -> list[dict[str, str]]:
        table = run_query(QUERIES[name], engine, params)
        rows = [{k: v.value for k, v in row.items()} for row in table.rows]
        return from_curated(rows) if "file" in table.variables else rows

    return ask


def test_joint_issuers_of_the_enterprise_innovation_action_plan(ask):
    rows = ask(
        "document-issuers",
        document="action-plan-for-enhancing-technological-innovation-capability-of-enterprises-2022-2023",
    )
    assert [(r["issuer"], r["file"]) for r in rows] == [
        ("Ministry of Finance", "003_75882ef34e9256a3.txt"),
        ("Ministry of Science and Technology", "003_75882ef34e9256a3.txt"),
    ]
    assert {r["documentName"] for r in rows} == {
        "Action Plan for Enhancing the Technological Innovation Capability of Enterprises (2022-2023)"
    }


def test_sme_digital_transformation_notification_issuers_and_numbers(ask):
    notification = (
        "Notification on supporting the digital transformation of small and medium-sized enterprises (2022-2025)"
    )
    issuers = ask("document-issuers", document=notification)
    assert [(r["issuer"], r["file"]) for r in issuers] == [
        ("Ministry of Finance", "003_75882ef34e9256a3.txt"),
        ("Ministry of Industry and Information Technology", "003_75882ef34e9256a3.txt"),
    ]
    numbers = {
        (r["indicator"], r["comparator"], Decimal(r["value"]), r.get("upper") and Decimal(r["upper"]), r["file"])
        for r in ask("programme-targets", programme=notification)
        if r["when"] == "2022-2025"
    }
    article = "003_75882ef34e9256a3.txt"
    assert numbers >= {
        ("public service platforms nurtured as digital transformation models", "about", Decimal(300), None, article),
        ("SMEs nurtured as digital transformation models", "between", Decimal(4000), Decimal(6000), article),
        ("industry subsectors covered by a pilot programme", "exactly", Decimal(100), None, article),
        ("batches of a pilot programme", "exactly", Decimal(3), None, article),
    }


def test_yinchuan_targets_for_2025(ask):
    rows = [r for r in ask("figures-about", entity="yinchuan") if r["kind"] == "target" and r["when"] == "2025"]
    assert sorted((r["indicator"], r["comparator"], Decimal(r["value"]), r["unit"], r["file"]) for r in rows) == [
        (
            "enterprise R&D spending as a share of business revenue",
            "more than",
            Decimal("1.2"),
            "percent",
            "000_ca962a35b1daecb9.txt",
        ),
        ("share of firms with R&D activity", "more than", Decimal(45), "percent", "000_ca962a35b1daecb9.txt"),
    ]


def test_ningbo_rd_intensity_2019(ask):
    rows = [r for r in ask("indicator-across-places", indicator="ind:rd-intensity") if r["subject"] == "Ningbo"]
    assert [(r["kind"], r["when"], r["comparator"], Decimal(r["value"]), r["unit"], r["file"]) for r in rows] == [
        ("figure", "2019", "nearly", Decimal("2.8"), "percent", "001_c659c60924322da7.txt")
    ]
    quotes = {r["quote"] for r in ask("statement-provenance", entity="ningbo") if "R&D" in r["statement"]}
    assert any("nearly 2.8% of GDP" in q for q in quotes)


def test_shandong_ningxia_agreements_signatories_projects_and_platforms(ask):
    rows = [r for r in ask("agreements") if r.get("cooperation") == "Shandong-Ningxia sci-tech cooperation"]
    assert sorted((r["party"], r["date"], r["file"]) for r in rows) == [
        (
            "Department of Science and Technology of Ningxia Hui Autonomous Region",
            "2022-08",
            "003_75882ef34e9256a3.txt",
        ),
        ("Shandong Provincial Department of Science and Technology", "2022-08", "003_75882ef34e9256a3.txt"),
    ]
    figures = {
        (r["indicator"], Decimal(r["value"]), r["file"])
        for r in ask("figures-about", entity="shandong-ningxia-sci-tech-cooperation")
    }
    assert figures >= {
        ("sci-tech cooperation projects implemented", Decimal(56), "003_75882ef34e9256a3.txt"),
        ("sci-tech innovation platforms built", Decimal(10), "003_75882ef34e9256a3.txt"),
    }


def test_ningbo_institutes_affiliated_with_universities(ask):
    rows = [r for r in ask("institutes-and-parents", place="ningbo") if r["parentClass"] == "university"]
    assert [(r["institute"], r["tie"], r["parent"], r["file"]) for r in rows] == [
        (
            "Ningbo Innovation Institute of Beihang University",
            "affiliated with",
            "Beihang University",
            "004_5f4bcf8e5a1728d6.txt",
        ),
        (
            "Ningbo Institute of Dalian University of Technology",
            "affiliated with",
            "Dalian University of Technology",
            "004_5f4bcf8e5a1728d6.txt",
        ),
    ]


def test_who_is_huang_zhiming(ask):
    rows = [r for r in ask("people-and-posts") if r["person"] == "Huang Zhiming"]
    facts = ("person", "role", "organisation", "heads", "file")
    assert [{k: r.get(k) for k in facts} for r in rows] == [
        {
            "person": "Huang Zhiming",
            "role": "Director",
            "organisation": "Ningbo Municipal Bureau of Science and Technology",
            "heads": "true",
            "file": "004_5f4bcf8e5a1728d6.txt",
        }
    ]
    # the evidence beside the fact: the article's own words and a citation a reader can follow
    assert "Huang Zhiming, Director of Ningbo Municipal Bureau of Science and Technology" in rows[0]["quote"]
    assert rows[0]["citation"].startswith("Sci-tech investments stimulate innovation (")


def test_ningbo_enterprises_listed_in_2018(ask):
    rows = [r for r in ask("happened-in-year", year="2018") if r["how"] == "listing year"]
    assert [(r["what"], r["kind"], r["file"]) for r in rows] == [
        ("Xingrui Electronics", "enterprise", "004_5f4bcf8e5a1728d6.txt"),
        ("Yongxin Optics", "enterprise", "004_5f4bcf8e5a1728d6.txt"),
    ]
    located = {r["thing"] for r in ask("located-in-place", place="ningbo")}
    assert {"Xingrui Electronics", "Yongxin Optics"} <= located


def test_organisation_queries_see_the_class_hierarchy(curated):
    """Ministries count as organisations: the catalogue walks rdfs:subClassOf* instead of materialising. (A
    count of the whole graph, so checked against the graph: every ministry that governs China, once.)"""
    table = run_query(QUERIES["organisations-per-place-and-class"], OxigraphEngine(curated), {})
    rows = [r for r in table.rows if r["placeId"].value == f"{ID}china"]
    counted = {r["class"].value: int(r["organisations"].value) for r in rows}
    governing = {
        row["m"].value
        for row in curated.query(f"SELECT ?m WHERE {{ ?m a <{IG}Ministry> ; <{IG}jurisdiction> <{ID}china> }}")
    }
    assert governing >= CURATED_MINISTRIES
    assert counted["ministry"] == len(governing)


def test_issuer_numbers_match_the_text(ask):
    """'jointly released by three government bodies, including the MEE', '15 departments in China jointly
    issued', 'Jointly issued by the Ministry of Science and Technology and the Ministry of Finance'."""
    rows = {r["documentName"]: (int(r["issuers"]), int(r["named"]), r["file"]) for r in ask("issuer-counts")}
    page = "003_75882ef34e9256a3.txt"
    assert rows["Notification on strengthening the management of ecological conservation red lines"] == (3, 1, page)
    assert rows["Guideline for the robotics industry during the 14th Five-Year Plan period (2021-2025)"] == (
        15, 0, page)  # fmt: skip
    assert rows["Action Plan for Enhancing the Technological Innovation Capability of Enterprises (2022-2023)"] == (
        2, 2, page)  # fmt: skip


def test_the_ten_high_level_institutes_are_a_number(ask):
    """'Ten high-level institutes have settled down in Ningbo': a reported figure, not words in a note."""
    rows = ask("figures-about", entity="ningbo")
    settled = [
        r for r in rows
        if r["kind"] == "figure" and r["indicator"] == "research institutes introduced" and r["when"] == "2018"
    ]  # fmt: skip
    assert [(Decimal(r["value"]), r["unit"], r["file"]) for r in settled] == [(10, "count", "004_5f4bcf8e5a1728d6.txt")]
