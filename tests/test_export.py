"""GraphML and GEXF exports carry what ``innograph analyze`` computes: each node's Louvain community (the
same partition analyze reports), degree, betweenness, class family and the family's colour, so that Gephi
opens them coloured and partitioned."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from conftest import REPO

GEXF_VIZ = "http://www.gexf.net/1.2draft/viz"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    graphml, gexf = folder / "innograph.graphml", folder / "innograph.gexf"
    command = ["analyze", "--format", "json", "--graphml", str(graphml), "--gexf", str(gexf)]
    result = subprocess.run(
        [sys.executable, "-m", "innograph", *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), graphml, gexf


@pytest.fixture(scope="module")
def colours():
    with (REPO / "viz" / "style.toml").open("rb") as handle:
        return {name: family["colour"] for name, family in tomllib.load(handle)["families"].items()}


def partition(communities: list[dict]) -> dict[str, int]:
    return {node: c["number"] for c in communities for node in c["nodes"]}


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_graphml_nodes_carry_community_degree_betweenness_family_and_colour(exported, colours):
    analysis, graphml, _ = exported
    graph = nx.read_graphml(graphml)
    assert graph.number_of_nodes() == analysis["nodes"]
    reported = partition(analysis["communities"])
    simple = nx.Graph(graph.to_undirected())
    simple.remove_edges_from(nx.selfloop_edges(simple))
    for node, attrs in graph.nodes(data=True):
        assert attrs["community"] == reported[node], node
        assert attrs["degree"] == simple.degree(node), node
        assert 0.0 <= attrs["betweenness"] <= 1.0
        assert attrs["family"] in colours
        assert attrs["colour"] == colours[attrs["family"]]
        assert (attrs["r"], attrs["g"], attrs["b"]) == rgb(attrs["colour"])
    # the figures analyze prints are the ones in the file
    for central in analysis["central"]:
        assert graph.nodes[central["node"]]["degree"] == central["degree"]
        assert round(graph.nodes[central["node"]]["betweenness"], 4) == central["betweenness"]


def test_gexf_nodes_carry_the_same_and_a_viz_colour(exported, colours):
    analysis, _, gexf = exported
    root = ET.parse(gexf).getroot()
    ns = {"g": root.tag.split("}")[0].strip("{"), "viz": GEXF_VIZ}
    titles = {a.get("id"): a.get("title") for a in root.findall(".//g:attributes[@class='node']/g:attribute", ns)}
    reported = partition(analysis["communities"])
    nodes = root.findall(".//g:node", ns)
    assert len(nodes) == analysis["nodes"]
    for node in nodes:
        values = {titles[v.get("for")]: v.get("value") for v in node.findall("g:attvalues/g:attvalue", ns)}
        assert int(values["community"]) == reported[node.get("id")]
        assert int(values["degree"]) >= 0 and 0.0 <= float(values["betweenness"]) <= 1.0
        assert values["colour"] == colours[values["family"]]
        colour = node.find("viz:color", ns)
        assert colour is not None, node.get("id")
        assert (int(colour.get("r")), int(colour.get("g")), int(colour.get("b"))) == rgb(values["colour"])
    # networkx reads it back, colours included
    back = nx.read_gexf(gexf)
    some = next(iter(back.nodes(data=True)))[1]
    assert "viz" in some and "color" in some["viz"]


def test_the_partition_is_every_node_once_numbered_as_analyze_reports(exported):
    analysis, graphml, _ = exported
    communities = analysis["communities"]
    assert [c["number"] for c in communities] == list(range(1, len(communities) + 1))
    assert all(len(c["nodes"]) == c["size"] == len(c["members"]) for c in communities)
    assert len(partition(communities)) == analysis["nodes"]
    by_number: dict[int, set[str]] = {}
    for node, attrs in nx.read_graphml(graphml).nodes(data=True):
        by_number.setdefault(attrs["community"], set()).add(node)
    assert by_number == {c["number"]: set(c["nodes"]) for c in communities}


def test_an_export_without_colours_still_carries_the_measures(tmp_path):
    from innograph.analyze import analyze, export, measure

    graph = nx.MultiDiGraph()
    for name, family in (("a", "actors"), ("b", "places"), ("c", "places"), ("d", "actors")):
        graph.add_node(name, label=name.upper(), class_label="thing", family=family)
    graph.add_edge("a", "b", key="p")
    graph.add_edge("b", "c", key="p")
    measures = measure(graph)
    out = export(graph, tmp_path / "small.graphml", measures=measures)
    back = nx.read_graphml(out)
    numbers = {c.number: set(c.nodes) for c in analyze(graph, measures=measures).communities}
    for node, attrs in back.nodes(data=True):
        assert node in numbers[attrs["community"]]
        assert "colour" not in attrs and "r" not in attrs
    assert back.nodes["b"]["degree"] == 2 and back.nodes["d"]["degree"] == 0
    with pytest.raises(ValueError, match=r"\.graphml or \.gexf"):
        export(graph, tmp_path / "small.csv")
