"""Catalog: categories (a tree without cycles) and products (priced, stocked, versioned)."""
