"""The ``sahel-dashboard`` command line: ``run`` and ``validate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sahel_data.load import DEFAULT_DATA_DIR, validate


def _cmd_validate(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    problems = validate(data_dir)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in {data_dir}", file=sys.stderr)
        return 1
    print(f"OK: {data_dir} is valid")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from dashboard.app import create_app  # imported here: the app is heavy and validate is not

    from sahel_data.problems import DataError

    try:
        app = create_app(Path(args.data_dir), lenient=args.lenient)
    except DataError as exc:
        print(f"Refusing to start: the data in {args.data_dir} is invalid.\n{exc}", file=sys.stderr)
        return 1
    print(f"Sahel dashboard on http://{args.host}:{args.port}/ (Ctrl+C to stop)")
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, separate so tests can inspect it."""
    parser = argparse.ArgumentParser(prog="sahel-dashboard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the dashboard (development server)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8050)
    run.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    run.add_argument("--lenient", action="store_true", help="load valid rows, list rejected ones in the UI")
    run.add_argument("--debug", action="store_true", help="Dash dev tools (never on a shared network)")
    run.set_defaults(func=_cmd_run)

    val = sub.add_parser("validate", help="check data tables and layers; exit 1 on any problem")
    val.add_argument("data_dir", nargs="?", default=str(DEFAULT_DATA_DIR))
    val.set_defaults(func=_cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``sahel-dashboard``."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
