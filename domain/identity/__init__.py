"""Identity: users, their credentials policy and their credits."""
