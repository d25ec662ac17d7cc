"""Shared test set-up: every test gets its own cache, data and state folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# NO_COLOR in the environment changes every snapshot (TEXTUAL-NOTES §2).
os.environ.pop("NO_COLOR", None)

from tests.support import SEED


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point the platformdirs folders at a fresh temporary home, so no test sees another's index."""
    home = tmp_path_factory.mktemp("xdg")
    saved = {k: os.environ.get(k) for k in _XDG}
    for key, sub in _XDG.items():
        os.environ[key] = str(home / sub)
    os.environ.pop("ENEWS_TUI_ARCHIVE", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_XDG = {
    "XDG_CACHE_HOME": "cache",
    "XDG_DATA_HOME": "data",
    "XDG_STATE_HOME": "state",
    "XDG_CONFIG_HOME": "config",
}


@pytest.fixture
def seed_archive(tmp_path: Path) -> Path:
    """A temporary archive holding a copy of the seed page."""
    root = tmp_path / "archive"
    root.mkdir()
    shutil.copy(SEED, root / SEED.name)
    return root
