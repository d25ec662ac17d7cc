"""The story store: the SQLite file beside each build (what the list and the reader show)."""
