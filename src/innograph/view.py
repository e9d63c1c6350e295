"""Render a projected network as one self-contained HTML file that opens offline.

pyvis holds the network and its vis-network options; the page comes from our own template
(``templates/view.html``), which inlines vis-network's JavaScript and CSS from the pyvis package
instead of linking Bootstrap and vis from a CDN as pyvis's templates do. Graph data travels as JSON in a
``<script type="application/json">`` element and is turned into DOM text nodes only, so a label such as
``<img src=x onerror=alert(1)>`` is shown as text and runs nothing; so are the quotes, citations and
curator notes each edge carries as evidence, which the details panel lists beside the selected node's
links. Small networks run physics from a precomputed layout and settle in moments; large ones get their
layout from igraph and no physics; an ego view starts from rings around its focus, which it marks.

The page frames the drawing itself once it has settled (and after filtering): centred, labels included.
It draws node labels itself too, at a fixed size on screen, most central nodes first and only where they
overlap no other label, so more appear as one zooms in; sources are named by their citation.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from innograph.atomic import write_text

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Style:
    families: dict[str, dict[str, str]]
    physics_max_nodes: int = 800
    edge_label_max_edges: int = 1500


def load_style(viz_dir: Path) -> Style:
    path = viz_dir / "style.toml"
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    layout = raw.get("layout", {})
    return Style(
        families=raw["families"],
        physics_max_nodes=int(layout.get("physics_max_nodes", 800)),
        edge_label_max_edges=int(layout.get("edge_label_max_edges", 1500)),
    )


def layout(graph: nx.MultiDiGraph, seed: int = 7, focus: str | None = None) -> dict[str, tuple[float, float]]:
    """Positions for every node: igraph's Fruchterman-Reingold (on a grid above 1,000 nodes: 0.3 s for
    5,000 nodes here, where networkx's spring layout took 30 s), scaled to vis-network's pixel space.
    Nodes without links are lined up in centred rows under the drawing instead of scattered at its edges
    (the page frames the whole drawing, rows included). With a ``focus``, the nodes start on rings around
    it (:func:`_rings`), the focus at the origin, where the page's physics holds it while the rest settles."""
    import random

    import igraph as ig

    linked = [n for n in graph.nodes if graph.degree(n) > 0]
    alone = [n for n in graph.nodes if graph.degree(n) == 0]
    positions: dict[str, tuple[float, float]] = {}
    width = 60.0 * (max(len(linked), 1) ** 0.5)
    if linked:
        index = {name: i for i, name in enumerate(linked)}
        simple = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in graph.edges() if u != v}
        g = ig.Graph(n=len(linked), edges=sorted(simple))
        random.seed(seed)
        ig.set_random_number_generator(random)
        coords = g.layout_fruchterman_reingold(grid=len(linked) > 1000, niter=500).coords
        xs = [c[0] for c in coords]
        ys = [c[1] for c in coords]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        scale = width / span
        if focus in index:
            cx, cy = coords[index[focus]]
        else:
            cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        for name, (x, y) in zip(linked, coords, strict=True):
            positions[name] = ((x - cx) * scale, (y - cy) * scale)
        if focus in index:
            positions.update(_rings(graph, focus, positions))
    bottom = max((y for _, y in positions.values()), default=-120.0) + 120.0
    per_row = max(1, int(width // 90) + 1, int((1.6 * len(alone)) ** 0.5))
    for i, name in enumerate(sorted(alone)):
        row, col = divmod(i, per_row)
        in_row = min(per_row, len(alone) - row * per_row)
        positions[name] = ((col - (in_row - 1) / 2) * 90.0, bottom + row * 70.0)
    return positions


def _rings(graph: nx.MultiDiGraph, focus: str, positions: dict[str, tuple[float, float]]):
    """An ego view's nodes on rings around its focus, one ring per link of distance: the focus's
    neighbours evenly all around it (in the order the force layout put them), and each further node in
    the slice of the circle of the node it is reached through, so that branches do not cross."""
    far = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), focus)
    deepest = max(far.values())
    rings = [sorted(n for n in far if far[n] == d) for d in range(deepest + 1)]  # not in set order
    step = max(150.0, *(len(ring) * 70.0 / (2 * math.pi * d) for d, ring in enumerate(rings) if d))

    def angle(node: str) -> float:
        x, y = positions[node]
        return math.atan2(y, x)

    placed = {focus: (0.0, 0.0)}
    sector = {focus: (angle(rings[1][0]) if deepest else 0.0, 2 * math.pi)}  # start, width
    for d in range(1, deepest + 1):
        children: dict[str, list[str]] = {}
        for node in rings[d]:
            parents = [m for m in nx.all_neighbors(graph, node) if far.get(m) == d - 1]
            parent = min(parents, key=lambda m: (sector[m][0], m))
            children.setdefault(parent, []).append(node)
        for parent, kids in children.items():
            start, width = sector[parent]
            # in the focus's full circle, start half a slice before the first node's own direction
            if parent == focus:
                start -= width / len(kids) / 2
            kids.sort(key=lambda n: ((angle(n) - start) % (2 * math.pi), n))
            share = width / len(kids)
            for i, kid in enumerate(kids):
                sector[kid] = (start + i * share, share)
                a = start + (i + 0.5) * share
                placed[kid] = (d * step * math.cos(a), d * step * math.sin(a))
    return placed


def ranking(graph: nx.MultiDiGraph) -> list[str]:
    """The nodes from most to least central: by degree, then by the degree of their neighbours, then by
    name. The page labels nodes in this order, as many as fit without overlapping."""
    degree = dict(graph.degree())
    near = {n: sum(degree[m] for m in set(graph.successors(n)) | set(graph.predecessors(n))) for n in graph}
    return sorted(graph.nodes, key=lambda n: (-degree[n], -near[n], graph.nodes[n]["label"], n))


def _tiers(count: int) -> tuple[int, int]:
    """How many of the most central nodes get the largest labels, and how many the middle size."""
    major = max(3, round(0.06 * count))
    return major, major + max(5, round(0.3 * count))


def _options(physics: bool, many_edges: bool, count: int = 0) -> dict:
    """vis-network's options. Node labels are not vis-network's: the page draws them itself, at a size
    that does not change with zoom, the most central first and only where they do not overlap; so are the
    labels of the selected node's links. vis-network draws every link's label only when zoomed in beyond
    what fitting the drawing gives. Small networks get longer springs, so that they fill the window
    without outsized nodes."""
    options = {
        "autoResize": True,
        "nodes": {"borderWidth": 1, "borderWidthSelected": 3},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9aa4b1", "highlight": "#444", "hover": "#444"},
            # every link's label only when zoomed in (10 canvas units drawn at 16 px or more, at most 14 px)
            "font": {"size": 0 if many_edges else 10, "align": "middle", "color": "#555", "strokeWidth": 3},
            "scaling": {"label": {"enabled": False, "drawThreshold": 17, "maxVisible": 14}},
            "smooth": False if many_edges else {"type": "continuous"},
            "width": 1,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": many_edges, "navigationButtons": False},
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
    }
    if physics:
        options["physics"] = {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -3500,
                "centralGravity": 0.9,
                "springLength": round(90 + 110 * max(0.0, 1 - count / 60)),
                "springConstant": 0.04,
                "damping": 0.35,
                "avoidOverlap": 0.2,
            },
            "minVelocity": 1.5,
            # the page fits the drawing itself once it has settled, labels included
            "stabilization": {"enabled": True, "iterations": 250, "updateInterval": 50, "fit": False},
        }
    return options


def to_pyvis(
    graph: nx.MultiDiGraph,
    style: Style,
    size_by: dict[str, float] | None = None,
    focus: str | None = None,
):
    """A pyvis Network holding the nodes, edges and options of the view (built as lists, not with
    add_node/add_edge, which scan a list on every call). Each node carries its rank by centrality and
    its label tier; the ``focus`` of an ego view is larger, has a dark border and is held at the centre
    while physics settles."""
    from pyvis.network import Network

    physics = graph.number_of_nodes() <= style.physics_max_nodes
    many_edges = graph.number_of_edges() > style.edge_label_max_edges
    focus = focus if focus in graph else None
    positions = layout(graph, focus=focus)
    sizes = size_by or {n: float(d) for n, d in graph.degree()}
    top = max(sizes.values(), default=0.0) or 1.0
    rank = {name: i for i, name in enumerate(ranking(graph))}
    major, medium = _tiers(graph.number_of_nodes())
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    nodes = []
    for name, attrs in graph.nodes(data=True):
        family = style.families.get(attrs["family"], {})
        colour = family.get("colour", "#888")
        x, y = positions[name]
        size = 9.0 + 21.0 * (max(sizes.get(name, 0.0), 0.0) / top) ** 0.5
        node = {
            "id": name,
            "family": attrs["family"],  # not vis-network's "group", whose colours would win on updates
            "color": colour,
            "shape": family.get("shape", "dot"),
            "size": round(size, 1),
            "x": round(x, 1),
            "y": round(y, 1),
            "rank": rank[name],
            "tier": 1 if rank[name] < major else 2 if rank[name] < medium else 3,
            "info": {
                "en": attrs["label"],
                "zh": attrs.get("label_zh", ""),
                "alt": attrs.get("facts", {}).get("alternative label", []),
                "cls": attrs["class_label"],
                "sources": _sources(attrs),
                "facts": {k: v for k, v in attrs.get("facts", {}).items() if k != "alternative label"},
            },
        }
        if name == focus:
            node.update(
                size=round(max(size + 8.0, 30.0), 1),  # as large as the largest node, or larger
                tier=0,
                borderWidth=4,
                borderWidthSelected=5,
                color={
                    "background": colour,
                    "border": "#1b1b1b",
                    "highlight": {"background": colour, "border": "#000000"},
                    "hover": {"background": colour, "border": "#000000"},
                },
            )
            if physics:
                node.update(x=0.0, y=0.0, fixed=True, mass=3)
        nodes.append(node)
    # An ego view settles as rings around its focus: only links that lead one step further from the focus
    # pull their ends together; links between two nodes equally far from it pull nothing, so the focus's
    # neighbours spread all around it instead of bunching on one side, and are drawn as arcs, so that a
    # link between two opposite neighbours does not run through the focus.
    far = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), focus) if focus else {}
    edges = []
    for i, (u, v, attrs) in enumerate(graph.edges(data=True)):
        edge = {
            "id": i,
            "from": u,
            "to": v,
            "label": attrs["label"],
            "info": {
                "en": attrs["label"],
                "zh": attrs.get("label_zh", ""),
                "evidence": [_evidence(e) for e in attrs.get("evidence", [])],
            },
        }
        if far and far.get(u) == far.get(v):
            edge["physics"] = False
            if not many_edges:
                edge["smooth"] = {"type": "curvedCW", "roundness": 0.3}
        edges.append(edge)
    net.nodes = nodes
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.options = _options(physics, many_edges, graph.number_of_nodes())
    return net, physics


def _sources(attrs: dict) -> list[dict[str, str]]:
    """The articles that mention a node: each one's citation, and its file name as an identifier."""
    files = attrs.get("sources", [])
    cited = attrs.get("citations") or files
    return [{"file": file, "cite": cite or file} for file, cite in zip(files, cited, strict=False)]


def _evidence(evidence) -> dict:
    """One graph's evidence for an edge as plain JSON (what is absent is left out): the page shows it as
    text, never as markup."""
    found = {
        "source": evidence.source,
        "citation": evidence.citation,
        "quote": evidence.quote,
        "section": evidence.section,
        "note": evidence.note,
    }
    found = {k: v for k, v in found.items() if v}
    if evidence.inferred:
        found["inferred"] = True
    return found


def ordered(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same network with nodes and edges in sorted order: the projection fills it from sets and store
    scans, whose order changes from run to run, and the layout and the page follow insertion order. Sorted,
    the same graph gives the same page, byte for byte."""
    out = nx.MultiDiGraph(**graph.graph)
    out.add_nodes_from(sorted(graph.nodes(data=True), key=lambda item: str(item[0])))
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    out.add_edges_from(edges)
    return out


def render(
    graph: nx.MultiDiGraph,
    title: str,
    style: Style,
    size_by: dict[str, float] | None = None,
    focus: str | None = None,
    links: dict[str, dict[str, str]] | None = None,
) -> str:
    """The HTML page for a network; ``focus`` (a node's CURIE) marks the centre of an ego view. Sources are
    named by their short citation (title, outlet, date), the file name kept as a secondary identifier.
    ``links`` gives nodes (by CURIE) relative addresses of pages beside the view: ``page`` (the entity's
    documentation page) and ``chart`` (a chart of it), which the details panel links to."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    net, physics = to_pyvis(ordered(graph), style, size_by, focus)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    for node in nodes:
        for kind, address in sorted((links or {}).get(node["id"], {}).items()):
            if not address.startswith("../") or any(c in address for c in "\"'<>\\ "):
                raise ValueError(f"not a relative address beside the view: {address!r}")
            node["info"][kind] = address
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["family"]] = counts.get(node["family"], 0) + 1
    families = [
        {"name": name, "colour": f["colour"], "shape": f["shape"], "legend": f["legend"], "count": counts[name]}
        for name, f in style.families.items()
        if name in counts
    ]
    data = {
        "title": title,
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "physics": physics,
        "families": families,
        "focus": focus if focus in graph else None,
    }
    vis_dir = Path(__import__("pyvis").__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))
    template = env.get_template("view.html")
    return template.render(
        title=title,
        data=data,
        vis_js=_markup((vis_dir / "vis-network.min.js").read_text(encoding="utf-8")),
        vis_css=_markup((vis_dir / "vis-network.css").read_text(encoding="utf-8")),
    )


def _markup(text: str):
    """Trusted library code, inlined as is (it contains no ``</script>``)."""
    from markupsafe import Markup

    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError("inlined library code must not close its element")
    return Markup(text)


def write_html(html: str, out: Path) -> Path:
    """Write through a temporary file and a rename: never a half-written page."""
    return write_text(out, html)
