"""Use cases (commands and their handlers), read-side query ports, and the driven ports.

This package does no I/O of its own (see README.md here)."""
