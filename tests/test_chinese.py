"""Chinese output: tables aligned by display width, every label that falls back to English marked, and
how much of the graph has a Chinese label (``innograph stats``)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import CURATED_MINISTRIES, REPO, from_curated, ministries

from innograph.results import Table, Term, render_graph
from innograph.terminal import display_width


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innograph", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def boundaries(line: str) -> dict[int, int]:
    """Display offset -> index of the character that starts there."""
    found, width = {}, 0
    for i, char in enumerate(line):
        found[width] = i
        width += display_width(char)
    found[width] = len(line)
    return found


def assert_aligned(table_text: str) -> None:
    """Each column starts at the same display offset on every line: where the dashed rule starts it, each
    line has a character boundary with two spaces before it (or has ended: trailing empty cells)."""
    lines = table_text.splitlines()
    rule = lines[1]
    starts = [i for i, c in enumerate(rule) if c == "-" and (i == 0 or rule[i - 1] == " ")]
    body = [line for line in lines[2:] if not line.startswith(("(", "*"))]
    assert body, table_text
    for line in [lines[0], *body]:
        at = boundaries(line)
        for start in starts[1:]:
            if start > display_width(line):
                break
            assert start in at and start - 2 in at, (line, start)
            assert line[at[start - 2] : at[start]] == "  ", (line, start)
            # a cell starts right there, or it is empty and what follows starts at a later column
            rest = line[at[start] :]
            content_at = display_width(line[: len(line) - len(rest.lstrip(" "))])
            assert content_at == start or content_at in starts, (line, start)


# ------------------------------------------------------------------ display width


def test_display_width_counts_cjk_as_two_and_combining_marks_as_none():
    assert display_width("Ningbo") == 6
    assert display_width("宁波市") == 6
    assert display_width("\uff21\uff22") == 4  # fullwidth A and B
    assert display_width("e\u0301") == 1  # e with a combining acute accent
    assert display_width("") == 0


@pytest.mark.parametrize(
    "args",
    [
        ("people-and-posts", "--lang", "zh"),
        ("organisations-per-place-and-class", "--lang", "zh"),
        ("targets-due", "--lang", "zh"),
    ],
    ids=lambda a: a[0],
)
def test_zh_tables_line_up_by_display_width(args):
    result = run("query", *args)
    assert result.returncode == 0, result.stderr
    assert any("\u4e00" <= c <= "\u9fff" for c in result.stdout), "no Chinese in the table"
    assert_aligned(result.stdout)


def test_a_table_of_mixed_scripts_lines_up():
    table = Table(
        ["name", "n"],
        [
            {"name": Term("literal", "宁波市", lang="zh"), "n": Term("literal", "1")},
            {"name": Term("literal", "Ningbo", lang="en"), "n": Term("literal", "22")},
            {"name": Term("literal", "中国科学院 (CAS)", lang="zh"), "n": Term("literal", "333")},
        ],
    )
    lines = table.to_table().splitlines()
    # the second column starts at the same display offset on every line
    offsets = {display_width(line[: line.rindex(" ") + 1]) for line in lines[:1] + lines[2:5]}
    assert len(offsets) == 1, lines
    assert display_width(lines[2].split("  ")[0]) <= display_width(lines[1].split("  ")[0])


# ------------------------------------------------------------------ fallbacks marked


def people_table(lang: str | None = "zh") -> Table:
    return Table(
        ["person", "personId", "organisation", "quote", "year"],
        [
            {
                "person": Term("literal", "Huang Zhiming", lang="en"),
                "personId": Term("uri", "https://w3id.org/innograph/id/huang-zhiming"),
                "organisation": Term("literal", "宁波市科学技术局", lang="zh"),
                "quote": Term("literal", "said Huang Zhiming, Director of …", lang="en"),
                "year": Term("literal", "2019", datatype="http://www.w3.org/2001/XMLSchema#gYear"),
            }
        ],
        lang=lang,
    )


def test_an_english_label_where_chinese_was_asked_is_marked_in_table_and_md():
    text = people_table().to_table()
    assert "Huang Zhiming *" in text
    assert "宁波市科学技术局 *" not in text and "2019 *" not in text
    assert "said Huang Zhiming, Director of … *" not in text, "a quote is verbatim, not a fallback"
    assert text.splitlines()[-1] == "* no Chinese label: English shown"
    md = people_table().to_markdown()
    assert "| Huang Zhiming \\* |" in md
    assert md.splitlines()[-1] == "\\* no Chinese label: English shown"


def test_no_mark_and_no_footer_when_no_language_was_asked():
    assert "*" not in people_table(lang=None).to_table()


def test_a_chinese_label_where_english_was_asked_is_marked_too():
    text = people_table(lang="en").to_table()
    assert "宁波市科学技术局 *" in text and "Huang Zhiming *" not in text
    assert text.splitlines()[-1] == "* no English label: Chinese shown"


def test_machine_formats_keep_values_and_languages_as_they_are():
    table = people_table()
    rows = list(csv.reader(io.StringIO(table.to_csv())))
    assert rows[0] == ["person", "personId", "organisation", "quote", "year"]
    assert rows[1][:2] == ["Huang Zhiming", "id:huang-zhiming"]
    binding = json.loads(table.to_json())["results"]["bindings"][0]
    assert binding["person"] == {"type": "literal", "value": "Huang Zhiming", "xml:lang": "en"}
    assert binding["personId"]["value"] == "https://w3id.org/innograph/id/huang-zhiming"


def test_an_identifier_column_beside_its_label_is_for_machines_only():
    table = people_table()
    assert table.shown_variables() == ["person", "organisation", "quote", "year"]
    assert "personId" not in table.to_table() and "id:huang-zhiming" not in table.to_table()
    assert "personId" not in table.to_markdown()
    alone = Table(["thingId"], [{"thingId": Term("uri", "https://w3id.org/innograph/id/ningbo")}])
    assert "id:ningbo" in alone.to_table(), "an identifier without its label column is shown"


def test_people_and_posts_in_chinese_marks_every_english_fallback():
    result = run("query", "people-and-posts", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "* no Chinese label: English shown"
    huang = next(line for line in lines if line.startswith("Huang Zhiming"))
    assert huang.startswith("Huang Zhiming *") and "Director *" in huang  # no Chinese name for a person
    assert "宁波市科学技术局 " in huang and "宁波市科学技术局 *" not in huang
    english = run("query", "people-and-posts")
    assert "*" not in english.stdout.replace("* no", "")
    assert "no Chinese label" not in english.stdout


def test_the_lang_parameter_marks_as_lang_does():
    by_param = run("query", "people-and-posts", "--param", "lang=zh")
    by_option = run("query", "people-and-posts", "--lang", "zh")
    assert by_param.returncode == 0, by_param.stderr
    assert by_param.stdout == by_option.stdout


def test_json_keeps_the_language_of_each_label():
    result = run("query", "people-and-posts", "--lang", "zh", "--format", "json")
    assert result.returncode == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    # the organisations of the curated articles' people: some have a Chinese label, some fall back to English
    languages = {b["organisation"]["xml:lang"] for b in from_curated(bindings)}
    assert languages == {"zh", "en"}
    assert all(b["person"]["xml:lang"] == "en" for b in bindings)


# ------------------------------------------------------------------ coverage


def test_stats_reports_chinese_label_coverage(curated):
    result = run("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    classes = {row["class"]: row["zh_labels"] for row in stats["by_class"]}
    # every ministry has a Chinese label (its established name): all of them, however many the graph holds
    typed = ministries(curated)
    assert typed >= CURATED_MINISTRIES
    assert classes["ig:Ministry"] == {"labelled": len(typed), "zh": len(typed)}
    assert classes["ig:Person"]["zh"] == 0  # never invented for people
    assert classes["ig:StatementRecord"] == {"labelled": 0, "zh": 0}  # nothing to show in any language
    overall = stats["zh_labels"]["entities"]
    assert 0 < overall["zh"] < overall["labelled"]
    assert overall["zh"] <= sum(c["zh"] for c in classes.values())
    schemes = {c["scheme"].rsplit("/", 1)[-1]: c for c in stats["zh_labels"]["concepts"]}
    assert schemes["unit"]["zh"] == schemes["unit"]["labelled"] > 0
    assert 0 < stats["zh_labels"]["ontology_terms"]["zh"] <= stats["zh_labels"]["ontology_terms"]["labelled"]

    text = run("stats").stdout
    assert "Chinese labels (@zh)" in text
    ministry = next(line for line in text.splitlines() if line.strip().startswith("ig:Ministry "))
    assert f"{len(typed)}/{len(typed)} (100%)" in ministry
    entities = next(line for line in text.splitlines() if line.strip().startswith("entities "))
    assert f"{overall['zh']}/{overall['labelled']}" in entities


# ------------------------------------------------------------------ graph formats (unit)

TURTLE = b'@prefix ex: <http://example.org/> .\nex:a ex:name "\xe5\xae\x81\xe6\xb3\xa2"@zh ; ex:next ex:b .\n'


def test_render_graph_writes_turtle_ntriples_and_jsonld():
    import pyoxigraph as ox

    assert render_graph(TURTLE, "ttl") == TURTLE
    assert render_graph(TURTLE, "table") == TURTLE
    nt = render_graph(TURTLE, "nt")
    assert len(list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))) == 2
    for fmt in ("jsonld", "json"):
        data = json.loads(render_graph(TURTLE, fmt))
        assert data[0]["@id"] == "http://example.org/a"
        assert data[0]["http://example.org/name"] == [{"@language": "zh", "@value": "宁波"}]
        back = list(ox.parse(render_graph(TURTLE, fmt), format=ox.RdfFormat.JSON_LD))
        assert len(back) == 2
