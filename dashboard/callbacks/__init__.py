"""Dash callbacks, grouped by what they output. Importing this package registers them."""

from dashboard.callbacks import map, panels, view_state

__all__ = ["map", "panels", "view_state"]
