"""Where a project's files are, and which named graph each file is loaded into.

A project is a folder with ``ontology/`` (OWL, SHACL shapes, SKOS vocabularies) and ``kg/`` (curated data),
usually a checkout of this repository. Source articles live outside it, in ``../shared/sources`` by default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from innograph.errors import InputError
from innograph.namespaces import GRAPH

ROOT_ENV = "INNOGRAPH_ROOT"
SOURCES_ENV = "INNOGRAPH_SOURCES"
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class GraphFile:
    """One Turtle file and the named graph it is loaded into."""

    path: Path
    graph: str
    kind: str  # "ontology", "shapes", "vocab", "sources", "reference" or "source"

    @property
    def stem(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class Project:
    root: Path
    sources_dir: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def kg_dir(self) -> Path:
        return self.root / "kg"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def checks_dir(self) -> Path:
        return self.queries_dir / "checks"

    def graph_file(self, graph: str) -> GraphFile:
        """The file a named graph is loaded from, and its kind: the one place that maps names both ways.
        ``ontology/<path>.ttl`` is ``graph/ontology/<path>`` (kind shapes, vocab or ontology), and
        ``kg/<path>.ttl`` is ``graph/<path>`` (kind sources, reference or source)."""
        if graph.startswith(f"{GRAPH}ontology/"):
            rel = graph[len(f"{GRAPH}ontology/") :]
            kind = "shapes" if f"{rel}.ttl" == SHAPES_FILE else "vocab" if rel.startswith("vocab/") else "ontology"
            return GraphFile(self.ontology_dir / f"{rel}.ttl", graph, kind)
        rel = graph.removeprefix(GRAPH)
        kind = "sources" if rel == "sources" else "reference" if "/" in rel else "source"
        return GraphFile(self.kg_dir / f"{rel}.ttl", graph, kind)

    def files(self) -> list[GraphFile]:
        """Every Turtle file of the project, in a stable order, with its graph and kind."""
        found: list[GraphFile] = []
        for folder, prefix in ((self.ontology_dir, f"{GRAPH}ontology/"), (self.kg_dir, GRAPH)):
            for path in sorted(folder.rglob("*.ttl")):
                graph = prefix + path.relative_to(folder).with_suffix("").as_posix()
                found.append(GraphFile(path, graph, self.graph_file(graph).kind))
        return found

    def relative(self, path: Path) -> str:
        """A path as the user should see it: relative to the project root when inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def _looks_like_project(path: Path) -> bool:
    return (path / "ontology").is_dir() and (path / "kg").is_dir()


def find_project(root: str | os.PathLike[str] | None = None, sources: str | os.PathLike[str] | None = None) -> Project:
    """Locate the project: ``root`` if given, else $INNOGRAPH_ROOT, else the nearest folder at or above the
    working directory that has ``ontology/`` and ``kg/``, else the checkout this package was installed from."""
    candidates: list[Path] = []
    if root is not None:
        candidates = [Path(root)]
    elif os.environ.get(ROOT_ENV):
        candidates = [Path(os.environ[ROOT_ENV])]
    else:
        cwd = Path.cwd()
        candidates = [cwd, *cwd.parents, Path(__file__).resolve().parents[2]]
    for candidate in candidates:
        if _looks_like_project(candidate):
            base = candidate.resolve()
            break
    else:
        where = candidates[0] if root is not None or os.environ.get(ROOT_ENV) else Path.cwd()
        raise InputError(f"{where}: not an innograph project (no ontology/ and kg/ folders here or above)")
    if sources is not None:
        sources_dir = Path(sources)
    elif os.environ.get(SOURCES_ENV):
        sources_dir = Path(os.environ[SOURCES_ENV])
    else:
        sources_dir = base.parent / "shared" / "sources"
    return Project(root=base, sources_dir=sources_dir)
