"""Benchmarks for enews-tui: a synthetic archive generator and the run that prints the figures."""
