"""The notebook API (issue 13): ``kg.query`` with the project's prefixes, ``kg.run`` for catalogue queries,
``Table.to_records`` / ``to_pandas``, and the worked analysis in docs/ that uses them."""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal

import pyoxigraph as ox
import pytest
from conftest import REPO

from innograph.errors import UsageError
from innograph.namespaces import ID, XSD
from innograph.results import Table, Term


def test_query_knows_the_project_prefixes(curated):
    rows = list(curated.query("SELECT ?m WHERE { ?m a ig:Ministry }"))
    assert rows, "no ministry found with a bare ig: prefix"
    assert all(row["m"].value.startswith(ID) for row in rows)  # still pyoxigraph's solutions
    assert bool(curated.query(f"ASK {{ <{rows[0]['m'].value}> a ig:Ministry }}"))


def test_query_keeps_a_prefix_the_text_declares(curated):
    text = "PREFIX ig: <urn:elsewhere#> SELECT ?m WHERE { ?m a ig:Ministry }"
    assert list(curated.query(text)) == []


def test_run_figures_about_gives_numbers(curated):
    table = curated.run("figures-about", entity="ningbo")
    assert isinstance(table, Table) and table.rows
    frame = table.to_pandas()
    assert frame["value"].dtype.kind == "f"
    assert {"indicator", "indicatorId", "unitId", "when"} <= set(frame.columns)
    assert frame["indicatorId"].str.startswith("ind:").all()
    records = table.to_records()
    assert all(isinstance(r["value"], Decimal) for r in records if r["value"] is not None)
    assert all(isinstance(r["indicator"], str) for r in records)


def test_run_reads_parameters_as_the_cli_does(curated):
    by_label = curated.run("figures-about", entity="Ningbo").to_records()
    by_curie = curated.run("figures-about", entity="id:ningbo").to_records()
    assert by_label == by_curie
    in_force = curated.run("programmes-in-force", year=2022).to_pandas()
    assert str(in_force["start"].dtype) == "Int64" and (in_force["start"] <= 2022).all()
    assert curated.run("programmes-in-force", year="2022", lang="zh").lang == "zh"


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("figures-abut", {}, "did you mean figures-about"),
        ("figures-about", {"entiti": "ningbo"}, "did you mean entity"),
        ("figures-about", {"entity": "ningboo"}, "did you mean ningbo"),
        ("programmes-in-force", {"year": "twenty"}, "is not a year"),
    ],
)
def test_run_refuses_as_the_cli_does(curated, name, params, expected):
    with pytest.raises(UsageError, match=expected):
        curated.run(name, **params)


def test_run_construct_gives_turtle(curated):
    turtle = curated.run("neighbourhood", entity="ningbo")
    assert isinstance(turtle, str)
    assert list(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))


def test_columns_take_the_kind_of_their_values():
    def lit(value, datatype=None, lang=None):
        return Term("literal", value, lang, datatype)

    table = Table(
        ["n", "x", "year", "when", "day", "label", "thingId"],
        [
            {
                "n": lit("3", f"{XSD}integer"),
                "x": lit("1.5", f"{XSD}decimal"),
                "year": lit("2021", f"{XSD}gYear"),
                "when": lit("2021"),
                "day": lit("2022-03-01", f"{XSD}date"),
                "label": lit("Ningbo", lang="en"),
                "thingId": Term("uri", f"{ID}ningbo"),
            },
            {"n": lit("4", f"{XSD}integer"), "x": lit("2", f"{XSD}double"), "when": lit("2021-2025")},
        ],
    )
    first, second = table.to_records()
    assert first == {
        "n": 3,
        "x": Decimal("1.5"),
        "year": 2021,
        "when": "2021",  # a column that holds a period stays text
        "day": datetime.date(2022, 3, 1),
        "label": "Ningbo",
        "thingId": "id:ningbo",
    }
    assert second["x"] == 2.0 and second["year"] is None
    frame = table.to_pandas()
    assert {c: str(frame[c].dtype) for c in ("n", "x", "year")} == {"n": "Int64", "x": "float64", "year": "Int64"}
    assert frame["day"].dtype.kind == "M" and list(frame["when"]) == ["2021", "2021-2025"]
    assert Table([], [], True).to_records() == [{"boolean": True}]


def test_pandas_is_imported_only_when_asked(tmp_path):
    script = (
        "import sys, innograph\n"
        f"kg = innograph.load({str(REPO)!r})\n"
        "kg.run('figures-about', entity='ningbo').to_records()\n"
        "print('pandas' in sys.modules)\n"
        "sys.modules['pandas'] = None\n"  # as if it were not installed
        "try:\n"
        "    kg.run('figures-about', entity='ningbo').to_pandas()\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "False"
    assert "pip install pandas" in lines[1] and len(lines) == 2


def test_the_worked_analysis_runs(tmp_path):
    script = REPO / "docs" / "analysis.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for line in (
        "## R&D intensity: targets beside reported figures, by place",
        "## Programmes in force per year",
        "## Policy documents by number of issuing bodies",
        "## What the Ministry of Finance issued or launched",
        "## Targets due by 2025, per subject",
    ):
        assert line in out
    rd = out.split("## R&D intensity: targets beside")[1].split("##")[0]
    assert "Ningbo" in rd and "nearly 2.8 percent" in rd  # the figure article 001 reports
    years = out.split("## Programmes in force per year")[1].split("##")[0]
    assert any(line.split()[:1] == ["2022"] for line in years.splitlines())
    doc = (REPO / "docs" / "analysis.md").read_text(encoding="utf-8")
    assert "python docs/analysis.py --markdown > docs/analysis.md" in doc
