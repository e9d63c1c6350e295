"""innograph draft and accept: candidate targets and figures from an article, links to known entities, new
names, the draft marker, accepting only what the curator kept, and recall on the curated articles."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, make_project

from innograph.draft import (
    DRAFT_GRAPH,
    accept,
    accept_draft,
    draft_article,
    draft_statements,
    is_draft,
    measure,
    without_graph,
    write_draft,
)
from innograph.errors import InputError, UsageError
from innograph.fmt import canonical
from innograph.loader import load
from innograph.records import PLACEHOLDER
from innograph.validation import normalise_text, validate

ARTICLE = """Harbour City sets out its innovation goals

Harbour Daily | Updated: March 3, 2023

The Harbour City Bureau of Science and Technology said on Monday that R&D spending in Harbour City reached
7.16 billion yuan in 2022, up by 12.5% over the previous year.

By 2025, the city aims to raise its R&D intensity to more than 3 percent.

Nearly 45% of the city's industrial firms carried out R&D activities in 2022, according to 海港市 statistics.

About 300 public service platforms and 4,000 to 6,000 SMEs are expected to be nurtured as digital
transformation models during 2023-2025.

From January to May 2023, investment in high-tech industries increased by 17.6% year-on-year, said Professor
Li Ming of Harbour University.
"""

PLACES = """@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

id:harbour-city a ig:City ;
    rdfs:label "Harbour City"@en , "海港市"@zh .
"""

CITY = "https://w3id.org/innograph/id/harbour-city"
BUREAU = "https://w3id.org/innograph/id/harbour-city-bureau-of-science-and-technology"


@pytest.fixture
def project(tmp_path):
    root, sources = make_project(tmp_path, {"kg/reference/places.ttl": PLACES}, text=ARTICLE)
    return root, sources


def _draft(project):
    root, sources = project
    kg = load(root, sources)
    return kg, draft_article(kg, sources / "fixture.txt")


def _key(statement):
    number = statement.value if statement.value is not None else (statement.low, statement.high)
    return number, statement.unit, statement.comparator, statement.year, statement.start, statement.end


def test_draft_proposes_figures_with_values_units_comparators_and_times(project):
    _kg, draft = _draft(project)
    found = {_key(s) for s in draft_statements(draft)}
    expected = {
        (Decimal("7160000000"), "yuan", "exactly", "2022", None, None),
        (Decimal("12.5"), "percent-change", "exactly", "2022", None, None),
        (Decimal("3"), "percent", "more-than", "2025", None, None),
        (Decimal("45"), "percent", "nearly", "2022", None, None),
        (Decimal("300"), "count", "about", None, "2023", "2025"),
        ((Decimal("4000"), Decimal("6000")), "count", "between", None, "2023", "2025"),
        (Decimal("17.6"), "percent-change", "exactly", "2023", "2023-01", "2023-05"),
    }
    assert expected <= found, expected - found


def test_quotes_are_verbatim_sentences_of_the_article(project):
    _kg, draft = _draft(project)
    text = normalise_text(ARTICLE)
    assert draft.candidates
    for candidate in draft.candidates:
        assert normalise_text(candidate.quote) in text
        assert candidate.quantity.text in candidate.quote


def test_targets_and_figures_and_indicators(project):
    _kg, draft = _draft(project)
    by_value = {c.quantity.value: c for c in draft.candidates if c.quantity.value is not None}
    assert by_value[Decimal("3")].cls == "Target"
    assert by_value[Decimal("7160000000")].cls == "Observation"
    assert by_value[Decimal("7160000000")].status == "reported"
    assert by_value[Decimal("3")].indicator.iri.endswith("/rd-intensity")
    assert by_value[Decimal("7160000000")].indicator.iri.endswith("/rd-expenditure")
    # a growth rate measures the same thing as the number it follows
    assert by_value[Decimal("12.5")].indicator.iri.endswith("/rd-expenditure")


def test_known_entities_are_linked_by_english_and_chinese_names(project):
    _kg, draft = _draft(project)
    mentions = {m.entity.iri: m for m in draft.mentions}
    assert CITY in mentions
    assert {"Harbour City", "海港市"} <= mentions[CITY].names
    by_value = {c.quantity.value: c for c in draft.candidates if c.quantity.value is not None}
    assert by_value[Decimal("7160000000")].about.iri == CITY
    assert by_value[Decimal("45")].about.iri == CITY  # linked through its Chinese name
    turtle = draft.to_turtle()
    assert "draft:entity id:harbour-city" in turtle
    assert '"海港市"@zh' in turtle


def test_unknown_names_become_candidates(project):
    _kg, draft = _draft(project)
    names = {n.label: n for n in draft.names}
    assert names["Harbour City Bureau of Science and Technology"].cls.endswith("#MunicipalBureau")
    assert names["Harbour University"].cls.endswith("#University")
    assert names["Li Ming"].cls.endswith("#Person")
    assert "Harbour City" not in names  # known
    # the bureau's jurisdiction is read from its name, with its evidence
    bureau = names["Harbour City Bureau of Science and Technology"]
    assert [(link.predicate.rsplit("#", 1)[1], link.target.iri) for link in bureau.links] == [("jurisdiction", CITY)]


def test_draft_file_is_recognised_as_a_draft(project):
    root, sources = project
    kg = load(root, sources)
    path = write_draft(kg, sources / "fixture.txt")
    assert path == root / "drafts" / "fixture.ttl"
    assert is_draft(path)
    assert is_draft(path.read_text(encoding="utf-8"))
    assert DRAFT_GRAPH in path.read_text(encoding="utf-8") or "draft:DraftGraph" in path.read_text(encoding="utf-8")
    assert not is_draft(root / "kg" / "reference" / "places.ttl")
    assert not is_draft(kg)
    with pytest.raises(UsageError, match="exists"):
        write_draft(kg, sources / "fixture.txt")
    with pytest.raises(UsageError, match="kg/"):
        write_draft(kg, sources / "fixture.txt", root / "kg" / "fixture.ttl", force=True)


def test_a_draft_in_kg_is_not_curated_data(project):
    root, sources = project
    kg = load(root, sources)
    text = draft_article(kg, sources / "fixture.txt").to_turtle()
    (root / "kg" / "fixture.ttl").write_text(text, encoding="utf-8")
    assert is_draft(root / "kg" / "fixture.ttl")
    with pytest.raises(InputError, match=r"kg/fixture.ttl: a draft, not curated data: .*innograph accept drafts/"):
        load(root, sources)


def _keep(text: str, iri_local: str) -> str:
    """Flip one block's draft:keep false to true, as a curator does."""
    pattern = re.compile(rf"(^id:{re.escape(iri_local)}\n(?:    .*\n)*?    draft:keep )false", re.M)
    assert pattern.search(text), iri_local
    return pattern.sub(r"\1true", text, count=1)


def _iri_of(draft, value: str) -> str:
    return next(c.iri for c in draft.candidates if c.quantity.value == Decimal(value)).rsplit("/", 1)[1]


def test_accept_keeps_only_what_the_curator_kept_and_validates(project):
    root, sources = project
    kg = load(root, sources)
    draft = draft_article(kg, sources / "fixture.txt")
    path = write_draft(kg, sources / "fixture.txt")
    text = path.read_text(encoding="utf-8")
    figure, target = _iri_of(draft, "7160000000"), _iri_of(draft, "3")
    text = _keep(text, figure)
    text = _keep(text, target)
    text = _keep(text, "harbour-city-bureau-of-science-and-technology")
    # the curator names who states the target: the bureau they keep
    text = text.replace(
        f"id:{target}\n", f"id:{target}\n    ig:statedBy id:harbour-city-bureau-of-science-and-technology ;\n", 1
    )
    path.write_text(text, encoding="utf-8")

    out = accept(kg, path)
    assert out == root / "kg" / "fixture.ttl"
    written = out.read_text(encoding="utf-8")
    assert canonical(written, "kg/fixture.ttl") == written
    assert "draft" not in written.replace("drafts/", "")
    assert f"id:{figure}" in written and f"id:{target}" in written
    assert "harbour-university" not in written and "li-ming" not in written
    others = [c.iri for c in draft.candidates if c.iri.rsplit("/", 1)[1] not in (figure, target)]
    assert not any(f"<{iri}>" in written or f"id:{iri.rsplit('/', 1)[1]}\n" in written for iri in others)
    assert "#fixture.jurisdiction.harbour-city" in written  # the kept link's statement record

    report = validate(load(root, sources))
    assert report.conforms(), report.to_text()
    assert not is_draft(out)


def test_accept_refuses_incomplete_candidates_and_writes_nothing(project):
    root, sources = project
    kg = load(root, sources)
    draft = draft_article(kg, sources / "fixture.txt")
    path = write_draft(kg, sources / "fixture.txt")
    path.write_text(_keep(path.read_text(encoding="utf-8"), _iri_of(draft, "3")), encoding="utf-8")
    with pytest.raises(UsageError, match="statedBy"):
        accept(kg, path)
    assert not (root / "kg" / "fixture.ttl").exists()


def test_accept_refuses_a_link_to_a_candidate_not_kept(project):
    root, sources = project
    kg = load(root, sources)
    draft = draft_article(kg, sources / "fixture.txt")
    path = write_draft(kg, sources / "fixture.txt")
    target = _iri_of(draft, "3")
    text = _keep(path.read_text(encoding="utf-8"), target)
    text = text.replace(
        f"id:{target}\n", f"id:{target}\n    ig:statedBy id:harbour-city-bureau-of-science-and-technology ;\n", 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match="did not keep"):
        accept(kg, path)


def test_accept_adds_the_records_a_kept_link_needs(project):
    root, sources = project
    kg = load(root, sources)
    path = write_draft(kg, sources / "fixture.txt")
    text = _keep(path.read_text(encoding="utf-8"), "harbour-university")
    text = text.replace("id:harbour-university\n", "id:harbour-university\n    ig:locatedIn id:harbour-city ;\n", 1)
    path.write_text(text, encoding="utf-8")
    result = accept_draft(kg, path)
    assert result.records_todo == ["https://w3id.org/innograph/id/harbour-university#fixture.locatedIn.harbour-city"]
    written = result.path.read_text(encoding="utf-8")
    assert PLACEHOLDER in written
    assert canonical(written, "kg/fixture.ttl") == written
    # validation flags the placeholder until the curator quotes the article
    report = validate(load(root, sources))
    assert any(PLACEHOLDER[:20] in f.message or "TODO" in f.message for f in report.errors), report.to_text()


def test_accept_refuses_what_is_not_a_draft(project):
    root, sources = project
    kg = load(root, sources)
    with pytest.raises(UsageError, match="not a draft"):
        accept(kg, root / "kg" / "reference" / "places.ttl")


def test_without_graph_drops_only_that_article(curated):
    stems = [f.stem for f in curated.graphs("source")]
    if not stems:
        pytest.skip("no curated article")
    blind = without_graph(curated, stems[0])
    assert stems[0] not in [f.stem for f in blind.graphs("source")]
    assert [f.stem for f in blind.graphs("source")] == stems[1:]
    assert len(blind) < len(curated)


def test_recall_on_the_curated_articles(curated):
    """Each curated article, drafted without its own graph, finds at least 80% of its curated targets and
    figures overall (same value, unit, comparator, and year / period where the curated one gives them)."""
    scores = measure(curated)
    if not scores:
        pytest.skip("no curated article with targets or figures and its text")
    curated_total = sum(s.curated for s in scores)
    found = sum(s.paired for s in scores)  # one candidate finds one curated statement at most
    assert found / curated_total >= 0.8, [(s.stem, s.paired, s.curated) for s in scores]


def test_the_recall_table_names_each_article_by_its_citation(curated):
    """bench/draft_recall.py's table names an article as a reader knows it (title, outlet, date), never by
    its file name; a bar in a citation does not break the Markdown row."""
    from innograph.citations import Citations
    from innograph.draft import Score, markdown_table
    from innograph.namespaces import SRC

    stems = [f.stem for f in curated.graphs("source")][:2]
    if not stems:
        pytest.skip("no curated article")
    citations = Citations(curated)
    scores = [Score(stem, 2, 1, 1, 1, 1, 1) for stem in stems] + [Score("x", 1, 1, 1, 1, 1, 1)]
    names = {**{stem: citations(f"{SRC}{stem}") for stem in stems}, "x": "A | B (outlet, 1 May 2020)"}
    table = markdown_table(scores, names.get)
    for stem in stems:
        assert stem not in table
        assert f"| {names[stem]} |" in table
    assert "| A \\| B (outlet, 1 May 2020) | 1 |" in table


def test_the_recall_bench_cites_the_articles(curated, capsys):
    """bench/draft_recall.py itself, as bench/run.py runs it: every article and every miss by citation."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from draft_recall import main

    from innograph.citations import Citations
    from innograph.namespaces import SRC

    stems = [f.stem for f in curated.graphs("source")]
    if not stems or not curated.project.sources_dir.is_dir():
        pytest.skip("no curated article, or no sources folder")
    assert main(["--root", str(REPO), "--misses"]) == 0
    out = capsys.readouterr().out
    assert not [stem for stem in stems if stem in out]
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| article")]
    citations = {Citations(curated)(f"{SRC}{stem}") for stem in stems}
    assert rows and all(row.split(" | ")[0][2:] in citations | {"**all**"} for row in rows if "---" not in row)


def test_draft_reads_no_network_and_no_model():
    source = (Path(__file__).resolve().parents[1] / "src" / "innograph" / "draft.py").read_text(encoding="utf-8")
    source += (Path(__file__).resolve().parents[1] / "src" / "innograph" / "draft_rules.py").read_text(encoding="utf-8")
    for module in ("urllib", "requests", "http.client", "socket", "torch", "transformers", "spacy"):
        assert f"import {module}" not in source


def test_main_draft_and_main_accept(project, capsys):
    import argparse

    from innograph.draft import main_accept, main_draft
    from innograph.namespaces import turtle_prefixes
    from innograph.scaffold import CURATION_PREFIXES, SOURCE_HEADER

    root, sources = project
    scaffold = SOURCE_HEADER.format(file="fixture.txt", stem="fixture") + turtle_prefixes(*CURATION_PREFIXES)
    (root / "kg" / "fixture.ttl").write_text(scaffold, encoding="utf-8")  # as innograph new source leaves it
    options = {"root": str(root), "sources": str(sources)}
    assert main_draft(argparse.Namespace(article=str(sources / "fixture.txt"), out=None, force=False, **options)) == 0
    assert "wrote drafts/fixture.ttl" in capsys.readouterr().out
    path = root / "drafts" / "fixture.ttl"
    kg = load(root, sources)
    draft = draft_article(kg, sources / "fixture.txt")
    path.write_text(_keep(path.read_text(encoding="utf-8"), _iri_of(draft, "7160000000")), encoding="utf-8")
    assert main_accept(argparse.Namespace(draft=str(path), out=None, **options)) == 0
    assert "wrote kg/fixture.ttl: kept 1 block(s)" in capsys.readouterr().out
    written = (root / "kg" / "fixture.ttl").read_text(encoding="utf-8")
    assert written.startswith(SOURCE_HEADER.format(file="fixture.txt", stem="fixture"))
    assert validate(load(root, sources)).conforms()


def test_accept_refuses_a_draft_that_keeps_nothing(project):
    root, sources = project
    kg = load(root, sources)
    path = write_draft(kg, sources / "fixture.txt")
    with pytest.raises(UsageError, match="nothing is kept"):
        accept(kg, path)
