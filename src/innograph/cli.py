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


def _load(args):
    from innograph.loader import load

    return load(args.root, args.sources)


def cmd_validate(args) -> int:
    from innograph.validate import validate

    started = time.perf_counter()
    report = validate(_load(args))
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
    from innograph.build import write_dataset
    from innograph.validate import validate

    kg = _load(args)
    report = validate(kg)
    if not report.conforms(strict=args.strict):
        print(report.to_text())
        print("innograph: the graph does not validate; nothing was written", file=sys.stderr)
        return EXIT_VIOLATIONS
    out = write_dataset(kg, Path(args.out))
    print(f"{len(kg)} triples in {len(kg.files)} named graphs validated and written to {out}")
    if report.warnings:
        print(f"{len(report.warnings)} warning(s): run 'innograph validate' to see them")
    return EXIT_OK


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
            }
            for q in queries.values()
        ]
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max((len(n) for n in queries), default=4)
    for query in queries.values():
        params = ", ".join(p.describe() for p in query.params)
        print(f"{query.name:<{width}}  {query.title}" + (f"  [{params}]" if params else ""))
    return EXIT_OK


def _parse_params(pairs: list[str]) -> dict[str, str]:
    from innograph.errors import UsageError

    given = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        given[name.strip()] = value
    return given


def cmd_query(args) -> int:
    from innograph.catalog import resolve
    from innograph.engines import EndpointEngine
    from innograph.project import find_project
    from innograph.query import run_query
    from innograph.results import Table

    given = _parse_params(args.param)
    if args.endpoint:
        project = find_project(args.root, args.sources)
        engine = EndpointEngine(args.endpoint, args.timeout)
    else:
        kg = _load(args)
        project = kg.project
        if args.engine == "rdflib":
            from innograph.engines import RdflibEngine

            engine = RdflibEngine(kg)
        else:
            from innograph.engines import OxigraphEngine

            engine = OxigraphEngine(kg)
    query = resolve(args.query, project.queries_dir, project.relative, sys.stdin)
    result = run_query(query, engine, given, args.lang)
    if isinstance(result, Table):
        print(result.render(args.format))
    else:
        sys.stdout.buffer.write(result)
        sys.stdout.flush()
    return EXIT_OK


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
    validate.set_defaults(run=cmd_validate)

    stats = commands.add_parser("stats", help="count entities by class and facts by source")
    _add_project_options(stats)
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.set_defaults(run=cmd_stats)

    build = commands.add_parser("build", help="validate, then write the whole graph as one dataset file")
    _add_project_options(build)
    build.add_argument("--out", default="build/innograph.trig", help="output file, .trig or .nq (default: %(default)s)")
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.set_defaults(run=cmd_build)

    queries = commands.add_parser("queries", help="list the query catalogue: name, title, parameters")
    _add_project_options(queries)
    queries.add_argument("--format", choices=("table", "json"), default="table")
    queries.set_defaults(run=cmd_queries)

    query = commands.add_parser(
        "query",
        help="run a catalogue query, a .rq file, or - (standard input)",
        description="Run a query. CONSTRUCT and DESCRIBE print Turtle; SELECT and ASK print in --format.",
    )
    _add_project_options(query)
    query.add_argument("query", metavar="NAME|FILE|-", help="catalogue name, path to a .rq file, or - for stdin")
    query.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="bind a parameter (repeatable)"
    )
    query.add_argument("--format", choices=("table", "csv", "json", "md"), default="table")
    query.add_argument("--lang", choices=("en", "zh"), help="language of labels, for queries that take lang")
    query.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph", help="embedded engine")
    query.add_argument("--endpoint", metavar="URL", help="send the query to this SPARQL 1.1 endpoint instead")
    query.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for an endpoint (default 10)")
    query.set_defaults(run=cmd_query)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InnographError as error:
        print(f"innograph: error: {error}", file=sys.stderr)
        return error.exit_code
    except ValueError as error:
        print(f"innograph: error: {error}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
