"""A build's views link each node to the pages beside them: its entity page and, for a place or an
indicator, its chart; every link leads to a file the same build wrote."""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO

from innograph.build import build
from innograph.loader import load


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("build") / "build"
    build(load(REPO), folder)
    return folder


def graph_data(page):
    text = page.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', text, re.S)[1])


def test_every_link_of_every_view_leads_to_a_file_of_the_build(built):
    checked = 0
    for page in sorted((built / "views").glob("*.html")):
        for node in graph_data(page)["nodes"]:
            for kind in ("page", "chart"):
                if kind in node["info"]:
                    address = node["info"][kind]
                    assert address.startswith("../") and (page.parent / address).resolve().is_file(), address
                    checked += 1
    assert checked


def test_a_place_links_to_its_page_and_its_timeline(built):
    nodes = {n["id"]: n for n in graph_data(built / "views" / "overview.html")["nodes"]}
    ningbo = nodes["id:ningbo"]["info"]
    assert ningbo["page"] == "../docs/entity/ningbo.html"
    assert ningbo["chart"] == "../charts/timeline-ningbo.html"
    assert "Ningbo" in (built / "charts" / "timeline-ningbo.html").read_text(encoding="utf-8")
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert "charts/timeline-ningbo.html" in manifest["outputs"] and "charts/rd-intensity.html" in manifest["outputs"]


def test_a_target_links_to_the_chart_of_its_indicator(built):
    from innograph.loader import load as load_graph
    from innograph.views import build_links

    kg = load_graph(REPO)
    links = build_links(kg, set(), {"https://w3id.org/innograph/vocab/indicator/rd-intensity": "rd-intensity.html"})
    target = "id:xining-2025-target-rd-intensity"
    assert links[target]["chart"] == "../charts/rd-intensity.html", sorted(links)[:5]
    assert (built / "charts" / "rd-intensity.html").is_file()
