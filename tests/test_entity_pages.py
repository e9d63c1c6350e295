"""The entity pages that ``innograph docs`` writes beside the ontology page: one per labelled entity, every
statement of the ``entity-profile`` query both ways with its quote and citation, links that resolve, nothing
fetched from elsewhere, names from the graph escaped, the same bytes every time, nothing half-written."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import markupsafe
import pytest
from conftest import make_project

from innograph.build import build
from innograph.catalog import resolve
from innograph.docs import write
from innograph.engines import OxigraphEngine
from innograph.entity_pages import entity_slug
from innograph.loader import load
from innograph.query import run_query

ID = "https://w3id.org/innograph/id/"


def esc(text: str) -> str:
    """Text as jinja2 writes it into a page (autoescape)."""
    return str(markupsafe.escape(text))


CSP = "default-src 'none'; style-src 'unsafe-inline';"


@pytest.fixture(scope="module")
def docs(curated, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    write(curated, folder / "index.html")
    return folder


def labelled_entities(kg) -> set[str]:
    rows = kg.query(
        f"""SELECT DISTINCT ?e WHERE {{ ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l
              FILTER (isIRI(?e) && STRSTARTS(STR(?e), "{ID}"))
              FILTER NOT EXISTS {{ ?e <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?x }} }}"""
    )
    return {row["e"].value for row in rows}


def page(docs: Path, iri: str) -> str:
    return (docs / "entity" / f"{entity_slug(iri)}.html").read_text(encoding="utf-8")


def test_every_labelled_entity_gets_a_page_and_the_index_lists_it(curated, docs):
    entities = labelled_entities(curated)
    assert len(entities) > 100
    index = (docs / "entity" / "index.html").read_text(encoding="utf-8")
    for iri in entities:
        assert (docs / "entity" / f"{entity_slug(iri)}.html").is_file(), iri
        assert f'href="{entity_slug(iri)}.html"' in index, iri
    # nothing else: one page per entity, and the index
    assert len(list((docs / "entity").iterdir())) == len(entities) + 1


def test_class_sections_of_the_ontology_page_link_their_entities(docs):
    ontology = (docs / "index.html").read_text(encoding="utf-8")
    section = ontology[ontology.index('id="ig-Ministry"') :]
    section = section[: section.index("</section>")]
    assert 'href="entity/ministry-of-science-and-technology.html"' in section
    assert 'href="entity/index.html"' in ontology


def test_each_page_lists_every_statement_of_entity_profile_both_ways(curated, docs):
    query = resolve("entity-profile", curated.project.queries_dir)
    engine = OxigraphEngine(curated)
    directions = set()
    for iri in sorted(labelled_entities(curated)):
        text = page(docs, iri)
        rows = [chunk for chunk in text.split("<tr")[1:] if chunk.startswith((' class="out"', ' class="in"'))]
        table = run_query(query, engine, {"entity": iri})
        for row in table.rows:
            cells = {k: v.value for k, v in row.items() if v is not None}
            directions.add(cells["direction"])
            wanted = [
                ' class="out"' if cells["direction"] == "→" else ' class="in"',
                esc(cells["property"]),
                esc(cells["value"]),
            ]
            wanted += [esc(cells[k]) for k in ("quote", "citation") if k in cells]
            assert any(all(w in chunk for w in wanted) for chunk in rows), (iri, cells)
        assert len(rows) <= len(table.rows)  # no statement the query does not list (duplicates folded)
    assert directions == {"→", "←"}


def test_quotes_citations_figures_and_names_appear(docs):
    person = page(docs, f"{ID}huang-zhiming")
    assert esc("said Huang Zhiming, Director of Ningbo Municipal Bureau of Science and Technology") in person
    assert "Sci-tech investments stimulate innovation (28 January 2019)" in person
    assert 'href="ningbo-municipal-bureau-of-science-and-technology.html"' in person
    assert 'href="../index.html#ig-Person"' in person
    ministry = page(docs, f"{ID}ministry-of-science-and-technology")
    assert "科学技术部" in ministry and "MOST" in ministry
    assert "<svg" in ministry and "<script" not in ministry
    city = page(docs, f"{ID}xining")
    assert "Targets and figures about it" in city
    assert "per 10,000 people" in city or "per 10000 people" in city


def test_links_resolve_and_nothing_is_fetched_from_elsewhere(docs):
    files = sorted(docs.rglob("*.html"))
    ids = {f: set(re.findall(r'\bid="([^"]+)"', f.read_text(encoding="utf-8"))) for f in files}
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert f'content="{CSP}"' in text, file
        for ref in re.findall(r'\b(?:href|src)="([^"]*)"', text):
            assert "//" not in ref and not ref.startswith(("data:", "javascript:")), (file, ref)
            target, _, fragment = html.unescape(ref).partition("#")
            resolved = (file.parent / target).resolve() if target else file
            assert resolved.is_file(), (file, ref)
            if fragment:
                assert fragment in ids[resolved], (file, ref)


def test_the_same_graph_gives_the_same_bytes(curated, docs, tmp_path):
    write(curated, tmp_path / "index.html")
    again = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    first = {p.relative_to(docs): p.read_bytes() for p in docs.rglob("*") if p.is_file()}
    assert again == first


HOSTILE = """@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

id:fixture-city a ig:City ;
    rdfs:label "Fixture city"@en .

id:hostile a ig:Ministry ;
    rdfs:label "<script>alert('x')</script> & \\"ministry\\""@en, "恶意</text><script>部"@zh ;
    skos:altLabel "<img src=x onerror=alert(1)>"@en ;
    ig:jurisdiction id:fixture-city .
"""


def test_a_hostile_label_is_escaped_everywhere(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": HOSTILE})
    kg = load(root, sources)
    out = tmp_path / "docs" / "index.html"
    write(kg, out)
    hostile = (out.parent / "entity" / "hostile.html").read_text(encoding="utf-8")
    city = (out.parent / "entity" / "fixture-city.html").read_text(encoding="utf-8")
    for text in (hostile, city, (out.parent / "entity" / "index.html").read_text(encoding="utf-8"), out.read_text()):
        assert "<script" not in text and "<img" not in text and "恶意</text>" not in text
    assert "&lt;script&gt;alert(" in hostile and "&lt;img src=x onerror=alert(1)&gt;" in hostile
    assert "恶意&lt;/text&gt;&lt;script&gt;部" in hostile
    assert "&lt;script&gt;alert(" in city  # the other end of the statement, in the table and the drawing
    assert 'href="hostile.html"' in city


def test_a_failed_write_leaves_the_previous_pages_whole(curated, docs, tmp_path, monkeypatch):
    out = tmp_path / "index.html"
    write(curated, out)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    real = Path.write_text
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 7:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(OSError):
        write(curated, out)
    monkeypatch.undo()
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entity", "index.html"]


def test_the_build_writes_the_pages_and_its_manifest_lists_them(curated, tmp_path):
    built = build(curated, tmp_path / "build", views=False)
    manifest = json.loads((built.folder / "manifest.json").read_text(encoding="utf-8"))
    assert "docs/index.html" in manifest["outputs"] and "docs/entity/index.html" in manifest["outputs"]
    pages = [name for name in manifest["outputs"] if name.startswith("docs/entity/")]
    assert len(pages) == len(labelled_entities(curated)) + 1


def test_the_url_pattern_from_a_view_reaches_a_page(docs):
    # views are written to build/views/X.html: an entity's page is ../docs/entity/<slug>.html from there
    assert entity_slug(f"{ID}source/003_75882ef34e9256a3") == "source--003_75882ef34e9256a3"
    assert (docs / "entity" / "source--003_75882ef34e9256a3.html").is_file()
