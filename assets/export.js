/* Export buttons that say what they are doing (dashboard/export_controls.py).
 *
 * A click on an export or deck button fetches its address instead of following it: the status
 * line shows progress ("Preparing PDF… 4 s"), then the file is saved under the server's name,
 * or the line says why not: busy (503: try again in a minute), queue full (429: try again in the
 * server's Retry-After), refused (400: the server's reason, which names the parameter and what
 * it accepts), or failed (the worker's reason).
 *
 * When the server has an export queue (`serve --redis`; the buttons ask `GET /export/jobs` once),
 * exports that need a browser (PNG, SVG, PDF, PACK, decks) become jobs: `POST /export/jobs?<view
 * query>&format=…` (or `?briefing=…&lang=…&format=…` for a deck), then the job's status is polled
 * and shown ("queued, number 2 in line", "40 %") until its file is ready. Without a queue, and
 * for CSV and Excel, the button's own address is fetched. Without JavaScript the buttons are
 * plain download links. No inline script: the page's Content-Security-Policy allows scripts
 * from this origin only.
 */
(function () {
  "use strict";

  var POLL_MS = [400, 700, 1000];  // then every second
  var MAX_POLL_FAILURES = 5;  // network hiccups tolerated while following a job
  var queueInfo = null;  // a promise of GET /export/jobs: {queue: true|false}

  // The messages in the page's language, from both languages' texts in the "i18n-texts" store
  // (dashboard/page_text.py; the language switch sets <html lang>), read when shown.
  function message(key, fallback) {
    var api = window.dash_component_api, node = null;
    try { node = api && api.getLayout("i18n-texts"); } catch (e) { node = null; }
    var all = node && node.props && node.props.data;
    var texts = all && all[document.documentElement.lang === "fr" ? "fr" : "en"];
    var text = texts && texts.texts && texts.texts[key];
    return typeof text === "string" && text ? text : fallback;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }

  function fileName(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : fallback;
  }

  function say(status, text, kind) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "export-status" + (kind ? " is-" + kind : "");
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.rel = "nofollow";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  // The job a button's address asks for, as a POST /export/jobs address; null for what is
  // answered at once (CSV, Excel).
  function jobAddress(href) {
    var url = new URL(href, window.location.href);
    var query = url.search.replace(/^\?/, "");
    var view = /^\/export\/(png|svg|pdf|pack)$/.exec(url.pathname);
    if (view) {
      return "/export/jobs?" + (query ? query + "&" : "") + "format=" + view[1];
    }
    var deck = /^\/deck\/([^\/]+)\.(pptx|pdf)$/.exec(url.pathname);
    if (deck) {
      return "/export/jobs?briefing=" + deck[1] + (query ? "&" + query : "") + "&format=" + deck[2];
    }
    return null;
  }

  function hasQueue() {
    if (!queueInfo) {
      queueInfo = fetch("/export/jobs", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { queue: false }; })
        .then(function (info) { return Boolean(info && info.queue); })
        .catch(function () { queueInfo = null; return false; });
    }
    return queueInfo;
  }

  function start(button) {
    var href = button.getAttribute("href");
    if (!href || button.getAttribute("aria-busy") === "true") { return; }
    var status = document.getElementById(button.getAttribute("data-status"));
    var what = button.getAttribute("data-what") || "";
    var began = Date.now();
    var working = fill(message("export_working", "Preparing {fmt}…"), { fmt: what });
    button.setAttribute("aria-busy", "true");
    button.classList.add("is-working");
    function tick() {
      say(status, working + " " + Math.round((Date.now() - began) / 1000) + " s", "working");
    }
    say(status, working, "working");
    var timer = setInterval(tick, 1000);
    function done() {
      clearInterval(timer);
      button.removeAttribute("aria-busy");
      button.classList.remove("is-working");
    }
    function failed(text) {
      done();
      say(status, text || message("export_failed", "The export failed."), "error");
    }
    function saved(response, fallback) {
      var name = fileName(response, fallback);
      return response.blob().then(function (blob) {
        done();
        save(blob, name);
        say(status, fill(message("export_done", "Downloaded {name}"), { name: name }), "done");
      });
    }
    // Any answer that is not the file: say why, in the user's language where we can.
    function refused(response) {
      return response.text().then(function (text) {
        if (response.status === 429) {
          var wait = parseInt(response.headers.get("Retry-After") || "60", 10);
          failed(fill(message("export_queue_full", "Many exports are waiting. Try again in {seconds} s."),
                      { seconds: isNaN(wait) ? 60 : wait }));
        } else if (response.status === 503) {
          failed(message("export_busy", "The export service is busy. Try again in a minute."));
        } else if (response.status === 400 || response.status === 404) {
          var reason = text.replace(/^(Bad request|Not found):\s*/, "");
          failed(message("export_refused", "Export refused:") + " " + reason);
        } else {
          failed();
        }
      });
    }

    function direct() {
      return fetch(href, { credentials: "same-origin", headers: { "Accept": "*/*" } }).then(function (response) {
        return response.ok ? saved(response, href.split("?")[0].split("/").pop()) : refused(response);
      });
    }

    function follow(job) {
      var statusUrl = job.status_url;
      var polls = 0;
      var misses = 0;
      function show(state) {
        if (state.status === "queued") {
          working = fill(message("export_queued", "Preparing {fmt}: waiting, number {position} in line…"),
                         { fmt: what, position: state.position || 1 });
        } else if (state.status === "running") {
          working = fill(message("export_progress", "Preparing {fmt}… {percent} %"),
                         { fmt: what, percent: Math.round(100 * (state.progress || 0)) });
        }
        tick();
      }
      function next(state) {
        if (state.status === "done") {
          return fetch(state.file, { credentials: "same-origin" }).then(function (response) {
            return response.ok ? saved(response, state.filename || "export") : refused(response);
          });
        }
        if (state.status === "failed") {
          failed(message("export_failed_reason", "The export failed:") + " " + (state.reason || ""));
          return null;
        }
        show(state);
        setTimeout(poll, POLL_MS[Math.min(polls, POLL_MS.length - 1)]);
        polls += 1;
        return null;
      }
      function poll() {
        fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) {
            if (response.status === 404) {  // expired, or never known: say so
              return response.json().then(function (body) {
                failed(message("export_failed_reason", "The export failed:") + " " + (body.reason || ""));
              });
            }
            if (!response.ok) {
              if (response.status === 503 && misses < MAX_POLL_FAILURES) {
                misses += 1;
                setTimeout(poll, 2000);
                return null;
              }
              return refused(response);
            }
            misses = 0;
            return response.json().then(next);
          })
          .catch(function () {
            if (misses < MAX_POLL_FAILURES) {
              misses += 1;
              setTimeout(poll, 2000);
            } else {
              failed();
            }
          });
      }
      return next(job);
    }

    var jobUrl = jobAddress(href);
    (jobUrl ? hasQueue() : Promise.resolve(false))
      .then(function (queued) {
        if (!queued) { return direct(); }
        return fetch(jobUrl, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) {
            if (response.status === 202) { return response.json().then(follow); }
            if (response.status === 404) {  // this server has no queue (any more): fetch the address
              queueInfo = Promise.resolve(false);
              return direct();
            }
            return refused(response);
          });
      })
      .catch(function () { failed(); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("a.export-button");
    if (!button || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    if (!window.fetch || !window.URL || !URL.createObjectURL || !window.Promise) { return; }  // the plain link still works
    event.preventDefault();
    start(button);
  });
})();
