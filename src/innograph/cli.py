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
