// Bundle plotly.js with only the dashboard's trace types into one browser script that defines
// window.Plotly. dcc.Graph uses window.Plotly when it exists and then never loads its own
// full plotly.min.js (4.7 MB): this bundle is ~1.5 MB (0.5 MB gzip), so the first visit on a
// field-office link downloads and parses about a third. Settings follow plotly.js's own
// esbuild-config.js (iife, global Plotly, inline CSS); licence comments are kept.
const esbuild = require('esbuild');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

esbuild.build({
    entryPoints: [require('path').join(__dirname, 'entry.js')],
    outfile: process.argv[2],
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'inline',
    target: 'es2016',
    plugins: [InlineCSSPlugin()],
    alias: { stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    logLevel: 'warning',
}).catch(() => process.exit(1));
