"""What a view asked for on the command line is called: its title in words and its file name, derived from the
request; and what the page is given to mark an ego view's focus. No browser needed."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import REPO, make_project

from innograph.citations import Citations
from innograph.errors import UsageError
from innograph.namespaces import SRC
from innograph.network import project
from innograph.view import layout, load_style, ranking, render
from innograph.views import ad_hoc, build_network, named

YINCHUAN = "000_ca962a35b1daecb9"


@pytest.mark.parametrize(
    ("request_", "name", "title"),
    [
        ({}, "overview", "The whole graph"),
        ({"focus": "huang-zhiming"}, "ego-huang-zhiming", "Within 1 link of Huang Zhiming"),
        (
            {"focus": "ministry-of-finance", "depth": 2},
            "ego-ministry-of-finance-2",
            "Within 2 links of the Ministry of Finance",
        ),
        (
            {"focus": "Ministry of Finance", "depth": 2},
            "ego-ministry-of-finance-2",
            "Within 2 links of the Ministry of Finance",
        ),
        ({"focus": "宁波市", "depth": 2}, "ego-ningbo-2", "Within 2 links of Ningbo"),
        ({"focus": "id:state-council"}, "ego-state-council", "Within 1 link of the State Council"),
        ({"only": ("places", "actors")}, "overview-actors-places", "Actors and places only"),
        ({"statements": True}, "overview-statements", "With targets and figures"),
        (
            {"focus": "ningbo", "depth": 2, "only": ("actors", "places", "programmes")},
            "ego-ningbo-2-actors-places-programmes",
            "Within 2 links of Ningbo, actors, places and programmes only",
        ),
        (
            {"query": "neighbourhood", "params": {"entity": "宁波市"}},
            "query-neighbourhood-ningbo",
            "From the query \u201cThe neighbourhood of an entity, as a graph\u201d (entity: Ningbo)",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_names_and_titles_follow_the_request(curated, request_, name, title):
    spec = ad_hoc(curated, **request_)
    assert (spec.name, spec.title) == (name, title)


def test_a_source_view_is_named_after_the_file_and_titled_by_its_citation(curated):
    citation = Citations(curated)(f"{SRC}{YINCHUAN}")
    for given in (f"{YINCHUAN}.txt", YINCHUAN):
        spec = ad_hoc(curated, source=given)
        assert spec.name == f"source-{YINCHUAN}"
        assert spec.title == f"As told by {citation}"
        assert YINCHUAN not in spec.title


def test_names_in_sentences_take_the_article_english_wants(curated):
    assert named(curated, "id:huang-zhiming") == "Huang Zhiming"
    assert named(curated, "id:ningbo") == "Ningbo"
    assert named(curated, "id:ministry-of-finance") == "the Ministry of Finance"
    assert named(curated, "id:yangtze-river-delta") == "the Yangtze River Delta"
    assert named(curated, "id:yongxin-optics") == "Yongxin Optics"
    assert named(curated, "id:shandong-ningxia-sci-tech-cooperation").startswith("the ")


def test_an_unknown_entity_or_family_is_a_usage_error(curated):
    with pytest.raises(UsageError, match="no-such-entity"):
        ad_hoc(curated, focus="no-such-entity")
    with pytest.raises(UsageError, match="unknown class families: robots"):
        ad_hoc(curated, only=("actors", "robots"))


def test_the_page_marks_the_focus_and_holds_it_at_the_centre(curated):
    spec = ad_hoc(curated, focus="ministry-of-finance", depth=2)
    graph = build_network(curated, spec)
    html = render(graph, spec.title, load_style(REPO / "viz"), focus="id:ministry-of-finance")
    data = json.loads(re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert data["focus"] == "id:ministry-of-finance" and data["title"] == spec.title
    nodes = {n["id"]: n for n in data["nodes"]}
    focus = nodes["id:ministry-of-finance"]
    assert focus["tier"] == 0 and focus["borderWidth"] >= 3 and (focus["x"], focus["y"]) == (0.0, 0.0)
    assert focus["size"] >= max(n["size"] for n in nodes.values())
    # every node has its rank by centrality; the most central get the largest labels
    assert sorted(n["rank"] for n in nodes.values()) == list(range(len(nodes)))
    # sources as citations, the file name kept beside each as an identifier
    sources = nodes["id:ministry-of-finance"]["info"]["sources"]
    assert sources and all(s["cite"] != s["file"] and s["file"].endswith(".txt") for s in sources)
    # the same request gives the same page, byte for byte
    again = render(build_network(curated, spec), spec.title, load_style(REPO / "viz"), focus="id:ministry-of-finance")
    assert again == html


def test_the_layout_puts_the_focus_at_the_origin_and_loners_in_centred_rows(curated):
    graph = project(curated)
    order = ranking(graph)
    degree = dict(graph.degree())
    assert [degree[n] for n in order] == sorted(degree.values(), reverse=True)
    # the graph's own loners, and a few more so that there are loners however the articles link up
    graph.add_nodes_from(f"id:test-loner-{i}" for i in range(3))
    positions = layout(graph)
    alone = [n for n in graph if graph.degree(n) == 0]
    rows: dict[float, list[float]] = {}
    for n in alone:
        rows.setdefault(positions[n][1], []).append(positions[n][0])
    lowest_linked = max(y for n, (_, y) in positions.items() if graph.degree(n))
    assert min(rows) > lowest_linked
    assert all(abs(min(xs) + max(xs)) < 1e-6 for xs in rows.values())  # each row centred under the drawing
    ego = build_network(curated, ad_hoc(curated, focus="huang-zhiming", depth=2))
    assert layout(ego, focus="id:huang-zhiming")["id:huang-zhiming"] == (0.0, 0.0)


def _view(root, sources, *args):
    return subprocess.run(
        [sys.executable, "-m", "innograph", "view", "--root", str(root), "--sources", str(sources), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_view_writes_a_file_named_after_the_request_and_says_when_it_replaces_one(tmp_path):
    style = (REPO / "viz" / "style.toml").read_text(encoding="utf-8")
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": FIXTURE, "viz/style.toml": style})
    first = _view(root, sources, "--focus", "fixture-city")
    assert first.returncode == 0, first.stderr
    page = root / "views" / "ego-fixture-city.html"
    assert first.stdout.strip() == f"wrote {page}: 2 nodes, 1 edges" and page.is_file()
    again = _view(root, sources, "--focus", "Fixture city")
    assert again.stdout.strip() == f"replaced {page}: 2 nodes, 1 edges"
    whole = _view(root, sources)
    assert whole.stdout.startswith(f"wrote {root / 'views' / 'overview.html'}:")
    deeper = _view(root, sources, "--focus", "fixture-city", "--depth", "2", "--only", "places")
    assert deeper.stdout.startswith(f"wrote {root / 'views' / 'ego-fixture-city-2-places.html'}:")
    assert sorted(p.name for p in (root / "views").iterdir()) == [
        "ego-fixture-city-2-places.html",
        "ego-fixture-city.html",
        "overview.html",
    ]


FIXTURE = """@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

id:fixture-city a ig:City ;
    rdfs:label "Fixture city"@en ;
    ig:locatedIn id:fixture-province .
id:fixture-province a ig:Province ;
    rdfs:label "Fixture province"@en .
"""
