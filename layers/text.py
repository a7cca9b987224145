"""Text from data, made safe for plotly.

plotly reads a subset of HTML in every text it draws (titles, tick labels, hover text,
annotations, bar text): ``<a href=...>`` becomes a live link, ``<b>``, ``<i>``, ``<br>``,
``<span style=...>`` change the text, and entities such as ``&lt;`` are decoded. Names, titles,
notes and quotes come from data files that people edit, so each one goes through :func:`plain`
before it reaches a figure: it is then shown exactly as written, never run as markup.

Dash's HTML components (``html.P("...")``) and the stage's ``textContent`` already treat text as
text: escaping for them would show ``&lt;`` on screen. :func:`plain` is for plotly only.
"""

from __future__ import annotations

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plain(text: object) -> str:
    """``text`` as plotly shows it literally: ``&``, ``<`` and ``>`` as entities, nothing else changed."""
    return str(text).translate(_ESCAPES)
