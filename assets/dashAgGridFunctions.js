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
  // gridText: AG Grid's own texts (menus, filters, ARIA labels) in the page's language, read when
  // the grid draws them. The locale tables come once, in the grid's context; the grid's options
  // never change after it starts (AG Grid cannot take a new localeText: a grid given one while
  // its columns change lost its header labels). "${variable}" is filled in order, as AG Grid does.
  dagfuncs.gridText = function (params) {
    var lang = document.documentElement.lang;
    var table = params.context && params.context.locales && params.context.locales[lang];
    var text = (table && table[params.key]) || params.defaultValue || "";
    (params.variableValues || []).forEach(function (value) { text = text.replace("${variable}", value); });
    return text;
  };
  dagfuncs.nameGrid = function (params, gridId, labelId, captionId) {
    var grid = document.getElementById(gridId);
    var root = grid && grid.querySelector('[role="grid"], [role="treegrid"]');
    if (root) {
      root.setAttribute("aria-labelledby", labelId);
      root.setAttribute("aria-describedby", captionId);
    }
  };
})();
