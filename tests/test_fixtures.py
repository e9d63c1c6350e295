"""Every shape family and every lint has a valid and an invalid fixture; each invalid one breaks exactly
the rules it names in its ``# expect:`` lines, no more and no fewer."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, matches, read_case, validate_case

SHAPE_FILES = sorted((FIXTURES / "shapes").glob("*.ttl"))
CHECK_FILES = sorted((FIXTURES / "checks").glob("*.ttl"))
ALL = SHAPE_FILES + CHECK_FILES


def _id(path):
    return f"{path.parent.name}/{path.stem}"


def test_every_family_has_a_valid_and_an_invalid_fixture():
    for folder in ("shapes", "checks"):
        stems = {p.stem for p in (FIXTURES / folder).glob("*.ttl")}
        families = {s.rsplit("-", 1)[0] for s in stems}
        for family in families:
            assert f"{family}-valid" in stems, f"{folder}/{family} has no valid fixture"
            assert f"{family}-invalid" in stems, f"{folder}/{family} has no invalid fixture"


def test_every_check_has_a_failing_fixture():
    from conftest import REPO

    checks = {p.name.removesuffix("-violation.rq") for p in (REPO / "queries" / "checks").glob("*-violation.rq")}
    expected_rules = {rule for path in CHECK_FILES for _, rule in read_case(path).expected}
    missing = {c for c in checks if f"check:{c}" not in expected_rules}
    assert not missing, f"checks without an invalid fixture: {sorted(missing)}"


@pytest.mark.parametrize("path", [p for p in ALL if p.stem.endswith("-valid")], ids=_id)
def test_valid_fixture_has_no_findings(tmp_path, path):
    report = validate_case(tmp_path, read_case(path))
    assert report.findings == [], report.to_text()


@pytest.mark.parametrize("path", [p for p in ALL if p.stem.endswith("-invalid")], ids=_id)
def test_invalid_fixture_breaks_exactly_its_rules(tmp_path, path):
    case = read_case(path)
    assert case.expected, f"{path.name} states no '# expect:' line"
    report = validate_case(tmp_path, case)
    for focus, rule in case.expected:
        assert any(matches(f, focus, rule) for f in report.findings), f"expected {rule} on {focus}\n{report.to_text()}"
    unexpected = [f for f in report.findings if not any(matches(f, focus, rule) for focus, rule in case.expected)]
    assert not unexpected, "findings the fixture does not expect:\n" + "\n".join(map(str, unexpected))
