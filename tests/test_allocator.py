"""A large graph's command starts again under mimalloc (innograph.allocator): when it does, what the
restarted program keeps, and what the programs it starts see."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

from innograph import allocator

# The program as the console script runs it, with its work replaced by a report of the process it ends up
# in: its arguments, whether mimalloc is mapped, and the LD_PRELOAD its own children would get.
PROGRAM = (
    "import json, os, sys\n"
    "from innograph import allocator, cli\n"
    "def report(argv=None):\n"
    "    print(json.dumps({'argv': sys.argv[1:], 'mimalloc': allocator.preloaded(),\n"
    "                      'children_preload': os.environ.get('LD_PRELOAD'),\n"
    "                      'marker': os.environ.get(allocator.BEFORE)}))\n"
    "    return 0\n"
    "cli.main = report\n"
    "cli.console()\n"
)


def run(*args: str, **environ: str | None) -> tuple[dict, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if k not in (allocator.CHOICE, allocator.BEFORE, "LD_PRELOAD")}
    env.update({k: v for k, v in environ.items() if v is not None})
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result


@pytest.fixture(scope="module")
def mimalloc():
    name = allocator.library()
    if name is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI must install libmimalloc2.0 (Debian) for the allocator tests")
        pytest.skip("mimalloc is not installed")
    return name


def test_a_restart_is_wanted_for_a_large_graph_or_when_asked():
    big, small = (lambda: allocator.MIN_BYTES), (lambda: allocator.MIN_BYTES - 1)
    assert allocator.wanted(big, environ={})
    assert not allocator.wanted(small, environ={})
    assert allocator.wanted(small, environ={allocator.CHOICE: "mimalloc"})
    assert not allocator.wanted(big, environ={allocator.CHOICE: "system"})
    # the restarted program never restarts again, whatever it is asked
    assert not allocator.wanted(big, environ={allocator.BEFORE: "", allocator.CHOICE: "mimalloc"})

    def unread() -> int:
        raise AssertionError("the size is not needed when the user has chosen")

    assert not allocator.wanted(unread, environ={allocator.CHOICE: "system"})


def test_the_restarted_program_gives_children_the_users_preload_back():
    environ = {"LD_PRELOAD": "libmimalloc.so.2:libmine.so", allocator.BEFORE: "libmine.so"}
    allocator.give_back_environment(environ)
    assert environ == {"LD_PRELOAD": "libmine.so"}
    environ = {"LD_PRELOAD": "libmimalloc.so.2", allocator.BEFORE: ""}
    allocator.give_back_environment(environ)
    assert environ == {}


def test_a_command_asked_to_runs_under_mimalloc_with_its_arguments(mimalloc):
    report, _ = run("stats", "--format", "json", INNOGRAPH_MALLOC="mimalloc")
    assert report["mimalloc"] is True
    assert report["argv"] == ["stats", "--format", "json"]
    assert report["children_preload"] is None  # a browser or Jena started from here gets no preload
    assert report["marker"] is None


def test_the_users_own_preload_is_kept_for_the_program_and_its_children(mimalloc):
    # the C library itself: a preload that is always there and changes nothing
    own = "libc.so.6"
    report, _ = run("stats", INNOGRAPH_MALLOC="mimalloc", LD_PRELOAD=own)
    assert report["mimalloc"] is True
    assert report["children_preload"] == own


def test_the_curated_graph_is_too_small_for_a_restart(mimalloc):
    report, _ = run("stats")
    assert report["mimalloc"] is False


def test_system_keeps_glibc_malloc(mimalloc):
    report, _ = run("stats", INNOGRAPH_MALLOC="system")
    assert report["mimalloc"] is False


def test_a_large_project_restarts_on_its_own(mimalloc, tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    from synthetic import generate

    root = generate(tmp_path / "syn", 150)
    size = sum(p.stat().st_size for folder in ("kg", "ontology") for p in (root / folder).rglob("*.ttl"))
    assert size >= allocator.MIN_BYTES
    report, _ = run("validate", "--root", str(root), "--sources", str(root / "sources"))
    assert report["mimalloc"] is True
    # arguments that do not parse are left for the program to refuse, unrestarted
    report, _ = run("validate", "--root", str(root), "--no-such-option")
    assert report["mimalloc"] is False
