"""Dash callbacks, grouped by what they output. Importing this package registers them."""

from dashboard.callbacks import export, map_view, panels, view_state

__all__ = ["export", "map_view", "panels", "view_state"]
