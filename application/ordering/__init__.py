"""Ordering use cases: placing orders, moving them along, paying; and the orders read side."""
