"""What innograph writes and prints: builds that are reproducible and whole, one-line errors for places
that cannot be written, and text that cannot act on the terminal."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, make_project

from innograph.build import MANIFEST, build
from innograph.terminal import printable


def run(*args: str, cwd=REPO, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=cwd, capture_output=True, text=True, timeout=180, env=env
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# ------------------------------------------------------------------ reproducible builds


def test_two_builds_of_the_same_files_are_byte_identical(tmp_path):
    """Each build runs in its own process with its own hash seed, as two builds on two days would."""
    folders = []
    for seed in ("1", "2"):
        out = tmp_path / f"build-{seed}"
        result = run("build", "--out", str(out), env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        folders.append(tree(out))
    assert folders[0].keys() == folders[1].keys()
    assert "innograph.trig" in folders[0] and "views/overview.html" in folders[0] and "docs/index.html" in folders[0]
    different = [name for name in folders[0] if folders[0][name] != folders[1][name]]
    assert different == []


def test_the_manifest_describes_the_generation(curated, tmp_path):
    built = build(curated, tmp_path / "build", views=False, docs=False)
    manifest = json.loads((built.folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["dataset"] == {"file": "innograph.trig", "triples": len(curated), "graphs": len(curated.files)}
    assert set(manifest["inputs"]) == {curated.project.relative(f.path) for f in curated.files}
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((built.folder / name).read_bytes()).hexdigest() == digest


# ------------------------------------------------------------------ one generation


def test_a_failed_build_leaves_the_previous_one_whole(curated, tmp_path, monkeypatch):
    folder = tmp_path / "build"
    build(curated, folder, views=False, docs=False)
    before = tree(folder)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the views could not be drawn")

    monkeypatch.setattr("innograph.views.write_all", broken)
    with pytest.raises(RuntimeError):
        build(curated, folder)
    assert tree(folder) == before
    assert [p.name for p in tmp_path.iterdir()] == ["build"], "a staging folder was left behind"


def _consistent(folder: Path) -> bool:
    """Every output the manifest lists is there with its checksum, and nothing else is."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    files = tree(folder)
    files.pop(MANIFEST)
    return set(files) == set(manifest["outputs"]) and all(
        hashlib.sha256(files[name]).hexdigest() == digest for name, digest in manifest["outputs"].items()
    )


def test_a_killed_build_leaves_the_old_generation_or_the_new_one(tmp_path):
    """Kill `innograph build` at several points of its run: the folder always holds one whole generation,
    the old one (without views) or the new one (with them); the next build sweeps what the killed one left."""
    folder = tmp_path / "build"
    assert run("build", "--out", str(folder), "--no-views", "--no-docs").returncode == 0
    old = tree(folder)
    seen = set()
    for delay in (0.3, 0.8, 1.3, 1.8, 2.3, 5.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "innograph", "build", "--out", str(folder)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _consistent(folder)
        seen.add("old" if tree(folder) == old else "new")
        if "new" in seen:
            break
    result = run("build", "--out", str(folder))
    assert result.returncode == 0, result.stderr
    assert _consistent(folder) and "views/overview.html" in tree(folder)
    assert [p.name for p in tmp_path.iterdir()] == ["build"], "the next build did not sweep the killed ones"


def test_build_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("build", "--out", str(folder), "--no-views", "--no-docs")
    assert result.returncode == 2
    assert "notes.txt, which innograph build did not write" in one_line(result.stderr)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_build_out_with_a_file_name_says_what_to_give(tmp_path):
    result = run("build", "--out", str(tmp_path / "graph.nq"))
    assert result.returncode == 1
    assert "--out DIR --format nq" in one_line(result.stderr)


# ------------------------------------------------------------------ places that cannot be written


@pytest.mark.parametrize(
    "args",
    [
        ("build", "--no-views", "--no-docs", "--out", "{file}/sub"),
        ("view", "--name", "shandong-ningxia", "--out", "{file}/view.html"),
        ("docs", "--out", "{file}/docs.html"),
        ("docs", "--out", "{folder}"),
        ("view", "--name", "shandong-ningxia", "--out", "{folder}"),
    ],
    ids=["build-under-a-file", "view-under-a-file", "docs-under-a-file", "docs-onto-a-folder", "view-onto-a-folder"],
)
def test_an_unwritable_output_is_one_line_naming_it(tmp_path, args):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    args = [a.format(file=blocker, folder=folder) for a in args]
    result = run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    line = one_line(result.stderr)
    assert line.startswith("innograph: error: ") and str(tmp_path) in line and "Traceback" not in result.stderr


# ------------------------------------------------------------------ parameters


def test_a_repeated_param_is_refused():
    result = run("query", "figures-about", "--param", "entity=yinchuan", "--param", "entity=ningbo")
    assert result.returncode == 1
    assert "--param entity is given twice" in one_line(result.stderr)


# ------------------------------------------------------------------ terminal safety

HOSTILE = "Evil\x1b]0;pwned\x07 city\x1b[2J \u202eelif"
HOSTILE_GRAPH = f"""@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

id:fixture-city a ig:City ;
    rdfs:label "{HOSTILE}"@en .
"""
RAW = ("\x1b", "\x07", "\u202e")


def test_printable_shows_control_characters_as_escapes():
    assert printable(HOSTILE) == "Evil\\x1b]0;pwned\\x07 city\\x1b[2J \\u202eelif"
    assert printable("tab\tand\nnewline, 中文") == "tab\tand\nnewline, 中文"


@pytest.mark.parametrize("fmt", ["table", "md", "csv"])
def test_query_output_never_carries_control_characters(tmp_path, fmt):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": HOSTILE_GRAPH})
    command = [sys.executable, "-m", "innograph", "query", "-", "--root", str(root), "--sources", str(sources)]
    result = subprocess.run(
        [*command, "--format", fmt],
        input="SELECT ?l WHERE { ?c a ig:City ; rdfs:label ?l }",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not any(c in result.stdout + result.stderr for c in RAW)
    assert "Evil\\x1b]0;pwned\\x07 city" in result.stdout


def test_validate_and_view_messages_never_carry_control_characters(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": HOSTILE_GRAPH})
    validated = run("validate", "--root", str(root), "--sources", str(sources))
    assert validated.returncode == 1
    assert "id:fixture-city (Evil\\x1b]0;pwned\\x07 city\\x1b[2J \\u202eelif)" in validated.stdout
    viewed = run("view", "--focus", "fixture-city", "--out", str(tmp_path / "v.html"), "--root", str(root))
    for result in (validated, viewed):
        assert not any(c in result.stdout + result.stderr for c in RAW)


def test_construct_output_escapes_unsafe_characters_and_reads_back_the_same(tmp_path):
    import pyoxigraph as ox

    root, sources = make_project(tmp_path, {"kg/fixture.ttl": HOSTILE_GRAPH})
    result = subprocess.run(
        [sys.executable, "-m", "innograph", "query", "-", "--root", str(root), "--sources", str(sources)],
        input=b"CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a ig:City ; rdfs:label ?l }",
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not any(c.encode("utf-8") in result.stdout for c in RAW)
    (triple,) = ox.parse(result.stdout, format=ox.RdfFormat.TURTLE)
    assert triple.object.value == HOSTILE


# ------------------------------------------------------------------ graph results by --format


def _graph_of(data: bytes, syntax) -> set:
    import pyoxigraph as ox

    return {str(q.triple) for q in ox.parse(data, format=syntax)}


def test_construct_prints_turtle_ntriples_or_jsonld_by_format():
    import pyoxigraph as ox

    args = ("query", "neighbourhood", "--param", "entity=huang-zhiming")
    printed = {}
    for fmt in ("table", "ttl", "nt", "jsonld", "json"):
        result = subprocess.run(
            [sys.executable, "-m", "innograph", *args, "--format", fmt], cwd=REPO, capture_output=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        printed[fmt] = result.stdout
    assert printed["table"] == printed["ttl"] and printed["ttl"].startswith(b"@prefix")
    turtle = _graph_of(printed["ttl"], ox.RdfFormat.TURTLE)
    assert len(turtle) > 3
    assert _graph_of(printed["nt"], ox.RdfFormat.N_TRIPLES) == turtle
    assert printed["json"] == printed["jsonld"]
    assert isinstance(json.loads(printed["jsonld"]), list)
    assert _graph_of(printed["jsonld"], ox.RdfFormat.JSON_LD) == turtle


@pytest.mark.parametrize(
    ("args", "fmt", "kind"),
    [
        (("neighbourhood", "--param", "entity=ningbo"), "csv", "CONSTRUCT"),
        (("neighbourhood", "--param", "entity=ningbo"), "md", "CONSTRUCT"),
        (("people-and-posts",), "nt", "SELECT"),
        (("people-and-posts",), "jsonld", "SELECT"),
    ],
)
def test_a_format_that_does_not_fit_the_result_is_one_line_naming_both(args, fmt, kind):
    result = run("query", *args, "--format", fmt)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert f"--format {fmt}" in line and f"a {kind} query" in line and not result.stdout


@pytest.mark.parametrize("fmt", ["nt", "jsonld"])
def test_graph_formats_escape_unsafe_characters_and_read_back_the_same(tmp_path, fmt):
    import pyoxigraph as ox

    root, sources = make_project(tmp_path, {"kg/fixture.ttl": HOSTILE_GRAPH})
    command = ["query", "-", "--root", str(root), "--sources", str(sources), "--format", fmt]
    result = subprocess.run(
        [sys.executable, "-m", "innograph", *command],
        input=b"CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a ig:City ; rdfs:label ?l }",
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not any(c.encode("utf-8") in result.stdout for c in RAW)
    syntax = ox.RdfFormat.N_TRIPLES if fmt == "nt" else ox.RdfFormat.JSON_LD
    (quad,) = ox.parse(result.stdout, format=syntax)
    assert quad.object.value == HOSTILE
