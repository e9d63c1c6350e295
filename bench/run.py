"""Benchmark innograph against a plain baseline (rdflib in memory + pySHACL) on synthetic graphs shaped
like ours at about 10k, 100k and 1M triples, and write bench/results.md. Every stage runs in a fresh
process under a time limit; memory is the peak proportional set size of the stage's whole process tree
(shared pages counted once). Figures only: nothing here asserts on time.

    python bench/run.py                      # all three scales (about half an hour on 2 cores)
    python bench/run.py --scales 10000       # one scale
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from synthetic import TRIPLES_PER_CITY, generate  # noqa: E402

STAGE_LIMIT = 600.0  # seconds any one stage may take
QUERY_LIMIT = 30.0  # seconds one baseline query may take before it is stopped
INNOGRAPH = [sys.executable, "-m", "innograph"]
STAGES = [sys.executable, str(REPO / "bench" / "stages.py")]


@dataclass
class Run:
    seconds: float
    peak_mb: float
    lines: list[dict] = field(default_factory=list)
    timed_out: bool = False
    returncode: int = 0


def _tree_pss_kb(pid: int) -> int:
    """Proportional set size of a process and all its descendants, in kB."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo.extend(int(c) for c in handle.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run(command: list[str], limit: float = STAGE_LIMIT, on_line=None) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    peak = 0
    lines: list[dict] = []

    def read() -> None:
        for raw in process.stdout:
            raw = raw.strip()
            if raw.startswith("{"):
                record = json.loads(raw)
                record["at"] = time.perf_counter() - started
                lines.append(record)
                if on_line:
                    on_line(record)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timed_out = False
    while process.poll() is None:
        peak = max(peak, _tree_pss_kb(process.pid))
        if time.perf_counter() - started > limit:
            process.kill()
            timed_out = True
            break
        time.sleep(0.1)
    process.wait()
    reader.join(timeout=5)
    return Run(time.perf_counter() - started, peak / 1024, lines, timed_out, process.returncode)


def baseline_queries(root: Path, count: int) -> tuple[dict[str, float | None], float]:
    """Each catalogue query on rdflib's engine; a query over QUERY_LIMIT is stopped and counted as that."""
    times: dict[str, float | None] = {}
    peak = 0.0
    first = 0
    while first < count:
        state = {"current": None, "since": None}

        def seen(record, state=state):
            if record["stage"] == "start":
                state["current"], state["since"] = record["query"], time.perf_counter()
            elif record["stage"] == "query":
                times[record["query"]] = record["seconds"]
                state["current"] = None

        process_started = time.perf_counter()
        command = [*STAGES, "baseline-queries", str(root), str(first)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)

        def read(process=process, seen=seen):
            for raw in process.stdout:
                if raw.startswith("{"):
                    seen(json.loads(raw))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        stuck = None
        while process.poll() is None:
            peak = max(peak, _tree_pss_kb(process.pid) / 1024)
            if state["current"] and time.perf_counter() - state["since"] > QUERY_LIMIT:
                stuck = state["current"]
                process.kill()
                break
            if time.perf_counter() - process_started > STAGE_LIMIT * 2:
                process.kill()
                break
            time.sleep(0.1)
        process.wait()
        reader.join(timeout=5)
        if stuck is None:
            break
        times[stuck] = None  # stopped at the limit
        first = len(times)
    return times, peak


def versions() -> dict[str, str]:
    from importlib.metadata import version

    names = ("rdflib", "pyshacl", "pyoxigraph", "networkx", "igraph", "pyvis")
    return {"python": platform.python_version(), **{n: version(n) for n in names}}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB memory, {platform.system()} {platform.release()}"


def measure(scale: int, work: Path) -> dict:
    root = generate(work / f"syn-{scale}", max(1, scale // TRIPLES_PER_CITY))
    store = work / f"store-{scale}"
    out: dict = {"scale": scale}
    r = run([*STAGES, "innograph-load", str(root)])
    out["triples"] = r.lines[0]["triples"]
    out["load"] = (r.lines[0]["seconds"], r.peak_mb)
    r = run([*INNOGRAPH, "load", "--root", str(root), "--store", str(store)])
    out["store_load"] = (r.seconds, r.peak_mb)
    r = run([*INNOGRAPH, "validate", "--root", str(root), "--sources", str(root / "sources")])
    out["validate"] = (r.seconds, r.peak_mb, r.returncode)
    r = run([*STAGES, "innograph-queries", str(root), str(store)])
    out["open_store"] = next(x["seconds"] for x in r.lines if x["stage"] == "open store on disk")
    out["queries"] = {x["query"]: x["seconds"] for x in r.lines if x["stage"] == "query"}
    out["queries_peak"] = r.peak_mb
    cli_runs = [run([*INNOGRAPH, "query", "document-issuers", "--store", str(store)]).seconds for _ in range(3)]
    out["cli_query"] = statistics.median(cli_runs)
    r = run([*STAGES, "innograph-network", str(root)])
    out["network"] = {x["stage"]: x["seconds"] for x in r.lines}
    out["nodes"] = next((x["nodes"] for x in r.lines if x["stage"] == "projection"), 0)
    out["network_peak"] = r.peak_mb
    r = run([*STAGES, "baseline-load", str(root)])
    out["baseline_load"] = (r.lines[0]["seconds"] if r.lines else None, r.peak_mb, r.timed_out)
    r = run([*STAGES, "baseline-validate", str(root)])
    out["baseline_validate"] = (r.lines[0]["seconds"] if r.lines else None, r.peak_mb, r.timed_out)
    times, peak = baseline_queries(root, len(out["queries"]))
    out["baseline_queries"] = times
    out["baseline_queries_peak"] = peak
    return out


def fmt(seconds: float | None, timed_out: bool = False) -> str:
    if timed_out or seconds is None:
        return f"> {STAGE_LIMIT:.0f} s (stopped)"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def report(results: list[dict]) -> str:
    lines = [
        "# innograph benchmark",
        "",
        "Written by `python bench/run.py`; figures only, nothing asserts on them. Synthetic graphs from",
        "`bench/synthetic.py` (provinces, cities, governments and bureaus, universities, institutes, enterprises,",
        "laboratories, incubators, plans with measures, targets and figures, agreements; valid under the shapes).",
        "innograph: Oxigraph for loading and SPARQL, pySHACL on a plain rdflib copy (shapes split over two",
        "processes above 50k triples) plus SPARQL checks. Baseline: rdflib's parser and in-memory Dataset,",
        "pySHACL in one process, rdflib's SPARQL engine. Every stage is a fresh process; memory is the peak",
        "proportional set size of its process tree. The catalogue queries in the per-scale tables run on the",
        "persistent store on disk (`--store`); the last section has them on the embedded store in memory, the",
        "default. A baseline query stopped at the limit counts as the limit, so baseline totals are lower bounds.",
        "",
        f"Machine: {machine()}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".",
        "",
    ]
    for r in results:
        q = r["queries"]
        worst = max(q, key=q.get)
        base_q = r["baseline_queries"]
        base_total = sum(v if v is not None else QUERY_LIMIT for v in base_q.values())
        stopped = [k for k, v in base_q.items() if v is None]
        missing = [k for k in q if k not in base_q]
        ours_lq = r["load"][0] + sum(q.values())
        stopped_note = f"stopped at {QUERY_LIMIT:.0f} s"
        slowest_base = stopped_note if worst in base_q and base_q[worst] is None else fmt(base_q.get(worst))
        base_lq = (r["baseline_load"][0] or STAGE_LIMIT) + base_total
        lines += [
            f"## {r['triples']:,} triples ({r['scale']:,} requested), {r['nodes']:,} network nodes",
            "",
            "| stage | innograph | baseline | ratio | innograph peak memory |",
            "| --- | --- | --- | --- | --- |",
            f"| load, in memory | {fmt(r['load'][0])} | {fmt(*r['baseline_load'][::2])} | "
            f"{(r['baseline_load'][0] or STAGE_LIMIT) / r['load'][0]:.0f}x | {r['load'][1]:.0f} MB |",
            f"| load into a store on disk (`innograph load`) | {fmt(r['store_load'][0])} | | | "
            f"{r['store_load'][1]:.0f} MB |",
            f"| reopen the store on disk | {fmt(r['open_store'])} | | | |",
            f"| validate (whole command) | {fmt(r['validate'][0])} | {fmt(*r['baseline_validate'][::2])} | "
            f"{(r['baseline_validate'][0] or STAGE_LIMIT) / r['validate'][0]:.1f}x | {r['validate'][1]:.0f} MB "
            f"(baseline {r['baseline_validate'][1]:.0f} MB) |",
            f"| {len(q)} catalogue queries, total | {fmt(sum(q.values()))} | {fmt(base_total)}"
            f"{' (' + str(len(stopped)) + ' stopped at ' + str(int(QUERY_LIMIT)) + ' s)' if stopped else ''} | "
            f"{base_total / sum(q.values()):.0f}x | {r['queries_peak']:.0f} MB |",
            f"| slowest query ({worst}) | {fmt(q[worst])} | {slowest_base} | | |",
            f"| `innograph query` end to end, from the store | {fmt(r['cli_query'])} | | | |",
            f"| load + all queries | {fmt(ours_lq)} | {fmt(base_lq)} | **{base_lq / ours_lq:.0f}x** | |",
            f"| network projection | {fmt(r['network'].get('projection'))} | | | {r['network_peak']:.0f} MB |",
            f"| analytics (centrality, communities, brokers) | {fmt(r['network'].get('analytics'))} | | | |",
            f"| view HTML (layout included) | {fmt(r['network'].get('view HTML'))} | | | |",
            "",
        ]
        if missing:
            lines += [f"Baseline queries not run (stage time limit): {', '.join(missing)}.", ""]
        lines += [
            "<details><summary>every query</summary>",
            "",
            "| query | innograph | baseline |",
            "| --- | --- | --- |",
        ]
        for name in q:
            base = base_q.get(name)
            shown = "stopped at the limit" if name in base_q and base is None else fmt(base) if base else "not run"
            lines.append(f"| {name} | {q[name] * 1000:.1f} ms | {shown} |")
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    parser.add_argument("--json", type=Path, help="also keep the raw figures")
    parser.add_argument("--from-json", type=Path, help="only rewrite the report from figures kept with --json")
    args = parser.parse_args()
    if args.from_json:
        args.out.write_text(report(json.loads(args.from_json.read_text())), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="innograph-bench-") as tmp:
        for scale in args.scales:
            print(f"scale {scale:,} …", file=sys.stderr, flush=True)
            results.append(measure(scale, Path(tmp)))
            if args.json:
                args.json.write_text(json.dumps(results, indent=2))
    args.out.write_text(report(results), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
