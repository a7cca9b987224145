"""Pure figure and layer builders: data in, plotly figures or traces out; no Dash, no I/O."""
