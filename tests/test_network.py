"""Projection of the curated graph onto a network, analytics on it, and the commands around them."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from conftest import CURATED_FILES, REPO

from innograph.analyze import (
    Sampling,
    analyze,
    betweenness,
    explain,
    export,
    measure,
    shortest_path,
    simple_undirected,
)
from innograph.namespaces import curie
from innograph.network import FAMILIES, Evidence, ego, project


@pytest.fixture(scope="module")
def network(curated):
    return project(curated)


@pytest.fixture(scope="module")
def curated_network(curated_only):
    """The network of the curated articles alone: rankings and shortest chains are stated about it."""
    return project(curated_only)


def curated_evidence(evidence: list[Evidence]) -> list[Evidence]:
    return [e for e in evidence if e.source in CURATED_FILES]


def entity_count(curated, families) -> int:
    """Entities of the given families counted straight from RDF, to check the projection against."""
    roots = " ".join(f"<{root}>" for f in families for root in FAMILIES[f])
    query = f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        ?e a ?c . ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?root . VALUES ?root {{ {roots} }}
        FILTER (STRSTARTS(STR(?e), "https://w3id.org/innograph/id/")) }}"""
    return int(next(iter(curated.query(query)))["n"].value)


def test_nodes_are_the_entities_of_the_chosen_families(curated, network):
    assert network.number_of_nodes() == entity_count(curated, [f for f in FAMILIES if f != "statements"])
    families = {d["family"] for _, d in network.nodes(data=True)}
    assert "statements" not in families
    # provenance and vocabulary are attributes, not nodes
    assert not [n for n in network if n.startswith(("src:", "ind:", "field:", "instr:", "unit:", "cmp:", "lvl:"))]
    with_statements = project(curated, families=FAMILIES)
    assert with_statements.number_of_nodes() == entity_count(curated, list(FAMILIES))


def test_node_attributes_carry_labels_class_and_sources(network):
    ningbo = network.nodes["id:ningbo"]
    assert ningbo["label"] == "Ningbo" and ningbo["label_zh"] == "宁波市"
    assert ningbo["cls"] == "ig:City" and ningbo["class_label"] == "city" and ningbo["family"] == "places"
    assert [s for s in ningbo["sources"] if s in CURATED_FILES] == [
        "001_c659c60924322da7.txt",
        "004_5f4bcf8e5a1728d6.txt",
    ]
    # and each one's short citation (title, outlet, date), in the same order, never the file hash
    assert len(ningbo["citations"]) == len(ningbo["sources"])
    cited = dict(zip(ningbo["sources"], ningbo["citations"], strict=True))
    assert cited["004_5f4bcf8e5a1728d6.txt"].startswith("Sci-tech investments stimulate")
    stems = [s.removesuffix(".txt") for s in ningbo["sources"]]
    assert not [c for c in ningbo["citations"] if any(stem in c for stem in stems)]
    listed = network.nodes["id:yongxin-optics"]["facts"]
    assert listed["listing year"] == ["2018"]
    # an organisation that is also a platform is shown as an actor
    assert network.nodes["id:ningbo-new-materials-united-institute"]["family"] == "actors"


def test_edges_are_object_properties_labelled_from_the_ontology(network):
    issued = network.get_edge_data(
        "id:action-plan-for-enhancing-technological-innovation-capability-of-enterprises-2022-2023",
        "id:ministry-of-finance",
    )
    assert {k: v for k, v in issued["ig:issuedBy"].items() if k not in ("evidence", "sources")} == {
        "property": "ig:issuedBy",
        "label": "issued by",
        "label_zh": "发布单位",
    }
    assert [s for s in issued["ig:issuedBy"]["sources"] if s in CURATED_FILES] == ["003_75882ef34e9256a3.txt"]
    assert list(issued) == ["ig:issuedBy"]
    assert not any(k == "rdf:type" or k == "dcterms:source" for _, _, k in network.edges(keys=True))


YINCHUAN_ARTICLE = "New measures to bolster innovation-driven growth (chinadaily.com.cn, 26 April 2022)"


def test_edges_carry_the_quote_and_citation_of_each_graph_that_states_them(network):
    capital = network.get_edge_data("id:yinchuan", "id:ningxia")["ig:capitalOf"]
    assert curated_evidence(capital["evidence"]) == [
        Evidence(
            source="000_ca962a35b1daecb9.txt",
            citation=YINCHUAN_ARTICLE,
            quote="Yinchuan, capital of Northwest China's Ningxia Hui autonomous region",
        )
    ]
    # an inferred statement carries the curator's note; reference data says it too, without a quote
    located = network.get_edge_data("id:ningxia", "id:china")["ig:locatedIn"]["evidence"]
    inferred = next(e for e in located if e.source == "000_ca962a35b1daecb9.txt")
    assert inferred.inferred and inferred.note.startswith("The article says")
    assert inferred.citation == YINCHUAN_ARTICLE
    assert any(e.source == "kg/reference/places.ttl" and e.quote is None for e in located)
    # a page of several articles names the section; a citation never shows the file hash
    sections = [e for _, _, d in network.edges(data=True) for e in d["evidence"] if e.section]
    assert "Deepening Sci-tech Cooperation, Win-win for Shandong and Ningxia" in {e.section for e in sections}
    cited = [e.citation for _, _, d in network.edges(data=True) for e in d["evidence"] if e.citation]
    stems = {e.source.removesuffix(".txt") for _, _, d in network.edges(data=True) for e in d["evidence"]}
    assert cited and not [c for c in cited if any(stem in c for stem in stems)]
    # every statement of the article has its quote
    yinchuan = [
        e for _, _, d in network.edges(data=True) for e in d["evidence"] if e.source == "000_ca962a35b1daecb9.txt"
    ]
    assert yinchuan and all(e.quote for e in yinchuan)
    assert str(curated_evidence(capital["evidence"])[0]).startswith("“Yinchuan, capital of")


def test_statement_records_are_not_nodes(curated):
    everything = project(curated, families=FAMILIES)
    records = {
        curie(row["r"].value)
        for row in curated.query("SELECT ?r WHERE { ?r a <https://w3id.org/innograph/ontology#StatementRecord> }")
    }
    assert records and not records & set(everything)
    assert not [n for n in everything if "#" in n]
    # a target's own quote is the evidence for its links
    target = everything.get_edge_data("id:yinchuan-2025-target-enterprise-rd-to-revenue", "id:yinchuan")
    assert target["ig:about"]["evidence"][0].quote


def test_one_source_and_families_restrict_the_network(curated):
    yinchuan = project(curated, source="000_ca962a35b1daecb9.txt")
    assert "id:yinchuan-bureau-of-science-and-technology" in yinchuan
    assert "id:ningbo" not in yinchuan
    assert all("000_ca962a35b1daecb9.txt" in d["sources"] for _, _, d in yinchuan.edges(data=True))
    actors_places = project(curated, families=["actors", "places"])
    assert {d["family"] for _, d in actors_places.nodes(data=True)} == {"actors", "places"}
    with pytest.raises(ValueError, match="no source article"):
        project(curated, source="999_nothing.txt")
    with pytest.raises(ValueError, match="unknown class families"):
        project(curated, families=["actors", "robots"])


def test_ego_network(network, curated_network):
    # within one link, whatever its direction: the node and its neighbours, no more
    huang = "id:huang-zhiming"
    near = ego(network, huang, 1)
    assert set(near) == {huang} | set(network.successors(huang)) | set(network.predecessors(huang))
    assert set(ego(curated_network, huang, 1)) == {
        huang,
        "id:ningbo-municipal-bureau-of-science-and-technology",
        "id:director-of-ningbo-municipal-bureau-of-science-and-technology",
    }
    further = ego(network, huang, 2)
    assert "id:ningbo" in further and "id:ningbo" not in near
    assert set(near) < set(further)


def test_shortest_path_in_words(network, curated_network):
    steps = shortest_path(curated_network, "id:huang-zhiming", "id:ningbo")
    assert explain(curated_network, steps) == (
        "Huang Zhiming —head of→ Ningbo Municipal Bureau of Science and Technology —jurisdiction→ Ningbo"
    )
    joint = shortest_path(curated_network, "id:ministry-of-science-and-technology", "id:ministry-of-finance")
    assert explain(curated_network, joint) == (
        "Ministry of Science and Technology ←issued by— Action Plan for Enhancing the Technological Innovation "
        "Capability of Enterprises (2022-2023) —issued by→ Ministry of Finance"
    )
    # on the whole graph, a chain as short or shorter (other articles may add links), of real links
    whole = shortest_path(network, "id:huang-zhiming", "id:ningbo")
    assert len(whole) <= len(steps)
    assert (whole[0].source, whole[-1].target) == ("id:huang-zhiming", "id:ningbo")
    assert all(a.target == b.source for a, b in itertools.pairwise(whole))
    with pytest.raises(ValueError, match="no chain of statements"):
        shortest_path(curated_network, "id:huang-zhiming", "id:wang-qiong")


def test_analysis_of_the_whole_network(network):
    result = analyze(network, top=5)
    assert (result.nodes, result.edges) == (network.number_of_nodes(), network.number_of_edges())
    # the most central actors come first, each with its class
    degrees = [c.degree for c in result.central]
    assert degrees == sorted(degrees, reverse=True) and len(degrees) == 5
    assert all(c.cls for c in result.central)
    # every node in exactly one community
    nodes = [n for c in result.communities for n in c.nodes]
    assert sorted(nodes) == sorted(network.nodes)
    # brokers come by how many other communities they reach
    bridges = [b.bridges for b in result.brokers]
    assert bridges and bridges == sorted(bridges, reverse=True)
    # deterministic: same seed, same answer
    assert analyze(network, top=5).to_json() == result.to_json()


def test_analysis_of_the_curated_articles(curated_network):
    result = analyze(curated_network, top=5)
    degrees = [c.degree for c in result.central]
    assert degrees[0] >= 4
    assert "Yinchuan Bureau of Science and Technology" in [c.label for c in result.central]  # 8 measures and more
    assert result.communities[0].hub == "Ningbo"
    # the places that tie the article clusters together are the brokers
    assert [b.label for b in result.brokers[:2]] == ["Ningbo", "China"]
    assert result.brokers[0].bridges >= 5


def test_exports_open_in_graph_tools(network, tmp_path):
    graphml = export(network, tmp_path / "innograph.graphml")
    back = nx.read_graphml(graphml)
    assert back.number_of_nodes() == network.number_of_nodes()
    assert back.number_of_edges() == network.number_of_edges()
    assert back.nodes["id:ningbo"]["label_zh"] == "宁波市"
    gexf = export(network, tmp_path / "innograph.gexf")
    root = ET.parse(gexf).getroot()
    ns = {"g": root.tag.split("}")[0].strip("{")}
    assert len(root.findall(".//g:node", ns)) == network.number_of_nodes()


def small_world(nodes: int = 60) -> nx.MultiDiGraph:
    """A synthetic network shaped as ``project`` makes them: CURIEs with a label, class and family."""
    ring = nx.connected_watts_strogatz_graph(nodes, 4, 0.3, seed=1)
    graph = nx.MultiDiGraph()
    for i in ring:
        graph.add_node(f"id:n{i:02d}", label=f"Node {i}", class_label="institute", family="actors")
    for u, v in ring.edges():
        graph.add_edge(f"id:n{u:02d}", f"id:n{v:02d}", key="ig:partner", label="partner")
    return graph


def test_betweenness_is_exact_up_to_the_threshold_and_sampled_above_it():
    simple = simple_undirected(small_world())
    exact, sampling = betweenness(simple, exact_max_nodes=60, pivots=10)
    assert sampling is None
    assert exact == pytest.approx(nx.betweenness_centrality(simple, normalized=True))

    estimate, sampling = betweenness(simple, exact_max_nodes=59, pivots=10)
    assert sampling == Sampling(pivots=10, nodes=60, seed=42)
    assert str(sampling) == "betweenness estimated from 10 of 60 nodes (sampled, seed 42)"
    # the pivots networkx would draw, and the Brandes-Pich estimate from their shortest paths: the paths
    # between the pivots and every node, scaled up to all pairs (a pivot lies between one pivot fewer)
    pivots = random.Random(42).sample(list(simple), 10)
    paths = nx.betweenness_centrality_subset(simple, sources=pivots, targets=list(simple), normalized=False)
    expected = {n: 2 * paths[n] / ((9 if n in pivots else 10) * 58) for n in simple}
    assert estimate == pytest.approx(expected, abs=1e-12)
    assert estimate != pytest.approx(exact, abs=1e-6)  # a sample: not the exact values
    if tuple(int(part) for part in nx.__version__.split(".")[:2]) >= (3, 5):  # networkx's own estimate
        assert estimate == pytest.approx(nx.betweenness_centrality(simple, k=10, seed=42), abs=1e-12)
    # deterministic: the same seed draws the same pivots; another seed, others
    assert betweenness(simple, exact_max_nodes=59, pivots=10) == (estimate, sampling)
    other, _ = betweenness(simple, 7, exact_max_nodes=59, pivots=10)
    assert other != pytest.approx(estimate, abs=1e-9)


def test_the_analysis_says_when_betweenness_is_sampled(tmp_path):
    graph = small_world()
    exact = analyze(graph, measures=measure(graph, exact_max_nodes=60, pivots=10))
    assert not exact.betweenness_sampled and exact.betweenness_sample is None
    assert "estimated" not in exact.to_text() and "sampled" not in exact.to_text()

    measures = measure(graph, exact_max_nodes=59, pivots=10)
    sampled = analyze(graph, measures=measures)
    note = "betweenness estimated from 10 of 60 nodes (sampled, seed 42)"
    assert sampled.betweenness_sampled
    assert sampled.betweenness_sample == {"pivots": 10, "nodes": 60, "seed": 42, "note": note}
    data = json.loads(sampled.to_json())
    assert data["betweenness_sampled"] is True and data["betweenness_sample"]["note"] == note
    text = sampled.to_text().splitlines()
    assert text[:2] == ["60 nodes, 120 edges", note]
    assert "Most central actors (degree; betweenness, sampled)" in text
    assert "Brokers between communities (other communities reached; betweenness, sampled)" in text
    # degree and communities are exact whatever betweenness is: the same as in the exact analysis
    assert [c.degree for c in sampled.central] == [c.degree for c in exact.central]
    assert [c.nodes for c in sampled.communities] == [c.nodes for c in exact.communities]
    # and the exports say how betweenness was computed
    graphml = export(graph, tmp_path / "sampled.graphml", measures=measures)
    assert nx.read_graphml(graphml).graph["betweenness_method"] == note
    gexf = export(graph, tmp_path / "sampled.gexf", measures=measures)
    root = ET.parse(gexf).getroot()
    ns = {"g": root.tag.split("}")[0].strip("{")}
    assert root.find("g:meta/g:description", ns).text == note
    exported = export(graph, tmp_path / "exact.graphml", measures=measure(graph, exact_max_nodes=60))
    assert nx.read_graphml(exported).graph["betweenness_method"] == "betweenness exact (all 60 nodes)"


def test_the_curated_network_betweenness_is_exact(network):
    result = analyze(network, top=3)
    assert not result.betweenness_sampled and result.betweenness_sample is None
    assert "sampled" not in result.to_text()


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_path_and_analyze_commands(network):
    path = cli("path", "Huang Zhiming", "宁波市")
    assert path.returncode == 0, path.stderr
    assert path.stdout.strip() == explain(network, shortest_path(network, "id:huang-zhiming", "id:ningbo"))
    missing = cli("path", "huang-zhiming", "no-such-entity-anywhere")
    assert missing.returncode == 1 and "B: no entity 'no-such-entity-anywhere'" in missing.stderr
    outside = cli("path", "huang-zhiming", "ningbo", "--only", "actors")
    assert outside.returncode == 1 and "id:ningbo is not in the network" in outside.stderr
    analysis = cli("analyze", "--format", "json", "--top", "3")
    assert analysis.returncode == 0, analysis.stderr
    data = json.loads(analysis.stdout)
    assert len(data["central"]) == 3
    assert data == json.loads(analyze(network, top=3).to_json())  # what the library finds, as it finds it


def test_view_command_writes_one_offline_file(tmp_path):
    out = tmp_path / "ningbo.html"
    result = cli("view", "--focus", "ningbo", "--depth", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    import re

    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)
    assert "@import" not in html
    assert "Content-Security-Policy" in html
    unknown = cli("view", "--name", "overveiw")
    assert unknown.returncode == 1 and "did you mean overview" in unknown.stderr
