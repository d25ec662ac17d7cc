"""The query service: parsing, search, snippets, suggestions, related stories, the directory."""
