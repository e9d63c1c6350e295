"""Write the validated knowledge graph as one build: the dataset (TriG or N-Quads), the views of
``viz/views.toml`` (linked to the entity pages and charts), the charts of each indicator and the programme
timelines, the ontology's documentation with a page per entity, and a manifest, all as one generation.

* **Reproducible**: the same files give the same bytes. Quads are written in sorted order, and blank nodes
  (the shapes' property shapes and lists; curated data has none) get canonical labels instead of the
  random ones a parser hands out.
* **One generation**: everything is written into a fresh folder beside the target, which is then swapped
  in with one atomic rename. An interrupted build leaves the previous build whole, never a new dataset
  beside old views; ``manifest.json`` records the checksum of every input and output of the generation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from innograph.atomic import atomic_folder, atomic_path
from innograph.errors import InputError
from innograph.loader import KnowledgeGraph
from innograph.namespaces import PREFIXES

FORMATS = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}
MANIFEST = "manifest.json"
# What a build folder may hold: anything else is somebody's file, which a build must not delete.
BUILD_ENTRIES = {MANIFEST, "views", "charts", "docs", *(f"innograph.{suffix}" for suffix in FORMATS)}


def canonical_quads(kg: KnowledgeGraph) -> list[ox.Quad]:
    """Every quad, blank nodes canonically relabelled, in a stable order."""
    plain, with_blanks = [], []
    for quad in kg.store.quads_for_pattern(None, None, None, None):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            with_blanks.append(quad)
        else:
            plain.append(quad)
    if with_blanks:
        dataset = ox.Dataset(with_blanks)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        plain.extend(dataset)
    plain.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    return plain


def dataset_bytes(kg: KnowledgeGraph, fmt: str = "trig") -> bytes:
    """The whole dataset, one named graph per file, in a reproducible serialisation."""
    if fmt not in FORMATS:
        raise InputError(f"unknown dataset format {fmt!r}; use one of {', '.join(FORMATS)}")
    prefixes = dict(PREFIXES) if fmt == "trig" else None
    return ox.serialize(canonical_quads(kg), format=FORMATS[fmt], prefixes=prefixes)


def write_dataset(kg: KnowledgeGraph, out: Path) -> Path:
    """Write the dataset alone to ``out`` (format from its suffix, .trig or .nq), through a rename."""
    fmt = out.suffix.lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"unknown dataset format; name the file .{' or .'.join(FORMATS)}", path=str(out))
    data = dataset_bytes(kg, fmt)
    with atomic_path(out) as temporary:
        Path(temporary).write_bytes(data)
    return out


@dataclass(frozen=True)
class Built:
    folder: Path
    dataset: Path
    views: list[str]  # one line per view: file, nodes and edges
    docs: Path | None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_owned(folder: Path) -> None:
    """Refuse to replace a folder that holds files a build did not write."""
    if folder.exists() and not folder.is_dir():
        raise InputError("is a file, not a build folder; give --out a folder", path=str(folder))
    if not folder.is_dir():
        return
    foreign = sorted(p.name for p in folder.iterdir() if p.name not in BUILD_ENTRIES)
    if foreign:
        raise InputError(
            f"holds {', '.join(foreign[:3])}{' …' if len(foreign) > 3 else ''}, which innograph build did not "
            "write; a build replaces the whole folder, so move that away or give another --out",
            path=str(folder),
        )


def build(kg: KnowledgeGraph, folder: Path, fmt: str = "trig", views: bool = True, docs: bool = True) -> Built:
    """Write one generation of outputs into ``folder``, replacing the previous one in one step."""
    from innograph.chart import write_all as write_charts
    from innograph.docs import write_folder as write_docs
    from innograph.entity_pages import collect
    from innograph.views import build_links, write_all

    check_owned(folder)
    data = dataset_bytes(kg, fmt)
    with atomic_folder(folder) as staging:
        (staging / f"innograph.{fmt}").write_bytes(data)
        pages: set[str] = set()
        if docs:
            write_docs(kg, staging / "docs")  # docs/index.html, docs/entity/*.html
            pages = set(collect(kg))
        lines = []
        if views:
            charts = write_charts(kg, staging / "charts")  # charts/<indicator>.html, charts/timeline*.html
            lines = write_all(kg, staging / "views", build_links(kg, pages, charts))
        outputs = sorted(p for p in staging.rglob("*") if p.is_file())
        manifest = {
            "dataset": {"file": f"innograph.{fmt}", "triples": len(kg), "graphs": len(kg.files)},
            "inputs": {kg.project.relative(f.path): _sha256(f.path) for f in kg.files if f.path.is_file()},
            "outputs": {p.relative_to(staging).as_posix(): _sha256(p) for p in outputs},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    lines = [line.replace(str(staging), str(folder)) for line in lines]
    return Built(folder, folder / f"innograph.{fmt}", lines, folder / "docs" / "index.html" if docs else None)
