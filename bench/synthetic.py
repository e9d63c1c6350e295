"""Generate a synthetic innograph project shaped like the curated one, at any size, valid under its shapes.

Provinces hold cities; each city has a municipal government and its bureau of science and technology,
universities, research institutes affiliated with them, enterprises (some listed), laboratories and
incubators, a five-year plan with measures, targets and reported figures, and a sci-tech cooperation
agreement with the next city. Each city is told by its own synthetic source article, written out with
the verbatim quotes its facts cite, so the generated project passes `innograph validate` like the real one.

    python bench/synthetic.py --cities 40 --out /tmp/syn      # about 10k triples
    python bench/synthetic.py --triples 100000 --out /tmp/syn # pick the number of cities for a size
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import pyoxigraph as ox  # noqa: E402

from innograph.namespaces import IG, RDF, turtle_prefixes  # noqa: E402
from innograph.records import record_iri  # noqa: E402

PREFIXES = (
    turtle_prefixes("cmp", "dcterms", "id", "ig", "ind", "instr", "lvl", "rdf", "rdfs", "src", "status", "unit", "xsd")
    + "\n"
)
INDICATORS = ("rd-intensity", "enterprise-rd-to-revenue", "share-of-firms-with-rd", "enterprise-share-of-rd")
INSTRUMENTS = ("business-rd-grant", "tax-incentive", "incubation", "talent-mobility", "collaborative-platform")
TRIPLES_PER_CITY = 535  # measured: data triples per city at the default size, records included (no ontology)


def city_file(i: int, cities: int, rng: random.Random, size: int) -> tuple[str, str, list[str]]:
    """Turtle for city ``i`` and the sentences of its source article."""
    c = f"syn-city-{i}"
    province = f"syn-province-{i // 10}"
    stem = f"syn_{i:06d}"
    src = f"src:{stem}"
    text: list[str] = []
    out: list[str] = []
    add = out.append

    def quote(sentence: str) -> str:
        text.append(sentence)
        return sentence

    add(f"{src} ig:publisher id:syn-daily .\n")
    if i == 0:
        add('id:syn-daily a ig:MediaOrganization ; rdfs:label "Synthetic Daily"@en .\n')
    if i % 10 == 0:
        add(f'id:{province} a ig:Province ; rdfs:label "Synthetic Province {i // 10}"@en ; ig:locatedIn id:china .\n')
    add(f'id:{c} a ig:City ; rdfs:label "Synthetic City {i}"@en ; ig:locatedIn id:{province} .\n')
    add(
        f'id:{c}-government a ig:MunicipalGovernment ; rdfs:label "People\'s Government of Synthetic City {i}"@en ;'
        f" ig:jurisdiction id:{c} .\n"
    )
    add(
        f'id:{c}-bureau a ig:MunicipalBureau ; rdfs:label "Synthetic City {i} Bureau of Science and Technology"@en ;'
        f" ig:jurisdiction id:{c} ; ig:subOrganizationOf id:{c}-government .\n"
    )
    add(
        f'id:{c}-director a ig:Person ; rdfs:label "Director {i}"@en ; ig:holdsPost id:{c}-director-post ;'
        f" ig:headOf id:{c}-bureau .\n"
    )
    add(
        f'id:{c}-director-post a ig:Post ; rdfs:label "Director of Synthetic City {i} Bureau"@en ;'
        f' ig:roleTitle "Director"@en ; ig:postIn id:{c}-bureau .\n'
    )
    for u in range(2):
        add(
            f'id:{c}-university-{u} a ig:University ; rdfs:label "University {u} of Synthetic City {i}"@en ;'
            f" ig:locatedIn id:{c} .\n"
        )
    for k in range(size):
        add(
            f'id:{c}-institute-{k} a ig:ResearchInstitute ; rdfs:label "Institute {k} of Synthetic City {i}"@en ;'
            f" ig:locatedIn id:{c} ; ig:affiliatedWith id:{c}-university-{k % 2} .\n"
        )
    for k in range(size * 2):
        listed = f' ; ig:listingYear "{2015 + rng.randrange(8)}"^^xsd:gYear' if rng.random() < 0.2 else ""
        add(
            f'id:{c}-enterprise-{k} a ig:Enterprise ; rdfs:label "Enterprise {k} of Synthetic City {i}"@en ;'
            f" ig:locatedIn id:{c}{listed} .\n"
        )
    add(
        f'id:{c}-lab a ig:Laboratory ; rdfs:label "Key Laboratory of Synthetic City {i}"@en ; ig:locatedIn id:{c} ;'
        f" ig:builtBy id:{c}-bureau , id:{c}-institute-0 ; ig:level lvl:provincial ;"
        f' ig:establishedIn "2019"^^xsd:gYear .\n'
    )
    add(
        f'id:{c}-incubator a ig:Incubator ; rdfs:label "Incubator of Synthetic City {i}"@en ; ig:locatedIn id:{c} ;'
        f" ig:builtBy id:{c}-enterprise-0 .\n"
    )
    measures = " , ".join(f"id:{c}-plan-measure-{m}" for m in range(4))
    add(
        f'id:{c}-plan a ig:FiveYearPlan ; rdfs:label "14th Five-Year Sci-Tech Plan of Synthetic City {i}"@en ;'
        f' ig:issuedBy id:{c}-government ; ig:periodStart "2021"^^xsd:gYear ; ig:periodEnd "2025"^^xsd:gYear ;'
        f" ig:scope id:{c} ; ig:hasMeasure {measures} .\n"
    )
    for m in range(4):
        add(
            f'id:{c}-plan-measure-{m} a ig:Measure ; rdfs:label "Measure {m} of the plan of Synthetic City {i}"@en ;'
            f" ig:instrument instr:{INSTRUMENTS[(i + m) % len(INSTRUMENTS)]} .\n"
        )
    for n, indicator in enumerate(INDICATORS):
        value = round(1 + rng.random() * 4 + n * 10, 1)
        sentence = quote(f"Synthetic City {i} aims at more than {value} percent for {indicator} by 2025.")
        add(
            f'id:{c}-target-{indicator} a ig:Target ; rdfs:label "Synthetic City {i} 2025 target: {indicator}"@en ;'
            f" ig:indicator ind:{indicator} ; ig:comparator cmp:more-than ; ig:value {value} ; ig:unit unit:percent ;"
            f' ig:year "2025"^^xsd:gYear ; ig:about id:{c} ; ig:setBy id:{c}-plan ; dcterms:source {src} ;'
            f' ig:quote "{sentence}"@en .\n'
        )
        observed = round(value * 0.7, 1)
        sentence = quote(f"In 2020 Synthetic City {i} reached {observed} percent for {indicator}.")
        add(
            f"id:{c}-figure-{indicator} a ig:Observation ;"
            f' rdfs:label "Synthetic City {i} 2020 figure: {indicator}"@en ;'
            f" ig:indicator ind:{indicator} ; ig:comparator cmp:exactly ; ig:value {observed} ; ig:unit unit:percent ;"
            f' ig:year "2020"^^xsd:gYear ; ig:about id:{c} ; ig:statedBy id:{c}-bureau ; dcterms:source {src} ;'
            f" ig:status status:reported ;"
            f' ig:quote "{sentence}"@en .\n'
        )
    partner = f"syn-city-{(i + 1) % cities}"
    if cities > 1:
        sentence = quote(f"Synthetic City {i} signed a cooperation agreement with its neighbour in 2022.")
        add(
            f"id:{c}-cooperation a ig:Cooperation ;"
            f' rdfs:label "Cooperation of Synthetic City {i} with its neighbour"@en ;'
            f' ig:partnerPlace id:{c} , id:{partner} ; ig:periodStart "2020"^^xsd:gYear .\n'
        )
        add(
            f'id:{c}-agreement a ig:Agreement ; rdfs:label "Agreement of Synthetic City {i} with its neighbour"@en ;'
            f" ig:party id:{c}-bureau , id:{partner}-bureau ; ig:partOf id:{c}-cooperation ;"
            f' ig:date "2022-05"^^xsd:gYearMonth ; dcterms:source {src} ; ig:quote "{sentence}"@en .\n'
        )
    turtle = PREFIXES + "".join(out)
    evidence = quote(f"Synthetic City {i} reports on its science and technology.")
    return stem, turtle + records(turtle, stem, src, evidence), text


EVIDENCE = {f"{IG}{name}" for name in ("quote", "curatorNote", "qualifier", "title", "sectionOf", "fileName")}
STATEMENT_NODES = {f"{IG}Target", f"{IG}Observation"}


def records(turtle: str, stem: str, src: str, sentence: str) -> str:
    """A statement record for every link of a city's graph that needs one (as check statement-without-record
    asks), each quoting a sentence of the city's article, named by the rule."""
    triples = list(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    typed = {t.subject for t in triples if t.predicate.value == f"{RDF}type" and t.object.value in STATEMENT_NODES}
    out = []
    for t in triples:
        if not t.predicate.value.startswith(IG) or t.predicate.value in EVIDENCE or t.subject in typed:
            continue
        out.append(
            f"<{record_iri(t.subject.value, t.predicate.value, t.object, stem)}> a ig:StatementRecord ;"
            f" rdf:subject {t.subject} ; rdf:predicate {t.predicate} ; rdf:object {t.object} ;"
            f' dcterms:source {src} ; ig:quote "{sentence}"@en .\n'
        )
    return "".join(out)


def generate(out: Path, cities: int, size: int = 4, seed: int = 1) -> Path:
    """Write a project to ``out`` (ontology and checks copied from this repository) and its sources to
    ``out/sources``; returns the project root."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(REPO / "ontology", out / "ontology")
    shutil.copytree(REPO / "queries", out / "queries")
    shutil.copytree(REPO / "viz", out / "viz")
    (out / "kg" / "reference").mkdir(parents=True)
    (out / "sources").mkdir()
    (out / "kg" / "reference" / "places.ttl").write_text(
        PREFIXES + 'id:china a ig:Country ; rdfs:label "China"@en .\n', encoding="utf-8"
    )
    records = [PREFIXES]
    for i in range(cities):
        stem, turtle, text = city_file(i, cities, rng, size)
        (out / "kg" / f"{stem}.ttl").write_text(turtle, encoding="utf-8")
        (out / "sources" / f"{stem}.txt").write_text(" ".join(text) + "\n", encoding="utf-8")
        records.append(
            f'src:{stem} a ig:SourceArticle ; rdfs:label "Synthetic article {i}"@en ;'
            f' ig:title "Synthetic article {i}"@en ;'
            f' ig:fileName "{stem}.txt" ; ig:date "2022-06-01"^^xsd:date ;'
            f' ig:citation "Synthetic article {i} (Synthetic Daily, 1 June 2022)"@en .\n'
        )
    (out / "kg" / "sources.ttl").write_text("".join(records), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--cities", type=int)
    group.add_argument("--triples", type=int, help="approximate size wanted")
    parser.add_argument("--size", type=int, default=4, help="institutes per city (enterprises: twice as many)")
    args = parser.parse_args()
    cities = args.cities or max(1, args.triples // TRIPLES_PER_CITY)
    root = generate(args.out, cities, args.size)
    print(f"{root}: {cities} cities; run: innograph validate --root {root} --sources {root / 'sources'}")


if __name__ == "__main__":
    main()
