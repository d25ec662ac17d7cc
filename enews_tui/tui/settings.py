"""The reader's few remembered choices (the theme), in a small JSON file in the config folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from enews_tui.paths import config_dir

SETTINGS_FILE = "settings.json"


def settings_path() -> Path:
    """Where the settings live."""
    return config_dir() / SETTINGS_FILE


def load_settings() -> dict[str, Any]:
    """The saved settings; empty when there are none or the file cannot be read."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(key: str, value: Any) -> bool:
    """Remember `key` = `value` (written whole to a temporary file, then renamed into place);
    False when the folder cannot be written: the choice then lasts until the app quits."""
    data = load_settings()
    data[key] = value
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        return False
    return True
