"""Render a projected network as one self-contained HTML file that opens offline.

pyvis holds the network and its vis-network options; the page comes from our own template
(``templates/view.html``), which inlines vis-network's JavaScript and CSS from the pyvis package
instead of linking Bootstrap and vis from a CDN as pyvis's templates do. Graph data travels as JSON in a
``<script type="application/json">`` element and is turned into DOM text nodes only, so a label such as
``<img src=x onerror=alert(1)>`` is shown as text and runs nothing; so are the quotes, citations and
curator notes each edge carries as evidence, which the details panel lists beside the selected node's
links. Small networks run physics from a precomputed layout and settle in moments; large ones get their
layout from igraph and no physics.
"""

from __future__ import annotations

import json
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


def layout(graph: nx.MultiDiGraph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions for every node: igraph's Fruchterman-Reingold (on a grid above 1,000 nodes: 0.3 s for
    5,000 nodes here, where networkx's spring layout took 30 s), scaled to vis-network's pixel space.
    Nodes without links are lined up under the drawing instead of scattered at its edges."""
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
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        for name, (x, y) in zip(linked, coords, strict=True):
            positions[name] = ((x - cx) * scale, (y - cy) * scale)
    bottom = max((y for _, y in positions.values()), default=0.0) + 120.0
    per_row = max(1, int(width // 90) + 1)
    for i, name in enumerate(sorted(alone)):
        row, col = divmod(i, per_row)
        positions[name] = (-width / 2 + col * 90.0, bottom + row * 70.0)
    return positions


def _options(physics: bool, many_edges: bool) -> dict:
    options = {
        "autoResize": True,
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"min": 10, "max": 48, "label": {"enabled": True, "min": 12, "max": 36, "drawThreshold": 7}},
            "borderWidth": 1,
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9aa4b1", "highlight": "#444", "hover": "#444"},
            "font": {"size": 0 if many_edges else 10, "align": "middle", "color": "#555", "strokeWidth": 3},
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
                "springLength": 90,
                "springConstant": 0.04,
                "damping": 0.35,
                "avoidOverlap": 0.2,
            },
            "minVelocity": 1.5,
            "stabilization": {"enabled": True, "iterations": 250, "updateInterval": 50, "fit": True},
        }
    return options


def to_pyvis(graph: nx.MultiDiGraph, style: Style, size_by: dict[str, float] | None = None):
    """A pyvis Network holding the nodes, edges and options of the view (built as lists, not with
    add_node/add_edge, which scan a list on every call)."""
    from pyvis.network import Network

    physics = graph.number_of_nodes() <= style.physics_max_nodes
    many_edges = graph.number_of_edges() > style.edge_label_max_edges
    positions = layout(graph)
    sizes = size_by or {n: float(d) for n, d in graph.degree()}
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    nodes = []
    for name, attrs in graph.nodes(data=True):
        family = style.families.get(attrs["family"], {})
        x, y = positions[name]
        nodes.append(
            {
                "id": name,
                "label": attrs["label"],
                "group": attrs["family"],
                "color": family.get("colour", "#888"),
                "shape": family.get("shape", "dot"),
                "value": 1.0 + sizes.get(name, 0.0),
                "x": round(x, 1),
                "y": round(y, 1),
                "info": {
                    "en": attrs["label"],
                    "zh": attrs.get("label_zh", ""),
                    "alt": attrs.get("facts", {}).get("alternative label", []),
                    "cls": attrs["class_label"],
                    "family": attrs["family"],
                    "sources": attrs.get("sources", []),
                    "facts": {k: v for k, v in attrs.get("facts", {}).items() if k != "alternative label"},
                },
            }
        )
    edges = []
    for i, (u, v, attrs) in enumerate(graph.edges(data=True)):
        edges.append(
            {
                "id": i,
                "from": u,
                "to": v,
                "label": attrs["label"],
                "info": {
                    "en": attrs["label"],
                    "zh": attrs.get("label_zh", ""),
                    "sources": attrs.get("sources", []),
                    "evidence": [_evidence(e) for e in attrs.get("evidence", [])],
                },
            }
        )
    net.nodes = nodes
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.options = _options(physics, many_edges)
    return net, physics


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


def render(graph: nx.MultiDiGraph, title: str, style: Style, size_by: dict[str, float] | None = None) -> str:
    """The HTML page for a network."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    net, physics = to_pyvis(ordered(graph), style, size_by)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["group"]] = counts.get(node["group"], 0) + 1
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
