"""The one rules engine: what is active, where, and what every headline figure adds up.

Everything the dashboard says about the data goes through here, and ``data/README.md``
states the same rules for people. Tables are turned into arrays once (:class:`Rules`); a view
is then a few array operations (:mod:`layers.rules.selection`), and each key figure is a
:class:`~layers.rules.headlines.Headline` that lists the rows it adds, the rows it leaves out
and why, with their sources.

Modules: ``base`` (arrays built once, activity and evidence), ``areas`` (area of operations at
a date), ``selection`` (filters), ``money``, ``strength``, ``displacement`` (the figures),
``headlines`` (the shared vocabulary of lines, totals and qualifiers).
"""

from layers.rules.base import Rules
from layers.rules.headlines import Headline, Line, Total

__all__ = ["Headline", "Line", "Rules", "Total"]
