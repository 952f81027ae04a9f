"""Helpers the test folders share: real databases, and every storage backend behind
the same ports."""
