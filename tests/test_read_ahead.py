"""The files' text read while the store loads (innograph.read_ahead): the report is the one validation
gives when it reads them itself, and `innograph validate` reads ahead in a second process only for a large
graph."""

from __future__ import annotations

import argparse
import json

from conftest import FIXTURES, make_project, read_case

from innograph import cli, forked, read_ahead
from innograph.loader import load
from innograph.project import find_project
from innograph.validation import validate

INVALID = FIXTURES / "shapes" / "figures-invalid.ttl"
QUOTES = FIXTURES / "checks" / "quotes-valid.ttl"


def project(tmp_path, article: bytes | None = None):
    """Figures with a literal the store retypes ("40"^^xsd:int), a quote, and a second article."""
    case = read_case(INVALID)
    text = INVALID.read_text(encoding="utf-8").replace("ig:value 40.0 ;", 'ig:value "40"^^xsd:int ;')
    root, sources = make_project(tmp_path, {case.place: text}, case.text)
    if article is not None:
        (sources / "fixture.txt").write_bytes(article)
    return root, sources


def rules(report) -> list[str]:
    return sorted(str(f) for f in report.findings)


def test_validation_reads_ahead_or_as_it_goes_and_reports_the_same(tmp_path):
    root, sources = project(tmp_path)
    kg = load(root, sources)
    ahead = read_ahead.read_ahead(find_project(root, sources))
    data = {str(f.path) for f in kg.files if f.kind in read_ahead.SHAPES_DATA}
    assert set(ahead.written) == data
    assert set(ahead.articles) == {str(sources / "fixture.txt")}
    told = validate(kg, ahead=ahead)
    assert rules(told) == rules(validate(kg))
    assert any(f.rule == "literals" for f in told.findings)  # read from the text ahead, found in the store


def test_an_article_that_is_not_utf8_reads_the_same_ahead(tmp_path):
    root, sources = project(tmp_path, article="Ningb\xf6 exports".encode("latin-1"))
    kg = load(root, sources)
    article = read_ahead.read_article(sources / "fixture.txt")
    assert article.undecodable == 5 and article.text == "Ningb\ufffd exports"
    told = validate(kg, ahead=read_ahead.read_ahead(find_project(root, sources)))
    assert rules(told) == rules(validate(kg))
    assert any("not UTF-8 text (byte 5)" in f.message for f in told.findings)


def test_a_file_that_cannot_be_read_ahead_is_left_for_later(tmp_path):
    root, sources = project(tmp_path)
    gone = sources / "fixture.txt"
    gone.unlink()
    gone.mkdir()  # is_file() is false: nothing to read ahead, and the quote check says the file is missing
    ahead = read_ahead.read_ahead(find_project(root, sources))
    assert ahead.articles == {}
    report = validate(load(root, sources), ahead=ahead)
    assert any(f.rule == "sources" and "not in" in f.message for f in report.findings)


def test_validate_reads_ahead_in_a_second_process_for_a_large_graph(tmp_path, monkeypatch, capsys):
    root, sources = project(tmp_path)
    args = argparse.Namespace(root=str(root), sources=str(sources), store=None, endpoint=None)
    started = []
    start = forked.start

    def recorded(work, enabled=True):
        started.append(enabled)
        return start(work, enabled)

    monkeypatch.setattr(forked, "start", recorded)
    assert cli._read_ahead(args)() is None  # a small graph: no second process
    assert started == []
    assert cli._read_ahead(args, engine="pyshacl")() is None
    monkeypatch.setattr(read_ahead, "MIN_BYTES", 0)
    ahead = cli._read_ahead(args)()
    assert started == [True] and str(sources / "fixture.txt") in ahead.articles
    assert cli._read_ahead(argparse.Namespace(**{**vars(args), "store": "somewhere"}))() is None
    # the whole command, with the read ahead: the report validation gives on its own
    code = cli.main(["validate", "--root", str(root), "--sources", str(sources), "--format", "json"])
    assert code == 1 and started == [True, True, False]  # read ahead in a second process; the rest in one
    shown = json.loads(capsys.readouterr().out)["findings"]
    expected = json.loads(validate(load(root, sources)).to_json())["findings"]
    assert sorted(map(json.dumps, shown)) == sorted(map(json.dumps, expected))
