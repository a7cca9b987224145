"""Dash callbacks, grouped by what they output. Importing this package registers them."""

from dashboard.callbacks import briefing, export, map_view, panels, view_state

__all__ = ["briefing", "export", "map_view", "panels", "view_state"]
