"""The compiled SHACL engine (``innograph validate``'s default) against the reference engines, result by result
(focus, path, value, component, shape, severity; tests/shacl_diff.py): pySHACL and Apache Jena, on every shape
fixture, on the curated graph, and on seeded random mutations of it that break one thing each (a wrong class,
a missing or extra value, a literal of another kind, an ill-formed or non-canonical literal, a lost type).

The engine runs as ``validate`` runs it: over the loaded project, literals read as the files write them. The
references read the same files, merged into one N-Triples file with the literals as written. Jena is skipped
where it is not installed, except in CI, whose .ci/run installs it."""

from __future__ import annotations

import os
import random
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import CURATED_STEMS, REPO, make_project, read_case
from shacl_diff import diff, jena_batch, jena_installed, pyshacl_results, results_from_report

from innograph.loader import load
from innograph.validation import shacl_results

FIXTURES = sorted((REPO / "tests" / "fixtures" / "shapes").glob("*.ttl"))
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
MUTATIONS = 24


def data_files(root: Path) -> list[Path]:
    """The files of the data graph validate checks: everything but the shapes."""
    ontology = [p for p in sorted((root / "ontology").rglob("*.ttl")) if p.name != "shapes.ttl"]
    return ontology + sorted((root / "kg").rglob("*.ttl"))


def merged(root: Path, out: Path) -> Path:
    """The project's data graph as one N-Triples file, literals as written, blank nodes kept apart."""
    triples = [t for path in data_files(root) for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    ox.serialize(triples, output=str(out), format=ox.RdfFormat.N_TRIPLES)
    return out


def fast(root: Path) -> Counter:
    kg = load(root, root.parent / "sources" if (root.parent / "sources").is_dir() else None)
    results, _, _ = shacl_results(kg, parallel=False)
    return Counter(r.as_tuple() for r in results)


def fixture_project(tmp_path: Path, path: Path) -> Path:
    case = read_case(path)
    root, _ = make_project(tmp_path, {case.place: path.read_text(encoding="utf-8")}, case.text)
    return root


# --- mutations of the curated graph ------------------------------------------------------------------------


def _literal(rng: random.Random, old: ox.Literal) -> ox.Literal:
    """A literal of another kind in place of ``old``: each breaks or bends one datatype rule."""
    choices = [
        ox.Literal(old.value),  # a plain string where a language or a datatype was wanted
        ox.Literal(old.value, language="zh"),
        ox.Literal("20x5", datatype=ox.NamedNode(f"{XSD}gYear")),  # ill-formed
        ox.Literal("2021-02-30", datatype=ox.NamedNode(f"{XSD}date")),  # no such day
        ox.Literal("45.50", datatype=ox.NamedNode(f"{XSD}decimal")),  # not canonical: the store writes 45.5
        ox.Literal("05", datatype=ox.NamedNode(f"{XSD}positiveInteger")),  # the store keeps "5"^^xsd:integer
        ox.Literal("1", datatype=ox.NamedNode(f"{XSD}boolean")),  # the store writes "true"
        ox.Literal("2025-6", datatype=ox.NamedNode(f"{XSD}gYearMonth")),  # ill-formed
        ox.Literal("+2.0E1", datatype=ox.NamedNode(f"{XSD}double")),
    ]
    return rng.choice(choices)


def mutate(triples: list[ox.Triple], rng: random.Random, entities: list[ox.NamedNode]) -> list[ox.Triple]:
    """One random change to an article's triples."""
    kind = rng.choice(["drop", "object", "literal", "duplicate", "type", "iri-as-literal", "extra-label"])
    i = rng.randrange(len(triples))
    t = triples[i]
    out = list(triples)
    if kind == "drop":
        del out[i]
    elif kind == "object" and isinstance(t.object, ox.NamedNode):
        out[i] = ox.Triple(t.subject, t.predicate, rng.choice(entities))
    elif kind == "literal" or (kind == "object" and isinstance(t.object, ox.Literal)):
        literals = [j for j, x in enumerate(triples) if isinstance(x.object, ox.Literal)]
        j = rng.choice(literals)
        out[j] = ox.Triple(triples[j].subject, triples[j].predicate, _literal(rng, triples[j].object))
    elif kind == "duplicate":
        other = rng.choice(triples)
        out.append(ox.Triple(t.subject, t.predicate, other.object))
    elif kind == "type":
        typed = [j for j, x in enumerate(triples) if x.predicate == RDF_TYPE]
        j = rng.choice(typed)
        other = rng.choice([x.object for x in triples if x.predicate == RDF_TYPE])
        if rng.random() < 0.5:
            del out[j]
        else:
            out[j] = ox.Triple(triples[j].subject, RDF_TYPE, other)
    elif kind == "iri-as-literal" and isinstance(t.object, ox.NamedNode):
        out[i] = ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value))
    else:  # a second English label, or a label on something that had none
        out.append(
            ox.Triple(
                t.subject, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("x", language="en")
            )
        )
    return out


def mutated_project(tmp_path: Path, seed: int) -> Path:
    """A copy of the project with one article graph changed by a seeded mutation (two changes for odd seeds)."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "kg", root / "kg")
    shutil.copytree(REPO.parent / "shared" / "sources", tmp_path / "sources")
    rng = random.Random(seed)
    # one of the curated articles, so that the same seed makes the same change in a grown graph
    articles = sorted(root / "kg" / f"{stem}.ttl" for stem in CURATED_STEMS)
    path = rng.choice(articles)
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    entities = sorted({t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}, key=str)
    for _ in range(1 + seed % 2):
        triples = mutate(triples, rng, entities)
    ox.serialize(triples, output=str(path), format=ox.RdfFormat.TURTLE)
    return root


# --- the cases ---------------------------------------------------------------------------------------------


def cases() -> list:
    out = [pytest.param("fixture", p, id=f"fixture-{p.stem}") for p in FIXTURES]
    out.append(pytest.param("curated", None, id="curated"))
    out += [pytest.param("mutation", seed, id=f"mutation-{seed}") for seed in range(MUTATIONS)]
    return out


def project_for(kind: str, arg, tmp_path: Path) -> Path:
    if kind == "fixture":
        return fixture_project(tmp_path, arg)
    if kind == "mutation":
        return mutated_project(tmp_path, arg)
    return REPO


@pytest.mark.parametrize(("kind", "arg"), cases())
def test_same_results_as_pyshacl(kind, arg, tmp_path):
    root = project_for(kind, arg, tmp_path)
    shapes = root / "ontology" / "shapes.ttl"
    expected = pyshacl_results(merged(root, tmp_path / "data.nt"), shapes)
    got = fast(root)
    assert got == expected, f"{kind} {arg}: innograph (got) vs pySHACL (expected):\n{diff(got, expected)}"


def test_mutations_break_things(tmp_path):
    """The mutations are not idle: most of them make the graph fail its shapes."""
    failing = sum(bool(fast(mutated_project(tmp_path / str(seed), seed))) for seed in range(MUTATIONS))
    assert failing >= MUTATIONS // 2, f"only {failing} of {MUTATIONS} mutations broke a shape"


@pytest.fixture(scope="module")
def jena_reports(tmp_path_factory):
    """Jena's report for every case, all in one JVM."""
    if not jena_installed():
        if os.environ.get("CI"):
            pytest.fail("Apache Jena is not installed: .ci/run installs libapache-jena-java", pytrace=False)
        pytest.skip("Apache Jena is not installed (apt-get install libapache-jena-java)")
    base = tmp_path_factory.mktemp("jena")
    roots, pairs = {}, []
    for param in cases():
        kind, arg = param.values
        work = base / param.id
        work.mkdir()
        root = project_for(kind, arg, work)
        roots[param.id] = root
        pairs.append((merged(root, work / "data.nt"), root / "ontology" / "shapes.ttl"))
    reports = jena_batch(pairs, base / "batch")
    return {param.id: (roots[param.id], report) for param, report in zip(cases(), reports, strict=True)}


@pytest.mark.parametrize(("kind", "arg"), cases())
def test_same_results_as_jena(kind, arg, jena_reports, request):
    case_id = request.node.callspec.id
    root, report = jena_reports[case_id]
    if isinstance(report, Exception):
        raise report
    expected = results_from_report(report)
    got = fast(root)
    assert got == expected, f"{case_id}: innograph (got) vs Jena (expected):\n{diff(got, expected)}"
