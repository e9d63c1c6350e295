"""innograph: an RDF knowledge graph of China's sci-tech innovation system.

Use it from Python as from the command line::

    from innograph import load, validate
    kg = load()                 # the project around the working directory
    report = validate(kg)
    print(report.to_text())
"""

from innograph.loader import KnowledgeGraph, load
from innograph.validation import validate

__all__ = ["KnowledgeGraph", "load", "validate"]
__version__ = "0.1.0"
