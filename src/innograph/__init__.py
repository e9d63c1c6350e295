"""innograph: an RDF knowledge graph of China's sci-tech innovation system.

Use it from Python as from the command line::

    from innograph import load, validate
    kg = load()                 # the project around the working directory
    report = validate(kg)
    print(report.to_text())
    kg.query("SELECT ?m WHERE { ?m a ig:Ministry }")       # the project's prefixes are known
    table = kg.run("figures-about", entity="ningbo")     # a catalogue query, parameters as --param reads them
    table.to_records()                                   # list of dicts of plain values
    table.to_pandas()                                    # a DataFrame (pip install 'innograph[analysis]')
"""

from innograph.loader import KnowledgeGraph, load
from innograph.results import Table
from innograph.validation import validate

__all__ = ["KnowledgeGraph", "Table", "load", "validate"]
__version__ = "0.1.0"
