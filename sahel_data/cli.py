"""``python -m sahel_data.cli``: the same command line as ``sahel-dashboard``."""

from dashboard.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
