"""Nothing lost, nothing mixed: ``push`` and ``load --store`` killed at any point.

A push is killed with SIGKILL at several points of its run against a real Oxigraph server while a reader
polls the server: the reader must see exactly the old graphs or exactly the new ones, never a mix and never
a staging graph. A ``load --store`` is killed likewise: the store must then open whole (old or new) or be
refused with a one-line error, never open empty or half-loaded.
"""

from __future__ import annotations

import contextlib
import gc
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO
from test_stores import QUERIES, answers

from innograph.engines import EndpointEngine, OxigraphEngine
from innograph.errors import EndpointError, InputError
from innograph.loader import load
from innograph.project import find_project
from innograph.push import STAGING, Endpoints, push
from innograph.serve import free_port, start_server, stop_server
from innograph.stores import load_store, open_store

sys.path.insert(0, str(REPO / "bench"))
from synthetic import generate

COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
KILL_FRACTIONS = (0.2, 0.4, 0.6, 0.8, 0.95)  # of a complete run


def innograph(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "innograph", *args], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "innograph", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def run_for(seconds: float, *args: str) -> bool:
    """Run innograph and SIGKILL it after ``seconds``; True when it had finished by itself before."""
    process = innograph(*args)
    try:
        process.wait(timeout=seconds)
        return True
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return False


def timed(*args: str) -> float:
    """Seconds a complete run takes: the kill points are spread over it."""
    started = time.monotonic()
    process = innograph(*args)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    return time.monotonic() - started


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A project big enough that pushing or loading it takes a second or more (about 60k triples)."""
    root = generate(tmp_path_factory.mktemp("synthetic") / "syn", cities=120)
    return root


@pytest.fixture(scope="module")
def embedded(curated):
    return answers(OxigraphEngine(curated))


def graph_counts(kg) -> dict[str, int]:
    return {f.graph: sum(1 for _ in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(f.graph)))
            for f in kg.files}  # fmt: skip


class Reader(threading.Thread):
    """Polls the server's per-graph triple counts and records every state that is neither old nor new."""

    def __init__(self, url: str, old: dict[str, int], new: dict[str, int]):
        super().__init__(daemon=True)
        self.engine = EndpointEngine(url, timeout=60)
        self.old, self.new = old, new
        self.seen = {"old": 0, "new": 0}
        self.mixed: list[dict[str, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            table = self.engine.run(COUNTS)
            state = {row["g"].value: int(row["n"].value) for row in table.rows}
            if state == self.old:
                self.seen["old"] += 1
            elif state == self.new:
                self.seen["new"] += 1
            else:
                self.mixed.append(state)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)


def restore(kg, endpoints: Endpoints, expected: dict[str, int]) -> None:
    """Push ``kg`` until the store holds exactly its graphs: a push killed after its whole request reached
    the server still commits, maybe after the next push began (which then says so and is repeated)."""
    for _ in range(20):
        with contextlib.suppress(EndpointError):
            push(kg, endpoints)
        time.sleep(0.2)
        if held(endpoints.query) == expected:
            return
    raise AssertionError("the store never settled on the pushed graphs")


def held(url: str) -> dict[str, int]:
    table = EndpointEngine(url, timeout=60).run(COUNTS)
    return {row["g"].value: int(row["n"].value) for row in table.rows}


def describe(state: dict[str, int], old: dict[str, int], new: dict[str, int]) -> str:
    staging = sum(1 for g in state if g.startswith(STAGING))
    return f"{len(state)} graphs, {sum(state.values())} triples, {staging} staging (old {len(old)}, new {len(new)})"


def test_a_killed_push_shows_readers_old_or_new_never_a_mix(curated, embedded, server, synthetic):
    query = f"{server}/query"
    endpoints = Endpoints.derive(query)
    old = graph_counts(curated)
    new = graph_counts(load(synthetic, synthetic / "sources"))
    args = ("push", "--root", str(synthetic), "--sources", str(synthetic / "sources"), "--endpoint", query)
    push(curated, endpoints)
    reader = Reader(query, old, new)
    reader.start()
    try:
        seconds = timed(*args)
        assert held(query) == new
        outcomes = []
        for fraction in KILL_FRACTIONS:
            restore(curated, endpoints, old)  # every kill starts from the old graphs
            outcomes.append(run_for(seconds * fraction, *args))
            after = held(query)
            assert after in (old, new), describe(after, old, new)
    finally:
        reader.stop()
    assert not reader.mixed, [describe(state, old, new) for state in reader.mixed[:3]]
    assert reader.seen["old"] and reader.seen["new"]
    assert not all(outcomes), "every push finished before its kill: the kill points missed the push"
    restore(curated, endpoints, old)  # recovery
    remote = answers(EndpointEngine(query, timeout=60))
    for name in QUERIES:
        assert remote[name] == embedded[name], name


def test_a_truncated_update_request_changes_nothing(curated, server, synthetic):
    """What a push killed while sending leaves: a request shorter than its Content-Length. The store must
    discard it, not run the part it received (the property of the store that push relies on)."""
    endpoints = Endpoints.derive(f"{server}/query")
    push(curated, endpoints)
    old = held(endpoints.query)
    data = load(synthetic, synthetic / "sources").store
    body = b"DROP SILENT GRAPH <%s> ;\nINSERT DATA { GRAPH <%s> {\n%s} }" % (
        curated.files[-1].graph.encode(),
        curated.files[-1].graph.encode(),
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in data), format=ox.RdfFormat.N_TRIPLES),
    )
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        head = (f"POST /update HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/sparql-update\r\n"
                f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
        connection.sendall(head.encode() + body[: len(body) // 2])
    time.sleep(0.5)
    assert held(endpoints.query) == old


def test_push_sweeps_staging_leftovers_and_graphs_the_project_no_longer_has(curated, server):
    """An older innograph killed mid-push left staging graphs behind for good; a file removed from the
    project leaves its graph behind. The next push removes both, in the same transaction."""
    endpoints = Endpoints.derive(f"{server}/query")
    push(curated, endpoints)
    leftovers = [f"{STAGING}0123abcd/0", f"{STAGING}0123abcd/1", "https://w3id.org/innograph/graph/removed-file"]
    inserts = " ;\n".join(
        f"INSERT DATA {{ GRAPH <{g}> {{ <https://w3id.org/innograph/id/x> <http://x/p> {n} }} }}"
        for n, g in enumerate(leftovers)
    )
    other = "INSERT DATA { GRAPH <http://example.org/not-ours> { <http://x/s> <http://x/p> 1 } }"
    from innograph.engines import http

    http("POST", endpoints.update, f"{inserts} ;\n{other}".encode(), {"Content-Type": "application/sparql-update"},
         30, rejected="rejected")  # fmt: skip
    assert set(leftovers) <= set(held(endpoints.query))
    push(curated, endpoints)
    assert held(endpoints.query) == {**graph_counts(curated), "http://example.org/not-ours": 1}
    names = EndpointEngine(endpoints.query).run("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    assert not {row["g"].value for row in names.rows} & set(leftovers)  # gone, not just emptied
    http("POST", endpoints.update, b"DROP GRAPH <http://example.org/not-ours>",
         {"Content-Type": "application/sparql-update"}, 30, rejected="rejected")  # fmt: skip


def test_push_keeps_every_term_and_blank_node_exactly(tmp_path):
    """The update carries Turtle's compact syntax: every kind of term must come back from the store as it
    went in (escapes, control characters, non-BMP characters, language tags, blank node structure)."""
    from innograph.loader import KnowledgeGraph

    project = find_project(REPO, REPO.parent / "shared" / "sources")
    graph = "https://w3id.org/innograph/graph/tricky"
    text = r"""@prefix id: <https://w3id.org/innograph/id/> .
    id:a <http://x/p> "q\"\\ \n\t\u0001\u007F<LS> é 𝄞", "back\\u0041slash", 'single', "a\\", "x"@zh-Hant-TW ;
        <http://x/é> <https://w3id.org/innograph/id/a%20b>, 1.5e3, -0.0, true, "2022-05"^^<http://x/d> .
    id:b <http://x/q> [ <http://x/r> [ <http://x/s> "nested" ] ; <http://x/t> ( 1 2 ) ] .
    """.replace("<LS>", "\u2028")
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    kg = KnowledgeGraph(project=project, store=store, files=[project.graph_file(graph)])
    port = free_port()
    process = start_server(port)
    try:
        push(kg, Endpoints.derive(f"http://127.0.0.1:{port}/query"))
        remote = EndpointEngine(f"http://127.0.0.1:{port}/query").run(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
        )
    finally:
        stop_server(process)
    back = ox.Store()
    back.load(remote, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    assert canonical(back) == canonical(store)


def canonical(store: ox.Store) -> list[str]:
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(q) for q in dataset)


# ------------------------------------------------------------------ load --store


def store_size(project, path: Path) -> int | None:
    """The triples of the store at ``path`` as open_store gives it; None when it refuses (one line)."""
    try:
        kg = open_store(project, path, warn=lambda *a, **k: None)
    except InputError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        return None
    size = len(kg)
    del kg
    gc.collect()
    return size


def test_a_killed_load_leaves_the_old_store_or_the_new_one(curated, embedded, synthetic, tmp_path):
    path = tmp_path / "store"
    old = len(curated)
    new = len(load(synthetic, synthetic / "sources"))
    args = ("load", "--root", str(synthetic), "--sources", str(synthetic / "sources"), "--store", str(path))
    seconds = timed(*args)
    assert store_size(curated.project, path) == new
    outcomes, sizes = [], []
    for fraction in KILL_FRACTIONS:
        reset, _ = load_store(curated.project, path)  # every kill starts from the old store
        del reset
        gc.collect()
        outcomes.append(run_for(seconds * fraction, *args))
        sizes.append(store_size(curated.project, path))
        assert sizes[-1] in (old, new, None), sizes
    assert old in sizes, f"every kill came after the swap: {sizes}"
    assert not all(outcomes), "every load finished before its kill: the kill points missed the load"
    final = cli("load", "--store", str(path))
    assert final.returncode == 0, final.stderr
    assert not [p.name for p in tmp_path.iterdir() if p.name != "store"], "temporary folders were not swept"
    reopened = open_store(curated.project, path)
    got = answers(OxigraphEngine(reopened))
    for name in QUERIES:
        assert got[name] == embedded[name], name


def test_load_refuses_a_folder_that_is_not_a_store(tmp_path):
    folder = tmp_path / "kg"
    folder.mkdir()
    (folder / "notes.ttl").write_text("my own work\n", encoding="utf-8")
    result = cli("load", "--store", str(folder))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and str(folder) in result.stderr and "not an innograph store" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.ttl"]
    assert (folder / "notes.ttl").read_text(encoding="utf-8") == "my own work\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kg"]


def test_load_refuses_a_regular_file(tmp_path):
    target = tmp_path / "data.kg"
    target.write_text("not a store\n", encoding="utf-8")
    result = cli("load", "--store", str(target))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and str(target) in result.stderr and "is a file" in result.stderr
    assert target.read_text(encoding="utf-8") == "not a store\n"


def test_a_store_of_the_old_layout_asks_for_a_reload_and_is_replaced(curated, tmp_path):
    """Before: no metadata inside the folder, a sidecar beside it, written after a load that was not atomic."""
    path = tmp_path / "store"
    old = ox.Store(str(path))
    old.bulk_extend(curated.store.quads_for_pattern(None, None, None, None))
    old.flush()
    del old
    gc.collect()
    (tmp_path / "store.innograph.json").write_text(json.dumps({"root": str(REPO), "files": {}}), encoding="utf-8")
    with pytest.raises(InputError, match="older innograph; run: innograph load --store"):
        open_store(curated.project, path)
    assert cli("load", "--store", str(path)).returncode == 0
    assert not (tmp_path / "store.innograph.json").exists()
    assert store_size(curated.project, path) == len(curated)


def test_a_folder_left_by_an_interrupted_load_is_refused(curated, tmp_path):
    path = tmp_path / "store"
    half = ox.Store(str(path))
    half.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o"), ox.NamedNode("http://g")))
    half.flush()
    del half
    gc.collect()
    with pytest.raises(InputError, match="not a complete innograph store") as caught:
        open_store(curated.project, path)
    assert "\n" not in str(caught.value)
