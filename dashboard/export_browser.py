"""The export's browser: the Chromium kaleido renders in, offline and with the page's own font.

Offline: background networking, component and extension updates, sign-in, search-engine
preconnects and name resolution are switched off (:data:`CHROMIUM_OFFLINE_FLAGS`,
:data:`CHROMIUM_OFFLINE_PREFS`). The font: kaleido draws a figure as an SVG image, which can
use only the system's fonts, not a page's web fonts; without Source Sans 3 installed every
export came out in a fallback (Liberation Sans, up to 12% wider than the type the labels were
placed for). The browser is given a fontconfig file (:func:`fontconfig_xml`) that adds the
vendored font's TrueType copies (``assets/fonts/print``) under the family the figures name, on
top of the system's own fonts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# TrueType copies of the page's WOFF2 fonts (scripts/print_fonts.py): Chromium's FreeType reads no WOFF2.
FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "print"
FONT_FAMILY = "Source Sans 3"
# A script kaleido's page loads after plotly.js: no ligatures in exports (a PDF lost their text).
EXPORT_PAGE_JS = Path(__file__).resolve().parent / "export_page.js"
# The vendored files (npm @fontsource/source-sans-3) call their family "Source Sans 3 ExtraLight",
# after the variable font they were cut from; their weights (400, 600, 700) are right.
FONT_FILE_MARK = "source-sans-3-"

# Where a request the browser should never make goes: the discard port on this machine, where
# nothing listens, so it fails at once and locally (sign-in and updater addresses, below).
LOOPBACK_SINK = "http://127.0.0.1:9/"
# Chromium switches added to choreographer's own (which already include --disable-component-update,
# --disable-sync, --no-first-run, --metrics-recording-only and --disable-breakpad).
CHROMIUM_OFFLINE_FLAGS = (
    "--disable-background-networking",  # variations, GCM, safe-browsing and other background fetches
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-component-extensions-with-background-pages",
    "--no-pings",
    "--no-service-autorun",
    "--disable-search-engine-choice-screen",
    ("--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,"
     "CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying"),
    # Sign-in (accounts.google.com/ListAccounts) and on-demand component installs
    # (update.googleapis.com) ignore the switches above: point their services at the sink.
    f"--gaia-url={LOOPBACK_SINK}",
    f"--google-apis-url={LOOPBACK_SINK}",
    f"--lso-url={LOOPBACK_SINK}",
    f"--component-updater=url-source={LOOPBACK_SINK}",
    # Last guard: no host name resolves (the page and its scripts are local files).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
)
# The profile the browser starts with: no default search engine (Debian's Chromium preconnects
# to its start page), no network prediction, no sign-in, no safe-browsing lookups.
CHROMIUM_OFFLINE_PREFS: dict[str, Any] = {
    "default_search_provider": {"enabled": False},
    "net": {"network_prediction_options": 2},
    "search": {"suggest_enabled": False},
    "signin": {"allowed": False, "allowed_on_next_startup": False},
    "safebrowsing": {"enabled": False},
    "alternate_error_pages": {"enabled": False},
    "homepage": "about:blank",
    "homepage_is_newtabpage": False,
}


def fontconfig_xml(fonts: Path, cache: Path) -> str:
    """A fontconfig file: the system's fonts, plus ``fonts`` named :data:`FONT_FAMILY`.

    Its cache goes to ``cache`` (the browser's temporary directory), so nothing is written
    to the system's font caches.
    """
    return f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <cachedir>{escape(str(cache))}</cachedir>
  <dir>{escape(str(fonts))}</dir>
  <match target="scan">
    <test name="file" compare="contains"><string>{FONT_FILE_MARK}</string></test>
    <edit name="family" mode="assign" binding="same"><string>{FONT_FAMILY}</string></edit>
  </match>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
</fontconfig>
"""


def offline_browser_class() -> type:
    """The Chromium of choreographer with the offline switches, a profile seeded with the offline
    preferences and the page's font (imported lazily: only exports need a browser).
    """
    from choreographer.browsers.chromium import Chromium

    class OfflineChromium(Chromium):
        def pre_open(self) -> None:
            super().pre_open()
            tmp = Path(self.tmp_dir.path)
            profile = tmp / "Default"
            profile.mkdir(parents=True, exist_ok=True)
            (profile / "Preferences").write_text(json.dumps(CHROMIUM_OFFLINE_PREFS), encoding="utf-8")
            (tmp / "fonts.conf").write_text(fontconfig_xml(FONTS, tmp / "fontconfig-cache"), encoding="utf-8")

        def get_cli(self) -> list[str]:
            return [*super().get_cli(), *CHROMIUM_OFFLINE_FLAGS]

        def get_env(self) -> dict[str, str]:
            return {**super().get_env(), "FONTCONFIG_FILE": str(Path(self.tmp_dir.path) / "fonts.conf")}

    return OfflineChromium
