"""Unit tests of the wallet domain."""
