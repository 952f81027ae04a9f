"""A real server process on 127.0.0.1, driven over HTTP like a user with curl would."""
