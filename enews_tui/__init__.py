"""enews-tui: a terminal reader for archived news."""

__version__ = "0.1.0"
