"""Where derived data lives: the user cache, data and state folders (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "enews-tui"


def cache_dir() -> Path:
    """The user cache folder, home of the indexes (read at call time, so tests can move it)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The user data folder."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """The user state folder (last copied contacts when no clipboard is reachable)."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The user config folder (the settings file: the theme chosen)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
