"""The ordering context in memory: orders with their items and payments (`repository.py`) and
their read side (`queries.py`)."""
