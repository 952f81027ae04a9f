"""Catalog use cases: categories and products; and the catalog read side."""
