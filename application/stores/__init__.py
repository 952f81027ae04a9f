"""Stores: opening and closing shops, and finding the store a request acts in."""
