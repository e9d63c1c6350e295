"""``innograph terms TEXT`` and :func:`innograph.terms.search`: finding classes, properties and concepts by
name (English or Chinese), CURIE and definition, with what a curator needs to use each."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, make_project

from innograph.loader import load
from innograph.terms import Vocabulary, search, suggestions, to_text


def run(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def vocabulary(curated) -> Vocabulary:
    return Vocabulary(curated)


def test_a_class_by_its_label_shows_its_superclass_and_every_shape_rule(vocabulary):
    hits = vocabulary.search("observation")
    top = hits[0]
    assert (top.curie, top.kind, top.rank, top.matched) == ("ig:Observation", "class", 0, "label")
    assert top.label == "observation" and top.label_zh == "统计数据"
    assert [r.curie for r in top.superclasses] == ["ig:QuantitativeStatement"]
    rules = {(r.shape, r.path): r for r in top.rules}
    # its own shape first, then the inherited ones
    assert top.rules[0].shape == "igsh:ObservationShape"
    status = rules[("igsh:ObservationShape", "ig:status")]
    assert (status.min_count, status.max_count) == (1, 1) and "an IRI" in status.constraints
    assert "reported, an estimate or a forecast" in status.message
    value = rules[("igsh:QuantitativeStatementShape", "ig:value")]
    assert value.datatype == "xsd:decimal" and value.max_count == 1 and "45.0" in value.message
    assert rules[("igsh:QuantitativeStatementShape", "ig:setBy")].classes == ("ig:Programme",)
    assert rules[("igsh:ObservationShape", "ig:comparator")].constraints == ("not (has the value cmp:at-most)",)


def test_a_node_rule_and_a_list_of_values_are_shown(vocabulary):
    target = vocabulary.search("ig:Target")[0]
    assert (target.curie, target.rank, target.matched) == ("ig:Target", 0, "CURIE")
    node = [r for r in target.rules if r.shape == "igsh:TargetShape" and not r.path]
    assert node and "one of: [ig:setBy at least 1] | [ig:statedBy at least 1]" in node[0].constraints
    statement = vocabulary.search("ig:QuantitativeStatement")[0]
    assert statement.abstract
    assert {"ig:Target", "ig:Observation"} <= {r.curie for r in statement.subclasses}


def test_a_property_by_its_curie_shows_domain_range_and_the_shapes_that_use_it(vocabulary):
    hits = vocabulary.search("ig:setBy")
    hit = hits[0]
    assert hit.curie == "ig:setBy" and all(h.rank > 0 for h in hits[1:])
    assert (hit.kind, hit.label, hit.label_zh) == ("object property", "set by", "设定依据")
    assert [r.curie for r in hit.domain] == ["ig:QuantitativeStatement"]
    used = {(r.shape, r.target) for r in hit.rules}
    assert {("igsh:QuantitativeStatementShape", "ig:QuantitativeStatement"), ("igsh:PlanShape", "ig:Plan"),
            ("igsh:TargetShape", "ig:Target")} <= used  # fmt: skip
    in_or = next(r for r in hit.rules if r.shape == "igsh:TargetShape")
    assert "sh:or" in in_or.constraints[-1] and "ig:statedBy" in in_or.message
    post_in = vocabulary.search("ig:postIn")[0]
    assert [r.curie for r in post_in.range] == ["ig:Organization"]
    assert [r.curie for r in post_in.domain] == ["ig:Post"]


def test_rd_finds_the_indicators_with_their_scheme_labels_first(vocabulary):
    hits = vocabulary.search("R&D")
    assert hits[0].curie == "ind:rd-intensity" and hits[0].kind == "concept"
    assert hits[0].kind_text == "concept in scheme indicators"
    assert hits[0].scheme.label == "indicators"
    assert {"ind:rd-intensity", "ind:rd-expenditure", "ind:enterprise-rd-to-revenue"} <= {h.curie for h in hits}
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks)
    # a label match comes before a definition match
    assert all(h.matched != "definition" for h in hits[: ranks.count(1)])


def test_chinese_labels_are_searched(vocabulary):
    hits = vocabulary.search("研发")
    assert "ind:rd-intensity" in [h.curie for h in hits]  # 研发投入强度
    assert all("研发" in h.label_zh or any("研发" in a for a in h.alt_labels) for h in hits)
    (exact,) = [h for h in vocabulary.search("研发投入强度") if h.rank == 0]
    assert exact.curie == "ind:rd-intensity"


def test_definitions_alternative_labels_case_and_width_are_searched(vocabulary):
    by_alt = vocabulary.search("approximately")
    assert by_alt[0].curie == "cmp:about" and by_alt[0].matched == "alternative label"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "OBSERVATION")  # full-width letters, as CJK input may type them
    assert vocabulary.search(full_width)[0].curie == "ig:Observation"
    by_definition = [h for h in vocabulary.search("gross domestic product") if h.matched == "definition"]
    assert "ind:rd-intensity" in [h.curie for h in by_definition]
    assert vocabulary.search("set by")[0].curie == "ig:setBy"
    assert vocabulary.search("setBy")[0].curie == "ig:setBy"


def test_kind_filter_and_limit(vocabulary):
    assert {h.kind for h in vocabulary.search("unit", kind="property")} <= {
        "object property", "datatype property", "annotation property"}  # fmt: skip
    concepts = vocabulary.search("unit", kind="concept")
    assert concepts and {h.kind for h in concepts} <= {"concept", "concept scheme"}
    units = next(h for h in concepts if h.kind == "concept scheme")
    assert "unit:percent" in [m.curie for m in units.members]
    assert len(vocabulary.search("R&D", limit=2)) == 2
    assert all(h.kind == "class" for h in vocabulary.search("observation", kind="class"))


def test_close_names_are_suggested(vocabulary):
    assert [r.curie for r in vocabulary.suggestions("Obsevation")][:1] == ["ig:Observation"]
    assert "ig:setBy" in [r.curie for r in vocabulary.suggestions("ig:setBi")]
    assert vocabulary.search("zzqqxx") == []


def test_library_functions_work_from_a_notebook(curated):
    hits = search(curated, "observation", limit=1)
    assert [h.curie for h in hits] == ["ig:Observation"]
    assert "rules of igsh:ObservationShape:" in to_text(hits)
    assert suggestions(curated, "Obsevation")[0].curie == "ig:Observation"
    with pytest.raises(ValueError):
        search(curated, "x", kind="shape")


def test_a_project_with_its_own_class_finds_it_with_its_shape(tmp_path):
    """Terms come from the project's files, not a fixed list: a class declared there is found at once."""
    root, sources = make_project(tmp_path, {})
    (root / "ontology" / "innograph.ttl").write_text(
        (root / "ontology" / "innograph.ttl").read_text(encoding="utf-8")
        + '\nig:TransferCentre a owl:Class ; rdfs:label "transfer centre"@en , "技术转移中心"@zh ;\n'
        '    rdfs:subClassOf ig:Platform ; skos:definition "A centre that brings technology to firms."@en .\n',
        encoding="utf-8",
    )
    (root / "ontology" / "shapes.ttl").write_text(
        (root / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
        + "\nigsh:TransferCentreShape a sh:NodeShape ; sh:targetClass ig:TransferCentre ; sh:property [\n"
        "    sh:path ig:partnerUniversity ; sh:minCount 1 ; sh:class ig:University ;\n"
        '    sh:in ( ig:a ig:b ) ; sh:message "A centre names a partner university."@en ] .\n',
        encoding="utf-8",
    )
    (hit,) = search(load(root, sources), "技术转移")
    assert hit.curie == "ig:TransferCentre" and [r.curie for r in hit.superclasses] == ["ig:Platform"]
    own = [r for r in hit.rules if r.shape == "igsh:TransferCentreShape"]
    assert own[0].path == "ig:partnerUniversity" and own[0].min_count == 1 and own[0].values == ("ig:a", "ig:b")
    assert "one of ig:a, ig:b" in own[0].constraints
    assert any(r.shape == "igsh:PlatformShape" for r in hit.rules)  # inherited from ig:Platform


# ------------------------------------------------------------------------------------------ the command


@pytest.mark.parametrize(
    ("text", "first", "shows"),
    [
        ("observation", "ig:Observation  (class)", ["统计数据", "subclass of: ig:QuantitativeStatement",
                                                  "rules of igsh:ObservationShape:", "ig:status: exactly 1"]),
        ("R&D", "ind:rd-intensity  (concept in scheme indicators)", ["R&D intensity · 研发投入强度",
                                                                      "scheme: indicators"]),
        ("研发", None, ["研发投入强度"]),
        ("ig:setBy", "ig:setBy  (object property)", ["domain: ig:QuantitativeStatement",
                                                     "used by shapes:", "igsh:TargetShape on ig:Target"]),
    ],
)  # fmt: skip
def test_terms_command(text, first, shows):
    result = run("terms", text)
    assert result.returncode == 0, result.stderr
    if first:
        assert result.stdout.splitlines()[0] == first
    for piece in shows:
        assert piece in result.stdout, piece


def test_terms_json_kind_and_limit():
    result = run("terms", "R&D", "--format", "json", "--kind", "concept", "--limit", "2")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 2 and hits[0]["curie"] == "ind:rd-intensity"
    assert hits[0]["scheme"]["label"] == "indicators" and hits[0]["kind_text"] == "concept in scheme indicators"
    shown = run("terms", "R&D", "--limit", "1")
    assert "more; --limit 0 shows all" in shown.stdout


def test_no_hit_is_one_line_with_did_you_mean_and_exit_1():
    result = run("terms", "Obsevation")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "innograph: error: no term matches 'Obsevation'; did you mean ig:Observation (observation)?"
    ]
