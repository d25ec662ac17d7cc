"""Building and refreshing: page parsing in worker processes, parallel segments, the file lock."""
