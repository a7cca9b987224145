"""Create the Dash app: load and validate the data once, then wire layout and callbacks."""

from __future__ import annotations

import contextlib
import gc
from dataclasses import replace
from datetime import date
from pathlib import Path

from dashboard.briefing import briefing_problems
from dashboard.day import install_day_rollover
from dashboard.inputs import install_request_guard
from dashboard.layout import preloads, serve_layout
from dashboard.page_lang import install_page_language
from dashboard.page_scripts import DeskDash, check_index_page
from dashboard.page_text import warm_engagement_options
from dashboard.panels import warm_detail_indexes
from dashboard.routes import register_routes
from dashboard.security import install_security_headers
from dashboard.view import EXTENSION_KEY, AppData, build_app_data
from sahel_data.load import DEFAULT_DATA_DIR, load_catalog
from sahel_data.problems import DataError

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def _import_lazy_modules() -> None:
    """Import now what plotly's JSON encoder imports lazily on a request thread.

    Under load, one thread found ``PIL.Image`` half-imported by another (plotly checks every
    value for PIL images when orjson is used): a 500 for that request. Pillow is optional.
    """
    with contextlib.suppress(ImportError):
        import PIL.Image  # noqa: F401  (imported for its side effect, see the docstring)


def create_app(data_dir: Path = DEFAULT_DATA_DIR, *, lenient: bool = False, today: date | None = None) -> DeskDash:
    """A ready-to-serve app; raises ``DataError`` if the data (or a briefing's scene) is invalid,
    unless lenient: then the bad rows and briefings are left out and listed. Its figures stand at
    ``today`` if given, else at the UTC date, moving on with it (dashboard/day.py).

    Create one app per process: Dash hands the ``@callback`` registry to the first app made.
    """
    import dashboard.callbacks  # noqa: F401  (registers the @callback functions)

    _import_lazy_modules()

    catalog = load_catalog(data_dir, lenient=lenient)
    data: AppData = build_app_data(catalog, today)
    problems = briefing_problems(catalog.briefings, data.options)
    if problems:  # a scene whose view the app cannot show: refused like any bad row
        if not lenient:
            raise DataError(problems)
        bad = {p.file.removeprefix("briefings/").removesuffix(".json") for p in problems}
        catalog = replace(catalog, briefings={k: b for k, b in catalog.briefings.items() if k not in bad},
                          rejected=tuple(sorted((*catalog.rejected, *problems))))
        data = build_app_data(catalog, today)
    app = DeskDash(  # AG Grid's script after the map, no core-js polyfill (dashboard/page_scripts.py)
        __name__,
        title="Sahel security assistance",
        assets_folder=str(ASSETS),
        # The stage's script and styles belong to its own page (dashboard/stage.py), not this one.
        assets_ignore=r"^stage\.(js|css)$",
        serve_locally=True,  # plotly.js and every bundle from the package: no CDN
        compress=True,  # gzip via flask-compress: plotly.js and callback JSON shrink ~4-6x on a slow link
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    install_page_language(app)  # <html lang="en|fr"> (WCAG 3.1.1)
    app.index_string = app.index_string.replace("{%css%}", "{%css%}\n        " + preloads(app.config.requests_pathname_prefix), 1)
    app.server.extensions[EXTENSION_KEY] = data
    if today is None:  # the figures follow the UTC date; a given day pins them (tests, rehearsals)
        install_day_rollover(app)
    warm_engagement_options(data)
    warm_detail_indexes(data.tables)
    # A fixed tree, not a function: the first-visit view depends only on this process's data,
    # and with a layout function Dash also embeds a second copy of the whole page in every
    # index page (its callback validation layout: 165 KB).
    app.layout = serve_layout(data)
    register_routes(app)
    install_request_guard(app)  # a callback post not shaped like its callback: 400, never a 500
    install_security_headers(app)
    check_index_page(app)  # a Dash or AG Grid upgrade that moved a script fails here, not per visitor
    # The catalog, index and caches live as long as the process: move them out of the garbage
    # collector's generations, so full collections stop re-walking them (pauses of tens of ms
    # at x1, hundreds at x1000, landed on whichever request triggered them).
    gc.collect()
    gc.freeze()
    return app
