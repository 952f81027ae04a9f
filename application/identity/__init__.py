"""Identity use cases: accounts, profiles, credentials, clean-ups; and the users read side."""
