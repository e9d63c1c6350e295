"""Benchmark innograph against a plain baseline (rdflib in memory + pySHACL) and, for validation, Apache
Jena's SHACL, on synthetic graphs shaped like ours at about 10k, 100k and 1M triples, and write
bench/results.md. Every stage runs in a fresh process under a time limit; memory is the peak proportional
set size of the stage's whole process tree (shared pages counted once). The same run adds the catalogue
queries in memory (bench/query_scale.py) and draft recall (bench/draft_recall.py). Figures only: nothing
here asserts on time.

    python bench/run.py                      # everything (about 40 minutes on 2 cores)
    python bench/run.py --scales 10000 --memory-queries 10000 --out /tmp/bench.md   # a quick look
    python bench/run.py --from-json figures.json     # rewrite the report from figures kept with --json
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
from collections import deque
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from synthetic import TRIPLES_PER_CITY, generate  # noqa: E402

STAGE_LIMIT = 600.0  # seconds any one stage may take
QUERY_LIMIT = 30.0  # seconds one baseline query may take before it is stopped
MEMORY_BUDGET = 1.0  # seconds per query on the store in memory (issue 14), as bench/query_scale.py has it
INNOGRAPH = [sys.executable, "-m", "innograph"]
STAGES = [sys.executable, str(REPO / "bench" / "stages.py")]
JENA = REPO.parent / "shared" / "tools" / "jena.sh"  # Debian's Apache Jena, as tests/test_jena.py runs it
SH = "http://www.w3.org/ns/shacl#"


@dataclass
class Run:
    seconds: float
    peak_mb: float
    lines: list[dict] = field(default_factory=list)
    timed_out: bool = False
    returncode: int = 0
    text: list[str] = field(default_factory=list)  # the last lines of non-JSON output


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


def _sleep_unless_done(process: subprocess.Popen, seconds: float) -> None:
    """Wait up to ``seconds``, less if the process ends: a stage's time is not rounded up to a sample."""
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=seconds)


SAMPLE_EVERY = 0.1  # seconds between two memory samples of a stage
SAMPLE_SHARE = 0.05  # at most this share of one core goes to sampling: a large tree is sampled less often


class Sampler:
    """The peak proportional set size of a process tree, sampled every :data:`SAMPLE_EVERY` s, or less often
    where one sample costs more than :data:`SAMPLE_SHARE` of the time between two. Reading a process's
    ``smaps_rollup`` walks its page tables: about 11 ms for a process of 600 MB, so sampling a
    million-triple validation (three processes) every 0.1 s would take a fifth of a core from the stage it
    measures, on a machine of two."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_kb = 0

    def sample(self) -> float:
        """Take a sample; the seconds to wait before the next one."""
        started = time.process_time()
        self.peak_kb = max(self.peak_kb, _tree_pss_kb(self.pid))
        return max(SAMPLE_EVERY, (time.process_time() - started) / SAMPLE_SHARE)


def run(command: list[str], limit: float = STAGE_LIMIT, on_line=None, stdout_path: Path | None = None) -> Run:
    """Run one stage in a fresh process, sampling its tree's memory (:class:`Sampler`). JSON lines on stdout are
    measurements; other lines are kept as ``text`` (or all of stdout goes to ``stdout_path``). Stderr goes
    to a temporary file, so a chatty stage cannot block on a full pipe."""
    started = time.perf_counter()
    lines: list[dict] = []
    text: deque[str] = deque(maxlen=20)  # the last lines of non-JSON output
    with tempfile.TemporaryFile("w+") as errors, stdout_path.open("wb") if stdout_path else nullcontext() as out:
        process = subprocess.Popen(
            command, stdout=out or subprocess.PIPE, stderr=errors, text=out is None, cwd=REPO
        )  # fmt: skip

        def read() -> None:
            for raw in process.stdout:
                raw = raw.strip()
                if raw.startswith("{"):
                    record = json.loads(raw)
                    record["at"] = time.perf_counter() - started
                    lines.append(record)
                    if on_line:
                        on_line(record)
                elif raw:
                    text.append(raw)

        reader = threading.Thread(target=read, daemon=True)
        if out is None:
            reader.start()
        timed_out = False
        sampler = Sampler(process.pid)
        while process.poll() is None:
            wait = sampler.sample()
            if time.perf_counter() - started > limit:
                process.kill()
                timed_out = True
                break
            _sleep_unless_done(process, wait)
        process.wait()
        seconds = time.perf_counter() - started
        if out is None:
            reader.join(timeout=5)
        if process.returncode not in (0, 1) and not timed_out:
            errors.seek(0)
            tail = errors.read()[-2000:]
            print(f"stage failed ({process.returncode}): {' '.join(command)[:300]}\n{tail}", file=sys.stderr)
    return Run(seconds, sampler.peak_kb / 1024, lines, timed_out, process.returncode, list(text))


def limited_queries(stage: list[str], count: int) -> tuple[dict[str, float | None], dict[str, str], float, list]:
    """Each catalogue query of a stage (``stage`` + the index of the first query to run); a query over
    QUERY_LIMIT is stopped, counted as that, and the rest run in a new process."""
    records: list[dict] = []
    times: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    peak = 0.0
    first = 0
    while first < count:
        state = {"current": None, "since": None}

        def seen(record, state=state):
            records.append(record)
            if record["stage"] == "start":
                state["current"], state["since"] = record["query"], time.perf_counter()
            elif record["stage"] == "query":
                times[record["query"]] = record["seconds"]
                state["current"] = None
            elif record["stage"] == "query-error":
                errors[record["query"]] = record["error"]
                state["current"] = None

        process_started = time.perf_counter()
        command = [*stage, str(first)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)

        def read(process=process, seen=seen):
            for raw in process.stdout:
                if raw.startswith("{"):
                    seen(json.loads(raw))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        stuck = None
        sampler = Sampler(process.pid)
        while process.poll() is None:
            wait = sampler.sample()
            if state["current"] and time.perf_counter() - state["since"] > QUERY_LIMIT:
                stuck = state["current"]
                process.kill()
                break
            if time.perf_counter() - process_started > STAGE_LIMIT * 2:
                process.kill()
                break
            _sleep_unless_done(process, wait)
        process.wait()
        peak = max(peak, sampler.peak_kb / 1024)
        reader.join(timeout=5)
        if stuck is None:
            break
        times[stuck] = None  # stopped at the limit
        first = len(times) + len(errors)
    return times, errors, peak, records


def jena_files(root: Path) -> list[str]:
    """The files Jena validates, as tests/test_jena.py picks them: the ontology and vocabularies, and
    every graph under kg/ (what innograph's shapes see); the shapes apart."""
    return sorted(str(p) for p in [*root.glob("ontology/**/*.ttl"), *root.glob("kg/**/*.ttl")]
                  if p.name != "shapes.ttl")  # fmt: skip


def jena_validate(root: Path, work: Path) -> dict:
    """Apache Jena's strict SHACL over the same files, exactly as tests/test_jena.py runs it: riot parses
    and merges them into one N-Triples file, then shacl validates that file against the shapes. Two fresh
    JVMs, timed whole (JVM start and parsing included); memory is the larger of the two peaks."""
    merged, report = work / "jena-all.nt", work / "jena-report.ttl"
    parse = run(["sh", str(JENA), "riotcmd.riot", "--output=nt", *jena_files(root)], stdout_path=merged)
    out = {"parse": parse.seconds, "parse_peak": parse.peak_mb, "timed_out": parse.timed_out}
    if parse.returncode or parse.timed_out:
        return {**out, "seconds": None, "peak": parse.peak_mb, "conforms": None, "results": None}
    with merged.open("rb") as handle:
        out["triples"] = sum(1 for _ in handle)
    check = run(["sh", str(JENA), "shacl.shacl", "validate", "--shapes", str(root / "ontology" / "shapes.ttl"),
                 "--data", str(merged)], stdout_path=report)  # fmt: skip
    merged.unlink()
    out.update(seconds=parse.seconds + check.seconds, validate=check.seconds, timed_out=check.timed_out,
               peak=max(parse.peak_mb, check.peak_mb), conforms=None, results=None)  # fmt: skip
    if check.returncode == 0 and not check.timed_out:
        from rdflib import Graph, Namespace

        sh = Namespace(SH)
        graph = Graph().parse(report, format="turtle")
        conforms = next(graph.objects(None, sh.conforms), None)
        out["conforms"] = None if conforms is None else bool(conforms.toPython())
        out["results"] = len(set(graph.objects(None, sh.result)))
    report.unlink(missing_ok=True)
    return out


def memory_queries(root: Path, runs: int) -> dict:
    """The catalogue on the embedded store in memory (what bench/query_scale.py measures), in a fresh
    process: one load, then the median of ``runs`` runs per query."""
    r = run([*STAGES, "innograph-memory-queries", str(root), str(runs)], limit=STAGE_LIMIT * 2)
    loaded = next((x for x in r.lines if x["stage"] == "load (in memory)"), {})
    return {
        "triples": loaded.get("triples", 0),
        "load": loaded.get("seconds"),
        "runs": runs,
        "peak": r.peak_mb,
        "rows": [(x["query"], x["seconds"], x["rows"]) for x in r.lines if x["stage"] == "query"],
        "errors": {x["query"]: x["error"] for x in r.lines if x["stage"] == "query-error"},
        "timed_out": r.timed_out,
    }


def memory_section(m: dict) -> str:
    over = [name for name, seconds, _ in m["rows"] if seconds > MEMORY_BUDGET]
    lines = [
        f"## Catalogue queries in memory at {m['triples']:,} triples",
        "",
        f"`python bench/stages.py innograph-memory-queries ROOT {m['runs']}` on the generated project of that scale "
        "(what `bench/query_scale.py` measures): the embedded store (the default), loaded from the files in "
        f"{fmt(m['load'])}; median of {m['runs']} run{'s' if m['runs'] > 1 else ''} per query; peak memory "
        f"{m['peak']:.0f} MB. A query marked `# page:` is timed as `innograph query NAME` shows it: its first "
        "page and the number of all its rows. "
        f"Budget: {MEMORY_BUDGET:.0f} s per query; " + (f"over it: {', '.join(over)}." if over else "all within it."),
        "",
        "| query | median | rows |",
        "| --- | --- | --- |",
        *[f"| {name} | {seconds:.3f} s | {rows} |" for name, seconds, rows in m["rows"]],
        *[f"| {name} | failed: {error} | |" for name, error in m["errors"].items()],
    ]
    if m["timed_out"]:
        lines += ["", f"Stopped at {STAGE_LIMIT * 2:.0f} s: the queries not listed did not run."]
    return "\n".join(lines) + "\n"


def _output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (done.stdout + done.stderr).strip()


def catalogue() -> list[str]:
    return sorted(p.stem for p in (REPO / "queries").glob("*.rq"))


def versions() -> dict[str, str]:
    from importlib.metadata import version

    names = ("rdflib", "pyshacl", "pyoxigraph", "networkx", "igraph", "pyvis")
    found = {"python": platform.python_version(), **{n: version(n) for n in names}}
    found["Apache Jena"] = _output(["sh", str(JENA), "jena.version"]).splitlines()[-1]
    found["Java"] = _output(["java", "-version"]).splitlines()[0].replace('"', "")
    commit = _output(["git", "rev-parse", "--short", "HEAD"])
    dirty = _output(["git", "status", "--porcelain", "--untracked-files=no"])
    found["innograph"] = f"commit {commit}" + (" with uncommitted changes" if dirty else "")
    return found


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
    r = run([*INNOGRAPH, "validate", "--engine", "oxigraph", "--root", str(root), "--sources", str(root / "sources")])
    summary = next((line for line in reversed(r.text) if "error(s)" in line), "")
    out["validate"] = (r.seconds, r.peak_mb, r.returncode, summary)
    count = len(catalogue())
    times, errors, peak, records = limited_queries([*STAGES, "innograph-queries", str(root), str(store)], count)
    out["open_store"] = next(x["seconds"] for x in records if x["stage"] == "open store on disk")
    out["queries"] = times
    out["query_errors"] = errors
    out["queries_peak"] = peak
    cli = [*INNOGRAPH, "query", "document-issuers", "--param", "document=id:syn-city-0-plan", "--store", str(store)]
    cli_runs = [run(cli).seconds for _ in range(3)]
    out["cli_query"] = statistics.median(cli_runs)
    r = run([*STAGES, "innograph-network", str(root)])
    out["network"] = {x["stage"]: x["seconds"] for x in r.lines}
    out["nodes"] = next((x["nodes"] for x in r.lines if x["stage"] == "projection"), 0)
    out["network_peak"] = r.peak_mb
    out["betweenness"] = next((x.get("betweenness") for x in r.lines if x["stage"] == "analytics"), None)
    r = run([*STAGES, "baseline-load", str(root)])
    out["baseline_load"] = (r.lines[0]["seconds"] if r.lines else None, r.peak_mb, r.timed_out)
    r = run([*STAGES, "baseline-validate", str(root)])
    done = r.lines[0] if r.lines else {}
    out["baseline_validate"] = (None if r.timed_out or not done else r.seconds, r.peak_mb, r.timed_out)
    out["baseline_verdict"] = {k: done.get(k) for k in ("seconds", "parse", "conforms", "results")}
    out["jena"] = jena_validate(root, work)
    times, errors, peak, _ = limited_queries([*STAGES, "baseline-queries", str(root)], count)
    out["baseline_queries"] = times
    out["query_errors"] = {"innograph": out["query_errors"], "baseline": errors}
    out["baseline_queries_peak"] = peak
    return out


def fmt(seconds: float | None, timed_out: bool = False) -> str:
    if timed_out or seconds is None:
        return f"> {STAGE_LIMIT:.0f} s (stopped)"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def ratio(other: float | None, ours: float, digits: int = 1) -> str:
    return "" if other is None or not ours else f"{other / ours:.{digits}f}x"


def verdict_line(r: dict) -> str:
    """The three validators' verdicts on the same files, and whether they agree."""
    _seconds, _peak, code, summary = r["validate"]
    ours = {0: True, 1: False}.get(code)
    ours_text = {0: "conforms", 1: "violations"}.get(code, "failed")
    base, jena = r["baseline_verdict"], r["jena"]
    base_text = "no verdict" if base["conforms"] is None else "conforms" if base["conforms"] else "does not conform"
    jena_text = "no verdict" if jena["conforms"] is None else f"sh:conforms {str(jena['conforms']).lower()}"
    verdicts = [ours, base["conforms"], jena["conforms"]]
    agree = (
        f"All three agree: **{'conforms' if ours else 'does not conform'}**."
        if None not in verdicts and len(set(verdicts)) == 1
        else "**The verdicts differ.**"
    )
    base_times = f"parse {base['parse']:.2f} s + pySHACL {base['seconds'] - base['parse']:.2f} s inside the process; "
    return (
        f"Verdicts on the same files: innograph validate exit {code} ({ours_text}{'; ' + summary if summary else ''}); "
        f"rdflib + pySHACL {base_text}, {base['results']} results "
        f"({base_times if base['parse'] is not None else ''}sh:Warning results allowed); "
        f"Jena {jena_text}, {jena['results']} results (riot {fmt(jena['parse'])} for "
        f"{jena.get('triples', 0):,} triples, shacl {fmt(jena.get('validate'))}). {agree}"
    )


def header(meta: dict) -> list[str]:
    stages = "python bench/stages.py"
    return [
        "# innograph benchmark",
        "",
        f"Written by `{meta['command']}` in one run of {meta['minutes']:.0f} min, started {meta['started']}; figures "
        "only, nothing asserts on them. Synthetic graphs from `bench/synthetic.py` (provinces, cities, governments "
        "and bureaus, universities, institutes, enterprises, laboratories, incubators, plans with measures, targets "
        "and figures, agreements; valid under the shapes), generated once per scale; every figure of a scale is "
        "taken on the same files.",
        "",
        "Every stage is a fresh process (started from the repository folder, under a limit of "
        f"{STAGE_LIMIT:.0f} s); memory is the peak proportional set size of the stage's whole process tree (shared "
        "pages counted once), sampled every 0.1 s (less often for a large tree, so that sampling takes at most 5% of "
        "one core from the stage it measures). ROOT is the generated project, STORE a store folder. How each "
        "figure is produced:",
        "",
        f"- load, in memory: `{stages} innograph-load ROOT` (innograph's loader into the embedded Oxigraph "
        f"store) against `{stages} baseline-load ROOT` (rdflib's parser into an in-memory Dataset, a named graph "
        "per file); time inside the process.",
        "- load into a store on disk: `python -m innograph load --root ROOT --store STORE`, the whole command.",
        "- validate, innograph: `python -m innograph validate --engine oxigraph --root ROOT --sources ROOT/sources`, "
        "the whole command (interpreter start, parsing, the shapes compiled to SPARQL and run on Oxigraph, the "
        "SPARQL checks, the report); verdict from its exit code (0 clean, 1 violations).",
        f"- validate, rdflib + pySHACL: `{stages} baseline-validate ROOT`: rdflib parses the data and the shapes "
        "into two Graphs, then `pyshacl.validate(data, shacl_graph=shapes, inference='none', allow_warnings=True)` "
        "in the same process; the whole process (interpreter start and imports included), verdict from pySHACL.",
        "- validate, Apache Jena: `jena.sh riotcmd.riot --output=nt FILES > all.nt` then `jena.sh shacl.shacl "
        "validate --shapes ROOT/ontology/shapes.ttl --data all.nt` (FILES: every `ontology/**/*.ttl` but "
        "`shapes.ttl`, and every `kg/**/*.ttl`; as `tests/test_jena.py` runs it); two JVMs, the sum of both "
        "whole processes (JVM start and parsing included), memory the larger peak; verdict `sh:conforms` and the "
        "number of `sh:result` in its report. Jena's SHACL is strict SHACL 1.0 over the shapes only; innograph "
        "also runs its SPARQL checks, whose warnings do not fail validation.",
        f"- catalogue queries: `{stages} innograph-queries ROOT STORE`, each query on the persistent store on "
        f"disk, against `{stages} baseline-queries ROOT` (rdflib's SPARQL engine on an rdflib Dataset of the same "
        f"graphs); time of each query inside the process. A query over {QUERY_LIMIT:.0f} s is stopped, "
        "counted as the limit, and the rest run in a new process, so totals with stopped queries are lower "
        "bounds. Entity parameters get synthetic entities (`bench/stages.py` SYNTHETIC_ENTITIES: a city, "
        "its bureau, plan, government), since the curated defaults are not in the synthetic graphs. A query "
        "marked `# page:` is timed as `innograph query NAME` shows it by default, on both engines: its first page "
        "and the number of all its rows (the rows column says both).",
        "- `innograph query` end to end: `python -m innograph query document-issuers --param "
        "document=id:syn-city-0-plan --store STORE`, median of 3.",
        f"- network: `{stages} innograph-network ROOT`: projection, analytics (`innograph.analyze`; betweenness "
        "exact or sampled, as the row says) and the HTML view; time inside the process.",
        "",
        "Ratios are the other's time over innograph's: above 1, innograph is faster.",
        "",
        f"Machine: {meta['machine']}; load average {meta['load_before']} at the start, {meta['load_after']} at the "
        "end (other jobs may share it).",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".",
        "",
    ]


def report(results: list[dict], meta: dict | None = None, sections: list[str] | None = None) -> str:
    meta = meta or {
        "command": "python bench/run.py", "minutes": 0, "started": "unknown", "machine": machine(),
        "load_before": "unknown", "load_after": "unknown", "versions": versions(),
    }  # fmt: skip
    lines = header(meta)
    for r in results:
        ours_stopped = [k for k, v in r["queries"].items() if v is None]
        q = {k: QUERY_LIMIT if v is None else v for k, v in r["queries"].items()}  # a stopped one as the limit
        worst = max(q, key=q.get)
        base_q = r["baseline_queries"]
        base_total = sum(v if v is not None else QUERY_LIMIT for v in base_q.values())
        stopped = [k for k, v in base_q.items() if v is None]
        missing = [k for k in q if k not in base_q]
        ours_lq = r["load"][0] + sum(q.values())
        stopped_note = f"stopped at {QUERY_LIMIT:.0f} s"
        slowest_base = stopped_note if worst in base_q and base_q[worst] is None else fmt(base_q.get(worst))
        base_lq = (r["baseline_load"][0] or STAGE_LIMIT) + base_total
        validate, base_v, jena = r["validate"], r["baseline_validate"], r["jena"]
        between = r.get("betweenness") or "betweenness not reported"
        between = "betweenness exact" if between == "exact" else between
        lines += [
            f"## {r['triples']:,} triples ({r['scale']:,} requested), {r['nodes']:,} network nodes",
            "",
            "| stage | innograph | baseline: rdflib (+ pySHACL) | Apache Jena | ratio vs baseline | ratio vs Jena "
            "| peak memory |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            f"| load, in memory | {fmt(r['load'][0])} | {fmt(*r['baseline_load'][::2])} | | "
            f"{ratio(r['baseline_load'][0] or STAGE_LIMIT, r['load'][0], 0)} | | {r['load'][1]:.0f} MB |",
            f"| load into a store on disk (`innograph load`) | {fmt(r['store_load'][0])} | | | | | "
            f"{r['store_load'][1]:.0f} MB |",
            f"| reopen the store on disk | {fmt(r['open_store'])} | | | | | |",
            f"| **validate** (whole command; rdflib + pySHACL; riot + shacl) | {fmt(validate[0])} | "
            f"{fmt(base_v[0], base_v[2])} | {fmt(jena['seconds'], jena['timed_out'])} | "
            f"{ratio(base_v[0] or STAGE_LIMIT, validate[0])} | {ratio(jena['seconds'], validate[0])} | "
            f"innograph {validate[1]:.0f} MB; pySHACL {base_v[1]:.0f} MB; Jena {jena['peak']:.0f} MB |",
            f"| {len(q)} catalogue queries, total | {fmt(sum(q.values()))}"
            f"{' (' + str(len(ours_stopped)) + ' stopped at ' + str(int(QUERY_LIMIT)) + ' s)' if ours_stopped else ''}"
            f" | {fmt(base_total)}"
            f"{' (' + str(len(stopped)) + ' stopped at ' + str(int(QUERY_LIMIT)) + ' s)' if stopped else ''} | | "
            f"{ratio(base_total, sum(q.values()), 0)} | | {r['queries_peak']:.0f} MB |",
            f"| slowest query ({worst}) | {stopped_note if worst in ours_stopped else fmt(q[worst])} | "
            f"{slowest_base} | | | | |",
            f"| `innograph query` end to end, from the store | {fmt(r['cli_query'])} | | | | | |",
            f"| load + all queries | {fmt(ours_lq)} | {fmt(base_lq)} | | **{ratio(base_lq, ours_lq, 0)}** | | |",
            f"| network projection | {fmt(r['network'].get('projection'))} | | | | | {r['network_peak']:.0f} MB |",
            f"| analytics (centrality, communities, brokers; {between}) | {fmt(r['network'].get('analytics'))} "
            "| | | | | |",
            f"| view HTML (layout included) | {fmt(r['network'].get('view HTML'))} | | | | | |",
            "",
            verdict_line(r),
            "",
        ]
        failed = r.get("query_errors", {})
        for who, errors in failed.items() if "baseline" in failed else ():
            for name, error in errors.items():
                lines += [f"Query {name} failed on {who}: {error}", ""]
        missing = [k for k in missing if k not in failed.get("baseline", {})]
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
            ours = "stopped at the limit" if name in ours_stopped else f"{q[name] * 1000:.1f} ms"
            lines.append(f"| {name} | {ours} | {shown} |")
        lines += ["", "</details>", ""]
    for section in sections or []:
        lines += [section.rstrip("\n"), ""]
    return "\n".join(lines)


def section(command: list[str], what: str) -> str:
    """The Markdown a bench script prints, run as a fresh process; a note where it fails."""
    print(f"{what} …", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="innograph-bench-") as tmp:
        printed = Path(tmp) / "section.md"
        r = run([sys.executable, *command], limit=STAGE_LIMIT * 2, stdout_path=printed)
        text = printed.read_text(encoding="utf-8")
    if r.returncode or r.timed_out:
        shown = " ".join(["python", *command])
        return f"## {what}\n\n`{shown}` failed (exit {r.returncode}{', stopped' if r.timed_out else ''}).\n"
    return text


def load_average() -> str:
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--memory-queries", type=int, default=1_000_000, metavar="TRIPLES",
        help="scale of the section 'catalogue queries in memory' (as bench/query_scale.py; on that scale's "
        "project when it is one of --scales); 0 leaves it out",
    )  # fmt: skip
    parser.add_argument("--memory-query-runs", type=int, default=1, help="runs per query in that section")
    parser.add_argument("--no-draft", action="store_true", help="leave out bench/draft_recall.py's section")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    parser.add_argument("--json", type=Path, help="also keep the raw figures")
    parser.add_argument("--from-json", type=Path, help="only rewrite the report from figures kept with --json")
    args = parser.parse_args()
    if args.from_json:
        kept = json.loads(args.from_json.read_text())
        if isinstance(kept, list):  # figures kept before the run's metadata was
            kept = {"scales": kept}
        args.out.write_text(report(kept["scales"], kept.get("meta"), kept.get("sections")), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
        return
    started = time.perf_counter()
    meta = {
        "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
        "started": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "versions": versions(),
        "load_before": load_average(),
    }
    kept = {"meta": meta, "scales": [], "sections": []}

    def keep() -> None:
        if args.json:
            args.json.write_text(json.dumps(kept, indent=2))

    with tempfile.TemporaryDirectory(prefix="innograph-bench-") as tmp:
        for scale in args.scales:
            print(f"scale {scale:,} …", file=sys.stderr, flush=True)
            kept["scales"].append(measure(scale, Path(tmp)))
            keep()
            if scale == args.memory_queries:  # on the same files, before they go
                print("catalogue queries in memory …", file=sys.stderr, flush=True)
                kept["sections"].append(
                    memory_section(memory_queries(Path(tmp) / f"syn-{scale}", args.memory_query_runs))
                )
                keep()
        if args.memory_queries and args.memory_queries not in args.scales:
            print(f"catalogue queries in memory at {args.memory_queries:,} …", file=sys.stderr, flush=True)
            root = generate(Path(tmp) / "syn-memory", max(1, args.memory_queries // TRIPLES_PER_CITY))
            kept["sections"].append(memory_section(memory_queries(root, args.memory_query_runs)))
    if not args.no_draft:
        kept["sections"].append(section(["bench/draft_recall.py"], "innograph draft: recall and precision"))
    meta.update(minutes=(time.perf_counter() - started) / 60, load_after=load_average())
    keep()
    args.out.write_text(report(kept["scales"], meta, kept["sections"]), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
