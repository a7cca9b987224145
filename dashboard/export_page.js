/* Loaded by kaleido's page after plotly.js (dashboard/export_browser.py): exports set no ligatures.
 *
 * Chromium loses the text of a ligature drawn inside an SVG image when it prints a PDF: with
 * Source Sans 3, "Chiffres" copied out of a PDF export as "Chi\u0000res" (its "ff" glyph had no
 * character). kaleido prints a PDF from the figure's SVG shown as an image, and an image takes
 * no style from the page, so the rule goes into the SVG itself; the page gets it too, so that
 * plotly measures the texts as they will be drawn.
 */
(function () {
  'use strict';
  var RULE = 'text { font-variant-ligatures: none; }';
  var PREFIX = 'data:image/svg+xml,';
  var page = document.createElement('style');
  page.textContent = RULE;
  document.head.appendChild(page);

  function withRule(svg) {
    var start = svg.indexOf('<svg');
    var end = start < 0 ? -1 : svg.indexOf('>', start);
    return end < 0 ? svg : svg.slice(0, end + 1) + '<style>' + RULE + '</style>' + svg.slice(end + 1);
  }

  var toImage = Plotly.toImage;
  Plotly.toImage = function (gd, opts) {
    return toImage.apply(this, arguments).then(function (data) {
      if (!opts || opts.format !== 'svg' || typeof data !== 'string') { return data; }
      if (data.indexOf(PREFIX) === 0) {
        return PREFIX + encodeURIComponent(withRule(decodeURIComponent(data.slice(PREFIX.length))));
      }
      return withRule(data);
    });
  };
}());
