"""The course's command line: ``csto-course COMMAND``.

Run ``csto-course --help`` for the list of commands.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import notebooks


def _execute(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.notebooks] or notebooks.course_notebooks()
    for path in paths:
        print(f"executing {path}", flush=True)
        notebooks.execute(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csto-course", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("execute", help="re-execute notebooks in place, deterministically")
    run.add_argument("notebooks", nargs="*", help="notebooks to run (default: every notebook of the course)")
    run.set_defaults(func=_execute)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
