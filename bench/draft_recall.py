"""How much of the curated graph ``innograph draft`` finds on its own.

For each curated article (a source graph with targets or figures, whose text is in the sources folder) the
article is drafted from the project *without that article's graph*: the draft sees the vocabularies, the
source records and the other articles' entities, never the statements curated from the article itself.
A curated target or figure counts as found when the draft proposes a candidate with the same value (or
range), unit and comparator, and the same year, period start and period end where the curated one gives
them (``innograph.draft.matches``).

    recall    = curated statements found / curated statements
    precision = candidates that match a curated statement / candidates proposed

Run from the repository root:

    python bench/draft_recall.py              # the table, as curators run drafts (source record dates)
    python bench/draft_recall.py --misses     # and each curated statement the drafts miss
    python bench/draft_recall.py --append bench/results.md

Two tables are printed: with the article's date from its source record where the text prints none (the
workflow: ``innograph new source`` comes first), and from the article's text alone. Prints figures, asserts
nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from innograph import load
from innograph.citations import Citations
from innograph.draft import markdown_table, measure
from innograph.namespaces import SRC


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", help="project folder (default: this repository)")
    parser.add_argument("--sources", help="source articles folder (default: ../shared/sources)")
    parser.add_argument("--misses", action="store_true", help="list the curated statements the drafts miss")
    parser.add_argument("--append", metavar="FILE", help="also append the tables to this Markdown file")
    args = parser.parse_args(argv)

    root = args.root or Path(__file__).resolve().parents[1]
    kg = load(root, args.sources)
    started = time.perf_counter()
    with_record = measure(kg)
    text_only = measure(kg, [s.stem for s in with_record], use_source_date=False)
    elapsed = time.perf_counter() - started
    citations = Citations(kg)

    def name(stem: str) -> str:  # an article as a reader knows it: title, outlet and date
        return citations(f"{SRC}{stem}")

    out = [
        "## innograph draft: recall and precision on the curated articles",
        "",
        f"`python bench/draft_recall.py` ({len(with_record)} articles, {elapsed:.1f} s for both runs). Each article is "
        "drafted without its own graph; a curated target or figure is found when a candidate has the same value "
        "(or range), unit, comparator, and year / period where the curated one gives them. 'indicator agrees': "
        "found statements whose candidate also proposes the curated indicator (the indicators were written for "
        "these articles, so this is optimistic).",
        "",
        "Article date from the text, else from the source record (the workflow):",
        "",
        markdown_table(with_record, name),
        "",
        "Article date from the text alone:",
        "",
        markdown_table(text_only, name),
        "",
    ]
    if args.misses:
        out.append("Missed (with source record dates):")
        out.append("")
        for score in with_record:
            for s in score.misses:
                value = s.value if s.value is not None else f"{s.low}-{s.high}"
                when = s.year or ""
                if s.start or s.end:
                    when += f" [{s.start}..{s.end}]"
                out.append(f"- {name(score.stem)}: `{s.iri.rsplit('/', 1)[-1]}` {value} {s.unit} {s.comparator} {when}")
        out.append("")
    text = "\n".join(out)
    print(text)
    if args.append:
        with open(args.append, "a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
