// The trace types the dashboard draws: the map (choropleth, scattergeo) and the timeline
// (bar, and scatter, which plotly.js's core always includes). Add a trace type here before
// using it in layers/.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/choropleth'),
]);

module.exports = Plotly;
