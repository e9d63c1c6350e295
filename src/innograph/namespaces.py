"""The IRIs innograph mints, and the prefixes it shows them with."""

from __future__ import annotations

BASE = "https://w3id.org/innograph/"
IG = f"{BASE}ontology#"
ID = f"{BASE}id/"
SRC = f"{ID}source/"
GRAPH = f"{BASE}graph/"
ONTOLOGY_GRAPH = f"{GRAPH}ontology/"
SHAPES = f"{BASE}shapes#"
VOCAB = f"{BASE}vocab/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
DCTERMS = "http://purl.org/dc/terms/"

# Longest namespaces first, so that e.g. src: wins over id:.
PREFIXES: dict[str, str] = {
    "src": SRC,
    "id": ID,
    "ig": IG,
    "igsh": SHAPES,
    "ind": f"{VOCAB}indicator/",
    "field": f"{VOCAB}field/",
    "instr": f"{VOCAB}instrument/",
    "unit": f"{VOCAB}unit/",
    "cmp": f"{VOCAB}comparator/",
    "lvl": f"{VOCAB}level/",
    "status": f"{VOCAB}status/",
    "stipi": f"{VOCAB}stip-instrument/",
    "stiptg": f"{VOCAB}stip-target-group/",
    "stipth": f"{VOCAB}stip-theme/",
    "graph": GRAPH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "sh": SH,
    "dcterms": DCTERMS,
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}


def curie(iri: str) -> str:
    """Shorten an IRI with the known prefixes; leave it in angle brackets when none fits."""
    best = ""
    best_prefix = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    if best:
        local = iri[len(best) :]
        if local and all(ch.isalnum() or ch in "-_." for ch in local):
            return f"{best_prefix}:{local}"
    return f"<{iri}>"


def sparql_prefixes() -> str:
    """PREFIX declarations for every known prefix, for queries that want them."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def turtle_prefixes(*names: str) -> str:
    """``@prefix`` lines for the named prefixes, in the order given."""
    return "".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in names)
