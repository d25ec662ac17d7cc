"""The engine: Whoosh's schema and analyzer, memory-mapped segments, and the fast read path."""
