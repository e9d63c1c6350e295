"""How long a network view takes to build in Python and to load in headless Chromium, for the curated
graph and for synthetic graphs of a given number of nodes. Prints the figures; asserts nothing.

    python bench/view_load.py --nodes 1000 5000
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

from synthetic import generate  # noqa: E402

from innograph.browser import Browser  # noqa: E402
from innograph.loader import load  # noqa: E402
from innograph.network import project  # noqa: E402
from innograph.view import load_style, render, write_html  # noqa: E402

NODES_PER_CITY = 28


def measure(browser: Browser, kg, title: str, workdir: Path, runs: int) -> str:
    started = time.perf_counter()
    graph = project(kg)
    projected = time.perf_counter()
    page = write_html(render(graph, title, load_style(REPO / "viz")), workdir / f"{title}.html")
    rendered = time.perf_counter()
    loads, draws = [], []
    for _ in range(runs):
        visit = browser.open(page)
        loads.append(visit.seconds_to_ready)
        draws.append(visit.ms_to_first_draw)
        outside = [u for u in visit.requests if not u.startswith(("file:", "data:"))]
        errors = [m for m in visit.console if m["level"] == "SEVERE"]
        if outside or errors:
            return f"{title}: requests {outside} errors {errors}"
    physics = browser.js("return JSON.parse(document.getElementById('graph-data').textContent).physics")
    return (
        f"{title}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, "
        f"{page.stat().st_size / 1e6:.1f} MB; projection {projected - started:.2f} s, "
        f"layout+HTML {rendered - projected:.2f} s; load in Chromium median {statistics.median(loads):.2f} s "
        f"(first draw at {statistics.median(draws) / 1000:.2f} s after navigation), "
        f"physics {'on' if physics else 'off'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    browser = Browser()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            print(measure(browser, load(REPO), "curated", work, args.runs))
            for nodes in args.nodes:
                root = generate(work / f"syn-{nodes}", max(1, nodes // NODES_PER_CITY))
                kg = load(root, root / "sources")
                print(measure(browser, kg, f"synthetic-{nodes}", work, args.runs))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
