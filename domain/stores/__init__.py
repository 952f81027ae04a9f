"""Stores: the tenants. Every other record belongs to exactly one store."""
