"""Items: things a user owns, prices and hands over to another user."""
