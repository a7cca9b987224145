/* The briefing stage: a 1920-px-wide slide scaled as a whole to any window, stepped in the
   browser from a deck the server prepares in one response (dashboard/stage.py), so the counter
   and the title change as the key is pressed and the next slide is already there.

   Keys (what a presentation clicker sends): → PageDown next · ← PageUp previous · Home End ·
   a number then Enter: go to it · G overview · ? help · P presenter view · Esc close / leave.
   The presenter view (?mode=presenter) shows the current and next slide, the note and a clock,
   and stays in step through a BroadcastChannel: keys work in either window. */
(function () {
  "use strict";
  var W = 1920, MIN_H = 1080, MAX_H = 1440;  // 16:9 up to 4:3: taller windows use the height
  var LANE_PX = 38;  // a timeline lane at 25 px type
  var params = new URLSearchParams(window.location.search);
  var mode = params.get("mode");
  if (mode !== "brief" && mode !== "presenter") { return; }

  var state = { deck: null, index: 0, overlay: "", typed: "", started: Date.now() };
  var pendingKey = null;  // the time stamp of the key being handled
  var timings = [];
  // go() resolves with the slide's timing record once its last redraw is done.
  window.sahelStage = { timings: timings, go: function (n) { return go(n, "api"); }, current: function () { return state.index; },
                       check: function () { return check(); } };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function deckUrl() {
    var lang = params.get("lang") || "en";
    var id = params.get("briefing");
    if (id) { return "/stage/" + encodeURIComponent(id) + "?lang=" + encodeURIComponent(lang); }
    var view = new URLSearchParams(window.location.search);
    ["mode", "briefing", "scene", "slide"].forEach(function (k) { view.delete(k); });
    return "/stage/view?" + view.toString();
  }

  /* ---- layout: the stage scales as a whole, letterboxed beyond 4:3 or 16:9 ---- */
  function fit(stage) {
    var aspect = window.innerWidth / Math.max(window.innerHeight, 1);
    var h = Math.round(Math.min(MAX_H, Math.max(MIN_H, W / aspect)));
    var scale = Math.min(window.innerWidth / W, window.innerHeight / h);
    stage.style.width = W + "px";
    stage.style.height = h + "px";
    stage.style.transform = "translate(" + ((window.innerWidth - W * scale) / 2) + "px," +
      ((window.innerHeight - h * scale) / 2) + "px) scale(" + scale + ")";
    stage.dataset.height = h;
    return h;
  }

  var ui = {};
  function build() {
    var shell = el("div", "stage-shell");
    shell.setAttribute("role", "region");
    shell.setAttribute("aria-label", state.deck.title);
    var stage = el("div", "stage");
    var head = el("header", "stage-head");
    ui.marking = el("div", "stage-marking");
    ui.title = el("h1", "stage-title");
    ui.title.setAttribute("aria-live", "polite");
    ui.counter = el("div", "stage-counter");
    ui.filters = el("div", "stage-filters");
    head.append(ui.marking, ui.counter, ui.title, ui.filters);
    var main = el("main", "stage-main");
    var maps = el("div", "stage-maps");
    ui.thenWrap = el("div", "stage-map-wrap stage-then");
    ui.thenLabel = el("div", "stage-map-label");
    ui.thenMap = el("div", "stage-map");
    ui.thenMap.id = "stage-map-then";
    ui.thenWrap.append(ui.thenLabel, ui.thenMap);
    ui.nowWrap = el("div", "stage-map-wrap stage-now");
    ui.nowLabel = el("div", "stage-map-label");
    ui.map = el("div", "stage-map");
    ui.map.id = "stage-map";
    ui.map.setAttribute("role", "img");
    ui.nowWrap.append(ui.nowLabel, ui.map);
    maps.append(ui.thenWrap, ui.nowWrap);
    var side = el("aside", "stage-side");
    ui.figures = el("div", "stage-figures");
    ui.legend = el("div", "stage-legend");
    ui.timeline = el("div", "stage-timeline");
    ui.timeline.id = "stage-timeline";
    ui.timeline.setAttribute("role", "img");
    side.append(ui.figures, ui.legend, ui.timeline);
    main.append(maps, side);
    ui.bookend = el("section", "stage-bookend");
    var foot = el("footer", "stage-foot");
    ui.sources = el("span", "foot-sources");
    ui.date = el("span", "foot-date", state.deck.data_as_of);
    ui.footMarking = el("span", "foot-marking");
    foot.append(ui.sources, ui.date, ui.footMarking);
    stage.append(head, main, ui.bookend, foot);
    ui.overview = el("div", "stage-overlay stage-overview");
    ui.help = el("div", "stage-overlay stage-help");
    ui.buttons = el("nav", "stage-buttons");
    var s = state.deck.strings;
    [["←", "prev", s.stage_prev_button], ["→", "next", s.stage_next_button], ["✕", "exit", s.stage_exit_button]].forEach(function (b) {
      var button = el("button", "stage-button", b[0]);
      button.type = "button";
      button.setAttribute("aria-label", b[2]);
      button.title = b[2];
      button.addEventListener("click", function () { command(b[1]); });
      ui.buttons.append(button);
    });
    shell.append(stage, ui.overview, ui.help, ui.buttons);
    document.body.append(shell);
    document.body.classList.add("stage-open");
    ui.stage = stage;
    fillStatic();
    return stage;
  }

  function fillStatic() {
    var d = state.deck, s = d.strings;
    var marking = [d.marking, d.contact].filter(Boolean).join(" · ");
    ui.marking.textContent = d.marking || "";
    ui.footMarking.textContent = d.contact || "";
    ui.help.append(el("h2", "", s.stage_help));
    s.stage_help_keys.split("\n").forEach(function (line) { ui.help.append(el("p", "", line)); });
    ui.overview.append(el("h2", "", s.stage_overview));
    var grid = el("ol", "overview-grid");
    d.slides.forEach(function (slide, i) {
      var item = el("li", "overview-item");
      var button = el("button", "", (i + 1) + ". " + slide.title);
      button.type = "button";
      button.addEventListener("click", function () { closeOverlays(); go(i, "overview"); });
      item.append(button);
      grid.append(item);
    });
    ui.overview.append(grid);
    if (!marking) { ui.marking.classList.add("empty"); }
  }

  /* ---- drawing a slide ---- */
  function sizeOf(node) {
    return { width: Math.max(200, node.clientWidth), height: Math.max(200, node.clientHeight) };
  }

  // The map's frame takes the whole box: the latitude (or longitude) range grows to the box's
  // shape, so a taller stage shows more map rather than blank bands.
  function fitGeo(geo, size) {
    var rad = Math.PI / 180;
    var merc = function (a) { return Math.log(Math.tan(Math.PI / 4 + a * rad / 2)); };
    var unmerc = function (v) { return (2 * Math.atan(Math.exp(v)) - Math.PI / 2) / rad; };
    var lon = geo.lonaxis.range.slice(), lat = geo.lataxis.range.slice();
    var y0 = merc(lat[0]), y1 = merc(lat[1]), span = (lon[1] - lon[0]) * rad, want = size.width / size.height;
    if (span / (y1 - y0) > want) {
      var c = (y0 + y1) / 2, half = span / want / 2;
      lat = [unmerc(c - half), unmerc(c + half)];
    } else {
      var mid = (lon[0] + lon[1]) / 2, halfLon = (y1 - y0) * want / rad / 2;
      lon = [mid - halfLon, mid + halfLon];
    }
    return Object.assign({}, geo, { lonaxis: Object.assign({}, geo.lonaxis, { range: lon }),
                                    lataxis: Object.assign({}, geo.lataxis, { range: lat }) });
  }

  function withGeometry(fig, size) {
    var geo = state.deck.geometry;
    var data = fig.data.map(function (trace, i) {
      var copy = Object.assign({}, trace);
      if (i === 0) { copy.geojson = geo.countries; }
      if (i === 1) { copy.geojson = geo.regions; }
      return copy;
    });
    var layout = Object.assign({}, fig.layout, { width: size.width, height: size.height, dragmode: false,
                                                 geo: fitGeo(fig.layout.geo, size) });
    return { data: data, layout: layout };
  }

  // staticPlot: the map is locked against accidental pans, zooms and hovers in front of an audience.
  var CONFIG = { staticPlot: true, displayModeBar: false, responsive: false, topojsonURL: "/assets/topojson/",
                 locale: params.get("lang") === "fr" ? "fr" : "en" };

  function draw(node, fig, sized) {
    var size = sizeOf(node);
    var spec = sized ? withGeometry(fig, size) : { data: fig.data, layout: Object.assign({}, fig.layout, size) };
    return window.Plotly.react(node, spec.data, spec.layout, CONFIG);
  }

  // The tallest of the prepared timelines whose lanes fit (38 stage px a lane, 150 for axis and
  // margins), or none when not even the shortest fits: a timeline squeezed under the footer would
  // show lanes without their axis (a slide with a long legend on a 4:3 screen).
  function needed(spec) { return spec.layout.yaxis.tickvals.length * LANE_PX + 150; }
  function tallestFitting(timelines, height) {
    var best = null;
    timelines.forEach(function (spec) { if (needed(spec) <= height) { best = spec; } });
    return best;
  }

  function drawTimeline(slide) {
    ui.timeline.classList.remove("is-empty");
    var spec = tallestFitting(slide.timelines, ui.timeline.clientHeight);
    ui.timelineSlide = slide;
    ui.timelineSpec = spec;
    if (spec) { return draw(ui.timeline, spec, false); }
    window.Plotly.purge(ui.timeline);
    ui.timeline.classList.add("is-empty");  // keeps its box (the next slide measures it), shows nothing
    return Promise.resolve();
  }

  function figureTiles(slide) {
    ui.figures.textContent = "";
    if (slide.figures_as_at) { ui.figures.append(el("div", "stage-figures-when", slide.figures_as_at)); }
    (slide.figures || []).forEach(function (f, i) {
      var tile = el("div", "stage-tile");
      tile.append(el("div", "tile-title", f.title), el("div", "tile-value", f.value), el("div", "tile-sub", f.sub));
      if (slide.kind === "then_and_now" && slide.then) {
        // French sets a (no-break) space before a colon: "Avant : 7".
        var colon = state.deck.lang === "fr" ? "\u00a0: " : ": ";
        tile.append(el("div", "tile-then", state.deck.strings.stage_then + colon + slide.then.figures[i].value));
      }
      ui.figures.append(tile);
    });
    // A value that takes two lines at 44 px ("aucun total annuel", "au moins env. 1 900") is set
    // smaller, on one line if it can: French tiles had left no room for slide 2's timeline.
    ui.figures.querySelectorAll(".tile-value").forEach(function (v) {
      if (v.offsetHeight > 1.5 * parseFloat(window.getComputedStyle(v).lineHeight)) { v.classList.add("is-long"); }
    });
  }

  function legend(box, spec) {
    box.textContent = "";
    if (!spec) { return; }
    var head = el("div", "legend-title", spec.title);
    head.append(el("span", "legend-sub", " · " + spec.subtitle));
    var classes = el("ul", "legend-classes");
    spec.classes.forEach(function (c) {
      var item = el("li", "");
      var swatch = el("span", "swatch");
      swatch.style.background = c.colour;
      item.append(swatch, document.createTextNode(c.label));
      classes.append(item);
    });
    box.append(head, classes);
    var marks = (spec.sites || []).concat(spec.marks || []);
    if (marks.length) {
      var list = el("ul", "legend-sites");
      marks.forEach(function (mark) {
        var item = el("li", "");
        var sample;
        if (mark.line) {  // an outline or a river: a short line in its colour and width
          sample = el("span", "line-sample");
          sample.style.borderTop = Math.max(2, parseFloat(mark.width) * 1.9) + "px solid " + mark.line;
        } else {
          sample = el("span", "symbol", mark.symbol);
          sample.style.color = mark.colour;
        }
        item.append(sample, document.createTextNode(mark.label));
        list.append(item);
      });
      box.append(list);
    }
  }

  function bookend(slide) {
    ui.bookend.textContent = "";
    ui.bookend.append(el("h2", "bookend-title", slide.title));
    if (slide.subtitle) { ui.bookend.append(el("p", "bookend-subtitle", slide.subtitle)); }
    if (slide.note) { ui.bookend.append(el("p", "bookend-note", slide.note)); }
    (slide.lines || []).forEach(function (line) { ui.bookend.append(el("p", "bookend-line", line)); });
    if (state.deck.marking || state.deck.contact) {
      ui.bookend.append(el("p", "bookend-marking", [state.deck.marking, state.deck.contact].filter(Boolean).join(" · ")));
    }
    if ((slide.changes || []).length) {  // "what changed since the last briefing": one line per engagement or area
      var changes = el("ul", "bookend-citations bookend-changes");
      slide.changes.forEach(function (c) {
        var item = el("li", "", c);
        item.title = c;
        changes.append(item);
      });
      ui.bookend.append(changes);
    }
    if ((slide.citations || []).length) {
      var list = el("ol", "bookend-citations");
      list.start = slide.first_citation || 1;
      slide.citations.forEach(function (c, i) {
        var item = el("li", "", (list.start + i) + ". " + c);
        item.title = c;
        list.append(item);
      });
      ui.bookend.append(list);
    }
  }

  // Resolves once the browser has painted what was just changed (a frame, then a task); a
  // window the browser does not paint (hidden) falls back to a short timer.
  function afterPaint() {
    return new Promise(function (resolve) {
      var done = false;
      var finish = function () { if (!done) { done = true; resolve(); } };
      window.requestAnimationFrame(function () { window.setTimeout(finish, 0); });
      window.setTimeout(finish, 100);
    });
  }

  function show(index, source) {
    // The clock starts at the key press (the event's time), not when this code runs.
    var t0 = pendingKey !== null ? pendingKey : performance.now();
    pendingKey = null;
    var slides = state.deck.slides;
    var slide = slides[index];
    state.index = index;
    // Words first, at once: the audience sees that the key was received.
    ui.title.textContent = slide.title;
    ui.counter.textContent = (index + 1) + " / " + slides.length;
    ui.filters.textContent = slide.filters || "";
    ui.sources.textContent = (slide.sources || []).concat(slide.more_sources ? [slide.more_sources] : []).join(" · ");
    ui.stage.dataset.kind = slide.kind;
    Array.prototype.forEach.call(ui.overview.querySelectorAll("button"), function (b, i) {
      b.setAttribute("aria-current", i === index ? "true" : "false");
    });
    var record = { index: index, kind: slide.kind, source: source, words: performance.now() - t0, painted: null, redraw: null, superseded: false };
    timings.push(record);
    var params2 = new URLSearchParams(window.location.search);
    params2.set("slide", String(index + 1));
    window.history.replaceState(null, "", "?" + params2.toString());
    var drawn;
    if (slide.kind === "opening" || slide.kind === "closing" || slide.kind === "changes") {
      bookend(slide);
      drawn = afterPaint().then(function () { record.painted = performance.now() - t0; });
    } else {
      figureTiles(slide);
      legend(ui.legend, slide.legend);
      ui.map.setAttribute("aria-label", slide.title + ". " + (slide.filters || ""));
      ui.timeline.setAttribute("aria-label", slide.title);
      // Every box gets its words before any map measures itself.
      var pair = slide.kind === "then_and_now";
      ui.thenLabel.textContent = pair ? state.deck.strings.stage_then + " · " + slide.labels[0] : "";
      ui.nowLabel.textContent = pair ? state.deck.strings.stage_now + " · " + slide.labels[1] : "";
      // Paint the words before the maps take the main thread; skip the maps if a newer key came.
      drawn = afterPaint().then(function () {
        record.painted = performance.now() - t0;
        if (state.index !== index) { record.superseded = true; return null; }
        var draws = [draw(ui.map, slide.map, true)];
        draws.push(pair ? draw(ui.thenMap, slide.then.map, true)
                        : drawTimeline(slide));
        return Promise.all(draws).then(afterPaint);
      });
    }
    return drawn.then(function () {
      record.redraw = performance.now() - t0;  // the slide's last redraw, painted
      return record;
    });
  }

  /* ---- moving ---- */
  var channel = ("BroadcastChannel" in window) ? new BroadcastChannel("sahel-stage:" + (params.get("briefing") || "view")) : null;

  function go(index, source) {
    if (!state.deck) { return Promise.resolve(null); }
    var n = state.deck.slides.length;
    index = Math.max(0, Math.min(n - 1, index));
    if (index === state.index && source !== "start") { return Promise.resolve(null); }
    if (channel && source !== "channel") { channel.postMessage({ index: index }); }
    return render(index, source);
  }

  function command(name) {
    if (name === "next") { go(state.index + 1, "key"); }
    else if (name === "prev") { go(state.index - 1, "key"); }
    else if (name === "exit") { leave(); }
  }

  function leave() {
    var slide = state.deck && state.deck.slides[state.index];
    var query = (slide && slide.query) || "";
    if (channel) { channel.close(); }
    window.location.assign("/" + query);
  }

  function closeOverlays() {
    state.overlay = "";
    ui.overview.classList.remove("open");
    ui.help.classList.remove("open");
  }

  function toggle(name) {
    var open = state.overlay !== name;
    closeOverlays();
    if (open) {
      state.overlay = name;
      (name === "overview" ? ui.overview : ui.help).classList.add("open");
    }
  }

  function onKey(event) {
    var target = event.target || {};
    var tag = (target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    var key = event.key;
    var handled = true;
    pendingKey = event.timeStamp;
    if (key === "ArrowRight" || key === "PageDown" || key === " ") { command("next"); }
    else if (key === "ArrowLeft" || key === "PageUp") { command("prev"); }
    else if (key === "Home") { go(0, "key"); }
    else if (key === "End") { go(state.deck.slides.length - 1, "key"); }
    else if (/^[0-9]$/.test(key)) { state.typed += key; }
    else if (key === "Enter" && state.typed) { go(parseInt(state.typed, 10) - 1, "key"); state.typed = ""; closeOverlays(); }
    else if (key === "g" || key === "G") { toggle("overview"); }
    else if (key === "?") { toggle("help"); }
    else if ((key === "p" || key === "P") && mode === "brief") { openPresenter(); }
    else if (key === "Escape") { if (state.overlay) { closeOverlays(); } else { leave(); } }
    else { handled = false; }
    if (handled) { event.preventDefault(); }
    pendingKey = null;
  }

  function openPresenter() {
    var q = new URLSearchParams(window.location.search);
    q.set("mode", "presenter");
    window.open("/?" + q.toString(), "sahel-presenter", "width=1200,height=800");
  }

  /* ---- the presenter's window ---- */
  var presenterUi = {};
  function buildPresenter() {
    var shell = el("div", "presenter");
    var s = state.deck.strings;
    presenterUi.counter = el("div", "presenter-counter");
    presenterUi.clock = el("div", "presenter-clock");
    presenterUi.clock.title = s.stage_clock;
    presenterUi.current = el("h1", "presenter-current");
    presenterUi.next = el("p", "presenter-next");
    presenterUi.note = el("p", "presenter-note");
    var previews = el("div", "presenter-previews");
    presenterUi.currentPreview = preview(s.stage_current);
    presenterUi.nextPreview = preview(s.stage_next);
    previews.append(presenterUi.currentPreview.box, presenterUi.nextPreview.box);
    var list = el("ol", "presenter-list");
    state.deck.slides.forEach(function (slide, i) {
      var item = el("li", "", slide.title);
      item.addEventListener("click", function () { go(i, "presenter"); });
      list.append(item);
    });
    presenterUi.list = list;
    var keys = el("p", "presenter-keys", state.deck.strings.stage_help_keys.split("\n").join(" · "));
    shell.append(presenterUi.counter, presenterUi.clock, presenterUi.current, presenterUi.note, previews, presenterUi.next, list, keys);
    document.body.append(shell);
    document.body.classList.add("stage-open");
    window.setInterval(tick, 1000);
    tick();
  }

  function tick() {
    var now = new Date();
    var elapsed = Math.floor((Date.now() - state.started) / 1000);
    presenterUi.clock.textContent = now.toTimeString().slice(0, 5) + " · " +
      Math.floor(elapsed / 60) + ":" + String(elapsed % 60).padStart(2, "0");
  }

  function showPresenter(index) {
    var slides = state.deck.slides, s = state.deck.strings;
    state.index = index;
    presenterUi.counter.textContent = (index + 1) + " / " + slides.length;
    presenterUi.current.textContent = slides[index].title;
    presenterUi.note.textContent = slides[index].note || "";
    presenterUi.next.textContent = s.stage_next + ": " + (index + 1 < slides.length ? slides[index + 1].title : s.stage_end);
    Array.prototype.forEach.call(presenterUi.list.children, function (li, i) { li.classList.toggle("current", i === index); });
    var record = { index: index, source: "presenter", words: 0, redraw: null };
    timings.push(record);
    return Promise.all([fillPreview(presenterUi.currentPreview, slides[index]),
                        fillPreview(presenterUi.nextPreview, slides[index + 1])]).then(function () { return record; });
  }

  // A small picture of a slide for the presenter: its title, its figures and its map.
  function preview(label) {
    var box = el("section", "presenter-preview");
    var title = el("h2", "", label);
    var heading = el("p", "preview-title");
    var figures = el("p", "preview-figures");
    var map = el("div", "preview-map");
    box.append(title, heading, figures, map);
    return { box: box, heading: heading, figures: figures, map: map };
  }

  function fillPreview(p, slide) {
    p.heading.textContent = slide ? slide.title : state.deck.strings.stage_end;
    p.figures.textContent = slide && slide.figures ? slide.figures.map(function (f) { return f.title + ": " + f.value; }).join(" · ") : "";
    if (!slide || !slide.map) {
      window.Plotly.purge(p.map);
      p.map.style.visibility = "hidden";
      return Promise.resolve();
    }
    p.map.style.visibility = "visible";
    return draw(p.map, slide.map, true);
  }

  function render(index, source) {
    if (mode === "presenter") { return showPresenter(index); }
    return show(index, source);
  }

  /* ---- checking a slide (sahel-dashboard rehearse and the browser tests) ---- */
  // Whether the page scrolls, which parts leave the stage or the window or overlap, which boxes
  // cut their content, and the smallest text on the stage in stage pixels (1920 wide).
  function rect(node) { var r = node.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height }; }
  function visible(node) { var r = node.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(node).visibility !== "hidden"; }
  function inside(a, b) { return a.x >= b.x - 1 && a.y >= b.y - 1 && a.x + a.w <= b.x + b.w + 1 && a.y + a.h <= b.y + b.h + 1; }
  function apart(a, b) { return a.x + a.w <= b.x + 1 || b.x + b.w <= a.x + 1 || a.y + a.h <= b.y + 1 || b.y + b.h <= a.y + 1; }

  function check() {
    var doc = document.documentElement;
    var view = { x: 0, y: 0, w: window.innerWidth, h: window.innerHeight };
    var stageBox = rect(ui.stage);
    var names = { "stage-head": ".stage-head", "map": "#stage-map", "map-then": "#stage-map-then", "figures": ".stage-figures",
                  "legend": ".stage-legend", "timeline": "#stage-timeline", "bookend": ".stage-bookend", "foot": ".stage-foot" };
    var parts = {};
    Object.keys(names).forEach(function (name) {
      var node = ui.stage.querySelector(names[name]);
      if (node && visible(node)) { parts[name] = rect(node); }
    });
    var outside = Object.keys(parts).filter(function (n) { return !inside(parts[n], stageBox) || !inside(parts[n], view); });
    var overlaps = [];
    var keys = Object.keys(parts);
    keys.forEach(function (a, i) {
      keys.slice(i + 1).forEach(function (b) { if (!apart(parts[a], parts[b])) { overlaps.push(a + "/" + b); } });
    });
    // Boxes that must show all they hold (ellipsised one-liners are reported as truncated instead).
    var cut = [], truncated = [];
    ui.stage.querySelectorAll(".stage-tile, .stage-legend, .stage-bookend, .stage-title, .bookend-citations li, .foot-sources, .stage-filters")
      .forEach(function (node) {
        if (!visible(node)) { return; }
        // A box that clips (overflow hidden) cuts at once; one that does not only when its words
        // spill by more than a font's ascent and descent beyond its line height.
        var slack = getComputedStyle(node).overflow === "visible" ? 8 : 1;
        var over = node.scrollHeight > node.clientHeight + slack || node.scrollWidth > node.clientWidth + slack;
        if (!over) { return; }
        var label = (node.className || node.tagName) + ": " + (node.textContent || "").slice(0, 60);
        (getComputedStyle(node).textOverflow === "ellipsis" ? truncated : cut).push(label);
      });
    // A figure drawn taller or wider than its box spills under its neighbours (or the footer).
    ["#stage-map", "#stage-map-then", "#stage-timeline"].forEach(function (sel) {
      var node = ui.stage.querySelector(sel), svg = node && node.querySelector(".main-svg");
      if (!node || !svg || !visible(node)) { return; }
      var box = rect(node), drawn = rect(svg);
      // A few pixels over (a map's frame rounded up while its box settles) cut nothing that reads.
      var slack = Math.max(2, 0.02 * box.h);
      if (drawn.h > box.h + slack || drawn.w > box.w + slack) { cut.push(sel + ": figure " + Math.round(drawn.h) + " px tall in a " + Math.round(box.h) + " px box"); }
    });
    var scale = stageBox.w / 1920, smallest = 1e9, small = [];
    var walker = document.createTreeWalker(ui.stage, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      var text = walker.currentNode;
      var host = text.parentElement;
      if (!text.textContent.trim() || !host || !visible(host)) { continue; }
      var size = parseFloat(getComputedStyle(host).fontSize);
      // plotly's SVG text: its font size is in the figure's pixels, and figures are drawn at stage size.
      if (size < smallest) { smallest = size; }
      if (size < 24 - 0.01) { small.push(size + "px: " + text.textContent.trim().slice(0, 40)); }
    }
    return { page: { scrollWidth: doc.scrollWidth, scrollHeight: doc.scrollHeight, width: view.w, height: view.h },
             stage: { width: 1920, height: parseInt(ui.stage.dataset.height, 10), scale: scale },
             parts: parts, outside: outside, overlaps: overlaps, cut: cut, truncated: truncated,
             smallest_text: smallest === 1e9 ? null : smallest, small_text: small.slice(0, 20),
             index: state.index, kind: state.deck.slides[state.index].kind, title: state.deck.slides[state.index].title,
             text: ui.stage.innerText,
             svg_text: Array.prototype.map.call(ui.stage.querySelectorAll("svg text"), function (n) { return n.textContent; })
               .filter(function (x) { return x.trim(); }) };
  }

  /* ---- start ---- */
  function start(deck) {
    state.deck = deck;
    var first = parseInt(params.get("slide") || "", 10);
    var index = isNaN(first) ? 0 : first - 1;
    if (mode === "presenter") {
      buildPresenter();
    } else {
      var stage = build();
      fit(stage);
      window.addEventListener("resize", function () { fit(stage); render(state.index, "resize"); });
      // The room left for the timeline moves after it was measured (the side's figures and legend
      // wrap anew once the page's fonts are in): the timeline that fits is chosen again then, else
      // a 16:9 slide measured with the fallback font leaves it out.
      if (window.ResizeObserver) {
        new window.ResizeObserver(function () {
          var slide = ui.timelineSlide;
          if (slide && slide === state.deck.slides[state.index]
              && tallestFitting(slide.timelines, ui.timeline.clientHeight) !== ui.timelineSpec) { drawTimeline(slide); }
        }).observe(ui.timeline);
      }
      var hide;
      document.addEventListener("mousemove", function () {
        ui.buttons.classList.add("visible");
        window.clearTimeout(hide);
        hide = window.setTimeout(function () { ui.buttons.classList.remove("visible"); }, 2500);
      });
    }
    document.addEventListener("keydown", onKey, true);
    if (channel) { channel.onmessage = function (event) { go(event.data.index, "channel"); }; }
    state.index = -1;
    go(index, "start");
    document.documentElement.dataset.stage = "ready";
  }

  function load() {
    if (!window.Plotly) { window.setTimeout(load, 50); return; }
    fetch(deckUrl(), { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) { throw new Error(text); });
      }
      return response.json();
    }).then(start).catch(function (error) {
      var box = el("div", "stage-error", String(error.message || error));
      box.setAttribute("role", "alert");
      document.body.append(box);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", load); } else { load(); }
}());
