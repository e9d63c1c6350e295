"""Errors that name the fix: "did you mean" for misspelt terms and references, the nearest passage of the
article for a quote that is not in it, one line and column for a parse error whatever the command, what a
source without a graph lacks, drafts refused as curated data, and the file-naming rule in the guide.

The fixtures in tests/fixtures/messages/ list, in ``# finding: FILE:LINE FOCUS RULE MESSAGE`` lines, every
finding of the rules they name, word for word; those in tests/fixtures/malformed/ give, in a
``# error: LINE:COLUMN DETAIL`` line, the parse error every command must report.
"""

from __future__ import annotations

import random
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import CURATED_FILES, FIXTURES, REPO, make_project, read_case, validate_case

from innograph.cli import main
from innograph.errors import EXIT_INPUT, InputError
from innograph.loader import load
from innograph.validation import Passages, validate

MESSAGES = sorted((FIXTURES / "messages").glob("*.ttl"))
MALFORMED = sorted((FIXTURES / "malformed").glob("*.ttl"))
_FINDING = re.compile(r"^#\s*finding:\s*(\S+:\d+)\s+(\S+)\s+(\S+)\s+(.+)$")


def stated(path: Path) -> set[tuple[str, str, str, str]]:
    """The ``# finding:`` lines of a fixture, as (file:line, focus, rule, message)."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := _FINDING.match(line):
            where, focus, rule, message = match.groups()
            found.add((where, "" if focus == "-" else focus, rule, message))
    return found


def rule_of(finding) -> str:
    return finding.rule.replace("check ", "check:")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ findings, word for word


@pytest.mark.parametrize("path", [p for p in MESSAGES if stated(p)], ids=lambda p: p.stem)
def test_fixture_findings_are_word_for_word(tmp_path, path):
    expected = stated(path)
    rules = {rule for _, _, rule, _ in expected}
    report = validate_case(tmp_path, read_case(path))
    got = {(f"{f.file}:{f.line}", f.focus, rule_of(f), f.message) for f in report.findings if rule_of(f) in rules}
    assert got == expected, "\n".join(sorted(f"# finding: {w} {f or '-'} {r} {m}" for w, f, r, m in got))


# ------------------------------------------------------------------ did you mean


def test_misspelt_class_and_property_name_the_declared_term(tmp_path):
    report = validate_case(tmp_path, read_case(FIXTURES / "messages" / "did-you-mean-terms.ttl"))
    messages = {f.message for f in report.findings if f.rule == "check undeclared-ig-term"}
    assert any(m.startswith("uses ig:Citty,") and m.endswith("; did you mean ig:City?") for m in messages)
    assert any(m.startswith("uses ig:locatedin,") and m.endswith("; did you mean ig:locatedIn?") for m in messages)
    # a difference in case alone is the only suggestion, even where other terms come close
    assert any(m.startswith("uses ig:city,") and m.endswith("; did you mean ig:City?") for m in messages)
    # nothing close: the plain message, ending as it always did
    plain = [m for m in messages if m.startswith("uses ig:qqxzzv,")]
    assert plain == [
        "uses ig:qqxzzv, which ontology/innograph.ttl does not declare: fix the spelling or declare the term."
    ]


def test_observation_and_set_by_misspelt_as_in_the_issue(tmp_path):
    body = (
        "@prefix id: <https://w3id.org/innograph/id/> .\n@prefix ig: <https://w3id.org/innograph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\nid:fixture-city a ig:City ;\n"
        '    rdfs:label "Fixture city"@en .\n\nid:plan a ig:Obsevation ;\n    rdfs:label "A plan"@en ;\n'
        "    ig:setby id:fixture-city .\n"
    )
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": body})
    report = validate(load(root, sources))
    found = sorted((f.file, f.line, f.message) for f in report.findings if f.rule == "check undeclared-ig-term")
    assert found == [
        ("kg/fixture.ttl", 8, "uses ig:Obsevation, which ontology/innograph.ttl does not declare: fix the spelling "
         "or declare the term; did you mean ig:Observation?"),
        ("kg/fixture.ttl", 8, "uses ig:setby, which ontology/innograph.ttl does not declare: fix the spelling or "
         "declare the term; did you mean ig:setBy?"),
    ]  # fmt: skip


def test_unknown_reference_is_ranked_as_every_command_ranks_names(tmp_path):
    from innograph.checks import Suggestions
    from innograph.engines import OxigraphEngine
    from innograph.entities import EntityResolver
    from innograph.namespaces import curie

    case = read_case(FIXTURES / "messages" / "did-you-mean-references.ttl")
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": case.path.read_text(encoding="utf-8")}, case.text)
    kg = load(root, sources)
    resolver = EntityResolver(OxigraphEngine(kg))
    typed = "https://w3id.org/innograph/id/ningb"
    ranked = [curie(iri) for iri in resolver.suggestions("id:ningb")]
    assert ranked and ranked[0] == "id:ningbo"
    assert [s.split(" (")[0] for s in Suggestions(kg)(typed)] == ranked
    assert Suggestions(kg)(typed)[0] == "id:ningbo (Ningbo)"


def test_a_large_graph_ranks_only_names_that_share_letters_with_the_one_typed(tmp_path, monkeypatch):
    from innograph import checks

    case = read_case(FIXTURES / "messages" / "did-you-mean-references.ttl")
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": case.path.read_text(encoding="utf-8")}, case.text)
    kg = load(root, sources)
    typed = ["https://w3id.org/innograph/id/ningb", "https://w3id.org/innograph/vocab/unit/percnt"]
    every = [checks.Suggestions(kg)(iri) for iri in typed]
    monkeypatch.setattr(checks, "PREFILTER_ABOVE", 0)
    assert (
        [checks.Suggestions(kg)(iri) for iri in typed] == every == [["id:ningbo (Ningbo)"], ["unit:percent (percent)"]]
    )


def test_did_you_mean_reads_nothing_on_a_clean_graph(tmp_path, monkeypatch):
    from innograph import checks

    def fail(self, iri):
        raise AssertionError(f"suggestions asked for {iri} on a clean graph")

    monkeypatch.setattr(checks.Suggestions, "__call__", fail)
    case = read_case(FIXTURES / "checks" / "undefined-reference-valid.ttl")
    assert validate_case(tmp_path, case).findings == []


def test_the_curated_graph_is_still_clean(curated_report):
    assert curated_report.errors == [], curated_report.to_text()


# ------------------------------------------------------------------ the nearest passage


def test_nearest_passage_marks_the_words_that_differ():
    article = "In 2022 the city expects over 45 percent of its firms to innovate, and it will build 12 new labs."
    passages = Passages(article)
    assert passages.explain("the city expects over 50 percent of its firms") == (
        'nearest passage: "…the city expects over [45] percent of its firms…" (quote has [50])'
    )
    dropped = passages.explain("it will build new labs.")
    assert dropped == 'nearest passage: "…it will build [12] new labs." (quote has [])'
    assert passages.explain("it will build 12 more new labs.") == (
        'nearest passage: "…it will build 12 [] new labs." (quote has [more])'
    )
    assert passages.explain("Shanghai doubled its spending on basic research") == (
        "no passage of the article is close to 'Shanghai doubled its spending on basic research'"
    )


def test_nearest_passage_is_one_line_in_text_and_json(tmp_path, capsys):
    import json

    case = read_case(FIXTURES / "messages" / "nearest-passage.ttl")
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": case.path.read_text(encoding="utf-8")}, case.text)
    expected = {m for _, _, rule, m in stated(case.path) if rule == "quotes"}
    code, out, _ = cli(capsys, "validate", "--root", str(root), "--sources", str(sources), "--format", "json")
    assert code == 1
    in_json = {f["message"] for f in json.loads(out)["findings"] if f["rule"] == "quotes"}
    assert in_json == expected
    code, out, _ = cli(capsys, "validate", "--root", str(root), "--sources", str(sources))
    for message in expected:
        assert f"    error: {message}  [quotes]" in out.splitlines()


def test_an_article_is_indexed_once_and_only_when_a_quote_fails(tmp_path, monkeypatch):
    from innograph import validation

    built = []
    original = validation.Passages.__init__

    def counting(self, text):
        built.append(text)
        original(self, text)

    monkeypatch.setattr(validation.Passages, "__init__", counting)
    good = read_case(FIXTURES / "checks" / "quotes-valid.ttl")
    assert validate_case(tmp_path / "good", good).findings == []
    assert built == []
    bad = read_case(FIXTURES / "messages" / "nearest-passage.ttl")
    report = validate_case(tmp_path / "bad", bad)
    assert len([f for f in report.findings if f.rule == "quotes"]) == 4
    assert len(built) == 1


def test_nearest_passage_is_fast_on_a_long_article_and_many_quotes():
    rng = random.Random(12)
    vocabulary = [f"word{i}" for i in range(3000)] + ["the", "of", "and", "in", "a"] * 300
    words = [rng.choice(vocabulary) for _ in range(200_000)]
    started = time.perf_counter()
    passages = Passages(" ".join(words))
    quotes = []
    for _ in range(1000):
        at = rng.randrange(len(words) - 30)
        quote = words[at : at + rng.randint(6, 25)]
        quote[len(quote) // 2] = "CHANGED"
        quotes.append((at, quote))
    found = [passages.nearest(" ".join(quote)) for _, quote in quotes]
    elapsed = time.perf_counter() - started
    # about a second on the development machine: the bound only catches a search that scans the article
    assert elapsed < 20, f"{elapsed:.1f} s"
    right = sum(1 for (at, quote), span in zip(quotes, found, strict=True) if span == (at, at + len(quote)))
    assert right >= 980, right


# ------------------------------------------------------------------ one line and column for parse errors


def _expected_error(path: Path) -> tuple[str, str]:
    match = re.search(r"^# error: (\d+:\d+) (.+)$", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path.name} states no '# error:' line"
    return match.group(1), match.group(2)


VARIANTS = {
    "lf": lambda data: data,
    "bom": lambda data: b"\xef\xbb\xbf" + data,
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_every_command_gives_the_same_line_and_column(tmp_path, capsys, path, variant):
    position, detail = _expected_error(path)
    root, sources = make_project(tmp_path, {})
    bad = root / "kg" / "bad.ttl"
    content = VARIANTS[variant](path.read_bytes())
    bad.write_bytes(content)
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    project = ("--root", str(root), "--sources", str(sources))
    commands = {
        "validate": ("validate", *project),
        "stats": ("stats", *project),
        "query": ("query", str(query), *project),
        "fmt": ("fmt", "--root", str(root), str(bad)),
        "fmt --check": ("fmt", "--check", "--root", str(root), str(bad)),
    }
    lines = {}
    for name, args in commands.items():
        code, _, err = cli(capsys, *args)
        assert code == EXIT_INPUT, (name, err)
        errors = err.strip().splitlines()
        assert len(errors) == 1, (name, err)
        lines[name] = errors[0]
    assert bad.read_bytes() == content  # fmt left it as it is
    prefix = f"innograph: error: kg/bad.ttl:{position}: "
    for name, line in lines.items():
        assert line.startswith(prefix) and line.endswith(f": {detail}"), (name, line)
    assert lines["validate"] == lines["stats"] == lines["query"] == f"{prefix}malformed Turtle: {detail}"
    assert lines["fmt"] == lines["fmt --check"] == f"{prefix}cannot be formatted, it does not parse: {detail}"


def test_a_bom_alone_is_still_named_in_words(tmp_path):
    from innograph.loader import BOM_MESSAGE, turtle_error

    good = (FIXTURES / "checks" / "quotes-valid.ttl").read_bytes()
    assert str(turtle_error(b"\xef\xbb\xbf" + good, "kg/x.ttl")) == f"kg/x.ttl: {BOM_MESSAGE}"
    assert turtle_error(good, "kg/x.ttl") is None


# ------------------------------------------------------------------ a source without a graph


def _sources_record(stem: str) -> str:
    return (
        "@prefix ig: <https://w3id.org/innograph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix src: <https://w3id.org/innograph/id/source/> .\n\n"
        f'src:{stem} a ig:SourceArticle ;\n    rdfs:label "Fixture article"@en ;\n'
        f'    ig:fileName "{stem}.txt" ;\n    ig:title "Fixture article"@en .\n'
    )


def _without_graph(report) -> list[str]:
    return [f.message for f in report.findings if f.rule == "check source-without-graph"]


def test_a_source_whose_graph_file_is_missing_is_told_what_to_run(tmp_path):
    root, sources = make_project(tmp_path, {"kg/sources.ttl": _sources_record("x")})
    (sources / "x.txt").write_text("An article.", encoding="utf-8")
    assert _without_graph(validate(load(root, sources))) == [
        "has no curated facts: there is no kg/x.ttl; run innograph draft ../sources/x.txt and innograph accept "
        "drafts/x.ttl, or write kg/x.ttl by hand (docs/curation.md)."
    ]
    assert not (root / "kg" / "x.ttl").exists()


def test_a_source_whose_graph_file_is_empty_is_never_asked_to_create_it(tmp_path):
    empty = "@prefix id: <https://w3id.org/innograph/id/> .\n"
    root, sources = make_project(tmp_path, {"kg/sources.ttl": _sources_record("x"), "kg/x.ttl": empty})
    (sources / "x.txt").write_text("An article.", encoding="utf-8")
    messages = _without_graph(validate(load(root, sources)))
    assert messages == [
        "has no curated facts yet: kg/x.ttl exists but holds no statements; write the article's facts in it "
        "(docs/curation.md), or run innograph draft ../sources/x.txt to have them proposed."
    ]
    assert "create" not in messages[0] and "there is no" not in messages[0]


def test_an_empty_graph_file_is_seen_through_a_store_too(tmp_path, capsys):
    empty = "@prefix id: <https://w3id.org/innograph/id/> .\n"
    root, sources = make_project(tmp_path, {"kg/sources.ttl": _sources_record("x"), "kg/x.ttl": empty})
    (sources / "x.txt").write_text("An article.", encoding="utf-8")
    store = tmp_path / "store"
    assert cli(capsys, "load", "--root", str(root), "--sources", str(sources), "--store", str(store))[0] == 0
    code, out, _ = cli(capsys, "validate", "--root", str(root), "--sources", str(sources), "--store", str(store))
    assert code == 1
    assert "kg/x.ttl exists but holds no statements" in out and "there is no kg/x.ttl" not in out


# ------------------------------------------------------------------ drafts are not curated data


DRAFT = FIXTURES / "messages" / "draft.ttl"


def test_the_loader_knows_the_draft_marker_draft_writes():
    from innograph import draft, loader

    assert loader.DRAFT_GRAPH == draft.DRAFT_GRAPH
    assert loader.DRAFTS_DIR == draft.DRAFTS_DIR
    assert draft.is_draft(DRAFT)


@pytest.mark.parametrize("place", ["kg/fixture.ttl", "kg/reference/drafted.ttl", "ontology/drafted.ttl"])
def test_a_draft_under_kg_or_ontology_is_refused_in_one_line(tmp_path, capsys, place):
    root, sources = make_project(tmp_path, {place: DRAFT.read_text(encoding="utf-8")})
    name = Path(place).name
    expected = (
        f"{place}: a draft, not curated data: move it to drafts/{name}, review it and run innograph accept "
        f"drafts/{name}"
    )
    with pytest.raises(InputError) as raised:
        load(root, sources)
    assert str(raised.value) == expected
    for command in ("validate", "stats"):
        code, _, err = cli(capsys, command, "--root", str(root), "--sources", str(sources))
        assert code == EXIT_INPUT
        assert err.strip().splitlines() == [f"innograph: error: {expected}"]


def test_following_the_message_gets_past_the_refusal(tmp_path, capsys):
    root, sources = make_project(tmp_path, {"kg/fixture.ttl": DRAFT.read_text(encoding="utf-8")})
    (root / "drafts").mkdir()
    shutil.move(root / "kg" / "fixture.ttl", root / "drafts" / "fixture.ttl")
    load(root, sources)  # the project loads again
    draft = str(root / "drafts" / "fixture.ttl")
    code, _, err = cli(capsys, "accept", draft, "--root", str(root), "--sources", str(sources))
    # accept reads the draft (here it says nothing is kept yet): what it says is its own business
    assert code in (0, 1) and "a draft, not curated data" not in err, err


# ------------------------------------------------------------------ the file-naming rule in the guide


def test_the_guide_states_the_file_naming_rule_the_shape_checks():
    from rdflib import Graph, URIRef

    shapes = Graph().parse(REPO / "ontology" / "shapes.ttl")
    sh = "http://www.w3.org/ns/shacl#"
    patterns = {
        str(shapes.value(node, URIRef(f"{sh}pattern")))
        for node in shapes.subjects(URIRef(f"{sh}path"), URIRef("https://w3id.org/innograph/ontology#fileName"))
        if shapes.value(node, URIRef(f"{sh}pattern")) is not None
    }
    assert len(patterns) == 1
    pattern = patterns.pop()
    guide = (REPO / "docs" / "extending.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 1. Add the source article") : guide.index("## 2.")]
    assert f"`{pattern}`" in section  # the same rule, written where the guide adds the source
    assert "`NNN_<16 hex digits>`" in section and "`kg/<stem>.ttl`" in section and "`sources`" in section
    names = re.findall(r'ig:fileName "([^"]+)"', (REPO / "kg" / "sources.ttl").read_text(encoding="utf-8"))
    assert names
    for name in names:  # every article follows the rule; the curated ones also the pattern the guide states
        assert re.fullmatch(pattern, name), name
        if name in CURATED_FILES:
            assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", name), name
    assert re.fullmatch(pattern, "900_example.txt")
