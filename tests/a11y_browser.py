"""Browser helpers for the accessibility tests: axe-core, the keyboard walk and the map's label contrast.

axe-core is vendored from npm into ``tests/vendor/axe-core`` (``scripts/vendor_assets.sh``) and
injected by the test with ``execute_script``: the product's pages never load it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Left out of every axe run, each with the keyboard test that shows it never takes focus
# (README, "Accessibility"): the scroll area of an open select's list (Mantine's ScrollArea).
# axe's scrollable-region-focusable asks that a scrolling box be reachable by keyboard; this one
# never takes focus: the arrow keys move through its options from the select's input, which keeps
# the focus, and scroll it (test_a11y_browser.py::test_select_lists_scroll_with_the_arrow_keys_and_never_take_focus).
# The options themselves are checked by a second run (:func:`axe_violations`).
AXE_EXCLUDE: list[list[str]] = [['[role="listbox"] .mantine-ScrollArea-viewport']]


# The parts below the map are drawn when they come into view (assets/desk.js); printing asks for
# all of them, as a test that reads the whole page does.
SHOW_EVERY_PART = "window.dispatchEvent(new Event('beforeprint'));"
EVERY_PART_DRAWN = (f"return [...document.querySelectorAll({', '.join('#' + i for i in ids.BUSY_PARTS.values())!r})]"
                    ".every(e => e.getAttribute('aria-busy') !== 'true')"
                    " && !document.querySelector('[data-dash-is-loading=\"true\"]')")


def wait_for_desk(driver: Any, timeout: float = 30, every_part: bool = True) -> None:
    """Until the dashboard has drawn its map (and, with ``every_part``, the parts below it, out of
    view or not), and no callback is in flight."""
    WebDriverWait(driver, timeout).until(lambda d: d.find_elements("css selector", "#map-graph .choroplethlayer path"))
    WebDriverWait(driver, timeout).until(  # the map's first draw is done (assets/desk.js)
        lambda d: d.execute_script("return document.documentElement.dataset.desk === 'ready'"
                                   " && !document.querySelector('[data-dash-is-loading=\"true\"]')"))
    if every_part:
        driver.execute_script(SHOW_EVERY_PART)
        WebDriverWait(driver, timeout).until(lambda d: d.execute_script(EVERY_PART_DRAWN))


def wait_for_stage(driver: Any, timeout: float = 30) -> None:
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return document.documentElement.dataset.stage") == "ready")


def inject_axe(driver: Any) -> None:
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))


AXE_RUN = """const [context, tags, done] = arguments;
axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,
         nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))))
  .catch(e => done([{id: 'axe-error', impact: 'error', nodes: [String(e)]}]));"""


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now (each rule, its nodes): the
    whole page but :data:`AXE_EXCLUDE`, then the options of any open list on their own."""
    inject_axe(driver)
    driver.set_script_timeout(60)
    found = driver.execute_async_script(AXE_RUN, {"exclude": AXE_EXCLUDE}, WCAG22_AA)
    if driver.execute_script("return !!document.querySelector('[role=\"listbox\"] [role=\"option\"]')"):
        found += driver.execute_async_script(AXE_RUN, {"include": [['[role="listbox"] [role="option"]']]}, WCAG22_AA)
    return found


# What has the keyboard focus: its accessible name (axe's own computation), where it is, and
# whether another element covers it (WCAG 2.4.11: the focus never entirely hidden).
FOCUSED_JS = """
const e = document.activeElement;
axe.setup(document);
let name = '';
try { name = axe.commons.text.accessibleText(e).trim(); } catch (err) { name = ''; }
axe.teardown();
e.scrollIntoView({block: 'nearest', inline: 'nearest'});
const r = e.getBoundingClientRect();
const points = [[0.5, 0.5], [0.2, 0.5], [0.8, 0.5]].map(([fx, fy]) => [r.left + r.width * fx, r.top + r.height * fy]);
let visible = r.width > 0 && r.height > 0 ? 0 : -1;
for (const [x, y] of points) {
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) { continue; }
  const top = document.elementFromPoint(x, y);
  if (top && (top === e || e.contains(top) || top.contains(e) || (e.labels && [...e.labels].some(l => l.contains(top))))) { visible += 1; }
}
const group = e.closest('[data-field]');
return {tag: e.tagName, id: e.id, role: e.getAttribute('role') || '', type: e.getAttribute('type') || '', name: name,
        field: group ? group.getAttribute('data-field') : '', inGrid: !!e.closest('#engagement-grid'),
        hidden: visible === 0, box: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]};
"""


def tab_walk(driver: Any, limit: int = 400) -> list[dict[str, Any]]:
    """Every element Tab reaches from the top of the page, in order, until focus leaves the page."""
    inject_axe(driver)
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        info = driver.execute_script(FOCUSED_JS)
        if info["tag"] in ("BODY", "HTML") or (seen and info == seen[0]):
            break
        seen.append(info)
    return seen


# The contrast of every text the map draws (labels, legend, colour bar) against what is drawn
# under it, from the SVG: each filled shape painted before the text and covering a sample point
# is composited in paint order (its fill, fill-opacity and opacities), over the SVG's background.
# Strokes (rivers, outlines) are not fills; the hover layer is not drawn until a hover.
LABEL_CONTRAST_JS = r"""
const [selector, regionsTrace, labelsTrace] = arguments;
const root = document.querySelector(selector);
function rgba(str) {
  const m = str && str.match(/rgba?\(([^)]+)\)/);
  if (!m) { return null; }
  const p = m[1].split(',').map(s => parseFloat(s));
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function alphaOf(el, prop) {
  let a = parseFloat(getComputedStyle(el)[prop] || '1');
  for (let n = el; n && n.tagName !== 'svg'; n = n.parentElement) { a *= parseFloat(getComputedStyle(n).opacity || '1'); }
  return a;
}
function blend(under, over, a) { return [0, 1, 2].map(i => over[i] * a + under[i] * (1 - a)); }
function lum(c) {
  const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function ratio(a, b) { const [x, y] = [lum(a), lum(b)]; return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
function traceIndex(el) {
  const g = el.closest('g.trace');
  const cd = g && g.__data__;
  return cd && cd[0] && cd[0].trace ? cd[0].trace.index : -1;
}
const svgs = [...root.querySelectorAll('svg.main-svg')];
const shapes = [];
for (const svg of svgs) {
  for (const el of svg.querySelectorAll('path, rect, circle, ellipse, polygon')) {
    if (el.closest('text, .hoverlayer')) { continue; }
    const cs = getComputedStyle(el);
    const fill = rgba(cs.fill);
    if (!fill || fill[3] === 0 || cs.visibility === 'hidden' || cs.display === 'none') { continue; }
    const a = fill[3] * alphaOf(el, 'fillOpacity');
    if (a > 0.001) { shapes.push({el, fill, a, trace: traceIndex(el), point: el.__data__ ? el.__data__.i : undefined}); }
  }
}
const paper = rgba(getComputedStyle(svgs[0]).backgroundColor) || [255, 255, 255, 1];
const out = [];
for (const text of root.querySelectorAll('svg.main-svg text')) {
  const cs = getComputedStyle(text);
  const words = text.textContent.trim();
  if (!words || text.closest('.hoverlayer') || cs.display === 'none' || cs.visibility === 'hidden') { continue; }
  const colour = rgba(cs.fill);
  const box = text.getBoundingClientRect();
  if (!colour || box.width < 1 || box.height < 1 || alphaOf(text, 'fillOpacity') < 0.01) { continue; }
  const trace = traceIndex(text);
  const point = text.__data__ && text.__data__.i;
  const samples = [[0.5, 0.5], ...[0.35, 0.5, 0.65].flatMap(y => [0.05, 0.25, 0.5, 0.75, 0.95].map(x => [x, y]))];
  const results = samples.map(([fx, fy]) => {
    const x = box.left + box.width * fx, y = box.top + box.height * fy;
    let bg = paper.slice(0, 3), own = false;
    for (const s of shapes) {
      if (s.el.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_PRECEDING) { continue; }
      const m = s.el.getScreenCTM();
      if (!m || !s.el.isPointInFill(new DOMPoint(x, y).matrixTransform(m.inverse()))) { continue; }
      bg = blend(bg, s.fill, s.a);
      // On its own region only while nothing else (a marker, a ring) is drawn over that fill.
      own = s.trace === regionsTrace && s.point === point;
    }
    const ink = blend(bg, colour, colour[3] * alphaOf(text, 'fillOpacity'));
    return {ratio: ratio(ink, bg), bg: bg.map(Math.round), own};
  });
  const worst = results.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const ownResults = results.filter(r => r.own);
  const ownWorst = ownResults.length ? ownResults.reduce((a, b) => (b.ratio < a.ratio ? b : a)) : null;
  const shadows = [...(cs.textShadow || '').matchAll(/rgba?\([^)]+\)/g)].map(m => rgba(m[0]));
  const halo = shadows.length >= 4 && shadows.every(c => c[3] === 1 && c.slice(0, 3).join() === shadows[0].slice(0, 3).join())
    ? shadows[0].slice(0, 3) : null;
  out.push({text: words.slice(0, 60), colour: colour.slice(0, 3), trace, regionLabel: trace === labelsTrace,
            anchor: results[0], ownWorst, worst, halo, haloRatio: halo ? ratio(colour.slice(0, 3), halo) : 0});
}
return out;
"""

MIN_CONTRAST = 4.5


def label_problems(labels: list[dict[str, Any]]) -> list[str]:
    """Labels that do not reach 4.5:1. A region label must reach it, with no help from a halo,
    wherever it lies on its own region's fill with nothing drawn over that (its colour comes from
    the class's ``dark`` set); any other label, or a part of a label over another fill (a
    neighbour, a marker), may reach it against its halo.
    """
    bad = []
    for x in labels:
        own = x["ownWorst"] if x["regionLabel"] else None
        if own is not None and own["ratio"] < MIN_CONTRAST:
            bad.append(f"{x['text']!r} {own['ratio']:.2f}:1 on its region's fill {own['bg']}")
        elif x["worst"]["ratio"] < MIN_CONTRAST and x["haloRatio"] < MIN_CONTRAST:
            bad.append(f"{x['text']!r} {x['worst']['ratio']:.2f}:1 on {x['worst']['bg']}, halo {x['halo']}")
    return bad


def css_id(component_id: dict[str, str]) -> str:
    """The CSS selector-escaped DOM id Dash gives a dict id."""
    dom_id = json.dumps(component_id, separators=(",", ":"), sort_keys=True)
    return "#" + re.sub(r'([{}":,\[\]])', r"\\\1", dom_id)
