"""What reaches the SQL databases: statement counts, locking, unreachable servers."""
