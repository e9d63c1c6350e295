"""A worked analysis of the graph from Python, as a policy analyst would write it.

Run it from anywhere:  python docs/analysis.py   (needs pandas: pip install 'innograph[analysis]')
Its output is in docs/analysis.md; regenerate that with:  python docs/analysis.py --markdown > docs/analysis.md
"""

import sys
from pathlib import Path

import pandas as pd

import innograph

pd.set_option("display.width", 200)
pd.set_option("display.max_colwidth", 60)
kg = innograph.load(Path(__file__).resolve().parent.parent)  # the project this script lives in
markdown = "--markdown" in sys.argv


def show(title: str, frame: pd.DataFrame) -> None:
    print(f"\n## {title}\n")
    text = frame.to_string(index=False) if len(frame) else "(none)"
    print(f"```text\n{text}\n```" if markdown else text)


if markdown:
    print("# A worked analysis from Python\n")
    print("The output of `docs/analysis.py` on the curated graph; regenerate with")
    print("`python docs/analysis.py --markdown > docs/analysis.md`.")

# 1. R&D intensity: what places aim for beside what they report, with the comparator the text uses
rd = kg.run("indicator-across-places", indicator="ind:rd-intensity").to_pandas()
rd["stated"] = rd["comparator"] + " " + rd["value"].map("{:g}".format) + " " + rd["unit"]
show("R&D intensity: targets beside reported figures, by place", rd[["subject", "kind", "when", "stated"]])
wide = rd.pivot_table(index="subject", columns="kind", values="value", aggfunc="max")
show("R&D intensity (% of GDP), one row per place", wide.reset_index())

# 2. Every R&D-spending indicator, targets only, due year against the level asked for
spend = kg.run("rd-spending-compared").to_pandas()
targets = spend[spend["kind"] == "target"].sort_values(["indicator", "place"])
show("R&D spending targets by indicator and place", targets[["indicator", "place", "when", "comparator", "value"]])

# 3. Programmes in force, year by year: the years come from the graph itself (bare ig: works in kg.query)
PERIODS = """SELECT (MIN(SUBSTR(STR(?s), 1, 4)) AS ?first) (MAX(SUBSTR(STR(?e), 1, 4)) AS ?last)
WHERE { ?p a ?c ; ig:periodStart ?s ; ig:periodEnd ?e . ?c rdfs:subClassOf* ig:Programme }"""
span = next(iter(kg.query(PERIODS)))
first, last = int(span["first"].value), int(span["last"].value)
in_force = [
    {"year": year, "programmes": len(kg.run("programmes-in-force", year=year).to_records())}
    for year in range(first, last + 1)
]
show("Programmes in force per year", pd.DataFrame(in_force))

# 4. Who issues what: documents by number of issuing bodies, and what one ministry issued or launched
issuers = kg.run("issuer-counts").to_pandas()
show("Policy documents by number of issuing bodies", issuers[["documentName", "issuers", "named"]].head(8))
by_finance = kg.run("programmes-by-actor", actor="ministry-of-finance").to_pandas()
show("What the Ministry of Finance issued or launched", by_finance[["programme", "kind", "role", "start", "end"]])

# 5. Targets due by 2025, counted per place or actor
due = kg.run("targets-due", year=2025).to_pandas()
show("Targets due by 2025, per subject", due.groupby("subject").size().rename("targets").reset_index())
