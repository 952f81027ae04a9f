"""The items use cases: things a user owns, edited with optimistic locking and handed over."""
