"""Validation of a larger graph: the work split over two processes finds exactly what one process finds."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

from synthetic import generate

from innograph import forked, validation
from innograph.loader import load


def test_two_processes_find_what_one_finds(tmp_path, monkeypatch):
    root = generate(tmp_path / "syn", 100)  # about 57k triples: above the threshold for two processes
    broken = root / "kg" / "syn_000003.ttl"
    broken.write_text(broken.read_text().replace(" ig:jurisdiction id:syn-city-3 ;", "", 1), encoding="utf-8")
    kg = load(root, root / "sources")
    assert len(kg) >= validation.SPLIT_MIN_TRIPLES
    forks = []  # whether each forked.start call really forked
    start = forked.start

    def recorded(work, enabled=True):
        forks.append(enabled)
        return start(work, enabled)

    monkeypatch.setattr(forked, "start", recorded)
    parallel = validation.validate(kg)
    assert forks == [True]  # the shapes and half the rules went to a second process
    monkeypatch.setattr(validation, "SPLIT_MIN_TRIPLES", 10**12)
    serial = validation.validate(kg)
    assert forks == [True, False]  # this time, all in this one
    assert sorted(map(str, parallel.findings)) == sorted(map(str, serial.findings))
    assert sorted((f.focus, f.rule) for f in parallel.errors) == [
        ("<https://w3id.org/innograph/id/syn-city-3-bureau#syn_000003.jurisdiction.syn-city-3>",
         "check record-without-statement"),
        ("id:syn-city-3-bureau", "shape igsh:GovernmentBodyShape, MinCountConstraintComponent"),
    ]  # fmt: skip


def test_two_processes_take_each_turn_once():
    """forked.Turns: a forked child and its parent taking numbers from one counter share them out, each
    number to exactly one of them, and together all of them."""
    turns = forked.Turns(200)
    child = forked.start(lambda: turns.run(lambda i: i * i))
    here = turns.run(lambda i: i * i)
    there = child()
    assert set(here).isdisjoint(there)
    assert {**here, **there} == {i: i * i for i in range(200)}
    assert forked.Turns(5, shared=False).run(str) == {i: str(i) for i in range(5)}
