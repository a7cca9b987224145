"""The ``sahel-dashboard`` command line: ``run``, ``serve``, ``validate``, ``export`` and ``rehearse``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sahel_data.load import DEFAULT_DATA_DIR, validate
from sahel_data.tables import MAX_YEAR, MIN_YEAR


def _cmd_validate(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    problems = validate(data_dir)
    if not problems:  # the tables are sound: now every briefing scene must be a view the app can show
        from dashboard.briefing import briefing_problems
        from dashboard.view import build_app_data
        from sahel_data.load import load_catalog

        catalog = load_catalog(data_dir, use_cache=False)
        problems = briefing_problems(catalog.briefings, build_app_data(catalog).options)
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


def _cmd_serve(args: argparse.Namespace) -> int:
    from dashboard.serve import ServeError, serve
    from sahel_data.problems import DataError

    try:
        serve(Path(args.data_dir), host=args.host, port=args.port, workers=args.workers)
    except (ServeError, DataError) as exc:
        print(f"Refusing to start: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from benchmarks.run import main as bench_main

    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    return bench_main([int(s) for s in args.scales.split(",")], args.repeat, out)


def _cmd_loadtest(args: argparse.Namespace) -> int:
    from benchmarks.load import main as load_main

    return load_main(args.users, args.seconds, args.soak_minutes, Path(args.output))


def _expand_views(views: list[str], years: str | None) -> list[str]:
    """Each view query, once per requested year when ``--years`` is given (e.g. 2013-2016,2019:
    one export for each of 2013, 2014, 2015, 2016 and 2019; a view's own ``year=2013-2016`` is one
    period in one export).
    """
    from urllib.parse import parse_qsl, urlencode

    if not years:
        return views
    wanted: list[int] = []
    for part in years.split(","):
        lo, _, hi = part.strip().partition("-")
        first, last = int(lo), int(hi or lo)
        if not (MIN_YEAR <= first <= last <= MAX_YEAR):
            raise ValueError(f"bad year range {part!r}: expected YYYY or YYYY-YYYY, first <= last")
        wanted += list(range(first, last + 1))
    out = []
    for view in views:
        pairs = [(k, v) for k, v in parse_qsl(view.lstrip("?"), keep_blank_values=True) if k not in ("year", "from", "to")]
        out += ["?" + urlencode([*pairs, ("year", str(y))], safe=",") for y in wanted]
    return out


def _read_view(view: str) -> str:
    """A view is a URL query (``?year=2019&region=ML-5``), a full URL, or a scene JSON file."""
    import json

    path = Path(view)
    if view.endswith(".json") and path.is_file():
        scene = json.loads(path.read_text(encoding="utf-8"))
        return str(scene.get("view", ""))
    return view.split("?", 1)[1] if "?" in view else view


def _cmd_export(args: argparse.Namespace) -> int:
    from dashboard.export import ExportError, export_filename, render_view
    from dashboard.view import build_app_data
    from layers.view_state import QueryError, parse_query_strict
    from sahel_data.load import load_catalog
    from sahel_data.problems import DataError

    try:
        app = build_app_data(load_catalog(Path(args.data_dir)))
    except DataError as exc:
        print(f"Refusing to export: the data in {args.data_dir} is invalid.\n{exc}", file=sys.stderr)
        return 1
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in ("png", "svg", "pdf", "pack")]
    if unknown or not formats:
        print(f"unknown format(s) {', '.join(unknown) or '(none)'}; expected png, svg, pdf or pack", file=sys.stderr)
        return 2
    try:
        views = _expand_views([_read_view(v) for v in args.view], args.years)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    jobs = [(v, f) for v in views for f in formats]
    out = Path(args.output)
    as_dir = len(jobs) > 1 or out.is_dir()
    if as_dir:
        out.mkdir(parents=True, exist_ok=True)
    used: set[Path] = set()
    for query, fmt in jobs:
        try:
            state = parse_query_strict(query, app.options)
        except QueryError as exc:
            # A report figure must show what was asked for: refuse rather than guess.
            print(f"refusing {query!r}:\n  " + "\n  ".join(exc.problems), file=sys.stderr)
            return 2
        target = out / export_filename(state, fmt) if as_dir else out
        stem, n = target.stem, 2
        while target in used:  # two views that differ only in what the name leaves out
            target = target.with_name(f"{stem}-{n}{target.suffix}")
            n += 1
        used.add(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.write_bytes(render_view(app, state, fmt))
        except ExportError as exc:
            print(f"export failed for {query!r} ({fmt}): {exc}", file=sys.stderr)
            return 1
        print(target)
    return 0


def _cmd_rehearse(args: argparse.Namespace) -> int:
    import json

    from dashboard.app import create_app
    from dashboard.rehearse import STAGE_SIZES, rehearse
    from dashboard.view import app_data_of
    from sahel_data.problems import DataError

    try:
        dash_app = create_app(Path(args.data_dir))
    except DataError as exc:
        print(f"Refusing to rehearse: the data in {args.data_dir} is invalid.\n{exc}", file=sys.stderr)
        return 1
    app = app_data_of(dash_app)
    if args.briefing not in app.catalog.briefings:
        print(f"unknown briefing {args.briefing!r}; briefings: {', '.join(app.catalog.briefings) or '(none)'}", file=sys.stderr)
        return 2
    try:
        sizes = tuple(tuple(int(x) for x in size.lower().split("x", 1)) for size in args.sizes.split(",")) if args.sizes else STAGE_SIZES
    except ValueError:
        print(f"--sizes {args.sizes!r}: expected WIDTHxHEIGHT[,WIDTHxHEIGHT...], e.g. 1280x720,1920x1080", file=sys.stderr)
        return 2
    try:
        report = rehearse(app, dash_app, args.briefing, lang=args.lang, sizes=sizes, record=not args.no_record,  # type: ignore[arg-type]
                          screenshots=Path(args.screenshots) if args.screenshots else None)
    except RuntimeError as exc:  # the browser could not start or the stage failed in it
        print(f"rehearsal failed: {exc}", file=sys.stderr)
        return 1
    print(report.as_text())
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if report.layout_problems else 0


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

    srv = sub.add_parser("serve", help="production server (gunicorn, N workers, no debug)")
    srv.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback only)")
    srv.add_argument("--port", type=int, default=8050)
    srv.add_argument("--workers", type=int, default=2)
    srv.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    srv.set_defaults(func=_cmd_serve)

    bench = sub.add_parser("bench", help="measure start-up, payloads, interactions and exports at several scales")
    bench.add_argument("--scales", default="1,10,100,1000", help="data scale factors (1 = shipped data)")
    bench.add_argument("--repeat", type=int, default=20)
    bench.add_argument("--output-dir", default="benchmarks")
    bench.set_defaults(func=_cmd_bench)

    load = sub.add_parser("loadtest", help="load, worker-kill and soak tests of `serve` on 127.0.0.1")
    load.add_argument("--users", type=int, default=50)
    load.add_argument("--seconds", type=float, default=60)
    load.add_argument("--soak-minutes", type=float, default=0, help="e.g. 10 for the soak test")
    load.add_argument("--output", default="benchmarks/load-results.json")
    load.set_defaults(func=_cmd_loadtest)

    exp = sub.add_parser("export", help="render views to print-ready PNG (300 dpi), SVG or PDF")
    exp.add_argument("--view", action="append", default=[], help="URL query, full URL or scene .json (repeatable)")
    exp.add_argument("--years", help="render each view for these years, e.g. 2013-2016,2019")
    exp.add_argument("--format", default="pdf", help="png, svg, pdf (comma-separated for several)")
    exp.add_argument("-o", "--output", required=True, help="file (one output) or directory (several)")
    exp.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    exp.set_defaults(func=_cmd_export)

    reh = sub.add_parser("rehearse", help="render every slide of a briefing offline at the stage sizes and report problems")
    reh.add_argument("--briefing", required=True, help="the briefing's id (its file name in data/briefings/ without .json)")
    reh.add_argument("--lang", choices=("en", "fr"), default="en")
    reh.add_argument("--sizes", help="window sizes, e.g. 1280x720,1920x1080 (default: seven from 1024x576 to 3840x2160)")
    reh.add_argument("--screenshots", help="directory for a PNG of every slide at every size")
    reh.add_argument("--json", help="also write the report as JSON to this file")
    reh.add_argument("--no-record", action="store_true", help="do not record this rehearsal's data version and figures")
    reh.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    reh.set_defaults(func=_cmd_rehearse)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``sahel-dashboard``."""
    args = build_parser().parse_args(argv)
    if args.command == "export" and not args.view:
        args.view = [""]
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
