"""The items context in memory: the items users own (`repository.py`) and their read side
(`queries.py`)."""
