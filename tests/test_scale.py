"""Validation of a larger graph: the shapes split over two processes find exactly what one process finds."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

from synthetic import generate

from innograph import validation
from innograph.loader import load


def test_two_processes_find_what_one_finds(tmp_path, monkeypatch):
    root = generate(tmp_path / "syn", 100)  # about 57k triples: above the threshold for two processes
    broken = root / "kg" / "syn_000003.ttl"
    broken.write_text(broken.read_text().replace(" ig:jurisdiction id:syn-city-3 ;", "", 1), encoding="utf-8")
    kg = load(root, root / "sources")
    assert len(kg) >= validation.PARALLEL_MIN_TRIPLES
    parallel = validation.validate(kg)
    monkeypatch.setattr(validation, "PARALLEL_MIN_TRIPLES", 10**12)
    serial = validation.validate(kg)
    assert sorted(map(str, parallel.findings)) == sorted(map(str, serial.findings))
    assert sorted((f.focus, f.rule) for f in parallel.errors) == [
        ("<https://w3id.org/innograph/id/syn-city-3-bureau#syn_000003.jurisdiction.syn-city-3>",
         "check record-without-statement"),
        ("id:syn-city-3-bureau", "shape igsh:GovernmentBodyShape, MinCountConstraintComponent"),
    ]  # fmt: skip
