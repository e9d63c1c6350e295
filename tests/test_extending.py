"""Extending the project as a new user would: the guide's commands, run in order on a copy of the
repository, end with a clean validation; broken variants give the messages the guide promises; and the
canonical formatter never changes a triple."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from innograph.fmt import canonical, turtle_files

GUIDE = REPO / "docs" / "extending.md"
IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "views", "__pycache__", "*.egg-info", ".pytest_cache")


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


@pytest.fixture(scope="module")
def extended(tmp_path_factory) -> Path:
    """A copy of the repository (beside a writable copy of the sources) after every step of the guide."""
    base = tmp_path_factory.mktemp("clone")
    shutil.copytree(REPO, base / "main", ignore=IGNORED)
    shutil.copytree(REPO.parent / "shared" / "sources", base / "shared" / "sources")
    for path in (base / "shared").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    script = "set -euo pipefail\n" + "\n".join(guide_commands())
    result = subprocess.run(
        ["bash", "-c", script], cwd=base / "main", capture_output=True, text=True, timeout=600, env=environment()
    )
    assert result.returncode == 0, f"the guide's commands failed:\n{result.stdout}\n{result.stderr}"
    return base / "main"


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


def test_docs_page_describes_classes_shapes_and_examples(tmp_path):
    out = tmp_path / "docs.html"
    result = innograph(REPO, "docs", "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert 'id="ig-MunicipalBureau"' in html and "市级部门" in html
    assert "A municipal bureau&#39;s jurisdiction is a city." in html  # the shape's rule, escaped
    assert "Ningbo Municipal Bureau of Science and Technology" in html  # an example instance
    assert "Riverton" not in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", html, re.I)
