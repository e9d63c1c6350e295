"""The ``innograph`` command: a thin layer over the library, one sub-command per job."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from innograph.errors import EXIT_INPUT, EXIT_OK, EXIT_VIOLATIONS, InnographError


def _add_project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root", metavar="DIR", help="project folder (default: the nearest one with ontology/ and kg/)"
    )
    parser.add_argument("--sources", metavar="DIR", help="source articles folder (default: ../shared/sources)")


def _add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="PATH", help="read a persistent Oxigraph store (see: innograph load)")
    parser.add_argument("--endpoint", metavar="URL", help="read the graph from a SPARQL 1.1 endpoint")
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="wall-clock deadline in seconds per endpoint request (default 30)"
    )


def _load(args):
    from innograph.stores import open_graph

    return open_graph(
        args.root,
        args.sources,
        store=getattr(args, "store", None),
        endpoint=getattr(args, "endpoint", None),
        timeout=getattr(args, "timeout", 30.0),
    )


def _read_ahead(args, engine: str = "oxigraph"):
    """For a large graph read from its files by the default engine, a helper process that reads the files'
    text while this one loads the store (:mod:`innograph.read_ahead`); call what this returns for what it
    read (None: nothing, validation reads as it goes)."""
    from innograph import forked
    from innograph.project import find_project
    from innograph.read_ahead import MIN_BYTES, read_ahead, turtle_bytes

    if getattr(args, "store", None) or getattr(args, "endpoint", None) or engine != "oxigraph":
        return lambda: None
    try:
        project = find_project(args.root, args.sources)
        large = turtle_bytes(project) >= MIN_BYTES
    except (InnographError, OSError):
        return lambda: None  # loading says what is wrong
    return forked.start(lambda: read_ahead(project)) if large else lambda: None


def cmd_validate(args) -> int:
    from innograph.validation import validate

    global _QUICK_EXIT
    started = time.perf_counter()
    ahead = _read_ahead(args, args.engine)
    report = validate(_load(args), engine=args.engine, ahead=ahead())
    # nothing on disk is open (an in-memory store): the program may end without freeing it
    _QUICK_EXIT = args.store is None and args.endpoint is None
    if args.format == "json":
        print(report.to_json())
    else:
        print(report.to_text())
        print(f"validated in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return EXIT_OK if report.conforms(strict=args.strict) else EXIT_VIOLATIONS


def cmd_stats(args) -> int:
    from innograph.stats import compute

    stats = compute(_load(args))
    print(stats.to_json() if args.format == "json" else stats.to_text())
    return EXIT_OK


def cmd_build(args) -> int:
    from innograph.build import build
    from innograph.validation import validate

    folder = _build_folder(args)
    ahead = _read_ahead(args)
    kg = _load(args)
    report = validate(kg, ahead=ahead())
    if not report.conforms(strict=args.strict):
        print(report.to_text())
        print("innograph: the graph does not validate; nothing was written", file=sys.stderr)
        return EXIT_VIOLATIONS
    built = build(kg, folder, args.format, views=not args.no_views, docs=not args.no_docs)
    print(f"{len(kg)} triples in {len(kg.files)} named graphs validated and written to {built.dataset}")
    for line in built.views:
        print(f"view: {line}")
    if built.docs:
        print(f"docs: {built.docs}")
    if report.warnings:
        print(f"{len(report.warnings)} warning(s): run 'innograph validate' to see them")
    return EXIT_OK


def _build_folder(args) -> Path:
    from innograph.build import FORMATS
    from innograph.errors import UsageError
    from innograph.project import find_project

    if args.out and Path(args.out).suffix.lstrip(".") in FORMATS:
        suffix = Path(args.out).suffix[1:]
        raise UsageError(f"--out names the build folder, not a file: try --out DIR --format {suffix}")
    return Path(args.out) if args.out else find_project(args.root, args.sources).root / "build"


def cmd_queries(args) -> int:
    from innograph.catalog import catalogue
    from innograph.project import find_project

    project = find_project(args.root, args.sources)
    queries = catalogue(project.queries_dir, project.relative)
    if args.format == "json":
        import json

        listing = [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "params": [{"name": p.name, "kind": p.kind, "default": p.default, "doc": p.doc} for p in q.params],
                "examples": list(q.examples),
                "page_size": q.page_size,
            }
            for q in queries.values()
        ]
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max((len(n) for n in queries), default=4)
    for query in queries.values():
        params = ", ".join(p.describe() for p in query.params)
        paged = f" (pages of {query.page_size})" if query.page_size else ""
        print(f"{query.name:<{width}}  {query.title}{paged}" + (f"  [{params}]" if params else ""))
    return EXIT_OK


def _parse_params(pairs: list[str]) -> dict[str, str]:
    from innograph.errors import UsageError

    given = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        if name.strip() in given:
            raise UsageError(f"--param {name.strip()} is given twice; give each parameter once")
        given[name.strip()] = value
    return given


def cmd_query(args) -> int:
    import math

    from innograph.catalog import resolve
    from innograph.errors import UsageError
    from innograph.project import find_project
    from innograph.query import answer, check_format, check_page_options, choose_page, render

    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise UsageError(f"--timeout takes a number of seconds above 0, not {args.timeout:g}")
    check_page_options(args.page, args.page_size, args.all)  # before the graph is loaded
    given = _parse_params(args.param)
    if args.endpoint:
        from innograph.engines import EndpointEngine

        project = find_project(args.root, args.sources)
        engine = EndpointEngine(args.endpoint, args.timeout)
    else:
        kg = _load(args)
        project = kg.project
        if args.engine == "rdflib":
            from innograph.engines import RdflibEngine

            engine = RdflibEngine(kg, allow_service=args.allow_service)
        else:
            from innograph.engines import OxigraphEngine

            engine = OxigraphEngine(kg, allow_service=args.allow_service)
    query = resolve(args.query, project.queries_dir, project.relative, sys.stdin)
    check_format(query, args.format)  # csv for a CONSTRUCT, nt for a SELECT: refused before running
    page = choose_page(query, args.page, args.page_size, args.all, args.format)

    def in_format(result):
        return render(result, args.format)

    output = answer(query, engine, given, args.lang, args.timeout, in_format, page)  # complete before any is printed
    if isinstance(output, str):
        print(output)
    else:
        from innograph.terminal import printable_rdf

        sys.stdout.buffer.write(printable_rdf(output))
        sys.stdout.flush()
    return EXIT_OK


def _families(text: str | None) -> tuple[str, ...] | None:
    if not text:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _spec_from_args(args, kg):
    from innograph.network import DEFAULT_FAMILIES
    from innograph.views import ad_hoc, load_specs

    if getattr(args, "name", None):
        specs = load_specs(kg.project.root / "viz")
        if args.name not in specs:
            from innograph.catalog import close_matches
            from innograph.errors import UsageError

            near = close_matches(args.name, list(specs))
            hint = f"; did you mean {', '.join(near)}?" if near else f"; views: {', '.join(specs)}"
            raise UsageError(f"no view named {args.name!r} in viz/views.toml{hint}")
        return specs[args.name]
    # the title in words and the file name come from the request (views.ad_hoc)
    return ad_hoc(
        kg,
        only=_families(args.only) or DEFAULT_FAMILIES,
        statements=args.statements,
        focus=args.focus,
        depth=args.depth,
        source=args.source,
        query=args.query,
        params=_parse_params(args.param),
    )


def cmd_view(args) -> int:
    from innograph.views import write_view

    kg = _load(args)
    spec = _spec_from_args(args, kg)
    out = Path(args.out) if args.out else kg.project.root / "views" / f"{spec.name}.html"
    existed = out.is_file()  # never a silent overwrite: say so when a page of that name is replaced
    path, graph = write_view(kg, spec, out)
    done = "replaced" if existed else "wrote"
    print(f"{done} {path}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    return EXIT_OK


def cmd_analyze(args) -> int:
    from innograph.analyze import analyze, export, family_colours, measure
    from innograph.views import build_network

    kg = _load(args)
    graph = build_network(kg, _spec_from_args(args, kg))
    measures = measure(graph)  # one computation: the exports carry the communities the analysis reports
    for target in (args.graphml, args.gexf):
        if target:
            export(graph, Path(target), family_colours(kg.project.root / "viz"), measures)
            print(f"wrote {target}", file=sys.stderr)
    result = analyze(graph, top=args.top, measures=measures)
    print(result.to_json() if args.format == "json" else result.to_text())
    return EXIT_OK


def cmd_path(args) -> int:
    import json

    from innograph.analyze import explain, shortest_path
    from innograph.engines import OxigraphEngine
    from innograph.errors import UsageError
    from innograph.namespaces import curie
    from innograph.query import label_lookup
    from innograph.views import build_network

    kg = _load(args)
    resolver = label_lookup(OxigraphEngine(kg))
    start, end = (curie(resolver.entity(text, name).value) for text, name in ((args.start, "A"), (args.end, "B")))
    graph = build_network(kg, _spec_from_args(args, kg))
    try:
        steps = shortest_path(graph, start, end)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.format == "json":
        print(json.dumps([s.__dict__ for s in steps], ensure_ascii=False, indent=2))
    else:
        print(explain(graph, steps))
    return EXIT_OK


def cmd_why(args) -> int:
    import json

    from innograph.engines import OxigraphEngine
    from innograph.errors import UsageError
    from innograph.params import parse_value
    from innograph.query import label_lookup
    from innograph.results import Term
    from innograph.why import reasons, resolve_property, to_json, to_text

    kg = _load(args)
    lookup = label_lookup(OxigraphEngine(kg))
    subject = parse_value("entity", args.subject, "SUBJECT", lookup).value
    prop = resolve_property(kg, args.property) if args.property else None
    obj: Term | str | None = None
    if args.object is not None:
        try:
            obj = parse_value("entity", args.object, "OBJECT", lookup)
        except UsageError:
            obj = args.object  # not an entity: a literal's text, such as a year
    found = reasons(kg, subject, prop, obj)
    print(json.dumps(to_json(found), ensure_ascii=False, indent=2) if args.format == "json" else to_text(found))
    return EXIT_OK if found else EXIT_VIOLATIONS


def cmd_terms(args) -> int:
    from innograph.errors import UsageError
    from innograph.terms import Vocabulary, hint, to_json, to_text

    vocabulary = Vocabulary(_load(args))
    hits = vocabulary.search(args.text, args.kind)
    if not hits:
        raise UsageError(f"no term matches {args.text!r}" + hint(vocabulary.suggestions(args.text, args.kind)))
    shown = hits[: args.limit] if args.limit > 0 else hits
    if args.format == "json":
        print(to_json(shown))
    else:
        print(to_text(shown))
        if len(shown) < len(hits):
            print(f"\n{len(hits) - len(shown)} more; --limit 0 shows all {len(hits)}")
    return EXIT_OK


def _add_network_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", metavar="FAMILIES", help="class families, comma-separated: actors,places,...")
    parser.add_argument("--statements", action="store_true", help="include targets and reported figures as nodes")
    parser.add_argument("--focus", metavar="ENTITY", help="only what lies within --depth links of this entity")
    parser.add_argument("--depth", type=int, default=1, help="links from --focus (default 1)")
    parser.add_argument("--source", metavar="FILE", help="only what one source article says (file name or stem)")
    parser.add_argument("--query", metavar="NAME", help="only the statements a CONSTRUCT (or ?s ?p ?o SELECT) returns")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="parameter for --query")


def cmd_fmt(args) -> int:
    from innograph.errors import InnographError
    from innograph.fmt import CitationContext, format_files, turtle_files
    from innograph.namespaces import curie
    from innograph.project import find_project

    project = find_project(args.root, args.sources)
    paths = [Path(p) for p in args.files] if args.files else turtle_files(project.root)
    context = CitationContext(project.root)  # source records get their ig:citation written
    failed = False
    changed = []
    canonical = 0
    for path in paths:
        try:
            outcome = format_files([path], project.relative, args.check, context)[0]
        except InnographError as error:
            print(f"innograph: error: {error}", file=sys.stderr)
            failed = True
            continue
        if outcome.changed:
            cited = ", ".join(curie(s) for s in outcome.cited)
            why = ("ig:citation missing or out of date: " if args.check else "ig:citation written: ") + cited
            changed.append(f"{outcome.shown} ({why})" if cited else outcome.shown)
        else:
            canonical += 1
    if args.check:
        for shown in changed:
            print(f"not canonical: {shown}")
        if changed:
            print(f"{len(changed)} file(s) would be reformatted; run 'innograph fmt'", file=sys.stderr)
        elif not failed:
            print(f"{canonical} file{'' if canonical == 1 else 's'} canonical")
    else:
        for shown in changed:
            print(f"reformatted {shown}")
    if failed:
        return EXIT_INPUT
    return EXIT_VIOLATIONS if args.check and changed else EXIT_OK


def cmd_draft(args) -> int:
    from innograph.draft import main_draft

    return main_draft(args)


def cmd_accept(args) -> int:
    from innograph.draft import main_accept

    return main_accept(args)


def cmd_new(args) -> int:
    from innograph import scaffold
    from innograph.project import find_project

    project = find_project(args.root, args.sources)
    if args.what == "source":
        written = scaffold.new_source(project, Path(args.name))
        hint = "fill in its facts (docs/curation.md), then run 'innograph validate'"
    elif args.what == "records":
        from innograph.records import scaffold_records

        count = scaffold_records(_load(args), Path(args.name))
        print(f"{count} statement record(s) added to {args.name}")
        print(
            "replace each TODO quote with the sentence that says it, then run 'innograph fmt' and 'innograph validate'"
        )
        return EXIT_OK
    elif args.what in ("target", "figure", "person", "agreement", "record"):
        kg = _load(args)
        block = scaffold.block_from_args(kg, args)
        todo = f"{len(block.placeholders)} TODO placeholder(s) to replace" if block.placeholders else "no TODO left"
        if args.to is None:
            print(block.standalone(), end="")
            print(f"innograph: {todo}; append it to the article's graph with --to kg/<stem>.ttl", file=sys.stderr)
            return EXIT_OK
        scaffold.append_block(kg, block, args.to)
        records = f" and {block.records} statement record(s)" if block.records and block.kind != "record" else ""
        print(f"appended {block.kind} {scaffold.curie(block.subject)}{records} to {project.relative(Path(args.to))}")
        for placeholder in block.placeholders:
            print(f"  TODO {placeholder}")
        print(f"{todo}; then run 'innograph fmt' and 'innograph validate'")
        return EXIT_OK
    else:
        from innograph.namespaces import OWL

        declared = _load(args).declared(f"{OWL}Class")
        written = scaffold.new_class(project, args.name, args.parent, declared)
        hint = "write its definition and its shape's constraints, then run 'innograph validate'"
    for path in written:
        print(f"wrote {project.relative(path)}")
    print(hint)
    return EXIT_OK


def cmd_docs(args) -> int:
    from innograph.docs import write

    kg = _load(args)
    out = Path(args.out) if args.out else kg.project.root / "build" / "docs" / "index.html"
    write(kg, out)
    print(f"wrote {out} and a page per entity in {out.parent / 'entity'}")
    return EXIT_OK


def cmd_chart(args) -> int:
    from innograph.chart import _slug, indicator_chart, timeline_chart, write_chart
    from innograph.engines import OxigraphEngine
    from innograph.entities import EntityResolver
    from innograph.errors import UsageError

    if bool(args.indicator) == bool(args.timeline):
        raise UsageError("chart: give --indicator IND (one indicator across places) or --timeline (programmes)")
    if args.place and not args.timeline:
        raise UsageError("--place narrows --timeline; an indicator chart shows every place")
    kg = _load(args)
    engine = OxigraphEngine(kg)
    resolver = EntityResolver(engine)
    if args.timeline:
        place = resolver.entity(args.place, "--place").value if args.place else None
        name = f"timeline-{_slug(place)}" if place else "timeline"
        page, programmes, targets = timeline_chart(engine, place)
        counted = f"{len(programmes)} programmes, {len(targets)} targets"
    else:
        indicator = resolver.concept(args.indicator, "--indicator").value
        name = _slug(indicator)
        page, points = indicator_chart(engine, indicator)
        kinds = [p.kind for p in points]
        counted = f"{kinds.count('target')} targets, {kinds.count('figure')} figures"
    out = Path(args.out) if args.out else kg.project.root / "charts" / f"{name}.html"
    write_chart(out, page)
    print(f"wrote {out}: {counted}")
    return EXIT_OK


def cmd_export(args) -> int:
    from innograph.engines import OxigraphEngine
    from innograph.stip import export

    kg = _load(args)
    out = Path(args.out) if args.out else kg.project.root / "build" / "stip-programmes.csv"
    count = export(OxigraphEngine(kg), out)
    print(f"wrote {out}: {count} programmes")
    return EXIT_OK


def cmd_load(args) -> int:
    from innograph.project import find_project
    from innograph.stores import load_store

    project = find_project(args.root, args.sources)
    kg, seconds = load_store(project, Path(args.store))
    print(f"loaded {len(kg)} triples in {len(kg.files)} named graphs into {args.store} in {seconds:.2f} s")
    return EXIT_OK


def cmd_push(args) -> int:
    from innograph.push import Endpoints, push

    kg = _load_files_or_store(args)
    endpoints = Endpoints.derive(args.endpoint, args.update_endpoint)
    pushed = push(kg, endpoints, args.timeout)
    for item in pushed:
        print(f"{item.triples:>8}  {item.graph}")
    print(f"pushed {sum(p.triples for p in pushed)} triples in {len(pushed)} named graphs to {endpoints.query}")
    return EXIT_OK


def _load_files_or_store(args):
    from innograph.stores import open_graph

    return open_graph(args.root, args.sources, store=args.store)


def _interrupt(_signal, _frame) -> None:
    raise KeyboardInterrupt


def cmd_serve(args) -> int:
    """Serve the graph on 127.0.0.1, read-only unless --writable; stop cleanly on Ctrl-C, SIGTERM or SIGHUP."""
    import contextlib
    import signal

    from innograph.serve import claim_port, start_serving

    for name in ("SIGTERM", "SIGHUP"):  # like Ctrl-C: stop the server, remove the temporary store
        # ... unless ignored on purpose (nohup ignores SIGHUP)
        if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) is not signal.SIG_IGN:
            signal.signal(getattr(signal, name), _interrupt)
    front = claim_port(args.port)  # before anything starts: a port in use is refused at once
    serving = None
    try:
        kg = _load_files_or_store(args)
        store = Path(args.store) if args.store else None
        serving = start_serving(front, kg, store, args.writable, args.allow_service, args.timeout)
        base = serving.base
        if args.writable:
            mode = "writable: updates and Graph Store writes change a copy that ends with the server"
        else:
            mode = "read-only: updates, Graph Store writes and SERVICE are refused (see --writable)"
        print(f"serving {len(kg)} triples in {len(kg.files)} named graphs, {mode}")
        print(f"SPARQL query endpoint: {base}/query")
        if args.writable:
            print(f"SPARQL update endpoint: {base}/update   Graph Store: {base}/store")
        print(f"query page: {base}/")
        print("Ctrl-C stops the server.", flush=True)
        serving.backend.wait()
        print("innograph: the Oxigraph server stopped by itself", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            print("stopped", flush=True)
        return EXIT_OK
    finally:
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):  # a second signal must not cut the clean-up short
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        if serving is not None:
            serving.close()
        else:
            front.server_close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="innograph",
        description="Build, validate and inspect the innograph knowledge graph.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check ontology, shapes and data; exit 0 clean, 1 violations, 2 unreadable"
    )
    _add_project_options(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument(
        "--engine",
        choices=("oxigraph", "pyshacl"),
        default="oxigraph",
        help="SHACL engine: the shapes compiled to SPARQL on Oxigraph (default), or pySHACL (slower; the reference)",
    )
    _add_store_options(validate)
    validate.set_defaults(run=cmd_validate)

    stats = commands.add_parser("stats", help="count entities by class and facts by source")
    _add_project_options(stats)
    stats.add_argument("--format", choices=("text", "json"), default="text")
    _add_store_options(stats)
    stats.set_defaults(run=cmd_stats)

    build = commands.add_parser(
        "build",
        help="validate, then write the dataset, the views and the docs as one generation (build/)",
        description="Validate, then write one generation of outputs into a folder (default build/): the dataset "
        "(innograph.trig or .nq), views/*.html for viz/views.toml, docs/index.html and manifest.json. The folder "
        "is written beside and swapped in at once: readers see the old build or the new one. The same files give "
        "the same bytes.",
    )
    _add_project_options(build)
    build.add_argument("--out", metavar="DIR", help="the build folder (default: build/ in the project)")
    build.add_argument("--format", choices=("trig", "nq"), default="trig", help="dataset format (default trig)")
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("--no-views", action="store_true", help="leave out the views")
    build.add_argument("--no-docs", action="store_true", help="leave out the documentation page")
    build.set_defaults(run=cmd_build)

    queries = commands.add_parser("queries", help="list the query catalogue: name, title, parameters")
    _add_project_options(queries)
    queries.add_argument("--format", choices=("table", "json"), default="table")
    queries.set_defaults(run=cmd_queries)

    query = commands.add_parser(
        "query",
        help="run a catalogue query, a .rq file, or - (standard input)",
        description="SELECT and ASK print a table of rows (--format table, csv, json or md); CONSTRUCT and "
        "DESCRIBE print a graph (--format ttl, the default, nt or jsonld). With --lang zh, a label shown in "
        "English for want of a Chinese one is marked *; a column fooId (the identifier behind the label in "
        "column foo) is written in csv and json, not in table or md. A question whose answer grows with the "
        "graph (marked 'pages of N' by innograph queries) shows its first N rows in --format table, with the "
        "number of all rows and the options for the next page; --all shows every row.",
    )
    _add_project_options(query)
    query.add_argument("query", metavar="NAME|FILE|-", help="catalogue name, path to a .rq file, or - for stdin")
    query.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="bind a parameter (repeatable)"
    )
    query.add_argument(
        "--format",
        choices=("table", "csv", "json", "md", "ttl", "nt", "jsonld"),
        default="table",
        help="rows: table (default), csv, json (SPARQL JSON), md; a graph: ttl (default), nt, jsonld (or json)",
    )
    query.add_argument(
        "--lang",
        choices=("en", "zh"),
        help="language of labels, for queries that take lang; a label shown in another language is marked *",
    )
    query.add_argument(
        "--page",
        type=int,
        metavar="N",
        help="show page N of a SELECT's rows (from 1), with the number of all rows; a query marked '# page:' "
        "(innograph queries shows which) is shown in pages in --format table unless --all",
    )
    query.add_argument(
        "--page-size",
        type=int,
        metavar="ROWS",
        help="rows per page (default: the query's '# page:' line, else 100)",
    )
    query.add_argument("--all", action="store_true", help="every row of a query that is shown in pages")
    query.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph", help="embedded engine")
    query.add_argument("--store", metavar="PATH", help="query a persistent Oxigraph store (see: innograph load)")
    query.add_argument("--endpoint", metavar="URL", help="send the query to this SPARQL 1.1 endpoint instead")
    query.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="wall-clock deadline in seconds for the query, on any engine (default 30; over --endpoint: per request)",
    )
    query.add_argument(
        "--allow-service",
        action="store_true",
        help="let the embedded engines run SERVICE, which sends requests to other servers (refused by default)",
    )
    query.set_defaults(run=cmd_query)

    fmt = commands.add_parser("fmt", help="rewrite ontology/ and kg/ Turtle in canonical form (--check: only report)")
    _add_project_options(fmt)
    fmt.add_argument("files", nargs="*", help="files to format (default: every .ttl in ontology/ and kg/)")
    fmt.add_argument("--check", action="store_true", help="change nothing; exit 1 naming files that are not canonical")
    fmt.set_defaults(run=cmd_fmt)

    docs = commands.add_parser("docs", help="write the ontology documentation as one offline HTML page")
    _add_project_options(docs)
    docs.add_argument("--out", metavar="FILE", help="output file (default: build/docs/index.html)")
    _add_store_options(docs)
    docs.set_defaults(run=cmd_docs)

    new = commands.add_parser(
        "new",
        help="scaffold a source article, a class, statement records, a target or figure, a person, an agreement",
        description="target, figure, person, agreement and record print a Turtle block (or append it to an "
        "article's graph with --to), filled with what exists and with TODO placeholders that innograph validate "
        "reports until they are replaced. Entities are named by slug, CURIE, IRI or label.",
    )
    kinds = new.add_subparsers(dest="what", required=True, metavar="WHAT")
    new.set_defaults(run=cmd_new)

    def new_kind(name: str, summary: str) -> argparse.ArgumentParser:
        sub = kinds.add_parser(name, help=summary, description=summary[:1].upper() + summary[1:] + ".")
        _add_project_options(sub)
        return sub

    def article_options(sub: argparse.ArgumentParser, section: bool = True) -> None:
        sub.add_argument("--source", metavar="FILE.txt", help="the article that says it (default: the --to file's)")
        sub.add_argument("--to", metavar="kg/FILE.ttl", help="append to this article's graph file (default: print)")
        sub.add_argument("--quote", help="the article's sentence that says it, for every quote (default: TODO)")
        if section:
            sub.add_argument("--section", metavar="ENTITY", help="on a page of several articles, the one that says it")

    item = new_kind("source", "add a source article's record to kg/sources.ttl and create its graph kg/<stem>.ttl")
    item.add_argument("name", metavar="FILE.txt", help="the article, already in the sources folder")
    item = new_kind("class", "declare a class under its parent, with a placeholder definition and a node shape")
    item.add_argument("name", metavar="NAME", help="UpperCamelCase name, such as TechnologyTransferCentre")
    item.add_argument("--parent", default="Entity", help="the class it specialises (default: Entity)")
    item = new_kind("records", "append a record stub for every statement of an article's graph that has none")
    item.add_argument("name", metavar="kg/FILE.ttl", help="the article's graph file")
    for kind, cls in (("target", "ig:Target"), ("figure", "ig:Observation")):
        item = new_kind(kind, f"scaffold a {kind} ({cls}) about an entity, measuring an indicator")
        item.add_argument("--about", required=True, metavar="ENTITY", help="what the number describes")
        item.add_argument("--indicator", required=True, metavar="IND", help="ind:NAME, its local name or its label")
        item.add_argument(
            "--by", action="append", default=[], metavar="ENTITY",
            help="the programme that sets it (ig:setBy) or actor that states it (ig:statedBy); repeatable",
        )  # fmt: skip
        item.add_argument("--comparator", metavar="CMP", help="cmp:more-than, more-than or its label (default: TODO)")
        item.add_argument("--unit", metavar="UNIT", help="unit:percent... (default: the usual unit, or TODO)")
        if kind == "figure":
            item.add_argument("--status", metavar="STATUS", help="reported, estimate or forecast (default: TODO)")
        item.add_argument("--value", metavar="NUMBER", help="the number, such as 45 or 1.2 (default: TODO)")
        item.add_argument("--year", metavar="YEAR", help="a year (2025) or a period (2021-2025) (default: TODO)")
        item.add_argument("--id", metavar="SLUG", help="its slug (default: made from the entity, year and indicator)")
        article_options(item, section=False)
    item = new_kind("person", "scaffold a person holding a post in an organisation, with the statement records")
    item.add_argument("person", metavar="NAME", help="the person's name as the article writes it (or an existing one)")
    item.add_argument("--post", required=True, metavar="ROLE", help="the role title, such as Director")
    item.add_argument("--of", required=True, metavar="ORG", help="the organisation the post is in")
    item.add_argument(
        "--head", action=argparse.BooleanOptionalAction, default=None,
        help="whether the post heads the organisation (ig:headOf; default: guessed from the role title)",
    )  # fmt: skip
    item.add_argument("--id", metavar="SLUG", help="the person's slug (default: made from the name)")
    article_options(item)
    item = new_kind("agreement", "scaffold an agreement between parties, with the statement records")
    item.add_argument(
        "--parties", required=True, action="append", metavar="A,B", help="two or more actors; comma-separated"
    )
    item.add_argument("--cooperation", metavar="ENTITY", help="the cooperation it is part of (ig:partOf)")
    item.add_argument("--date", metavar="DATE", help="2022-08-26, 2022-08 or 2022 (default: TODO)")
    item.add_argument("--label", help="its English label (default: Agreement between A and B)")
    item.add_argument("--id", metavar="SLUG", help="its slug (default: made from the label)")
    article_options(item)
    item = new_kind("record", "scaffold the statement record of one statement (and the statement, if missing)")
    item.add_argument("subject", metavar="SUBJECT", help="entity by slug, CURIE, IRI or label")
    item.add_argument("property", metavar="PROPERTY", help="property by CURIE, name or label")
    item.add_argument("object", metavar="OBJECT", help="entity (slug, CURIE, label) or a value")
    article_options(item)

    draft = commands.add_parser(
        "draft", help="read a new article and write a draft graph of its figures, targets and names to review"
    )
    _add_project_options(draft)
    draft.add_argument("article", metavar="ARTICLE.txt", help="the article's text file")
    draft.add_argument("--out", metavar="FILE", help="where to write the draft (default: drafts/<stem>.ttl)")
    draft.add_argument("--force", action="store_true", help="replace an existing draft (and any review in it)")
    draft.set_defaults(run=cmd_draft)

    accept = commands.add_parser(
        "accept", help="turn a reviewed draft into curated data: keep what is marked draft:keep true"
    )
    _add_project_options(accept)
    accept.add_argument("draft", metavar="DRAFT.ttl", help="the reviewed draft (drafts/<stem>.ttl)")
    accept.add_argument("--out", metavar="FILE", help="the graph file to write (default: kg/<stem>.ttl)")
    accept.set_defaults(run=cmd_accept)

    chart = commands.add_parser(
        "chart", help="chart targets beside reported figures, or programmes over time: one offline HTML file"
    )
    _add_project_options(chart)
    chart.add_argument("--indicator", metavar="IND", help="one indicator across places and years (CURIE or label)")
    chart.add_argument("--timeline", action="store_true", help="programmes in force as bars, targets at due years")
    chart.add_argument("--place", metavar="PLACE", help="with --timeline: only programmes of this place")
    chart.add_argument(
        "--out", metavar="FILE", help="output file (default: charts/<indicator>.html or charts/timeline.html)"
    )
    _add_store_options(chart)
    chart.set_defaults(run=cmd_chart)

    export = commands.add_parser(
        "export", help="export the programmes in another vocabulary: stip (a STIP Compass-style CSV, one row each)"
    )
    _add_project_options(export)
    export.add_argument("format", choices=["stip"], help="stip: the EC-OECD STIP Compass vocabulary, as CSV")
    export.add_argument("--out", metavar="FILE.csv", help="output file (default: build/stip-programmes.csv)")
    _add_store_options(export)
    export.set_defaults(run=cmd_export)

    load = commands.add_parser("load", help="load the project's files into a persistent Oxigraph store on disk")
    _add_project_options(load)
    load.add_argument("--store", metavar="PATH", required=True, help="the store's folder (created if need be)")
    load.set_defaults(run=cmd_load)

    push = commands.add_parser("push", help="load the graph, named graph by named graph, into a SPARQL 1.1 store")
    _add_project_options(push)
    push.add_argument("--endpoint", metavar="URL", required=True, help="the store's SPARQL query endpoint")
    push.add_argument("--update-endpoint", metavar="URL", help="its update endpoint (default: Oxigraph's /update)")
    push.add_argument("--store", metavar="PATH", help="push from a persistent Oxigraph store instead of the files")
    push.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each request (default 60)")
    push.set_defaults(run=cmd_push)

    serve = commands.add_parser(
        "serve", help="serve the graph read-only over SPARQL on 127.0.0.1 (Oxigraph behind a guard)"
    )
    _add_project_options(serve)
    serve.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    serve.add_argument("--store", metavar="PATH", help="serve a persistent Oxigraph store's graph instead of the files")
    serve.add_argument("--timeout", type=float, default=60.0, help="seconds to wait while starting (default 60)")
    serve.add_argument(
        "--writable", action="store_true",
        help="accept SPARQL updates and Graph Store writes (to a copy that ends with the server)",
    )  # fmt: skip
    serve.add_argument(
        "--allow-service", action="store_true", help="let queries use SERVICE (and updates LOAD): fetch other URLs"
    )
    serve.set_defaults(run=cmd_serve)

    view = commands.add_parser("view", help="write an interactive network view: one HTML file that opens offline")
    _add_project_options(view)
    view.add_argument("--name", help="a view defined in viz/views.toml")
    _add_network_options(view)
    view.add_argument(
        "--out",
        metavar="FILE",
        help="output file (default: views/ named after the request: NAME.html, ego-ENTITY[-DEPTH].html, "
        "source-STEM.html, query-NAME.html, overview.html; says 'replaced' when the file existed)",
    )
    _add_store_options(view)
    view.set_defaults(run=cmd_view)

    analyze = commands.add_parser("analyze", help="central actors, communities and brokers; GraphML/GEXF export")
    _add_project_options(analyze)
    analyze.add_argument("--name", help="analyse the network of a view defined in viz/views.toml")
    _add_network_options(analyze)
    analyze.add_argument("--top", type=int, default=10, help="rows per list (default 10)")
    analyze.add_argument("--format", choices=("table", "json"), default="table")
    analyze.add_argument("--graphml", metavar="FILE", help="also write the network as GraphML")
    analyze.add_argument("--gexf", metavar="FILE", help="also write the network as GEXF")
    _add_store_options(analyze)
    analyze.set_defaults(run=cmd_analyze)

    why = commands.add_parser(
        "why",
        help="each statement about an entity with its quote, article, section, and stated or inferred",
        description="Why does the graph say this? Prints each matching statement with the verbatim quote that "
        "supports it, the article it comes from (title, outlet, date) and section, and whether the curator read "
        "or inferred it. Example: innograph why yinchuan capitalOf ningxia",
    )
    _add_project_options(why)
    why.add_argument("subject", metavar="SUBJECT", help="entity by slug, CURIE, IRI or label")
    why.add_argument("property", metavar="PROPERTY", nargs="?", help="property by CURIE, name or label")
    why.add_argument("object", metavar="OBJECT", nargs="?", help="entity (slug, CURIE, label) or a value")
    why.add_argument("--format", choices=("text", "json"), default="text")
    _add_store_options(why)
    why.set_defaults(run=cmd_why)

    terms = commands.add_parser(
        "terms",
        help="search classes, properties and vocabulary concepts by name, definition or CURIE",
        description="Exact names and CURIEs first, then names that contain the text, then definitions. Each "
        "hit shows its labels and definition; a class its superclasses and shape rules, a property its domain, "
        "range and the shapes that use it, a concept its scheme and broader concepts.",
    )
    _add_project_options(terms)
    terms.add_argument("text", metavar="TEXT", help="a label (English or Chinese), part of one, a CURIE or a word")
    terms.add_argument("--kind", choices=("class", "property", "concept"), help="only terms of this kind")
    terms.add_argument("--limit", type=int, default=10, help="show the first N hits (default 10; 0: all)")
    terms.add_argument("--format", choices=("text", "json"), default="text")
    _add_store_options(terms)
    terms.set_defaults(run=cmd_terms)

    path = commands.add_parser("path", help="the shortest chain of statements between two entities, in words")
    _add_project_options(path)
    path.add_argument("start", metavar="A", help="entity by slug, CURIE, IRI or label")
    path.add_argument("end", metavar="B", help="entity by slug, CURIE, IRI or label")
    path.add_argument("--name", help="search within the network of a view defined in viz/views.toml")
    _add_network_options(path)
    path.add_argument("--format", choices=("table", "json"), default="table")
    _add_store_options(path)
    path.set_defaults(run=cmd_path)

    from innograph.cli_help import attach

    attach(commands)  # each sub-command's purpose line and two examples, for --help
    return parser


_QUICK_EXIT = False  # set by a command whose process may end without tearing down what it loaded


def console() -> None:
    """The ``innograph`` program: :func:`main`, then the exit. After a command that holds nothing open on
    disk, the process ends at once instead of freeing a loaded store object by object (0.4 s at a million
    triples, for nothing)."""
    import os

    _faster_malloc(sys.argv[1:])
    code = main()
    if not _QUICK_EXIT:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass  # the reader went away: nothing more to say
    os._exit(code)


def _faster_malloc(argv: list[str]) -> None:
    """A command over a large graph starts again under mimalloc where the machine has it
    (:mod:`innograph.allocator`); the restarted program gives its children the user's environment."""
    from innograph import allocator

    allocator.maybe_restart(lambda: _project_bytes(argv))


def _project_bytes(argv: list[str]) -> int:
    """The bytes of the Turtle files the command would load; 0 for a command that loads none, reads an
    endpoint, or whose arguments or project are wrong (it then says so itself, unrestarted)."""
    import contextlib
    import io

    from innograph.project import find_project
    from innograph.read_ahead import turtle_bytes

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            args = build_parser().parse_args(argv)
    except SystemExit:
        return 0
    if not hasattr(args, "root") or getattr(args, "endpoint", None):
        return 0
    try:
        return turtle_bytes(find_project(args.root, args.sources))
    except (InnographError, OSError):
        return 0


def main(argv: list[str] | None = None) -> int:
    from innograph.terminal import PrintableStream

    # Labels are data and may hold control characters: nothing printed may act on the terminal.
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(sys.stdout), PrintableStream(sys.stderr)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InnographError as error:
        print(f"innograph: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("innograph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (innograph queries | head): stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:  # a file or folder that cannot be read or written: one line, never a traceback
        where = f"{error.filename}: " if error.filename else ""
        print(f"innograph: error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_INPUT
    except ValueError as error:
        print(f"innograph: error: {error}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    console()
