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

from synthetic import TRIPLES_PER_CITY, generate  # noqa: E402

from innograph.catalog import catalogue  # noqa: E402
from innograph.engines import OxigraphEngine  # noqa: E402
from innograph.loader import load  # noqa: E402
from innograph.query import run_query  # noqa: E402

BUDGET = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--append", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="innograph-queries-") as tmp:
        root = generate(Path(tmp) / "syn", max(1, args.triples // TRIPLES_PER_CITY))
        started = time.perf_counter()
        kg = load(root, root / "sources")
        loaded = time.perf_counter() - started
        engine = OxigraphEngine(kg)
        rows = []
        for name, query in catalogue(REPO / "queries").items():
            given = {"text": "institute"} if any(p.default is None for p in query.params) else {}
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                result = run_query(query, engine, given)
                times.append(time.perf_counter() - started)
            count = len(result.rows) if hasattr(result, "rows") else "Turtle"
            rows.append((name, statistics.median(times), count))
    over = [r for r in rows if r[1] > BUDGET]
    lines = [
        f"## Catalogue queries in memory at {len(kg):,} triples",
        "",
        f"`python bench/query_scale.py --triples {args.triples}`: the embedded store (the default), loaded from the",
        f"files in {loaded:.1f} s; median of {args.runs} runs per query. Budget: {BUDGET:.0f} s per query; "
        + (f"over it: {', '.join(r[0] for r in over)}." if over else "all within it."),
        "",
        "| query | median | rows |",
        "| --- | --- | --- |",
        *[f"| {name} | {seconds:.3f} s | {count} |" for name, seconds, count in rows],
        "",
    ]
    text = "\n".join(lines)
    if args.append:
        with args.append.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    print(text)


if __name__ == "__main__":
    main()
