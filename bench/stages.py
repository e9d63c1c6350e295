"""One benchmark stage, run in a fresh process by bench/run.py; prints one JSON line per measurement.

python bench/stages.py innograph-load ROOT
python bench/stages.py innograph-queries ROOT STORE [FIRST_QUERY_INDEX]
python bench/stages.py innograph-memory-queries ROOT [RUNS]
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

from innograph import allocator  # noqa: E402


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def catalogue_queries():
    from innograph.catalog import catalogue

    return list(catalogue(REPO / "queries").items())


# The catalogue's entity parameters default to curated entities that synthetic projects do not hold (an
# entity that is not in the graph is refused): every query gets synthetic ones instead, so each runs and
# finds something. Keyed by (query, parameter) or by parameter; any other entity parameter gets a city.
SYNTHETIC_ENTITIES = {
    ("is-located-in", "thing"): "id:syn-city-0-university-0",
    ("is-located-in", "place"): "id:syn-city-0",
    ("figures-about", "entity"): "id:syn-city-0",
    "from": "id:syn-city-0",
    "to": "id:syn-city-1",
    "document": "id:syn-city-0-plan",
    "programme": "id:syn-city-0-plan",
    "actor": "id:syn-city-0-government",
    "entity": "id:syn-city-0-bureau",
}
SYNTHETIC_CITY = "id:syn-city-0"


def params_for(name: str, query) -> dict[str, str]:
    given = {"text": "institute"} if any(p.default is None for p in query.params) else {}
    for param in query.params:
        if param.kind == "entity":
            given[param.name] = SYNTHETIC_ENTITIES.get((name, param.name)) or SYNTHETIC_ENTITIES.get(
                param.name, SYNTHETIC_CITY
            )
    return given


def timed_query(name: str, query, engine) -> tuple[float, int | str]:
    """Seconds and rows of one run of a catalogue query as ``innograph query NAME`` answers it (the first
    page and the total, for a query shown in pages); Turtle for a CONSTRUCT."""
    from innograph.query import default_page, run_query

    started = time.perf_counter()
    result = run_query(query, engine, params_for(name, query), page=default_page(query))
    return time.perf_counter() - started, rows_shown(result)


def rows_shown(result) -> int | str:
    """What a bench table says of an answer's size: its rows; the whole answer's and the first page's, for
    a query shown in pages; whether an ASK said yes; "Turtle" for a graph."""
    if getattr(result, "boolean", None) is not None:  # ASK
        return f"ASK: {'yes' if result.boolean else 'no'}"
    if getattr(result, "page", None) is not None:
        return f"{result.total} (page 1: {len(result.rows)})"
    return len(result.rows) if hasattr(result, "rows") else "Turtle"


def each_query(engine, first: int = 0, runs: int = 1) -> None:
    """Run the catalogue on an engine, a line per query (its median over ``runs``); a query that fails is
    reported as such and the next one runs."""
    import statistics

    for index, (name, query) in enumerate(catalogue_queries()):
        if index < first:
            continue
        emit(stage="start", query=name, index=index)
        try:
            timings = [timed_query(name, query, engine) for _ in range(runs)]
        except Exception as error:  # a figure per query, whatever one of them does
            emit(stage="query-error", query=name, error=f"{type(error).__name__}: {error}"[:300])
            continue
        seconds = statistics.median(t for t, _ in timings)
        emit(stage="query", query=name, seconds=seconds, rows=timings[-1][1])


def innograph_load(root: Path) -> None:
    from innograph.loader import load

    started = time.perf_counter()
    kg = load(root, root / "sources")
    emit(stage="load (in memory)", seconds=time.perf_counter() - started, triples=len(kg))


def innograph_queries(root: Path, store: Path, first: int) -> None:
    from innograph.engines import OxigraphEngine
    from innograph.project import find_project
    from innograph.stores import open_store

    started = time.perf_counter()
    kg = open_store(find_project(root, root / "sources"), store)
    emit(stage="open store on disk", seconds=time.perf_counter() - started)
    each_query(OxigraphEngine(kg), first)


def innograph_memory_queries(root: Path, runs: int) -> None:
    """The catalogue on the embedded store in memory (the default), loaded once from the files."""
    from innograph.engines import OxigraphEngine
    from innograph.loader import load

    started = time.perf_counter()
    kg = load(root, root / "sources")
    emit(stage="load (in memory)", seconds=time.perf_counter() - started, triples=len(kg))
    each_query(OxigraphEngine(kg), runs=runs)


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
    analysis = analyze(graph)
    sample = getattr(analysis, "betweenness_sample", None)  # None: exact
    emit(stage="analytics", seconds=time.perf_counter() - started, betweenness=sample["note"] if sample else "exact")
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
    from rdflib import RDF, SH, Graph

    from innograph.project import find_project

    started = time.perf_counter()
    data, shapes = Graph(), Graph()
    for graph_file in find_project(root, root / "sources").files():
        (shapes if graph_file.kind == "shapes" else data).parse(str(graph_file.path), format="turtle")
    parsed = time.perf_counter()
    conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    seconds = time.perf_counter() - started
    results = len(set(report.subjects(RDF.type, SH.ValidationResult)))
    emit(stage="validate (pySHACL)", seconds=seconds, parse=parsed - started, conforms=conforms, results=results)


def baseline_queries(root: Path, first: int) -> None:
    from innograph.engines import RdflibEngine
    from innograph.loader import load

    kg = load(root, root / "sources")
    emit(stage="ready")
    each_query(RdflibEngine(kg), first)  # rdflib's SPARQL engine over an rdflib Dataset of the same graphs


def main() -> None:
    stage, root = sys.argv[1], Path(sys.argv[2])
    if stage.startswith("innograph-"):  # under the malloc innograph's own commands use at this size
        turtle = [p for folder in ("kg", "ontology") for p in (root / folder).rglob("*.ttl")]
        allocator.maybe_restart(lambda: sum(p.stat().st_size for p in turtle))
    if stage == "innograph-load":
        innograph_load(root)
    elif stage == "innograph-queries":
        innograph_queries(root, Path(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    elif stage == "innograph-network":
        innograph_network(root)
    elif stage == "innograph-memory-queries":
        innograph_memory_queries(root, int(sys.argv[3]) if len(sys.argv) > 3 else 1)
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
