"""The search index (the only package importing whoosh): build, refresh, search, related."""

from __future__ import annotations

import warnings

# Whoosh 2.7 has regex literals that newer Pythons warn about at import; they are harmless.
warnings.filterwarnings("ignore", category=SyntaxWarning, module=r"whoosh(\..*)?")

from enews_tui.index.core import StoryIndex, index_name, open_index  # noqa: E402
from enews_tui.index.engine.schema import SCHEMA_VERSION  # noqa: E402

__all__ = ["SCHEMA_VERSION", "StoryIndex", "index_name", "open_index"]
