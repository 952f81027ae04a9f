"""The wallet context in memory: wallets over the user records, ledger entries, transfers and
grants."""
