"""Tests that cross a process or storage boundary: migrations, HTTP, concurrency."""
