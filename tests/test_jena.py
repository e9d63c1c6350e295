"""A second, independent SHACL engine: Apache Jena (Debian's libapache-jena-java, run through
../shared/tools/jena.sh) validates the same files under strict SHACL 1.0 semantics, reading literals as
written, and must reach the verdict innograph's shapes reach. Skipped where Jena is not installed, except
in CI, whose .ci/run installs it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, make_project, read_case

from innograph.loader import load
from innograph.validation import Locator, shacl_findings

JENA = REPO.parent / "shared" / "tools" / "jena.sh"
INSTALLED = JENA.is_file() and Path("/usr/share/java/jena-shacl.jar").is_file() and shutil.which("java")
if not INSTALLED:
    if os.environ.get("CI"):
        pytest.fail("Apache Jena is not installed: .ci/run installs libapache-jena-java", pytrace=False)
    pytestmark = pytest.mark.skip(reason="Apache Jena is not installed (apt-get install libapache-jena-java)")

SH = "http://www.w3.org/ns/shacl#"


def jena_results(root: Path, tmp: Path) -> set[tuple[str, str]]:
    """(focus IRI, constraint component) for each result of Jena's strict SHACL over the project's data,
    ontology and vocabularies (the graph innograph's shapes see), read from its report."""
    files = sorted(str(p) for p in [*root.glob("ontology/**/*.ttl"), *root.glob("kg/**/*.ttl")]
                   if p.name != "shapes.ttl")  # fmt: skip
    merged = tmp / "all.nt"
    with merged.open("wb") as out:
        subprocess.run(["sh", str(JENA), "riotcmd.riot", "--output=nt", *files], stdout=out, check=True,
                       stderr=subprocess.DEVNULL, timeout=120)  # fmt: skip
    report = subprocess.run(
        ["sh", str(JENA), "shacl.shacl", "validate", "--shapes", str(root / "ontology" / "shapes.ttl"),
         "--data", str(merged)],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    from rdflib import Graph, Namespace

    sh = Namespace(SH)
    graph = Graph().parse(data=report.stdout, format="turtle")
    assert next(graph.objects(None, sh.conforms), None) is not None, report.stdout[:500]
    return {
        (str(graph.value(r, sh.focusNode)), str(graph.value(r, sh.sourceConstraintComponent)).removeprefix(SH))
        for r in graph.subjects(sh.focusNode, None)
    }


def innograph_results(root: Path, sources: Path) -> set[tuple[str, str]]:
    kg = load(root, sources)
    found = set()
    for finding in shacl_findings(kg, Locator(kg)):
        component = finding.rule.rsplit(", ", 1)[-1]
        iri = finding.focus
        for prefix, namespace in (
            ("id:", "https://w3id.org/innograph/id/"),
            ("src:", "https://w3id.org/innograph/id/source/"),
        ):
            if iri.startswith(prefix):
                iri = namespace + iri.removeprefix(prefix)
        found.add((iri.strip("<>"), component))
    return found


def test_jena_and_innograph_agree_on_the_curated_graph(tmp_path):
    jena = jena_results(REPO, tmp_path)
    assert jena == innograph_results(REPO, REPO.parent / "shared" / "sources")
    assert jena == set()


@pytest.mark.parametrize("name", ["records-invalid", "records-valid", "statements-invalid", "targets-invalid"])
def test_jena_and_innograph_agree_on_a_fixture(tmp_path, name):
    case = read_case(FIXTURES / "shapes" / f"{name}.ttl")
    root, sources = make_project(tmp_path, {case.place: case.path.read_text(encoding="utf-8")}, case.text)
    assert jena_results(root, tmp_path) == innograph_results(root, sources)
