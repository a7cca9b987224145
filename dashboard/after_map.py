"""``AfterMap``: a part of the desk's page that React draws only once the map is on screen.

Dash's renderer draws the whole layout in one pass before plotly draws the map, and the filter
panel's Mantine controls were the largest part of that pass. Under an ``AfterMap`` they are in
Dash's layout from the start (callbacks read and write them, a link sets them), but React mounts
them in the frame after the map's first draw (``assets/after_map.js``, released by
``assets/desk.js``); until then their place is an empty box marked busy. Mantine's script is run
then too (``dashboard/page_scripts.py``), so each such part has its own Mantine provider
(``mantine_after_map``). Measured in README.md ("Only what the user sees").

The component is written in plain JavaScript and described here as Dash describes a generated
component: ``children``, ``id`` and ``drawn`` (set by the browser when it is released).
"""

from __future__ import annotations

from typing import Any, ClassVar

import dash_mantine_components as dmc
from dash.development.base_component import Component

NAMESPACE = "sahel_components"  # window.sahel_components in assets/after_map.js


class AfterMap(Component):
    """Its children, drawn once the map has been drawn (a box marked busy until then)."""

    _children_props: ClassVar[list[str]] = []
    _base_nodes: ClassVar[list[str]] = ["children"]
    _namespace = NAMESPACE
    _type = "AfterMap"

    def __init__(self, children: Any = None, id: str | dict[str, str] | None = None, **kwargs: Any) -> None:  # noqa: A002
        # drawn: set by the browser once the map is drawn (never by the server).
        self._prop_names = ["children", "id", "drawn"]
        self._valid_wildcard_attributes: list[str] = []
        self.available_properties = ["children", "id", "drawn"]
        self.available_wildcard_properties: list[str] = []
        args = {k: v for k, v in {"id": id, **kwargs}.items() if v is not None}
        super().__init__(children=children, **args)


# Mantine's theme: the page's font, and the selects' and groups' styles.
MANTINE_THEME = {"fontFamily": '"Source Sans 3", "Segoe UI", "Helvetica Neue", Helvetica, Arial, sans-serif',
                 "primaryColor": "blue", "primaryShade": 9, "defaultRadius": "sm",
                 "fontSizes": {"sm": "0.95rem", "md": "1rem"}}


def mantine_after_map(children: list[Any]) -> AfterMap:
    """Mantine controls, drawn after the map under their own Mantine provider (the page has no
    other: Mantine's script comes after the map).
    """
    return AfterMap(dmc.MantineProvider(children, theme=MANTINE_THEME))


__all__ = ["MANTINE_THEME", "NAMESPACE", "AfterMap", "mantine_after_map"]
