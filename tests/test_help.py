"""Every sub-command's ``--help`` says what it is for and gives two examples, and every example works:
each is parsed by the real parser and run, in a fresh copy of the project, so that none can go stale."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from innograph.cli import build_parser
from innograph.cli_help import HELP
from innograph.serve import free_port

SERVER_PORT = "7879"  # the writable store the push examples name
SERVE_PORT = "7878"  # the port the serve examples name


def subcommands() -> dict:
    parser = build_parser()
    (action,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return dict(action.choices)


EXAMPLES = [(name, example) for name, entry in HELP.items() for example in entry.examples]


def test_every_subcommand_has_a_purpose_and_two_examples():
    commands = subcommands()
    assert set(commands) == set(HELP), "a sub-command without help, or help for no sub-command"
    for name, parser in commands.items():
        text = parser.format_help()
        purpose = " ".join(HELP[name].purpose.split())
        assert purpose in " ".join(text.split()), name
        assert text.index(purpose.split()[0]) < text.index("examples:"), name
        assert len(HELP[name].examples) == 2 and len(set(HELP[name].examples)) == 2
        for example in HELP[name].examples:
            assert f"  {example}" in text, (name, example)
            assert example.startswith(f"innograph {name} ") or example == f"innograph {name}"


def test_a_purpose_is_one_sentence_that_fits_the_help():
    for name, entry in HELP.items():
        assert entry.purpose.endswith("."), name
        assert len(entry.purpose) <= 160, name


@pytest.mark.parametrize(("name", "example"), EXAMPLES, ids=[e for _, e in EXAMPLES])
def test_every_example_parses(name, example):
    words = shlex.split(example)
    assert words[0] == "innograph"
    args = build_parser().parse_args(words[1:])
    assert args.command == name


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project, with the source articles beside it where the default looks for them."""
    root = tmp_path / "main"
    for folder in ("ontology", "kg", "queries", "viz"):
        shutil.copytree(REPO / folder, root / folder)
    shared = REPO.parent / "shared"
    if shared.is_dir():
        (tmp_path / "shared").symlink_to(shared)
    return root


def innograph(words: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *words], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


RUN = [(n, e) for n, e in EXAMPLES if n != "serve"]


@pytest.mark.parametrize(("name", "example"), RUN, ids=[e for _, e in RUN])
def test_every_example_runs(name, example, project, request):
    words = shlex.split(example)[1:]
    if name == "push":
        server = request.getfixturevalue("server")  # a writable Oxigraph store on a free port
        words = [w.replace(f"http://127.0.0.1:{SERVER_PORT}", server) for w in words]
    if name == "accept":  # a draft to accept, as innograph draft writes it
        drafted = innograph(["draft", "../shared/sources/000_ca962a35b1daecb9.txt"], project)
        assert drafted.returncode == 0, drafted.stderr
        draft = project / "drafts" / "000_ca962a35b1daecb9.ttl"  # the curator keeps the first candidate
        draft.write_text(draft.read_text(encoding="utf-8").replace("draft:keep false ;", "draft:keep true ;", 1))
    result = innograph(words, project)
    assert result.returncode == 0, f"{example}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() or name == "fmt", example


@pytest.mark.parametrize("example", HELP["serve"].examples)
def test_the_serve_examples_serve_until_interrupted(example, project):
    """``serve`` runs until Ctrl-C: start it (on a free port, not the example's), see it serving, stop it."""
    words = [w if w != SERVE_PORT else str(free_port()) for w in shlex.split(example)[1:]]
    if "--store" in words:
        store = words[words.index("--store") + 1]
        loaded = innograph(["load", "--store", store], project)
        assert loaded.returncode == 0, loaded.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "innograph", *words],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "Ctrl-C stops the server" in line:
                break
        assert any("SPARQL query endpoint: http://127.0.0.1:" in line for line in lines), "".join(lines)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read()
