"""What validation reads from the text of the files rather than from the store, read while the store loads.

Loading a large graph keeps one core busy for seconds while the other has nothing to do. Before it loads,
``innograph validate`` forks a helper that reads, in the meantime, what the rules take from the files'
text: the literals each data file writes in a form the store rewrites
(:func:`innograph.shacl.written.read_written`) and each article's text, normalised for the quote and name
checks. What the helper did not read is read when first asked for, so the report is the same with or
without it; and each article is read once per run, not once per rule that reads it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from innograph.project import Project
from innograph.shacl.written import WrittenText, read_written

# the graphs the shapes validate (innograph.validation.shacl_results), whose literals are read as written
SHAPES_DATA = ("sources", "reference", "source", "ontology", "vocab")
MIN_BYTES = 3_000_000  # Turtle under ontology/ and kg/ (about 50,000 triples): below this, read in line


@dataclass(frozen=True)
class Article:
    """An article's text, normalised (:func:`innograph.validation.normalise_text`). ``text`` is decoded as
    UTF-8; where it is not UTF-8, ``undecodable`` is the offset of the first bad byte and ``text`` is the
    text with each bad byte replaced."""

    text: str
    undecodable: int | None = None


def read_article(path: Path) -> Article:
    from innograph.validation import normalise_text

    data = path.read_bytes()
    try:  # utf-8-sig: a byte-order mark at the start of an article is not part of its text
        return Article(normalise_text(data.decode("utf-8-sig")))
    except UnicodeDecodeError as error:
        return Article(normalise_text(data.decode("utf-8-sig", errors="replace")), error.start)


@dataclass
class ReadAhead:
    """The files' text as validation needs it, by path: filled ahead, or on first use."""

    written: dict[str, WrittenText] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)

    def written_text(self, path: Path) -> WrittenText:
        key = str(path)
        if key not in self.written:
            self.written[key] = read_written(path)
        return self.written[key]

    def article(self, path: Path) -> Article:
        key = str(path)
        if key not in self.articles:
            self.articles[key] = read_article(path)
        return self.articles[key]


def read_ahead(project: Project) -> ReadAhead:
    """Read every data file's written literals and every source graph's article. A file that cannot be read
    now is left to be read, and reported, when it is asked for."""
    ahead = ReadAhead()
    for graph_file in project.files():
        for read in _reads(project, graph_file):
            with contextlib.suppress(OSError):
                read(ahead)
    return ahead


def _reads(project: Project, graph_file):
    if graph_file.kind in SHAPES_DATA:
        yield lambda ahead: ahead.written_text(graph_file.path)
    if graph_file.kind == "source":
        article = project.sources_dir / f"{graph_file.stem}.txt"
        if article.is_file():
            yield lambda ahead: ahead.article(article)


def turtle_bytes(project: Project) -> int:
    """The size of the project's Turtle files, which the load reads."""
    return sum(graph_file.path.stat().st_size for graph_file in project.files())
