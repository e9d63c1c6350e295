"""The command line: exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import CURATED_MINISTRIES, CURATED_STEMS, REPO, UNUSED_TERMS, WARNING_RULES, make_project, ministries


def run(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_validate_curated_graph_exits_0(curated_report):
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    summary = re.search(r"^0 error\(s\), (\d+) warning\(s\) in ", result.stdout, re.M)
    assert summary, result.stdout
    # every warning printed, each of a kind the curated graph may give, and the library's report in full
    warned = re.findall(r"^ +warning: .*  \[(.+)\]$", result.stdout, re.M)
    assert len(warned) == int(summary.group(1)) == len(curated_report.warnings)
    assert set(warned) <= WARNING_RULES
    assert {f.focus for f in curated_report.warnings} <= UNUSED_TERMS


def test_validate_reports_violations_by_file_and_exits_1(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": BROKEN_RULE})
    result = run("validate", "--root", str(root), "--sources", str(sources))
    assert result.returncode == 1
    assert "kg/fixture.ttl" in result.stdout
    assert "line 4: id:ministry-of-finance (Ministry of Finance)" in result.stdout, result.stdout
    assert "A government body governs exactly one place (ig:jurisdiction)." in result.stdout


def test_validate_json_is_machine_readable(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": BROKEN_RULE})
    result = run("validate", "--root", str(root), "--sources", str(sources), "--format", "json")
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert {f["focus"] for f in report["findings"] if f["severity"] == "error"} == {"id:ministry-of-finance"}


def test_malformed_turtle_names_file_line_and_column(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": MALFORMED})
    result = run("validate", "--root", str(root), "--sources", str(sources))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("innograph: error: kg/fixture.ttl:5:16: malformed Turtle"), lines[0]
    assert "malformed Turtle" in lines[0]


def test_undeclared_prefix_is_reported_with_its_position(tmp_path):
    root, sources = make_project(
        tmp_path, {"kg/fixture.ttl": "@prefix id: <https://w3id.org/innograph/id/> .\nid:a foo:b id:c .\n"}
    )
    result = run("validate", "--root", str(root), "--sources", str(sources))
    assert result.returncode == 2
    assert "kg/fixture.ttl:2:" in result.stderr and "foo:" in result.stderr


def test_not_a_project_exits_2(tmp_path):
    result = run("validate", "--root", str(tmp_path))
    assert result.returncode == 2
    assert "not an innograph project" in result.stderr


def test_broken_check_query_names_its_file(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": VALID, "queries/checks/oops-violation.rq": BAD_CHECK})
    result = run("validate", "--root", str(root), "--sources", str(sources))
    assert result.returncode == 2
    assert "queries/checks/oops-violation.rq" in result.stderr
    assert "not valid SPARQL" in result.stderr


def test_missing_sources_folder_is_a_warning_and_strict_fails(tmp_path):
    root, _ = make_project(tmp_path, {"kg/fixture.ttl": VALID})
    missing = tmp_path / "nowhere"
    assert run("validate", "--root", str(root), "--sources", str(missing)).returncode == 0
    strict = run("validate", "--root", str(root), "--sources", str(missing), "--strict")
    assert strict.returncode == 1
    assert "quotes were not checked" in strict.stdout


def test_stats_counts_every_source_graph(curated):
    result = run("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    files = {row["file"] for row in stats["by_file"]}
    assert {curated.project.relative(f.path) for f in curated.files if f.kind == "source"} <= files
    assert {f"kg/{stem}.ttl" for stem in CURATED_STEMS} <= files
    per_file = {row["file"]: row for row in stats["by_file"]}
    assert per_file["kg/000_ca962a35b1daecb9.ttl"]["targets"] == 2
    # the entities of a class, as many as the graph types so
    typed = ministries(curated)
    assert typed >= CURATED_MINISTRIES
    classes = {row["class"]: row["entities"] for row in stats["by_class"]}
    assert classes["ig:Ministry"] == len(typed)
    text = run("stats")
    assert "Entities by class" in text.stdout and "kg/003_75882ef34e9256a3.ttl" in text.stdout


def test_build_writes_the_dataset(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--out", str(out), "--format", "nq", "--no-views", "--no-docs")
    assert result.returncode == 0, result.stderr
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(out / "innograph.nq"), format=ox.RdfFormat.N_QUADS)
    graphs = {g.value for g in store.named_graphs()}
    assert "https://w3id.org/innograph/graph/003_75882ef34e9256a3" in graphs
    assert sorted(p.name for p in out.iterdir()) == ["innograph.nq", "manifest.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary folder left behind"


def test_build_writes_nothing_when_the_graph_is_invalid(tmp_path):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": BROKEN_RULE})
    out = tmp_path / "build"
    result = run("build", "--root", str(root), "--sources", str(sources), "--out", str(out))
    assert result.returncode == 1
    assert not out.exists()
    assert "nothing was written" in result.stderr


PREFIXES = """@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
VALID = PREFIXES + 'id:ningbo a ig:City ; rdfs:label "Ningbo"@en .\n'
BROKEN_RULE = PREFIXES + 'id:ministry-of-finance a ig:Ministry ;\n    rdfs:label "Ministry of Finance"@en .\n'
MALFORMED = PREFIXES + 'id:ningbo a ig:City ;\n    rdfs:label "Ningbo@en .\n'
BAD_CHECK = "# title: oops\n# severity: error\n# message: oops\nSELECT ?focus WHERE { ?focus ?p }\n"


def test_light_commands_do_not_import_heavy_libraries():
    code = (
        "import sys; from innograph.cli import main; import innograph; "
        "main(['stats', '--format', 'json']); "
        "print(sorted(m for m in ('pyshacl', 'rdflib', 'networkx', 'pyvis') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_queries_naming_undeclared_terms_are_reported(tmp_path):
    root, sources = make_project(
        tmp_path,
        {"kg/fixture.ttl": VALID, "queries/oops.rq": "# title: oops\nSELECT ?c WHERE {\n  ?c a ig:Citty .\n}\n"},
    )
    result = run("validate", "--root", str(root), "--sources", str(sources))
    assert result.returncode == 1
    assert "queries/oops.rq" in result.stdout and "line 3: ig:Citty" in result.stdout
    assert "the query uses ig:Citty, which the ontology does not declare" in result.stdout


# ------------------------------------------------------------------ fmt: line endings, BOM, final newline

CANONICAL = PREFIXES.replace("@prefix", "PREFIX").replace(" .\n", "\n") + (
    '\nid:ningbo\n    a ig:City ;\n    rdfs:label "Ningbo"@en ;\n.\n'
)


def _fmt_project(tmp_path, content: bytes):
    root, _sources = make_project(tmp_path, {"kg/fixture.ttl": VALID})
    path = root / "kg" / "fixture.ttl"
    path.write_bytes(content)
    return root, path


def test_canonical_text_is_what_fmt_writes(tmp_path):
    root, path = _fmt_project(tmp_path, VALID.encode())
    assert run("fmt", "--root", str(root), str(path)).returncode == 0
    assert path.read_bytes() == CANONICAL.encode()


@pytest.mark.parametrize(
    "content",
    [
        CANONICAL.replace("\n", "\r\n").encode(),  # CRLF
        CANONICAL.replace("\n", "\r").encode(),  # old Mac line endings
        b"\xef\xbb\xbf" + CANONICAL.encode(),  # a byte-order mark
        CANONICAL.encode().removesuffix(b"\n"),  # no final newline
        b"\xef\xbb\xbf" + CANONICAL.replace("\n", "\r\n").encode().removesuffix(b"\r\n"),  # all three
    ],
    ids=["crlf", "cr", "bom", "no-final-newline", "all"],
)
def test_fmt_check_reports_and_fmt_normalises_line_endings_bom_and_final_newline(tmp_path, content):
    root, path = _fmt_project(tmp_path, content)
    check = run("fmt", "--check", "--root", str(root), str(path))
    assert check.returncode == 1, check.stdout + check.stderr
    assert check.stdout == "not canonical: kg/fixture.ttl\n"
    assert path.read_bytes() == content  # --check writes nothing
    result = run("fmt", "--root", str(root), str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "reformatted kg/fixture.ttl\n"
    assert path.read_bytes() == CANONICAL.encode()
    assert run("fmt", "--check", "--root", str(root), str(path)).returncode == 0
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_fmt_normalises_a_file_with_no_statements_too(tmp_path):
    root, path = _fmt_project(tmp_path, b"\xef\xbb\xbf# header\r\n" + PREFIXES.replace("\n", "\r\n").encode())
    assert run("fmt", "--root", str(root), str(path)).returncode == 0
    assert path.read_bytes() == ("# header\n" + PREFIXES).encode()


def test_fmt_leaves_an_unparseable_crlf_file_with_a_bom_untouched(tmp_path):
    content = b"\xef\xbb\xbf" + MALFORMED.replace("\n", "\r\n").encode()
    root, path = _fmt_project(tmp_path, content)
    result = run("fmt", "--root", str(root), str(path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "does not parse" in result.stderr
    assert path.read_bytes() == content
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


def test_fmt_names_a_file_that_is_not_utf8(tmp_path):
    content = VALID.replace("Ningbo", "Ningb\xf6").encode("latin-1")
    root, path = _fmt_project(tmp_path, content)
    result = run("fmt", "--root", str(root), str(path))
    assert result.returncode == 2
    offset = content.index(b"\xf6")
    assert result.stderr.strip().splitlines() == [
        f"innograph: error: kg/fixture.ttl: is not UTF-8 text (byte 0xf6 at offset {offset}); save it as UTF-8"
    ]
    assert path.read_bytes() == content


def test_fmt_orders_blank_nodes_by_content_not_by_reading_order():
    """Anonymous property shapes come out in one order whatever order they were written in, so formatting a
    formatted file changes nothing (rdflib's longturtle orders blank nodes by the names the parser gave)."""
    from rdflib import Graph

    from innograph.fmt import canonical

    shapes = (REPO / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    # the same triples and prefixes, written by rdflib's plain Turtle writer: other blank node names and order
    rewritten = Graph().parse(data=shapes, format="turtle").serialize(format="turtle")

    def body(text: str) -> str:
        return "\n".join(line for line in text.split("\n") if not line.startswith("#")).strip()

    assert body(canonical(rewritten, "rewritten.ttl")) == body(shapes)
    assert canonical(shapes, "shapes.ttl") == shapes
