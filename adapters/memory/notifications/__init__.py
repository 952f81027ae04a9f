"""The notifications context in memory: the messages kept for users (`repository.py`) and
their read side (`queries.py`)."""
