"""What each sub-command is for, and two examples of it, for ``innograph COMMAND --help``.

:func:`attach` puts them on the parser: the purpose line first in the description (followed by any longer
description the parser already has), the examples in the epilog. Every example is a whole command line
that works on the curated graph from the project folder; ``tests/test_help.py`` runs them (in a copy of
the project), so that they cannot go out of date. An example that needs a server names the loopback port
``7879`` for a store that ``oxigraph serve`` (or ``innograph serve --writable``) runs there.
"""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass

WIDTH = 79


@dataclass(frozen=True)
class Help:
    purpose: str
    examples: tuple[str, str]


HELP: dict[str, Help] = {
    "validate": Help(
        "Check the ontology and data against the shapes, the SPARQL checks and the source quotes; "
        "exit 0 clean, 1 violations, 2 unreadable input.",
        ("innograph validate", "innograph validate --engine pyshacl --format json"),
    ),
    "stats": Help(
        "Count entities by class (and how many have a Chinese label) and facts, targets, figures and "
        "evidence per file.",
        ("innograph stats", "innograph stats --format json"),
    ),
    "build": Help(
        "Validate, then write the dataset, the views and the docs into one build folder, swapped in at once.",
        ("innograph build", "innograph build --out release --format nq --no-views --no-docs"),
    ),
    "queries": Help(
        "List the query catalogue: each query's name, title and parameters.",
        ("innograph queries", "innograph queries --format json"),
    ),
    "query": Help(
        "Run a catalogue query, your own .rq file or a query on standard input, with parameters bound safely.",
        (
            "innograph query people-and-posts --lang zh",
            "innograph query neighbourhood --param entity=huang-zhiming --format jsonld",
        ),
    ),
    "fmt": Help(
        "Rewrite the ontology and graph Turtle files in canonical form (--check only reports).",
        ("innograph fmt --check", "innograph fmt kg/sources.ttl"),
    ),
    "docs": Help(
        "Write the ontology's documentation as one HTML page that opens offline.",
        ("innograph docs", "innograph docs --out ontology.html"),
    ),
    "new": Help(
        "Scaffold a source article, a class with its shape, statement records, or a target, figure, person or "
        "agreement with TODO placeholders.",
        (
            "innograph new class ScienceCommission --parent GovernmentBody",
            "innograph new target --about ningbo --indicator rd-intensity --year 2025 --to kg/004_5f4bcf8e5a1728d6.ttl",
        ),
    ),
    "draft": Help(
        "Read an article and write a draft graph of its figures, targets and names for a curator to review; "
        "a draft is never curated data until accepted.",
        (
            "innograph draft ../shared/sources/000_ca962a35b1daecb9.txt",
            "innograph draft ../shared/sources/004_5f4bcf8e5a1728d6.txt --out drafts/ningbo-2019.ttl --force",
        ),
    ),
    "accept": Help(
        "Turn a reviewed draft into curated data: keep the candidates marked draft:keep true, in canonical form.",
        (
            "innograph accept drafts/000_ca962a35b1daecb9.ttl",
            "innograph accept drafts/000_ca962a35b1daecb9.ttl --out kg/000_ca962a35b1daecb9.ttl",
        ),
    ),
    "export": Help(
        "Export one CSV row per programme in STIP Compass terms: place, years, instruments, target groups, themes, "
        "issuers, citation.",
        ("innograph export stip --out build/stip-programmes.csv", "innograph export stip --out stip.csv --root ."),
    ),
    "load": Help(
        "Load the project's files into a persistent Oxigraph store on disk, which other commands read with --store.",
        ("innograph load --store data/kg", "innograph load --store data/kg-copy --root ."),
    ),
    "push": Help(
        "Replace the graph's named graphs in any SPARQL 1.1 store, in one transaction.",
        (
            "innograph push --endpoint http://127.0.0.1:7879/query",
            "innograph push --endpoint http://127.0.0.1:7879/query --update-endpoint http://127.0.0.1:7879/update",
        ),
    ),
    "serve": Help(
        "Serve the graph read-only over SPARQL on 127.0.0.1, with a query page; Ctrl-C stops it.",
        ("innograph serve --port 7878", "innograph serve --store data/kg --port 7878"),
    ),
    "view": Help(
        "Write an interactive network view: one HTML file that opens offline in any browser.",
        ("innograph view --name ningbo", 'innograph view --focus "Huang Zhiming" --depth 2 --out huang.html'),
    ),
    "chart": Help(
        "Chart an indicator's targets and figures across places and years, or programmes over their periods: "
        "one offline HTML file.",
        ("innograph chart --indicator ind:rd-intensity", "innograph chart --timeline --place ningbo --out ningbo.html"),
    ),
    "analyze": Help(
        "Find the most central actors, the Louvain communities and the brokers between them; export for Gephi.",
        ("innograph analyze --top 5", "innograph analyze --graphml innograph.graphml --gexf innograph.gexf"),
    ),
    "why": Help(
        "Show why the graph says something: each statement with its verbatim quote, article and section.",
        ("innograph why yinchuan capitalOf ningxia", "innograph why huang-zhiming --format json"),
    ),
    "terms": Help(
        "Find classes, properties and vocabulary concepts by label (English or Chinese), definition or CURIE, "
        "with their rules.",
        ('innograph terms "R&D" --kind concept', "innograph terms ig:setBy --format json"),
    ),
    "path": Help(
        "Print the shortest chain of statements between two entities, in words.",
        ("innograph path huang-zhiming ministry-of-finance", "innograph path 'Huang Zhiming' 宁波市 --format json"),
    ),
}


def description(name: str, existing: str | None) -> str:
    """The purpose line, then the parser's own description (wrapped) where it says more."""
    purpose = textwrap.fill(HELP[name].purpose, width=WIDTH)
    if not existing or " ".join(existing.split()) == HELP[name].purpose:
        return purpose
    return purpose + "\n\n" + textwrap.fill(" ".join(existing.split()), width=WIDTH)


def epilog(name: str) -> str:
    return "examples:\n" + "\n".join(f"  {example}" for example in HELP[name].examples)


def attach(commands: argparse._SubParsersAction) -> None:
    """Give every sub-command that has an entry here its purpose and examples in ``--help``."""
    for name, parser in commands.choices.items():
        if name not in HELP:
            continue
        parser.description = description(name, parser.description)
        parser.epilog = epilog(name)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
