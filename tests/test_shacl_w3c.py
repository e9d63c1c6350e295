"""The W3C SHACL core test suite (tests/fixtures/w3c-shacl/, see its README.md) run on the reference engines
(Apache Jena's strict SHACL 1.0 and pySHACL) and on innograph's own engine, each compared result by result
(focus, path, value, component, shape, severity: tests/shacl_diff.py) with the suite's expected report.

Where a reference engine deviates from the suite, that engine/case pair is an ``xfail(strict=True)`` naming the
deviation: a differential test between innograph's engine and that reference must not trust it on that case.
Jena is skipped where it is not installed, except in CI, whose .ci/run installs it."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from shacl_diff import (
    W3CCase,
    conforms_of_report,
    diff,
    jena_batch,
    jena_installed,
    jena_results,
    pyshacl_report,
    read_graph,
    results_from_report,
    term,
    w3c_cases,
)

SH = "http://www.w3.org/ns/shacl#"
WARNING, INFO = f"<{SH}Warning>", f"<{SH}Info>"
CASES = w3c_cases()
# cases on which the one-JVM batch is compared with the command itself: an ill-formed literal kept as written,
# an inverse path, a data graph in a file of its own, a result reported twice
BATCH_CHECKS = ["core/property/datatype-ill-formed", "core/path/path-inverse-001", "core/validation-reports/shared"]

# Engine/case pairs where the reference engine's report differs from the W3C expected report, and why.
JENA_DEVIATIONS: dict[str, str] = {}
PYSHACL_DEVIATIONS = {
    "core/property/uniqueLang-002": 'pySHACL 0.40 reads sh:uniqueLang "1"^^xsd:boolean as true (by its value) and '
    "reports the duplicate @en values; the spec activates the constraint only for the literal true, so the suite "
    "expects it ignored and the data to conform",
}


def params(deviations: dict[str, str]) -> list:
    out = []
    for case in CASES:
        marks = []
        if case.skip:
            marks.append(pytest.mark.skip(reason=case.skip))
        elif case.name in deviations:
            marks.append(pytest.mark.xfail(strict=True, reason=deviations[case.name]))
        out.append(pytest.param(case, id=case.name.removeprefix("core/"), marks=marks))
    return out


def check(case: W3CCase, conforms: bool, got: Counter, allow_warnings: bool = False) -> None:
    assert got == case.expected, f"{case.name} ({case.label}):\n{diff(got, case.expected)}"
    expected = case.conforms
    if allow_warnings and case.expected and all(r[5] in (WARNING, INFO) for r in case.expected):
        expected = True  # pySHACL's allow_warnings: a report of warnings and infos only conforms (misc/severity-001)
    assert conforms == expected


def needs_jena() -> None:
    if not jena_installed():
        if os.environ.get("CI"):
            pytest.fail("Apache Jena is not installed: .ci/run installs libapache-jena-java", pytrace=False)
        pytest.skip("Apache Jena is not installed (apt-get install libapache-jena-java)")


@pytest.fixture(scope="session")
def jena_reports(tmp_path_factory) -> dict[str, object]:
    """Jena's report graph (or the exception it raised) for every runnable case, all in one JVM."""
    needs_jena()
    runnable = [c for c in CASES if not c.skip]
    reports = jena_batch([(c.data, c.shapes) for c in runnable], tmp_path_factory.mktemp("jena-w3c"))
    return {c.name: r for c, r in zip(runnable, reports, strict=True)}


def test_terms_are_written_as_oxigraph_writes_them():
    """A Result's terms are ``str()`` of the Oxigraph terms: literals as written, escaped as N-Triples."""
    text = r"""@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <http://a/s> <http://a/p> "05"^^xsd:positiveInteger, 05, 1.0, 1e0, true, "300"^^xsd:byte, "x"^^xsd:string,
            "q\"b\\s\n\r\t\u0001\u007fé", "Hi"@EN-GB, "a"^^<http://a/dt>, <http://a/o>, [] .""".encode()
    ours = sorted(term(o) for o in read_graph(text).objects())
    oxigraph = sorted("_:" if isinstance(q.object, ox.BlankNode) else str(q.object)
                      for q in ox.parse(input=text, format=ox.RdfFormat.TURTLE))  # fmt: skip
    assert ours == oxigraph
    assert '"05"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>' in ours and '"x"' in ours
    assert '"Hi"@en-gb' in ours


def test_suite_is_vendored():
    assert len(CASES) >= 90
    assert {"node", "property", "path", "targets"} <= {t for c in CASES for t in c.tags}
    assert all(c.data.is_file() and c.shapes.is_file() for c in CASES)


@pytest.mark.parametrize("name", BATCH_CHECKS)
def test_jena_batch_is_the_command(name: str, jena_reports, tmp_path: Path):
    """The one-JVM batch reports what ``jena.sh shacl.shacl validate`` reports, on a few cases (one JVM each)."""
    case = next(c for c in CASES if c.name == name)
    assert jena_results(case.data, case.shapes, tmp_path) == results_from_report(jena_reports[name])


@pytest.mark.parametrize("case", params(JENA_DEVIATIONS))
def test_jena_matches_expected(case: W3CCase, jena_reports):
    report = jena_reports[case.name]
    if isinstance(report, Exception):
        raise report
    check(case, conforms_of_report(report), results_from_report(report))


@pytest.mark.parametrize("case", params(PYSHACL_DEVIATIONS))
def test_pyshacl_matches_expected(case: W3CCase):
    # With allow_warnings=True (the options innograph validates with), pySHACL's sh:conforms is true when every
    # result is a sh:Warning or sh:Info, where SHACL says a report with any result does not conform.
    report = pyshacl_report(case.data, case.shapes)
    check(case, conforms_of_report(report), results_from_report(report), allow_warnings=True)


@pytest.mark.parametrize("case", params({}))
def test_fast_engine_matches_expected(case: W3CCase):
    pytest.importorskip("innograph.shacl")
    from innograph.shacl import validate_files

    got = Counter(r.as_tuple() for r in validate_files([case.data], case.shapes))
    assert got == case.expected, f"{case.name} ({case.label}):\n{diff(got, case.expected)}"
