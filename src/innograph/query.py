"""Run a catalogue query (or the user's own) on an engine, with parameters bound safely::

from innograph import load
from innograph.catalog import resolve
from innograph.engines import OxigraphEngine
from innograph.query import run_query

kg = load()
query = resolve("figures-about", kg.project.queries_dir)
table = run_query(query, OxigraphEngine(kg), {"entity": "yinchuan"})
print(table.render("table"))

``answer(...)`` does the same under a wall-clock deadline that Ctrl-C can cut short, as ``innograph query``
runs it: in a forked child for the embedded engines, whose evaluation cannot be interrupted otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from innograph.catalog import Query
from innograph.deadline import run_with_deadline
from innograph.engines import EndpointEngine, second_opinion, syntax_error
from innograph.errors import EXIT_INPUT, UsageError
from innograph.namespaces import PREFIXES
from innograph.params import NoWhereGroup, bind, parse_value, query_form
from innograph.results import DEFAULT_PAGE_SIZE, FORMATS, GRAPH_FORMATS, Page, Table, Term, render_graph
from innograph.sparql_text import uses_service

DEFAULT_TIMEOUT = 30.0
T = TypeVar("T")
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


class FormatError(UsageError):
    """A ``--format`` that does not fit the query's kind of result (csv for a graph, nt for rows); exit 2,
    like any other option argparse refuses."""

    exit_code = EXIT_INPUT


PAGED_FORMATS = ("table",)  # where a query marked "# page:" is shown in pages unless asked otherwise


def shown_name(query: Query) -> str:
    return "the query" if query.name == "<stdin>" else query.name


def default_page(query: Query, fmt: str = "table") -> Page | None:
    """What ``innograph query`` shows of the query's rows when no page is asked for: the first page, for a
    query whose answer grows with the graph (its ``# page:`` line) read in a terminal (``table``); else
    None, every row (``md``, ``csv`` and ``json``, which are saved and read whole)."""
    return Page(1, query.page_size) if query.page_size and fmt in PAGED_FORMATS else None


def check_page_options(number, size, every: bool = False, names: tuple[str, str] = ("--page", "--page-size")) -> None:
    """Refuse a page number or size that is not a whole number from 1, and a page asked for with every row;
    ``names``: what the caller calls the two (the command's options, or :meth:`KnowledgeGraph.run`'s)."""
    for name, value in zip(names, (number, size), strict=True):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise UsageError(f"{name} takes a whole number from 1, not {value!r}")
    if every and (number is not None or size is not None):
        raise UsageError(f"--all shows every row; give it without {names[0]} and {names[1]}")


def choose_page(
    query: Query,
    number: int | None = None,
    size: int | None = None,
    every: bool = False,
    fmt: str | None = "table",
    names: tuple[str, str] = ("--page", "--page-size"),
) -> Page | None:
    """The page of the query's answer to show: page ``number`` (default 1) of ``size`` rows (default: the
    query's ``# page:`` line, else :data:`DEFAULT_PAGE_SIZE`) when either is given; every row (None) with
    ``every``; else :func:`default_page` in ``fmt`` (None: every row). Only a SELECT has pages."""
    check_page_options(number, size, every, names)
    if number is None and size is None:
        return None if every or fmt is None else default_page(query, fmt)
    form = query_form(query.text)
    if form == "UPDATE":
        return None  # run_query refuses it, with the reason
    if form != "SELECT":
        article = "an" if form == "ASK" else "a"
        raise UsageError(
            f"{names[0]} and {names[1]} cut the rows of a SELECT into pages; {shown_name(query)} is {article} {form}"
        )
    usual = query.page_size or DEFAULT_PAGE_SIZE
    return Page(number or 1, size or usual, sized=(size or usual) != usual)


def check_format(query: Query, fmt: str) -> None:
    """Refuse, before running anything, a format the query's result cannot be written in."""
    form = query_form(query.text)
    shown = shown_name(query)
    if form in GRAPH_FORMS and fmt not in ("table", "json", *GRAPH_FORMATS):
        raise FormatError(
            f"--format {fmt} does not fit {shown}, a {form} query: its result is a graph; "
            f"use --format ttl (the default), nt or jsonld"
        )
    if form in ("SELECT", "ASK") and fmt not in FORMATS:
        raise FormatError(
            f"--format {fmt} does not fit {shown}, a {form} query: its result is a table of rows; "
            f"use --format {', '.join(FORMATS[:-1])} or {FORMATS[-1]}"
        )


def render(result: Table | bytes, fmt: str) -> str | bytes:
    """A query's result in ``fmt``: a table of rows as text, a graph as bytes (Turtle, N-Triples, JSON-LD)."""
    return result.render(fmt) if isinstance(result, Table) else render_graph(result, fmt)


_IRI_OR_STRING = re.compile(
    r'<[^<>"{}|^`\\\s]*>'  # an IRI
    r'|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\''  # long strings
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''  # short strings
)


def with_prefixes(text: str) -> tuple[str, int]:
    """Declare the project's prefixes a query uses without declaring; returns the text and how many lines
    were added in front (so that error positions can be given in the user's own line numbers)."""
    declared = {m.group(1) for m in re.finditer(r"(?im)^\s*PREFIX\s+([\w-]*)\s*:", text)}
    code = _IRI_OR_STRING.sub(" ", text)  # a prefix inside <…> or "…" is not one; after a path's / it is
    missing = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w#:.-]){re.escape(p)}:", code)]
    if not missing:
        return text, 0
    head = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing)
    return head + text, len(missing)


def label_lookup(engine):
    """The entity resolver every command shares (:class:`~innograph.entities.EntityResolver`): slugs,
    CURIEs, IRIs and labels in any language, with the same "did you mean" when a name fits nothing."""
    from innograph.entities import EntityResolver

    return EntityResolver(engine)


def resolve_params(query: Query, given: dict[str, str], engine, lang: str | None = None) -> dict[str, Term]:
    """Check the given parameters against the query's, fill in defaults, and parse each value."""
    known = {p.name for p in query.params}
    unknown = sorted(set(given) - known)
    takes = ", ".join(p.describe() for p in query.params) or "no parameters"
    if unknown:
        from innograph.catalog import close_matches

        near = sorted({n for name in unknown for n in close_matches(name, sorted(known))})
        hint = f"did you mean {', '.join(near)}? " if near else ""
        raise UsageError(f"query {query.name} has no parameter {', '.join(unknown)}; {hint}it takes: {takes}")
    values: dict[str, Term] = {}
    lookup = label_lookup(engine)
    for param in query.params:
        raw = given.get(param.name)
        if raw is None and param.kind == "lang" and lang is not None:
            raw = lang
        if raw is None:
            raw = param.default
        if raw is None:
            raise UsageError(f"query {query.name} needs --param {param.name}=VALUE; it takes: {takes}")
        values[param.name] = parse_value(param.kind, raw, param.name, lookup)
    return values


def run_query(
    query: Query, engine, given: dict[str, str] | None = None, lang: str | None = None, page: Page | None = None
) -> Table | bytes:
    """Bind parameters, run, and turn syntax errors into ``file:line:column`` messages. With ``page``, a
    SELECT's answer is that page of its rows, with the number of rows of the whole answer; a page past the
    last is refused (:class:`~innograph.errors.UsageError`)."""
    form = query_form(query.text)
    if form == "UPDATE":
        raise UsageError(
            f"{query.name}: updates are not run by 'innograph query'; only SELECT, ASK, CONSTRUCT, DESCRIBE"
        )
    shown = str(query.path) if query.path else query.name
    if not getattr(engine, "allows_service", False) and uses_service(query.text):
        raise UsageError(
            f"{'-' if query.name == '<stdin>' else shown}: the query uses SERVICE, which makes the embedded "
            f"{engine.name} engine send requests to other servers; only innograph query --allow-service runs it"
        )
    values = resolve_params(query, given or {}, engine, lang)
    text, added = with_prefixes(query.text)
    try:
        bound = bind(text, values)
        result = engine.run(bound, page)
    except (SyntaxError, NoWhereGroup) as error:
        errors = [e for e in (_syntax_error_of(engine, text), second_opinion(text)) if e is not None]
        raise syntax_error(errors or [error], shown, added) from None
    if isinstance(result, Table):
        asked = [values[p.name].value for p in query.params if p.kind == "lang" and p.name in values]
        result.lang = asked[0] if asked else None
        if result.page is not None and result.total is not None and result.page.start >= max(result.total, 1):
            pages, total = result.page.count(result.total), result.total
            raise UsageError(
                f"page {result.page.number:,} is past the end: {shown_name(query)} has {total:,} "
                f"row{'s' if total != 1 else ''}, {pages:,} page{'s' if pages != 1 else ''} of {result.page.size:,}"
            )
    return result


def answer(
    query: Query,
    engine,
    given: dict[str, str] | None = None,
    lang: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    render: Callable[[Table | bytes], T] | None = None,
    page: Page | None = None,
) -> T | Table | bytes:
    """:func:`run_query` within ``timeout`` seconds of wall-clock time, stoppable by Ctrl-C; with ``render``,
    what ``render`` makes of the result; with ``page``, one page of a SELECT's rows (see :func:`run_query`).

    On an embedded engine, the whole of it (parameter look-ups, binding, evaluation, rendering) runs in a
    forked child that is killed at the deadline (:class:`~innograph.deadline.QueryTimeout`) or on Ctrl-C;
    errors come back unchanged. Rendering in the child is what keeps the trip back cheap: a rendered table
    is one string, where 87,000 rows of :class:`~innograph.results.Term` objects take two seconds to
    pickle and unpickle. An endpoint needs no child: each of its exchanges has the deadline already."""

    def work():
        result = run_query(query, engine, given, lang, page)
        return render(result) if render is not None else result

    if isinstance(engine, EndpointEngine):
        return work()
    return run_with_deadline(work, timeout)


def _syntax_error_of(engine, text: str) -> Exception | None:
    """The engine's syntax error on the text as written (before binding), for positions in the user's terms."""
    try:
        engine.run(text)
    except SyntaxError as error:
        return error
    except Exception:
        return None
    return None
