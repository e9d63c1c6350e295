"""One entity resolver for every command: the same forms accepted, the same "did you mean" for a name that
fits nothing, and commands that agree about an entity's links."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import networkx as nx
import pyoxigraph as ox
import pytest

from innograph.analyze import simple_undirected
from innograph.catalog import catalogue
from innograph.engines import OxigraphEngine
from innograph.entities import EntityResolver
from innograph.errors import UsageError
from innograph.namespaces import ID, curie
from innograph.network import project
from innograph.query import run_query

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=REPO, capture_output=True, text=True, timeout=180
    )


@pytest.fixture(scope="module")
def resolver(oxigraph):
    return EntityResolver(oxigraph)


# ----------------------------------------------------------------- forms


@pytest.mark.parametrize(
    "typed",
    [
        "huang-zhiming",
        "id:huang-zhiming",
        f"{ID}huang-zhiming",
        "Huang Zhiming",
        "huang zhiming",
        "  HUANG   ZHIMING ",
        "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in "HUANG ZHIMING"),  # full-width letters
    ],
)
def test_every_form_of_a_name_gives_the_same_entity(resolver, typed):
    assert resolver.entity(typed, "X").value == f"{ID}huang-zhiming"


def test_chinese_and_alternative_labels_resolve(resolver):
    assert resolver.entity("宁波市", "X").value == f"{ID}ningbo"
    assert resolver.entity("MOF", "X").value == f"{ID}ministry-of-finance"
    assert resolver.entity("财政部", "X").value == f"{ID}ministry-of-finance"


def test_a_slug_that_names_nothing_is_refused_not_answered_with_nothing(resolver):
    with pytest.raises(UsageError) as raised:
        resolver.entity("huang-zhimin", "--focus")
    assert str(raised.value) == "--focus: no entity 'huang-zhimin'; did you mean huang-zhiming (Huang Zhiming)?"


def test_suggestions_come_from_labels_in_either_language_and_from_slugs(resolver):
    assert resolver.suggestions("Ministry of Finanse")[0] == f"{ID}ministry-of-finance"
    assert resolver.suggestions("ministry-of-finace")[0] == f"{ID}ministry-of-finance"
    assert resolver.suggestions("财政")[0] == f"{ID}ministry-of-finance"
    assert resolver.suggestions("zzzz-qqqq-xxxx") == []
    with pytest.raises(UsageError, match="find names with innograph query search-names"):
        resolver.entity("zzzz-qqqq-xxxx", "A")


def test_a_concept_is_checked_and_gets_suggestions(resolver):
    assert resolver.concept("ind:rd-intensity", "X").value.endswith("rd-intensity")
    with pytest.raises(UsageError, match=r"no concept 'ind:rd-intnsity'; did you mean ind:rd-intensity \("):
        resolver.concept("ind:rd-intnsity", "--param indicator")


def test_a_label_two_entities_share_lists_both():
    store = ox.Store()
    store.load(
        input=f"""
        <{ID}a> <http://www.w3.org/2000/01/rdf-schema#label> "Science Park"@en .
        <{ID}b> <http://www.w3.org/2000/01/rdf-schema#label> "Science Park"@en .
        <{ID}b> <http://www.w3.org/2000/01/rdf-schema#label> "科技园"@zh .
        """,
        format=ox.RdfFormat.N_TRIPLES,
    )

    class Store:
        def query(self, text):
            return store.query(text)

    found = EntityResolver(OxigraphEngine(Store()))
    with pytest.raises(UsageError) as raised:
        found.entity("science park", "X")
    assert (
        str(raised.value) == "X: 'science park' names 2 entities: a (Science Park), b (Science Park); give one of them"
    )
    assert found.entity("科技园", "X").value == f"{ID}b"


# ----------------------------------------------------------------- the same message everywhere

MISTYPED = ["huang-zhimin", "Ministry of Finanse"]


@pytest.mark.parametrize("typed", MISTYPED)
def test_every_command_gives_the_same_did_you_mean(typed, tmp_path):
    runs = {
        "query": cli("query", "entity-profile", "--param", f"entity={typed}"),
        "view": cli("view", "--focus", typed, "--out", str(tmp_path / "v.html")),
        "path": cli("path", typed, "ningbo"),
        "why": cli("why", typed),
    }
    hints = {}
    for command, run in runs.items():
        assert run.returncode != 0, command
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1, (command, run.stderr)
        match = re.search(rf"no entity '{re.escape(typed)}'(; did you mean .*)$", lines[0])
        assert match, (command, lines[0])
        hints[command] = match.group(1)
    assert len(set(hints.values())) == 1, hints
    assert "did you mean" in hints["query"]
    assert not (tmp_path / "v.html").exists()


# ----------------------------------------------------------------- commands agree about links


def _label(graph, node):
    return graph.nodes[node]["label"]


@pytest.mark.parametrize("slug", ["ministry-of-finance", "huang-zhiming", "ningbo", "yinchuan"])
def test_entity_profile_lists_every_link_the_view_shows_in_both_directions(curated, oxigraph, slug):
    """The view's details panel lists a node's links both ways; the profile query must hold each of them."""
    graph = project(curated)
    node = curie(f"{ID}{slug}")
    shown = {("→", a["label"], _label(graph, v)) for _, v, a in graph.out_edges(node, data=True)}
    shown |= {("←", a["label"], _label(graph, u)) for u, _, a in graph.in_edges(node, data=True)}
    if slug == "ministry-of-finance":  # issues programmes: links that point at it
        assert any(direction == "←" for direction, _, _ in shown)
    queries = catalogue(REPO / "queries")
    table = run_query(queries["entity-profile"], oxigraph, {"entity": slug})
    listed = {(r["direction"].value, r["property"].value, r["value"].value) for r in table.rows}
    assert shown <= listed, shown - listed


def test_connection_between_and_path_agree_within_two_steps(curated, oxigraph):
    """For pairs of entities one, two and three steps apart in the network that path searches,
    connection-between finds the first two and (by its stated depth) not the third."""
    graph = project(curated)
    undirected = simple_undirected(graph)
    nodes = sorted(n for n in undirected if undirected.degree(n) > 0)
    rng = random.Random(11)
    by_distance: dict[int, list[tuple[str, str]]] = {1: [], 2: [], 3: []}
    for start in rng.sample(nodes, min(40, len(nodes))):
        lengths = nx.single_source_shortest_path_length(undirected, start, cutoff=3)
        for distance in by_distance:
            ends = sorted(n for n, d in lengths.items() if d == distance and n.startswith("id:"))
            if ends and start.startswith("id:"):
                by_distance[distance].append((start, rng.choice(ends)))
    queries = catalogue(REPO / "queries")
    checked = 0
    for distance, pairs in by_distance.items():
        for start, end in pairs[:12]:
            table = run_query(queries["connection-between"], oxigraph, {"from": start, "to": end})
            rows = table.rows
            if distance == 1:
                assert any(r.get("step2", None) is None or r["step2"].value == "" for r in rows), (start, end)
            elif distance == 2:
                via = {r["via"].value for r in rows if "via" in r}
                middles = {_label(graph, m) for m in nx.common_neighbors(undirected, start, end)}
                assert via & middles, (start, end, via, middles)
            else:
                # three steps apart in the network: any row goes through what the network leaves out
                # (a target or figure between them)
                for r in rows:
                    assert "via" in r, (start, end)
            checked += 1
    assert checked >= 20
