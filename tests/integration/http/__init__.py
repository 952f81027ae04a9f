"""The HTTP API, end to end inside the process, on every storage backend."""
