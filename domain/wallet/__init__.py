"""Wallet: each user's credits, the append-only ledger that explains them, transfers and grants."""
