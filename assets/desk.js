/* The desk's first visit: the map first, then what is below the fold.
 *
 * The layout keeps the timeline's figure and the table's rows aside (a dcc.Store; the map's values
 * table too, until its disclosure is opened); when plotly
 * has drawn the map for the first time, this sets the "map-drawn" store, and a clientside
 * callback (dashboard/callbacks/panels.py) hands them to the timeline and the grid. So the
 * browser's first work goes to the map. If the map is not drawn within 10 s (an error), the
 * rest is drawn anyway: the table is the map's text alternative.
 *
 * Then it tells the page which of its parts are in view, in the "parts-in-view" store (the cards
 * below the map with any of their box in the window, the map's values table while open): a
 * view change draws a part out of view only when it comes into view (the view callback keeps it
 * aside), so a change costs the browser only what the user can see. Printing asks for every
 * part (a print started before they are drawn leaves out those still waiting: assets/app.css;
 * the exports are the way to print a view).
 *
 * AG Grid's script is not in the page (dashboard/page_scripts.py: 1.3 MB the map need not wait
 * for). Until it comes, a placeholder of the grid's size stands in for its component; once the map
 * is drawn, this loads the script, has Dash draw the grid again (now AG Grid's own), and sets the
 * "grid-ready" store when the grid is mounted: the table's rows wait for it. If the script cannot be
 * had (twice), the table says so and points to its downloads.
 *
 * The filter panel's and the export's controls (Mantine's) are drawn after the map too: once the
 * map is on screen, this runs Mantine's script (preloaded with the page's) and releases them
 * (assets/after_map.js, dashboard/after_map.py).
 *
 * And it names the map's modebar buttons in the page's language. The map's config never changes
 * (a new one makes plotly.js draw the map from scratch, twice: dashboard/layout.py MAP_CONFIG), so
 * plotly names them, and its tips, in English; their French names are plotly's own
 * (assets/plotly-locale-fr.js).
 */
(function () {
  "use strict";
  var signalled = false;
  var GRID = "engagement-grid";
  var gridMeta = document.querySelector('meta[name="deferred-grid-script"]');
  if (gridMeta && !window.dash_ag_grid) {
    window.dash_ag_grid = {AgGrid: function (props) {  // the stand-in: an empty box of the grid's size
      return window.React.createElement("div", {id: props.id, style: props.style, className: "grid-waiting"});
    }};
  }
  // Mantine's components are drawn only after the map (assets/after_map.js), but Dash's renderer
  // looks up every component of the layout as it starts: until Mantine's script has run (its
  // bundle replaces this object), each of its component names stands for a component that draws
  // nothing, but for the provider, which draws its children (nothing is mounted under it before
  // the script has run, unless the script could not be had: then the panel's and the export's
  // plain parts, its links and text fields, are still drawn).
  // The parts drawn after the map (assets/after_map.js, run before this file: assets load in
  // alphabetical order).
  var afterMap = window.sahelAfterMap;
  var mantineMeta = document.querySelector('meta[name="deferred-mantine-script"]');
  if (mantineMeta && !window.dash_mantine_components) {
    var standIns = {MantineProvider: function (props) { return props.children === undefined ? null : props.children; }};
    var isComponent = function (name) { return typeof name === "string" && /^[A-Z]/.test(name); };
    window.dash_mantine_components = new Proxy({sahelStandIn: true}, {
      get: function (known, name) {
        if (name in known) { return known[name]; }
        if (!isComponent(name)) { return undefined; }
        if (!standIns[name]) { standIns[name] = function () { return null; }; }
        return standIns[name];
      },
      has: function (known, name) { return name in known || isComponent(name); },
    });
  }
  function mantineLoaded() {
    var lib = window.dash_mantine_components;
    return !!lib && !lib.sahelStandIn;
  }
  // A script left out of the page (dashboard/page_scripts.py), by its address: done(true) once it
  // has run, done(false) if it cannot be had (tried twice, 2 s apart).
  function loadScript(src, done) {
    function attempt(n) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { done(true); };
      script.onerror = function () {
        script.remove();
        if (n === 0) { setTimeout(function () { attempt(1); }, 2000); } else { done(false); }
      };
      document.head.appendChild(script);
    }
    attempt(0);
  }
  // Mantine's script (preloaded with the page's scripts), run once, then each waiting callback.
  // If it cannot be had (twice, or nothing after 20 s), or it runs but defines nothing, the filter
  // panel says so (assets/app.css) and the callbacks run all the same: the page goes on.
  var mantineWaiting = null;  // the callbacks waiting for the script while it loads
  function loadMantine(then) {
    if (!mantineMeta || mantineLoaded() || document.documentElement.getAttribute("data-mantine") === "failed") { then(); return; }
    if (mantineWaiting) { mantineWaiting.push(then); return; }
    mantineWaiting = [then];
    var timer = setTimeout(function () { done(false); }, 20000);
    function done(ok) {
      if (!mantineWaiting) { return; }  // the 20 s were up
      clearTimeout(timer);
      if (!ok) { document.documentElement.setAttribute("data-mantine", "failed"); }
      var waiting = mantineWaiting;
      mantineWaiting = null;
      waiting.forEach(function (f) { f(); });
    }
    loadScript(mantineMeta.getAttribute("content"), function (ok) { done(ok && mantineLoaded()); });
  }
  // The parts drawn only in view, and the element of each (dashboard/ids.py IN_VIEW_PARTS, given
  // by the page): a card while any of it is in the window, a disclosure (<details>) while it is open.
  var PARTS = {};
  // A card is drawn once any of it is in the window, not before: pre-drawing the cards near the
  // window (a 300 px margin until 2026-12) redrew the timeline just below a 1080p window with
  // every change (plotly's redraw alone: 40-120 ms, measured at CPU 1x) for nothing on screen,
  // while the next input waited. The work moves to when the user scrolls to the card: it is drawn
  // by the next callback pass, showing the older view dimmed meanwhile (app.css).
  var MARGIN_PX = 0;
  var inView = null;
  function opens(el) { return el.tagName === "DETAILS"; }
  function copy(state) {
    var out = {};
    Object.keys(PARTS).forEach(function (k) { out[k] = state[k]; });
    return out;
  }
  function report(next) {
    if (inView && Object.keys(PARTS).every(function (k) { return next[k] === inView[k]; })) { return; }
    inView = copy(next);
    window.dash_clientside.set_props("parts-in-view", {data: next});
  }
  function near(el) {
    var r = el.getBoundingClientRect(), h = window.innerHeight || document.documentElement.clientHeight;
    return r.bottom >= -MARGIN_PX && r.top <= h + MARGIN_PX && r.width > 0;
  }
  function watchParts() {
    var els = {}, root = document.getElementById("page-root");
    try { PARTS = JSON.parse((root && root.getAttribute("data-in-view-parts")) || "{}"); } catch (e) { PARTS = {}; }
    if (!Object.keys(PARTS).length) { return; }  // unknown: every part is drawn
    Object.keys(PARTS).forEach(function (k) { els[k] = document.getElementById(PARTS[k]); });
    var missing = Object.keys(els).some(function (k) { return !els[k]; });
    if (missing || typeof IntersectionObserver !== "function") { return; }  // unknown: all drawn
    function measure() {
      var now = {};
      Object.keys(els).forEach(function (k) { now[k] = opens(els[k]) ? !!els[k].open : near(els[k]); });
      return now;
    }
    report(measure());
    var observer = new IntersectionObserver(function (entries) {
      var next = copy(inView);
      entries.forEach(function (e) {
        Object.keys(els).forEach(function (k) { if (els[k] === e.target && !opens(els[k])) { next[k] = e.isIntersecting; } });
      });
      report(next);
    }, {rootMargin: MARGIN_PX + "px 0px"});
    Object.keys(els).forEach(function (k) {
      if (opens(els[k])) {
        els[k].addEventListener("toggle", function () {
          var next = copy(inView);
          next[k] = !!els[k].open;
          report(next);
        });
        return;
      }
      observer.observe(els[k]);
      // Focus entering a part (a keyboard, a screen reader's cursor) draws it, scrolled or not.
      els[k].addEventListener("focusin", function () {
        var next = copy(inView);
        next[k] = true;
        report(next);
      });
    });
    var all = {};
    Object.keys(PARTS).forEach(function (k) { all[k] = true; });
    window.addEventListener("beforeprint", function () { report(all); });
    window.addEventListener("afterprint", function () { report(measure()); });
  }
  // The parts drawn after the map (assets/after_map.js): in the frame after the one that shows it,
  // once Mantine's script has run.
  function releaseAfterMap() {
    window.requestAnimationFrame(function () { setTimeout(function () { loadMantine(afterMap.release); }, 0); });
  }
  function send() {
    releaseAfterMap();
    watchParts();
    window.dash_clientside.set_props("map-drawn", {data: Date.now()});
  }
  // The first visit's work is done: the table's rows may go to the grid (the "grid-ready" store),
  // and the page is ready once the parts drawn after the map are mounted too.
  function ready() {
    window.dash_clientside.set_props("grid-ready", {data: Date.now()});
    afterMap.whenMounted(function () { document.documentElement.setAttribute("data-desk", "ready"); });
  }
  // Ready when AG Grid has mounted the grid: its listeners (such as the name it takes from the
  // heading above it, dashAgGridFunctions.js) are attached then, and must see the rows arrive. After
  // 5 s without it (a slow link: the grid loads a second script as it mounts), the page goes on, and
  // says so again once the grid is mounted, which names it then (dashboard/callbacks/panels.py).
  function whenGridMounted() {
    var getApiAsync = window.dash_ag_grid && window.dash_ag_grid.getApiAsync;
    if (typeof getApiAsync !== "function" || !document.getElementById(GRID)) { ready(); return; }
    var mounted = false;
    getApiAsync(GRID).then(function () { mounted = true; ready(); }, function () { /* the 5 s wait covers it */ });
    setTimeout(function () { if (!mounted) { ready(); } }, 5000);
  }
  function loadGrid() {
    if (!gridMeta) { whenGridMounted(); return; }  // the page came with AG Grid's script
    loadScript(gridMeta.getAttribute("content"), function (ok) {
      if (!ok) {
        document.documentElement.setAttribute("data-grid", "failed");  // shows the note (assets/app.css)
        ready();
        return;
      }
      try {
        // Any new prop has Dash draw the grid again, and it then finds AG Grid's component in place
        // of the stand-in: the grid's own style (from Dash's layout) will do. Should that fail, the
        // stand-in stays and the 5 s wait lets the page go on.
        window.dash_clientside.set_props(GRID, {style: window.dash_component_api.getLayout(GRID).props.style});
      } finally {
        whenGridMounted();
      }
    });
  }
  function signal() {
    if (signalled) { return; }
    var clientside = window.dash_clientside;
    if (!clientside || typeof clientside.set_props !== "function") { return; }
    signalled = true;
    send();
    loadGrid();
  }
  // plotly's French words by its English ones, or none (an English page: plotly's own words).
  function plotlyWords() {
    return (window.sahelPlotlyDictionaries || {})[document.documentElement.lang] || {};
  }
  function nameButtons() {
    var words = plotlyWords();
    document.querySelectorAll("#map-graph .modebar-btn[data-title]").forEach(function (button) {
      var english = button.getAttribute("data-title-en");
      if (english === null) { english = button.getAttribute("data-title"); button.setAttribute("data-title-en", english); }
      var name = words[english] || english;
      if (button.getAttribute("data-title") !== name) {
        button.setAttribute("data-title", name);  // the tooltip
        button.setAttribute("aria-label", name);
      }
    });
  }
  // plotly's tips ("Double-click on legend to isolate one trace") come from the map in English
  // too: the same dictionary names them, in plotly's notifier (a box plotly adds to <body>).
  function nameNotes(box) {
    var words = plotlyWords();
    box.querySelectorAll(".notifier-note p").forEach(function (p) {
      var name = words[p.textContent];
      if (name) { p.textContent = name; }
    });
  }
  function watchNotes() {
    var seen = null;
    new MutationObserver(function () {
      var box = document.querySelector("body > .plotly-notifier");
      if (box && box !== seen) {
        seen = box;
        new MutationObserver(function () { nameNotes(box); }).observe(box, {childList: true, subtree: true});
        nameNotes(box);
      }
    }).observe(document.body, {childList: true});
  }
  function drawn(gd) { return !!gd.querySelector(".choroplethlayer path"); }
  var frames = 0;
  function watch() {
    var gd = document.querySelector("#map-graph .js-plotly-plot");
    if (gd && typeof gd.once === "function") {
      // Every draw of the map ends with plotly_afterplot (plotly builds the modebar with the first).
      gd.on("plotly_afterplot", nameButtons);
      nameButtons();
      if (drawn(gd)) { signal(); } else { gd.once("plotly_afterplot", signal); }
      return;
    }
    frames += 1;
    if (frames < 3600) { window.requestAnimationFrame(watch); }  // a minute: then there is no map to wait for
  }
  // Where the filter panel stands above the map (windows 1100 px wide or less: assets/app.css), it
  // is drawn as soon as it can be: drawn after the map, it would push the map down under the
  // reader's eyes.
  if (window.matchMedia && window.matchMedia("(max-width: 1100px)").matches) { loadMantine(afterMap.release); }
  new MutationObserver(nameButtons).observe(document.documentElement, {attributes: true, attributeFilter: ["lang"]});
  watchNotes();
  setTimeout(signal, 10000);
  watch();
})();
