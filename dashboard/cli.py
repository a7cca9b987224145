"""The ``sahel-dashboard`` command line: ``run``, ``serve``, ``worker``, ``validate``, ``export`` and ``rehearse``."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from sahel_data.load import DEFAULT_DATA_DIR, validate
from sahel_data.tables import MAX_YEAR, MIN_YEAR

MAX_EXPORT_YEARS = 100  # one export per year listed: more is a typo (2013-20130), not a request


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
    from dashboard.security import QuietRequestHandler

    print(f"Sahel dashboard on http://{args.host}:{args.port}/ (Ctrl+C to stop)")
    # No Werkzeug or Python version in the Server header (dashboard.security.QuietRequestHandler).
    app.run(host=args.host, port=args.port, debug=args.debug, request_handler=QuietRequestHandler)
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from dashboard.serve import ServeError, serve
    from sahel_data.problems import DataError

    try:
        serve(Path(args.data_dir), host=args.host, port=args.port, workers=args.workers, redis_url=args.redis,
              max_queued=args.max_queued)
    except (ServeError, DataError) as exc:
        print(f"Refusing to start: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    """``worker --redis URL``: render export jobs from the queue (dashboard.jobs)."""
    from dashboard.export import ExportError
    from dashboard.jobs import QueueUnavailableError, work
    from sahel_data.problems import DataError

    if not args.redis:
        print("Refusing to start: no queue: give --redis redis://HOST:PORT/DB or set SAHEL_REDIS_URL", file=sys.stderr)
        return 2
    try:
        return work(args.redis, Path(args.data_dir), name=args.name, burst=args.burst, max_jobs=args.max_jobs,
                    tmp_dir=Path(args.tmp_dir) if args.tmp_dir else None)
    except DataError as exc:
        print(f"Refusing to start: the data in {args.data_dir} is invalid.\n{exc}", file=sys.stderr)
    except QueueUnavailableError as exc:
        print(f"Refusing to start: {exc}", file=sys.stderr)
    except ExportError as exc:  # the browser did not start
        print(f"Refusing to start: Chromium did not render a test page ({exc}); is Debian's chromium installed?",
              file=sys.stderr)
    except ValueError as exc:  # --tmp-dir unusable
        print(f"Refusing to start: {exc}", file=sys.stderr)
    return 1


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
        # The time model's grammar: ASCII digits only (int() would take "٢٠١٩" and " 2019 ").
        found = re.fullmatch(r"([0-9]{4})(?:-([0-9]{4}))?", part.strip())
        first, last = (int(found.group(1)), int(found.group(2) or found.group(1))) if found else (0, -1)
        if not (MIN_YEAR <= first <= last <= MAX_YEAR):
            raise ValueError(f"--years: bad year range {part[:20]!r}: expected YYYY or YYYY-YYYY (ASCII digits, "
                             f"first <= last, {MIN_YEAR}-{MAX_YEAR}), comma-separated")
        wanted += list(range(first, last + 1))
    if len(wanted) > MAX_EXPORT_YEARS:
        raise ValueError(f"--years: {len(wanted)} years; at most {MAX_EXPORT_YEARS} per command")
    out = []
    for view in views:
        pairs = [(k, v) for k, v in parse_qsl(view.lstrip("?"), keep_blank_values=True) if k not in ("year", "from", "to")]
        out += ["?" + urlencode([*pairs, ("year", str(y))], safe=",") for y in wanted]
    return out


def _read_view(view: str) -> str:
    """A view is a URL query (``?year=2019&region=ML-5``), a full URL, or a scene JSON file
    (read like a briefing: a regular file, small, not deeply nested; raises ``ValueError``).
    """
    from sahel_data.briefings import read_json

    if view.endswith(".json"):
        scene, problems = read_json(Path(view), view)
        if scene is None:
            raise ValueError("; ".join(str(p) for p in problems))
        if not isinstance(scene, dict) or not isinstance(scene.get("view", ""), str):
            raise ValueError(f'{view}: expected a scene object whose "view" is a query such as "?year=2019"')
        return scene.get("view", "")
    return view.split("?", 1)[1] if "?" in view else view


def _with_export_options(query: str, args: argparse.Namespace) -> str:
    """The view's query with ``--title``, ``--subtitle`` and ``--size`` in place of its own, so
    they go through the same strict parser (and the same refusals) as a link's.
    """
    from urllib.parse import parse_qsl, urlencode

    given = {k: v for k, v in (("title", args.title), ("subtitle", args.subtitle), ("size", args.size)) if v is not None}
    if not given:
        return query
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=True) if k not in given]
    return "?" + urlencode([*pairs, *given.items()], safe=",")


def _export_deck(args: argparse.Namespace, app: object, formats: list[str]) -> int:
    """``export --briefing ID --format pptx,pdf``: the briefing's deck to carry to a room."""
    from dashboard.deck import DECK_TYPES, deck_filename, render_deck
    from dashboard.export import ExportError

    unknown = [f for f in formats if f not in DECK_TYPES]
    if unknown or not formats:
        print(f"unknown deck format(s) {', '.join(unknown) or '(none)'}; expected {', '.join(DECK_TYPES)}", file=sys.stderr)
        return 2
    briefings = app.catalog.briefings  # type: ignore[attr-defined]
    if args.briefing not in briefings:
        print(f"unknown briefing {args.briefing!r}; briefings: {', '.join(briefings) or '(none)'}", file=sys.stderr)
        return 2
    if args.view != [""] or args.years or args.title or args.subtitle or args.size:
        print("--briefing takes its views from the briefing: leave out --view, --years, --title, --subtitle and --size",
              file=sys.stderr)
        return 2
    out = Path(args.output)
    as_dir = len(formats) > 1 or out.is_dir()
    if as_dir:
        out.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        target = out / deck_filename(args.briefing, args.lang, fmt) if as_dir else out
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.write_bytes(render_deck(app, args.briefing, args.lang, fmt))  # type: ignore[arg-type]
        except ExportError as exc:
            print(f"export failed for briefing {args.briefing!r} ({fmt}): {exc}", file=sys.stderr)
            return 1
        print(target)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from dashboard.export import MEDIA_TYPES, ExportError, export_filename, render_view
    from dashboard.view import build_app_data
    from layers.view_state import QueryError, parse_query_strict
    from sahel_data.load import load_catalog
    from sahel_data.problems import DataError

    try:
        app = build_app_data(load_catalog(Path(args.data_dir)))
    except DataError as exc:
        print(f"Refusing to export: the data in {args.data_dir} is invalid.\n{exc}", file=sys.stderr)
        return 1
    formats = [f.strip() for f in (args.format or ("pptx" if args.briefing else "pdf")).split(",") if f.strip()]
    if args.briefing:
        return _export_deck(args, app, formats)
    unknown = [f for f in formats if f not in MEDIA_TYPES]
    if unknown or not formats:
        print(f"unknown format(s) {', '.join(unknown) or '(none)'}; expected {', '.join(MEDIA_TYPES)}", file=sys.stderr)
        return 2
    try:
        views = _expand_views([_read_view(v) for v in args.view], args.years)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    states = []
    for query in views:
        try:
            # The same strict parser as /export: an unknown parameter or a value out of range is refused.
            states.append((query, parse_query_strict(_with_export_options(query, args), app.options)))
        except QueryError as exc:
            print(f"refusing {query!r}:\n  " + "\n  ".join(exc.problems), file=sys.stderr)
            return 2
    jobs = [(q, s, f) for q, s in states for f in formats]
    out = Path(args.output)
    as_dir = len(jobs) > 1 or out.is_dir()
    if as_dir:
        out.mkdir(parents=True, exist_ok=True)
    used: set[Path] = set()
    for query, state, fmt in jobs:
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


def _cmd_import_dtm(args: argparse.Namespace) -> int:
    """``import dtm FILE``: add an IOM DTM round to idp_counts.csv (see sahel_data.dtm for the rules)."""
    from sahel_data.dtm import DtmError, apply_plan, plan_dtm_import

    try:
        plan = plan_dtm_import(Path(args.file), Path(args.data_dir), source_url=args.source_url, skip_unplaced=args.skip_unplaced,
                               round_=args.round, assessment=args.assessment)
    except DtmError as exc:
        print(f"Refusing to import {args.file}: it cannot be read as a DTM export.", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    blocked = plan.blocked(skip_unplaced=args.skip_unplaced)
    print(plan.report(skip_unplaced=args.skip_unplaced, dry_run=args.dry_run), file=sys.stderr if blocked else sys.stdout)
    if blocked:
        return 1
    return 0 if args.dry_run else _write(lambda: apply_plan(plan, skip_unplaced=args.skip_unplaced))


def _write(apply: Callable[[], list[Path]]) -> int:
    """Write a checked import's files, naming each; 1 if a table changed on disk meanwhile."""
    try:
        written = apply()
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    for path in written:
        print(f"written: {path}")
    return 0


def _cmd_export_data(args: argparse.Namespace) -> int:
    """``export-data --format hxl,gpkg -o DIR``: the tables and layers for other tools."""
    from datetime import UTC, datetime

    from dashboard.exchange import FORMATS, export_data
    from sahel_data.load import load_catalog
    from sahel_data.problems import DataError

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        print(f"unknown format(s) {', '.join(unknown) or '(none)'}; expected {', '.join(sorted(FORMATS))}", file=sys.stderr)
        return 2
    try:
        catalog = load_catalog(Path(args.data_dir), use_cache=False)
    except DataError as exc:
        print(f"Refusing to export: the data in {args.data_dir} is invalid.\n{exc}", file=sys.stderr)
        return 1
    out = Path(args.output)
    if out.suffix.lower() == ".xlsx":  # -o FILE.xlsx: the workbook under that name
        if formats != ["xlsx"]:
            print(f"-o {args.output}: a file name is for --format xlsx alone; give a directory for {', '.join(formats)}",
                  file=sys.stderr)
            return 2
        from dashboard.exchange import write_workbook_file

        out.parent.mkdir(parents=True, exist_ok=True)
        print(write_workbook_file(catalog, out, datetime.now(UTC).date()))
        return 0
    for path in export_data(catalog, out, formats, datetime.now(UTC).date()):
        print(path)
    return 0


def _cmd_import_boundaries(args: argparse.Namespace) -> int:
    """``import boundaries FILE --valid-from DATE``: add a boundary version (see sahel_data.boundary_import)."""
    from datetime import date

    from sahel_data.boundary_import import BoundaryError, apply_boundary_plan, plan_boundary_import
    from sahel_data.problems import DataError

    try:
        valid_from = date.fromisoformat(args.valid_from)
    except ValueError:
        print(f"--valid-from {args.valid_from!r}: expected a date YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        plan = plan_boundary_import(Path(args.file), Path(args.data_dir), valid_from=valid_from, source=args.source,
                                    licence=args.licence, version_id=args.id, attribution=args.attribution)
    except (BoundaryError, DataError) as exc:
        print(f"refusing {args.file}: {exc}", file=sys.stderr)
        return 2
    print(plan.summary())
    if plan.problems:
        print("Nothing written: the data would not validate:\n  " + "\n  ".join(str(p) for p in plan.problems), file=sys.stderr)
        return 1
    if args.dry_run:
        print("Dry run: nothing written.")
        return 0
    for path in apply_boundary_plan(plan, Path(args.data_dir)):
        print(f"wrote {path}")
    return 0


def _cmd_import_xlsx(args: argparse.Namespace) -> int:
    """``import xlsx FILE``: the tables back from a workbook of export-data --format xlsx (sahel_data.workbook)."""
    from sahel_data.workbook import apply_workbook_import, plan_workbook_import

    plan = plan_workbook_import(Path(args.file), Path(args.data_dir))
    print(plan.report(dry_run=args.dry_run), file=sys.stderr if plan.blocked else sys.stdout)
    if plan.blocked:
        return 1
    return 0 if args.dry_run else _write(lambda: apply_workbook_import(plan))


def _cmd_release(args: argparse.Namespace) -> int:
    """``release``: stamp a data version and record what changed since the last release (sahel_data.releases)."""
    from sahel_data.releases import apply_release, plan_release

    plan = plan_release(Path(args.data_dir), note=args.note or "")
    print(plan.report(dry_run=args.dry_run), file=sys.stderr if plan.problems else sys.stdout)
    if plan.problems:
        return 1
    if not args.dry_run:
        try:
            written = apply_release(plan)
        except RuntimeError as exc:  # the data changed meanwhile
            print(str(exc), file=sys.stderr)
            return 1
        for path in written:
            print(f"written: {path}")
    return 0


def _add_data_exchange_parsers(sub: argparse._SubParsersAction) -> None:
    """``import dtm`` and ``export-data``: data in from, and out to, other tools."""
    imp = sub.add_parser("import", help="add external data to the tables (import dtm FILE: an IOM DTM round)")
    imp_sub = imp.add_subparsers(dest="source", required=True)
    dtm = imp_sub.add_parser("dtm", help="IDP figures from an IOM DTM export (HXL-tagged CSV or XLSX, as on HDX)")
    dtm.add_argument("file", help="the DTM export: admin-1 (or finer) p-codes, reporting date, round, assessment type")
    dtm.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    dtm.add_argument("--dry-run", action="store_true", help="print what would be added, changed and left alone; write nothing")
    dtm.add_argument("--skip-unplaced", action="store_true", help="leave out rows whose codes no area has (they are listed)")
    dtm.add_argument("--source-url", help="where the file was published (its HDX address), recorded in the source row")
    dtm.add_argument("--round", help="the round number, for a file that does not state it (never over the file's own)")
    dtm.add_argument("--assessment", help="the assessment type (BA, SA, ETT), for a file that does not state it")
    dtm.set_defaults(func=_cmd_import_dtm)

    bnd = imp_sub.add_parser("boundaries", help="a boundary version (COD-AB or geoBoundaries admin-1: GeoJSON or zipped shapefile)")
    bnd.add_argument("file", help="admin-1 polygons with admin1Pcode, admin1Name_fr, admin1Name_en (or ADM1_PCODE, ADM1_FR, ADM1_EN)")
    bnd.add_argument("--valid-from", required=True, help="the date (YYYY-MM-DD) the boundaries apply from")
    bnd.add_argument("--source", required=True, help="where the file comes from (publisher, dataset, address)")
    bnd.add_argument("--licence", required=True, help="its licence, e.g. 'CC BY-IGO 3.0'")
    bnd.add_argument("--attribution", default="", help="the credit line exports print (default: 'Boundaries: SOURCE (LICENCE)')")
    bnd.add_argument("--id", help="the version's id (default: from-YYYY-MM-DD)")
    bnd.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    bnd.add_argument("--dry-run", action="store_true", help="print what would be added; write nothing")
    bnd.set_defaults(func=_cmd_import_boundaries)

    xls = imp_sub.add_parser("xlsx", help="the tables back from a workbook written by export-data --format xlsx and edited")
    xls.add_argument("file", help="the edited workbook (.xlsx)")
    xls.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    xls.add_argument("--dry-run", action="store_true", help="print the rows added, changed and removed; write nothing")
    xls.set_defaults(func=_cmd_import_xlsx)

    rel = sub.add_parser("release", help="stamp a data version (date + content hash) and record the rows changed since the last release")
    rel.add_argument("--note", help="one line on what the release is (recorded in data/releases.csv)")
    rel.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    rel.add_argument("--dry-run", action="store_true", help="print the version and the changes; write nothing")
    rel.set_defaults(func=_cmd_release)

    exd = sub.add_parser("export-data", help="the tables for other tools: HXL-tagged CSV + datapackage.json, GeoPackage, "
                                             "an Excel workbook to edit")
    exd.add_argument("--format", default="hxl", help="hxl, gpkg, xlsx (comma-separated for several)")
    exd.add_argument("-o", "--output", required=True, help="directory to write into (created if needed); "
                                                           "a file name ending .xlsx for --format xlsx alone")
    exd.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    exd.set_defaults(func=_cmd_export_data)


def _add_worker_parser(sub: argparse._SubParsersAction) -> None:
    """``worker``: an export worker on the Redis queue (``serve --redis``)."""
    wrk = sub.add_parser("worker", help="export worker: render export jobs from the Redis queue (holds a Chromium)")
    wrk.add_argument("--redis", metavar="URL", default=os.environ.get("SAHEL_REDIS_URL") or None,
                     help="the queue's Redis, as given to serve --redis (default $SAHEL_REDIS_URL)")
    wrk.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR), help="the same data as the app hosts' (checked per job)")
    wrk.add_argument("--name", help="the worker's name in RQ (default: a random id)")
    wrk.add_argument("--tmp-dir", help="the one folder the worker writes in: Chromium's temporary profile, crash reports "
                                       "and caches (default: the system's temporary folder and the home folder)")
    wrk.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    wrk.add_argument("--max-jobs", type=int, default=None, help="stop after this many jobs (a supervisor restarts it)")
    wrk.set_defaults(func=_cmd_worker)


def _add_export_parser(sub: argparse._SubParsersAction) -> None:
    """``export``: views as finished pages (PNG, SVG, PDF, brief pack), briefings as decks."""
    exp = sub.add_parser("export", help="render views to print-ready PNG (300 dpi), SVG, PDF or a brief pack; "
                                           "or a briefing as a PowerPoint / PDF deck")
    exp.add_argument("--view", action="append", default=[], help="URL query, full URL or scene .json (repeatable)")
    exp.add_argument("--years", help="render each view for these years, e.g. 2013-2016,2019")
    exp.add_argument("--format", help="png, svg, pdf, pack (default pdf); with --briefing: pptx, pdf (default pptx); "
                                      "comma-separated for several")
    exp.add_argument("--title", help="the page's title (default: one that says what the view shows); as title= in a link")
    exp.add_argument("--subtitle", help="a subtitle above the filters line; as subtitle= in a link")
    exp.add_argument("--size", help="a4-landscape (default), a4-portrait, column (16 cm text column) or slide (16:9); as size=")
    exp.add_argument("--briefing", help="a briefing's id: write its deck (one slide per scene, notes as speaker notes)")
    exp.add_argument("--lang", choices=("en", "fr"), default="en", help="the deck's language (a view says its own with lang=)")
    exp.add_argument("-o", "--output", required=True, help="file (one output) or directory (several)")
    exp.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    exp.set_defaults(func=_cmd_export)


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
    srv.add_argument("--redis", metavar="URL", default=os.environ.get("SAHEL_REDIS_URL") or None,
                     help="export on the Redis queue at URL (redis://[:PASSWORD@]HOST:PORT/DB; default $SAHEL_REDIS_URL, "
                          "which keeps a password out of the process list), rendered by `sahel-dashboard worker`; "
                          "without it each process renders its own exports")
    srv.add_argument("--max-queued", type=int, default=None, help="exports waiting for a worker before 429 (default 20)")
    srv.set_defaults(func=_cmd_serve)
    _add_worker_parser(sub)

    _add_export_parser(sub)

    reh = sub.add_parser("rehearse", help="render every slide of a briefing offline at the stage sizes and report problems")
    reh.add_argument("--briefing", required=True, help="the briefing's id (its file name in data/briefings/ without .json)")
    reh.add_argument("--lang", choices=("en", "fr"), default="en")
    reh.add_argument("--sizes", help="window sizes, e.g. 1280x720,1920x1080 (default: seven from 1024x576 to 3840x2160)")
    reh.add_argument("--screenshots", help="directory for a PNG of every slide at every size")
    reh.add_argument("--json", help="also write the report as JSON to this file")
    reh.add_argument("--no-record", action="store_true", help="do not record this rehearsal's data version and figures")
    reh.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    reh.set_defaults(func=_cmd_rehearse)

    _add_data_exchange_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``sahel-dashboard``."""
    args = build_parser().parse_args(argv)
    if args.command == "export" and not args.view:
        args.view = [""]
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
