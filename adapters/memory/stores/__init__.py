"""The stores in memory: the tenants, kept once and seen from every store's part."""
