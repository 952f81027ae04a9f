"""The notifications use cases: a user's messages, read and marked read; and the handlers that
write them when something happens to the user (`subscribers.py`)."""
