"""Notifications: messages kept for a user."""
