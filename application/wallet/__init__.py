"""Wallet use cases: grants, transfers, the ledger read side and its reconciliation, and the
credit payments of orders."""
