"""Constants and small helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "archive" / "000_3d400be652883c92.txt"
SEED_ID = "000_3d400be652883c92"
