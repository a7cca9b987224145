"""Firefox ESR driven without geckodriver: Firefox speaks WebDriver BiDi itself.

geckodriver is in neither Debian's main archive nor any registry package that ships a Linux
binary (npm's ``geckodriver`` and PyPI's installers download it at install or at run time,
which this project does not allow). Since Firefox 129 the browser serves WebDriver BiDi on
``--remote-debugging-port``, so the tests talk to Debian's ``firefox-esr`` directly: a WebSocket
(wsproto, already installed with selenium) and a few BiDi commands (``session.new``,
``browsingContext.navigate``, ``script.evaluate``). The profile turns off what would call out
(updates, telemetry, remote settings, safe browsing).
"""

from __future__ import annotations

import itertools
import json
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Self

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Message, Ping, Request, TextMessage

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
QUIET_PREFS = {
    "app.update.disabledForTesting": True, "app.normandy.enabled": False, "browser.shell.checkDefaultBrowser": False,
    "browser.safebrowsing.malware.enabled": False, "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False, "browser.newtabpage.enabled": False, "browser.startup.page": 0,
    "datareporting.policy.dataSubmissionEnabled": False, "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False, "toolkit.telemetry.reportingpolicy.firstRun": False,
    "extensions.update.enabled": False, "extensions.getAddons.cache.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False, "services.settings.server": "http://127.0.0.1:9/",
    "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
    "browser.region.network.url": "", "browser.search.update": False, "media.gmp-manager.url": "",
}


class BiDiError(RuntimeError):
    """A BiDi command answered with an error."""


class Firefox:
    """A headless Firefox ESR and its WebDriver BiDi session (use as a context manager)."""

    def __init__(self, width: int = 1366, height: int = 768) -> None:
        self.size = (width, height)
        self.ids = itertools.count(1)
        self.profile = Path(tempfile.mkdtemp(prefix="sahel-firefox-"))
        self.proc: subprocess.Popen[str] | None = None
        self.sock: socket.socket | None = None
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.context = ""

    def __enter__(self) -> Self:
        (self.profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in QUIET_PREFS.items()), encoding="utf-8")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.proc = subprocess.Popen(  # noqa: S603  (Debian's firefox-esr, found on PATH)
            [FIREFOX, "--headless", "--no-remote", "--profile", str(self.profile), "--remote-debugging-port", str(port),
             f"--width={self.size[0]}", f"--height={self.size[1]}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # "WebDriver BiDi listening on ws://127.0.0.1:PORT"
            line = self.proc.stderr.readline() if self.proc.stderr else ""
            if "WebDriver BiDi listening" in line:
                break
            if not line and self.proc.poll() is not None:
                raise RuntimeError("firefox-esr exited before serving WebDriver BiDi")
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.sendall(self.ws.send(Request(host=f"127.0.0.1:{port}", target="/session")))
        self._events(until=AcceptConnection)
        self.command("session.new", {"capabilities": {}})
        self.context = self.command("browsingContext.getTree", {})["contexts"][0]["context"]
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.sock is not None:
                self.command("session.end", {})
        except (OSError, BiDiError):
            pass
        finally:
            if self.sock is not None:
                self.sock.close()
            if self.proc is not None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)

    def _events(self, until: type) -> Any:
        text = ""
        while True:
            data = self.sock.recv(1 << 16) if self.sock else b""
            if not data:
                raise OSError("WebDriver BiDi connection closed")
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, until) and until is not TextMessage:
                    return event
                if isinstance(event, Ping):
                    self.sock.sendall(self.ws.send(event.response()))  # type: ignore[union-attr]
                elif isinstance(event, CloseConnection):
                    raise OSError("WebDriver BiDi connection closed")
                elif isinstance(event, Message):
                    text += event.data
                    if event.message_finished:
                        return text

    def command(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Send one BiDi command and return its result (events that come first are skipped)."""
        ident = next(self.ids)
        self.sock.sendall(self.ws.send(TextMessage(json.dumps({"id": ident, "method": method, "params": params}))))  # type: ignore[union-attr]
        while True:
            answer = json.loads(self._events(until=TextMessage))
            if answer.get("id") == ident:
                if answer.get("type") == "error":
                    raise BiDiError(f"{method}: {answer.get('error')}: {answer.get('message')}")
                return answer["result"]

    def get(self, url: str) -> None:
        self.command("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    def js(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page (a promise is awaited)."""
        result = self.command("script.evaluate", {
            "expression": f"(async () => JSON.stringify(await ({expression})))()", "awaitPromise": True,
            "target": {"context": self.context}, "resultOwnership": "none"})
        if result.get("type") == "exception":
            raise BiDiError(result.get("exceptionDetails", {}).get("text", "script exception"))
        value = result["result"]
        return json.loads(value["value"]) if value.get("type") == "string" else None

    def run(self, source: str) -> None:
        """Run a script (statements, not one expression) in the page: a vendored library, say."""
        result = self.command("script.evaluate", {"expression": source, "awaitPromise": False,
                                                  "target": {"context": self.context}, "resultOwnership": "none"})
        if result.get("type") == "exception":
            raise BiDiError(result.get("exceptionDetails", {}).get("text", "script exception"))

    def wait(self, expression: str, timeout: float = 30) -> Any:
        """Until ``expression`` is truthy in the page; its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(expression)

    def listen_for_errors(self) -> None:
        """From the next page on, collect what the page reports as errors (uncaught errors,
        ``console.error``, CSP violations) in ``window.__sahelErrors``."""
        self.command("script.addPreloadScript", {"functionDeclaration": """() => {
            window.__sahelErrors = [];
            const keep = (kind, text) => window.__sahelErrors.push(kind + ': ' + String(text).slice(0, 300));
            window.addEventListener('error', e => keep('error', e.message));
            window.addEventListener('unhandledrejection', e => keep('rejection', e.reason));
            document.addEventListener('securitypolicyviolation', e => keep('csp', e.violatedDirective + ' ' + e.blockedURI));
            const original = console.error.bind(console);
            console.error = (...args) => { keep('console', args.join(' ')); original(...args); };
        }"""})

    def console_errors(self) -> list[str]:
        """Errors the page reported since it loaded (see :meth:`listen_for_errors`)."""
        return self.js("window.__sahelErrors || []") or []
