"""Measure `innograph query NAME` end to end for every catalogue query: wall time of the real command in a
fresh process, median and worst over several runs. Prints the figures; asserts nothing.

    python bench/query_time.py [--runs 7] [--engine oxigraph|rdflib]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from innograph.catalog import catalogue  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph")
    args = parser.parse_args()
    queries = catalogue(REPO / "queries")
    medians = {}
    for name, query in queries.items():
        extra = ["--param", "text=institute"] if any(p.default is None for p in query.params) else []
        walls = []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "innograph", "query", name, "--engine", args.engine, *extra],
                cwd=REPO,
                capture_output=True,
                check=False,
            )
            walls.append(time.perf_counter() - started)
            if result.returncode != 0:
                sys.exit(f"{name} exited {result.returncode}: {result.stderr.decode()}")
        medians[name] = statistics.median(walls)
        print(f"{name:36} median {medians[name]:.3f} s  max {max(walls):.3f} s")
    slowest = max(medians, key=medians.get)
    print(
        f"{len(queries)} queries, engine {args.engine}: median of medians {statistics.median(medians.values()):.3f} s, "
        f"slowest {slowest} {medians[slowest]:.3f} s"
    )


if __name__ == "__main__":
    main()
