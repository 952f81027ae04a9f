"""Unit tests of the wallet use cases."""
