"""The Dash app of the Sahel security-assistance dashboard."""
