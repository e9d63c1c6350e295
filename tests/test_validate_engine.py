"""`innograph validate` with the compiled SHACL engine, as a user runs it: the same report as pySHACL's
(`--engine pyshacl`), literals read as written, a literal whose datatype the store changes named with its
line, shapes the engine cannot run refused in one line, and a read-only store on disk validated too."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, make_project, read_case

INVALID = FIXTURES / "shapes" / "figures-invalid.ttl"


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def findings(result: subprocess.CompletedProcess) -> list[tuple]:
    report = json.loads(result.stdout)
    return sorted(
        (f["file"], f["line"], f["focus"], f["severity"], f["rule"], f["message"]) for f in report["findings"]
    )


def fixture(tmp_path, path=INVALID, replace=None):
    case = read_case(path)
    text = path.read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    return make_project(tmp_path, {case.place: text}, case.text)


def test_both_engines_give_the_same_report(tmp_path):
    root, sources = fixture(tmp_path)
    common = ("validate", "--root", str(root), "--sources", str(sources), "--format", "json")
    fast, reference = run(*common), run(*common, "--engine", "pyshacl")
    assert fast.returncode == reference.returncode == 1, fast.stderr + reference.stderr
    assert findings(fast) == findings(reference)
    rules = {f[4] for f in findings(fast)}
    assert {
        "shape igsh:ObservationShape, MinCountConstraintComponent",
        "shape igsh:periodStartValue, OrConstraintComponent",
    } <= rules, rules


def test_a_literal_the_store_retypes_is_named_and_validated_as_written(tmp_path):
    # "40"^^xsd:int is an xsd:int as written, but the store keeps it as an xsd:integer: the shape (which
    # wants xsd:decimal) sees the written datatype, and a warning says what queries will see
    root, sources = fixture(tmp_path, replace={"ig:value 40.0 ;": 'ig:value "40"^^xsd:int ;'})
    result = run("validate", "--root", str(root), "--sources", str(sources), "--format", "json")
    found = findings(result)
    literal = [f for f in found if f[4] == "literals"]
    assert len(literal) == 1, found
    file, line, focus, severity, _, message = literal[0]
    assert (file, focus, severity) == ("kg/fixture.ttl", "id:export-growth", "warning")
    assert line == 18 and "queries see xsd:integer, not xsd:int" in message, literal
    datatype = [f for f in found if f[2] == "id:export-growth" and "Datatype" in f[4]]
    assert datatype and "'40'^^xsd:int" in datatype[0][5], found


def test_a_lexical_rewrite_is_silent_and_read_as_written(tmp_path):
    # 40.0 is stored as "40"^^xsd:decimal: same value, same datatype, nothing to warn about
    root, sources = fixture(tmp_path)
    result = run("validate", "--root", str(root), "--sources", str(sources), "--format", "json")
    assert not [f for f in findings(result) if f[4] == "literals"]


def test_shapes_the_engine_cannot_run_are_refused_in_one_line(tmp_path):
    root, sources = fixture(tmp_path)
    shapes = root / "ontology" / "shapes.ttl"
    shapes.write_text(
        shapes.read_text(encoding="utf-8") + '\nigsh:AcademyShape sh:sparql [ sh:select "SELECT $this WHERE { }" ] .\n',
        encoding="utf-8",
    )
    result = run("validate", "--root", str(root), "--sources", str(sources))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ontology/shapes.ttl" in lines[0] and "sh:sparql" in lines[0], result.stderr
    assert "--engine pyshacl" in lines[0]


def test_a_read_only_store_on_disk_gives_the_same_report(tmp_path):
    root, sources = fixture(tmp_path)
    store = tmp_path / "store"
    loaded = run("load", "--root", str(root), "--store", str(store))
    assert loaded.returncode == 0, loaded.stderr
    common = ("validate", "--root", str(root), "--sources", str(sources), "--format", "json")
    from_files, from_store = run(*common), run(*common, "--store", str(store))
    same = [f for f in findings(from_store) if f[4].startswith("shape ")]
    assert same == [f for f in findings(from_files) if f[4].startswith("shape ")]
    assert same
