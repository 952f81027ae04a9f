"""The identity context in memory: users (`repository.py`) and their read side (`queries.py`)."""
