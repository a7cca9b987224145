"""HTTP security headers, including a Content-Security-Policy built from Dash's own hashes.

Scripts may come only from this origin plus the hashes of Dash's inline scripts (renderer
start-up and clientside callbacks, from ``app.csp_hashes()``); no ``'unsafe-eval'``: the
vendored plotly.js bundle (``assets/plotly-bundle.min.js``, no WebGL traces) compiles no code
at run time, and the app uses no AG Grid string expressions. No inline script runs without
its hash. Styles allow ``'unsafe-inline'`` because
plotly.js and AG Grid set style attributes and inject style sheets.
"""

from __future__ import annotations

from dash import Dash
from flask import Response
from werkzeug.serving import WSGIRequestHandler


def content_security_policy(script_hashes: list[str]) -> str:
    """The policy string for the given inline-script hashes."""
    scripts = " ".join(["'self'", *script_hashes])  # hashes come quoted
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def install_security_headers(app: Dash) -> None:
    """Add CSP, framing, sniffing and referrer headers to every response of ``app``.

    Call after every callback is registered: ``csp_hashes`` collects the inline scripts
    (renderer start-up, clientside callbacks) that the page will run.
    """
    policy = content_security_policy(list(app.csp_hashes()))

    def add_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return response

    app.server.after_request(add_headers)


class QuietRequestHandler(WSGIRequestHandler):
    """The development server's request handler, without its software versions.

    Werkzeug's handler answers ``Server: Werkzeug/3.1.9 Python/3.11.2``: a free inventory for
    anyone probing for a vulnerable version. This one says only what it serves.
    """

    def version_string(self) -> str:
        """The ``Server`` header: the application's name, no version numbers."""
        return "sahel-dashboard"
