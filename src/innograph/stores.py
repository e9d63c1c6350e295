"""Where the knowledge graph lives: the project's files (loaded into memory, the default), a persistent
Oxigraph store on disk (``--store PATH``: loaded once with ``innograph load``, reopened in moments), or
a SPARQL 1.1 endpoint (``--endpoint URL``: read over the SPARQL protocol).

Whatever the store, commands get the same :class:`~innograph.loader.KnowledgeGraph`: a pyoxigraph store
with one named graph per file. A store on disk remembers which files it was loaded from and their
checksums, and says so when a file has changed since.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from innograph.errors import InputError
from innograph.loader import KnowledgeGraph, load
from innograph.project import Project, find_project

SIDECAR_SUFFIX = ".innograph.json"


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_store(project: Project, path: Path) -> tuple[KnowledgeGraph, float]:
    """(Re)load every file of the project into the on-disk store at ``path``; returns it and the seconds."""
    started = time.perf_counter()
    parsed = load(project=project)  # parse every file in memory first: one malformed file stops all
    files = parsed.files
    path.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(path))
    store.clear()
    # One bulk load of every quad: ten times faster than a bulk load per file (81 s against 8 s for
    # 1M triples in 4,864 files here).
    store.bulk_extend(parsed.store.quads_for_pattern(None, None, None, None))
    store.flush()
    store.optimize()
    meta = {
        "root": str(project.root),
        "files": {f.graph: {"path": project.relative(f.path), "sha256": _digest(f.path)} for f in files},
    }
    _sidecar(path).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return KnowledgeGraph(project=project, store=store, files=files), time.perf_counter() - started


def open_store(project: Project, path: Path, warn=print) -> KnowledgeGraph:
    """Reopen a store that ``innograph load --store`` wrote; warn when the files have changed since."""
    if not path.is_dir():
        raise InputError(f"no Oxigraph store here; create it with: innograph load --store {path}", path=str(path))
    try:
        store = ox.Store.read_only(str(path))
    except OSError as error:
        raise InputError(f"cannot open the store: {error}", path=str(path)) from None
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    files = [project.graph_file(g) for g in graphs]
    sidecar = _sidecar(path)
    if sidecar.exists():
        recorded = json.loads(sidecar.read_text(encoding="utf-8")).get("files", {})
        current = {f.graph: f for f in project.files()}
        stale = sorted(
            project.relative(f.path)
            for g, f in current.items()
            if g not in recorded or not f.path.exists() or recorded[g]["sha256"] != _digest(f.path)
        ) + sorted(info["path"] for g, info in recorded.items() if g not in current)
        if stale:
            warn(
                f"innograph: warning: the store {path} is older than {', '.join(stale[:5])}"
                f"{' …' if len(stale) > 5 else ''}; run: innograph load --store {path}",
                file=sys.stderr,
            )
    return KnowledgeGraph(project=project, store=store, files=files)


def fetch_endpoint(project: Project, url: str, timeout: float) -> KnowledgeGraph:
    """Copy every named graph an endpoint holds into memory, through one SELECT over the SPARQL protocol."""
    from innograph.engines import EndpointEngine

    table = EndpointEngine(url, timeout).run("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    store = ox.Store()

    def term(t):
        if t.type == "uri":
            return ox.NamedNode(t.value)
        if t.type == "bnode":
            return ox.BlankNode(t.value)
        if t.lang:
            return ox.Literal(t.value, language=t.lang)
        return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype) if t.datatype else None)

    store.extend(ox.Quad(term(r["s"]), term(r["p"]), term(r["o"]), term(r["g"])) for r in table.rows)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    if not graphs:
        raise InputError("the endpoint holds no named graphs: load it with innograph push", path=url)
    return KnowledgeGraph(project=project, store=store, files=[project.graph_file(g) for g in graphs])


def open_graph(
    root=None, sources=None, store: str | None = None, endpoint: str | None = None, timeout: float = 30.0
) -> KnowledgeGraph:
    """The knowledge graph from the files (default), an on-disk store, or an endpoint."""
    project = find_project(root, sources)
    if store and endpoint:
        raise InputError("give --store or --endpoint, not both")
    if store:
        return open_store(project, Path(store))
    if endpoint:
        return fetch_endpoint(project, endpoint, timeout)
    return load(project=project)
