"""One benchmark stage, run in a fresh process by bench/run.py; prints one JSON line per measurement.

python bench/stages.py innograph-load ROOT
python bench/stages.py innograph-queries ROOT STORE
python bench/stages.py innograph-network ROOT
python bench/stages.py baseline-load ROOT
python bench/stages.py baseline-validate ROOT
python bench/stages.py baseline-queries ROOT [FIRST_QUERY_INDEX]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def catalogue_queries():
    from innograph.catalog import catalogue

    return list(catalogue(REPO / "queries").items())


def params_for(query) -> dict[str, str]:
    return {"text": "institute"} if any(p.default is None for p in query.params) else {}


def innograph_load(root: Path) -> None:
    from innograph.loader import load

    started = time.perf_counter()
    kg = load(root, root / "sources")
    emit(stage="load (in memory)", seconds=time.perf_counter() - started, triples=len(kg))


def innograph_queries(root: Path, store: Path) -> None:
    from innograph.engines import OxigraphEngine
    from innograph.project import find_project
    from innograph.query import run_query
    from innograph.stores import open_store

    started = time.perf_counter()
    kg = open_store(find_project(root, root / "sources"), store)
    emit(stage="open store on disk", seconds=time.perf_counter() - started)
    engine = OxigraphEngine(kg)
    for name, query in catalogue_queries():
        started = time.perf_counter()
        result = run_query(query, engine, params_for(query))
        rows = len(result.rows) if hasattr(result, "rows") else len(result)
        emit(stage="query", query=name, seconds=time.perf_counter() - started, rows=rows)


def innograph_network(root: Path) -> None:
    from innograph.analyze import analyze
    from innograph.loader import load
    from innograph.network import project
    from innograph.view import load_style, render

    kg = load(root, root / "sources")
    started = time.perf_counter()
    graph = project(kg)
    emit(stage="projection", seconds=time.perf_counter() - started, nodes=graph.number_of_nodes())
    started = time.perf_counter()
    analyze(graph)
    emit(stage="analytics", seconds=time.perf_counter() - started)
    started = time.perf_counter()
    html = render(graph, "bench", load_style(REPO / "viz"))
    emit(stage="view HTML", seconds=time.perf_counter() - started, megabytes=len(html) / 1e6)


def _rdflib_dataset(root: Path):
    from rdflib import Dataset, URIRef

    from innograph.project import find_project

    dataset = Dataset(default_union=True)
    for graph_file in find_project(root, root / "sources").files():
        dataset.graph(URIRef(graph_file.graph)).parse(str(graph_file.path), format="turtle")
    return dataset


def baseline_load(root: Path) -> None:
    started = time.perf_counter()
    dataset = _rdflib_dataset(root)
    emit(stage="load (in memory)", seconds=time.perf_counter() - started, triples=len(dataset))


def baseline_validate(root: Path) -> None:
    import pyshacl
    from rdflib import Graph

    from innograph.project import find_project

    started = time.perf_counter()
    data, shapes = Graph(), Graph()
    for graph_file in find_project(root, root / "sources").files():
        (shapes if graph_file.kind == "shapes" else data).parse(str(graph_file.path), format="turtle")
    parsed = time.perf_counter()
    conforms, _graph, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    emit(stage="validate (pySHACL)", seconds=time.perf_counter() - started, parse=parsed - started, conforms=conforms)


def baseline_queries(root: Path, first: int) -> None:
    from innograph.engines import RdflibEngine
    from innograph.loader import load
    from innograph.query import run_query

    kg = load(root, root / "sources")
    engine = RdflibEngine(kg)  # rdflib's SPARQL engine over an rdflib Dataset of the same graphs
    emit(stage="ready")
    for index, (name, query) in enumerate(catalogue_queries()):
        if index < first:
            continue
        emit(stage="start", query=name, index=index)
        started = time.perf_counter()
        result = run_query(query, engine, params_for(query))
        rows = len(result.rows) if hasattr(result, "rows") else len(result)
        emit(stage="query", query=name, seconds=time.perf_counter() - started, rows=rows)


def main() -> None:
    stage, root = sys.argv[1], Path(sys.argv[2])
    if stage == "innograph-load":
        innograph_load(root)
    elif stage == "innograph-queries":
        innograph_queries(root, Path(sys.argv[3]))
    elif stage == "innograph-network":
        innograph_network(root)
    elif stage == "baseline-load":
        baseline_load(root)
    elif stage == "baseline-validate":
        baseline_validate(root)
    elif stage == "baseline-queries":
        baseline_queries(root, int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    else:
        sys.exit(f"unknown stage {stage}")


if __name__ == "__main__":
    main()
