"""Write the validated knowledge graph as one dataset file (TriG or N-Quads), never half-written."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from innograph.atomic import atomic_path
from innograph.loader import KnowledgeGraph

FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}


def write_dataset(kg: KnowledgeGraph, out: Path) -> Path:
    """Dump every named graph to ``out`` (format from its suffix) through a temporary file and a rename."""
    rdf_format = FORMATS.get(out.suffix)
    if rdf_format is None:
        raise ValueError(f"{out}: unknown dataset format; use one of {', '.join(FORMATS)}")
    with atomic_path(out) as temporary, open(temporary, "wb") as stream:
        kg.store.dump(stream, format=rdf_format)
    return out
