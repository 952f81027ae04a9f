"""The catalog context in memory: categories and products (`repository.py`) and their read side
(`queries.py`)."""
