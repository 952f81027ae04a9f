"""Ordering: orders with their lines and payments, and the status machine they follow."""
