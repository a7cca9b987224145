/* Export buttons that say what they are doing (dashboard/export_controls.py).
 *
 * A click on an export or deck button fetches its address instead of following it: the status
 * line shows progress ("Preparing PDF… 4 s"), then the file is saved under the server's name,
 * or the line says why not: busy (503: try again in a minute) or refused (400: the server's
 * reason, which names the parameter and what it accepts). Without JavaScript the buttons are
 * plain download links. No inline script: the page's Content-Security-Policy allows scripts
 * from this origin only.
 */
(function () {
  "use strict";

  function message(key, fallback) {
    var el = document.querySelector('.export-messages [data-key="' + key + '"]');
    return (el && el.textContent) || fallback;
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

  function start(button) {
    var href = button.getAttribute("href");
    if (!href || button.getAttribute("aria-busy") === "true") { return; }
    var status = document.getElementById(button.getAttribute("data-status"));
    var what = button.getAttribute("data-what") || "";
    var began = Date.now();
    var working = fill(message("export_working", "Preparing {fmt}…"), { fmt: what });
    button.setAttribute("aria-busy", "true");
    button.classList.add("is-working");
    say(status, working, "working");
    var timer = setInterval(function () {
      say(status, working + " " + Math.round((Date.now() - began) / 1000) + " s", "working");
    }, 1000);
    function done() {
      clearInterval(timer);
      button.removeAttribute("aria-busy");
      button.classList.remove("is-working");
    }
    fetch(href, { credentials: "same-origin", headers: { "Accept": "*/*" } })
      .then(function (response) {
        if (response.ok) {
          var name = fileName(response, href.split("?")[0].split("/").pop());
          return response.blob().then(function (blob) {
            done();
            save(blob, name);
            say(status, fill(message("export_done", "Downloaded {name}"), { name: name }), "done");
          });
        }
        return response.text().then(function (text) {
          done();
          if (response.status === 503) {
            say(status, message("export_busy", "The export service is busy. Try again in a minute."), "error");
          } else if (response.status === 400 || response.status === 404) {
            var reason = text.replace(/^(Bad request|Not found):\s*/, "");
            say(status, message("export_refused", "Export refused:") + " " + reason, "error");
          } else {
            say(status, message("export_failed", "The export failed."), "error");
          }
        });
      })
      .catch(function () {
        done();
        say(status, message("export_failed", "The export failed."), "error");
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("a.export-button");
    if (!button || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    if (!window.fetch || !window.URL || !URL.createObjectURL) { return; }  // the plain link still works
    event.preventDefault();
    start(button);
  });
})();
