"""Where derived data lives: the user cache, data and state folders (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "enews-tui"


def cache_dir() -> Path:
    """The user cache folder, home of the indexes (read at call time, so tests can move it)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The user data folder (the fetched archives)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """The user state folder (last copied contacts when no clipboard is reachable)."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The user config folder (the settings file: the theme chosen)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def library_path() -> Path:
    """The reader's library (read state, stars, notes): one SQLite file in the data folder, away
    from the cache, so deleting or rebuilding an index never touches it."""
    return data_dir() / "library.sqlite"


def exports_dir() -> Path:
    """Where the reader writes the stories and vCards it exports."""
    return data_dir() / "exports"


def archives_dir(host: str) -> Path:
    """Where `fetch` keeps a site's WARC files: `<data>/enews-tui/archives/<host>/`."""
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in host.lower()) or "site"
    return data_dir() / "archives" / safe
