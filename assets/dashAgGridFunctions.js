/* Functions the grid's options name (dash-ag-grid looks them up here; no code from strings).
 *
 * nameGrid: AG Grid has no option for its own accessible name; when the grid is ready, its
 * root (role="grid") is labelled by the table's heading and described by its caption, so a
 * screen reader announces "Engagements in this view, grid" (in the page's language: the
 * heading and the caption are translated with the page).
 */
(function () {
  "use strict";
  var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
  dagfuncs.nameGrid = function (params, gridId, labelId, captionId) {
    var grid = document.getElementById(gridId);
    var root = grid && grid.querySelector('[role="grid"], [role="treegrid"]');
    if (root) {
      root.setAttribute("aria-labelledby", labelId);
      root.setAttribute("aria-describedby", captionId);
    }
  };
})();
