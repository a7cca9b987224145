/* The desk's first visit: the map first, then what is below the fold.
 *
 * The layout keeps the timeline's figure and the table's rows aside (a dcc.Store); when plotly
 * has drawn the map for the first time, this sets the "map-drawn" store, and a clientside
 * callback (dashboard/callbacks/panels.py) hands them to the timeline and the grid. So the
 * browser's first work goes to the map. If the map is not drawn within 10 s (an error), the
 * rest is drawn anyway: the table is the map's text alternative.
 */
(function () {
  "use strict";
  var signalled = false;
  function send() {
    window.dash_clientside.set_props("map-drawn", {data: Date.now()});
    document.documentElement.setAttribute("data-desk", "ready");
  }
  function signal() {
    if (signalled) { return; }
    var clientside = window.dash_clientside;
    if (!clientside || typeof clientside.set_props !== "function") { return; }
    signalled = true;
    // The grid's rows once the grid is ready: its listeners (the name it gets from the heading
    // above it, dashAgGridFunctions.js) are attached then, and must see the rows arrive.
    var grid = window.dash_ag_grid && window.dash_ag_grid.getApiAsync;
    if (typeof grid !== "function" || !document.getElementById("engagement-grid")) { send(); return; }
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 5000); });
    Promise.race([grid("engagement-grid"), timeout]).then(send, send);
  }
  function drawn(gd) { return !!gd.querySelector(".choroplethlayer path"); }
  function watch() {
    if (signalled) { return; }
    var gd = document.querySelector("#map-graph .js-plotly-plot");
    if (gd && typeof gd.once === "function") {
      if (drawn(gd)) { signal(); } else { gd.once("plotly_afterplot", signal); }
      return;
    }
    window.requestAnimationFrame(watch);
  }
  setTimeout(signal, 10000);
  watch();
})();
