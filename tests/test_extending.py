"""Extending the project as a new user would: the guide's commands, run in order on a copy of the
repository, end with a clean validation; broken variants give the messages the guide promises; the whole
suite stays green on the grown copy, and on one grown further by a second article; and the canonical
formatter never changes a triple."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, ministries

from innograph.fmt import canonical, turtle_files
from innograph.loader import load
from innograph.network import project

GUIDE = REPO / "docs" / "extending.md"
IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "views", "__pycache__", "*.egg-info", ".pytest_cache")
EXAMPLE = REPO / "kg" / "900_example.ttl"  # where the guide's example puts its facts
GROWTH = "INNOGRAPH_GROWTH"  # =1: run the growth tests (CI runs them anyway)
INNER = "INNOGRAPH_GROWTH_INNER"  # set in the suite that a growth test runs: it does not run them again


def guide_commands() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("INNOGRAPH_ROOT", None)
    env.pop("INNOGRAPH_SOURCES", None)
    return env


def innograph(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(),
    )


def clone(root: Path, base: Path) -> Path:
    """A copy of the repository at ``root`` in ``base/main``, beside a writable copy of its ``../shared``
    (the source articles, and the tools some tests run)."""
    shutil.copytree(root, base / "main", ignore=IGNORED)
    shutil.copytree(root.parent / "shared", base / "shared", ignore=shutil.ignore_patterns("__pycache__"))
    for path in (base / "shared").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return base / "main"


@pytest.fixture(scope="module")
def extended(tmp_path_factory) -> Path:
    """A copy of the repository (beside a writable copy of the sources) after every step of the guide.

    A repository that has followed the guide already (the copy a growth test runs the suite in) is copied as it
    is: the guide's first command would refuse to add its article a second time."""
    followed = EXAMPLE.is_file()
    copy = clone(REPO, tmp_path_factory.mktemp("clone"))
    if followed:
        return copy
    script = "set -euo pipefail\n" + "\n".join(guide_commands())
    result = subprocess.run(
        ["bash", "-c", script], cwd=copy, capture_output=True, text=True, timeout=600, env=environment()
    )
    assert result.returncode == 0, f"the guide's commands failed:\n{result.stdout}\n{result.stderr}"
    assert not EXAMPLE.exists(), "the guide's commands wrote into the repository, not into its copy"
    return copy


def test_the_repository_holds_no_made_up_article():
    """The guide's example is made up: it belongs in the copies the tests make, never in the repository."""
    if os.environ.get(INNER):
        pytest.skip("this repository is a growth test's copy, which followed the guide")
    assert not EXAMPLE.exists(), f"{EXAMPLE.name} is the guide's made-up example, not curated data"
    assert "src:900_example" not in (REPO / "kg" / "sources.ttl").read_text(encoding="utf-8")


def test_guide_has_a_command_for_each_step():
    text = "\n".join(guide_commands())
    for command in ("innograph new source", "innograph new class", "innograph fmt", "innograph validate",
                    "innograph query ", "innograph queries"):  # fmt: skip
        assert command in text


def test_following_the_guide_ends_clean(extended):
    result = innograph(extended, "validate")
    assert result.returncode == 0, result.stdout
    assert "0 error(s)" in result.stdout
    assert "ig:TechnologyTransferCentre" not in result.stdout  # used now, and defined
    assert innograph(extended, "fmt", "--check").returncode == 0
    answer = innograph(extended, "query", "technology-transfer-centres", "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.splitlines() == [
        "centre,university,builtBy",
        "Riverton Technology Transfer Centre,Riverton University,Riverton Municipal Bureau of Science and Technology",
        "Riverton Technology Transfer Centre,Riverton University,Riverton University",
    ]
    figure = innograph(extended, "query", "figures-about", "--param", "entity=riverton-technology-transfer-centre")
    assert "technology transfer contracts brokered" in figure.stdout and "42" in figure.stdout


BROKEN = [
    ("kg/900_example.ttl", "a ig:TechnologyTransferCentre", "a ig:TechnologyTransferCenter",
     "uses ig:TechnologyTransferCenter, which ontology/innograph.ttl does not declare"),
    ("kg/900_example.ttl", "ig:partnerUniversity id:riverton-university", "ig:partnerUniversity id:riverton-univeristy",
     "refers to id:riverton-univeristy, which no file defines"),
    ("kg/900_example.ttl", "brokered 42 technology transfer contracts", "brokered 43 technology transfer contracts",
     "quote not found word for word in src:900_example"),
    ("kg/900_example.ttl", "ig:value 42.0", "ig:value 42",
     "ig:value is a single decimal number"),
    ("ontology/innograph.ttl", "A centre that brings technology from universities", "TODO: write",
     "still has a placeholder definition"),
    ("kg/900_example.ttl", "ig:partnerUniversity id:riverton-university", "ig:locatedIn id:riverton",
     "A technology transfer centre names at least one partner university"),
    ("queries/technology-transfer-centres.rq", "ig:partnerUniversity", "ig:partnerUniversty",
     "the query uses ig:partnerUniversty, which the ontology does not declare"),
]  # fmt: skip


@pytest.mark.parametrize(("file", "old", "new", "message"), BROKEN, ids=[b[3][:40] for b in BROKEN])
def test_broken_extensions_give_the_promised_message(extended, tmp_path, file, old, new, message):
    copy = tmp_path / "main"
    shutil.copytree(extended, copy)
    shutil.copytree(extended.parent / "shared", tmp_path / "shared")
    target = copy / file
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = innograph(copy, "validate")
    assert result.returncode == 1, result.stdout
    assert message in result.stdout, result.stdout


# ------------------------------------------------------------------ growth: the whole suite on grown copies


def growth_skipped() -> str | None:
    """Why the growth tests are skipped here, or None where they run: in CI, and when asked for."""
    if os.environ.get(INNER):
        return f"{INNER} is set: this is the suite a growth test runs, which does not run itself again"
    if os.environ.get("CI", "").lower() not in ("", "0", "false") or os.environ.get(GROWTH) == "1":
        return None
    return (
        "runs the whole suite again on grown copies of the repository, which takes as long as the suite: "
        f"CI runs it, and {GROWTH}=1 asks for it"
    )


SKIPPED = growth_skipped()
growth = pytest.mark.skipif(SKIPPED is not None, reason=SKIPPED or "")


def suite(root: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    """``python -m pytest ARGS`` in the copy at ``root``: its own tests on its own code, its temporary files
    beside it, and no growth test inside (no recursion). Returns the run and its seconds."""
    env = environment()
    env[INNER] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / "src"), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "pytest", *args, f"--basetemp={root.parent / 'pytest-tmp'}"]
    started = time.monotonic()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=45 * 60, env=env)
    return result, time.monotonic() - started


def tail(result: subprocess.CompletedProcess) -> str:
    return f"{result.stdout[-6000:]}\n{result.stderr[-2000:]}"


def summary(result: subprocess.CompletedProcess) -> str:
    """The run's last line, once it is sure that everything passed."""
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert " passed" in last and " failed" not in last and " error" not in last, tail(result)
    return last


@pytest.mark.growth
@growth
def test_the_whole_suite_passes_on_the_copy_that_followed_the_guide(extended, tmp_path):
    """The bar of issue 12: the guide's worked example, applied to a copy, leaves `python -m pytest` green.

    The copy's reviewed answers (tests/answers/) are regenerated first, as a curator does after adding an
    article (`pytest --regen`, then review the diff): they are snapshots of the graph, and the example
    legitimately changes some (source-overview lists every article; the guide's own query has no answer yet).
    In the repository they are compared exactly; in the copy they are regenerated in one run and read back in
    the next, and every other test runs as it is, with the copy's own tests and code."""
    root = clone(extended, tmp_path)
    regenerated, _ = suite(root, "-q", "tests/test_queries.py", "--regen", "-k", "test_answer_on_the_curated_graph")
    assert regenerated.returncode == 0, tail(regenerated)
    assert (root / "tests" / "answers" / "technology-transfer-centres.srj").is_file()
    result, seconds = suite(root, "-x", "-q")
    assert result.returncode == 0, f"the suite fails on the copy that followed the guide:\n{tail(result)}"
    print(f"the whole suite on the copy that followed the guide: {summary(result)} ({seconds:.0f} s)")


# A second article, different from the guide's: made up, short, and about what the curated articles are
# about (Ningbo, its institutes and firms, its R&D intensity, a ministry, a person with a post), so that it
# grows the answers the tests check: a test that asserts a total of the whole graph fails on it.
GROWTH_STEM = "901_growth"
GROWTH_TEXT = """TEST ARTICLE, written for the innograph test suite; not a real news report.

Ningbo gains a university institute under a new national plan

The Ministry of Education and the Ministry of Finance jointly issued the Plan for university institutes in cities \
(2023-2025) on Tuesday.

Zhang Hua, Minister of Education, said the first institute under the plan, the Ningbo Institute of Eastlake \
University, opened in Ningbo this week.

In 2022, Ningbo R&D expenditures accounted for 3.1% of GDP. Haixing Instruments, a Ningbo enterprise, was listed \
in 2018.
"""
GROWTH_RECORD = f"""
src:{GROWTH_STEM} a ig:SourceArticle ;
    rdfs:label "Ningbo gains a university institute under a new national plan"@en ;
    ig:fileName "{GROWTH_STEM}.txt" ;
    ig:title "Ningbo gains a university institute under a new national plan"@en .
"""
PLAN = "plan-for-university-institutes-in-cities-2023-2025"
PERIOD = "the Plan for university institutes in cities (2023-2025)"
ISSUED = (
    "The Ministry of Education and the Ministry of Finance jointly issued the Plan for university institutes in cities"
)
MINISTER = "Zhang Hua, Minister of Education, said"
INSTITUTE = "the Ningbo Institute of Eastlake University, opened in Ningbo this week"
LISTED = "Haixing Instruments, a Ningbo enterprise, was listed in 2018."
# (subject, property, object, object as named in the record's IRI, quote, curator's note where inferred)
GROWTH_LINKS = [
    ("ministry-of-education", "jurisdiction", "id:china", "china", ISSUED,
     "A ministry of the central government governs the whole country."),
    (PLAN, "issuedBy", "id:ministry-of-education", "ministry-of-education", ISSUED, None),
    (PLAN, "issuedBy", "id:ministry-of-finance", "ministry-of-finance", ISSUED, None),
    (PLAN, "periodStart", '"2023"^^xsd:gYear', "2023", PERIOD, None),
    (PLAN, "periodEnd", '"2025"^^xsd:gYear', "2025", PERIOD, None),
    ("zhang-hua", "headOf", "id:ministry-of-education", "ministry-of-education", MINISTER, None),
    ("zhang-hua", "holdsPost", "id:minister-of-education", "minister-of-education", MINISTER, None),
    ("minister-of-education", "postIn", "id:ministry-of-education", "ministry-of-education", MINISTER, None),
    ("minister-of-education", "roleTitle", '"Minister"@en', "Minister", MINISTER, None),
    ("ningbo-institute-of-eastlake-university", "affiliatedWith", "id:eastlake-university", "eastlake-university",
     INSTITUTE, None),
    ("ningbo-institute-of-eastlake-university", "locatedIn", "id:ningbo", "ningbo", INSTITUTE, None),
    ("haixing-instruments", "listingYear", '"2018"^^xsd:gYear', "2018", LISTED, None),
    ("haixing-instruments", "locatedIn", "id:ningbo", "ningbo", LISTED, None),
]  # fmt: skip
GROWTH_ENTITIES = f"""@prefix cmp: <https://w3id.org/innograph/vocab/comparator/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id: <https://w3id.org/innograph/id/> .
@prefix ig: <https://w3id.org/innograph/ontology#> .
@prefix ind: <https://w3id.org/innograph/vocab/indicator/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/innograph/id/source/> .
@prefix status: <https://w3id.org/innograph/vocab/status/> .
@prefix unit: <https://w3id.org/innograph/vocab/unit/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:ministry-of-education a ig:Ministry ; rdfs:label "Ministry of Education"@en , "教育部"@zh .
id:{PLAN} a ig:Plan ; rdfs:label "Plan for university institutes in cities (2023-2025)"@en .
id:zhang-hua a ig:Person ; rdfs:label "Zhang Hua"@en .
id:minister-of-education a ig:Post ; rdfs:label "Minister of Education"@en .
id:eastlake-university a ig:University ; rdfs:label "Eastlake University"@en .
id:ningbo-institute-of-eastlake-university a ig:ResearchInstitute ;
    rdfs:label "Ningbo Institute of Eastlake University"@en .
id:haixing-instruments a ig:Enterprise ; rdfs:label "Haixing Instruments"@en .
id:ningbo-2022-rd-intensity a ig:Observation ;
    rdfs:label "Ningbo 2022: R&D expenditure 3.1% of GDP"@en ;
    ig:status status:reported ; ig:indicator ind:rd-intensity ; ig:comparator cmp:exactly ;
    ig:value 3.1 ; ig:unit unit:percent ; ig:year "2022"^^xsd:gYear ; ig:about id:ningbo ;
    dcterms:source src:{GROWTH_STEM} ; ig:quote "In 2022, Ningbo R&D expenditures accounted for 3.1% of GDP."@en .
"""


def growth_graph() -> str:
    """The second article's graph: its entities, and each link with the statement record that supports it."""
    parts = [GROWTH_ENTITIES]
    for subject, prop, obj, named, quote, note in GROWTH_LINKS:
        inferred = f' ;\n    ig:inferred true ; ig:curatorNote "{note}"@en' if note else ""
        parts.append(
            f"id:{subject} ig:{prop} {obj} .\n"
            f"<https://w3id.org/innograph/id/{subject}#{GROWTH_STEM}.{prop}.{named}> a ig:StatementRecord ;\n"
            f"    rdf:subject id:{subject} ; rdf:predicate ig:{prop} ; rdf:object {obj} ;\n"
            f'    dcterms:source src:{GROWTH_STEM} ; ig:quote "{quote}"@en{inferred} .\n'
        )
    return "\n".join(parts)


# The tests that state most about the curated articles and the whole graph: queries, the command line, the
# network, the curated graph itself.
FAST = [
    "tests/test_acceptance.py",
    "tests/test_chinese.py",
    "tests/test_citations.py",
    "tests/test_cli.py",
    "tests/test_curated.py",
    "tests/test_entities.py",
    "tests/test_export.py",
    "tests/test_network.py",
    "tests/test_queries.py",
    "tests/test_view_names.py",
]


@pytest.mark.growth
@growth
def test_a_second_article_grows_the_graph_and_the_fast_tests_stay_green(extended, tmp_path, curated):
    """A bigger growth than the guide's: a second, different article (text, record and graph written here, valid
    under `innograph validate`) on the copy that followed the guide, about what the curated articles name. The
    tests that state most about the graph then run there, its answers regenerated in the same run."""
    root = clone(extended, tmp_path)
    sources = root.parent / "shared" / "sources"
    (sources / f"{GROWTH_STEM}.txt").write_text(GROWTH_TEXT, encoding="utf-8")
    records = root / "kg" / "sources.ttl"
    records.write_text(records.read_text(encoding="utf-8") + GROWTH_RECORD, encoding="utf-8")
    (root / "kg" / f"{GROWTH_STEM}.ttl").write_text(growth_graph(), encoding="utf-8")
    formatted = innograph(root, "fmt")
    assert formatted.returncode == 0, formatted.stderr
    validated = innograph(root, "validate")
    assert validated.returncode == 0 and "\n0 error(s)" in validated.stdout, validated.stdout
    # it grows what the tests state about the curated articles: one more ministry, one more article on Ningbo
    grown = load(root, sources)
    assert ministries(grown) == ministries(curated) | {"https://w3id.org/innograph/id/ministry-of-education"}
    assert f"{GROWTH_STEM}.txt" in project(grown).nodes["id:ningbo"]["sources"]
    result, seconds = suite(root, "-x", "-q", "--regen", *FAST)
    assert result.returncode == 0, f"the tests fail on a graph grown by a second article:\n{tail(result)}"
    print(f"the fast tests on the copy grown by a second article: {summary(result)} ({seconds:.0f} s)")


# ------------------------------------------------------------------ fmt


@pytest.mark.parametrize("path", turtle_files(REPO), ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_repository_file_is_canonical_and_keeps_its_triples(path):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    text = path.read_text(encoding="utf-8")
    formatted = canonical(text, path.name)
    assert formatted == text, f"{path.name} is not canonical: run innograph fmt"
    assert canonical(formatted, path.name) == formatted  # idempotent
    before, after = Graph().parse(data=text, format="turtle"), Graph().parse(data=formatted, format="turtle")
    assert isomorphic(before, after)


def test_fmt_rewrites_a_messy_file_without_changing_a_triple(tmp_path):
    messy = tmp_path / "kg" / "messy.ttl"
    messy.parent.mkdir()
    (tmp_path / "ontology").mkdir()
    original = (
        "# header kept\n@prefix id: <https://w3id.org/innograph/id/> .\n"
        "@prefix ig: <https://w3id.org/innograph/ontology#> .\n"
        '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\nid:b a ig:City ; rdfs:label "B"@en .   \n'
        '# dropped comment\nid:a rdfs:label "A"@en ; a ig:City .\n'
    )
    messy.write_text(original, encoding="utf-8")
    result = innograph(tmp_path, "fmt", "--check")
    assert result.returncode == 1 and "not canonical: kg/messy.ttl" in result.stdout
    assert messy.read_text(encoding="utf-8") == original
    assert innograph(tmp_path, "fmt").returncode == 0
    formatted = messy.read_text(encoding="utf-8")
    assert formatted.startswith("# header kept\n")
    assert formatted.index("id:a") < formatted.index("id:b")
    assert not any(line != line.rstrip() for line in formatted.splitlines())
    assert innograph(tmp_path, "fmt", "--check").returncode == 0


def test_fmt_leaves_a_malformed_file_byte_for_byte(tmp_path):
    (tmp_path / "ontology").mkdir()
    broken = tmp_path / "kg" / "broken.ttl"
    broken.parent.mkdir()
    original = b'@prefix id: <https://w3id.org/innograph/id/> .\nid:a id:b "unterminated .\n'
    broken.write_bytes(original)
    result = innograph(tmp_path, "fmt")
    assert result.returncode == 2
    assert "kg/broken.ttl" in result.stderr and "does not parse" in result.stderr
    assert broken.read_bytes() == original
    assert sorted(p.name for p in broken.parent.iterdir()) == ["broken.ttl"]  # no temporary left behind


def test_docs_page_describes_classes_shapes_and_examples(tmp_path, curated):
    out = tmp_path / "docs.html"
    result = innograph(REPO, "docs", "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert 'id="ig-MunicipalBureau"' in html and "市级部门" in html
    assert "A municipal bureau&#39;s jurisdiction is a city." in html  # the shape's rule, escaped
    assert "Ningbo Municipal Bureau of Science and Technology" in html  # an example instance
    # example instances come from the graph, and only from it (not from docs/examples, unless kg/ has them)
    # (each class lists its entities, linked to their pages in entity/ beside the page)
    shown = set(re.findall(r'<a href="entity/([a-z0-9-]+)\.html">', html)) - {"index"}
    entities = {row["e"].value for row in curated.query("SELECT DISTINCT ?e WHERE { ?e a ?c }")}
    assert shown and {f"https://w3id.org/innograph/id/{slug}" for slug in shown} <= entities
    assert all((out.parent / "entity" / f"{slug}.html").is_file() for slug in shown)
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", html, re.I)
