"""Every catalogue query on the embedded (in-memory) Oxigraph store at a given scale: median of several
runs per query, after one load. Appends a section to bench/results.md (or prints it).

    python bench/query_scale.py --triples 1000000 [--runs 3] [--append bench/results.md]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from stages import rows_shown  # noqa: E402
from synthetic import TRIPLES_PER_CITY, generate  # noqa: E402

from innograph import allocator  # noqa: E402
from innograph.catalog import catalogue  # noqa: E402
from innograph.engines import OxigraphEngine  # noqa: E402
from innograph.loader import load  # noqa: E402
from innograph.query import default_page, run_query  # noqa: E402

BUDGET = 1.0  # seconds per query in memory at 1M (issue 14)

# The catalogue's entity parameters default to curated entities (id:ningbo, id:ministry-of-finance, ...) that a
# synthetic project does not hold, and an entity that is not in the graph is refused: each query is given
# synthetic ones of the same kind instead (see bench/synthetic.py), so that it runs and finds something.
# An entity parameter not named here gets a city.
SYNTHETIC_CITY = "id:syn-city-0"
SYNTHETIC_PARAMS: dict[str, dict[str, str]] = {
    "articles-mentioning": {"entity": "id:syn-city-0-bureau"},  # an organisation, stated in two articles
    "connection-between": {"from": "id:syn-city-0-director", "to": SYNTHETIC_CITY},  # a person and a city
    "document-issuers": {"document": "id:syn-city-0-plan"},
    "entity-profile": {"entity": "id:syn-city-0-bureau"},
    "figures-about": {"entity": SYNTHETIC_CITY},
    "institutes-and-parents": {"place": SYNTHETIC_CITY},
    "is-located-in": {"thing": "id:syn-city-0-university-0", "place": "id:syn-province-0"},  # through the city
    "located-in-place": {"place": "id:syn-province-0"},  # a province, as the default is
    "neighbourhood": {"entity": "id:syn-city-0-bureau"},
    "platforms-in-place": {"place": SYNTHETIC_CITY},
    "programme-measures": {"programme": "id:syn-city-0-plan"},
    "programme-targets": {"programme": "id:syn-city-0-plan"},
    "programmes-by-actor": {"actor": "id:syn-city-0-government"},  # issues the city's plan
    "statement-provenance": {"entity": SYNTHETIC_CITY},
}


def synthetic_params(name: str, query) -> dict[str, str]:
    """The parameters a catalogue query runs with on a synthetic project: a search text where one is
    required, synthetic entities for its entity parameters, the defaults for the rest (a concept such as
    ind:rd-intensity, a year, a language: those the generator uses too)."""
    given = {"text": "institute"} if any(p.default is None for p in query.params) else {}
    chosen = SYNTHETIC_PARAMS.get(name, {})
    for param in query.params:
        if param.name in chosen:
            given[param.name] = chosen[param.name]
        elif param.kind == "entity":
            given[param.name] = SYNTHETIC_CITY
    return given


def measure(query, engine, given: dict[str, str], runs: int) -> tuple[float, float, int | str]:
    """Median wall-clock and CPU seconds over ``runs`` runs, and the rows of the answer, as ``innograph query
    NAME`` answers it: the first page and the total, for a query shown in pages."""
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = run_query(query, engine, given, page=default_page(query))
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), rows_shown(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--append", type=Path)
    args = parser.parse_args()
    # under the malloc innograph's commands use for a graph this large (the synthetic Turtle takes about 62
    # bytes a triple)
    allocator.maybe_restart(lambda: args.triples * 62)
    with tempfile.TemporaryDirectory(prefix="innograph-queries-") as tmp:
        root = generate(Path(tmp) / "syn", max(1, args.triples // TRIPLES_PER_CITY))
        started = time.perf_counter()
        kg = load(root, root / "sources")
        loaded = time.perf_counter() - started
        engine = OxigraphEngine(kg)
        rows = []
        failed = []
        for name, query in catalogue(REPO / "queries").items():
            try:
                rows.append((name, *measure(query, engine, synthetic_params(name, query), args.runs)))
            except Exception as error:  # a figure for every other query, whatever one of them does
                failed.append(f"{name} ({type(error).__name__}: {error})"[:300])
                print(f"{name}: {type(error).__name__}: {error}", file=sys.stderr)
    over = [r for r in rows if r[1] > BUDGET]
    lines = [
        f"## Catalogue queries in memory at {len(kg):,} triples",
        "",
        f"`python bench/query_scale.py --triples {args.triples} --runs {args.runs}`: the embedded store (the default),",
        f"loaded from the files in {loaded:.1f} s; median of {args.runs} runs per query, wall clock and the process's",
        f"CPU time. Budget: {BUDGET:.0f} s per query (wall clock); "
        + (f"over it: {', '.join(r[0] for r in over)}." if over else "all within it."),
        "",
        "| query | median | CPU | rows |",
        "| --- | --- | --- | --- |",
        *[f"| {name} | {seconds:.3f} s | {cpu:.3f} s | {count} |" for name, seconds, cpu, count in rows],
        "",
        *([f"Failed: {'; '.join(failed)}.", ""] if failed else []),
    ]
    text = "\n".join(lines)
    if args.append:
        with args.append.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    print(text)


if __name__ == "__main__":
    main()
